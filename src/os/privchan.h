/* The mechanism of both privilege separations (dtcps and the clients),
 * with no knowledge of what is asked: the fork into a privileged parent
 * and an engine joined by a SOCK_SEQPACKET channel (and a datagram channel
 * for the engine's log records), the engine's request/reply call, and the
 * parent's loop, which checks every request against its daemon's table
 * {type, exact length, allowed states, reply length, handler} and stops
 * trusting (kills) the engine at the first message outside it. The tables
 * are in server/privsep_parent.c and client/privsep_parent.c. */
#ifndef DTCP_PRIVCHAN_H
#define DTCP_PRIVCHAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PRIVCHAN_MSG_MAX 512
#define PRIVCHAN_REPLY 0x8000u   /* or'ed into a request's type: its reply */

/* Every message starts with this: what it is, and which session (server)
 * or 0 (clients) it is about. */
struct privchan_hdr {
	uint32_t type;
	uint32_t id;
};

/* One side's ends of a separation. */
struct privchan {
	int sock;      /* requests and replies (SOCK_SEQPACKET) */
	int log_fd;    /* the engine's log records (SOCK_DGRAM) */
	pid_t parent;  /* the parent's pid, taken before the fork */
};

/* Create both channels and fork. In the child (return 0) *chan holds the
 * engine's ends and its logging already goes to the parent; in the parent
 * (return the engine's pid) *chan holds the parent's ends. Fatal on
 * failure. */
pid_t privchan_fork(struct privchan *chan);

/* Block the signals the parent's loop takes (SIGINT, SIGTERM, SIGHUP,
 * SIGCHLD) into *set, so that they wait until it listens: call before
 * anything a signal must not interrupt (a pidfile, a "down" owed). */
void privchan_block_signals(sigset_t *set);

/* ------------------------------------------------------------ engine */

/* Send req (len bytes, starting with a privchan_hdr) and receive its
 * reply into rep: exactly rep_len bytes, of the request's type with
 * PRIVCHAN_REPLY, about the same id, and no descriptor. Anything else means
 * the parent is gone or broken: fatal. */
void privchan_call(int sock, const void *req, size_t len, void *rep,
		   size_t rep_len);

/* Replies that may bring a descriptor start with this: err 0 means one
 * came with it. */
struct privchan_fd_reply {
	struct privchan_hdr h;
	int32_t err;   /* 0, or -errno / a daemon's negative code */
};

/* privchan_call for a reply that starts with a privchan_fd_reply. Returns
 * the descriptor; the reply's err when it is negative (closing anything
 * that came); -EMFILE with err 0 when this process had no room for the
 * descriptor (what it stood for is gone with it). */
int privchan_call_fd(int sock, const void *req, size_t len, void *rep,
		     size_t rep_len);

/* Send a request that has no reply. Fatal when the parent is gone. */
void privchan_send(int sock, const void *msg, size_t len);

/* ------------------------------------------------------------ parent */

/* Answer a request that passed its rule: rep (rule's rep_len bytes,
 * zeroed, header filled in) is sent back, with *fd when the handler sets
 * it (the parent's copy is closed after sending). Returns 0, or -1 when
 * the request breaks a rule only the handler can check (a field's value):
 * the engine is then no longer trusted. */
typedef int privchan_handler(void *ctx, const void *req, void *rep, int *fd);

struct privchan_rule {
	uint32_t type;
	uint32_t len;              /* exact length of the request */
	uint32_t states;           /* bit set: 1u << state where allowed */
	uint32_t rep_len;          /* 0: no reply */
	privchan_handler *handle;
};

struct privchan_table {
	const struct privchan_rule *rules;
	size_t nrules;
	/* The state (a small number) of what a request is about, given its
	 * header; checked against the rule's states before the handler. */
	unsigned (*state)(void *ctx, const struct privchan_hdr *h);
	/* The signal to send the engine when the parent gets SIGINT,
	 * SIGTERM or SIGHUP (0: none). */
	int (*forward)(void *ctx, int signo);
	/* Called when no request is waiting any more (may be NULL): work
	 * that gains from being done for a batch of requests at once, a
	 * bounded share at a time. Returns -1 when nothing is left, or in
	 * how many milliseconds (0: at once) to be called again if no
	 * request comes first. */
	int (*idle)(void *ctx);
};

/* The engine's send buffer: room for 10,000 queued messages. */
#define PRIVCHAN_SNDBUF (32 << 20)

/* Check one request of len bytes against the table and answer it on sock.
 * Returns 0, or -1 when it is outside the table (unknown type, wrong
 * length, wrong state, bad field) or the reply cannot be sent. */
int privchan_dispatch(const struct privchan_table *t, void *ctx, int sock,
		      const void *msg, size_t len);

/* Serve the engine over sock with privchan_dispatch until it closes the
 * channel or breaks a rule (then it is killed), and log the records it
 * sends on log_fd (-1: none; see log_relay). Reaps the engine. Returns
 * dtcp's exit status: the engine's own, or 1 when it was killed or
 * distrusted (logged, SIGSYS explained). */
int privchan_serve(int sock, int log_fd, pid_t engine,
		   const struct privchan_table *t, void *ctx);

#endif
