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

uint8_t relay_bufs[RELAY_BATCH][RELAY_BUF];

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

/* UDP_SEGMENT (UDP) or IP_PKTINFO (protocol 41): never both. */
union tx_ctl {
	char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

static struct {
	struct mmsghdr msgs[TX_MSGS];
	struct tx_meta meta[TX_MSGS];
	union tx_ctl ctl[TX_MSGS];
	struct iovec iov[TX_IOVS];
	uint8_t hdrs[TX_HDRS];
	int nmsg;
	size_t niov, nhdr;
} tx;

/* On a shared protocol-41 socket, send from the tunnel's own address. */
static void tx_source(const struct relay *r, struct msghdr *m, union tx_ctl *ctl)
{
	struct in_pktinfo pi = { .ipi_spec_dst = r->local4 };
	struct cmsghdr *c;

	if (r->encap != RELAY_P41 || r->local4.s_addr == INADDR_ANY)
		return;
	m->msg_control = ctl->buf;
	m->msg_controllen = CMSG_SPACE(sizeof(pi));
	c = CMSG_FIRSTHDR(m);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

/* A batch of plain packets (also the path for a descriptor without a
 * virtio-net header): iov[i] is datagram i. */
static void tx_sendmmsg(struct relay *r, struct mmsghdr *msgs, int n)
{
	int sent;

	for (int off = 0; off < n; off += sent) {
		sent = sendmmsg(r->net_fd, msgs + off, (unsigned)(n - off),
				MSG_DONTWAIT);
		if (sent <= 0) {
			/* A full socket buffer or an ICMP error from the
			 * peer: drop this packet like a router would. */
			relay_net_error(r, errno);
			r->stats.drop_io++;
			sent = 1;
			continue;
		}
		r->stats.net_tx += (uint64_t)sent;
	}
}

static void relay_tx_plain(struct relay *r)
{
	static struct iovec iovs[RELAY_BATCH];
	static struct mmsghdr msgs[RELAY_BATCH];
	static union tx_ctl ctls[RELAY_BATCH];
	int n = 0;

	while (n < RELAY_BATCH) {
		ssize_t len = read(r->tun_fd, relay_bufs[n], RELAY_BUF);

		if (len < 0)
			break;  /* EAGAIN, or an error the next event repeats */
		r->stats.tun_rx++;
		if (!relay_packet_ok(relay_bufs[n], (size_t)len)) {
			r->stats.drop_malformed++;
			continue;
		}
		if (!relay_peer_known(r)) {
			r->stats.drop_no_peer++;
			continue;
		}
		r->stats.bytes_out += (size_t)len;
		iovs[n].iov_base = relay_bufs[n];
		iovs[n].iov_len = (size_t)len;
		memset(&msgs[n].msg_hdr, 0, sizeof(msgs[n].msg_hdr));
		msgs[n].msg_hdr.msg_iov = &iovs[n];
		msgs[n].msg_hdr.msg_iovlen = 1;
		msgs[n].msg_hdr.msg_name = &r->peer;
		msgs[n].msg_hdr.msg_namelen = sizeof(r->peer);
		tx_source(r, &msgs[n].msg_hdr, &ctls[n]);
		n++;
	}
	tx_sendmmsg(r, msgs, n);
	if (n > 0)
		r->last_tx_ms = monotime_ms();
}

/* Send the datagrams of GSO message m one by one: the kernel refused the
 * segmentation (EIO: the route's device cannot checksum; EINVAL: a
 * segment is larger than the path MTU, which plain sends fragment). */
static void tx_send_each(struct relay *r, int m)
{
	static struct mmsghdr one[TX_GSO_SEGS];
	const struct msghdr *gm = &tx.msgs[m].msg_hdr;
	unsigned per = tx.meta[m].iov_per;

	for (unsigned i = 0; i < tx.meta[m].nseg; i++) {
		memset(&one[i], 0, sizeof(one[i]));
		one[i].msg_hdr.msg_iov = gm->msg_iov + (size_t)i * per;
		one[i].msg_hdr.msg_iovlen = per;
		one[i].msg_hdr.msg_name = gm->msg_name;
		one[i].msg_hdr.msg_namelen = gm->msg_namelen;
	}
	r->stats.gso_fallback++;
	tx_sendmmsg(r, one, (int)tx.meta[m].nseg);
}

static void tx_flush(struct relay *r)
{
	int sent, err;

	for (int off = 0; off < tx.nmsg; off += sent) {
		sent = sendmmsg(r->net_fd, tx.msgs + off,
				(unsigned)(tx.nmsg - off), MSG_DONTWAIT);
		if (sent > 0) {
			for (int i = off; i < off + sent; i++)
				r->stats.net_tx += tx.meta[i].nseg;
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
		r->stats.drop_io += tx.meta[off].nseg;
	}
	if (tx.nmsg > 0)
		r->last_tx_ms = monotime_ms();
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
			struct cmsghdr *c;
			uint16_t size = (uint16_t)dgram;

			m->msg_control = tx.ctl[tx.nmsg].buf;
			m->msg_controllen = CMSG_SPACE(sizeof(size));
			c = CMSG_FIRSTHDR(m);
			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(size));
			memcpy(CMSG_DATA(c), &size, sizeof(size));
		}
		tx.meta[tx.nmsg] = (struct tx_meta){
			.nseg = cnt, .iov_per = 2, .dgram = cnt > 1 ? dgram : 0
		};
		tx.nmsg++;
		i += cnt;
	}
}

static void relay_tx_vnet(struct relay *r)
{
	struct virtio_net_hdr vh;
	struct gso_pkt g;

	for (int n = 0; n < RELAY_BATCH; n++) {
		uint8_t *buf = relay_bufs[n], *pkt = buf + VNET_HDR_LEN;
		ssize_t len = read(r->tun_fd, buf, RELAY_BUF);
		size_t plen;
		int kind;

		if (len < 0)
			break;  /* EAGAIN, or an error the next event repeats */
		plen = (size_t)len - VNET_HDR_LEN;
		if ((size_t)len < VNET_HDR_LEN ||
		    !relay_packet_ok(pkt, plen)) {
			r->stats.tun_rx++;
			r->stats.drop_malformed++;
			continue;
		}
		memcpy(&vh, buf, sizeof(vh));
		kind = gso_prepare(&vh, pkt, plen, &g);
		if (kind < 0) {
			r->stats.tun_rx++;
			r->stats.drop_malformed++;
			continue;
		}
		/* Counted as the packets they will be on the wire. */
		r->stats.tun_rx += kind == GSO_SPLIT ? g.nseg : 1;
		if (!relay_peer_known(r)) {
			r->stats.drop_no_peer += kind == GSO_SPLIT ? g.nseg : 1;
			continue;
		}
		r->stats.bytes_out += plen;
		if (kind == GSO_SPLIT)
			tx_add_gso(r, &g);
		else
			tx_add_single(r, pkt, plen);
	}
	tx_flush(r);
}

void relay_from_tun(struct relay *r)
{
	if (r->tun_vnet)
		relay_tx_vnet(r);
	else
		relay_tx_plain(r);
}
