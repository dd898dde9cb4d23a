/* TUN -> network. With a virtio-net header, a TCP super-packet read from
 * the TUN device is cut into wire-sized packets whose headers are built here
 * and whose payloads stay in the read buffer; over UDP each run of
 * equal-sized packets goes to the kernel as one UDP GSO message
 * (UDP_SEGMENT), which the kernel cuts into one datagram per packet (or
 * hands whole to a veth); a raw protocol-41 socket has no GSO, so there the
 * packets go one per message, many messages per sendmmsg. */
#include "relay/relay_priv.h"

#include "common/monotime.h"
#include "relay/gso.h"

#include <errno.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

_Thread_local uint8_t relay_bufs[RELAY_BATCH][RELAY_BUF];

/* udp_send_skb() refuses more segments than UDP_MAX_SEGMENTS (64 before
 * Linux 6.9) and, through ip_append_data(), a message over the 64 KB IPv4
 * limit less the IPv4 and UDP headers. */
#define TX_GSO_SEGS 64
#define TX_GSO_BYTES (65535 - 20 - 8)
#define TX_MSGS 128                    /* messages per sendmmsg */
#define TX_IOVS (TX_MSGS * 4 + 1024)   /* two per segment */
#define TX_HDRS (TX_IOVS / 2 * 96)     /* typical header block: 72 bytes */

struct tx_meta {
	unsigned nseg;      /* datagrams in the message */
	unsigned iov_per;   /* iovecs per datagram: 1 or 2 */
	size_t dgram;       /* UDP_SEGMENT size, 0 without */
};

/* IP_PKTINFO (a shared socket) and UDP_SEGMENT (a GSO run). */
union tx_ctl {
	char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
		 CMSG_SPACE(sizeof(uint16_t))];
	struct cmsghdr align;
};

static _Thread_local struct {
	struct mmsghdr msgs[TX_MSGS];
	struct tx_meta meta[TX_MSGS];
	union tx_ctl ctl[TX_MSGS];
	struct iovec iov[TX_IOVS];
	uint8_t hdrs[TX_HDRS];
	int nmsg;
	size_t niov, nhdr;
} tx;

/* Append a control message to m, whose buffer is ctl. */
static void tx_cmsg(struct msghdr *m, union tx_ctl *ctl, int level, int type,
		    const void *data, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)(ctl->buf + m->msg_controllen);

	m->msg_control = ctl->buf;
	m->msg_controllen += CMSG_SPACE(len);
	memset(c, 0, CMSG_SPACE(len));
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
}

/* On a socket shared by many tunnels, send from the tunnel's own
 * address: the one its client knows as ours. */
static void tx_source(const struct relay *r, struct msghdr *m, union tx_ctl *ctl)
{
	struct in_pktinfo pi = { .ipi_spec_dst = r->local4 };

	if ((r->encap != RELAY_P41 && !r->net_shared) ||
	    r->local4.s_addr == INADDR_ANY)
		return;
	tx_cmsg(m, ctl, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
}

/* Send the datagrams of GSO message m one by one: the kernel refused the
 * segmentation (EIO: the route's device cannot checksum; EINVAL: a
 * segment is larger than the path MTU, which plain sends fragment). */
static void tx_send_each(struct relay *r, int m)
{
	static _Thread_local struct mmsghdr one[TX_GSO_SEGS];
	static _Thread_local union tx_ctl ctl[TX_GSO_SEGS];
	const struct msghdr *gm = &tx.msgs[m].msg_hdr;
	unsigned per = tx.meta[m].iov_per;
	int sent;

	for (unsigned i = 0; i < tx.meta[m].nseg; i++) {
		memset(&one[i], 0, sizeof(one[i]));
		one[i].msg_hdr.msg_iov = gm->msg_iov + (size_t)i * per;
		one[i].msg_hdr.msg_iovlen = per;
		one[i].msg_hdr.msg_name = gm->msg_name;
		one[i].msg_hdr.msg_namelen = gm->msg_namelen;
		tx_source(r, &one[i].msg_hdr, &ctl[i]);
	}
	RELAY_COUNT(r, gso_fallback, 1);
	for (unsigned off = 0; off < tx.meta[m].nseg; off += (unsigned)sent) {
		sent = sendmmsg(r->net_fd, one + off, tx.meta[m].nseg - off,
				MSG_DONTWAIT);
		if (sent <= 0) {
			/* A full socket buffer or an ICMP error from the
			 * peer: drop this packet like a router would. */
			relay_net_error(r, errno);
			RELAY_COUNT(r, drop_io, 1);
			sent = 1;
			continue;
		}
		RELAY_COUNT(r, net_tx, (uint64_t)sent);
	}
}

static void tx_flush(struct relay *r)
{
	int sent, err;

	for (int off = 0; off < tx.nmsg; off += sent) {
		sent = sendmmsg(r->net_fd, tx.msgs + off,
				(unsigned)(tx.nmsg - off), MSG_DONTWAIT);
		if (sent > 0) {
			for (int i = off; i < off + sent; i++)
				RELAY_COUNT(r, net_tx, tx.meta[i].nseg);
			continue;
		}
		err = errno;
		sent = 1;
		if (tx.meta[off].nseg > 1 &&
		    (err == EIO || err == EINVAL || err == EMSGSIZE)) {
			if (err == EIO)
				r->udp_gso = false;
			else if (r->udp_gso_refused == 0 ||
				 tx.meta[off].dgram < r->udp_gso_refused)
				r->udp_gso_refused = tx.meta[off].dgram;
			tx_send_each(r, off);
			continue;
		}
		/* A full socket buffer: drop like a router would. */
		relay_net_error(r, err);
		RELAY_COUNT(r, drop_io, tx.meta[off].nseg);
	}
	if (tx.nmsg > 0)
		relay_set_ms(&r->last_tx_ms, monotime_ms());
	tx.nmsg = 0;
	tx.niov = tx.nhdr = 0;
}

/* Start a message of niov iovecs from tx.iov[tx.niov], flushing first when
 * the batch has no room for it and `hdrs` header bytes. */
static struct msghdr *tx_msg(struct relay *r, size_t niov, size_t hdrs)
{
	struct msghdr *m;

	if (tx.nmsg == TX_MSGS || tx.niov + niov > TX_IOVS ||
	    tx.nhdr + hdrs > TX_HDRS)
		tx_flush(r);
	m = &tx.msgs[tx.nmsg].msg_hdr;
	memset(m, 0, sizeof(*m));
	m->msg_iov = &tx.iov[tx.niov];
	m->msg_iovlen = niov;
	m->msg_name = &r->peer;
	m->msg_namelen = sizeof(r->peer);
	tx_source(r, m, &tx.ctl[tx.nmsg]);
	return m;
}

static void tx_add_single(struct relay *r, uint8_t *pkt, size_t len)
{
	tx_msg(r, 1, 0);
	tx.iov[tx.niov].iov_base = pkt;
	tx.iov[tx.niov].iov_len = len;
	tx.niov++;
	tx.meta[tx.nmsg] = (struct tx_meta){ .nseg = 1, .iov_per = 1 };
	tx.nmsg++;
}

static void tx_add_gso(struct relay *r, const struct gso_pkt *g)
{
	size_t dgram = g->hlen + g->mss, chunk = 1;

	/* Datagrams that big failed before (larger than the path MTU):
	 * send them one by one from the start, the kernel fragments them. */
	if (r->udp_gso && (r->udp_gso_refused == 0 ||
			   dgram < r->udp_gso_refused)) {
		chunk = TX_GSO_BYTES / dgram;
		if (chunk > TX_GSO_SEGS)
			chunk = TX_GSO_SEGS;
		if (chunk == 0)
			chunk = 1;
	}
	for (unsigned i = 0; i < g->nseg;) {
		unsigned cnt = g->nseg - i < chunk ? g->nseg - i
						   : (unsigned)chunk;
		struct msghdr *m = tx_msg(r, 2 * (size_t)cnt, cnt * g->hlen);

		for (unsigned k = 0; k < cnt; k++) {
			uint8_t *hdr = tx.hdrs + tx.nhdr;
			const uint8_t *pay;
			size_t plen;

			gso_segment(g, i + k, hdr, &pay, &plen);
			tx.nhdr += g->hlen;
			tx.iov[tx.niov++] = (struct iovec){ hdr, g->hlen };
			tx.iov[tx.niov++] = (struct iovec){ (void *)pay, plen };
		}
		if (cnt > 1) {
			/* Every datagram but the last is exactly dgram
			 * bytes long, as UDP_SEGMENT requires. */
			uint16_t size = (uint16_t)dgram;

			tx_cmsg(m, &tx.ctl[tx.nmsg], SOL_UDP, UDP_SEGMENT,
				&size, sizeof(size));
		}
		tx.meta[tx.nmsg] = (struct tx_meta){
			.nseg = cnt, .iov_per = 2, .dgram = cnt > 1 ? dgram : 0
		};
		tx.nmsg++;
		i += cnt;
	}
}

/* Take one packet read from r's TUN device into buf[len] (after a
 * virtio-net header when r has one): checked, counted and queued. */
static void tx_take(struct relay *r, uint8_t *buf, size_t len)
{
	size_t hlen = r->tun_vnet ? VNET_HDR_LEN : 0;
	uint8_t *pkt = buf + hlen;
	size_t plen = len >= hlen ? len - hlen : 0;
	struct virtio_net_hdr vh;
	struct gso_pkt g;
	int kind = GSO_SINGLE;

	if (len < hlen || !relay_packet_ok(pkt, plen)) {
		RELAY_COUNT(r, tun_rx, 1);
		RELAY_COUNT(r, drop_malformed, 1);
		return;
	}
	if (r->tun_vnet) {
		memcpy(&vh, buf, sizeof(vh));
		kind = gso_prepare(&vh, pkt, plen, &g);
		if (kind < 0) {
			RELAY_COUNT(r, tun_rx, 1);
			RELAY_COUNT(r, drop_malformed, 1);
			return;
		}
	}
	/* Counted as the packets they will be on the wire. */
	RELAY_COUNT(r, tun_rx, kind == GSO_SPLIT ? g.nseg : 1);
	if (!relay_peer_known(r)) {
		RELAY_COUNT(r, drop_no_peer, kind == GSO_SPLIT ? g.nseg : 1);
		return;
	}
	RELAY_COUNT(r, bytes_out, plen);
	if (kind == GSO_SPLIT)
		tx_add_gso(r, &g);
	else
		tx_add_single(r, pkt, plen);
}

void relay_from_tun(struct relay *r)
{
	for (int n = 0; n < RELAY_BATCH; n++) {
		ssize_t len = read(r->tun_fd, relay_bufs[n], RELAY_BUF);

		if (len < 0)
			break;  /* EAGAIN, or an error the next event repeats */
		tx_take(r, relay_bufs[n], (size_t)len);
	}
	tx_flush(r);
}

void relay_tun_demux(int tun_fd, bool vnet, relay_route_fn *route, void *arg,
		     struct relay_tun_stats *st)
{
	size_t hlen = vnet ? VNET_HDR_LEN : 0;
	struct relay *r, *cur = NULL;

	for (int n = 0; n < RELAY_BATCH; n++) {
		ssize_t len = read(tun_fd, relay_bufs[n], RELAY_BUF);

		if (len < 0)
			break;  /* EAGAIN, or an error the next event repeats */
		st->rx++;
		if ((size_t)len < hlen + RELAY_IP6_HLEN) {
			st->drop_malformed++;
			continue;
		}
		r = route(arg, relay_bufs[n] + hlen + 24);
		if (r == NULL) {
			st->drop_no_route++;
			continue;
		}
		/* A batch goes out on one tunnel's socket: send what the
		 * last tunnel has queued before another's. */
		if (r != cur && cur != NULL)
			tx_flush(cur);
		cur = r;
		tx_take(r, relay_bufs[n], (size_t)len);
	}
	if (cur != NULL)
		tx_flush(cur);
}
