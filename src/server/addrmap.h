/* The protocol-41 tunnels by client IPv4 address: one socket receives for
 * every tunnel, and the outer source names the tunnel (gif semantics: one
 * tunnel per address pair). An open-addressing hash table of fixed
 * capacity, no allocation after init. Pure. */
#ifndef DTCP_SERVER_ADDRMAP_H
#define DTCP_SERVER_ADDRMAP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct addrmap_slot {
	uint32_t addr;   /* network order; 0 = empty (0.0.0.0 is no client) */
	void *value;
};

struct addrmap {
	struct addrmap_slot *slot;
	size_t mask;     /* size - 1, size a power of two >= 2 * capacity */
	unsigned shift;  /* 32 - log2(size): the hash's top bits index */
	size_t count, capacity;
};

/* Room for `capacity` entries. Returns 0, or -1 when out of memory. */
int addrmap_init(struct addrmap *m, size_t capacity);
void addrmap_destroy(struct addrmap *m);

/* The value stored for addr, or NULL. */
void *addrmap_get(const struct addrmap *m, struct in_addr addr);

/* Store value for addr. Returns 0, or -1 when addr is 0.0.0.0, already
 * present, or the map is full. */
int addrmap_add(struct addrmap *m, struct in_addr addr, void *value);

/* Remove addr if present. */
void addrmap_del(struct addrmap *m, struct in_addr addr);

#endif
