/* A small event loop: epoll for file descriptors, a sorted list of
 * one-shot timers on the monotonic clock, and signalfd for signals.
 * Single-threaded; callbacks may add, modify or remove any watcher,
 * including their own. */
#ifndef DTCP_EV_H
#define DTCP_EV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct ev_loop;

typedef void ev_io_cb(void *arg, uint32_t events);
typedef void ev_timer_cb(void *arg);

struct ev_io {
	int fd;
	ev_io_cb *cb;
	void *arg;
	bool added;
};

struct ev_timer {
	uint64_t deadline_ms;
	ev_timer_cb *cb;
	void *arg;
	struct ev_timer *next;
	bool armed;
};

struct ev_loop *ev_new(void);
void ev_free(struct ev_loop *loop);

/* Watch io->fd for `events` (EPOLLIN/EPOLLOUT). Returns 0 or -errno. */
int ev_io_add(struct ev_loop *loop, struct ev_io *io, uint32_t events);
int ev_io_mod(struct ev_loop *loop, struct ev_io *io, uint32_t events);
/* Stop watching; safe on an io that was never added. Does not close. */
void ev_io_del(struct ev_loop *loop, struct ev_io *io);

/* (Re)arm `t` to fire once after `ms` milliseconds. */
void ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t ms);
/* Disarm; safe on an unarmed timer. */
void ev_timer_cancel(struct ev_loop *loop, struct ev_timer *t);

/* Deliver the listed signals (0-terminated) through the loop: they are
 * blocked and `cb(arg)` is called with the signal number in *last_signal.
 * Returns 0 or -errno. */
int ev_signals(struct ev_loop *loop, const int *signals,
	       void (*cb)(void *arg, int signo), void *arg);

/* Call cb(arg) after every batch of events, when no callback of the batch
 * is running: the place to free objects whose watchers may still have
 * been reported in the batch. */
void ev_after_batch(struct ev_loop *loop, void (*cb)(void *arg), void *arg);

/* Run until ev_stop(). Returns 0, or -errno if epoll fails. */
int ev_run(struct ev_loop *loop);
void ev_stop(struct ev_loop *loop);

#endif
