/* Relay threads (see workers.h). */
#include "server/workers.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/log.h"

static void worker_on_wake(void *arg, uint32_t events)
{
	struct worker *w = arg;
	uint64_t v;
	bool stop;

	(void)events;
	if (read(w->wake_fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: another wake-up took it; nothing is lost */
	}
	pthread_mutex_lock(&w->lock);
	stop = w->stopping;
	pthread_mutex_unlock(&w->lock);
	if (stop)
		ev_stop(w->loop);
}

/* Every batch ends here: whoever waits in worker_release learns that no
 * event reported before its removal can still be handled. */
static void worker_after_batch(void *arg)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->lock);
	w->batches++;
	pthread_cond_broadcast(&w->batch_done);
	pthread_mutex_unlock(&w->lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	/* A thread gone would leave worker_release waiting for ever. */
	if (ev_run(w->loop) < 0)
		fatal("relay thread: event loop failed");
	return NULL;
}

static void worker_wake(struct worker *w)
{
	uint64_t one = 1;

	/* A full counter (never in practice) still wakes the loop. */
	if (write(w->wake_fd, &one, sizeof(one)) < 0) {
		/* nothing to do */
	}
}

static void worker_free(struct worker *w)
{
	ev_free(w->loop);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	pthread_cond_destroy(&w->batch_done);
	pthread_mutex_destroy(&w->lock);
}

static int worker_init(struct worker *w)
{
	memset(w, 0, sizeof(*w));
	w->wake_fd = -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->batch_done, NULL);
	w->loop = ev_new();
	if (w->loop == NULL)
		goto fail;
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wake_fd < 0)
		goto fail;
	w->wake_io = (struct ev_io){ .fd = w->wake_fd, .cb = worker_on_wake,
				     .arg = w };
	if (ev_io_add(w->loop, &w->wake_io, EPOLLIN) < 0)
		goto fail;
	ev_after_batch(w->loop, worker_after_batch, w);
	return 0;
fail:
	worker_free(w);
	return -1;
}

int workers_start(struct workers *ws, unsigned n)
{
	sigset_t all, old;
	int err = 0;

	ws->w = NULL;
	ws->n = 0;
	if (n == 0)
		return 0;
	if (n > WORKERS_MAX)
		return -EINVAL;
	ws->w = calloc(n, sizeof(*ws->w));
	if (ws->w == NULL)
		return -ENOMEM;
	/* A signal for the process goes to a thread that does not block
	 * it: never to a relay thread, which would die of a SIGTERM meant
	 * for the main loop's signalfd, and the engine with it. Threads
	 * inherit the mask they are created with. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < n && err == 0; i++) {
		if (worker_init(&ws->w[i]) < 0) {
			err = ENOMEM;
			break;
		}
		err = pthread_create(&ws->w[i].thread, NULL, worker_main,
				     &ws->w[i]);
		if (err != 0)
			worker_free(&ws->w[i]);
		else
			ws->n = i + 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		workers_stop(ws);
		return -err;
	}
	return 0;
}

void workers_stop(struct workers *ws)
{
	for (unsigned i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];

		pthread_mutex_lock(&w->lock);
		w->stopping = true;
		pthread_mutex_unlock(&w->lock);
		worker_wake(w);
		pthread_join(w->thread, NULL);
		worker_free(w);
	}
	free(ws->w);
	ws->w = NULL;
	ws->n = 0;
}

struct worker *workers_pick(struct workers *ws)
{
	struct worker *best = NULL;

	for (unsigned i = 0; i < ws->n; i++)
		if (best == NULL || ws->w[i].ntunnels < best->ntunnels)
			best = &ws->w[i];
	if (best != NULL)
		best->ntunnels++;
	return best;
}

void worker_release(struct worker *w)
{
	uint64_t seen;

	pthread_mutex_lock(&w->lock);
	seen = w->batches;
	pthread_mutex_unlock(&w->lock);
	/* The batch in progress, if any, ends with a count above `seen`;
	 * an idle worker is woken for one that does. */
	worker_wake(w);
	pthread_mutex_lock(&w->lock);
	while (w->batches == seen)
		pthread_cond_wait(&w->batch_done, &w->lock);
	pthread_mutex_unlock(&w->lock);
	w->ntunnels--;
}
