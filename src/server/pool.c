/* Lowest-free-first bitmap allocator and host address pairs. */
#include "server/pool.h"

#include <stdlib.h>
#include <string.h>

int pool_init(struct pool *p, unsigned base, unsigned size)
{
	memset(p, 0, sizeof(*p));
	if (size == 0)
		return -1;
	p->bits = calloc((size + 7) / 8, 1);
	if (p->bits == NULL)
		return -1;
	p->base = base;
	p->size = size;
	return 0;
}

void pool_destroy(struct pool *p)
{
	free(p->bits);
	memset(p, 0, sizeof(*p));
}

static bool bit_get(const struct pool *p, unsigned i)
{
	return p->bits[i / 8] & (1u << (i % 8));
}

bool pool_is_used(const struct pool *p, unsigned value)
{
	if (value < p->base || value - p->base >= p->size)
		return false;
	return bit_get(p, value - p->base);
}

int pool_alloc(struct pool *p, unsigned from, unsigned *out)
{
	unsigned i = from < p->base ? 0 : from - p->base;

	for (; i < p->size; i++) {
		if (!bit_get(p, i)) {
			p->bits[i / 8] |= (uint8_t)(1u << (i % 8));
			p->used++;
			*out = p->base + i;
			return 0;
		}
	}
	return -1;
}

int pool_alloc_wrap(struct pool *p, unsigned from, unsigned *out)
{
	if (pool_alloc(p, from, out) == 0)
		return 0;
	return pool_alloc(p, p->base, out);
}

void pool_release(struct pool *p, unsigned value)
{
	unsigned i;

	if (!pool_is_used(p, value))
		return;
	i = value - p->base;
	p->bits[i / 8] &= (uint8_t)~(1u << (i % 8));
	p->used--;
}

/* Add a small offset to the low 64 bits of an address, refusing to carry
 * into the prefix. */
static int add_offset(const struct in6_addr *prefix, unsigned plen,
		      uint64_t off, struct in6_addr *out)
{
	unsigned host_bits = 128 - plen;
	uint64_t low = 0;
	struct in6_addr a = *prefix;

	if (host_bits < 64 && off >> host_bits)
		return -1;
	for (int i = 8; i < 16; i++)
		low = (low << 8) | a.s6_addr[i];
	if (low + off < low)
		return -1;
	low += off;
	for (int i = 15; i >= 8; i--, low >>= 8)
		a.s6_addr[i] = (uint8_t)low;
	*out = a;
	return 0;
}

int pool_host_pair(const struct in6_addr *prefix, unsigned plen,
		   unsigned unit, struct in6_addr *server,
		   struct in6_addr *client)
{
	uint64_t base = ((uint64_t)unit + 1) * 4;
	struct in6_addr s, c;

	if (plen > 128 || add_offset(prefix, plen, base + 1, &s) < 0 ||
	    add_offset(prefix, plen, base + 2, &c) < 0)
		return -1;
	*server = s;
	*client = c;
	return 0;
}

unsigned pool_host_capacity(unsigned plen, unsigned cap)
{
	unsigned host_bits = plen > 128 ? 0 : 128 - plen;
	uint64_t units;

	if (host_bits >= 40)
		return cap;
	/* Largest unit with (unit+1)*4+2 < 2^host_bits. */
	units = (1ull << host_bits);
	units = units >= 6 ? (units - 3) / 4 : 0;
	return units < cap ? (unsigned)units : cap;
}
