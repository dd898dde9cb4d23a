/* The privileged parent's side of a privilege separation, shared by dtcps
 * and the clients: wait for the engine's requests and for signals, hand
 * each request to the daemon's checker, and stop trusting (kill) the
 * engine at the first bad one. */
#ifndef DTCP_PRIVPARENT_H
#define DTCP_PRIVPARENT_H

#include <sys/types.h>

#define PRIVPARENT_MSG_MAX 512

struct privparent_ops {
	/* Check and answer one request of len bytes (no descriptor came
	 * with it). Returns 0, or -1 when it breaks the rules. */
	int (*serve)(void *ctx, int sock, const void *msg, size_t len);
	/* The signal to send the engine when the parent gets SIGINT,
	 * SIGTERM or SIGHUP (0: none). */
	int (*forward)(int signo);
};

/* The parent's and the engine's ends of a separation. */
struct privparent_chan {
	int sock;      /* requests and replies (SOCK_SEQPACKET) */
	int log_fd;    /* the engine's log records (SOCK_DGRAM) */
	pid_t parent;  /* the parent's pid, taken before the fork */
};

/* Create both channels and fork. In the child (return 0) *chan holds the
 * engine's ends and its logging already goes to the parent; in the parent
 * (return the engine's pid) *chan holds the parent's ends. Fatal on
 * failure. */
pid_t privparent_fork(struct privparent_chan *chan);

/* Serve the engine over sock until it closes the channel or breaks a
 * rule, then reap it. Log records from the engine arriving on log_fd
 * (-1: none; see log_relay) are logged here. Returns dtcp's exit status: the engine's own, or 1
 * when it was killed or distrusted (logged, SIGSYS explained). */
int privparent_run(int sock, int log_fd, pid_t engine,
		   const struct privparent_ops *ops, void *ctx);

#endif
