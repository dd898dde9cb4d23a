/* Allocators for the server's per-tunnel resources: interface units, UDP
 * ports (lowest free first, so released values are reused at once) and the
 * host address pair of a unit. Pure: no I/O. */
#ifndef DTCP_POOL_H
#define DTCP_POOL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct pool {
	unsigned base;   /* first value */
	unsigned size;   /* number of values */
	unsigned used;   /* how many are allocated */
	uint8_t *bits;   /* one bit per value */
};

/* Values base .. base+size-1. Returns 0, or -1 on a zero size or no memory. */
int pool_init(struct pool *p, unsigned base, unsigned size);
void pool_destroy(struct pool *p);

/* Allocate the lowest free value >= from (pass p->base for any). Returns 0
 * and *out, or -1 when none is free. */
int pool_alloc(struct pool *p, unsigned from, unsigned *out);

/* Allocate the first free value at or after from, wrapping around to the
 * base (from a random start: a value no one can predict). Returns 0 and
 * *out, or -1 when none is free. */
int pool_alloc_wrap(struct pool *p, unsigned from, unsigned *out);

/* Release an allocated value; values outside the pool or not allocated are
 * ignored. */
void pool_release(struct pool *p, unsigned value);

bool pool_is_used(const struct pool *p, unsigned value);

/* The host pair of tunnel unit `unit` in prefix/plen: server address
 * prefix + (unit+1)*4+1, client prefix + (unit+1)*4+2, as the original
 * dtcps numbers them (PROTOCOL.md, host tunnels).
 * Returns 0, or -1 when that offset does not fit in the host bits. */
int pool_host_pair(const struct in6_addr *prefix, unsigned plen,
		   unsigned unit, struct in6_addr *server,
		   struct in6_addr *client);

/* The number of units whose host pair fits in prefix/plen, capped at cap. */
unsigned pool_host_capacity(unsigned plen, unsigned cap);

#endif
