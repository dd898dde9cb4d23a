/* The data plane of one tunnel: bare IPv6 packets between a TUN device and
 * a UDP socket, one packet per datagram. Checks every packet's shape and
 * every datagram's source; counts every drop. Batches with recvmmsg and
 * sendmmsg; with a virtio-net header on the TUN descriptor it also takes
 * TCP super-packets from the kernel and cuts them itself (sent with UDP
 * GSO), and merges received TCP segments into super-packets (received with
 * UDP GRO), so that one system call moves up to 64 KB each way. The wire
 * never changes: one bare IPv6 packet per datagram. Single-threaded;
 * buffers are shared by all relays. */
#ifndef DTCP_RELAY_H
#define DTCP_RELAY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum relay_mode {
	RELAY_FIXED,   /* peer address and port known: accept only those */
	RELAY_LEARN,   /* peer address known; port learned from datagrams */
};

struct relay_stats {
	uint64_t tun_rx, udp_tx;        /* packets TUN -> UDP */
	uint64_t udp_rx, tun_tx;        /* packets UDP -> TUN */
	uint64_t keepalives;            /* zero-length datagrams received */
	uint64_t drop_source;           /* datagram from a foreign endpoint */
	uint64_t drop_malformed;        /* not a well-formed IPv6 packet */
	uint64_t drop_no_peer;          /* TUN packet before the peer is known */
	uint64_t drop_io;               /* send/write failures */
	uint64_t drop_spoof;            /* inner IPv6 source not the tunnel's */
	uint64_t drop_scope;            /* inner destination beyond the link */
	uint64_t gso_fallback;          /* UDP GSO sends redone one by one */
};

struct relay {
	int tun_fd, udp_fd;
	enum relay_mode mode;
	struct sockaddr_in peer;   /* sin_port 0 while not yet learned */
	struct relay_stats stats;
	uint64_t last_tx_ms;       /* monotime of the last datagram sent */
	/* Called when RELAY_LEARN sees a new source port (may be NULL). */
	void (*on_peer_change)(void *arg, const struct sockaddr_in *old_peer,
			       const struct sockaddr_in *new_peer);
	void *arg;
	/* Set by relay_init from what the descriptors support. */
	bool tun_vnet;             /* tun_fd has IFF_VNET_HDR */
	bool tun_gso;              /* GSO writes to tun_fd are accepted */
	bool udp_gso;              /* UDP_SEGMENT may be tried on udp_fd */
	size_t udp_gso_refused;    /* smallest datagram it failed for, or 0 */
	bool udp_gro;              /* UDP_GRO is on for udp_fd */
	/* Anti-spoofing of packets coming out of the tunnel (server side):
	 * with inner_check, the IPv6 source must be inner_src (when
	 * inner_has_src), link-local or unspecified. Set after relay_init. */
	bool inner_check;
	bool inner_has_src;
	struct in6_addr inner_src;
};

/* Set up r. In RELAY_LEARN mode peer->sin_port may be 0. Asks tun_fd for
 * its flags (ioctl TUNGETIFF): a TUN descriptor with a virtio-net header
 * (tun_open() asks for one) is used with it, any other descriptor is read
 * and written one plain packet at a time; a sandbox must therefore let
 * TUNGETIFF through, or every packet of such a device looks malformed.
 * Turns on UDP_GRO on udp_fd when the kernel has it; nothing else is
 * changed. */
void relay_init(struct relay *r, int tun_fd, int udp_fd,
		enum relay_mode mode, const struct sockaddr_in *peer);

/* Move what is ready (bounded per call, for fairness) from the TUN device
 * to the peer, and from the socket to the TUN device. */
void relay_from_tun(struct relay *r);
void relay_from_udp(struct relay *r);

/* Send one zero-length keepalive datagram to the peer. Returns 0/-errno. */
int relay_send_keepalive(struct relay *r);

/* Format the closing statistics of a tunnel ("packets in N, out N;
 * dropped: ...", every drop reason named) into buf[size]; the server and
 * the clients log the same line. Returns snprintf's count. */
#define RELAY_STATS_TEXT_MAX 400
int relay_stats_format(char *buf, size_t size, const struct relay_stats *st);

#endif
