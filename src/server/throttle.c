/* Token buckets for failed logins. */
#include "server/throttle.h"

#include <string.h>

void throttle_init(struct throttle *t, unsigned burst, unsigned refill_s)
{
	memset(t, 0, sizeof(*t));
	t->burst = burst;
	t->refill_ms = refill_s ? refill_s * 1000 : 1;
}

/* Credit is kept in milliseconds of refill time, so that no fraction of
 * a token is ever lost to rounding. */
static uint64_t full_credit(const struct throttle *t)
{
	return (uint64_t)t->burst * t->refill_ms;
}

static void refill(struct throttle *t, struct throttle_slot *s, uint64_t now)
{
	uint64_t credit;

	if (now <= s->updated_ms)
		return;
	credit = s->credit_ms + (now - s->updated_ms);
	s->credit_ms = credit > full_credit(t) ? full_credit(t) : credit;
	s->updated_ms = now;
	if (s->credit_ms >= t->refill_ms)
		s->reported = false;
}

/* Which of two used slots to recycle: a full bucket forgets nothing, so
 * it goes first; otherwise the one idle longest. */
static bool better_victim(const struct throttle *t, const struct throttle_slot *a,
			  const struct throttle_slot *b)
{
	bool a_full = a->credit_ms >= full_credit(t);
	bool b_full = b->credit_ms >= full_credit(t);

	if (a_full != b_full)
		return a_full;
	return a->updated_ms < b->updated_ms;
}

/* The slot of addr, or NULL when it has none and `create` is false. */
static struct throttle_slot *lookup(struct throttle *t, uint32_t addr,
				    uint64_t now, bool create)
{
	uint32_t h = (addr * 2654435761u) % THROTTLE_SLOTS;
	struct throttle_slot *victim = NULL;

	/* Probe a short window and recycle within it: bounded work. */
	for (unsigned i = 0; i < 16; i++) {
		struct throttle_slot *s = &t->slot[(h + i) % THROTTLE_SLOTS];

		if (s->addr == addr)
			return s;
		if (s->addr == 0) {
			if (victim == NULL || victim->addr != 0)
				victim = s;
			continue;
		}
		if (victim != NULL && victim->addr == 0)
			continue;
		refill(t, s, now);
		if (victim == NULL || better_victim(t, s, victim))
			victim = s;
	}
	if (!create)
		return NULL;
	victim->addr = addr;
	victim->credit_ms = full_credit(t);
	victim->updated_ms = now;
	victim->reported = false;
	return victim;
}

bool throttle_allow(struct throttle *t, struct in_addr addr, uint64_t now_ms)
{
	struct throttle_slot *s = lookup(t, addr.s_addr, now_ms, false);

	if (s == NULL)
		return true;
	refill(t, s, now_ms);
	return s->credit_ms >= t->refill_ms;
}

bool throttle_fail(struct throttle *t, struct in_addr addr, uint64_t now_ms)
{
	struct throttle_slot *s = lookup(t, addr.s_addr, now_ms, true);

	refill(t, s, now_ms);
	s->credit_ms = s->credit_ms >= t->refill_ms ? s->credit_ms - t->refill_ms
						    : 0;
	if (s->credit_ms < t->refill_ms && !s->reported) {
		s->reported = true;
		return true;
	}
	return false;
}
