/* The relay's verdicts on what arrives from either side: the shape of an
 * IPv6 packet, the source of a datagram, the inner policy of a tunnel, and
 * the datagram splitting of a receive. No I/O; the tests and fuzzers call
 * exactly these functions. */
#ifndef DTCP_RELAY_CHECK_H
#define DTCP_RELAY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "relay/relay.h"

#define RELAY_IP6_HLEN 40

/* True when pkt[0..len) is a well-formed IPv6 packet: at least the 40-byte
 * header, version 6, and a payload length that matches (no jumbograms). */
bool relay_packet_ok(const uint8_t *pkt, size_t len);

/* The outer IPv4 header of what a raw protocol-41 socket received in
 * buf[len]: version 4, a whole header, protocol 41, a total length of
 * exactly len, not a fragment, room for at least an IPv6 header after it
 * (protocol 41 has no keepalives). Returns the offset of the IPv6 packet
 * and fills *src and *dst, or -1. */
int relay_p41_outer(const uint8_t *buf, size_t len, struct in_addr *src,
		    struct in_addr *dst);

/* Why relay_inner_ok refused a packet. */
enum relay_inner_verdict {
	RELAY_INNER_OK,
	RELAY_INNER_SPOOF,   /* source address not the tunnel's */
	RELAY_INNER_SCOPE,   /* multicast destination beyond link scope */
};

/* Check a well-formed IPv6 packet that came out of the tunnel against the
 * relay's inner policy. A multicast destination wider than link scope is
 * never accepted from a tunnel: it is not the client's to reach. */
enum relay_inner_verdict relay_inner_ok(const struct relay *r,
					const uint8_t *pkt);

/* May a datagram from src belong to this tunnel? */
bool relay_source_ok(const struct relay *r, const struct sockaddr_in *src);

/* Receives a packet that passed every check (it points into the caller's
 * buffer). */
typedef void relay_accept_fn(void *arg, uint8_t *pkt, size_t len);

/* Check what one receive returned: len bytes in buf from src (NULL when
 * the kernel reported no IPv4 source), made of datagrams of seg bytes each
 * (UDP GRO; 0 for one datagram), truncated when the kernel said MSG_TRUNC.
 * Counts every datagram in r->stats (net_rx, keepalives, each drop by
 * reason), follows the client's NAT mapping only on a keepalive or a good
 * packet from its address (RELAY_LEARN, at most once a second) or only on
 * a datagram roam_verify accepts (RELAY_ROAM), and hands each good packet
 * to accept(arg, ...) in order. */
void relay_check_datagrams(struct relay *r, const struct sockaddr_in *src,
			   uint8_t *buf, size_t len, size_t seg, bool truncated,
			   relay_accept_fn *accept, void *arg);

#endif
