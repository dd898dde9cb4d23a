/* Unit tests for the relay's verdicts (relay_check.c): the shape of an
 * IPv6 packet, the inner-source policy of a tunnel (anti-spoofing), the
 * source of a datagram, endpoint learning, datagram splitting and the
 * outer header of a protocol-41 packet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "relay/relay_check.h"

/* An IPv6 packet src -> dst with `payload` bytes of payload into buf. */
static size_t ip6(uint8_t *buf, const char *src, const char *dst,
		  size_t payload)
{
	memset(buf, 0, 40 + payload);
	buf[0] = 0x60;
	buf[4] = (uint8_t)(payload >> 8);
	buf[5] = (uint8_t)payload;
	buf[6] = 59;   /* no next header */
	buf[7] = 64;
	inet_pton(AF_INET6, src, buf + 8);
	inet_pton(AF_INET6, dst, buf + 24);
	return 40 + payload;
}

static struct relay host_relay(void)
{
	struct relay r;

	memset(&r, 0, sizeof(r));
	r.inner_check = true;
	r.inner_has_src = true;
	inet_pton(AF_INET6, "2001:db8:1::6", &r.inner_src);
	return r;
}

static void test_packet_shape(void **state)
{
	uint8_t b[128];
	size_t n = ip6(b, "2001:db8::1", "2001:db8::2", 8);

	(void)state;
	assert_true(relay_packet_ok(b, n));
	assert_false(relay_packet_ok(b, n - 1));     /* length disagrees */
	assert_false(relay_packet_ok(b, n + 1));
	assert_false(relay_packet_ok(b, 39));        /* no whole header */
	b[0] = 0x40;                                  /* IPv4 */
	assert_false(relay_packet_ok(b, n));
}

/* A host tunnel: the client's own /128, or link-local / unspecified to
 * the link only; everything else is spoofed. */
static void test_inner_policy_host(void **state)
{
	struct relay r = host_relay();
	uint8_t b[64];

	(void)state;
	ip6(b, "2001:db8:1::6", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "2001:db8:1::7", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
	ip6(b, "fe80::1", "fe80::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "fe80::1", "ff02::1", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "::", "ff02::1:ff00:6", 0);              /* DAD */
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	/* Link-local may not leave the link. */
	ip6(b, "fe80::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
	ip6(b, "::", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
}

/* Multicast beyond link scope is refused whatever the policy. */
/* A network tunnel: any address of the prefixes routed to it (a /48 and
 * a /57, whose last bit lies inside a byte), the link pair's client
 * address with -a, link-local; nothing next to the prefixes. */
static void test_inner_policy_network(void **state)
{
	struct relay r;
	uint8_t b[64];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.inner_check = true;
	r.inner_nprefixes = 2;
	inet_pton(AF_INET6, "2001:db8:4400::", &r.inner_prefix[0].addr);
	r.inner_prefix[0].plen = 48;
	inet_pton(AF_INET6, "2001:db8:4401:80::", &r.inner_prefix[1].addr);
	r.inner_prefix[1].plen = 57;
	ip6(b, "2001:db8:4400:1:2:3:4:5", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "2001:db8:4400:ffff::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "2001:db8:4401:ff::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "2001:db8:4401:7f::1", "2001:db8:ffff::2", 0); /* bit 57 */
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
	ip6(b, "2001:db8:4401:100::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
	ip6(b, "2001:db8:4402::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
	ip6(b, "2001:db8:1::6", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
	ip6(b, "fe80::1", "ff02::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	/* dtcps -a: the link pair's client address as well. */
	r.inner_has_src = true;
	inet_pton(AF_INET6, "2001:db8:1::6", &r.inner_src);
	ip6(b, "2001:db8:1::6", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "2001:db8:4400:1::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
}

static void test_inner_scope(void **state)
{
	struct relay r;
	uint8_t b[64];

	(void)state;
	memset(&r, 0, sizeof(r));   /* tunnelonly, -S any: no source check */
	ip6(b, "2001:db8:9::1", "ff05::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SCOPE);
	ip6(b, "2001:db8:9::1", "ff0e::1", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SCOPE);
	ip6(b, "2001:db8:9::1", "ff02::1", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	ip6(b, "2001:db8:9::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
	/* tunnelonly with -S link: link-local sources only. */
	r.inner_check = true;
	ip6(b, "2001:db8:9::1", "2001:db8:ffff::2", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_SPOOF);
	ip6(b, "fe80::9", "fe80::1", 0);
	assert_int_equal(relay_inner_ok(&r, b), RELAY_INNER_OK);
}

struct got {
	unsigned n;
	size_t len[4];
};

static void collect(void *arg, uint8_t *pkt, size_t len)
{
	struct got *g = arg;

	(void)pkt;
	if (g->n < 4)
		g->len[g->n] = len;
	g->n++;
}

static void test_datagrams_and_learning(void **state)
{
	struct relay r = host_relay();
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(0xc0000202) };
	struct sockaddr_in from = peer, other = peer;
	uint8_t b[256];
	struct got g = { 0 };
	size_t n;

	(void)state;
	r.mode = RELAY_LEARN;
	r.peer = peer;                        /* port still unknown */
	from.sin_port = htons(4500);
	other.sin_addr.s_addr = htonl(0xc0000203);
	other.sin_port = htons(4500);
	/* Two GRO segments of 48 bytes: both delivered, port learned. */
	n = ip6(b, "2001:db8:1::6", "2001:db8:ffff::2", 8);
	ip6(b + n, "2001:db8:1::6", "2001:db8:ffff::2", 8);
	relay_check_datagrams(&r, &from, b, 2 * n, n, false, collect, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.len[0], n);
	assert_int_equal(r.stats.net_rx, 2);
	assert_int_equal(ntohs(r.peer.sin_port), 4500);
	/* A neighbour's datagram: counted, dropped, the endpoint stays. */
	relay_check_datagrams(&r, &other, b, n, 0, false, collect, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(r.stats.drop_source, 1);
	assert_int_equal(ntohs(r.peer.sin_port), 4500);
	/* A spoofed packet does not move the endpoint either. */
	from.sin_port = htons(4600);
	ip6(b, "2001:db8:1::66", "2001:db8:ffff::2", 8);
	relay_check_datagrams(&r, &from, b, n, 0, false, collect, &g);
	assert_int_equal(r.stats.drop_spoof, 1);
	assert_int_equal(ntohs(r.peer.sin_port), 4500);
	/* An empty datagram is a keepalive, and moves it, but not within a
	 * second of the last move... */
	relay_check_datagrams(&r, &from, b, 0, 0, false, collect, &g);
	assert_int_equal(r.stats.keepalives, 1);
	assert_int_equal(ntohs(r.peer.sin_port), 4500);
	/* ... only after it. */
	r.last_move_ms -= RELAY_LEARN_MOVE_MS;
	relay_check_datagrams(&r, &from, b, 0, 0, false, collect, &g);
	assert_int_equal(r.stats.keepalives, 2);
	assert_int_equal(ntohs(r.peer.sin_port), 4600);
	assert_int_equal(r.stats.moves, 2);
	/* A truncated one is malformed, all its segments. */
	relay_check_datagrams(&r, &from, b, 2 * n, n, true, collect, &g);
	assert_int_equal(r.stats.drop_malformed, 2);
	assert_int_equal(g.n, 2);
}

/* Stands in for the MAC check: "GOOD" then 28 bytes is authentic. */
static bool verify_good(void *arg, const uint8_t *dg, size_t len)
{
	(void)arg;
	return len == 32 && memcmp(dg, "GOOD", 4) == 0;
}

/* A roaming relay: the endpoint moves only on what roam_verify accepts;
 * packets and empty datagrams from another port are dropped. */
static void test_roaming(void **state)
{
	struct relay r = host_relay();
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(0xc0000202) };
	struct sockaddr_in from = peer;
	uint8_t b[256], ka[32] = "GOOD", bad[32] = "BAAD";
	struct got g = { 0 };
	size_t n;

	(void)state;
	r.mode = RELAY_ROAM;
	r.roam_verify = verify_good;
	r.peer = peer;                        /* port still unknown */
	from.sin_port = htons(4500);
	n = ip6(b, "2001:db8:1::6", "2001:db8:ffff::2", 8);
	relay_check_datagrams(&r, &from, b, n, 0, false, collect, &g);
	relay_check_datagrams(&r, &from, b, 0, 0, false, collect, &g);
	relay_check_datagrams(&r, &from, bad, sizeof(bad), 0, false, collect, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(r.stats.drop_source, 3);
	assert_int_equal(r.stats.roam_refused, 1);
	assert_int_equal(r.peer.sin_port, 0);
	relay_check_datagrams(&r, &from, ka, sizeof(ka), 0, false, collect, &g);
	assert_int_equal(ntohs(r.peer.sin_port), 4500);
	assert_int_equal(r.stats.keepalives, 1);
	relay_check_datagrams(&r, &from, b, n, 0, false, collect, &g);
	assert_int_equal(g.n, 1);
	/* Another port: dropped, unless authenticated, and then at once
	 * (no one-second rule: a forger cannot make these). */
	from.sin_port = htons(4600);
	relay_check_datagrams(&r, &from, b, n, 0, false, collect, &g);
	relay_check_datagrams(&r, &from, b, 0, 0, false, collect, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(ntohs(r.peer.sin_port), 4500);
	/* A keepalive after a packet in one GRO receive: the packet is
	 * dropped, the keepalive moves the endpoint. */
	memcpy(b + n, ka, sizeof(ka));
	relay_check_datagrams(&r, &from, b, n + sizeof(ka), n, false, collect,
			      &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(ntohs(r.peer.sin_port), 4600);
	assert_int_equal(r.stats.moves, 2);
	relay_check_datagrams(&r, &from, b, n, 0, false, collect, &g);
	assert_int_equal(g.n, 2);
}

/* IPv4 header (20 bytes, or with options) of protocol `proto`, total
 * length `total`, from 192.0.2.2 to 192.0.2.1. */
static void ip4(uint8_t *b, unsigned ihl, uint8_t proto, size_t total)
{
	memset(b, 0, ihl * 4);
	b[0] = (uint8_t)(0x40 | ihl);
	b[2] = (uint8_t)(total >> 8);
	b[3] = (uint8_t)total;
	b[8] = 64;
	b[9] = proto;
	b[12] = 192, b[13] = 0, b[14] = 2, b[15] = 2;
	b[16] = 192, b[17] = 0, b[18] = 2, b[19] = 1;
}

static void test_p41_outer(void **state)
{
	struct in_addr src, dst;
	uint8_t b[128];

	(void)state;
	ip4(b, 5, 41, 60);
	assert_int_equal(relay_p41_outer(b, 60, &src, &dst), 20);
	assert_int_equal(src.s_addr, htonl(0xc0000202));
	assert_int_equal(dst.s_addr, htonl(0xc0000201));
	ip4(b, 6, 41, 64);                                 /* options */
	assert_int_equal(relay_p41_outer(b, 64, &src, &dst), 24);
	ip4(b, 5, 17, 60);                                 /* UDP */
	assert_int_equal(relay_p41_outer(b, 60, &src, &dst), -1);
	ip4(b, 5, 41, 61);                                 /* length */
	assert_int_equal(relay_p41_outer(b, 60, &src, &dst), -1);
	ip4(b, 4, 41, 60);                                 /* IHL < 5 */
	assert_int_equal(relay_p41_outer(b, 60, &src, &dst), -1);
	ip4(b, 15, 41, 40);                                /* header > len */
	assert_int_equal(relay_p41_outer(b, 40, &src, &dst), -1);
	ip4(b, 5, 41, 60);
	b[6] = 0x20;                                       /* more fragments */
	assert_int_equal(relay_p41_outer(b, 60, &src, &dst), -1);
	b[6] = 0x40;                                       /* DF is fine */
	assert_int_equal(relay_p41_outer(b, 60, &src, &dst), 20);
	b[0] = 0x65;                                       /* not IPv4 */
	assert_int_equal(relay_p41_outer(b, 60, &src, &dst), -1);
	ip4(b, 5, 41, 20);                        /* nothing inside: no keepalive */
	assert_int_equal(relay_p41_outer(b, 20, &src, &dst), -1);
	ip4(b, 5, 41, 59);                        /* less than an IPv6 header */
	assert_int_equal(relay_p41_outer(b, 59, &src, &dst), -1);
	assert_int_equal(relay_p41_outer(b, 19, &src, &dst), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_shape),
		cmocka_unit_test(test_inner_policy_host),
		cmocka_unit_test(test_inner_policy_network),
		cmocka_unit_test(test_inner_scope),
		cmocka_unit_test(test_datagrams_and_learning),
		cmocka_unit_test(test_roaming),
		cmocka_unit_test(test_p41_outer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
