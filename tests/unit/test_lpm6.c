/* Unit tests for the keyed hash table (keymap) and the IPv6 longest-prefix
 * match built on it (lpm6): replace and conditional delete, growth, the
 * backward shift across the end of the table, and prefix lengths that are
 * not whole octets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "server/keymap.h"
#include "server/lpm6.h"

#define SEED 0x243f6a8885a308d3ull

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fail_msg("bad test address %s", s);
	return a;
}

static void *look(const struct lpm6 *t, const char *s)
{
	struct in6_addr a = a6(s);

	return lpm6_lookup(t, a.s6_addr);
}

static void k8(uint8_t key[8], uint64_t v)
{
	memcpy(key, &v, 8);
}

/* Every entry sits in an unbroken run from its home slot: checked by
 * finding each stored key from scratch, and count matches the slots. */
static void check_keymap(const struct keymap *m)
{
	size_t used = 0;

	for (size_t i = 0; i <= m->mask; i++) {
		if (m->slot[i].value == NULL)
			continue;
		used++;
		assert_ptr_equal(keymap_get(m, m->slot[i].key),
				 m->slot[i].value);
	}
	assert_int_equal(used, m->count);
	assert_true(2 * m->count <= m->mask + 1);
}

static void test_keymap_put_get_replace(void **state)
{
	struct keymap m;
	uint8_t k1[4] = { 1, 2, 3, 4 }, k2[4] = { 1, 2, 3, 5 };
	int x, y, z;
	void *old = &x;

	(void)state;
	assert_int_equal(keymap_init(&m, 4, SEED), 0);
	assert_null(keymap_get(&m, k1));
	assert_int_equal(keymap_put(&m, k1, &x, &old), 0);
	assert_null(old);
	assert_int_equal(keymap_put(&m, k2, &y, NULL), 0);
	assert_ptr_equal(keymap_get(&m, k1), &x);
	assert_ptr_equal(keymap_get(&m, k2), &y);
	assert_int_equal(m.count, 2);
	/* Replacing hands back the value it displaced and adds nothing. */
	assert_int_equal(keymap_put(&m, k1, &z, &old), 0);
	assert_ptr_equal(old, &x);
	assert_ptr_equal(keymap_get(&m, k1), &z);
	assert_int_equal(m.count, 2);
	/* NULL means empty, so it cannot be a value. */
	old = &x;
	assert_int_equal(keymap_put(&m, k2, NULL, &old), -1);
	assert_ptr_equal(old, &x);
	assert_ptr_equal(keymap_get(&m, k2), &y);
	keymap_destroy(&m);
	keymap_destroy(&m); /* twice is harmless */
}

static void test_keymap_del(void **state)
{
	struct keymap m;
	uint8_t k1[4] = { 1, 2, 3, 4 }, k2[4] = { 9, 9, 9, 9 };
	int x, y;

	(void)state;
	assert_int_equal(keymap_init(&m, 4, SEED), 0);
	assert_false(keymap_del(&m, k1, NULL)); /* absent, empty map */
	assert_int_equal(keymap_put(&m, k1, &x, NULL), 0);
	assert_false(keymap_del(&m, k2, NULL)); /* absent */
	assert_false(keymap_del(&m, k2, &x));
	/* Only the holder of the key may take it away. */
	assert_false(keymap_del(&m, k1, &y));
	assert_ptr_equal(keymap_get(&m, k1), &x);
	assert_int_equal(m.count, 1);
	assert_true(keymap_del(&m, k1, &x));
	assert_null(keymap_get(&m, k1));
	assert_int_equal(m.count, 0);
	assert_false(keymap_del(&m, k1, &x)); /* already gone */
	/* NULL removes whatever is there. */
	assert_int_equal(keymap_put(&m, k1, &y, NULL), 0);
	assert_true(keymap_del(&m, k1, NULL));
	assert_null(keymap_get(&m, k1));
	keymap_destroy(&m);
}

static void test_keymap_bad_keylen(void **state)
{
	struct keymap m;

	(void)state;
	assert_int_equal(keymap_init(&m, 0, SEED), -1);
	keymap_destroy(&m); /* a failed init leaves something destroyable */
	assert_int_equal(keymap_init(&m, KEYMAP_KEY_MAX + 1, SEED), -1);
	keymap_destroy(&m);
	assert_int_equal(keymap_init(&m, 1, SEED), 0);
	keymap_destroy(&m);
	assert_int_equal(keymap_init(&m, KEYMAP_KEY_MAX, SEED), 0);
	keymap_destroy(&m);
}

/* Keys of every length up to the maximum are compared in full: two keys
 * that differ only in their last octet are two entries. */
static void test_keymap_every_keylen(void **state)
{
	uint8_t a[KEYMAP_KEY_MAX], b[KEYMAP_KEY_MAX];
	struct keymap m;
	int x, y;

	(void)state;
	for (size_t len = 1; len <= KEYMAP_KEY_MAX; len++) {
		memset(a, 0x5a, sizeof(a));
		memcpy(b, a, sizeof(b));
		b[len - 1] ^= 1;
		assert_int_equal(keymap_init(&m, len, SEED), 0);
		assert_int_equal(keymap_put(&m, a, &x, NULL), 0);
		assert_int_equal(keymap_put(&m, b, &y, NULL), 0);
		assert_int_equal(m.count, 2);
		assert_ptr_equal(keymap_get(&m, a), &x);
		assert_ptr_equal(keymap_get(&m, b), &y);
		keymap_destroy(&m);
	}
}

/* 5000 keys, every third one deleted as the table grows under it: each
 * survivor is found after every doubling and every deletion. */
static void test_keymap_growth(void **state)
{
	enum { N = 5000 };
	static int vals[N];
	static bool in[N];
	struct keymap m;
	uint8_t key[8];

	(void)state;
	memset(in, 0, sizeof(in));
	assert_int_equal(keymap_init(&m, 8, SEED), 0);
	for (uint64_t i = 0; i < N; i++) {
		/* Stride in the high word: keys that differ only up there. */
		k8(key, i << 40 | (i & 7));
		assert_int_equal(keymap_put(&m, key, &vals[i], NULL), 0);
		in[i] = true;
		if (i % 3 == 2) {
			k8(key, (i - 1) << 40 | ((i - 1) & 7));
			assert_true(keymap_del(&m, key, &vals[i - 1]));
			in[i - 1] = false;
		}
		if (i % 499 == 0)
			check_keymap(&m);
	}
	check_keymap(&m);
	assert_true(m.mask + 1 >= 2 * m.count);
	for (uint64_t i = 0; i < N; i++) {
		k8(key, i << 40 | (i & 7));
		assert_ptr_equal(keymap_get(&m, key), in[i] ? &vals[i] : NULL);
	}
	/* Empty it again in another order. */
	for (uint64_t i = N; i-- > 0;) {
		k8(key, i << 40 | (i & 7));
		assert_int_equal(keymap_del(&m, key, NULL), in[i]);
		if (i % 251 == 0)
			check_keymap(&m);
	}
	assert_int_equal(m.count, 0);
	keymap_destroy(&m);
}

/* Random put/del against a plain array, in a table that stays small so
 * that runs are long and wrap. */
static void test_keymap_churn_against_a_model(void **state)
{
	enum { N = 24 };
	static int vals[N][2];
	int *model[N] = { 0 };
	struct keymap m;
	uint32_t rnd = 777;
	uint8_t key[3];

	(void)state;
	assert_int_equal(keymap_init(&m, 3, SEED), 0);
	for (int round = 0; round < 50000; round++) {
		unsigned k, v;
		void *old;

		rnd = rnd * 1103515245u + 12345u;
		k = (rnd >> 8) % N;
		v = (rnd >> 20) & 1;
		key[0] = (uint8_t)k;
		key[1] = 0;
		key[2] = (uint8_t)(k * 7);
		if ((rnd >> 24) % 3 == 0) {
			assert_int_equal(keymap_put(&m, key, &vals[k][v], &old),
					 0);
			assert_ptr_equal(old, model[k]);
			model[k] = &vals[k][v];
		} else {
			bool hit = model[k] == &vals[k][v];

			assert_int_equal(keymap_del(&m, key, &vals[k][v]), hit);
			if (hit)
				model[k] = NULL;
		}
		if (round % 101 == 0) {
			check_keymap(&m);
			for (unsigned j = 0; j < N; j++) {
				key[0] = (uint8_t)j;
				key[2] = (uint8_t)(j * 7);
				assert_ptr_equal(keymap_get(&m, key), model[j]);
			}
		}
	}
	keymap_destroy(&m);
}

/* A key whose home slot in a fresh 16-slot map is want: found by
 * storing candidates in an empty map and seeing where they land. */
static uint64_t key_homed_at(size_t want, uint64_t from)
{
	struct keymap m;
	uint8_t key[8];
	int x;

	for (uint64_t k = from;; k++) {
		size_t at = SIZE_MAX;

		assert_int_equal(keymap_init(&m, 8, SEED), 0);
		assert_int_equal(m.mask, 15);
		k8(key, k);
		assert_int_equal(keymap_put(&m, key, &x, NULL), 0);
		for (size_t i = 0; i <= m.mask; i++)
			if (m.slot[i].value != NULL)
				at = i;
		keymap_destroy(&m);
		if (at == want)
			return k;
	}
}

static size_t slot_of(const struct keymap *m, uint64_t k)
{
	uint8_t key[8];

	k8(key, k);
	for (size_t i = 0; i <= m->mask; i++)
		if (m->slot[i].value != NULL &&
		    memcmp(m->slot[i].key, key, 8) == 0)
			return i;
	return SIZE_MAX;
}

/* The backward shift by hand, across the end of the table: a at 14, b
 * (home 15) at 15, c (home 14) wrapped to 0, d (home 0) at 1. Deleting
 * a must leave b where it is (it is home) and pull c back to 14, then d
 * back to 0. */
static void test_keymap_backward_shift_wraps(void **state)
{
	uint64_t a = key_homed_at(14, 0), c = key_homed_at(14, a + 1);
	uint64_t b = key_homed_at(15, 0), d = key_homed_at(0, 0);
	struct keymap m;
	uint8_t key[8];
	int va, vb, vc, vd;

	(void)state;
	assert_int_equal(keymap_init(&m, 8, SEED), 0);
	k8(key, a);
	assert_int_equal(keymap_put(&m, key, &va, NULL), 0);
	k8(key, b);
	assert_int_equal(keymap_put(&m, key, &vb, NULL), 0);
	k8(key, c);
	assert_int_equal(keymap_put(&m, key, &vc, NULL), 0);
	k8(key, d);
	assert_int_equal(keymap_put(&m, key, &vd, NULL), 0);
	assert_int_equal(slot_of(&m, a), 14);
	assert_int_equal(slot_of(&m, b), 15);
	assert_int_equal(slot_of(&m, c), 0);
	assert_int_equal(slot_of(&m, d), 1);

	k8(key, a);
	assert_true(keymap_del(&m, key, &va));
	assert_int_equal(slot_of(&m, b), 15);
	assert_int_equal(slot_of(&m, c), 14);
	assert_int_equal(slot_of(&m, d), 0);
	assert_null(m.slot[1].value);
	check_keymap(&m);

	/* Now b: c and d are both home, so nothing moves. */
	k8(key, b);
	assert_true(keymap_del(&m, key, &vb));
	assert_int_equal(slot_of(&m, c), 14);
	assert_int_equal(slot_of(&m, d), 0);
	check_keymap(&m);
	k8(key, c);
	assert_ptr_equal(keymap_get(&m, key), &vc);
	k8(key, d);
	assert_ptr_equal(keymap_get(&m, key), &vd);
	keymap_destroy(&m);
}

/* The longest run of occupied slots, wrapping. */
static size_t worst_run(const struct keymap *m)
{
	size_t worst = 0;

	for (size_t i = 0; i <= m->mask; i++) {
		size_t run = 0;

		for (size_t j = i; m->slot[j].value != NULL;
		     j = (j + 1) & m->mask)
			if (++run > m->mask)
				break;
		if (run > worst)
			worst = run;
	}
	return worst;
}

/* Every octet of a key reaches the hash, the last partial word too (in
 * lpm6 it is the prefix length): keys that differ only there, or only
 * in a few low bits of an address, do not share a few home slots. */
static void test_keymap_spreads(void **state)
{
	static const size_t lens[] = { 1, 4, 8, 9, 16, 17, 20 };
	uint8_t key[KEYMAP_KEY_MAX];
	struct keymap m;
	struct lpm6 t;
	int x;

	(void)state;
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		assert_int_equal(keymap_init(&m, lens[l], SEED), 0);
		memset(key, 0, sizeof(key));
		for (unsigned v = 0; v < 200; v++) {
			key[lens[l] - 1] = (uint8_t)v;
			assert_int_equal(keymap_put(&m, key, &x, NULL), 0);
		}
		/* 200 keys in 512 slots: the longest run is about 9 and
		 * was 31 at worst over 2000 seeds; one home makes 200. */
		assert_true(worst_run(&m) < 48);
		keymap_destroy(&m);
	}
	/* One address under every length, and 1024 hosts of one /64. */
	assert_int_equal(lpm6_init(&t, SEED), 0);
	for (unsigned plen = 0; plen <= 128; plen++) {
		struct in6_addr p = a6("::");

		assert_int_equal(lpm6_put(&t, &p, plen, &x, NULL), 0);
	}
	assert_true(worst_run(&t.map) < 48);
	lpm6_destroy(&t);
	assert_int_equal(lpm6_init(&t, SEED), 0);
	for (unsigned h = 0; h < 1024; h++) {
		struct in6_addr p = a6("2001:db8:1:2::");

		p.s6_addr[14] = (uint8_t)(h >> 8);
		p.s6_addr[15] = (uint8_t)h;
		assert_int_equal(lpm6_put(&t, &p, 128, &x, NULL), 0);
	}
	/* Load exactly 1/2: the longest run is about 19 and was 54 at
	 * worst over 2000 seeds, so only clustering fails this. */
	assert_true(worst_run(&t.map) < 96);
	lpm6_destroy(&t);
}

static void test_lpm6_longest_wins(void **state)
{
	struct in6_addr q48 = a6("2001:db8:1::"), q64 = a6("2001:db8:1:2::");
	struct in6_addr h = a6("2001:db8:1:2::5");
	struct lpm6 t;
	int p48, p64, h128;

	(void)state;
	assert_int_equal(lpm6_init(&t, SEED), 0);
	assert_null(look(&t, "2001:db8:1:2::5"));
	/* Put shortest last, so that order of arrival cannot decide. */
	assert_int_equal(lpm6_put(&t, &h, 128, &h128, NULL), 0);
	assert_int_equal(lpm6_put(&t, &q64, 64, &p64, NULL), 0);
	assert_int_equal(lpm6_put(&t, &q48, 48, &p48, NULL), 0);
	assert_ptr_equal(look(&t, "2001:db8:1:2::5"), &h128);
	assert_ptr_equal(look(&t, "2001:db8:1:2::4"), &p64);
	assert_ptr_equal(look(&t, "2001:db8:1:2:ffff:ffff:ffff:ffff"), &p64);
	assert_ptr_equal(look(&t, "2001:db8:1:3::5"), &p48);
	assert_ptr_equal(look(&t, "2001:db8:1:ffff::"), &p48);
	assert_null(look(&t, "2001:db8:2::"));
	assert_null(look(&t, "2001:db8:0:ffff::"));
	assert_int_equal(t.nlens, 3);
	assert_int_equal(t.lens[0], 128);
	assert_int_equal(t.lens[1], 64);
	assert_int_equal(t.lens[2], 48);
	lpm6_destroy(&t);
}

/* Lengths that end inside an octet: /57 holds the top bit of the eighth
 * octet, /61 the top five; one bit either way is outside. */
static void test_lpm6_odd_lengths(void **state)
{
	struct in6_addr p;
	struct lpm6 t;
	int v57, v61, v127, v1;

	(void)state;
	assert_int_equal(lpm6_init(&t, SEED), 0);
	p = a6("2001:db8:0:80::");
	assert_int_equal(lpm6_put(&t, &p, 57, &v57, NULL), 0);
	p = a6("2001:db8:0:1a8::");
	assert_int_equal(lpm6_put(&t, &p, 61, &v61, NULL), 0);

	assert_ptr_equal(look(&t, "2001:db8:0:80::"), &v57);
	assert_ptr_equal(look(&t, "2001:db8:0:ff:ffff:ffff:ffff:ffff"), &v57);
	assert_null(look(&t, "2001:db8:0:7f:ffff:ffff:ffff:ffff"));
	assert_null(look(&t, "2001:db8:0:180::")); /* a bit in octet 7 */
	assert_null(look(&t, "2001:db8:0:100::"));

	assert_ptr_equal(look(&t, "2001:db8:0:1a8::"), &v61);
	assert_ptr_equal(look(&t, "2001:db8:0:1af:ffff:ffff:ffff:ffff"), &v61);
	assert_null(look(&t, "2001:db8:0:1a7:ffff:ffff:ffff:ffff"));
	assert_null(look(&t, "2001:db8:0:1b0::"));
	/* Octet 7 of the /61 but not octet 6: the /57's. */
	assert_ptr_equal(look(&t, "2001:db8:0:a8::"), &v57);

	/* The last bit of an address, and the first. */
	p = a6("2001:db8::2");
	assert_int_equal(lpm6_put(&t, &p, 127, &v127, NULL), 0);
	assert_ptr_equal(look(&t, "2001:db8::2"), &v127);
	assert_ptr_equal(look(&t, "2001:db8::3"), &v127);
	assert_null(look(&t, "2001:db8::1"));
	assert_null(look(&t, "2001:db8::4"));
	p = a6("8000::");
	assert_int_equal(lpm6_put(&t, &p, 1, &v1, NULL), 0);
	assert_ptr_equal(look(&t, "ffff::"), &v1);
	assert_ptr_equal(look(&t, "8000::"), &v1);
	assert_null(look(&t, "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	lpm6_destroy(&t);
}

static void test_lpm6_default_route(void **state)
{
	struct in6_addr p = a6("::");
	struct lpm6 t;
	int dflt, p64;

	(void)state;
	assert_int_equal(lpm6_init(&t, SEED), 0);
	assert_int_equal(lpm6_put(&t, &p, 0, &dflt, NULL), 0);
	assert_ptr_equal(look(&t, "::"), &dflt);
	assert_ptr_equal(look(&t, "2001:db8::1"), &dflt);
	assert_ptr_equal(look(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
			 &dflt);
	p = a6("2001:db8::");
	assert_int_equal(lpm6_put(&t, &p, 64, &p64, NULL), 0);
	assert_ptr_equal(look(&t, "2001:db8::1"), &p64);
	assert_ptr_equal(look(&t, "2001:db8:0:1::1"), &dflt);
	/* A /0 is any address with every bit as host bits. */
	p = a6("2001:db8::");
	assert_true(lpm6_put(&t, &p, 0, &p64, NULL) == 0);
	assert_ptr_equal(look(&t, "3fff::"), &p64);
	assert_int_equal(t.map.count, 2);
	lpm6_destroy(&t);
}

/* Host bits are dropped: a prefix written with them is the same route as
 * the one without, for put, replace and delete alike. */
static void test_lpm6_host_bits_and_replace(void **state)
{
	struct in6_addr p;
	struct lpm6 t;
	int a, b, c;
	void *old = &c;

	(void)state;
	assert_int_equal(lpm6_init(&t, SEED), 0);
	p = a6("2001:db8:1:2:ffff::1");
	assert_int_equal(lpm6_put(&t, &p, 64, &a, &old), 0);
	assert_null(old);
	assert_ptr_equal(look(&t, "2001:db8:1:2::9"), &a);
	assert_null(look(&t, "2001:db8:1:3::"));
	p = a6("2001:db8:1:2::");
	assert_int_equal(lpm6_put(&t, &p, 64, &b, &old), 0);
	assert_ptr_equal(old, &a);
	assert_ptr_equal(look(&t, "2001:db8:1:2::9"), &b);
	assert_int_equal(t.map.count, 1);
	assert_int_equal(t.count[64], 1);
	assert_int_equal(t.nlens, 1);
	/* Host bits inside the last octet of the prefix, for /61. */
	p = a6("2001:db8:0:af::");
	assert_int_equal(lpm6_put(&t, &p, 61, &a, &old), 0);
	assert_null(old);
	p = a6("2001:db8:0:a8::");
	assert_int_equal(lpm6_put(&t, &p, 61, &c, &old), 0);
	assert_ptr_equal(old, &a);
	assert_int_equal(t.count[61], 1);
	/* The same bits under another length are another route. */
	p = a6("2001:db8:1:2::");
	assert_int_equal(lpm6_put(&t, &p, 63, &c, &old), 0);
	assert_null(old);
	assert_ptr_equal(look(&t, "2001:db8:1:2::9"), &b);
	assert_ptr_equal(look(&t, "2001:db8:1:3::9"), &c);
	p = a6("2001:db8:1:2:8000::");
	lpm6_del(&t, &p, 64, &b);
	assert_ptr_equal(look(&t, "2001:db8:1:2::9"), &c);
	lpm6_destroy(&t);
}

/* A tunnel that lost its prefix to a newer one cannot take the newer
 * one's route away; the rightful owner can. */
static void test_lpm6_del_checks_value(void **state)
{
	struct in6_addr p = a6("2001:db8:5::");
	struct lpm6 t;
	int a, b;

	(void)state;
	assert_int_equal(lpm6_init(&t, SEED), 0);
	assert_int_equal(lpm6_put(&t, &p, 48, &a, NULL), 0);
	assert_int_equal(lpm6_put(&t, &p, 48, &b, NULL), 0);
	lpm6_del(&t, &p, 48, &a);
	assert_ptr_equal(look(&t, "2001:db8:5::1"), &b);
	assert_int_equal(t.count[48], 1);
	assert_int_equal(t.nlens, 1);
	lpm6_del(&t, &p, 48, NULL); /* no wildcard through lpm6 */
	assert_ptr_equal(look(&t, "2001:db8:5::1"), &b);
	lpm6_del(&t, &p, 47, &b); /* another length: another route */
	lpm6_del(&t, &p, 49, &b);
	assert_ptr_equal(look(&t, "2001:db8:5::1"), &b);
	lpm6_del(&t, &p, 48, &b);
	assert_null(look(&t, "2001:db8:5::1"));
	assert_int_equal(t.count[48], 0);
	assert_int_equal(t.nlens, 0);
	assert_int_equal(t.map.count, 0);
	lpm6_destroy(&t);
}

/* The list of lengths loses a length with its last route, and lookups
 * fall through to the next shorter one. */
static void test_lpm6_lengths_shrink(void **state)
{
	struct in6_addr p1 = a6("2001:db8:1:1::"), p2 = a6("2001:db8:1:2::");
	struct in6_addr q = a6("2001:db8:1::");
	struct lpm6 t;
	int a, b, c;

	(void)state;
	assert_int_equal(lpm6_init(&t, SEED), 0);
	assert_int_equal(lpm6_put(&t, &p1, 64, &a, NULL), 0);
	assert_int_equal(lpm6_put(&t, &p2, 64, &b, NULL), 0);
	assert_int_equal(lpm6_put(&t, &q, 48, &c, NULL), 0);
	assert_int_equal(t.nlens, 2);
	assert_int_equal(t.count[64], 2);
	lpm6_del(&t, &p1, 64, &a);
	assert_int_equal(t.nlens, 2); /* p2 still holds /64 */
	assert_ptr_equal(look(&t, "2001:db8:1:1::1"), &c);
	assert_ptr_equal(look(&t, "2001:db8:1:2::1"), &b);
	lpm6_del(&t, &p2, 64, &b);
	assert_int_equal(t.nlens, 1);
	assert_int_equal(t.lens[0], 48);
	assert_int_equal(t.count[64], 0);
	assert_ptr_equal(look(&t, "2001:db8:1:2::1"), &c);
	lpm6_del(&t, &q, 48, &c);
	assert_int_equal(t.nlens, 0);
	assert_null(look(&t, "2001:db8:1:2::1"));
	/* And comes back. */
	assert_int_equal(lpm6_put(&t, &p2, 64, &b, NULL), 0);
	assert_int_equal(t.nlens, 1);
	assert_ptr_equal(look(&t, "2001:db8:1:2::1"), &b);
	lpm6_destroy(&t);
}

static void test_lpm6_bad_input(void **state)
{
	struct in6_addr p = a6("2001:db8::");
	struct lpm6 t;
	int a;
	void *old = &a;

	(void)state;
	assert_int_equal(lpm6_init(&t, SEED), 0);
	assert_int_equal(lpm6_put(&t, &p, 129, &a, &old), -1);
	assert_ptr_equal(old, &a); /* not written on failure */
	assert_int_equal(lpm6_put(&t, &p, 255, &a, NULL), -1);
	assert_int_equal(lpm6_put(&t, &p, 64, NULL, NULL), -1);
	assert_int_equal(t.nlens, 0);
	assert_int_equal(t.map.count, 0);
	assert_int_equal(lpm6_put(&t, &p, 128, &a, NULL), 0);
	lpm6_del(&t, &p, 129, &a);
	lpm6_del(&t, &p, 1000, &a);
	assert_ptr_equal(look(&t, "2001:db8::"), &a);
	lpm6_destroy(&t);
}

/* The naive answer: the longest of the routes that hold dst. */
struct model_route {
	uint8_t addr[16];
	unsigned plen;
	void *value;
};

static bool model_holds(const struct model_route *r, const uint8_t *dst)
{
	for (unsigned b = 0; b < r->plen; b++)
		if ((r->addr[b / 8] ^ dst[b / 8]) & (0x80 >> (b % 8)))
			return false;
	return true;
}

/* Random routes of every length over a few nearby addresses against the
 * naive answer, with deletes and replacements, through several growths. */
static void test_lpm6_against_a_model(void **state)
{
	enum { R = 600 };
	static struct model_route model[R];
	static int vals[4];
	struct in6_addr b0 = a6("2001:db8:aa55::");
	uint8_t base[16], dst[16];
	size_t n = 0;
	uint32_t rnd = 4242;
	struct lpm6 t;

	(void)state;
	memcpy(base, b0.s6_addr, 16);
	assert_int_equal(lpm6_init(&t, SEED), 0);
	for (int round = 0; round < 20000; round++) {
		struct in6_addr p;
		unsigned plen;
		void *v, *old, *want = NULL;
		size_t i, best = 129;

		rnd = rnd * 1103515245u + 12345u;
		memcpy(p.s6_addr, base, 16);
		p.s6_addr[(rnd >> 4) % 16] ^= (uint8_t)(1u << ((rnd >> 9) % 8));
		plen = (rnd >> 12) % 129;
		v = &vals[(rnd >> 20) & 3];
		/* Mask it as the model keeps it. */
		for (unsigned b = plen; b < 128; b++)
			p.s6_addr[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
		for (i = 0; i < n; i++)
			if (model[i].plen == plen &&
			    memcmp(model[i].addr, p.s6_addr, 16) == 0)
				break;
		if ((rnd >> 24) % 2 == 0 && (i < n || n < R)) {
			assert_int_equal(lpm6_put(&t, &p, plen, v, &old), 0);
			assert_ptr_equal(old, i < n ? model[i].value : NULL);
			if (i == n) {
				memcpy(model[n].addr, p.s6_addr, 16);
				model[n++].plen = plen;
			}
			model[i].value = v;
		} else {
			lpm6_del(&t, &p, plen, v);
			if (i < n && model[i].value == v)
				model[i] = model[--n];
		}
		/* A destination near the base, probably under a few. */
		rnd = rnd * 1103515245u + 12345u;
		memcpy(dst, base, 16);
		dst[(rnd >> 4) % 16] ^= (uint8_t)(1u << ((rnd >> 9) % 8));
		for (i = 0; i < n; i++)
			if (model_holds(&model[i], dst) &&
			    (best == 129 || model[i].plen > best)) {
				best = model[i].plen;
				want = model[i].value;
			}
		assert_ptr_equal(lpm6_lookup(&t, dst), want);
		assert_int_equal(t.map.count, n);
	}
	lpm6_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keymap_put_get_replace),
		cmocka_unit_test(test_keymap_del),
		cmocka_unit_test(test_keymap_bad_keylen),
		cmocka_unit_test(test_keymap_every_keylen),
		cmocka_unit_test(test_keymap_growth),
		cmocka_unit_test(test_keymap_churn_against_a_model),
		cmocka_unit_test(test_keymap_backward_shift_wraps),
		cmocka_unit_test(test_keymap_spreads),
		cmocka_unit_test(test_lpm6_longest_wins),
		cmocka_unit_test(test_lpm6_odd_lengths),
		cmocka_unit_test(test_lpm6_default_route),
		cmocka_unit_test(test_lpm6_host_bits_and_replace),
		cmocka_unit_test(test_lpm6_del_checks_value),
		cmocka_unit_test(test_lpm6_lengths_shrink),
		cmocka_unit_test(test_lpm6_bad_input),
		cmocka_unit_test(test_lpm6_against_a_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
