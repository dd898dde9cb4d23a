/* Unit tests for log_escape, the one pure function of the log module:
 * untrusted text made safe to log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <syslog.h>

#include <string.h>

#include "common/log.h"

static void test_printable_copied(void **state)
{
	char dst[64];
	const char *s = "user@example.org ~!\"#$%&'()*+,-./:;<=>?[\\]^_`{|}";

	(void)state;
	assert_ptr_equal(log_escape(dst, sizeof(dst), s, strlen(s)), dst);
	assert_string_equal(dst, s);
	/* Space and '~' are the ends of the printable range. */
	assert_string_equal(log_escape(dst, sizeof(dst), " ~", 2), " ~");
}

static void test_unprintable_replaced(void **state)
{
	char dst[64];

	(void)state;
	/* Control bytes, DEL and bytes with the high bit set each become
	 * one '?': nothing reaches the log that could forge a line or a
	 * terminal escape. */
	assert_string_equal(log_escape(dst, sizeof(dst), "a\r\nb", 4),
			    "a??b");
	assert_string_equal(log_escape(dst, sizeof(dst), "\t\x1b[31m", 6),
			    "??[31m");
	assert_string_equal(log_escape(dst, sizeof(dst), "\x01\x1f\x7f", 3),
			    "???");
	assert_string_equal(log_escape(dst, sizeof(dst), "\x80\xc3\xa9\xff",
				       4), "????");
	assert_string_equal(log_escape(dst, sizeof(dst), "?", 1), "?");
}

static void test_len_bounds_the_copy(void **state)
{
	char dst[64];
	const char raw[3] = { 'a', 'b', 'c' };   /* no NUL */

	(void)state;
	/* At most len bytes are read: the source need not be terminated. */
	assert_string_equal(log_escape(dst, sizeof(dst), raw, 3), "abc");
	assert_string_equal(log_escape(dst, sizeof(dst), raw, 2), "ab");
	assert_string_equal(log_escape(dst, sizeof(dst), raw, 0), "");
	/* A NUL ends the text before len. */
	assert_string_equal(log_escape(dst, sizeof(dst), "ab\0cd", 5), "ab");
}

static void test_short_text_not_truncated(void **state)
{
	char dst[8];

	(void)state;
	/* Text with room to spare is copied whole, without a marker. */
	memset(dst, 'Z', sizeof(dst));
	assert_string_equal(log_escape(dst, sizeof(dst), "abcde", 5), "abcde");
	assert_int_equal(dst[6], 'Z');
	/* The check is on output bytes: escaped bytes count once each. */
	assert_string_equal(log_escape(dst, sizeof(dst), "\n\n\n\n", 4),
			    "????");
}

static void test_truncation_marked(void **state)
{
	char dst[8], big[16];
	const char *s = "abcdefghijklmnop";

	(void)state;
	/* Too long: the output fills dst, ends in "..." and is NUL
	 * terminated, and nothing is written past dstlen. */
	memset(big, 'Z', sizeof(big));
	assert_ptr_equal(log_escape(big, 8, s, strlen(s)), big);
	assert_string_equal(big, "abcd...");
	assert_int_equal(big[8], 'Z');
	/* One byte over is enough to truncate. */
	assert_string_equal(log_escape(dst, sizeof(dst), s, 8), "abcd...");
	/* Escaping happens before the cut. */
	assert_string_equal(log_escape(dst, sizeof(dst), "\x1b\x1b\x1b\x1b"
				       "xxxxxx", 10), "????...");
}

static void test_tiny_destinations(void **state)
{
	char dst[8];

	(void)state;
	/* dstlen 0: nothing at all is written. */
	memset(dst, 'Z', sizeof(dst));
	assert_ptr_equal(log_escape(dst, 0, "abc", 3), dst);
	assert_int_equal(dst[0], 'Z');
	/* dstlen 1: only the NUL. */
	memset(dst, 'Z', sizeof(dst));
	assert_string_equal(log_escape(dst, 1, "abc", 3), "");
	assert_int_equal(dst[1], 'Z');
	/* dstlen 4: room for the marker and nothing else. */
	memset(dst, 'Z', sizeof(dst));
	assert_string_equal(log_escape(dst, 4, "abcdefgh", 8), "...");
	assert_int_equal(dst[4], 'Z');
	/* dstlen 5: one byte of text survives. */
	assert_string_equal(log_escape(dst, 5, "abcdefgh", 8), "a...");
	/* Always terminated, whatever is left over from before. */
	memset(dst, 'Z', sizeof(dst));
	assert_string_equal(log_escape(dst, 2, "a", 1), "a");
	assert_int_equal(dst[2], 'Z');
}

static void test_long_input(void **state)
{
	char src[5000], dst[LOG_RELAY_MAX + 4];

	(void)state;
	/* The relay's size: a long record is cut to the buffer, with the
	 * marker, and every byte is escaped. */
	memset(src, '\n', sizeof(src));
	log_escape(dst, sizeof(dst), src, sizeof(src));
	assert_int_equal(strlen(dst), sizeof(dst) - 1);
	assert_string_equal(dst + sizeof(dst) - 4, "...");
	assert_int_equal(strspn(dst, "?"), sizeof(dst) - 4);
	/* A maximal record fits whole. */
	memset(src, 'r', LOG_RELAY_MAX);
	log_escape(dst, sizeof(dst), src, LOG_RELAY_MAX);
	assert_int_equal(strlen(dst), LOG_RELAY_MAX);
	assert_int_equal(strspn(dst, "r"), LOG_RELAY_MAX);
}

/* Text that fits is never cut, however little room is left over. */
static void test_fitting_text_is_whole(void **state)
{
	char dst[8];

	(void)state;
	assert_string_equal(log_escape(dst, 8, "abcdefg", 7), "abcdefg");
	assert_string_equal(log_escape(dst, 8, "abcdef", 6), "abcdef");
	/* len is a bound, the text ends at its NUL */
	assert_string_equal(log_escape(dst, 8, "abcde", 64), "abcde");
	assert_string_equal(log_escape(dst, 3, "ab", 2), "ab");
	assert_string_equal(log_escape(dst, 4, "abc", 3), "abc");
	/* One byte too many: cut, with the marker. */
	assert_string_equal(log_escape(dst, 8, "abcdefgh", 8), "abcd...");
	/* Too small for the marker: as much as fits. */
	assert_string_equal(log_escape(dst, 3, "abc", 3), "ab");
}

/* An engine may not log above LOG_ERR through its parent. */
static void test_relay_priority_clamped(void **state)
{
	(void)state;
	assert_int_equal(log_relay_priority(LOG_EMERG), LOG_ERR);
	assert_int_equal(log_relay_priority(LOG_ALERT), LOG_ERR);
	assert_int_equal(log_relay_priority(LOG_CRIT), LOG_ERR);
	assert_int_equal(log_relay_priority(LOG_ERR), LOG_ERR);
	assert_int_equal(log_relay_priority(LOG_WARNING), LOG_WARNING);
	assert_int_equal(log_relay_priority(LOG_INFO), LOG_INFO);
	assert_int_equal(log_relay_priority(LOG_DEBUG), LOG_DEBUG);
	assert_int_equal(log_relay_priority(-1), LOG_WARNING);
	assert_int_equal(log_relay_priority(8), LOG_WARNING);
}

/* A burst, then the refill rate; what does not pass is counted. */
static void test_log_budget(void **state)
{
	struct log_budget b = { .burst = 5, .per_second = 10 };
	unsigned passed = 0;

	(void)state;
	for (int i = 0; i < 5000; i++)        /* 5000 records at one instant */
		passed += log_budget_take(&b, 1000);
	assert_int_equal(passed, 5);
	assert_int_equal(b.dropped, 4995);
	passed = 0;
	for (uint64_t ms = 1001; ms <= 3000; ms++)   /* one a ms for 2 s */
		passed += log_budget_take(&b, ms);
	assert_true(passed >= 19 && passed <= 21);
	/* A long silence refills no more than the burst. */
	passed = 0;
	for (int i = 0; i < 100; i++)
		passed += log_budget_take(&b, 100000);
	assert_int_equal(passed, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fitting_text_is_whole),
		cmocka_unit_test(test_relay_priority_clamped),
		cmocka_unit_test(test_log_budget),
		cmocka_unit_test(test_printable_copied),
		cmocka_unit_test(test_unprintable_replaced),
		cmocka_unit_test(test_len_bounds_the_copy),
		cmocka_unit_test(test_short_text_not_truncated),
		cmocka_unit_test(test_truncation_marked),
		cmocka_unit_test(test_tiny_destinations),
		cmocka_unit_test(test_long_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
