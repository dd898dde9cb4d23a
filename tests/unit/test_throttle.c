/* Unit tests for the per-address login throttle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>

#include "server/throttle.h"

static struct in_addr addr(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void test_burst_then_refill(void **state)
{
	struct throttle *t = malloc(sizeof(*t));
	struct in_addr a = addr("192.0.2.7"), b = addr("192.0.2.8");
	int reported = 0;

	(void)state;
	throttle_init(t, 3, 10);
	for (int i = 0; i < 3; i++) {
		assert_true(throttle_allow(t, a, 1000));
		reported += throttle_fail(t, a, 1000);
	}
	/* Three failures empty the bucket and are reported once. */
	assert_false(throttle_allow(t, a, 1000));
	assert_int_equal(reported, 1);
	assert_false(throttle_fail(t, a, 1000));
	/* Another address is not affected. */
	assert_true(throttle_allow(t, b, 1000));
	/* One token comes back after the refill time. */
	assert_false(throttle_allow(t, a, 10999));
	assert_true(throttle_allow(t, a, 11000));
	assert_true(throttle_fail(t, a, 11000));
	assert_false(throttle_allow(t, a, 11000));
	free(t);
}

static void test_table_is_bounded(void **state)
{
	struct throttle *t = malloc(sizeof(*t));
	struct in_addr a = addr("198.51.100.1");

	(void)state;
	throttle_init(t, 1, 3600);
	throttle_fail(t, a, 1);
	assert_false(throttle_allow(t, a, 2));
	/* Many other addresses fail once each; memory stays fixed and the
	 * table keeps working. */
	for (uint32_t i = 1; i < 100000; i++) {
		struct in_addr x = { htonl(0x0a000000u + i) };

		throttle_fail(t, x, 2);
	}
	assert_true(throttle_allow(t, addr("203.0.113.1"), 3));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refill),
		cmocka_unit_test(test_table_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
