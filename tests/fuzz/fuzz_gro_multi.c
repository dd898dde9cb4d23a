/* libFuzzer target: the receive coalescer (gro.h) on a whole burst, fed as
 * relay_rx.c feeds it: gro_init, gro_add per accepted packet, gro_flush per
 * batch. The input is an options byte, then 5 bytes per packet (see below);
 * the packets are made here: TCP segments of 16 flows differing in one
 * address or port, with valid checksums, and malformed, foreign or
 * extension-header ones. The oracle is the contract of gro.h and of the
 * virtio-net header, not the code. Every emission is a well-formed IPv6
 * packet of at most 64 KiB. One alone has an all-zero header and is a
 * received packet byte for byte. A super-packet (at most 64 segments) has
 * the TCPV6 GSO header, hdr_len its headers, the pseudo-header sum as
 * checksum, and cut by gso_size as the kernel cuts it (CWR on the first
 * piece only, PSH/FIN on the last only) gives received segments that GRO
 * may merge: valid checksum, no SYN/RST/URG, same headers but sequence
 * (and the urgent pointer, unused), contiguous, equal sizes but the last,
 * payload bytes unchanged. Each packet or piece must be the oldest not
 * yet emitted of its flow (TCP: addresses and ports), so all come out
 * exactly once, in order per flow, nothing invented; a flush leaves
 * nothing held; with coalescing off each leaves at once. And two
 * consecutive segments GRO must merge (the first held alone, then its
 * successor) are not both emitted alone: the coalescer does coalesce. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay/gro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

#define MAXPKT 512
#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define URG 0x20
#define CWR 0x80

struct burst {
	bool coalesce;
	unsigned n, cur, emitted;   /* packets given, the one in gro_add */
	uint8_t *orig[MAXPKT];      /* as received (held ones get rewritten) */
	size_t len[MAXPKT];
	unsigned batch[MAXPKT];     /* flushes before it */
	bool out[MAXPKT], alone[MAXPKT];
};

struct flow {                       /* the headers a flow's next segment has */
	uint32_t seq, ack;
	uint16_t win;
	uint8_t optlen, opt;
	uint8_t x[64];              /* xored into the first 64 bytes */
};

static uint8_t pool[65536 + 2048];  /* pseudo-random payload bytes */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071, big-endian words; independent of relay/csum.c. */
static uint64_t sum16(uint64_t s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	return n & 1 ? s + (uint32_t)(b[n - 1] << 8) : s;
}

static uint16_t fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Pseudo-header sum of IPv6 packet p for an upper layer of l4len bytes. */
static uint64_t pseudo(const uint8_t *p, size_t l4len, uint8_t proto)
{
	return sum16(0, p + 8, 32) + l4len + proto;
}

static bool tcp_ok(const uint8_t *p, size_t len)
{
	return fold(sum16(pseudo(p, len - 40, 6), p + 40, len - 40)) == 0xffff;
}

/* A TCP segment GRO may merge, header length *hl: payload, a valid
 * checksum, no SYN/RST/URG (tcp_gro_receive() flushes those at once). */
static bool tcp_seg(const uint8_t *p, size_t len, size_t *hl)
{
	if (len < 60 || p[6] != 6)
		return false;
	*hl = 40 + (size_t)(p[52] >> 4) * 4;
	return len > *hl && *hl >= 60 && tcp_ok(p, len) &&
	       !(p[53] & (SYN | RST | URG));
}

/* TCP packets a, b (header length hl) agree but on payload length,
 * sequence number, flags, checksum and urgent pointer (meaningless
 * without URG, and GRO does not compare it). */
static bool same_hdr(const uint8_t *a, const uint8_t *b, size_t hl)
{
	return memcmp(a, b, 4) == 0 && memcmp(a + 6, b + 6, 38) == 0 &&
	       memcmp(a + 48, b + 48, 5) == 0 &&
	       memcmp(a + 54, b + 54, 2) == 0 &&
	       memcmp(a + 60, b + 60, hl - 60) == 0;
}

/* The oldest packet not yet emitted of p's flow: TCP by addresses and
 * ports, anything else (no TCP header at 40) by its very bytes. */
static int oldest(const struct burst *b, const uint8_t *p, size_t len)
{
	bool tcp = p[6] == 6 && len >= 60;

	for (unsigned j = 0; j < b->n; j++) {
		const uint8_t *o = b->orig[j];

		if (b->out[j] || tcp != (o[6] == 6 && b->len[j] >= 60))
			continue;
		if (tcp ? memcmp(o + 8, p + 8, 36) == 0 :
			  b->len[j] == len && memcmp(o, p, len) == 0)
			return (int)j;
	}
	return -1;
}

/* A super-packet p of npkts segments, GSO header vh. */
static void check_super(struct burst *b, const struct virtio_net_hdr *vh,
			const uint8_t *p, size_t len, unsigned npkts)
{
	size_t hl, mss = vh->gso_size, pay;

	CHECK(b->coalesce && len >= 60 && p[6] == 6);
	hl = 40 + (size_t)(p[52] >> 4) * 4;
	CHECK(vh->gso_type == VIRTIO_NET_HDR_GSO_TCPV6 &&
	      vh->flags == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	      vh->csum_start == 40 && vh->csum_offset == 16);
	CHECK(hl >= 60 && vh->hdr_len == hl && hl < len);
	pay = len - hl;
	CHECK(mss > 0 && (pay + mss - 1) / mss == npkts);
	/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum. */
	CHECK(fold(pseudo(p, len - 40, 6)) % 0xffff ==
	      (unsigned)(p[56] << 8 | p[57]) % 0xffff);
	for (unsigned k = 0; k < npkts; k++) {
		size_t plen = pay - k * mss < mss ? pay - k * mss : mss, h;
		uint8_t want = p[53];
		int j = oldest(b, p, len);
		const uint8_t *o;

		if (k > 0)
			want &= (uint8_t)~CWR;
		if (k + 1 < npkts)
			want &= (uint8_t)~(FIN | PSH);
		CHECK(j >= 0);
		o = b->orig[j];
		CHECK(b->len[j] == hl + plen && tcp_seg(o, b->len[j], &h));
		CHECK(o[53] == want && same_hdr(o, p, hl));
		CHECK(get32(o + 44) == get32(p + 44) + (uint32_t)(k * mss));
		CHECK(memcmp(o + hl, p + hl + k * mss, plen) == 0);
		b->out[j] = true;
	}
}

static void on_emit(void *arg, const struct iovec *iov, int iovcnt,
		    unsigned npkts)
{
	static const struct virtio_net_hdr zero;
	struct burst *b = arg;
	struct virtio_net_hdr vh;
	size_t len = 0, off = 0;
	uint8_t *p;
	int j;

	CHECK(iovcnt >= 2 && (unsigned)iovcnt <= npkts + 1);
	CHECK(npkts >= 1 && npkts <= 64 && iov[0].iov_len == VNET_HDR_LEN);
	memcpy(&vh, iov[0].iov_base, sizeof(vh));
	for (int i = 1; i < iovcnt; i++)
		len += iov[i].iov_len;
	CHECK(len >= 40 && len <= 40 + 65535);
	p = malloc(len);
	for (int i = 1; i < iovcnt; i++) {
		memcpy(p + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	CHECK((p[0] >> 4) == 6 && (size_t)(p[4] << 8 | p[5]) + 40 == len);
	if (npkts == 1) {
		j = oldest(b, p, len);
		CHECK(memcmp(&vh, &zero, sizeof(vh)) == 0 && j >= 0 &&
		      b->len[j] == len && memcmp(b->orig[j], p, len) == 0);
		/* Without coalescing, each at once. */
		CHECK(b->coalesce || (unsigned)j == b->cur);
		b->out[j] = b->alone[j] = true;
	} else {
		check_super(b, &vh, p, len, npkts);
	}
	b->emitted += npkts;
	free(p);
}

/* The TCP header of flow f's next segment: data offset byte off. */
static void tcp_hdr(uint8_t *p, const struct flow *s, unsigned f,
		    unsigned off, uint8_t flags)
{
	p[41] = (uint8_t)(0xe8 + (f >> 2 & 1));
	p[43] = (uint8_t)(80 + (f >> 3));
	for (int k = 0; k < 4; k++) {
		p[44 + k] = (uint8_t)(s->seq >> (24 - 8 * k));
		p[48 + k] = (uint8_t)(s->ack >> (24 - 8 * k));
	}
	p[52] = (uint8_t)off;
	p[53] = flags;
	p[54] = (uint8_t)(s->win >> 8);
	p[55] = (uint8_t)s->win;
	memset(p + 60, s->opt, s->optlen);
}

/* Packet record: flow | kind << 4; TCP flags; payload length (11 bits) |
 * 8 sequence jump | 16 retransmission (sequence not advanced) | tweak << 5;
 * a value v. Kinds: 0-8 TCP, 9 bad checksum, 10 data offset v >> 4,
 * 11 truncated TCP, 12 UDP, 13 ICMPv6, 14 hop-by-hop then TCP, 15 no
 * packet: the batch ends (gro_flush). Tweaks 4-7 change the flow's
 * headers from this packet on: ack, window, bits of header byte v & 63
 * (but the payload length and checksum), options. Flows start alike but
 * for an address or port, at one sequence number near the wrap. */
static size_t make(uint8_t *p, struct flow *fs, const uint8_t *r, unsigned i)
{
	unsigned f = r[0] & 15, kind = r[0] >> 4, v = r[4];
	size_t pay = r[2] | (size_t)(r[3] & 7) << 8, hl, len;
	struct flow *s = &fs[f];
	uint64_t sum;

	switch (r[3] >> 5) {
	case 4: s->ack += v + 1; break;
	case 5: s->win ^= (uint16_t)((v | 1) << (v & 8)); break;
	case 6: s->x[v & 63] ^= (uint8_t)((v >> 6) + 1); break;
	case 7: s->optlen = (uint8_t)((v & 7) * 4); s->opt = (uint8_t)v;
	}
	if (r[3] & 8)
		s->seq += v + 1;
	hl = 60 + s->optlen;
	if (kind >= 11 && kind <= 13)
		hl = 40;
	if (kind == 11)
		pay %= 20;
	len = hl + pay;
	memset(p, 0, hl);
	p[0] = 0x60;
	p[4] = (uint8_t)((len - 40) >> 8);
	p[5] = (uint8_t)(len - 40);
	p[6] = kind == 12 ? 17 : kind == 13 ? 58 : 6;
	p[7] = 64;
	p[8] = p[24] = 0x20;
	p[9] = p[25] = 0x01;
	p[23] = (uint8_t)(1 + (f & 1));
	p[39] = (uint8_t)(0x10 + (f >> 1 & 1));
	memcpy(p + hl, pool + (i * 2741u) % 65536, pay);
	if (hl > 40)
		tcp_hdr(p, s, f, kind == 10 ? v & 0xf0 : (unsigned)(hl - 40) << 2, r[1]);
	for (size_t k = 0; k < 64 && k < hl; k++)
		if (k != 4 && k != 5 && k != 56 && k != 57)
			p[k] ^= s->x[k];
	if (hl == 40)
		return len;
	sum = sum16(pseudo(p, len - 40, 6), p + 40, len - 40);
	p[56] = (uint8_t)(~fold(sum) >> 8);
	p[57] = (uint8_t)~fold(sum);
	if (kind == 9)
		p[57] ^= 1;
	if (kind == 14) {                   /* 8-byte hop-by-hop header */
		memmove(p + 48, p + 40, len - 40);
		memcpy(p + 40, (const uint8_t[8]){ 6, 0, 1, 4 }, 8);
		p[6] = 0;
		len += 8;
		p[4] = (uint8_t)((len - 40) >> 8);
		p[5] = (uint8_t)(len - 40);
	}
	if (!(r[3] & 16))
		s->seq += (uint32_t)pay;
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct burst b;
	static uint8_t buf[40 + 8 + 60 + 2048];
	uint8_t *pkt[MAXPKT];
	struct flow fs[16];
	unsigned batch = 0, before;
	struct gro g;

	if (pool[0] == 0) {                 /* xorshift32 */
		uint32_t x = 2463534242u;

		for (size_t i = 0; i < sizeof(pool); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			pool[i] = (uint8_t)x;
		}
		pool[0] |= 1;
	}
	if (size < 1)
		return 0;
	memset(&b, 0, sizeof(b));
	b.coalesce = (data[0] & 7) != 7;
	for (int f = 0; f < 16; f++)
		fs[f] = (struct flow){ .seq = 0xffff0000u, .ack = 1,
				       .win = 0xffff };
	gro_init(&g, b.coalesce, on_emit, &b);
	for (size_t off = 1; off + 5 <= size && b.n < MAXPKT; off += 5) {
		size_t len;

		if (data[off] >> 4 == 15) {  /* end of a receive batch */
			gro_flush(&g);
			CHECK(b.emitted == b.n);
			gro_init(&g, b.coalesce, on_emit, &b);
			batch++;
			continue;
		}
		len = make(buf, fs, data + off, b.n);
		/* Exact-size heap copies, so ASan sees any overrun. */
		pkt[b.n] = malloc(len);
		b.orig[b.n] = malloc(len);
		memcpy(pkt[b.n], buf, len);
		memcpy(b.orig[b.n], buf, len);
		b.len[b.n] = len;
		b.batch[b.n] = batch;
		b.cur = b.n++;
		gro_add(&g, pkt[b.cur], len);
	}
	gro_flush(&g);
	CHECK(b.emitted == b.n);
	before = b.emitted;
	gro_flush(&g);
	CHECK(b.emitted == before);
	for (unsigned i = 0; i < b.n; i++) {
		const uint8_t *x = b.orig[i], *y;
		size_t hx, hy;

		CHECK(b.out[i]);
		if (!b.coalesce || i + 1 == b.n)
			continue;
		/* GRO merges x and its successor y if it holds x alone. */
		y = b.orig[i + 1];
		if (b.alone[i] && b.alone[i + 1] &&
		    b.batch[i] == b.batch[i + 1] &&
		    tcp_seg(x, b.len[i], &hx) && tcp_seg(y, b.len[i + 1], &hy) &&
		    hx == hy && same_hdr(x, y, hx) &&
		    !(x[53] & (FIN | PSH | CWR)) &&
		    ((x[53] ^ y[53]) & ~(FIN | PSH)) == 0 &&
		    get32(y + 44) == get32(x + 44) + (uint32_t)(b.len[i] - hx) &&
		    b.len[i + 1] <= b.len[i])
			__builtin_trap();
	}
	for (unsigned i = 0; i < b.n; i++) {
		free(pkt[i]);
		free(b.orig[i]);
	}
	return 0;
}
