/* TSO/USO super-packets from the TUN device into wire-sized packets. */
#include "relay/gso.h"

#include <netinet/in.h>
#include <string.h>

#include "relay/csum.h"

#define GSO_IP6_HLEN 40
#define GSO_TCP_HLEN 20
#define GSO_UDP_HLEN 8
#define GSO_TCP_FIN 0x01
#define GSO_TCP_PSH 0x08
#define GSO_TCP_CWR 0x80

static void gso_put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t gso_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void gso_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Offset of the upper-layer header, skipping hop-by-hop and destination
 * options; *proto gets its next-header value. A routing header is refused:
 * it would change the destination address of the pseudo-header (RFC 8200
 * section 8.1), and Linux never puts one in a TSO packet it sends through a
 * point-to-point device. Returns 0 when malformed. */
static size_t gso_l4_offset(const uint8_t *pkt, size_t len, uint8_t *proto)
{
	size_t off = GSO_IP6_HLEN;
	uint8_t nh = pkt[6];

	while (nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS) {
		if (off + 2 > len || off > GSO_HDR_MAX)
			return 0;
		nh = pkt[off];
		off += ((size_t)pkt[off + 1] + 1) * 8;
	}
	if (off > len)
		return 0;
	*proto = nh;
	return off;
}

/* Complete a checksum the kernel left partial (CHECKSUM_PARTIAL): it
 * stored the pseudo-header sum at csum_start + csum_offset and expects the
 * one's-complement sum from csum_start to the end there (virtio spec,
 * "Packet Transmission"; skb_checksum_help() does the same). */
static int gso_csum_complete(const struct virtio_net_hdr *vh, uint8_t *pkt,
			     size_t len)
{
	size_t start = vh->csum_start, field = start + vh->csum_offset;
	uint16_t c;

	/* Never inside the IPv6 header the relay has already checked, and
	 * only at an even distance from the start: an Internet checksum is
	 * a 16-bit word of the range it covers. */
	if (start < GSO_IP6_HLEN || start > len || field + 2 > len ||
	    (vh->csum_offset & 1))
		return -1;
	c = csum_final(csum_add(0, pkt + start, len - start));
	memcpy(pkt + field, &c, sizeof(c));
	return 0;
}

int gso_prepare(const struct virtio_net_hdr *vh, uint8_t *pkt, size_t len,
		struct gso_pkt *g)
{
	uint8_t type = vh->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	uint8_t proto = 0, want;
	size_t l4off, hlen;

	if (len < GSO_IP6_HLEN || (pkt[0] >> 4) != 6 ||
	    ((size_t)pkt[4] << 8 | pkt[5]) + GSO_IP6_HLEN != len)
		return -1;
	if (type == VIRTIO_NET_HDR_GSO_NONE) {
		if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
			return GSO_SINGLE;
		return gso_csum_complete(vh, pkt, len) < 0 ? -1 : GSO_SINGLE;
	}
	if (type == VIRTIO_NET_HDR_GSO_TCPV6)
		want = IPPROTO_TCP;
	else if (type == VIRTIO_NET_HDR_GSO_UDP_L4)
		want = IPPROTO_UDP;
	else
		return -1;  /* IPv4 types cannot describe an IPv6 packet */
	if (vh->gso_size == 0)
		return -1;
	l4off = gso_l4_offset(pkt, len, &proto);
	if (l4off == 0 || proto != want)
		return -1;
	if (proto == IPPROTO_TCP) {
		if (l4off + GSO_TCP_HLEN > len)
			return -1;
		hlen = l4off + (size_t)(pkt[l4off + 12] >> 4) * 4;
		if (hlen < l4off + GSO_TCP_HLEN)
			return -1;
	} else {
		hlen = l4off + GSO_UDP_HLEN;
	}
	if (hlen > len || hlen > GSO_HDR_MAX)
		return -1;
	g->pkt = pkt;
	g->len = len;
	g->l4off = l4off;
	g->hlen = hlen;
	g->mss = vh->gso_size;
	g->paylen = len - hlen;
	g->nseg = (unsigned)((g->paylen + g->mss - 1) / g->mss);
	if (g->nseg == 0)
		g->nseg = 1;
	g->proto = proto;
	return GSO_SPLIT;
}

void gso_segment(const struct gso_pkt *g, unsigned i, uint8_t *hdr,
		 const uint8_t **pay, size_t *paylen)
{
	size_t off = (size_t)i * g->mss, seglen = 0, l4len;
	uint8_t *l4 = hdr + g->l4off;
	uint64_t sum;
	uint16_t c;

	if (off < g->paylen)
		seglen = g->paylen - off < g->mss ? g->paylen - off : g->mss;
	memcpy(hdr, g->pkt, g->hlen);
	l4len = g->hlen - g->l4off + seglen;
	gso_put16(hdr + 4, g->hlen - GSO_IP6_HLEN + seglen);
	if (g->proto == IPPROTO_TCP) {
		/* tcp_gso_segment(): sequence numbers advance by the
		 * payload; FIN and PSH stay on the last segment, CWR on
		 * the first (RFC 3168 section 6.1.2). */
		gso_put32(l4 + 4, gso_get32(l4 + 4) + (uint32_t)off);
		if (i + 1 < g->nseg)
			l4[13] &= (uint8_t)~(GSO_TCP_FIN | GSO_TCP_PSH);
		if (i > 0)
			l4[13] &= (uint8_t)~GSO_TCP_CWR;
		l4[16] = l4[17] = 0;
	} else {
		gso_put16(l4 + 4, l4len);
		l4[6] = l4[7] = 0;
	}
	sum = csum_pseudo6(hdr, (uint32_t)l4len, g->proto);
	sum = csum_add(sum, l4, g->hlen - g->l4off);
	sum = csum_add(sum, g->pkt + g->hlen + off, seglen);
	c = csum_final(sum);
	memcpy(l4 + (g->proto == IPPROTO_TCP ? 16 : 6), &c, sizeof(c));
	*pay = g->pkt + g->hlen + off;
	*paylen = seglen;
}
