/* libFuzzer target: the longest-prefix match (lpm6 over keymap) against a
 * naive model, a list of routes scanned in full. The input is a hash seed
 * then operations of four octets (put, delete or look up; a prefix from a
 * small pool of nearby addresses, one bit flipped or not; a length; one of
 * four values), so that routes nest, collide and replace one another. */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/lpm6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

#define FZ_OPS_MAX 512

/* The model is not under test: left uninstrumented (and so not inlined
 * into what is), its comparisons neither steer the fuzzer nor take most
 * of its time (4400 executions a second instead of 440). */
#if defined(__clang__)
#define FZ_ORACLE __attribute__((no_sanitize("coverage"), noinline))
#else
#define FZ_ORACLE
#endif

struct fz_route {
	uint8_t addr[16]; /* masked */
	unsigned plen;
	void *value;
};

/* Addresses that share prefixes of many lengths, with the edges of the
 * space; a flipped bit makes their neighbours at every length. */
static const uint8_t fz_pool[8][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x01 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x80, [15] = 0x01 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x01 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0x80 },
	{ 0 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff, 0xff },
};

/* The lengths a broker uses and the ones around octet edges. */
static const unsigned fz_lens[8] = { 0, 48, 56, 57, 61, 64, 127, 128 };

static int fz_vals[4];
static struct fz_route fz_model[FZ_OPS_MAX];
static size_t fz_n;

FZ_ORACLE static void fz_mask(uint8_t a[16], unsigned plen)
{
	for (unsigned b = plen; b < 128; b++)
		a[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
}

/* The last address of a route: its host bits all set. */
FZ_ORACLE static void fz_last(uint8_t a[16], const struct fz_route *r)
{
	memcpy(a, r->addr, 16);
	for (unsigned b = r->plen; b < 128; b++)
		a[b / 8] |= (uint8_t)(0x80 >> (b % 8));
}

FZ_ORACLE static bool fz_eq(const uint8_t *a, const uint8_t *b, unsigned n)
{
	while (n-- > 0)
		if (*a++ != *b++)
			return false;
	return true;
}

/* Written apart from lpm6_key on purpose: whole octets, then the
 * leading bits of one more, compared without masking a copy. */
FZ_ORACLE static bool fz_holds(const struct fz_route *r, const uint8_t *dst)
{
	unsigned full = r->plen / 8, rest = r->plen % 8;

	if (!fz_eq(r->addr, dst, full))
		return false;
	return rest == 0 || ((r->addr[full] ^ dst[full]) >> (8 - rest)) == 0;
}

FZ_ORACLE static void *fz_model_lookup(const uint8_t *dst)
{
	void *v = NULL;
	int best = -1;

	for (size_t i = 0; i < fz_n; i++)
		if ((int)fz_model[i].plen > best &&
		    fz_holds(&fz_model[i], dst)) {
			best = (int)fz_model[i].plen;
			v = fz_model[i].value;
		}
	return v;
}

/* The model's slot of prefix/plen (masked), or fz_n. */
FZ_ORACLE static size_t fz_model_find(const uint8_t *masked, unsigned plen)
{
	size_t i;

	for (i = 0; i < fz_n; i++)
		if (fz_model[i].plen == plen &&
		    fz_eq(fz_model[i].addr, masked, 16))
			break;
	return i;
}

/* The table's bookkeeping agrees with the model: one entry per route,
 * the lengths in use listed once each, longest first. */
FZ_ORACLE static void fz_check_lengths(const struct lpm6 *t)
{
	unsigned count[129] = { 0 }, nlens = 0;

	CHECK(t->map.count == fz_n);
	for (size_t i = 0; i < fz_n; i++)
		count[fz_model[i].plen]++;
	for (int plen = 128; plen >= 0; plen--) {
		CHECK(t->count[plen] == count[plen]);
		if (count[plen] != 0) {
			CHECK(nlens < t->nlens && t->lens[nlens] == plen);
			nlens++;
		}
	}
	CHECK(nlens == t->nlens);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lpm6 t;
	uint64_t seed;
	size_t ops = 0;

	/* The seed decides which keys share a probe run. */
	if (size < 2)
		return 0;
	seed = (uint64_t)data[0] << 56 |
	       (uint64_t)data[1] * 0x9e3779b97f4a7c15ull;
	data += 2;
	size -= 2;
	CHECK(lpm6_init(&t, seed) == 0);
	fz_n = 0;
	for (; size >= 4 && ops < FZ_OPS_MAX; data += 4, size -= 4, ops++) {
		unsigned op = data[0] % 3, plen;
		void *v = &fz_vals[(data[0] >> 2) & 3];
		void *old = &fz_vals[0], *got;
		struct in6_addr p;
		uint8_t masked[16];
		size_t i;

		memcpy(p.s6_addr, fz_pool[data[1] & 7], 16);
		if (data[3] < 128)
			p.s6_addr[data[3] / 8] ^=
				(uint8_t)(0x80 >> (data[3] % 8));
		if (data[2] <= 128)
			plen = data[2];
		else if (data[2] == 255)
			plen = 129 + (data[1] >> 3); /* refused */
		else
			plen = fz_lens[data[2] & 7];
		memcpy(masked, p.s6_addr, 16);
		if (plen <= 128)
			fz_mask(masked, plen);
		i = fz_model_find(masked, plen);

		switch (op) {
		case 0:
			if (plen > 128) {
				CHECK(lpm6_put(&t, &p, plen, v, &old) == -1);
				CHECK(old == &fz_vals[0]);
				break;
			}
			CHECK(lpm6_put(&t, &p, plen, v, &old) == 0);
			CHECK(old == (i < fz_n ? fz_model[i].value : NULL));
			if (i == fz_n) {
				CHECK(fz_n < FZ_OPS_MAX);
				memcpy(fz_model[fz_n].addr, masked, 16);
				fz_model[fz_n++].plen = plen;
			}
			fz_model[i].value = v;
			break;
		case 1:
			lpm6_del(&t, &p, plen, v);
			if (i < fz_n && fz_model[i].value == v)
				fz_model[i] = fz_model[--fz_n];
			break;
		default:
			break;
		}
		/* Every operation looks up its own address and the masked
		 * prefix: one at or under the route just touched. */
		got = lpm6_lookup(&t, p.s6_addr);
		CHECK(got == fz_model_lookup(p.s6_addr));
		got = lpm6_lookup(&t, masked);
		CHECK(got == fz_model_lookup(masked));
		fz_check_lengths(&t);
	}
	/* At the end every route is where a lookup of its first and last
	 * address can see it, shadowed only as the model says. */
	for (size_t i = 0; i < fz_n; i++) {
		uint8_t last[16];

		CHECK(lpm6_lookup(&t, fz_model[i].addr) ==
		      fz_model_lookup(fz_model[i].addr));
		fz_last(last, &fz_model[i]);
		CHECK(lpm6_lookup(&t, last) == fz_model_lookup(last));
	}
	for (int k = 0; k < 8; k++)
		CHECK(lpm6_lookup(&t, fz_pool[k]) ==
		      fz_model_lookup(fz_pool[k]));
	lpm6_destroy(&t);
	return 0;
}
