/* Unit tests for the control-line codec and the digest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "proto/proto.h"

static void test_digest_vector(void **state)
{
	char out[PROTO_DIGEST_LEN + 1];

	(void)state;
	proto_digest("foo", "0B1517C87D516A5FA65BED722D51A04F",
		     (const uint8_t *)"bar", 3, out);
	assert_string_equal(out, "DAC487C8DFBBF9EE5C7F8CDCC37B62A3");
}

static void test_digest_equal(void **state)
{
	(void)state;
	assert_true(proto_digest_equal("DAC487C8DFBBF9EE5C7F8CDCC37B62A3",
				       "dac487c8dfbbf9ee5c7f8cdcc37b62a3"));
	assert_false(proto_digest_equal("DAC487C8DFBBF9EE5C7F8CDCC37B62A3",
					"DAC487C8DFBBF9EE5C7F8CDCC37B62A4"));
	assert_false(proto_digest_equal("DAC487C8DFBBF9EE5C7F8CDCC37B62A3",
					"DAC487C8DFBBF9EE5C7F8CDCC37B62A"));
	assert_false(proto_digest_equal("DAC487C8DFBBF9EE5C7F8CDCC37B62A3",
					"DAC487C8DFBBF9EE5C7F8CDCC37B62A3A"));
	/* Non-hex bytes never compare equal, even to themselves. */
	assert_false(proto_digest_equal("GAC487C8DFBBF9EE5C7F8CDCC37B62A3",
					"GAC487C8DFBBF9EE5C7F8CDCC37B62A3"));
	assert_false(proto_digest_equal("", ""));
}

static void test_challenge(void **state)
{
	char a[PROTO_CHALLENGE_LEN + 1], b[PROTO_CHALLENGE_LEN + 1];

	(void)state;
	assert_int_equal(proto_challenge_new(a), 0);
	assert_int_equal(proto_challenge_new(b), 0);
	assert_int_equal(strlen(a), PROTO_CHALLENGE_LEN);
	assert_int_equal(strspn(a, "0123456789ABCDEF"), PROTO_CHALLENGE_LEN);
	assert_string_not_equal(a, b);
}

static void test_line_prepare(void **state)
{
	char a[] = "ping\r", b[] = "pi\x01ng", c[] = "ping\r\r", d[] = "x";

	(void)state;
	assert_int_equal(proto_line_prepare(a, 5), 0);
	assert_string_equal(a, "ping");
	assert_int_equal(proto_line_prepare(b, 5), PROTO_ERR_CHARS);
	/* Only one CR is stripped; a second one is a control byte. */
	assert_int_equal(proto_line_prepare(c, 6), PROTO_ERR_CHARS);
	/* An embedded NUL is caught: length says 1 byte more than strlen. */
	d[0] = '\0';
	assert_int_equal(proto_line_prepare(d, 1), PROTO_ERR_CHARS);
}

static void test_parse_tunnel(void **state)
{
	struct proto_request r;

	(void)state;
	assert_int_equal(proto_parse_request(
		"tunnel alice 0123456789ABCDEF0123456789ABCDEF host udp 4028",
		&r), 0);
	assert_int_equal(r.cmd, PROTO_CMD_TUNNEL);
	assert_string_equal(r.user, "alice");
	assert_int_equal(r.type, PROTO_TYPE_HOST);
	assert_int_equal(r.udp, PROTO_UDP_PORT);
	assert_int_equal(r.udp_port, 4028);

	assert_int_equal(proto_parse_request(
		"TUNNEL bob 0123456789ABCDEF0123456789ABCDEF tunnelonly UDP",
		&r), 0);
	assert_int_equal(r.udp, PROTO_UDP_LEARN);
	assert_int_equal(r.type, PROTO_TYPE_TUNNELONLY);

	assert_int_equal(proto_parse_request(
		"tunnel bob 0123456789ABCDEF0123456789ABCDEF tunnelroute", &r), 0);
	assert_int_equal(r.type, PROTO_TYPE_NETWORK);
	assert_int_equal(r.udp, PROTO_UDP_NONE);

	/* Types are case-sensitive; the text is kept for the error. */
	assert_int_equal(proto_parse_request(
		"tunnel bob 0123456789ABCDEF0123456789ABCDEF Host", &r), 0);
	assert_int_equal(r.type, PROTO_TYPE_UNKNOWN);
	assert_string_equal(r.type_text, "Host");
}

static void test_parse_tunnel_errors(void **state)
{
	struct proto_request r;
	char big[PROTO_LINE_MAX + 10];

	(void)state;
	/* Wrong token counts are failed logins, as in the original. */
	assert_int_equal(proto_parse_request("tunnel alice", &r),
			 PROTO_ERR_AUTH);
	assert_int_equal(proto_parse_request(
		"tunnel a 0123456789ABCDEF0123456789ABCDEF host udp 1 2", &r),
		PROTO_ERR_AUTH);
	assert_int_equal(proto_parse_request("tunnel a SHORT host", &r),
			 PROTO_ERR_AUTH);
	assert_int_equal(proto_parse_request(
		"tunnel a 0123456789ABCDEF0123456789ABCDEF host tcp", &r),
		PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_request(
		"tunnel a 0123456789ABCDEF0123456789ABCDEF host udp 0", &r),
		PROTO_ERR_UDPPORT);
	assert_int_equal(proto_parse_request(
		"tunnel a 0123456789ABCDEF0123456789ABCDEF host udp 65536", &r),
		PROTO_ERR_UDPPORT);
	assert_int_equal(proto_parse_request(
		"tunnel a 0123456789ABCDEF0123456789ABCDEF host udp 04028", &r),
		PROTO_ERR_UDPPORT);
	assert_int_equal(proto_parse_request(
		"tunnel a 0123456789ABCDEF0123456789ABCDEF host udp -1", &r),
		PROTO_ERR_UDPPORT);
	/* A user name over the limit. */
	memset(big, 'u', 100);
	strcpy(big + 100, " 0123456789ABCDEF0123456789ABCDEF host");
	memcpy(big, "tunnel ", 7);
	assert_int_equal(proto_parse_request(big, &r), PROTO_ERR_AUTH);
	/* An over-long line. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(proto_parse_request(big, &r), PROTO_ERR_SYNTAX);
}

static void test_parse_simple(void **state)
{
	struct proto_request r;

	(void)state;
	assert_int_equal(proto_parse_request("ping", &r), 0);
	assert_int_equal(r.cmd, PROTO_CMD_PING);
	assert_int_equal(proto_parse_request("QuIt", &r), 0);
	assert_int_equal(r.cmd, PROTO_CMD_QUIT);
	assert_int_equal(proto_parse_request("help", &r), 0);
	assert_int_equal(r.cmd, PROTO_CMD_HELP);
	assert_int_equal(proto_parse_request("ping now", &r), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_request("", &r), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_request("   ", &r), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_request("retr 1", &r), PROTO_ERR_SYNTAX);
}

static void test_fmt_and_parse_reply(void **state)
{
	struct proto_tunnel_reply rep = { 0 }, got;
	const char *err;
	char buf[PROTO_LINE_MAX];
	int n;

	(void)state;
	inet_pton(AF_INET, "203.0.113.7", &rep.client4);
	inet_pton(AF_INET, "192.0.2.1", &rep.server4);
	inet_pton(AF_INET6, "2001:db8:1::6", &rep.client6);
	inet_pton(AF_INET6, "2001:db8:1::5", &rep.server6);
	rep.has_v6 = true;
	rep.udp_port = 4029;
	n = proto_fmt_tunnel_ok(buf, sizeof(buf), &rep);
	assert_true(n > 0);
	assert_string_equal(buf, "+OK 203.0.113.7 192.0.2.1 2001:db8:1::6 "
				 "2001:db8:1::5 udp 4029\r\n");
	buf[n - 2] = '\0';
	assert_int_equal(proto_parse_tunnel_reply(buf, PROTO_TYPE_HOST, true,
						  &got, &err), 0);
	assert_memory_equal(&got.client6, &rep.client6, sizeof(rep.client6));
	assert_int_equal(got.udp_port, 4029);
	assert_int_equal(got.client4.s_addr, rep.client4.s_addr);

	rep.has_v6 = false;
	rep.udp_port = 0;
	n = proto_fmt_tunnel_ok(buf, sizeof(buf), &rep);
	assert_string_equal(buf, "+OK 203.0.113.7 192.0.2.1\r\n");

	assert_int_equal(proto_parse_tunnel_reply(
		"-ERR authentication failed.", PROTO_TYPE_HOST, true, &got,
		&err), 1);
	assert_string_equal(err, "authentication failed.");
	/* Missing fields, bad addresses, bad port. */
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 udp 1",
		PROTO_TYPE_HOST, true, &got, &err) < 0);
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.999 udp 1",
		PROTO_TYPE_TUNNELONLY, true, &got, &err) < 0);
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 udp 0",
		PROTO_TYPE_TUNNELONLY, true, &got, &err) < 0);
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 2001::1 "
		"2001::x udp 9", PROTO_TYPE_HOST, true, &got, &err) < 0);
	/* Empty and blank replies (found by fuzzing). */
	assert_true(proto_parse_tunnel_reply("", PROTO_TYPE_HOST, true, &got,
					     &err) < 0);
	assert_true(proto_parse_tunnel_reply("   ", PROTO_TYPE_TUNNELONLY,
					     false, &got, &err) < 0);
	/* Host addresses a server may not hand out. */
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 :: 2001:db8::5 "
		"udp 9", PROTO_TYPE_HOST, true, &got, &err) < 0);
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 2001:db8::6 ::1 "
		"udp 9", PROTO_TYPE_HOST, true, &got, &err) < 0);
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 ff02::1 "
		"2001:db8::5 udp 9", PROTO_TYPE_HOST, true, &got, &err) < 0);
	assert_true(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 fe80::1 "
		"2001:db8::5 udp 9", PROTO_TYPE_HOST, true, &got, &err) < 0);
	/* An unknown extra field before the udp suffix is tolerated. */
	assert_int_equal(proto_parse_tunnel_reply("+OK 1.2.3.4 5.6.7.8 x udp 9",
		PROTO_TYPE_TUNNELONLY, true, &got, &err), 0);
	assert_int_equal(got.udp_port, 9);
}

static void test_fmt_request_and_greeting(void **state)
{
	char buf[PROTO_LINE_MAX], ch[PROTO_CHALLENGE_LEN + 1];

	(void)state;
	proto_fmt_request(buf, sizeof(buf), "alice",
			  "DAC487C8DFBBF9EE5C7F8CDCC37B62A3", PROTO_TYPE_HOST,
			  PROTO_UDP_PORT, 4028);
	assert_string_equal(buf, "tunnel alice DAC487C8DFBBF9EE5C7F8CDCC37B62A3 "
				 "host udp 4028\r\n");
	proto_fmt_request(buf, sizeof(buf), "a", "X", PROTO_TYPE_TUNNELONLY,
			  PROTO_UDP_LEARN, 0);
	assert_string_equal(buf, "tunnel a X tunnelonly udp\r\n");
	proto_fmt_greeting(buf, sizeof(buf), "0B1517C87D516A5FA65BED722D51A04F");
	buf[strlen(buf) - 2] = '\0';
	assert_int_equal(proto_parse_greeting(buf, ch), 0);
	assert_string_equal(ch, "0B1517C87D516A5FA65BED722D51A04F");
	assert_true(proto_parse_greeting("+OK short", ch) < 0);
	assert_true(proto_parse_greeting("-ERR 0B1517C87D516A5FA65BED722D51A04F",
					 ch) < 0);
	assert_true(proto_parse_greeting("+OK 0B1517C87D516A5FA65BED722D51A04G",
					 ch) < 0);
	/* A formatter that does not fit reports it. */
	assert_int_equal(proto_fmt_ok(buf, 4, "pong"), -1);
}

/* roam1: offered in the greeting's free text, asked for with "udp roam1"
 * (never with a port), confirmed after the reply's port. */
static void test_roam_words(void **state)
{
	struct proto_request req;
	struct proto_tunnel_reply rep, got;
	const char *err;
	char buf[PROTO_LINE_MAX];

	(void)state;
	proto_fmt_greeting(buf, sizeof(buf), "0B1517C87D516A5FA65BED722D51A04F");
	assert_string_equal(buf, "+OK 0B1517C87D516A5FA65BED722D51A04F DTCP "
				 "server ready roam1\r\n");
	buf[strlen(buf) - 2] = '\0';
	assert_true(proto_greeting_offers_roam(buf));
	assert_false(proto_greeting_offers_roam(
		"+OK 0B1517C87D516A5FA65BED722D51A04F DTCP server ready"));
	assert_false(proto_greeting_offers_roam("+OK roam1"));
	assert_false(proto_greeting_offers_roam("-ERR x roam1"));
	proto_fmt_request(buf, sizeof(buf), "alice",
			  "DAC487C8DFBBF9EE5C7F8CDCC37B62A3", PROTO_TYPE_HOST,
			  PROTO_UDP_ROAM, 0);
	assert_string_equal(buf, "tunnel alice DAC487C8DFBBF9EE5C7F8CDCC37B62A3 "
				 "host udp roam1\r\n");
	buf[strlen(buf) - 2] = '\0';
	assert_int_equal(proto_parse_request(buf, &req), 0);
	assert_int_equal(req.udp, PROTO_UDP_ROAM);
	assert_int_equal(proto_parse_request("tunnel alice DAC487C8DFBBF9EE5C7F"
		"8CDCC37B62A3 host udp roam2", &req), PROTO_ERR_UDPPORT);
	memset(&rep, 0, sizeof(rep));
	inet_pton(AF_INET, "192.0.2.2", &rep.client4);
	inet_pton(AF_INET, "192.0.2.1", &rep.server4);
	rep.udp_port = 4028;
	rep.roam = true;
	proto_fmt_tunnel_ok(buf, sizeof(buf), &rep);
	assert_string_equal(buf, "+OK 192.0.2.2 192.0.2.1 udp 4028 roam1\r\n");
	buf[strlen(buf) - 2] = '\0';
	assert_int_equal(proto_parse_tunnel_reply(buf, PROTO_TYPE_TUNNELONLY,
						  true, &got, &err), 0);
	assert_true(got.roam);
	assert_int_equal(got.udp_port, 4028);
	assert_int_equal(proto_parse_tunnel_reply("+OK 192.0.2.2 192.0.2.1 udp "
		"4028", PROTO_TYPE_TUNNELONLY, true, &got, &err), 0);
	assert_false(got.roam);
	/* Not a UDP tunnel: no place for it. */
	assert_true(proto_parse_tunnel_reply("+OK 192.0.2.2 192.0.2.1 roam1",
		PROTO_TYPE_TUNNELONLY, false, &got, &err) != 0 || !got.roam);
}

/* A server may not aim the client's tunnel at a broadcast, multicast,
 * loopback or "this network" address. */
static void test_reply_ipv4_must_be_unicast(void **state)
{
	struct proto_tunnel_reply rep;
	const char *err;

	(void)state;
	assert_int_equal(proto_parse_tunnel_reply("+OK 192.0.2.2 192.0.2.1",
						  PROTO_TYPE_TUNNELONLY, false,
						  &rep, &err), 0);
	assert_int_equal(proto_parse_tunnel_reply("+OK 192.0.2.2 224.0.0.1",
						  PROTO_TYPE_TUNNELONLY, false,
						  &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply("+OK 192.0.2.2 255.255.255.255",
						  PROTO_TYPE_TUNNELONLY, false,
						  &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply("+OK 192.0.2.2 127.0.0.1",
						  PROTO_TYPE_TUNNELONLY, false,
						  &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply("+OK 0.1.2.3 192.0.2.1",
						  PROTO_TYPE_TUNNELONLY, false,
						  &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply("+OK 192.0.2.2 239.1.2.3 udp 4028",
						  PROTO_TYPE_TUNNELONLY, true,
						  &rep, &err), PROTO_ERR_SYNTAX);
}

/* network: the prefixes after the IPv4 pair (and after a link pair when
 * the server has one), before "udp <port>"; formatted back the same. */
static void test_network_reply(void **state)
{
	struct proto_tunnel_reply rep;
	const char *err;
	char buf[PROTO_LINE_MAX];
	static const char *const line =
		"+OK 192.0.2.2 192.0.2.1 2001:db8:4401::/56 2001:db8:4402::/56 udp 4028";

	(void)state;
	assert_int_equal(proto_parse_tunnel_reply(line, PROTO_TYPE_NETWORK,
						  true, &rep, &err), 0);
	assert_int_equal(rep.nprefixes, 2);
	assert_int_equal(rep.prefix[1].plen, 56);
	assert_false(rep.has_v6);
	assert_int_equal(rep.udp_port, 4028);
	assert_int_equal(proto_fmt_tunnel_ok(buf, sizeof(buf), &rep),
			 (int)strlen(line) + 2);
	assert_memory_equal(buf, line, strlen(line));
	/* With a link pair first (dtcps -a), over protocol 41. */
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 2001:db8:4400::/48",
		PROTO_TYPE_NETWORK, false, &rep, &err), 0);
	assert_true(rep.has_v6);
	assert_int_equal(rep.nprefixes, 1);
	assert_int_equal(rep.prefix[0].plen, 48);
	/* No prefix, a bad one, host bits, /0: malformed. */
	assert_int_equal(proto_parse_tunnel_reply("+OK 192.0.2.2 192.0.2.1",
						  PROTO_TYPE_NETWORK, false,
						  &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 2001:db8:4400::1/48",
		PROTO_TYPE_NETWORK, false, &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 ::/0", PROTO_TYPE_NETWORK, false,
		&rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 nonsense", PROTO_TYPE_NETWORK, false,
		&rep, &err), PROTO_ERR_SYNTAX);
}

/* A hostile server's host pair is refused before anything is configured:
 * v4-compatible, the two ends equal, or in two /64s. */
static void test_host_pair_refused(void **state)
{
	struct proto_tunnel_reply rep;
	const char *err;

	(void)state;
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5",
		PROTO_TYPE_HOST, false, &rep, &err), 0);
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 ::192.0.2.6 2001:db8:1::5",
		PROTO_TYPE_HOST, false, &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 2001:db8:1::5 2001:db8:1::5",
		PROTO_TYPE_HOST, false, &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:2::5",
		PROTO_TYPE_HOST, false, &rep, &err), PROTO_ERR_SYNTAX);
	assert_int_equal(proto_parse_tunnel_reply(
		"+OK 192.0.2.2 192.0.2.1 ::ffff:192.0.2.6 2001:db8:1::5",
		PROTO_TYPE_HOST, false, &rep, &err), PROTO_ERR_SYNTAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_pair_refused),
		cmocka_unit_test(test_network_reply),
		cmocka_unit_test(test_reply_ipv4_must_be_unicast),
		cmocka_unit_test(test_digest_vector),
		cmocka_unit_test(test_digest_equal),
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_line_prepare),
		cmocka_unit_test(test_parse_tunnel),
		cmocka_unit_test(test_parse_tunnel_errors),
		cmocka_unit_test(test_parse_simple),
		cmocka_unit_test(test_fmt_and_parse_reply),
		cmocka_unit_test(test_fmt_request_and_greeting),
		cmocka_unit_test(test_roam_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
