/* The relay, UDP or protocol 41: set-up, keepalives and the closing
 * statistics. The
 * directions live in relay_tx.c (relay_from_tun) and relay_rx.c
 * (relay_from_net), the checks they share in relay_check.c. */
#include "relay/relay.h"

#include "common/monotime.h"
#include "os/tun.h"

#include <errno.h>
#include <stdio.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

void relay_init(struct relay *r, int tun_fd, int net_fd,
		enum relay_encap encap, enum relay_mode mode,
		const struct sockaddr_in *peer)
{
	int on = 1, seg = 0;
	socklen_t slen = sizeof(seg);

	memset(r, 0, sizeof(*r));
	r->tun_fd = tun_fd;
	r->net_fd = net_fd;
	r->encap = encap;
	r->mode = encap == RELAY_P41 ? RELAY_FIXED : mode;
	r->peer = *peer;
	if (encap == RELAY_P41)
		r->peer.sin_port = 0;   /* a raw socket has no ports */
	r->tun_vnet = tun_has_vnet_hdr(tun_fd);
	r->tun_gso = r->tun_vnet;
	/* UDP_SEGMENT (Linux 4.18) is sent per message; the option read
	 * only tells whether this kernel knows it. Without a virtio-net
	 * header there are no super-packets to send with it. */
	r->udp_gso = encap == RELAY_UDP && r->tun_vnet &&
		     getsockopt(net_fd, SOL_UDP, UDP_SEGMENT, &seg, &slen) == 0;
	/* UDP_GRO (Linux 5.0): datagrams of one burst arrive as one buffer
	 * and a GSO burst from a local sender (veth) is never cut apart. */
	r->udp_gro = encap == RELAY_UDP &&
		     setsockopt(net_fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
}

bool relay_peer_known(const struct relay *r)
{
	return r->encap == RELAY_P41 || r->peer.sin_port != 0;
}

int relay_send_keepalive(struct relay *r, const uint8_t *dg, size_t len)
{
	if (r->encap != RELAY_UDP)
		return -EOPNOTSUPP;   /* no NAT mapping to keep open */
	if (r->peer.sin_port == 0)
		return -ENOTCONN;
	if (sendto(r->net_fd, len ? (const void *)dg : "", len, MSG_DONTWAIT,
		   (const struct sockaddr *)&r->peer, sizeof(r->peer)) < 0)
		return -errno;
	relay_set_ms(&r->last_tx_ms, monotime_ms());
	return 0;
}

void relay_stats_read(const struct relay *r, struct relay_stats *out)
{
	/* Every field is a uint64_t counter. */
	const uint64_t *s = (const uint64_t *)&r->stats;
	uint64_t *d = (uint64_t *)out;

	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		d[i] = __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

uint64_t relay_last_rx_ms(const struct relay *r)
{
	return __atomic_load_n(&r->last_rx_ms, __ATOMIC_RELAXED);
}

uint64_t relay_last_tx_ms(const struct relay *r)
{
	return __atomic_load_n(&r->last_tx_ms, __ATOMIC_RELAXED);
}

uint16_t relay_peer_port(const struct relay *r)
{
	return __atomic_load_n(&r->peer.sin_port, __ATOMIC_RELAXED);
}

void relay_stats_add(struct relay_stats *sum, const struct relay_stats *st)
{
	/* Every field is a uint64_t counter. */
	uint64_t *d = (uint64_t *)sum;
	const uint64_t *s = (const uint64_t *)st;

	for (size_t i = 0; i < sizeof(*st) / sizeof(uint64_t); i++)
		d[i] += s[i];
}

int relay_stats_format(char *buf, size_t size, const struct relay_stats *st)
{
	return snprintf(buf, size, "packets in %llu, out %llu; dropped: "
			"foreign source %llu, malformed %llu, spoofed inner "
			"source %llu, out-of-scope destination %llu, before "
			"the endpoint was known %llu, i/o %llu, outer header "
			"%llu; network errors %llu; endpoint moves %llu, "
			"keepalives refused %llu",
			(unsigned long long)st->tun_tx,
			(unsigned long long)st->net_tx,
			(unsigned long long)st->drop_source,
			(unsigned long long)st->drop_malformed,
			(unsigned long long)st->drop_spoof,
			(unsigned long long)st->drop_scope,
			(unsigned long long)st->drop_no_peer,
			(unsigned long long)st->drop_io,
			(unsigned long long)st->drop_outer,
			(unsigned long long)st->net_errors,
			(unsigned long long)st->moves,
			(unsigned long long)st->roam_refused);
}
