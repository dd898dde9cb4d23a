/* TUN <-> UDP relay: set-up, packet and source checks, endpoint learning,
 * keepalives. The two directions live in relay_tx.c and relay_rx.c. */
#include "relay/relay_int.h"

#include "common/monotime.h"
#include "os/tun.h"

#include <errno.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

uint8_t relay_bufs[RELAY_BATCH][RELAY_BUF];

bool relay_packet_ok(const uint8_t *pkt, size_t len)
{
	if (len < RELAY_IP6_HLEN || (pkt[0] >> 4) != 6)
		return false;
	return (size_t)((pkt[4] << 8) | pkt[5]) + RELAY_IP6_HLEN == len;
}

void relay_init(struct relay *r, int tun_fd, int udp_fd,
		enum relay_mode mode, const struct sockaddr_in *peer)
{
	int on = 1, seg = 0;
	socklen_t slen = sizeof(seg);

	memset(r, 0, sizeof(*r));
	r->tun_fd = tun_fd;
	r->udp_fd = udp_fd;
	r->mode = mode;
	r->peer = *peer;
	r->tun_vnet = tun_has_vnet_hdr(tun_fd);
	r->tun_gso = r->tun_vnet;
	/* UDP_SEGMENT (Linux 4.18) is sent per message; the option read
	 * only tells whether this kernel knows it. Without a virtio-net
	 * header there are no super-packets to send with it. */
	r->udp_gso = r->tun_vnet &&
		     getsockopt(udp_fd, SOL_UDP, UDP_SEGMENT, &seg, &slen) == 0;
	/* UDP_GRO (Linux 5.0): datagrams of one burst arrive as one buffer
	 * and a GSO burst from a local sender (veth) is never cut apart. */
	r->udp_gro = setsockopt(udp_fd, SOL_UDP, UDP_GRO, &on,
				sizeof(on)) == 0;
}

void relay_from_tun(struct relay *r)
{
	if (r->tun_vnet)
		relay_tx_vnet(r);
	else
		relay_tx_plain(r);
}

void relay_from_udp(struct relay *r)
{
	relay_rx(r);
}

bool relay_source_ok(const struct relay *r, const struct sockaddr_in *src)
{
	if (src->sin_addr.s_addr != r->peer.sin_addr.s_addr)
		return false;
	return r->mode == RELAY_LEARN || src->sin_port == r->peer.sin_port;
}

/* Only a valid datagram from the client's address moves the endpoint. */
void relay_learn(struct relay *r, const struct sockaddr_in *src)
{
	struct sockaddr_in old = r->peer;

	if (r->mode != RELAY_LEARN || src->sin_port == r->peer.sin_port)
		return;
	r->peer.sin_port = src->sin_port;
	if (r->on_peer_change)
		r->on_peer_change(r->arg, &old, &r->peer);
}

int relay_send_keepalive(struct relay *r)
{
	if (r->peer.sin_port == 0)
		return -ENOTCONN;
	if (sendto(r->udp_fd, "", 0, MSG_DONTWAIT,
		   (const struct sockaddr *)&r->peer, sizeof(r->peer)) < 0)
		return -errno;
	r->last_tx_ms = monotime_ms();
	return 0;
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
	return RELAY_INNER_SPOOF;
}
