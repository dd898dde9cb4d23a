/* Event loop implementation: epoll + sorted timer list + signalfd. */
#include "common/ev.h"

#include "common/monotime.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define EV_BATCH 64

struct ev_loop {
	int epfd;
	bool stop;
	struct ev_timer *timers; /* sorted by deadline, earliest first */
	struct ev_io sig_io;
	void (*sig_cb)(void *arg, int signo);
	void *sig_arg;
	void (*after_cb)(void *arg);
	void *after_arg;
};

struct ev_loop *ev_new(void)
{
	struct ev_loop *loop = calloc(1, sizeof(*loop));

	if (loop == NULL)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->sig_io.fd = -1;
	return loop;
}

void ev_free(struct ev_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sig_io.fd >= 0)
		close(loop->sig_io.fd);
	close(loop->epfd);
	free(loop);
}

int ev_io_add(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event ee = { .events = events, .data.ptr = io };

	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, io->fd, &ee) < 0)
		return -errno;
	io->added = true;
	return 0;
}

int ev_io_mod(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event ee = { .events = events, .data.ptr = io };

	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, io->fd, &ee) < 0)
		return -errno;
	return 0;
}

void ev_io_del(struct ev_loop *loop, struct ev_io *io)
{
	if (!io->added)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	io->added = false;
}

void ev_timer_cancel(struct ev_loop *loop, struct ev_timer *t)
{
	struct ev_timer **pp;

	if (!t->armed)
		return;
	for (pp = &loop->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t ms)
{
	struct ev_timer **pp;

	ev_timer_cancel(loop, t);
	t->deadline_ms = monotime_ms() + ms;
	for (pp = &loop->timers; *pp; pp = &(*pp)->next)
		if ((*pp)->deadline_ms > t->deadline_ms)
			break;
	t->next = *pp;
	*pp = t;
	t->armed = true;
}

static void ev_on_signal(void *arg, uint32_t events)
{
	struct ev_loop *loop = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(loop->sig_io.fd, &si, sizeof(si)) == sizeof(si))
		loop->sig_cb(loop->sig_arg, (int)si.ssi_signo);
}

int ev_signals(struct ev_loop *loop, const int *signals,
	       void (*cb)(void *arg, int signo), void *arg)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (; *signals; signals++)
		sigaddset(&set, *signals);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	loop->sig_cb = cb;
	loop->sig_arg = arg;
	loop->sig_io = (struct ev_io){ .fd = fd, .cb = ev_on_signal, .arg = loop };
	return ev_io_add(loop, &loop->sig_io, EPOLLIN);
}

static int ev_next_timeout(struct ev_loop *loop)
{
	uint64_t now;

	if (loop->timers == NULL)
		return -1;
	now = monotime_ms();
	if (loop->timers->deadline_ms <= now)
		return 0;
	if (loop->timers->deadline_ms - now > 3600 * 1000)
		return 3600 * 1000;
	return (int)(loop->timers->deadline_ms - now);
}

static void ev_run_timers(struct ev_loop *loop)
{
	uint64_t now = monotime_ms();

	while (!loop->stop && loop->timers &&
	       loop->timers->deadline_ms <= now) {
		struct ev_timer *t = loop->timers;

		loop->timers = t->next;
		t->next = NULL;
		t->armed = false;
		t->cb(t->arg);
	}
}

int ev_run(struct ev_loop *loop)
{
	struct epoll_event evs[EV_BATCH];

	loop->stop = false;
	while (!loop->stop) {
		int n = epoll_wait(loop->epfd, evs, EV_BATCH,
				   ev_next_timeout(loop));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* A callback must not free a watcher that may still be
		 * reported in this batch; owners free in after_cb instead. */
		for (int i = 0; i < n && !loop->stop; i++) {
			struct ev_io *io = evs[i].data.ptr;

			io->cb(io->arg, evs[i].events);
		}
		ev_run_timers(loop);
		if (loop->after_cb)
			loop->after_cb(loop->after_arg);
	}
	return 0;
}

void ev_after_batch(struct ev_loop *loop, void (*cb)(void *arg), void *arg)
{
	loop->after_cb = cb;
	loop->after_arg = arg;
}

void ev_stop(struct ev_loop *loop)
{
	loop->stop = true;
}
