/* A hash table from fixed-size byte keys (up to KEYMAP_KEY_MAX octets) to
 * pointers: the shared interface's routes (lpm6.c) and the shared UDP
 * port's endpoints. Linear probing with backward-shift deletion, at most
 * half full, grown by doubling; the hash is keyed by a seed the caller
 * draws at random, so that clients choosing ports cannot aim for one
 * probe run. Pure: no I/O. */
#ifndef DTCP_SERVER_KEYMAP_H
#define DTCP_SERVER_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYMAP_KEY_MAX 20

struct keymap_slot {
	void *value;                  /* NULL: the slot is empty */
	uint8_t key[KEYMAP_KEY_MAX];
};

struct keymap {
	struct keymap_slot *slot;
	size_t mask;                  /* size - 1, size a power of two */
	size_t count;
	size_t keylen;
	uint64_t seed;
};

/* An empty map of keylen-octet keys (1..KEYMAP_KEY_MAX). Returns 0, or -1
 * on a bad length or no memory. */
int keymap_init(struct keymap *m, size_t keylen, uint64_t seed);
void keymap_destroy(struct keymap *m);

/* The value stored under key, or NULL. */
void *keymap_get(const struct keymap *m, const void *key);

/* Store value under key, replacing what was there; *old (may be NULL)
 * gets the value replaced or NULL. Returns 0, or -1 when value is NULL or
 * out of memory (the map is unchanged). */
int keymap_put(struct keymap *m, const void *key, void *value, void **old);

/* Remove key when it holds value (any value when value is NULL). Returns
 * true when something was removed. */
bool keymap_del(struct keymap *m, const void *key, const void *value);

#endif
