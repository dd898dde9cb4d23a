/* Segmentation of the super-packets a TUN device with TSO/USO offloads
 * returns: one TCP or UDP over IPv6 packet of up to 64 KB plus a virtio-net
 * header becomes the MSS-sized packets the kernel would have sent itself
 * (as tcp_gso_segment() and __udp_gso_segment() do), each with a complete
 * checksum, because the peer receives bare IPv6 packets. Pure; fuzzed. */
#ifndef DTCP_GSO_H
#define DTCP_GSO_H

#include <stddef.h>
#include <stdint.h>

#include "relay/vnet.h"

/* Longest header block (IPv6, extension headers, TCP or UDP) copied into
 * every segment; longer ones are refused. */
#define GSO_HDR_MAX 256

/* A checked super-packet: segment i has hlen bytes of headers (built by
 * gso_segment) followed by payload bytes [i * mss, min((i + 1) * mss,
 * paylen)) of the payload that starts at pkt + hlen. */
struct gso_pkt {
	const uint8_t *pkt;
	size_t len;
	size_t l4off;      /* offset of the TCP or UDP header */
	size_t hlen;       /* all headers up to the payload */
	size_t mss;        /* payload bytes per segment but the last */
	size_t paylen;     /* payload bytes in all */
	unsigned nseg;     /* segments, at least 1 */
	uint8_t proto;     /* IPPROTO_TCP or IPPROTO_UDP */
};

enum {
	GSO_SINGLE = 0,    /* an ordinary packet, ready to send */
	GSO_SPLIT = 1,     /* a super-packet: send gso_segment()s */
};

/* Look at one packet read from a TUN device with its virtio-net header vh.
 * pkt[0..len) must hold the IPv6 packet (checked again here: version,
 * header, payload length). Returns GSO_SINGLE for a packet without GSO,
 * after completing its checksum in place when vh asks for it
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM); GSO_SPLIT with *g filled for a TCPV6 or
 * UDP_L4 super-packet (which stays unchanged, and must outlive *g); -1 for
 * anything malformed or unsupported (bad offsets, no TCP/UDP header where
 * the type says, a routing header, headers over GSO_HDR_MAX), which the
 * caller drops. Never reads or writes outside pkt[0..len). */
int gso_prepare(const struct virtio_net_hdr *vh, uint8_t *pkt, size_t len,
		struct gso_pkt *g);

/* Build the headers of segment i < g->nseg into hdr[0..g->hlen): IPv6
 * payload length, then for TCP the sequence number, FIN and PSH only on the
 * last segment, CWR only on the first; for UDP the length; then the full
 * checksum over pseudo-header, header and payload. Stores the payload slice
 * in *pay and *paylen. */
void gso_segment(const struct gso_pkt *g, unsigned i, uint8_t *hdr,
		 const uint8_t **pay, size_t *paylen);

#endif
