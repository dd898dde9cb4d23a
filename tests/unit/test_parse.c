/* Unit tests for the strict number, address and interface-name parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "common/parse.h"

static void test_uint_ok(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("7", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_uint("65535", 1, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(parse_uint("18446744073709551615", 0, UINT64_MAX, &v),
			 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_uint("18446744073709551614", 0, UINT64_MAX, &v),
			 0);
	assert_true(v == UINT64_MAX - 1);
}

static void test_uint_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"00",
		"01",
		"007",
		"-1",
		"+1",
		" 1",
		"1 ",
		"1a",
		"a1",
		"0x10",
		"1.0",
		"1e3",
		"\t1",
		"1\n",
		"18446744073709551616", /* UINT64_MAX + 1 */
		"18446744073709551620", /* overflow in the last digit */
		"99999999999999999999", /* overflow earlier */
		"184467440737095516150", /* one digit too many */
	};
	uint64_t v = 4242;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_uint(bad[i], 0, UINT64_MAX, &v) == 0)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(parse_uint(NULL, 0, 10, &v), -1);
	/* Range, both ends; out untouched on failure. */
	assert_int_equal(parse_uint("0", 1, 10, &v), -1);
	assert_int_equal(parse_uint("11", 1, 10, &v), -1);
	assert_int_equal(parse_uint("65536", 0, 65535, &v), -1);
	assert_int_equal(v, 4242);
	assert_int_equal(parse_uint("1", 1, 1, &v), 0);
	assert_int_equal(v, 1);
}

static void test_ipv4(void **state)
{
	static const char *const bad[] = {
		"",	    "1.2.3",	"1.2.3.4.5",  "256.1.1.1",
		"1.2.3.4 ", " 1.2.3.4", "1.2.3.4/32", "01.2.3.4",
		"1.2.3.-4", "::1",	"0x7f.0.0.1", "localhost",
	};
	struct in_addr a, keep;
	size_t i;

	(void)state;
	assert_int_equal(parse_ipv4("192.0.2.1", &a), 0);
	assert_int_equal(ntohl(a.s_addr), 0xC0000201);
	assert_int_equal(parse_ipv4("0.0.0.0", &a), 0);
	assert_int_equal(a.s_addr, 0);
	assert_int_equal(parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a.s_addr, 0xFFFFFFFF);

	keep.s_addr = htonl(0x01020304);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = keep;
		if (parse_ipv4(bad[i], &a) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(a.s_addr, keep.s_addr);
	}
	assert_int_equal(parse_ipv4(NULL, &a), -1);
}

static void test_ipv6(void **state)
{
	static const char *const bad[] = {
		"",
		":",
		"2001:db8::1::2",
		"2001:db8:::1",
		"fe80::1%eth0",
		"[::1]",
		"::1 ",
		" ::1",
		"1.2.3.4",
		"2001:db8::/64",
		"1:2:3:4:5:6:7:8:9",
		"12345::1",
		"g::1",
		"0000:0000:0000:0000:0000:0000:0000:0000:", /* too long, too */
		"0000:0000:0000:0000:0000:0000:255.255.255.255x",
	};
	struct in6_addr a, want;
	size_t i;

	(void)state;
	assert_int_equal(parse_ipv6("2001:db8::1", &a), 0);
	memset(&want, 0, sizeof(want));
	want.s6_addr[0] = 0x20;
	want.s6_addr[1] = 0x01;
	want.s6_addr[2] = 0x0d;
	want.s6_addr[3] = 0xb8;
	want.s6_addr[15] = 1;
	assert_memory_equal(&a, &want, sizeof(a));
	assert_int_equal(parse_ipv6("::", &a), 0);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&a));
	assert_int_equal(parse_ipv6("::ffff:192.0.2.1", &a), 0);
	assert_true(IN6_IS_ADDR_V4MAPPED(&a));
	/* The longest legal text form (45 bytes) still fits. */
	assert_int_equal(
		parse_ipv6("0000:0000:0000:0000:0000:ffff:255.255.255.255", &a),
		0);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = want;
		if (parse_ipv6(bad[i], &a) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_memory_equal(&a, &want, sizeof(a));
	}
	assert_int_equal(parse_ipv6(NULL, &a), -1);
}

static void test_prefix6(void **state)
{
	static const char *const bad[] = {
		"2001:db8::1/64", /* host bits set */
		"2001:db8:1::/32", /* host bit in the third group */
		"2001:db8:8000::/32", /* bit 32 set */
		"::1/127", /* last bit set */
		"::/129",
		"::/-1",
		"::/064",
		"::/ 64",
		"::/64 ",
		"::/",
		"/64",
		"::",
		"2001:db8::",
		"2001:db8::/64/1",
		"1.2.3.0/24",
		"",
		"2001:db8::/0x40",
		"0000:0000:0000:0000:0000:0000:0000:0000:0000/64", /* too long */
	};
	struct in6_addr a, keep;
	unsigned plen;
	size_t i;

	(void)state;
	assert_int_equal(parse_prefix6("2001:db8:1::/64", &a, &plen), 0);
	assert_int_equal(plen, 64);
	assert_int_equal(a.s6_addr[5], 1);
	assert_int_equal(parse_prefix6("::/0", &a, &plen), 0);
	assert_int_equal(plen, 0);
	assert_int_equal(parse_prefix6("2001:db8::1/128", &a, &plen), 0);
	assert_int_equal(plen, 128);
	assert_int_equal(parse_prefix6("2001:db8:8000::/33", &a, &plen), 0);
	assert_int_equal(plen, 33);
	assert_int_equal(parse_prefix6("::1/128", &a, &plen), 0);
	assert_int_equal(parse_prefix6("ff00::/8", &a, &plen), 0);
	assert_int_equal(parse_prefix6("ff00::/7", &a, &plen), -1);
	assert_int_equal(parse_prefix6("fe00::/7", &a, &plen), 0);

	memset(&keep, 0x5a, sizeof(keep));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = keep;
		plen = 999;
		if (parse_prefix6(bad[i], &a, &plen) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_memory_equal(&a, &keep, sizeof(a));
		assert_int_equal(plen, 999);
	}
	assert_int_equal(parse_prefix6(NULL, &a, &plen), -1);
}

static void test_ifname_unit(void **state)
{
	static const char *const bad[] = {
		"",
		"ng",
		"0",
		"12",
		"ng01",
		"ng00",
		"ng.0",
		"ng 0",
		"ng/0",
		"n0g1",
		"ng-1x",
		"ng65536",
		"ng99999999999999999999",
		"abcdefghijk0", /* 11-byte stem: no room for a 5-digit unit */
		"\303\2510",
	};
	char stem[16];
	unsigned unit;
	size_t i;

	(void)state;
	assert_int_equal(parse_ifname_unit("ng0", stem, sizeof(stem), &unit),
			 0);
	assert_string_equal(stem, "ng");
	assert_int_equal(unit, 0);
	assert_int_equal(parse_ifname_unit("tun12", stem, sizeof(stem), &unit),
			 0);
	assert_string_equal(stem, "tun");
	assert_int_equal(unit, 12);
	assert_int_equal(
		parse_ifname_unit("dt_c-p7", stem, sizeof(stem), &unit), 0);
	assert_string_equal(stem, "dt_c-p");
	assert_int_equal(
		parse_ifname_unit("ng65535", stem, sizeof(stem), &unit), 0);
	assert_int_equal(unit, 65535);
	assert_int_equal(
		parse_ifname_unit("abcdefghij0", stem, sizeof(stem), &unit), 0);
	assert_string_equal(stem, "abcdefghij");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(stem, "keep");
		unit = 4242;
		if (parse_ifname_unit(bad[i], stem, sizeof(stem), &unit) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_string_equal(stem, "keep");
		assert_int_equal(unit, 4242);
	}
	/* The stem must fit the caller's buffer with its NUL. */
	assert_int_equal(parse_ifname_unit("tun0", stem, 3, &unit), -1);
	assert_int_equal(parse_ifname_unit("tun0", stem, 4, &unit), 0);
	assert_string_equal(stem, "tun");
}

static void test_ifname_ok(void **state)
{
	(void)state;
	assert_true(parse_ifname_ok("ng0"));
	assert_true(parse_ifname_ok("eth0.100"));
	assert_true(parse_ifname_ok("abcdefghijklmno")); /* 15 bytes */
	assert_false(parse_ifname_ok("abcdefghijklmnop"));
	assert_false(parse_ifname_ok(""));
	assert_false(parse_ifname_ok(NULL));
	assert_false(parse_ifname_ok("."));
	assert_false(parse_ifname_ok(".."));
	assert_false(parse_ifname_ok("a/b"));
	assert_false(parse_ifname_ok("a b"));
	assert_false(parse_ifname_ok("a\tb"));
	assert_false(parse_ifname_ok("a\x01"));
}

static void test_hostname_ok(void **state)
{
	char longest[255], label64[70];

	(void)state;
	assert_true(parse_hostname_ok("tunnel.example"));
	assert_true(parse_hostname_ok("tunnel.example."));
	assert_true(parse_hostname_ok("localhost"));
	assert_true(parse_hostname_ok("a-b.c_d.e1"));
	assert_true(parse_hostname_ok("192.0.2.1"));
	assert_false(parse_hostname_ok(NULL));
	assert_false(parse_hostname_ok(""));
	assert_false(parse_hostname_ok("."));
	assert_false(parse_hostname_ok("a..b"));
	assert_false(parse_hostname_ok(".a"));
	assert_false(parse_hostname_ok("-a.b"));
	assert_false(parse_hostname_ok("a-.b"));
	assert_false(parse_hostname_ok("a b"));
	assert_false(parse_hostname_ok("a:b"));
	assert_false(parse_hostname_ok("bad!"));
	memset(label64, 'a', 64);
	label64[64] = '\0';
	assert_false(parse_hostname_ok(label64));
	label64[63] = '\0';
	assert_true(parse_hostname_ok(label64));
	/* At most 253 bytes (labels of 63 bytes and a last shorter one). */
	memset(longest, 'a', 254);
	longest[254] = '\0';
	longest[63] = longest[127] = longest[191] = '.';
	assert_false(parse_hostname_ok(longest));
	longest[253] = '\0';
	assert_true(parse_hostname_ok(longest));
	longest[252] = '.';   /* 252 bytes and the final dot */
	assert_true(parse_hostname_ok(longest));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uint_ok),
		cmocka_unit_test(test_uint_bad),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_prefix6),
		cmocka_unit_test(test_ifname_unit),
		cmocka_unit_test(test_ifname_ok),
		cmocka_unit_test(test_hostname_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
