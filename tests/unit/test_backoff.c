/* Unit tests for the client's reconnect backoff. The caller supplies the
 * random bits, so every delay here is exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "client/backoff.h"

static void test_init(void **state)
{
	struct backoff b = { .ceiling_ms = 12345, .attempt = 7 };

	(void)state;
	backoff_init(&b);
	assert_int_equal(b.ceiling_ms, BACKOFF_MIN_MS);
	assert_int_equal(b.attempt, 0);
}

static void test_first_delay_is_the_minimum(void **state)
{
	struct backoff b;

	(void)state;
	/* The first ceiling is 1 s, so the jitter range [0.5 s, 1 s] is
	 * clamped to the 1 s floor whatever the random bits. */
	backoff_init(&b);
	assert_int_equal(backoff_next(&b, 0, 0), BACKOFF_MIN_MS);
	backoff_init(&b);
	assert_int_equal(backoff_next(&b, 0, 500), BACKOFF_MIN_MS);
	backoff_init(&b);
	assert_int_equal(backoff_next(&b, 0, UINT32_MAX), BACKOFF_MIN_MS);
	assert_int_equal(b.attempt, 1);
	assert_int_equal(b.ceiling_ms, 2 * BACKOFF_MIN_MS);
}

static void test_jitter_range(void **state)
{
	struct backoff b;

	(void)state;
	/* Ceiling 2 s: the delay is 1000 + rnd % 1001, so rnd 0 gives the
	 * low end, 1000 the high end and 1001 wraps back to the low end. */
	backoff_init(&b);
	backoff_next(&b, 0, 0);
	assert_int_equal(b.ceiling_ms, 2000);
	assert_int_equal(backoff_next(&b, 0, 0), 1000);
	b.ceiling_ms = 2000;
	assert_int_equal(backoff_next(&b, 0, 1000), 2000);
	b.ceiling_ms = 2000;
	assert_int_equal(backoff_next(&b, 0, 1001), 1000);
	b.ceiling_ms = 2000;
	assert_int_equal(backoff_next(&b, 0, 337), 1337);
	/* Ceiling 8 s: [4 s, 8 s]. */
	b.ceiling_ms = 8000;
	assert_int_equal(backoff_next(&b, 0, 0), 4000);
	b.ceiling_ms = 8000;
	assert_int_equal(backoff_next(&b, 0, 4000), 8000);
	/* The largest random value stays in range (no overflow). */
	b.ceiling_ms = BACKOFF_MAX_MS;
	uint32_t d = backoff_next(&b, 0, UINT32_MAX);
	assert_in_range(d, BACKOFF_MAX_MS / 2, BACKOFF_MAX_MS);
	assert_int_equal(d, BACKOFF_MAX_MS / 2 +
				    UINT32_MAX % (BACKOFF_MAX_MS / 2 + 1));
}

static void test_ceiling_doubles_then_caps(void **state)
{
	static const uint32_t ceilings[] = {
		1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000,
		/* 256 s doubled would be 512 s: capped at 300 s, and stays. */
		300000, 300000, 300000,
	};
	struct backoff b;

	(void)state;
	backoff_init(&b);
	for (unsigned i = 0; i + 1 < sizeof(ceilings) / sizeof(*ceilings);
	     i++) {
		uint32_t c = ceilings[i];

		assert_int_equal(b.ceiling_ms, c);
		/* rnd = c - c/2 picks the top of [c/2, c]: the largest
		 * delay is the ceiling itself, never above 300 s. */
		assert_int_equal(backoff_next(&b, 0, c - c / 2), c);
		assert_int_equal(b.attempt, i + 1);
		assert_int_equal(b.ceiling_ms, ceilings[i + 1]);
	}
	for (int i = 0; i < 100; i++)
		assert_in_range(backoff_next(&b, 0, (uint32_t)i * 7919u),
				BACKOFF_MAX_MS / 2, BACKOFF_MAX_MS);
	assert_int_equal(b.ceiling_ms, BACKOFF_MAX_MS);
}

static void test_healthy_session_resets(void **state)
{
	struct backoff b;

	(void)state;
	backoff_init(&b);
	for (int i = 0; i < 6; i++)
		backoff_next(&b, 0, 0);
	assert_int_equal(b.ceiling_ms, 64000);
	assert_int_equal(b.attempt, 6);
	/* One millisecond short of healthy: no reset, the delay comes from
	 * the current ceiling. */
	assert_int_equal(backoff_next(&b, BACKOFF_RESET_AFTER_MS - 1, 0),
			 32000);
	assert_int_equal(b.attempt, 7);
	assert_int_equal(b.ceiling_ms, 128000);
	/* Exactly the threshold counts as healthy: reset to 1 s first, so
	 * this delay is the minimum and this is attempt 1 again. */
	assert_int_equal(backoff_next(&b, BACKOFF_RESET_AFTER_MS, UINT32_MAX),
			 BACKOFF_MIN_MS);
	assert_int_equal(b.attempt, 1);
	assert_int_equal(b.ceiling_ms, 2000);
	/* A very long session resets too (64-bit lifetime). */
	backoff_next(&b, 0, 0);
	backoff_next(&b, 0, 0);
	assert_int_equal(b.ceiling_ms, 8000);
	assert_int_equal(backoff_next(&b, UINT64_MAX, 0), BACKOFF_MIN_MS);
	assert_int_equal(b.attempt, 1);
	assert_int_equal(b.ceiling_ms, 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_first_delay_is_the_minimum),
		cmocka_unit_test(test_jitter_range),
		cmocka_unit_test(test_ceiling_doubles_then_caps),
		cmocka_unit_test(test_healthy_session_resets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
