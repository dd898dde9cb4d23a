/* Linear probing with backward-shift deletion (no tombstones, so lookups
 * stay short however many tunnels come and go). */
#include "server/addrmap.h"

#include <arpa/inet.h>
#include <stdlib.h>

/* Fibonacci hashing, of the address in host order and taking the top
 * bits of the product: those depend on every bit of the address, so the
 * clients of one network (alike but in their last bits) spread. */
static size_t addrmap_home(const struct addrmap *m, uint32_t addr)
{
	return (size_t)((uint32_t)(ntohl(addr) * 2654435769u) >> m->shift);
}

int addrmap_init(struct addrmap *m, size_t capacity)
{
	size_t size = 4;
	unsigned bits = 2;

	while (size < 2 * capacity) {
		size *= 2;
		bits++;
	}
	if (bits > 31)
		return -1;
	m->slot = calloc(size, sizeof(*m->slot));
	if (m->slot == NULL)
		return -1;
	m->mask = size - 1;
	m->shift = 32 - bits;
	m->count = 0;
	m->capacity = capacity;
	return 0;
}

void addrmap_destroy(struct addrmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->count = 0;
}

static size_t addrmap_find(const struct addrmap *m, uint32_t addr)
{
	size_t i = addrmap_home(m, addr);

	while (m->slot[i].addr != 0 && m->slot[i].addr != addr)
		i = (i + 1) & m->mask;
	return i;
}

void *addrmap_get(const struct addrmap *m, struct in_addr addr)
{
	size_t i;

	if (addr.s_addr == 0)
		return NULL;
	i = addrmap_find(m, addr.s_addr);
	return m->slot[i].addr != 0 ? m->slot[i].value : NULL;
}

int addrmap_add(struct addrmap *m, struct in_addr addr, void *value)
{
	size_t i;

	if (addr.s_addr == 0 || m->count >= m->capacity)
		return -1;
	i = addrmap_find(m, addr.s_addr);
	if (m->slot[i].addr != 0)
		return -1;
	m->slot[i] = (struct addrmap_slot){ addr.s_addr, value };
	m->count++;
	return 0;
}

void addrmap_del(struct addrmap *m, struct in_addr addr)
{
	size_t hole, i, home;

	if (addr.s_addr == 0)
		return;
	hole = addrmap_find(m, addr.s_addr);
	if (m->slot[hole].addr == 0)
		return;
	m->slot[hole].addr = 0;
	m->count--;
	/* Move back every later entry of the run that the hole now cuts
	 * off from its home slot. */
	for (i = (hole + 1) & m->mask; m->slot[i].addr != 0;
	     i = (i + 1) & m->mask) {
		home = addrmap_home(m, m->slot[i].addr);
		if (((i - home) & m->mask) >= ((i - hole) & m->mask)) {
			m->slot[hole] = m->slot[i];
			m->slot[i].addr = 0;
			hole = i;
		}
	}
}
