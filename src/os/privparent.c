/* The privileged parent's loop. */
#include "os/privparent.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "os/fdpass.h"

pid_t privparent_fork(struct privparent_chan *chan)
{
	int req[2], logs[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, req) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, logs) < 0)
		fatal("socketpair");
	chan->parent = getpid();
	pid = fork();
	if (pid < 0)
		fatal("fork");
	/* Each side keeps its own ends: [0] the parent's, [1] the engine's. */
	close(req[pid == 0 ? 0 : 1]);
	close(logs[pid == 0 ? 0 : 1]);
	chan->sock = req[pid == 0 ? 1 : 0];
	chan->log_fd = logs[pid == 0 ? 1 : 0];
	if (pid == 0)
		log_relay(chan->log_fd);
	return pid;
}

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

/* Log what the engine sent, a bounded number of records per wakeup. */
static void privparent_logs(int fd)
{
	char rec[LOG_RELAY_MAX + 1];

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(fd, rec, sizeof(rec) - 1, MSG_DONTWAIT);

		if (n <= 0)
			return;
		if (rec[0] >= '0' && rec[0] <= '7')
			log_relay_emit(rec[0] - '0', rec + 1, (size_t)n - 1);
	}
}

int privparent_run(int sock, int log_fd, pid_t engine,
		   const struct privparent_ops *ops, void *ctx)
{
	struct pollfd pfd[3];
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
	pfd[2] = (struct pollfd){ .fd = log_fd, .events = POLLIN };
	for (;;) {
		union {
			uint32_t type;
			char buf[PRIVPARENT_MSG_MAX];
		} m;
		ssize_t n;
		int fd;

		if (poll(pfd, log_fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (log_fd >= 0 && (pfd[2].revents & POLLIN))
			privparent_logs(log_fd);
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
	rc = privparent_reap(engine, rc);
	/* The engine's last words, sent before it exited. */
	if (log_fd >= 0)
		privparent_logs(log_fd);
	return rc;
}
