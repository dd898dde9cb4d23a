/* Exponential backoff with jitter. */
#include "client/backoff.h"

void backoff_init(struct backoff *b)
{
	b->ceiling_ms = BACKOFF_MIN_MS;
	b->attempt = 0;
}

uint32_t backoff_next(struct backoff *b, uint64_t lived_ms, uint32_t rnd)
{
	uint32_t half, delay;

	if (lived_ms >= BACKOFF_RESET_AFTER_MS)
		backoff_init(b);
	/* Jitter spreads the clients of a restarted server over time instead
	 * of having them all knock at once. */
	half = b->ceiling_ms / 2;
	delay = half + rnd % (b->ceiling_ms - half + 1);
	if (delay < BACKOFF_MIN_MS)
		delay = BACKOFF_MIN_MS;
	b->attempt++;
	b->ceiling_ms = b->ceiling_ms >= BACKOFF_MAX_MS / 2 ? BACKOFF_MAX_MS
							   : b->ceiling_ms * 2;
	return delay;
}
