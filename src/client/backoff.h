/* Reconnect pacing: exponential backoff with jitter between 1 s and 300 s,
 * reset after a session that lived long enough. Pure: the caller supplies
 * the random bits, so tests are exact. */
#ifndef DTCP_BACKOFF_H
#define DTCP_BACKOFF_H

#include <stdint.h>

#define BACKOFF_MIN_MS 1000u
#define BACKOFF_MAX_MS 300000u
#define BACKOFF_RESET_AFTER_MS 60000u  /* a session this long was healthy */

struct backoff {
	uint32_t ceiling_ms;   /* upper bound of the next delay */
	unsigned attempt;      /* failures since the last healthy session */
};

void backoff_init(struct backoff *b);

/* The session that just ended lived `lived_ms` with its tunnel up (0 if it
 * never came up). Returns the delay before the next attempt: uniform in
 * [ceiling/2, ceiling] from `rnd`, after which the ceiling doubles up to
 * BACKOFF_MAX_MS. A healthy session first resets the ceiling to 1 s. */
uint32_t backoff_next(struct backoff *b, uint64_t lived_ms, uint32_t rnd);

#endif
