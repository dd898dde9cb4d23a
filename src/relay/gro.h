/* Coalescing of received TCP/IPv6 segments into super-packets for a TUN
 * device with a virtio-net header: what the kernel's tcp_gro_receive() does
 * for a NIC, so that one write() carries up to 64 segments of a flow. Only
 * segments that GRO itself would merge are merged (same addresses, ports,
 * traffic class, flow label, hop limit, ACK, window, flags but PSH/FIN and
 * byte-identical options, contiguous sequence numbers, equal sizes but the
 * last, a correct checksum); everything else passes through one by one, in
 * order within each flow. No I/O: packets leave through a callback. */
#ifndef DTCP_GRO_H
#define DTCP_GRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "relay/vnet.h"

#define GRO_FLOWS 8        /* flows held at once; the oldest is flushed */
#define GRO_SEGS 64        /* segments per super-packet, as the kernel */

/* Called for each packet leaving the coalescer, in order: iov[0] is the
 * virtio-net header (all zero but for a super-packet), iov[1..iovcnt) the
 * IPv6 packet; npkts is how many received packets it carries. */
typedef void (*gro_emit_fn)(void *arg, const struct iovec *iov, int iovcnt,
			    unsigned npkts);

struct gro_flow {
	uint8_t *head;             /* first packet; NULL when the slot is free */
	size_t thlen;              /* its TCP header length */
	size_t mss;                /* its payload length */
	size_t total;              /* payload bytes held, head included */
	uint32_t next_seq;         /* sequence number expected next */
	uint8_t last_flags;        /* PSH/FIN of the last segment merged */
	unsigned count;            /* segments held */
	uint64_t born;             /* age, to choose the flow to evict */
	struct virtio_net_hdr vh;
	struct iovec iov[GRO_SEGS + 1];
};

struct gro {
	bool coalesce;             /* false: every packet passes alone */
	gro_emit_fn emit;
	void *arg;
	uint64_t clock;
	struct virtio_net_hdr zero;
	struct gro_flow flows[GRO_FLOWS];
};

/* Set up g. With coalesce false (a TUN device without a virtio-net header,
 * or no offloads) gro_add() emits each packet at once. */
void gro_init(struct gro *g, bool coalesce, gro_emit_fn emit, void *arg);

/* Take the well-formed IPv6 packet pkt[0..len) (relay_packet_ok() holds)
 * and emit it, or hold it to merge with the next ones. A held packet's
 * buffer must stay valid and untouched until gro_flush(); the coalescer may
 * rewrite its IPv6 payload length, TCP flags and checksum. */
void gro_add(struct gro *g, uint8_t *pkt, size_t len);

/* Emit every held packet, oldest flow first. */
void gro_flush(struct gro *g);

#endif
