/* Longest-prefix match over one hash table (see lpm6.h). */
#include "server/lpm6.h"

#include <string.h>

#define LPM6_KEY_LEN 17   /* the masked prefix, then its length */

static void lpm6_key(uint8_t key[LPM6_KEY_LEN], const uint8_t *addr,
		     unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	memset(key, 0, LPM6_KEY_LEN);
	memcpy(key, addr, full);
	if (rest != 0)
		key[full] = addr[full] & (uint8_t)(0xff00u >> rest);
	key[16] = (uint8_t)plen;
}

int lpm6_init(struct lpm6 *t, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	return keymap_init(&t->map, LPM6_KEY_LEN, seed);
}

void lpm6_destroy(struct lpm6 *t)
{
	keymap_destroy(&t->map);
	t->nlens = 0;
}

/* The lengths in use change only when a tunnel comes or goes with a
 * length no other has: rebuilding the list then is cheap. */
static void lpm6_relist(struct lpm6 *t)
{
	t->nlens = 0;
	for (int plen = 128; plen >= 0; plen--)
		if (t->count[plen] != 0)
			t->lens[t->nlens++] = (uint8_t)plen;
}

int lpm6_put(struct lpm6 *t, const struct in6_addr *prefix, unsigned plen,
	     void *value, void **old)
{
	uint8_t key[LPM6_KEY_LEN];
	void *was = NULL;

	if (plen > 128 || value == NULL)
		return -1;
	lpm6_key(key, prefix->s6_addr, plen);
	if (keymap_put(&t->map, key, value, &was) < 0)
		return -1;
	if (was == NULL && t->count[plen]++ == 0)
		lpm6_relist(t);
	if (old != NULL)
		*old = was;
	return 0;
}

void lpm6_del(struct lpm6 *t, const struct in6_addr *prefix, unsigned plen,
	      const void *value)
{
	uint8_t key[LPM6_KEY_LEN];

	if (plen > 128 || value == NULL)
		return;
	lpm6_key(key, prefix->s6_addr, plen);
	if (keymap_del(&t->map, key, value) && --t->count[plen] == 0)
		lpm6_relist(t);
}

void *lpm6_lookup(const struct lpm6 *t, const uint8_t *dst)
{
	uint8_t key[LPM6_KEY_LEN];
	void *v;

	for (unsigned i = 0; i < t->nlens; i++) {
		lpm6_key(key, dst, t->lens[i]);
		v = keymap_get(&t->map, key);
		if (v != NULL)
			return v;
	}
	return NULL;
}
