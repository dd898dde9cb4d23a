/* Linear probing with backward-shift deletion: no tombstones, so probe
 * runs stay short however many tunnels come and go. */
#include "server/keymap.h"

#include <stdlib.h>
#include <string.h>

#define KEYMAP_MIN_SIZE 16

/* A seeded multiply-xorshift over the key, 8 octets at a time: cheap,
 * and every bit of the key and the seed reaches the top bits. */
static uint64_t keymap_hash(const struct keymap *m, const uint8_t *key)
{
	uint64_t h = m->seed ^ (m->keylen * 0x9e3779b97f4a7c15ull);

	for (size_t off = 0; off < m->keylen; off += 8) {
		uint64_t w = 0;
		size_t n = m->keylen - off < 8 ? m->keylen - off : 8;

		memcpy(&w, key + off, n);
		h ^= w;
		h *= 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 29);
}

static size_t keymap_home(const struct keymap *m, const uint8_t *key)
{
	return (size_t)keymap_hash(m, key) & m->mask;
}

int keymap_init(struct keymap *m, size_t keylen, uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	if (keylen == 0 || keylen > KEYMAP_KEY_MAX)
		return -1;
	m->slot = calloc(KEYMAP_MIN_SIZE, sizeof(*m->slot));
	if (m->slot == NULL)
		return -1;
	m->mask = KEYMAP_MIN_SIZE - 1;
	m->keylen = keylen;
	m->seed = seed;
	return 0;
}

void keymap_destroy(struct keymap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->count = 0;
}

/* The slot of key, or the empty slot where it would go. */
static size_t keymap_find(const struct keymap *m, const uint8_t *key)
{
	size_t i = keymap_home(m, key);

	while (m->slot[i].value != NULL &&
	       memcmp(m->slot[i].key, key, m->keylen) != 0)
		i = (i + 1) & m->mask;
	return i;
}

void *keymap_get(const struct keymap *m, const void *key)
{
	return m->slot[keymap_find(m, key)].value;
}

static int keymap_grow(struct keymap *m)
{
	size_t size = (m->mask + 1) * 2;
	struct keymap_slot *old = m->slot;
	size_t old_size = m->mask + 1;

	if (size > SIZE_MAX / sizeof(*old))
		return -1;
	m->slot = calloc(size, sizeof(*old));
	if (m->slot == NULL) {
		m->slot = old;
		return -1;
	}
	m->mask = size - 1;
	for (size_t i = 0; i < old_size; i++)
		if (old[i].value != NULL)
			m->slot[keymap_find(m, old[i].key)] = old[i];
	free(old);
	return 0;
}

int keymap_put(struct keymap *m, const void *key, void *value, void **old)
{
	size_t i;

	if (value == NULL)
		return -1;
	i = keymap_find(m, key);
	if (m->slot[i].value != NULL) {
		if (old != NULL)
			*old = m->slot[i].value;
		m->slot[i].value = value;
		return 0;
	}
	if (2 * (m->count + 1) > m->mask + 1) {
		if (keymap_grow(m) < 0)
			return -1;
		i = keymap_find(m, key);
	}
	memcpy(m->slot[i].key, key, m->keylen);
	m->slot[i].value = value;
	m->count++;
	if (old != NULL)
		*old = NULL;
	return 0;
}

bool keymap_del(struct keymap *m, const void *key, const void *value)
{
	size_t hole = keymap_find(m, key), i, home;

	if (m->slot[hole].value == NULL ||
	    (value != NULL && m->slot[hole].value != value))
		return false;
	m->slot[hole].value = NULL;
	m->count--;
	/* Move back every later entry of the run that the hole now cuts
	 * off from its home slot. */
	for (i = (hole + 1) & m->mask; m->slot[i].value != NULL;
	     i = (i + 1) & m->mask) {
		home = keymap_home(m, m->slot[i].key);
		if (((i - home) & m->mask) >= ((i - hole) & m->mask)) {
			m->slot[hole] = m->slot[i];
			m->slot[i].value = NULL;
			hole = i;
		}
	}
	return true;
}
