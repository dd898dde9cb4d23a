/* TUN <-> UDP relay with packet and source checks. */
#include "relay/relay.h"

#include "common/ev.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELAY_BATCH 32
#define RELAY_BUF 65536  /* largest datagram, so oversize cannot truncate */
#define IPV6_HDR_LEN 40

static uint8_t bufs[RELAY_BATCH][RELAY_BUF];
static struct mmsghdr msgs[RELAY_BATCH];
static struct iovec iovs[RELAY_BATCH];
static struct sockaddr_in srcs[RELAY_BATCH];

bool relay_packet_ok(const uint8_t *pkt, size_t len)
{
	if (len < IPV6_HDR_LEN || (pkt[0] >> 4) != 6)
		return false;
	return (size_t)((pkt[4] << 8) | pkt[5]) + IPV6_HDR_LEN == len;
}

void relay_init(struct relay *r, int tun_fd, int udp_fd,
		enum relay_mode mode, const struct sockaddr_in *peer)
{
	memset(r, 0, sizeof(*r));
	r->tun_fd = tun_fd;
	r->udp_fd = udp_fd;
	r->mode = mode;
	r->peer = *peer;
}

void relay_from_tun(struct relay *r)
{
	int n = 0, sent;

	while (n < RELAY_BATCH) {
		ssize_t len = read(r->tun_fd, bufs[n], RELAY_BUF);

		if (len < 0)
			break;  /* EAGAIN, or an error the next event repeats */
		r->stats.tun_rx++;
		if (!relay_packet_ok(bufs[n], (size_t)len)) {
			r->stats.drop_malformed++;
			continue;
		}
		if (r->peer.sin_port == 0) {
			r->stats.drop_no_peer++;
			continue;
		}
		iovs[n].iov_base = bufs[n];
		iovs[n].iov_len = (size_t)len;
		memset(&msgs[n].msg_hdr, 0, sizeof(msgs[n].msg_hdr));
		msgs[n].msg_hdr.msg_iov = &iovs[n];
		msgs[n].msg_hdr.msg_iovlen = 1;
		msgs[n].msg_hdr.msg_name = &r->peer;
		msgs[n].msg_hdr.msg_namelen = sizeof(r->peer);
		n++;
	}
	for (int off = 0; off < n; off += sent) {
		sent = sendmmsg(r->udp_fd, msgs + off, (unsigned)(n - off),
				MSG_DONTWAIT);
		if (sent <= 0) {
			/* A full socket buffer or an ICMP error from the
			 * peer: drop this packet like a router would. */
			r->stats.drop_io++;
			sent = 1;
			continue;
		}
		r->stats.udp_tx += (uint64_t)sent;
	}
	if (n > 0)
		r->last_tx_ms = monotime_ms();
}

/* Decide whether a datagram from `src` may belong to this tunnel. */
static bool relay_source_ok(const struct relay *r,
			    const struct sockaddr_in *src)
{
	if (src->sin_addr.s_addr != r->peer.sin_addr.s_addr)
		return false;
	return r->mode == RELAY_LEARN || src->sin_port == r->peer.sin_port;
}

/* Follow the client's NAT mapping: only a valid datagram from the
 * client's address moves the endpoint. */
static void relay_learn(struct relay *r, const struct sockaddr_in *src)
{
	struct sockaddr_in old = r->peer;

	if (r->mode != RELAY_LEARN || src->sin_port == r->peer.sin_port)
		return;
	r->peer.sin_port = src->sin_port;
	if (r->on_peer_change)
		r->on_peer_change(r->arg, &old, &r->peer);
}

void relay_from_udp(struct relay *r)
{
	int n;

	for (int i = 0; i < RELAY_BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = RELAY_BUF;
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &srcs[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(srcs[i]);
	}
	n = recvmmsg(r->udp_fd, msgs, RELAY_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		size_t len = msgs[i].msg_len;

		r->stats.udp_rx++;
		if (msgs[i].msg_hdr.msg_namelen != sizeof(srcs[i]) ||
		    srcs[i].sin_family != AF_INET ||
		    !relay_source_ok(r, &srcs[i])) {
			r->stats.drop_source++;
			continue;
		}
		if (len == 0) {
			r->stats.keepalives++;
			relay_learn(r, &srcs[i]);
			continue;
		}
		if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    !relay_packet_ok(bufs[i], len)) {
			r->stats.drop_malformed++;
			continue;
		}
		relay_learn(r, &srcs[i]);
		if (write(r->tun_fd, bufs[i], len) != (ssize_t)len) {
			r->stats.drop_io++;
			continue;
		}
		r->stats.tun_tx++;
	}
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
