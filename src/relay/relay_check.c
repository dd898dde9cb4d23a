/* Packet, source and inner-policy checks, and endpoint learning. */
#include "relay/relay_check.h"

#include "common/monotime.h"
#include "common/prefix6.h"

#include <string.h>

bool relay_packet_ok(const uint8_t *pkt, size_t len)
{
	if (len < RELAY_IP6_HLEN || (pkt[0] >> 4) != 6)
		return false;
	return (size_t)((pkt[4] << 8) | pkt[5]) + RELAY_IP6_HLEN == len;
}

int relay_p41_outer(const uint8_t *buf, size_t len, struct in_addr *src,
		    struct in_addr *dst)
{
	size_t hlen;

	if (len < 20 || (buf[0] >> 4) != 4)
		return -1;
	hlen = (size_t)(buf[0] & 0x0f) * 4;
	/* Raw sockets see reassembled datagrams: a fragment here, or a
	 * length that disagrees, is not a packet of ours. */
	if (hlen < 20 || hlen + RELAY_IP6_HLEN > len || buf[9] != IPPROTO_IPV6 ||
	    (size_t)(buf[2] << 8 | buf[3]) != len ||
	    ((buf[6] & 0x3f) | buf[7]) != 0)
		return -1;
	memcpy(&src->s_addr, buf + 12, 4);
	memcpy(&dst->s_addr, buf + 16, 4);
	return (int)hlen;
}

bool relay_source_ok(const struct relay *r, const struct sockaddr_in *src)
{
	if (src->sin_addr.s_addr != r->peer.sin_addr.s_addr)
		return false;
	return r->mode != RELAY_FIXED || src->sin_port == r->peer.sin_port;
}

/* Move the endpoint to src's port. */
static void relay_move(struct relay *r, const struct sockaddr_in *src,
		       uint64_t now)
{
	struct sockaddr_in old = r->peer;

	__atomic_store_n(&r->peer.sin_port, src->sin_port, __ATOMIC_RELAXED);
	r->last_move_ms = now;
	RELAY_COUNT(r, moves, 1);
	if (r->on_peer_change)
		r->on_peer_change(r->arg, &old, &r->peer);
}

/* Only a valid datagram from the client's address moves the endpoint of a
 * learning relay, and not twice in a second (the first one is free). */
static bool relay_learn(struct relay *r, const struct sockaddr_in *src)
{
	uint64_t now;

	if (src->sin_port == r->peer.sin_port)
		return true;
	if (r->mode != RELAY_LEARN)
		return false;
	now = monotime_ms();
	if (r->peer.sin_port != 0 && r->last_move_ms != 0 &&
	    now - r->last_move_ms < RELAY_LEARN_MOVE_MS)
		return false;
	relay_move(r, src, now);
	return true;
}

/* A roaming relay's datagram that is no IPv6 packet: an authenticated
 * keepalive (which may move the endpoint), or dropped. */
static void relay_roam_keepalive(struct relay *r,
				 const struct sockaddr_in *src,
				 const uint8_t *dg, size_t len)
{
	if (r->roam_verify == NULL || !r->roam_verify(r->arg, dg, len)) {
		RELAY_COUNT(r, roam_refused, 1);
		if (src->sin_port == r->peer.sin_port)
			RELAY_COUNT(r, drop_malformed, 1);
		else
			RELAY_COUNT(r, drop_source, 1);
		return;
	}
	RELAY_COUNT(r, keepalives, 1);
	if (src->sin_port != r->peer.sin_port)
		relay_move(r, src, monotime_ms());
}

enum relay_inner_verdict relay_inner_ok(const struct relay *r,
					const uint8_t *pkt)
{
	const uint8_t *src = pkt + 8, *dst = pkt + 24;
	static const uint8_t unspec[16];

	/* ff0s::/16 with scope s: 1 interface, 2 link; wider ones could be
	 * forwarded by a multicast router on the server. */
	if (dst[0] == 0xff && (dst[1] & 0x0f) > 2)
		return RELAY_INNER_SCOPE;
	if (!r->inner_check)
		return RELAY_INNER_OK;
	/* fe80::/10 and :: (what DAD and MLD send from) are for the
	 * tunnel link only: link-local or link-scope multicast
	 * destinations. */
	if ((src[0] == 0xfe && (src[1] & 0xc0) == 0x80) ||
	    memcmp(src, unspec, 16) == 0)
		return (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80) ||
		       dst[0] == 0xff ? RELAY_INNER_OK : RELAY_INNER_SPOOF;
	if (r->inner_has_src && memcmp(src, &r->inner_src, 16) == 0)
		return RELAY_INNER_OK;
	for (unsigned i = 0; i < r->inner_nprefixes; i++)
		if (prefix6_match(r->inner_prefix[i].addr.s6_addr, src,
				  r->inner_prefix[i].plen))
			return RELAY_INNER_OK;
	return RELAY_INNER_SPOOF;
}

void relay_check_datagrams(struct relay *r, const struct sockaddr_in *src,
			   uint8_t *buf, size_t len, size_t seg, bool truncated,
			   relay_accept_fn *accept, void *arg)
{
	uint64_t n = 1;

	if (seg == 0 || seg > len)
		seg = len;
	else
		n = (len + seg - 1) / seg;
	RELAY_COUNT(r, net_rx, n);
	if (src == NULL || !relay_source_ok(r, src)) {
		RELAY_COUNT(r, drop_source, n);
		return;
	}
	if (len == 0) {
		/* Carries nothing to authenticate: a roaming relay takes it
		 * only from the endpoint it has. */
		if (r->mode == RELAY_ROAM &&
		    src->sin_port != r->peer.sin_port) {
			RELAY_COUNT(r, drop_source, 1);
			return;
		}
		RELAY_COUNT(r, keepalives, 1);
		relay_learn(r, src);
		return;
	}
	if (truncated) {
		RELAY_COUNT(r, drop_malformed, n);
		return;
	}
	for (size_t off = 0; off < len; off += seg) {
		size_t plen = len - off < seg ? len - off : seg;

		if (!relay_packet_ok(buf + off, plen)) {
			if (r->mode == RELAY_ROAM)
				relay_roam_keepalive(r, src, buf + off, plen);
			else
				RELAY_COUNT(r, drop_malformed, 1);
			continue;
		}
		if (r->mode == RELAY_ROAM &&
		    src->sin_port != r->peer.sin_port) {
			RELAY_COUNT(r, drop_source, 1);
			continue;
		}
		switch (relay_inner_ok(r, buf + off)) {
		case RELAY_INNER_SPOOF:
			RELAY_COUNT(r, drop_spoof, 1);
			continue;
		case RELAY_INNER_SCOPE:
			RELAY_COUNT(r, drop_scope, 1);
			continue;
		case RELAY_INNER_OK:
			break;
		}
		if (!relay_learn(r, src)) {
			RELAY_COUNT(r, drop_source, 1);
			continue;
		}
		accept(arg, buf + off, plen);
	}
}
