/* Longest-prefix match of IPv6 destinations to tunnels, for the shared
 * interface: host addresses (/128) and delegated prefixes. One hash table
 * keyed by (masked prefix, length), probed from the longest length in use
 * to the shortest, so a lookup costs one probe per distinct length (a
 * broker has a handful: 128, 64, 56, 48) however many tunnels there are.
 * Pure: no I/O. */
#ifndef DTCP_SERVER_LPM6_H
#define DTCP_SERVER_LPM6_H

#include <netinet/in.h>
#include <stdint.h>

#include "server/keymap.h"

struct lpm6 {
	struct keymap map;
	unsigned count[129];    /* entries of each length */
	uint8_t lens[129];      /* the lengths in use, longest first */
	unsigned nlens;
};

/* Returns 0, or -1 when out of memory. */
int lpm6_init(struct lpm6 *t, uint64_t seed);
void lpm6_destroy(struct lpm6 *t);

/* Route prefix/plen (0..128; host bits ignored) to value, replacing the
 * route there was; *old (may be NULL) gets the value replaced or NULL.
 * Returns 0, or -1 on a bad length, a NULL value or no memory. */
int lpm6_put(struct lpm6 *t, const struct in6_addr *prefix, unsigned plen,
	     void *value, void **old);

/* Remove prefix/plen when it routes to value (so that a tunnel that lost
 * a prefix to a newer one never takes the newer one's route away). */
void lpm6_del(struct lpm6 *t, const struct in6_addr *prefix, unsigned plen,
	      const void *value);

/* The value of the longest prefix that holds dst[16], or NULL. */
void *lpm6_lookup(const struct lpm6 *t, const uint8_t *dst);

#endif
