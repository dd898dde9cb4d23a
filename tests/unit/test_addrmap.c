/* Unit tests for the protocol-41 tunnel map (client IPv4 -> tunnel). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>

#include "server/addrmap.h"

static struct in_addr a4(uint32_t host_order)
{
	struct in_addr a = { htonl(host_order) };

	return a;
}

static void test_add_get_del(void **state)
{
	struct addrmap m;
	int x, y;

	(void)state;
	assert_int_equal(addrmap_init(&m, 4), 0);
	assert_null(addrmap_get(&m, a4(0xc0000202)));
	assert_int_equal(addrmap_add(&m, a4(0xc0000202), &x), 0);
	assert_int_equal(addrmap_add(&m, a4(0xc0000203), &y), 0);
	assert_ptr_equal(addrmap_get(&m, a4(0xc0000202)), &x);
	assert_ptr_equal(addrmap_get(&m, a4(0xc0000203)), &y);
	/* One tunnel per address. */
	assert_int_equal(addrmap_add(&m, a4(0xc0000202), &y), -1);
	addrmap_del(&m, a4(0xc0000202));
	assert_null(addrmap_get(&m, a4(0xc0000202)));
	assert_ptr_equal(addrmap_get(&m, a4(0xc0000203)), &y);
	addrmap_del(&m, a4(0xc0000202));   /* absent: nothing happens */
	assert_int_equal(m.count, 1);
	addrmap_destroy(&m);
}

static void test_bounds(void **state)
{
	struct addrmap m;
	int x;

	(void)state;
	assert_int_equal(addrmap_init(&m, 2), 0);
	assert_int_equal(addrmap_add(&m, a4(0), &x), -1);   /* no client */
	assert_null(addrmap_get(&m, a4(0)));
	assert_int_equal(addrmap_add(&m, a4(1), &x), 0);
	assert_int_equal(addrmap_add(&m, a4(2), &x), 0);
	assert_int_equal(addrmap_add(&m, a4(3), &x), -1);   /* full */
	addrmap_destroy(&m);
}

/* Many adds and deletes in a pattern that makes long probe runs: every
 * entry stays findable after each deletion (backward shift), and the
 * table never fills with dead slots. */
static void test_churn_against_a_model(void **state)
{
	enum { N = 512 };
	static int vals[N];
	static bool in[N];
	struct addrmap m;
	uint32_t rnd = 12345;

	(void)state;
	assert_int_equal(addrmap_init(&m, N), 0);
	for (int round = 0; round < 20000; round++) {
		unsigned k;

		rnd = rnd * 1103515245u + 12345u;
		k = (rnd >> 8) % N;
		/* Addresses of one /24 and of stride 256: both collide. */
		struct in_addr a = a4(k % 2 ? 0x0a000000u + k : 0xc0000000u + k * 256);

		if (in[k]) {
			addrmap_del(&m, a);
			in[k] = false;
		} else {
			assert_int_equal(addrmap_add(&m, a, &vals[k]), 0);
			in[k] = true;
		}
		if (round % 97 == 0)
			for (unsigned j = 0; j < N; j++) {
				struct in_addr b = a4(j % 2 ? 0x0a000000u + j
							    : 0xc0000000u + j * 256);

				assert_ptr_equal(addrmap_get(&m, b),
						 in[j] ? &vals[j] : NULL);
			}
	}
	addrmap_destroy(&m);
}

/* The clients of one network must not share a few home slots: 1024
 * addresses of one /22 each find its entry within a few probes. */
static void test_one_network_spreads(void **state)
{
	struct addrmap m;
	size_t worst = 0;
	int x;

	(void)state;
	assert_int_equal(addrmap_init(&m, 1024), 0);
	for (uint32_t i = 0; i < 1024; i++)
		assert_int_equal(addrmap_add(&m, a4(0xc6336400u + i), &x), 0);
	for (size_t i = 0; i <= m.mask; i++) {
		size_t run = 0;

		for (size_t j = i; m.slot[j].addr != 0; j = (j + 1) & m.mask)
			if (++run > m.mask)
				break;
		if (run > worst)
			worst = run;
	}
	/* Load 1/2: a run of dozens means clustering, not chance. */
	assert_true(worst < 32);
	addrmap_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_get_del),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_churn_against_a_model),
		cmocka_unit_test(test_one_network_spreads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
