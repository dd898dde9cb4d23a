/* TCP/IPv6 segment coalescing for writes to a TUN device (see gro.h). */
#include "relay/gro.h"

#include <netinet/in.h>
#include <string.h>

#include "relay/csum.h"

#define GRO_IP6_HLEN 40
#define GRO_TCP_HLEN 20
#define GRO_IP6_MAXPAY 65535  /* no jumbograms */
#define GRO_TCP_FIN 0x01
#define GRO_TCP_SYN 0x02
#define GRO_TCP_RST 0x04
#define GRO_TCP_PSH 0x08
#define GRO_TCP_URG 0x20
#define GRO_TCP_CWR 0x80

/* Offsets in a packet without extension headers. */
#define GRO_TCP_SEQ (GRO_IP6_HLEN + 4)
#define GRO_TCP_ACK (GRO_IP6_HLEN + 8)
#define GRO_TCP_OFF (GRO_IP6_HLEN + 12)
#define GRO_TCP_FLAGS (GRO_IP6_HLEN + 13)
#define GRO_TCP_CSUM (GRO_IP6_HLEN + 16)

static uint32_t gro_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void gro_init(struct gro *g, bool coalesce, gro_emit_fn emit, void *arg)
{
	memset(g, 0, sizeof(*g));
	g->coalesce = coalesce;
	g->emit = emit;
	g->arg = arg;
}

static void gro_emit_one(struct gro *g, uint8_t *pkt, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = &g->zero, .iov_len = VNET_HDR_LEN },
		{ .iov_base = pkt, .iov_len = len },
	};

	g->emit(g->arg, iov, 2, 1);
}

/* Emit flow f and free its slot. One segment leaves untouched; more become
 * a GSO packet whose TCP checksum field holds the pseudo-header sum, as
 * tcp_gro_complete() leaves it for CHECKSUM_PARTIAL. */
static void gro_flow_flush(struct gro *g, struct gro_flow *f)
{
	uint8_t *h = f->head;
	size_t l4len = f->thlen + f->total;
	uint16_t c;

	if (h == NULL)
		return;
	f->head = NULL;
	if (f->count == 1) {
		gro_emit_one(g, h, f->iov[1].iov_len);
		return;
	}
	h[4] = (uint8_t)(l4len >> 8);
	h[5] = (uint8_t)l4len;
	h[GRO_TCP_FLAGS] |= f->last_flags;
	c = csum_fold(csum_pseudo6(h, (uint32_t)l4len, IPPROTO_TCP));
	memcpy(h + GRO_TCP_CSUM, &c, sizeof(c));
	f->vh = (struct virtio_net_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV6,
		.hdr_len = (uint16_t)(GRO_IP6_HLEN + f->thlen),
		.gso_size = (uint16_t)f->mss,
		.csum_start = GRO_IP6_HLEN,
		.csum_offset = 16,
	};
	f->iov[0].iov_base = &f->vh;
	f->iov[0].iov_len = VNET_HDR_LEN;
	g->emit(g->arg, f->iov, (int)f->count + 1, f->count);
}

/* The flow (addresses and ports) of pkt, if one is held. */
static struct gro_flow *gro_find(struct gro *g, const uint8_t *pkt)
{
	for (int i = 0; i < GRO_FLOWS; i++) {
		struct gro_flow *f = &g->flows[i];

		if (f->head && memcmp(f->head + 8, pkt + 8, 36) == 0)
			return f;
	}
	return NULL;
}

/* May segment pkt (TCP header length thlen, payload pay) follow flow f's
 * segments? tcp_gro_receive() and ipv6_gro_receive() rules. */
static bool gro_can_merge(const struct gro_flow *f, const uint8_t *pkt,
			  size_t thlen, size_t pay)
{
	const uint8_t *h = f->head;
	uint8_t fl = pkt[GRO_TCP_FLAGS] ^ h[GRO_TCP_FLAGS];

	return f->count < GRO_SEGS && f->last_flags == 0 &&
	       f->total % f->mss == 0 && pay <= f->mss &&
	       thlen == f->thlen &&
	       thlen + f->total + pay <= GRO_IP6_MAXPAY &&
	       memcmp(h, pkt, 4) == 0 && h[7] == pkt[7] &&
	       gro_get32(pkt + GRO_TCP_SEQ) == f->next_seq &&
	       memcmp(h + GRO_TCP_ACK, pkt + GRO_TCP_ACK, 5) == 0 &&
	       (fl & (uint8_t)~(GRO_TCP_FIN | GRO_TCP_PSH)) == 0 &&
	       memcmp(h + GRO_TCP_FLAGS + 1, pkt + GRO_TCP_FLAGS + 1, 2) == 0 &&
	       memcmp(h + GRO_IP6_HLEN + GRO_TCP_HLEN,
		      pkt + GRO_IP6_HLEN + GRO_TCP_HLEN,
		      thlen - GRO_TCP_HLEN) == 0;
}

static void gro_start(struct gro *g, uint8_t *pkt, size_t len, size_t thlen)
{
	struct gro_flow *f = &g->flows[0];

	for (int i = 0; i < GRO_FLOWS; i++) {
		if (g->flows[i].head == NULL) {
			f = &g->flows[i];
			break;
		}
		if (g->flows[i].born < f->born)
			f = &g->flows[i];
	}
	gro_flow_flush(g, f);
	f->head = pkt;
	f->thlen = thlen;
	f->mss = len - GRO_IP6_HLEN - thlen;
	f->total = f->mss;
	f->next_seq = gro_get32(pkt + GRO_TCP_SEQ) + (uint32_t)f->mss;
	f->last_flags = 0;
	f->count = 1;
	f->born = g->clock++;
	f->iov[1].iov_base = pkt;
	f->iov[1].iov_len = len;
}

void gro_add(struct gro *g, uint8_t *pkt, size_t len)
{
	struct gro_flow *f;
	size_t thlen, pay;
	uint8_t flags;

	if (!g->coalesce || len < GRO_IP6_HLEN + GRO_TCP_HLEN ||
	    pkt[6] != IPPROTO_TCP) {
		gro_emit_one(g, pkt, len);
		return;
	}
	thlen = (size_t)(pkt[GRO_TCP_OFF] >> 4) * 4;
	flags = pkt[GRO_TCP_FLAGS];
	f = gro_find(g, pkt);
	if (thlen < GRO_TCP_HLEN || GRO_IP6_HLEN + thlen >= len ||
	    (flags & (GRO_TCP_SYN | GRO_TCP_RST | GRO_TCP_URG | GRO_TCP_CWR)) ||
	    !csum_ok6(pkt, len, GRO_IP6_HLEN, IPPROTO_TCP)) {
		/* No payload, control flags or a bad checksum: never
		 * merged (the kernel drops a bad one), but kept in order
		 * behind what its flow holds. */
		if (f)
			gro_flow_flush(g, f);
		gro_emit_one(g, pkt, len);
		return;
	}
	pay = len - GRO_IP6_HLEN - thlen;
	if (f && gro_can_merge(f, pkt, thlen, pay)) {
		f->iov[f->count + 1].iov_base = pkt + GRO_IP6_HLEN + thlen;
		f->iov[f->count + 1].iov_len = pay;
		f->count++;
		f->total += pay;
		f->next_seq += (uint32_t)pay;
		f->last_flags = flags & (GRO_TCP_FIN | GRO_TCP_PSH);
		/* A short segment or PSH/FIN ends a burst: nothing can
		 * follow it, so do not keep it waiting. */
		if (f->last_flags || pay < f->mss || f->count == GRO_SEGS)
			gro_flow_flush(g, f);
		return;
	}
	if (f)
		gro_flow_flush(g, f);
	if (flags & (GRO_TCP_FIN | GRO_TCP_PSH)) {
		gro_emit_one(g, pkt, len);
		return;
	}
	gro_start(g, pkt, len, thlen);
}

void gro_flush(struct gro *g)
{
	for (;;) {
		struct gro_flow *old = NULL;

		for (int i = 0; i < GRO_FLOWS; i++) {
			struct gro_flow *f = &g->flows[i];

			if (f->head && (old == NULL || f->born < old->born))
				old = f;
		}
		if (old == NULL)
			return;
		gro_flow_flush(g, old);
	}
}
