/* Network -> TUN. Over UDP with UDP_GRO the kernel hands over a run of
 * datagrams from one source as one buffer and says their size in a control
 * message (udp_cmsg_recv()); each datagram is checked exactly as a lone
 * one. A raw protocol-41 socket delivers each packet with its IPv4 header,
 * which is checked and cut off; the server's one socket for every tunnel
 * is demultiplexed by the outer source. The packets then go through the
 * coalescer, which writes runs of TCP segments to a TUN device with a
 * virtio-net header as one GSO packet. */
#include "relay/relay_priv.h"

#include "common/monotime.h"
#include "relay/gro.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

union rx_ctl {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

static _Thread_local struct mmsghdr rx_msgs[RELAY_BATCH];
static _Thread_local struct iovec rx_iovs[RELAY_BATCH];
static _Thread_local struct sockaddr_in rx_srcs[RELAY_BATCH];
static _Thread_local union rx_ctl rx_ctls[RELAY_BATCH];
static _Thread_local struct gro rx_gro;

static void rx_emit(void *arg, const struct iovec *iov, int iovcnt,
		    unsigned npkts)
{
	struct relay *r = arg;
	size_t want = 0;
	ssize_t n;

	/* Without the header the coalescer is off: one packet, one write. */
	if (!r->tun_vnet) {
		iov++;
		iovcnt--;
	}
	for (int i = 0; i < iovcnt; i++)
		want += iov[i].iov_len;
	n = writev(r->tun_fd, iov, iovcnt);
	if (n >= 0 && (size_t)n == want) {
		RELAY_COUNT(r, tun_tx, npkts);
		RELAY_COUNT(r, bytes_in, want - (r->tun_vnet ? iov[0].iov_len : 0));
		relay_set_ms(&r->last_rx_ms, monotime_ms());
		return;
	}
	/* tun_get_user() refuses a virtio-net header it finds invalid with
	 * EINVAL: should that ever be a GSO one, stop merging rather than
	 * lose every burst from now on. */
	if (n < 0 && errno == EINVAL && npkts > 1)
		r->tun_gso = false;
	RELAY_COUNT(r, drop_io, npkts);
}

/* The datagram size of a coalesced buffer, 0 for a single datagram. */
static size_t rx_gro_size(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		int size;

		if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO ||
		    c->cmsg_len < CMSG_LEN(sizeof(size)))
			continue;
		memcpy(&size, CMSG_DATA(c), sizeof(size));
		return size > 0 ? (size_t)size : 0;
	}
	return 0;
}

static void rx_accept(void *arg, uint8_t *pkt, size_t len)
{
	gro_add(arg, pkt, len);
}

/* Check and pass on the datagrams of message i. */
static void rx_one(struct relay *r, int i)
{
	struct msghdr *m = &rx_msgs[i].msg_hdr;
	bool from_v4 = m->msg_namelen == sizeof(rx_srcs[i]) &&
		       rx_srcs[i].sin_family == AF_INET;

	relay_check_datagrams(r, from_v4 ? &rx_srcs[i] : NULL, relay_bufs[i],
			      rx_msgs[i].msg_len, rx_gro_size(m),
			      (m->msg_flags & MSG_TRUNC) != 0, rx_accept,
			      &rx_gro);
}

/* One recvmmsg into the shared buffers: the number of messages, or -errno. */
static int rx_receive(int fd)
{
	int n;

	for (int i = 0; i < RELAY_BATCH; i++) {
		rx_iovs[i].iov_base = relay_bufs[i];
		rx_iovs[i].iov_len = RELAY_BUF;
		memset(&rx_msgs[i].msg_hdr, 0, sizeof(rx_msgs[i].msg_hdr));
		rx_msgs[i].msg_hdr.msg_iov = &rx_iovs[i];
		rx_msgs[i].msg_hdr.msg_iovlen = 1;
		rx_msgs[i].msg_hdr.msg_name = &rx_srcs[i];
		rx_msgs[i].msg_hdr.msg_namelen = sizeof(rx_srcs[i]);
		rx_msgs[i].msg_hdr.msg_control = rx_ctls[i].buf;
		rx_msgs[i].msg_hdr.msg_controllen = sizeof(rx_ctls[i].buf);
	}
	n = recvmmsg(fd, rx_msgs, RELAY_BATCH, MSG_DONTWAIT, NULL);
	return n < 0 ? -errno : n;
}

/* The IPv6 packet of protocol-41 message i, whose outer header said src
 * and dst and ends at off: checked as r's own. */
static void rx_p41_one(struct relay *r, int i, int off, struct in_addr src,
		       struct in_addr dst)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_addr = src };

	if (off < 0 || (rx_msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ||
	    (r->local4.s_addr != INADDR_ANY && dst.s_addr != r->local4.s_addr)) {
		RELAY_COUNT(r, net_rx, 1);
		RELAY_COUNT(r, drop_outer, 1);
		return;
	}
	relay_check_datagrams(r, &from, relay_bufs[i] + off,
			      rx_msgs[i].msg_len - (size_t)off, 0, false,
			      rx_accept, &rx_gro);
}

void relay_from_net(struct relay *r)
{
	struct in_addr src, dst;
	int n, off;

	n = rx_receive(r->net_fd);
	if (n < 0) {
		relay_net_error(r, -n);
		return;
	}
	/* A held packet points into relay_bufs: all leave before return. */
	gro_init(&rx_gro, r->tun_gso, rx_emit, r);
	for (int i = 0; i < n; i++) {
		if (r->encap == RELAY_UDP) {
			rx_one(r, i);
			continue;
		}
		off = relay_p41_outer(relay_bufs[i], rx_msgs[i].msg_len, &src,
				      &dst);
		rx_p41_one(r, i, off, src, dst);
	}
	gro_flush(&rx_gro);
}

/* On a socket shared by many tunnels: consecutive packets of one tunnel
 * coalesce together; another tunnel's start a new run. */
static void rx_switch(struct relay **cur, struct relay *r)
{
	if (r == *cur)
		return;
	if (*cur != NULL)
		gro_flush(&rx_gro);
	gro_init(&rx_gro, r->tun_gso, rx_emit, r);
	*cur = r;
}

void relay_p41_demux(int fd, relay_lookup_fn *lookup, void *arg,
		     struct relay_p41_stats *st)
{
	struct relay *r, *cur = NULL;
	struct in_addr src, dst;
	int n, off;

	/* An error here is the first queued ICMP error again (IP_RECVERR):
	 * the error queue is where they are counted. */
	n = rx_receive(fd);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		st->rx++;
		off = relay_p41_outer(relay_bufs[i], rx_msgs[i].msg_len, &src,
				      &dst);
		if (off < 0 || (rx_msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) {
			st->drop_outer++;
			continue;
		}
		r = lookup(arg, src);
		if (r == NULL) {
			st->drop_unknown++;
			continue;
		}
		rx_switch(&cur, r);
		rx_p41_one(r, i, off, src, dst);
	}
	if (cur != NULL)
		gro_flush(&rx_gro);
}

void relay_udp_demux(int fd, relay_endpoint_fn *endpoint, void *arg,
		     struct relay_udp_stats *st)
{
	struct relay *r, *cur = NULL;
	int n;

	n = rx_receive(fd);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		struct msghdr *m = &rx_msgs[i].msg_hdr;
		size_t len = rx_msgs[i].msg_len, seg = rx_gro_size(m);
		size_t first = seg != 0 && seg < len ? seg : len;
		uint64_t ndg = seg != 0 && seg < len ? (len + seg - 1) / seg : 1;

		st->rx += ndg;
		r = m->msg_namelen == sizeof(rx_srcs[i]) &&
		    rx_srcs[i].sin_family == AF_INET
			? endpoint(arg, &rx_srcs[i], relay_bufs[i], first)
			: NULL;
		if (r == NULL) {
			st->drop_unknown += ndg;
			continue;
		}
		rx_switch(&cur, r);
		relay_check_datagrams(r, &rx_srcs[i], relay_bufs[i], len, seg,
				      (m->msg_flags & MSG_TRUNC) != 0,
				      rx_accept, &rx_gro);
	}
	if (cur != NULL)
		gro_flush(&rx_gro);
}

void relay_p41_errors(int fd, relay_lookup_fn *lookup, void *arg,
		      struct relay_p41_stats *st)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
				    sizeof(struct sockaddr_in))];
		struct cmsghdr align;
	} ctl;
	uint8_t data[64];

	/* Until it is empty (the kernel bounds it by the receive buffer):
	 * an error left there would wake the loop again at once. */
	for (;;) {
		struct sockaddr_in dst;
		struct iovec iov = { data, sizeof(data) };
		struct msghdr m = { .msg_name = &dst,
				    .msg_namelen = sizeof(dst),
				    .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.buf,
				    .msg_controllen = sizeof(ctl.buf) };
		struct sock_extended_err ee = { 0 };
		struct relay *r;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c;
		     c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == IPPROTO_IP &&
			    c->cmsg_type == IP_RECVERR &&
			    c->cmsg_len >= CMSG_LEN(sizeof(ee)))
				memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		if (ee.ee_errno == 0)
			continue;
		st->errors++;
		st->last_error = (int)ee.ee_errno;
		/* The name is where the failed packet was going: the client
		 * whose tunnel it belongs to. */
		r = m.msg_namelen >= sizeof(dst) && dst.sin_family == AF_INET
			    ? lookup(arg, dst.sin_addr) : NULL;
		if (r != NULL)
			relay_net_error(r, (int)ee.ee_errno);
		else
			st->errors_unattributed++;
	}
}
