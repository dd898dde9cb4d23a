/* The client's outer loop: sessions, reconnects with backoff, signals. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "client/backoff.h"
#include "client/client.h"
#include "common/log.h"

int client_signals_init(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int client_signal_take(int sigfd)
{
	struct signalfd_siginfo si;

	if (read(sigfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

/* Sleep `ms` unless a signal comes first: returns it, or 0. */
static int wait_or_signal(int sigfd, uint32_t ms)
{
	struct pollfd pfd = { .fd = sigfd, .events = POLLIN };
	int n;

	do
		n = poll(&pfd, 1, (int)ms);
	while (n < 0 && errno == EINTR);
	return n > 0 ? client_signal_take(sigfd) : 0;
}

int client_run(const struct client_config *cfg, int sigfd)
{
	struct backoff bo;
	uint64_t lived;
	uint32_t rnd, delay;
	int signo;

	backoff_init(&bo);
	for (;;) {
		enum client_end end = client_session(cfg, sigfd, &lived);

		switch (end) {
		case CLIENT_END_STOP:
			return 0;
		case CLIENT_END_FATAL:
			return 1;
		case CLIENT_END_HUP:
			backoff_init(&bo);
			log_info("reconnecting now (SIGHUP)");
			continue;
		case CLIENT_END_RETRY:
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
