/* Relay threads. Each worker runs an event loop of its own and relays
 * for the tunnels given to it; the control protocol, the sessions and
 * every shared socket stay in the main loop. A tunnel belongs to one
 * worker for its whole life, so its relay is only ever run by one thread;
 * the main thread takes it back by removing its descriptors from the
 * worker's loop and waiting for the batch of events the worker may be in
 * (worker_quiesce): after that it may close and free it. */
#ifndef DTCP_SERVER_WORKERS_H
#define DTCP_SERVER_WORKERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/ev.h"

#define WORKERS_MAX 64

struct worker {
	pthread_t thread;
	struct ev_loop *loop;
	int wake_fd;                  /* eventfd: a batch, or the stop */
	struct ev_io wake_io;
	pthread_mutex_t lock;
	pthread_cond_t batch_done;
	uint64_t batches;             /* completed, under lock */
	bool stopping;                /* under lock */
	unsigned ntunnels;            /* main thread only */
};

struct workers {
	struct worker *w;
	unsigned n;
};

/* Start n workers (0: none; the main loop relays for every tunnel).
 * Returns 0, or -errno with none started. */
int workers_start(struct workers *ws, unsigned n);

/* Stop and join every worker and free them; their loops must be empty
 * (every tunnel taken back). */
void workers_stop(struct workers *ws);

/* The worker with the fewest tunnels (its count is raised), or NULL when
 * there are none. */
struct worker *workers_pick(struct workers *ws);

/* The main thread has removed a tunnel's descriptors from w's loop: wait
 * until w has finished any batch of events that may still have named
 * them, and lower w's count. */
void worker_release(struct worker *w);

#endif
