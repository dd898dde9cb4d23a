/* The client engine's outer loop: sessions, reconnects with backoff. */
#include "client/reconnect.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "client/backoff.h"
#include "client/session.h"
#include "client/signals.h"
#include "common/log.h"

/* Sleep `ms` unless a signal comes first: returns it, or 0. */
static int wait_or_signal(int sigfd, uint32_t ms)
{
	struct pollfd pfd = { .fd = sigfd, .events = POLLIN };
	int n;

	do
		n = poll(&pfd, 1, (int)ms);
	while (n < 0 && errno == EINTR);
	return n > 0 ? signals_take(sigfd) : 0;
}

int reconnect_run(const struct client_config *cfg, int sigfd)
{
	struct backoff bo;
	uint64_t lived;
	uint32_t rnd, delay;
	int signo;

	backoff_init(&bo);
	for (;;) {
		enum session_end end = session_run(cfg, sigfd, &lived);

		switch (end) {
		case SESSION_END_STOP:
			return 0;
		case SESSION_END_FATAL:
			return 1;
		case SESSION_END_HUP:
			backoff_init(&bo);
			log_info("reconnecting now (SIGHUP)");
			continue;
		case SESSION_END_RETRY:
			break;
		}
		if (!cfg->reconnect)
			return 1;
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)getpid();
		delay = backoff_next(&bo, lived, rnd);
		log_info("reconnecting in %.1f s (attempt %u)", delay / 1000.0,
			 bo.attempt);
		signo = wait_or_signal(sigfd, delay);
		if (signo == SIGHUP) {
			backoff_init(&bo);
			continue;
		}
		if (signo) {
			log_info("%s: stopping", strsignal(signo));
			return 0;
		}
	}
}
