/* The privileged parent's loop. */
#include "os/privparent.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "os/fdpass.h"

/* Reap the engine and turn its end into our exit status. */
static int privparent_reap(pid_t engine, int rc)
{
	int status = 0;

	while (waitpid(engine, &status, 0) < 0 && errno == EINTR)
		;
	if (rc != 0)
		return rc;
	if (WIFSIGNALED(status)) {
		log_warnx("engine killed by signal %d%s", WTERMSIG(status),
			  WTERMSIG(status) == SIGSYS
				  ? " (a system call outside its seccomp "
				    "allow-list; the kernel log names it)" : "");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int privparent_run(int sock, pid_t engine, const struct privparent_ops *ops,
		   void *ctx)
{
	struct pollfd pfd[2];
	sigset_t set;
	int sigfd, rc = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd < 0)
		fatal("signalfd");
	pfd[0] = (struct pollfd){ .fd = sock, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	for (;;) {
		union {
			uint32_t type;
			char buf[PRIVPARENT_MSG_MAX];
		} m;
		ssize_t n;
		int fd;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			int sig;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si) &&
			    si.ssi_signo != SIGCHLD &&
			    (sig = ops->forward((int)si.ssi_signo)) != 0)
				kill(engine, sig);
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		memset(&m, 0, sizeof(m));
		n = fdpass_recv(sock, &m, sizeof(m), &fd);
		if (n == 0)
			break;
		if (fd != -1) {
			/* Descriptors only ever go from parent to engine. */
			if (fd >= 0)
				close(fd);
			n = -1;
		}
		if (n < 0 || ops->serve(ctx, sock, &m, (size_t)n) < 0) {
			log_warnx("invalid request from the engine (type %u, %zd "
				  "bytes); no longer trusting it: stopping",
				  n >= (ssize_t)sizeof(m.type) ? m.type : 0, n);
			kill(engine, SIGKILL);
			rc = 1;
			break;
		}
	}
	close(sock);
	close(sigfd);
	return privparent_reap(engine, rc);
}
