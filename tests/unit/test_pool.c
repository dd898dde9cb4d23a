/* Unit tests for the server's resource pools and host address pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "server/pool.h"

static void test_lowest_free_and_reuse(void **state)
{
	struct pool p;
	unsigned v;

	(void)state;
	assert_int_equal(pool_init(&p, 4028, 3), 0);
	assert_int_equal(pool_alloc(&p, p.base, &v), 0);
	assert_int_equal(v, 4028);
	assert_int_equal(pool_alloc(&p, p.base, &v), 0);
	assert_int_equal(v, 4029);
	assert_int_equal(pool_alloc(&p, p.base, &v), 0);
	assert_int_equal(v, 4030);
	assert_int_equal(pool_alloc(&p, p.base, &v), -1);   /* sold out */
	pool_release(&p, 4029);
	assert_int_equal(p.used, 2);
	assert_int_equal(pool_alloc(&p, p.base, &v), 0);
	assert_int_equal(v, 4029);                          /* reused */
	/* Releasing what is not allocated or outside changes nothing. */
	pool_release(&p, 9999);
	pool_release(&p, 4027);
	assert_int_equal(p.used, 3);
	pool_release(&p, 4028);
	pool_release(&p, 4028);
	assert_int_equal(p.used, 2);
	pool_destroy(&p);
	assert_int_equal(pool_init(&p, 0, 0), -1);
}

static void test_alloc_from(void **state)
{
	struct pool p;
	unsigned v;

	(void)state;
	assert_int_equal(pool_init(&p, 0, 20), 0);
	assert_int_equal(pool_alloc(&p, 5, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(pool_alloc(&p, 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pool_alloc(&p, 19, &v), 0);
	assert_int_equal(v, 19);
	assert_int_equal(pool_alloc(&p, 19, &v), -1);
	assert_int_equal(pool_alloc(&p, 25, &v), -1);
	assert_true(pool_is_used(&p, 5));
	assert_false(pool_is_used(&p, 6));
	pool_destroy(&p);
}

static void check_pair(const char *prefix, unsigned plen, unsigned unit,
		       const char *server, const char *client)
{
	struct in6_addr pfx, s, c;
	char bs[INET6_ADDRSTRLEN], bc[INET6_ADDRSTRLEN];

	inet_pton(AF_INET6, prefix, &pfx);
	assert_int_equal(pool_host_pair(&pfx, plen, unit, &s, &c), 0);
	inet_ntop(AF_INET6, &s, bs, sizeof(bs));
	inet_ntop(AF_INET6, &c, bc, sizeof(bc));
	assert_string_equal(bs, server);
	assert_string_equal(bc, client);
}

static void test_host_pair(void **state)
{
	struct in6_addr pfx, s, c;

	(void)state;
	check_pair("2001:db8:1::", 64, 0, "2001:db8:1::5", "2001:db8:1::6");
	check_pair("2001:db8:1::", 64, 1, "2001:db8:1::9", "2001:db8:1::a");
	check_pair("2001:db8:1::", 64, 63, "2001:db8:1::101", "2001:db8:1::102");
	check_pair("2001:db8::", 125, 0, "2001:db8::5", "2001:db8::6");
	/* A /125 has room for unit 0 only. */
	inet_pton(AF_INET6, "2001:db8::", &pfx);
	assert_int_equal(pool_host_pair(&pfx, 125, 1, &s, &c), -1);
	assert_int_equal(pool_host_pair(&pfx, 126, 0, &s, &c), -1);
	assert_int_equal(pool_host_capacity(125, 1024), 1);
	assert_int_equal(pool_host_capacity(126, 1024), 0);
	assert_int_equal(pool_host_capacity(120, 1024), 63);
	assert_int_equal(pool_host_capacity(64, 1024), 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_free_and_reuse),
		cmocka_unit_test(test_alloc_from),
		cmocka_unit_test(test_host_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
