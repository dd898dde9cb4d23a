/* Linear probing with backward-shift deletion (no tombstones, so lookups
 * stay short however many tunnels come and go). */
#include "server/addrmap.h"

#include <stdlib.h>

/* Fibonacci hashing: client addresses of one ISP share their high bits. */
static size_t addrmap_home(const struct addrmap *m, uint32_t addr)
{
	return (size_t)((addr * 2654435769u) >> 7) & m->mask;
}

int addrmap_init(struct addrmap *m, size_t capacity)
{
	size_t size = 4;

	while (size < 2 * capacity)
		size *= 2;
	m->slot = calloc(size, sizeof(*m->slot));
	if (m->slot == NULL)
		return -1;
	m->mask = size - 1;
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
