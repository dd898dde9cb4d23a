/* Privilege separation: fork, engine call, parent dispatch and loop. */
#include "os/privchan.h"

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
#include "common/monotime.h"
#include "os/fdpass.h"

pid_t privchan_fork(struct privchan *chan)
{
	int req[2], logs[2];
	pid_t pid;

	int big = PRIVCHAN_SNDBUF;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, req) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, logs) < 0)
		fatal("socketpair");
	/* Messages the engine sends without waiting for an answer (a
	 * server's ENDs when thousands of tunnels go at once) queue here
	 * instead of stopping its event loop; beyond the default only root
	 * may ask, which we still are. */
	if (setsockopt(req[1], SOL_SOCKET, SO_SNDBUFFORCE, &big,
		       sizeof(big)) < 0)
		(void)setsockopt(req[1], SOL_SOCKET, SO_SNDBUF, &big,
				 sizeof(big));
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

void privchan_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
	sigprocmask(SIG_BLOCK, set, NULL);
}

void privchan_send(int sock, const void *msg, size_t len)
{
	if (fdpass_send(sock, msg, len, -1) < 0)
		fatal("privileged parent unreachable");
}

/* Send req, receive its reply (checked as privchan_call says) and the
 * descriptor that came with it, if any, into *fd. */
static void privchan_exchange(int sock, const void *req, size_t len,
			      void *rep, size_t rep_len, int *fd)
{
	const struct privchan_hdr *q = req, *a = rep;
	ssize_t n;

	privchan_send(sock, req, len);
	n = fdpass_recv(sock, rep, rep_len, fd);
	if (n == 0)
		fatalx("privileged parent has exited");
	if (n < 0)
		fatal("privileged parent unreachable");
	if ((size_t)n != rep_len || a->type != (q->type | PRIVCHAN_REPLY) ||
	    a->id != q->id)
		fatalx("unexpected reply from the privileged parent (type %u, "
		       "%zd bytes)", a->type, n);
}

void privchan_call(int sock, const void *req, size_t len, void *rep,
		   size_t rep_len)
{
	int fd;

	privchan_exchange(sock, req, len, rep, rep_len, &fd);
	if (fd != -1)
		fatalx("unexpected descriptor from the privileged parent");
}

int privchan_call_fd(int sock, const void *req, size_t len, void *rep,
		     size_t rep_len)
{
	const struct privchan_fd_reply *a = rep;
	int fd;

	if (rep_len < sizeof(*a))
		fatalx("internal error: a descriptor reply without its error");
	privchan_exchange(sock, req, len, rep, rep_len, &fd);
	if (a->err < 0) {
		if (fd >= 0)
			close(fd);
		return a->err;
	}
	if (fd == FDPASS_LOST)
		return -EMFILE;
	if (fd < 0)
		fatalx("privileged parent sent no descriptor");
	return fd;
}

int privchan_dispatch(const struct privchan_table *t, void *ctx, int sock,
		      const void *msg, size_t len)
{
	const struct privchan_hdr *h = msg;
	const struct privchan_rule *rule = NULL;
	union {
		struct privchan_hdr h;
		char buf[PRIVCHAN_MSG_MAX];
	} rep;
	unsigned state;
	int fd = -1, rc;

	if (len < sizeof(*h))
		return -1;
	for (size_t i = 0; i < t->nrules && rule == NULL; i++)
		if (t->rules[i].type == h->type)
			rule = &t->rules[i];
	if (rule == NULL || len != rule->len || rule->rep_len > sizeof(rep))
		return -1;
	state = t->state(ctx, h);
	if (state >= 32 || !(rule->states & (1u << state)))
		return -1;
	memset(&rep, 0, sizeof(rep));
	rep.h.type = h->type | PRIVCHAN_REPLY;
	rep.h.id = h->id;
	rc = rule->handle(ctx, msg, &rep, &fd);
	if (rc == 0 && rule->rep_len > 0)
		rc = fdpass_send(sock, &rep, rule->rep_len, fd) < 0 ? -1 : 0;
	/* The engine holds the only descriptor now: when it closes it, or
	 * dies, the kernel removes what it stands for (a TUN device). */
	if (fd >= 0)
		close(fd);
	explicit_bzero(&rep, sizeof(rep));   /* may have held a digest */
	return rc < 0 ? -1 : 0;
}

/* Reap the engine and turn its end into our exit status. */
static int privchan_reap(pid_t engine, int rc)
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

/* Log what the engine sent, at most this many records per wakeup so that
 * the engine cannot starve its own requests, and at most PRIVCHAN_LOG_RATE
 * a second (bursts of PRIVCHAN_LOG_BURST), so that a flooded or subverted
 * engine cannot fill the system log; what is dropped is counted and said
 * once the budget allows. */
#define PRIVCHAN_LOG_BATCH 64
#define PRIVCHAN_LOG_BURST 200
#define PRIVCHAN_LOG_RATE 50

static void privchan_logs(int fd)
{
	static struct log_budget budget = { .burst = PRIVCHAN_LOG_BURST,
					    .per_second = PRIVCHAN_LOG_RATE };
	char rec[LOG_RELAY_MAX + 1];

	for (int i = 0; i < PRIVCHAN_LOG_BATCH; i++) {
		ssize_t n = recv(fd, rec, sizeof(rec) - 1, MSG_DONTWAIT);
		uint64_t dropped = budget.dropped;

		if (n <= 0)
			return;
		if (rec[0] < '0' || rec[0] > '7' ||
		    !log_budget_take(&budget, monotime_ms()))
			continue;
		/* Said before the first record that passes again; it rides
		 * on that record's token. */
		if (dropped > 0) {
			log_warnx("%llu log records of the engine dropped "
				  "(more than %u a second)",
				  (unsigned long long)dropped,
				  PRIVCHAN_LOG_RATE);
			budget.dropped = 0;
		}
		log_relay_emit(rec[0] - '0', rec + 1, (size_t)n - 1);
	}
}

/* True when a request is waiting on sock. */
static bool privchan_readable(int sock)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/* Run the table's deferred work: true with *at, when to run it again;
 * false when it has none left. */
static bool privchan_idle(const struct privchan_table *t, void *ctx,
			  uint64_t *at)
{
	int again = t->idle(ctx);

	*at = monotime_ms() + (uint64_t)(again < 0 ? 0 : again);
	return again >= 0;
}

int privchan_serve(int sock, int log_fd, pid_t engine,
		   const struct privchan_table *t, void *ctx)
{
	struct pollfd pfd[3];
	sigset_t set;
	int sigfd, rc = 0, ready, timeout;
	uint64_t idle_at = 0;     /* when idle wants to run again, */
	bool idle_due = false;    /* if it does */

	privchan_block_signals(&set);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd < 0)
		fatal("signalfd");
	pfd[0] = (struct pollfd){ .fd = sock, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = log_fd, .events = POLLIN };
	for (;;) {
		union {
			uint32_t type;
			char buf[PRIVCHAN_MSG_MAX];
		} m;
		ssize_t n;
		int fd;

		/* Deferred work goes on only while no request waits; its
		 * time is kept however often logs or signals wake us. */
		timeout = -1;
		if (idle_due) {
			uint64_t now = monotime_ms();

			timeout = idle_at > now ? (int)(idle_at - now) : 0;
		}
		ready = poll(pfd, log_fd >= 0 ? 3 : 2, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (idle_due && monotime_ms() >= idle_at &&
		    !(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			idle_due = privchan_idle(t, ctx, &idle_at);
		if (log_fd >= 0 && (pfd[2].revents & POLLIN))
			privchan_logs(log_fd);
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			int sig;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si) &&
			    si.ssi_signo != SIGCHLD &&
			    (sig = t->forward(ctx, (int)si.ssi_signo)) != 0)
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
		if (n < 0 || privchan_dispatch(t, ctx, sock, &m, (size_t)n) < 0) {
			log_warnx("invalid request from the engine (type %u, %zd "
				  "bytes); no longer trusting it: stopping",
				  n >= (ssize_t)sizeof(m.type) ? m.type : 0, n);
			kill(engine, SIGKILL);
			rc = 1;
			break;
		}
		if (t->idle != NULL && !privchan_readable(sock))
			idle_due = privchan_idle(t, ctx, &idle_at);
	}
	close(sock);
	close(sigfd);
	rc = privchan_reap(engine, rc);
	/* The engine's last words, sent before it exited. */
	if (log_fd >= 0)
		privchan_logs(log_fd);
	return rc;
}
