/* Login throttling per source IPv4 address: a token bucket that failed
 * logins drain and time refills. Bounded memory: a fixed table whose
 * entries are recycled, full buckets first. Pure: time is passed in. */
#ifndef DTCP_THROTTLE_H
#define DTCP_THROTTLE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define THROTTLE_SLOTS 4096

struct throttle_slot {
	uint32_t addr;          /* network order; 0: free */
	uint64_t credit_ms;     /* refill time banked: refill_ms per try */
	uint64_t updated_ms;
	bool reported;          /* this burst was logged already */
};

struct throttle {
	unsigned burst;          /* failures allowed in a row */
	unsigned refill_ms;      /* time to earn back one */
	struct throttle_slot slot[THROTTLE_SLOTS];
};

void throttle_init(struct throttle *t, unsigned burst, unsigned refill_s);

/* True when `addr` may try a login now. */
bool throttle_allow(struct throttle *t, struct in_addr addr, uint64_t now_ms);

/* Record a failed login. Returns true when this failure emptied the
 * bucket and nobody has been told yet (log once per burst). */
bool throttle_fail(struct throttle *t, struct in_addr addr, uint64_t now_ms);

#endif
