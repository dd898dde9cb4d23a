/* Unit tests for the data plane's offload helpers: checksums (csum), the
 * segmenter for TUN super-packets (gso) and the coalescer for writes to the
 * TUN device (gro). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "relay/csum.h"
#include "relay/gro.h"
#include "relay/gso.h"
#include "relay/relay_check.h"

#define MSS 1208
#define THLEN 32        /* TCP header with a timestamp option */
#define HLEN (40 + THLEN)
#define SEQ0 0xfffff000u  /* wraps within the test */
#define F_FIN 0x01
#define F_PSH 0x08
#define F_ACK 0x10
#define F_CWR 0x80

/* RFC 1071 the slow way: 16-bit big-endian words, end-around carry. */
static uint16_t ref_csum(const uint8_t *ip6, const uint8_t *l4, size_t len,
			 uint8_t proto)
{
	uint32_t s = 0;

	for (int i = 8; i < 40; i += 2)
		s += (uint32_t)ip6[i] << 8 | ip6[i + 1];
	s += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + proto;
	for (size_t i = 0; i < len; i += 2)
		s += (uint32_t)l4[i] << 8 | (i + 1 < len ? l4[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* An IPv6/TCP packet with `pay` payload bytes of a pattern that starts at
 * stream offset `off`, a correct checksum, into p; returns its length. */
static size_t mk_tcp(uint8_t *p, uint32_t seq, size_t off, size_t pay,
		     uint8_t flags)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 6 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
	size_t l4len = THLEN + pay;
	uint16_t c;

	memset(p, 0, HLEN);
	p[0] = 0x60;
	p[4] = (uint8_t)(l4len >> 8);
	p[5] = (uint8_t)l4len;
	p[6] = IPPROTO_TCP;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p[40] = 0xd4;   /* ports 54321 -> 5201 */
	p[41] = 0x31;
	p[42] = 0x14;
	p[43] = 0x51;
	put32(p + 44, seq);
	put32(p + 48, 0x01020304);   /* ack */
	p[52] = (THLEN / 4) << 4;
	p[53] = flags;
	p[54] = 0x02;                /* window */
	p[55] = 0x00;
	/* NOP NOP TS val ecr */
	p[60] = 1;
	p[61] = 1;
	p[62] = 8;
	p[63] = 10;
	put32(p + 64, 0x11111111);
	put32(p + 68, 0x22222222);
	for (size_t i = 0; i < pay; i++)
		p[HLEN + i] = (uint8_t)((off + i) * 7 + 3);
	c = ref_csum(p, p + 40, l4len, IPPROTO_TCP);
	p[56] = (uint8_t)(c >> 8);
	p[57] = (uint8_t)c;
	return HLEN + pay;
}

static void test_csum(void **state)
{
	/* RFC 1071 section 3's example: the sum is ddf2. */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t out[2], buf[301];
	uint16_t s;

	(void)state;
	s = csum_fold(csum_add(0, v, sizeof(v)));
	memcpy(out, &s, 2);
	assert_int_equal(out[0], 0xdd);
	assert_int_equal(out[1], 0xf2);
	/* Any alignment, any length, odd included: agree with the slow
	 * way (which pads the odd byte the same). */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + 17);
	for (size_t a = 0; a < 4; a++) {
		for (size_t len = 0; len + a <= sizeof(buf); len += 37) {
			uint8_t ip6[40] = { 0 };
			uint16_t want = ref_csum(ip6, buf + a, len, 0);
			uint16_t got = (uint16_t)~csum_fold(
				csum_add(csum_pseudo6(ip6, (uint32_t)len, 0),
					 buf + a, len));

			memcpy(out, &got, 2);
			assert_int_equal(out[0] << 8 | out[1], want);
		}
	}
}

/* Segment a 5000-byte super-packet: five packets, right lengths, sequence
 * numbers, flags and checksums. */
static void test_gso_tcp(void **state)
{
	static uint8_t sp[HLEN + 5000];
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN,
		.hdr_len = HLEN, .gso_size = MSS,
		.csum_start = 40, .csum_offset = 16,
	};
	size_t len = mk_tcp(sp, SEQ0, 0, 5000, F_ACK | F_PSH | F_FIN | F_CWR);
	size_t total = 0;
	struct gso_pkt g;

	(void)state;
	sp[56] = sp[57] = 0xab;   /* the kernel leaves a partial sum: unused */
	assert_int_equal(gso_prepare(&vh, sp, len, &g), GSO_SPLIT);
	assert_int_equal(g.nseg, 5);
	assert_int_equal(g.hlen, HLEN);
	assert_int_equal(g.l4off, 40);
	for (unsigned i = 0; i < g.nseg; i++) {
		uint8_t seg[HLEN + MSS];
		const uint8_t *pay;
		size_t plen, want = i < 4 ? MSS : 5000 - 4 * MSS;
		uint8_t fl;

		gso_segment(&g, i, seg, &pay, &plen);
		assert_int_equal(plen, want);
		assert_ptr_equal(pay, sp + HLEN + (size_t)i * MSS);
		memcpy(seg + HLEN, pay, plen);
		assert_true(relay_packet_ok(seg, HLEN + plen));
		assert_int_equal(get32(seg + 44), SEQ0 + i * MSS);
		assert_int_equal(get32(seg + 48), 0x01020304);
		fl = seg[53];
		assert_true(fl & F_ACK);
		assert_int_equal(!!(fl & F_CWR), i == 0);
		assert_int_equal(!!(fl & F_PSH), i == 4);
		assert_int_equal(!!(fl & F_FIN), i == 4);
		assert_memory_equal(seg + 60, sp + 60, THLEN - 20);
		assert_true(csum_ok6(seg, HLEN + plen, 40, IPPROTO_TCP));
		seg[56] = seg[57] = 0;
		{
			uint16_t c = ref_csum(seg, seg + 40, THLEN + plen,
					      IPPROTO_TCP);
			uint8_t again[HLEN + MSS];

			gso_segment(&g, i, again, &pay, &plen);
			assert_int_equal(again[56] << 8 | again[57], c);
		}
		total += plen;
	}
	assert_int_equal(total, 5000);
}

static void test_gso_udp(void **state)
{
	static uint8_t sp[48 + 3000];
	struct virtio_net_hdr vh = {
		.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4, .gso_size = 1000,
	};
	struct gso_pkt g;

	(void)state;
	memset(sp, 0, 48);
	sp[0] = 0x60;
	sp[4] = (8 + 3000) >> 8;
	sp[5] = (8 + 3000) & 0xff;
	sp[6] = IPPROTO_UDP;
	sp[23] = 1;
	sp[39] = 2;
	sp[41] = 53;
	sp[43] = 53;
	for (int i = 0; i < 3000; i++)
		sp[48 + i] = (uint8_t)i;
	assert_int_equal(gso_prepare(&vh, sp, sizeof(sp), &g), GSO_SPLIT);
	assert_int_equal(g.nseg, 3);
	for (unsigned i = 0; i < 3; i++) {
		uint8_t seg[48 + 1000];
		const uint8_t *pay;
		size_t plen;

		gso_segment(&g, i, seg, &pay, &plen);
		assert_int_equal(plen, 1000);
		memcpy(seg + 48, pay, plen);
		assert_true(relay_packet_ok(seg, sizeof(seg)));
		assert_int_equal(seg[44] << 8 | seg[45], 1008);
		assert_true(csum_ok6(seg, sizeof(seg), 40, IPPROTO_UDP));
		assert_false(seg[46] == 0 && seg[47] == 0);
	}
}

/* A packet without GSO but with a partial checksum gets it completed, the
 * way skb_checksum_help() does. */
static void test_gso_single_csum(void **state)
{
	static uint8_t p[HLEN + 333];
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = 40, .csum_offset = 16,
	};
	size_t len = mk_tcp(p, 1, 0, 333, F_ACK);
	uint16_t partial;
	struct gso_pkt g;

	(void)state;
	partial = csum_fold(csum_pseudo6(p, THLEN + 333, IPPROTO_TCP));
	memcpy(p + 56, &partial, 2);
	assert_false(csum_ok6(p, len, 40, IPPROTO_TCP));
	assert_int_equal(gso_prepare(&vh, p, len, &g), GSO_SINGLE);
	assert_true(csum_ok6(p, len, 40, IPPROTO_TCP));
	/* No NEEDS_CSUM: untouched. */
	vh.flags = 0;
	p[56] ^= 0xff;
	assert_int_equal(gso_prepare(&vh, p, len, &g), GSO_SINGLE);
	assert_false(csum_ok6(p, len, 40, IPPROTO_TCP));
}

static void test_gso_malformed(void **state)
{
	static uint8_t p[HLEN + 100];
	struct virtio_net_hdr tcp = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV6, .gso_size = 40,
		.csum_start = 40, .csum_offset = 16,
	}, vh;
	size_t len = mk_tcp(p, 1, 0, 100, F_ACK);
	struct gso_pkt g;

	(void)state;
	assert_int_equal(gso_prepare(&tcp, p, len, &g), GSO_SPLIT);
	assert_int_equal(g.nseg, 3);
	assert_int_equal(gso_prepare(&tcp, p, len - 1, &g), -1);
	vh = tcp;
	vh.gso_size = 0;
	assert_int_equal(gso_prepare(&vh, p, len, &g), -1);
	vh = tcp;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	assert_int_equal(gso_prepare(&vh, p, len, &g), -1);
	vh.gso_type = 77;
	assert_int_equal(gso_prepare(&vh, p, len, &g), -1);
	vh.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;   /* but it is TCP */
	assert_int_equal(gso_prepare(&vh, p, len, &g), -1);
	/* Partial checksum offsets outside the packet or in the header. */
	vh = (struct virtio_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				      .csum_start = 30, .csum_offset = 16 };
	assert_int_equal(gso_prepare(&vh, p, len, &g), -1);
	vh.csum_start = (uint16_t)len;
	assert_int_equal(gso_prepare(&vh, p, len, &g), -1);
	vh.csum_start = (uint16_t)(len - 1);
	vh.csum_offset = 0;
	assert_int_equal(gso_prepare(&vh, p, len, &g), -1);
	/* A TCP header shorter than 20 bytes or past the end. */
	p[52] = 4 << 4;
	assert_int_equal(gso_prepare(&tcp, p, len, &g), -1);
	p[52] = (THLEN / 4) << 4;
	{
		static uint8_t q[HLEN];

		mk_tcp(q, 1, 0, 0, F_ACK);
		q[52] = 15 << 4;
		assert_int_equal(gso_prepare(&tcp, q, HLEN, &g), -1);
	}
	/* A routing header is refused; hop-by-hop options are skipped. */
	p[6] = IPPROTO_ROUTING;
	assert_int_equal(gso_prepare(&tcp, p, len, &g), -1);
	p[6] = IPPROTO_HOPOPTS;
	p[40] = IPPROTO_TCP;
	p[41] = 0;   /* 8 bytes, then the "TCP header" at 48 */
	p[60] = 5 << 4;
	assert_int_equal(gso_prepare(&tcp, p, len, &g), GSO_SPLIT);
	assert_int_equal(g.l4off, 48);
	p[41] = 255;   /* past the end */
	assert_int_equal(gso_prepare(&tcp, p, len, &g), -1);
}

/* What the coalescer emitted, flattened. */
struct sink {
	int n;
	unsigned npkts[64];
	struct virtio_net_hdr vh[64];
	size_t len[64];
	uint8_t *pkt[64];
};

static void sink_emit(void *arg, const struct iovec *iov, int iovcnt,
		      unsigned npkts)
{
	struct sink *s = arg;
	size_t len = 0, off = 0;

	assert_true(s->n < 64);
	assert_int_equal(iov[0].iov_len, sizeof(struct virtio_net_hdr));
	memcpy(&s->vh[s->n], iov[0].iov_base, sizeof(s->vh[0]));
	for (int i = 1; i < iovcnt; i++)
		len += iov[i].iov_len;
	s->pkt[s->n] = malloc(len);
	for (int i = 1; i < iovcnt; i++) {
		memcpy(s->pkt[s->n] + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	s->len[s->n] = len;
	s->npkts[s->n] = npkts;
	s->n++;
}

static void sink_free(struct sink *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->pkt[i]);
	memset(s, 0, sizeof(*s));
}

/* Segments of a 5000-byte stream from seq, flags on the last. */
static uint8_t segs[80][HLEN + MSS];
static size_t seglen[80];

static int mk_stream(uint32_t seq, size_t bytes, uint8_t last_flags)
{
	int n = 0;

	for (size_t off = 0; off < bytes; off += MSS, n++) {
		size_t pay = bytes - off < MSS ? bytes - off : MSS;

		seglen[n] = mk_tcp(segs[n], seq + (uint32_t)off, off, pay,
				   F_ACK | (off + pay == bytes ? last_flags
							       : 0));
	}
	return n;
}

/* Coalesce the segments of a super-packet, then segment the result again:
 * the same packets come out. */
static void test_gro_roundtrip(void **state)
{
	static uint8_t again[HLEN + MSS];
	struct sink s = { 0 };
	struct gro g;
	struct gso_pkt gp;
	int n = mk_stream(SEQ0, 5000, F_PSH);

	(void)state;
	gro_init(&g, true, sink_emit, &s);
	for (int i = 0; i < n; i++)
		gro_add(&g, segs[i], seglen[i]);
	/* The short last segment with PSH ended the burst at once. */
	assert_int_equal(s.n, 1);
	gro_flush(&g);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.npkts[0], 5);
	assert_int_equal(s.vh[0].gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
	assert_int_equal(s.vh[0].flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(s.vh[0].gso_size, MSS);
	assert_int_equal(s.vh[0].hdr_len, HLEN);
	assert_int_equal(s.vh[0].csum_start, 40);
	assert_int_equal(s.vh[0].csum_offset, 16);
	assert_int_equal(s.len[0], HLEN + 5000);
	assert_true(relay_packet_ok(s.pkt[0], s.len[0]));
	assert_true(s.pkt[0][53] & F_PSH);
	assert_int_equal(get32(s.pkt[0] + 44), SEQ0);
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(s.pkt[0][HLEN + i], (uint8_t)(i * 7 + 3));
	/* The checksum field holds the pseudo-header sum (CHECKSUM_PARTIAL)
	 * as tcp_gro_complete() leaves it. */
	{
		uint16_t want = csum_fold(csum_pseudo6(s.pkt[0], THLEN + 5000,
						       IPPROTO_TCP)), got;

		memcpy(&got, s.pkt[0] + 56, 2);
		assert_int_equal(got, want);
	}
	assert_int_equal(gso_prepare(&s.vh[0], s.pkt[0], s.len[0], &gp),
			 GSO_SPLIT);
	assert_int_equal(gp.nseg, 5);
	for (unsigned i = 0; i < gp.nseg; i++) {
		const uint8_t *pay;
		size_t plen;

		/* segs[0]'s header was rewritten in place: rebuild. */
		mk_stream(SEQ0, 5000, F_PSH);
		gso_segment(&gp, i, again, &pay, &plen);
		memcpy(again + HLEN, pay, plen);
		assert_int_equal(HLEN + plen, seglen[i]);
		assert_memory_equal(again, segs[i], seglen[i]);
	}
	sink_free(&s);
}

/* Full-sized segments stay held until gro_flush(); more than GRO_SEGS
 * become several super-packets. */
static void test_gro_limits(void **state)
{
	struct sink s = { 0 };
	struct gro g;
	int n = mk_stream(7, 70 * MSS, 0);

	(void)state;
	assert_int_equal(n, 70);
	gro_init(&g, true, sink_emit, &s);
	for (int i = 0; i < n; i++)
		gro_add(&g, segs[i], seglen[i]);
	/* 64 * 1240 > 65535: the IPv6 payload limit ends the first. */
	gro_flush(&g);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.npkts[0] + s.npkts[1], 70);
	assert_true(s.len[0] - 40 <= 65535);
	assert_int_equal(get32(s.pkt[1] + 44), 7 + s.npkts[0] * MSS);
	sink_free(&s);
}

static void test_gro_no_merge(void **state)
{
	struct sink s = { 0 };
	struct gro g;
	int n;

	(void)state;
	/* A gap in the sequence numbers. */
	n = mk_stream(100, 3 * MSS, 0);
	gro_init(&g, true, sink_emit, &s);
	gro_add(&g, segs[0], seglen[0]);
	gro_add(&g, segs[2], seglen[2]);
	gro_flush(&g);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.npkts[0] + s.npkts[1], 2);
	assert_int_equal(s.vh[0].gso_type, VIRTIO_NET_HDR_GSO_NONE);
	sink_free(&s);

	/* A bad checksum is passed on alone, after what its flow holds. */
	n = mk_stream(100, 3 * MSS, 0);
	segs[1][HLEN + 5] ^= 1;
	gro_init(&g, true, sink_emit, &s);
	for (int i = 0; i < n; i++)
		gro_add(&g, segs[i], seglen[i]);
	gro_flush(&g);
	assert_int_equal(s.n, 3);
	assert_int_equal(get32(s.pkt[0] + 44), 100);
	assert_int_equal(get32(s.pkt[1] + 44), 100 + MSS);
	assert_int_equal(get32(s.pkt[2] + 44), 100 + 2 * MSS);
	sink_free(&s);

	/* A different ACK, then a pure ACK: order kept, nothing merged. */
	n = mk_stream(100, 3 * MSS, 0);
	put32(segs[1] + 48, 0x99);
	segs[1][56] = segs[1][57] = 0;
	{
		uint16_t c = ref_csum(segs[1], segs[1] + 40, seglen[1] - 40,
				      IPPROTO_TCP);

		segs[1][56] = (uint8_t)(c >> 8);
		segs[1][57] = (uint8_t)c;
	}
	gro_init(&g, true, sink_emit, &s);
	gro_add(&g, segs[0], seglen[0]);
	gro_add(&g, segs[1], seglen[1]);
	seglen[3] = mk_tcp(segs[3], 100 + MSS, 0, 0, F_ACK);
	gro_add(&g, segs[3], seglen[3]);
	gro_flush(&g);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.len[2], HLEN);
	sink_free(&s);

	/* Not TCP, and coalescing off: straight through. */
	n = mk_stream(100, 2 * MSS, 0);
	gro_init(&g, false, sink_emit, &s);
	for (int i = 0; i < n; i++)
		gro_add(&g, segs[i], seglen[i]);
	segs[3][6] = IPPROTO_UDP;
	gro_add(&g, segs[3], seglen[3]);
	assert_int_equal(s.n, 3);
	sink_free(&s);
}

/* Two interleaved flows are merged each on its own. */
static void test_gro_two_flows(void **state)
{
	static uint8_t b[6][HLEN + MSS];
	static size_t bl[6];
	struct sink s = { 0 };
	struct gro g;

	(void)state;
	for (int i = 0; i < 3; i++) {
		bl[2 * i] = mk_tcp(b[2 * i], 1000 + (uint32_t)i * MSS,
				   (size_t)i * MSS, MSS, F_ACK);
		bl[2 * i + 1] = mk_tcp(b[2 * i + 1], 5000 + (uint32_t)i * MSS,
				       (size_t)i * MSS, MSS, F_ACK);
		/* other source port, checksum fixed */
		b[2 * i + 1][41] = 0x32;
		b[2 * i + 1][56] = b[2 * i + 1][57] = 0;
		{
			uint16_t c = ref_csum(b[2 * i + 1], b[2 * i + 1] + 40,
					      THLEN + MSS, IPPROTO_TCP);

			b[2 * i + 1][56] = (uint8_t)(c >> 8);
			b[2 * i + 1][57] = (uint8_t)c;
		}
	}
	gro_init(&g, true, sink_emit, &s);
	for (int i = 0; i < 6; i++)
		gro_add(&g, b[i], bl[i]);
	gro_flush(&g);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.npkts[0], 3);
	assert_int_equal(s.npkts[1], 3);
	assert_int_equal(get32(s.pkt[0] + 44), 1000);
	assert_int_equal(get32(s.pkt[1] + 44), 5000);
	sink_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum),
		cmocka_unit_test(test_gso_tcp),
		cmocka_unit_test(test_gso_udp),
		cmocka_unit_test(test_gso_single_csum),
		cmocka_unit_test(test_gso_malformed),
		cmocka_unit_test(test_gro_roundtrip),
		cmocka_unit_test(test_gro_limits),
		cmocka_unit_test(test_gro_no_merge),
		cmocka_unit_test(test_gro_two_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
