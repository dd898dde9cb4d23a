/* libFuzzer target: the offload helpers on arbitrary bytes. The input is a
 * virtio-net header followed by a packet, as read from a TUN device (or,
 * for the coalescer, as received from the network). Invariants: nothing is
 * read or written out of bounds (ASan); every segment is a well-formed IPv6
 * packet with a correct checksum, and the segments carry exactly the
 * payload; a completed partial checksum verifies; whatever the coalescer
 * emits is well-formed, and a super-packet it builds from segments cuts
 * back into exactly those segments. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay/csum.h"
#include "relay/gro.h"
#include "relay/gso.h"
#include "relay/relay_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

struct seen {
	uint8_t **seg;      /* the segments given to the coalescer */
	size_t *seglen;
	unsigned next;      /* first segment the next emission must carry */
	bool from_gso;      /* segments came from gso_segment() */
};

static void check_emit(void *arg, const struct iovec *iov, int iovcnt,
		       unsigned npkts)
{
	struct seen *s = arg;
	struct virtio_net_hdr vh;
	struct gso_pkt g;
	uint8_t *pkt, *one;
	size_t len = 0, off = 0;

	CHECK(iovcnt >= 2 && npkts >= 1 && (unsigned)iovcnt == npkts + 1);
	CHECK(iov[0].iov_len == VNET_HDR_LEN);
	memcpy(&vh, iov[0].iov_base, sizeof(vh));
	for (int i = 1; i < iovcnt; i++)
		len += iov[i].iov_len;
	pkt = malloc(len ? len : 1);
	for (int i = 1; i < iovcnt; i++) {
		memcpy(pkt + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	CHECK(relay_packet_ok(pkt, len));
	if (npkts == 1) {
		CHECK(vh.gso_type == VIRTIO_NET_HDR_GSO_NONE && vh.flags == 0);
	} else {
		CHECK(vh.gso_type == VIRTIO_NET_HDR_GSO_TCPV6);
		CHECK(vh.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM);
		CHECK(vh.csum_start == 40 && vh.csum_offset == 16);
		CHECK(vh.hdr_len + (size_t)vh.gso_size * (npkts - 1) < len);
		CHECK(gso_prepare(&vh, pkt, len, &g) == GSO_SPLIT);
		CHECK(g.nseg == npkts);
		one = malloc(g.hlen + g.mss);
		for (unsigned i = 0; i < g.nseg; i++) {
			const uint8_t *pay;
			size_t plen;

			gso_segment(&g, i, one, &pay, &plen);
			memcpy(one + g.hlen, pay, plen);
			CHECK(csum_ok6(one, g.hlen + plen, 40, 6));
			/* Only checksums made by csum_final() are certain
			 * to be byte-identical (0 vs 0xffff). */
			if (s->from_gso) {
				CHECK(s->seglen[s->next + i] == g.hlen + plen);
				CHECK(memcmp(one, s->seg[s->next + i],
					     g.hlen + plen) == 0);
			}
		}
		free(one);
	}
	s->next += npkts;
	free(pkt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_net_hdr vh;
	struct seen s = { 0 };
	struct gso_pkt g;
	uint8_t *pkt, *orig, **segs = NULL, **copy = NULL;
	size_t len, total = 0, *lens = NULL;
	uint16_t partial = 0;
	struct gro gro;
	int kind;

	if (size < VNET_HDR_LEN)
		return 0;
	memcpy(&vh, data, sizeof(vh));
	len = size - VNET_HDR_LEN;
	/* Exact-size heap copies, so ASan sees any overrun. */
	pkt = malloc(len ? len : 1);
	orig = malloc(len ? len : 1);
	memcpy(pkt, data + VNET_HDR_LEN, len);
	memcpy(orig, pkt, len);
	if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    (size_t)vh.csum_start + vh.csum_offset + 2 <= len)
		memcpy(&partial, pkt + vh.csum_start + vh.csum_offset, 2);
	kind = gso_prepare(&vh, pkt, len, &g);
	if (kind == GSO_SINGLE) {
		CHECK(relay_packet_ok(pkt, len));
		if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			/* With the kernel's pseudo-header seed added back,
			 * the range sums to all ones. */
			uint64_t sum = csum_add(0, pkt + vh.csum_start,
						len - vh.csum_start);

			CHECK(memcmp(pkt, orig, vh.csum_start) == 0);
			CHECK(csum_fold(sum + partial) == 0xffff);
		} else {
			CHECK(memcmp(pkt, orig, len) == 0);
		}
	} else if (kind == GSO_SPLIT) {
		CHECK(memcmp(pkt, orig, len) == 0);
		CHECK(g.nseg >= 1 && g.hlen <= GSO_HDR_MAX && g.hlen <= len);
		segs = calloc(g.nseg, sizeof(*segs));
		copy = calloc(g.nseg, sizeof(*copy));
		lens = calloc(g.nseg, sizeof(*lens));
		for (unsigned i = 0; i < g.nseg; i++) {
			const uint8_t *pay;
			size_t plen;

			segs[i] = malloc(g.hlen + g.mss);
			gso_segment(&g, i, segs[i], &pay, &plen);
			CHECK(plen <= g.mss && (plen == g.mss ||
						i + 1 == g.nseg));
			CHECK(pay == pkt + g.hlen + total);
			memcpy(segs[i] + g.hlen, pay, plen);
			lens[i] = g.hlen + plen;
			total += plen;
			CHECK(relay_packet_ok(segs[i], lens[i]));
			CHECK(csum_ok6(segs[i], lens[i], g.l4off, g.proto));
			/* The coalescer rewrites the headers it merges. */
			copy[i] = malloc(lens[i]);
			memcpy(copy[i], segs[i], lens[i]);
		}
		CHECK(total == g.paylen && g.hlen + total == len);
		/* The segments through the coalescer: merged runs must cut
		 * back into the same segments. */
		s.seg = copy;
		s.seglen = lens;
		s.from_gso = true;
		gro_init(&gro, true, check_emit, &s);
		for (unsigned i = 0; i < g.nseg; i++)
			gro_add(&gro, segs[i], lens[i]);
		gro_flush(&gro);
		CHECK(s.next == g.nseg);
		for (unsigned i = 0; i < g.nseg; i++) {
			free(segs[i]);
			free(copy[i]);
		}
		free(segs);
		free(copy);
		free(lens);
	} else {
		CHECK(kind == -1);
	}
	/* The raw bytes as received packets, twice: a well-formed TCP
	 * segment meets its own flow (and is not merged: same sequence). */
	memcpy(pkt, orig, len);
	if (relay_packet_ok(pkt, len)) {
		memset(&s, 0, sizeof(s));
		gro_init(&gro, true, check_emit, &s);
		gro_add(&gro, pkt, len);
		gro_add(&gro, orig, len);
		gro_flush(&gro);
		CHECK(s.next == 2);
	}
	free(pkt);
	free(orig);
	return 0;
}
