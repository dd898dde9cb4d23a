/* Unit tests for client prefix delegation (-P): the list syntax and its
 * errors, the pre-login checks, and exact subnets and addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "client/delegate.h"

static const uint8_t mac_qemu[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static struct in6_addr addr(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

static void assert_addr(const struct in6_addr *a, const char *want)
{
	char got[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET6, a, got, sizeof(got)));
	assert_string_equal(got, want);
}

static struct delegate_spec spec1(const char *text)
{
	struct delegate_list l;
	char err[DELEGATE_ERR_LEN] = "";

	if (delegate_parse(text, &l, err, sizeof(err)) < 0)
		fail_msg("%s: %s", text, err);
	assert_int_equal(l.n, 1);
	return l.spec[0];
}

/* Parses arg, expects failure with exactly the message want. */
static void parse_fails(const char *arg, const char *want)
{
	struct delegate_list l, untouched;
	char err[DELEGATE_ERR_LEN] = "";

	memset(&l, 0x5a, sizeof(l));
	memset(&untouched, 0x5a, sizeof(untouched));
	assert_int_equal(delegate_parse(arg, &l, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	/* Out-params are written only on success. */
	assert_memory_equal(&l, &untouched, sizeof(l));
}

/* The address for text under prefix/dlen, or fail. */
static void address_is(const char *prefix, unsigned dlen, const char *text,
		       const uint8_t *mac, const char *want)
{
	struct delegate_spec s = spec1(text);
	struct in6_addr p = addr(prefix), a;
	char err[DELEGATE_ERR_LEN] = "";

	if (delegate_address(&p, dlen, &s, mac, &a, err, sizeof(err)) < 0)
		fail_msg("%s under %s/%u: %s", text, prefix, dlen, err);
	assert_addr(&a, want);
}

static void subnet_fails(const char *prefix, unsigned dlen,
			 const struct delegate_spec *s, const char *want)
{
	struct in6_addr p = addr(prefix), out = addr("::");
	char err[DELEGATE_ERR_LEN] = "";

	assert_int_equal(delegate_subnet(&p, dlen, s, &out, err, sizeof(err)),
			 -1);
	assert_string_equal(err, want);
	assert_addr(&out, "::");
	assert_int_equal(delegate_address(&p, dlen, s, mac_qemu, &out, err,
					  sizeof(err)),
			 -1);
	assert_string_equal(err, want);
	assert_addr(&out, "::");
}

static void test_parse_full_spec(void **state)
{
	struct delegate_spec s = spec1("eth1/1/1/64");

	(void)state;
	assert_string_equal(s.ifname, "eth1");
	assert_int_equal(s.sla_id, 1);
	assert_false(s.eui64);
	assert_int_equal(s.host_id, 1);
	assert_int_equal(s.plen, 64);

	s = spec1("enp0s31f6.100/aBcD1234/FEDCBA9876543210/48");
	assert_string_equal(s.ifname, "enp0s31f6.100");
	assert_int_equal(s.sla_id, 0xabcd1234);
	assert_true(s.host_id == 0xfedcba9876543210ULL);
	assert_int_equal(s.plen, 48);

	/* Leading zeros are fine in hex; 8 and 16 digits are the bounds. */
	s = spec1("eth1/00000001/0000000000000002/64");
	assert_int_equal(s.sla_id, 1);
	assert_int_equal(s.host_id, 2);
}

static void test_parse_short_forms(void **state)
{
	static const char *const eui64_64[] = { "eth1/1", "eth1/1/",
						"eth1/1//" };
	struct delegate_spec s;

	(void)state;
	for (size_t i = 0; i < sizeof(eui64_64) / sizeof(*eui64_64); i++) {
		s = spec1(eui64_64[i]);
		assert_string_equal(s.ifname, "eth1");
		assert_int_equal(s.sla_id, 1);
		assert_true(s.eui64);
		assert_int_equal(s.plen, DELEGATE_PLEN_DEFAULT);
	}
	s = spec1("eth1/1/1");
	assert_false(s.eui64);
	assert_int_equal(s.host_id, 1);
	assert_int_equal(s.plen, 64);
	s = spec1("eth1/1/1/");
	assert_false(s.eui64);
	assert_int_equal(s.plen, 64);
	s = spec1("eth1/1//56");
	assert_true(s.eui64);
	assert_int_equal(s.plen, 56);
}

static void test_parse_list(void **state)
{
	struct delegate_list l;
	char err[DELEGATE_ERR_LEN] = "";

	(void)state;
	assert_int_equal(delegate_parse("eth1/1/1/64,eth2/ff//64,gif0/2/0/128",
					&l, err, sizeof(err)),
			 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.spec[0].ifname, "eth1");
	assert_string_equal(l.spec[1].ifname, "eth2");
	assert_int_equal(l.spec[1].sla_id, 0xff);
	assert_true(l.spec[1].eui64);
	assert_string_equal(l.spec[2].ifname, "gif0");
	assert_int_equal(l.spec[2].plen, 128);
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), 0);
}

static void test_parse_empty(void **state)
{
	struct delegate_list l;
	char err[DELEGATE_ERR_LEN] = "";

	(void)state;
	assert_int_equal(delegate_parse(NULL, &l, err, sizeof(err)), -1);
	assert_string_equal(err, "empty -P list");
	parse_fails("", "empty -P list");
	parse_fails(",", "empty spec in the -P list (spec 1)");
	parse_fails(",eth1/1", "empty spec in the -P list (spec 1)");
	parse_fails("eth1/1,", "empty spec in the -P list (spec 2)");
	parse_fails("eth1/1,,eth2/1", "empty spec in the -P list (spec 2)");
}

static void test_parse_too_many_specs(void **state)
{
	char arg[DELEGATE_ARG_MAX];
	struct delegate_list l;
	char err[DELEGATE_ERR_LEN] = "";
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i < DELEGATE_SPECS_MAX; i++)
		n += (size_t)snprintf(arg + n, sizeof(arg) - n, "%seth%u/%x",
				      i ? "," : "", i, i);
	assert_int_equal(delegate_parse(arg, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, DELEGATE_SPECS_MAX);
	assert_string_equal(l.spec[7].ifname, "eth7");
	assert_int_equal(l.spec[7].sla_id, 7);
	snprintf(arg + n, sizeof(arg) - n, ",eth99/1");
	parse_fails(arg, "more than 8 specs in the -P list");
}

static void test_parse_too_long(void **state)
{
	char arg[DELEGATE_ARG_MAX + 2];

	(void)state;
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	parse_fails(arg, "-P list longer than 512 bytes");
}

static void test_parse_bad_sla_id(void **state)
{
	(void)state;
	parse_fails("eth1", "spec \"eth1\": no SLA-id (want "
			    "ifname/SLA-id[/host-id[/plen]])");
	parse_fails("eth1/", "spec \"eth1/\": bad SLA-id \"\" (want 1 to 8 hex "
			     "digits)");
	parse_fails("eth1//1/64",
		    "spec \"eth1//1/64\": bad SLA-id \"\" (want 1 "
		    "to 8 hex digits)");
	parse_fails("eth1/zz", "spec \"eth1/zz\": bad SLA-id \"zz\" (want 1 to "
			       "8 hex digits)");
	parse_fails("eth1/0x1", "spec \"eth1/0x1\": bad SLA-id \"0x1\" (want 1 "
				"to 8 hex digits)");
	parse_fails("eth1/-1", "spec \"eth1/-1\": bad SLA-id \"-1\" (want 1 to "
			       "8 hex digits)");
	parse_fails("eth1/123456789", "spec \"eth1/123456789\": bad SLA-id "
				      "\"123456789\" (want 1 to 8 hex digits)");
}

static void test_parse_bad_host_id(void **state)
{
	(void)state;
	parse_fails("eth1/1/g", "spec \"eth1/1/g\": bad host-id \"g\" (want 1 "
				"to 16 hex digits, or none for EUI-64)");
	parse_fails("eth1/1/::1/64", "spec \"eth1/1/::1/64\": bad host-id "
				     "\"::1\" (want 1 to 16 hex digits, or "
				     "none for EUI-64)");
	parse_fails("eth1/1/10000000000000000/64",
		    "spec \"eth1/1/10000000000000000/64\": bad host-id "
		    "\"10000000000000000\" (want 1 to 16 hex digits, or none "
		    "for EUI-64)");
}

static void test_parse_bad_ifname(void **state)
{
	(void)state;
	parse_fails("/1", "spec \"/1\": bad interface name \"\"");
	parse_fails("./1", "spec \"./1\": bad interface name \".\"");
	parse_fails("eth 1/1", "spec \"eth 1/1\": bad interface name "
			       "\"eth 1\"");
	parse_fails("eth:1/1", "spec \"eth:1/1\": bad interface name "
			       "\"eth:1\"");
	/* IFNAMSIZ - 1 = 15 bytes at most. */
	spec1("abcdefghijklmno/1");
	parse_fails("abcdefghijklmnop/1",
		    "spec \"abcdefghijklmnop/1\": bad "
		    "interface name \"abcdefghijklmnop\"");
	/* Control bytes are escaped in the message, never copied. */
	parse_fails("eth\x01\x1b/1", "spec \"eth\\x01\\x1b/1\": bad interface "
				     "name \"eth\\x01\\x1b\"");
}

static void test_parse_bad_plen(void **state)
{
	(void)state;
	parse_fails("eth1/1/1/0", "spec \"eth1/1/1/0\": bad plen \"0\" (want 1 "
				  "to 128)");
	parse_fails("eth1/1/1/129", "spec \"eth1/1/1/129\": bad plen \"129\" "
				    "(want 1 to 128)");
	parse_fails("eth1/1/1/064", "spec \"eth1/1/1/064\": bad plen \"064\" "
				    "(want 1 to 128)");
	parse_fails("eth1/1/1/x", "spec \"eth1/1/1/x\": bad plen \"x\" (want 1 "
				  "to 128)");
	spec1("eth1/0/1/1");
	spec1("eth1/1/0/128");
}

static void test_parse_too_many_fields(void **state)
{
	(void)state;
	parse_fails("eth1/1/1/64/", "spec \"eth1/1/1/64/\": too many fields "
				    "(want ifname/SLA-id[/host-id[/plen]])");
	parse_fails("eth1/1///", "spec \"eth1/1///\": too many fields (want "
				 "ifname/SLA-id[/host-id[/plen]])");
}

static void test_parse_duplicate_interface(void **state)
{
	(void)state;
	parse_fails("eth1/1,eth2/2,eth1/3", "spec \"eth1/3\": interface eth1 "
					    "listed twice");
}

/* The checks the parser runs too: what fits where, before any prefix. */
static void test_parse_runs_the_checks(void **state)
{
	(void)state;
	parse_fails("eth1/1f/1/4", "spec \"eth1/1f/1/4\": SLA-id 0x1f needs 5 "
				   "bits but a /4 has only 4");
	parse_fails("eth1/1/1ff/120", "spec \"eth1/1/1ff/120\": host-id 0x1ff "
				      "needs 9 bits but a /120 leaves 8");
	parse_fails("gif0/1/1/128", "spec \"gif0/1/1/128\": host-id 0x1 needs "
				    "1 bits but a /128 leaves 0");
	parse_fails("eth1/1//80", "spec \"eth1/1//80\": an EUI-64 host-id "
				  "needs plen 64 or less, not 80");
	parse_fails("gif0/1//128", "spec \"gif0/1//128\": an EUI-64 host-id "
				   "needs plen 64 or less, not 128");
	parse_fails("eth1/1/0/64", "spec \"eth1/1/0/64\": host-id 0 is the "
				   "subnet-router anycast address of a /64");
	spec1("eth1/ff/ff/120");
	spec1("gif0/1/0/127");
}

static void test_check_spec_hand_built(void **state)
{
	struct delegate_list l;
	char err[DELEGATE_ERR_LEN] = "";

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), -1);
	assert_string_equal(err, "0 specs in the -P list (want 1 to 8)");
	l.n = DELEGATE_SPECS_MAX + 1;
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), -1);
	assert_string_equal(err, "9 specs in the -P list (want 1 to 8)");

	l.n = 2;
	l.spec[0] = (struct delegate_spec){
		.ifname = "eth1", .sla_id = 1, .host_id = 1, .plen = 64
	};
	l.spec[1] = (struct delegate_spec){
		.ifname = "eth2", .sla_id = 2, .eui64 = true, .plen = 64
	};
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), 0);

	l.spec[1].plen = 0;
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), -1);
	assert_string_equal(err, "spec \"eth2/2//0\": plen 0 out of range 1 "
				 "to 128");
	l.spec[1].plen = 129;
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), -1);
	assert_string_equal(err, "spec \"eth2/2//129\": plen 129 out of range "
				 "1 to 128");
	l.spec[1].plen = 64;

	strcpy(l.spec[1].ifname, "eth1");
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), -1);
	assert_string_equal(err, "spec \"eth1/2//64\": interface eth1 listed "
				 "twice");

	/* A name without its NUL is read no further than IFNAMSIZ. */
	memset(l.spec[1].ifname, 'x', sizeof(l.spec[1].ifname));
	assert_int_equal(delegate_check_spec(&l, err, sizeof(err)), -1);
	assert_string_equal(err, "spec \"xxxxxxxxxxxxxxxx/2//64\": bad "
				 "interface name");
}

static void test_subnet_and_address_48(void **state)
{
	struct delegate_spec s = spec1("eth1/1/1/64");
	struct in6_addr p = addr("2001:db8:4400::"), sub;
	char err[DELEGATE_ERR_LEN] = "";

	(void)state;
	assert_int_equal(delegate_subnet(&p, 48, &s, &sub, err, sizeof(err)),
			 0);
	assert_addr(&sub, "2001:db8:4400:1::");
	address_is("2001:db8:4400::", 48, "eth1/1/1/64", NULL,
		   "2001:db8:4400:1::1");
	/* The whole 16 bits between /48 and /64, and a full 64-bit id. */
	address_is("2001:db8:4400::", 48, "eth1/ffff/fedcba9876543210/64", NULL,
		   "2001:db8:4400:ffff:fedc:ba98:7654:3210");
	/* A host-id is right-aligned: "10002" is ::1:2. */
	address_is("2001:db8:4400::", 48, "eth1/0/10002", NULL,
		   "2001:db8:4400::1:2");
}

static void test_address_eui64(void **state)
{
	(void)state;
	address_is("2001:db8:4400::", 48, "eth2/ff//64", mac_qemu,
		   "2001:db8:4400:ff:5054:ff:fe12:3456");
	/* A /56 subnet still takes the EUI-64 identifier in the low bits. */
	address_is("2001:db8:4400::", 48, "eth2/ab//56", mac_qemu,
		   "2001:db8:4400:ab00:5054:ff:fe12:3456");
}

static void test_eui64(void **state)
{
	static const uint8_t local[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	uint8_t out[8];

	(void)state;
	delegate_eui64(mac_qemu, out);
	assert_memory_equal(out,
			    ((const uint8_t[8]){ 0x50, 0x54, 0x00, 0xff, 0xfe,
						 0x12, 0x34, 0x56 }),
			    8);
	/* The U/L bit is inverted, not set: a local MAC clears it. */
	delegate_eui64(local, out);
	assert_memory_equal(out,
			    ((const uint8_t[8]){ 0x00, 0x00, 0x5e, 0xff, 0xfe,
						 0x10, 0x00, 0x01 }),
			    8);
}

static void test_eui64_needs_a_unicast_mac(void **state)
{
	static const uint8_t zero[6];
	static const uint8_t group[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct delegate_spec s = spec1("eth2/ff//64");
	struct in6_addr p = addr("2001:db8:4400::"), a = addr("::");
	char err[DELEGATE_ERR_LEN] = "";

	(void)state;
	assert_int_equal(
		delegate_address(&p, 48, &s, NULL, &a, err, sizeof(err)), -1);
	assert_string_equal(err, "eth2 has no unicast MAC address for an "
				 "EUI-64 host-id");
	assert_int_equal(
		delegate_address(&p, 48, &s, zero, &a, err, sizeof(err)), -1);
	assert_int_equal(
		delegate_address(&p, 48, &s, group, &a, err, sizeof(err)), -1);
	assert_addr(&a, "::");
}

static void test_eui64_needs_plen_64(void **state)
{
	struct delegate_spec s = {
		.ifname = "eth2", .sla_id = 1, .eui64 = true, .plen = 80
	};

	(void)state;
	subnet_fails("2001:db8:4400::", 48, &s,
		     "spec \"eth2/1//80\": an EUI-64 host-id needs plen 64 or "
		     "less, not 80");
}

static void test_sla_id_too_wide(void **state)
{
	struct delegate_spec s = spec1("eth1/100/1/64");
	struct delegate_spec t = spec1("eth1/1ff/1/56");

	(void)state;
	/* A /56 leaves 8 bits to a /64: 0xff is the last subnet. */
	address_is("2001:db8:4400:ab00::", 56, "eth1/ff/1/64", NULL,
		   "2001:db8:4400:abff::1");
	subnet_fails("2001:db8:4400:ab00::", 56, &s,
		     "spec \"eth1/100/1/64\": SLA-id 0x100 needs 9 bits but "
		     "/56 to /64 leaves 8");
	subnet_fails("2001:db8:4400::", 48, &t,
		     "spec \"eth1/1ff/1/56\": SLA-id 0x1ff needs 9 bits but "
		     "/48 to /56 leaves 8");
}

static void test_sla_id_right_aligned(void **state)
{
	(void)state;
	/* SLA-id 5 ends at bit 59 of a /60: 0x5 << 4 in the fourth group. */
	address_is("2001:db8::", 32, "eth1/5/1/60", NULL, "2001:db8:0:50::1");
	/* Not on a nibble: SLA-id 3 in bits 48..50 of a /51. */
	address_is("2001:db8:4400::", 48, "eth1/3/1/51", NULL,
		   "2001:db8:4400:6000::1");
	/* SLA-id 0 is the first subnet. */
	address_is("2001:db8:4400::", 48, "eth1/0/1/64", NULL,
		   "2001:db8:4400::1");
}

static void test_point_to_point_128(void **state)
{
	struct delegate_spec s = spec1("gif0/1/0/128");

	(void)state;
	/* At /128 the SLA-id numbers the address itself. */
	address_is("2001:db8:4400::", 48, "gif0/1/0/128", NULL,
		   "2001:db8:4400::1");
	address_is("2001:db8:4400::", 48, "gif0/ffff/0/128", NULL,
		   "2001:db8:4400::ffff");
	address_is("2001:db8:4400::", 48, "gif0/1/1/127", NULL,
		   "2001:db8:4400::3");
	assert_false(delegate_wants_ra(&s, false));
	/* The SLA-id is bounded by /48 to /128, 80 bits: 32 always fit. */
	address_is("2001:db8:4400::", 48, "gif0/ffffffff/0/128", NULL,
		   "2001:db8:4400::ffff:ffff");
}

static void test_plen_not_longer_than_delegated(void **state)
{
	struct delegate_spec s = spec1("eth1/0/1/64");
	struct delegate_spec t = spec1("eth1/0/1/48");

	(void)state;
	subnet_fails("2001:db8:4400:ab00::", 64, &s,
		     "spec \"eth1/0/1/64\": /64 is not longer than the "
		     "delegated /64");
	subnet_fails("2001:db8:4400:ab00::", 56, &t,
		     "spec \"eth1/0/1/48\": /48 is not longer than the "
		     "delegated /56");
}

static void test_bad_delegated_prefix(void **state)
{
	struct delegate_spec s = spec1("eth1/1/1/64");

	(void)state;
	subnet_fails("2001:db8:4400:1::", 48, &s,
		     "delegated prefix has bits set past /48");
	subnet_fails("2001:db8:4400::", 129, &s,
		     "delegated prefix length 129 out of range 0 to 128");
	/* A /0 is a prefix like any other. */
	address_is("::", 0, "eth1/1/1/64", NULL, "::1:0:0:0:1");
}

static void test_wants_ra(void **state)
{
	struct delegate_spec s = spec1("eth1/1");

	(void)state;
	assert_true(delegate_wants_ra(&s, false));
	assert_false(delegate_wants_ra(&s, true));
	s.plen = 127;
	assert_true(delegate_wants_ra(&s, false));
	s.plen = 128;
	assert_false(delegate_wants_ra(&s, false));
}

static void test_short_error_buffer(void **state)
{
	struct delegate_list l;
	char err[8], big[DELEGATE_ERR_LEN];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(delegate_parse("", &l, err, sizeof(err)), -1);
	assert_string_equal(err, "empty -");
	assert_int_equal(delegate_parse("", &l, NULL, 0), -1);
	/* The longest messages fit DELEGATE_ERR_LEN whole. */
	assert_int_equal(delegate_parse("\x01\x01\x01\x01\x01\x01\x01\x01\x01"
					"\x01\x01/\x01\x01\x01\x01\x01\x01\x01"
					"\x01\x01\x01\x01",
					&l, big, sizeof(big)),
			 -1);
	assert_true(strlen(big) < sizeof(big) - 1);
	assert_int_equal(delegate_parse("eth1/1/\x01\x01\x01\x01\x01\x01\x01"
					"\x01\x01\x01\x01\x01\x01\x01\x01"
					"\x01\x01\x01\x01\x01",
					&l, big, sizeof(big)),
			 -1);
	assert_true(strlen(big) < sizeof(big) - 1);
	assert_non_null(strstr(big, "...\": bad host-id"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full_spec),
		cmocka_unit_test(test_parse_short_forms),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_too_many_specs),
		cmocka_unit_test(test_parse_too_long),
		cmocka_unit_test(test_parse_bad_sla_id),
		cmocka_unit_test(test_parse_bad_host_id),
		cmocka_unit_test(test_parse_bad_ifname),
		cmocka_unit_test(test_parse_bad_plen),
		cmocka_unit_test(test_parse_too_many_fields),
		cmocka_unit_test(test_parse_duplicate_interface),
		cmocka_unit_test(test_parse_runs_the_checks),
		cmocka_unit_test(test_check_spec_hand_built),
		cmocka_unit_test(test_subnet_and_address_48),
		cmocka_unit_test(test_address_eui64),
		cmocka_unit_test(test_eui64),
		cmocka_unit_test(test_eui64_needs_a_unicast_mac),
		cmocka_unit_test(test_eui64_needs_plen_64),
		cmocka_unit_test(test_sla_id_too_wide),
		cmocka_unit_test(test_sla_id_right_aligned),
		cmocka_unit_test(test_point_to_point_128),
		cmocka_unit_test(test_plen_not_longer_than_delegated),
		cmocka_unit_test(test_bad_delegated_prefix),
		cmocka_unit_test(test_wants_ra),
		cmocka_unit_test(test_short_error_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
