/* The data plane of one tunnel: bare IPv6 packets between a TUN device and
 * the network, either one packet per UDP datagram (the UDP extension) or
 * in IPv4 with protocol 41 on a raw socket (RFC 4213, the original's gif
 * tunnels). Checks every packet's shape and every datagram's source;
 * counts every drop. Batches with recvmmsg and
 * sendmmsg; with a virtio-net header on the TUN descriptor it also takes
 * TCP super-packets from the kernel and cuts them itself (sent with UDP
 * GSO, or batched one by one on a raw socket), and merges received TCP segments into super-packets (received with
 * UDP GRO), so that one system call moves up to 64 KB each way. The wire
 * never changes: one bare IPv6 packet per datagram. A relay is run by one
 * thread at a time; each thread has its own buffers, shared by the relays
 * it runs. Its counters and times may be read by another thread meanwhile
 * (relay_stats_read and friends): written with relaxed atomic stores by
 * the one thread that runs it, never torn. */
#ifndef DTCP_RELAY_H
#define DTCP_RELAY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Prefixes a tunnel's inner sources may come from (as many as the
 * protocol delegates in one reply). */
#define RELAY_INNER_PREFIXES_MAX 16

enum relay_encap {
	RELAY_UDP,     /* one IPv6 packet per UDP datagram */
	RELAY_P41,     /* IPv6 in IPv4 (protocol 41) on a raw socket */
};

enum relay_mode {
	RELAY_FIXED,   /* peer address and port known: accept only those */
	RELAY_LEARN,   /* peer address known; port learned from datagrams
			  (at most one move a second) */
	RELAY_ROAM,    /* peer address known; port moved only by a datagram
			  that roam_verify accepts (an authenticated
			  keepalive); anything else from another port is
			  dropped */
};

/* The least time between two endpoint moves of a RELAY_LEARN relay: a
 * forger behind the client's NAT can still take the tunnel, but only once
 * a second, and the client takes it back with its next datagram. */
#define RELAY_LEARN_MOVE_MS 1000

struct relay_stats {
	uint64_t tun_rx, net_tx;        /* packets TUN -> network */
	uint64_t net_rx, tun_tx;        /* packets network -> TUN */
	uint64_t keepalives;            /* keepalive datagrams received */
	uint64_t drop_source;           /* datagram from a foreign endpoint */
	uint64_t drop_malformed;        /* not a well-formed IPv6 packet */
	uint64_t drop_no_peer;          /* TUN packet before the peer is known */
	uint64_t drop_io;               /* send/write failures */
	uint64_t drop_spoof;            /* inner IPv6 source not the tunnel's */
	uint64_t drop_scope;            /* inner destination beyond the link */
	uint64_t drop_outer;            /* protocol 41: outer header not ours */
	uint64_t gso_fallback;          /* UDP GSO sends redone one by one */
	uint64_t net_errors;            /* ICMP errors reported by the socket */
	uint64_t bytes_in;              /* IPv6 octets written to the TUN
					   device (from the client) */
	uint64_t bytes_out;             /* IPv6 octets read from the TUN device
					   and handed to the network (to the
					   client; a TCP super-packet's
					   headers counted once) */
	uint64_t moves;                 /* endpoint moves (LEARN, ROAM) */
	uint64_t roam_refused;          /* RELAY_ROAM: keepalives refused */
};

struct relay {
	int tun_fd, net_fd;        /* net_fd: UDP or raw protocol-41 socket */
	enum relay_encap encap;
	enum relay_mode mode;      /* RELAY_P41: always RELAY_FIXED */
	struct sockaddr_in peer;   /* sin_port 0 while not yet learned (UDP);
				      always 0 with RELAY_P41 */
	/* RELAY_P41 on a socket shared by many tunnels: our outer address,
	 * the source of what we send (IP_PKTINFO) and the only destination
	 * we accept; INADDR_ANY on a socket bound and connected to it. */
	struct in_addr local4;
	/* net_fd is a UDP socket shared by many tunnels (dtcps -s): send
	 * from local4 too (IP_PKTINFO) unless it is INADDR_ANY. */
	bool net_shared;
	struct relay_stats stats;
	uint64_t last_tx_ms;       /* monotime of the last datagram sent */
	uint64_t last_rx_ms;       /* monotime of the last packet delivered */
	/* RELAY_ROAM: true when dg[len], a datagram that is no IPv6 packet,
	 * is an authenticated keepalive of this tunnel, never seen before
	 * (the callee keeps its counter). */
	bool (*roam_verify)(void *arg, const uint8_t *dg, size_t len);
	uint64_t last_move_ms;     /* monotime of the last endpoint move */
	/* Called when the endpoint moves to a new source port (may be
	 * NULL). */
	void (*on_peer_change)(void *arg, const struct sockaddr_in *old_peer,
			       const struct sockaddr_in *new_peer);
	/* Called when the socket reports an error from the network, such as
	 * an ICMP unreachable (may be NULL; the daemon rate-limits). */
	void (*on_net_error)(void *arg, int err);
	void *arg;
	/* Set by relay_init from what the descriptors support. */
	bool tun_vnet;             /* tun_fd has IFF_VNET_HDR */
	bool tun_gso;              /* GSO writes to tun_fd are accepted */
	bool udp_gso;              /* UDP_SEGMENT may be tried on net_fd */
	size_t udp_gso_refused;    /* smallest datagram it failed for, or 0 */
	bool udp_gro;              /* UDP_GRO is on for net_fd */
	/* Anti-spoofing of packets coming out of the tunnel (server side):
	 * with inner_check, the IPv6 source must be inner_src (when
	 * inner_has_src), in one of the inner_nprefixes prefixes routed to
	 * the tunnel (a network tunnel's LANs), link-local or unspecified.
	 * Set after relay_init. */
	bool inner_check;
	bool inner_has_src;
	struct in6_addr inner_src;
	unsigned inner_nprefixes;
	struct relay_prefix {
		struct in6_addr addr;
		unsigned plen;
	} inner_prefix[RELAY_INNER_PREFIXES_MAX];
};

/* Add n to a counter of a relay. Only the thread that runs the relay
 * writes its counters and times, so a relaxed load and store make the
 * sum, and a reader in another thread never sees a torn value. */
static inline void relay_count(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}
#define RELAY_COUNT(r, field, n) relay_count(&(r)->stats.field, (n))

static inline void relay_set_ms(uint64_t *t, uint64_t ms)
{
	__atomic_store_n(t, ms, __ATOMIC_RELAXED);
}

/* From any thread: a copy of r's counters, each one current when read;
 * the time of the last packet each way; the client's port now. */
void relay_stats_read(const struct relay *r, struct relay_stats *out);
uint64_t relay_last_rx_ms(const struct relay *r);
uint64_t relay_last_tx_ms(const struct relay *r);
uint16_t relay_peer_port(const struct relay *r);

/* Set up r for encap. In RELAY_LEARN mode peer->sin_port may be 0; with
 * RELAY_P41 it is ignored. Asks tun_fd for its flags (ioctl TUNGETIFF): a
 * TUN descriptor with a virtio-net header (tun_open() asks for one) is used
 * with it, any other descriptor is read and written one plain packet at a
 * time; a sandbox must therefore let TUNGETIFF through, or every packet of
 * such a device looks malformed. Turns on UDP_GRO on a UDP net_fd when the
 * kernel has it; nothing else is changed. */
void relay_init(struct relay *r, int tun_fd, int net_fd,
		enum relay_encap encap, enum relay_mode mode,
		const struct sockaddr_in *peer);

/* Move what is ready (bounded per call, for fairness) from the TUN device
 * to the peer, and from the relay's own socket to the TUN device. */
void relay_from_tun(struct relay *r);
void relay_from_net(struct relay *r);

/* The tunnel of a protocol-41 packet from src, or NULL. */
typedef struct relay *relay_lookup_fn(void *arg, struct in_addr src);

/* Counters of a shared protocol-41 socket, for packets that belong to no
 * tunnel yet. */
struct relay_p41_stats {
	uint64_t rx;                  /* packets received */
	uint64_t drop_outer;          /* not a whole IPv4 protocol-41 packet */
	uint64_t drop_unknown;        /* from an address with no tunnel */
	uint64_t errors;              /* ICMP errors reported by the socket */
	uint64_t errors_unattributed; /* of them, about no tunnel */
	int last_error;               /* errno of the last one */
};

/* Receive what is ready on a raw protocol-41 socket shared by every
 * tunnel (the server's) and hand each packet to the relay lookup() names
 * for its outer source, checked as that relay's own would be. */
void relay_p41_demux(int fd, relay_lookup_fn *lookup, void *arg,
		     struct relay_p41_stats *st);

/* Drain the error queue of that socket (IP_RECVERR): each ICMP error is
 * counted, and told to the relay lookup() names for the address the
 * failed packet went to (its on_net_error). */
void relay_p41_errors(int fd, relay_lookup_fn *lookup, void *arg,
		      struct relay_p41_stats *st);

/* The tunnel whose routes hold an IPv6 destination (dst[16]), or NULL. */
typedef struct relay *relay_route_fn(void *arg, const uint8_t *dst);

/* Counters of a TUN device shared by every tunnel (dtcps -s), for packets
 * that belong to no tunnel. */
struct relay_tun_stats {
	uint64_t rx;                  /* packets read */
	uint64_t drop_malformed;      /* not a well-formed IPv6 packet */
	uint64_t drop_no_route;       /* no tunnel holds the destination */
};

/* Read what is ready (bounded, for fairness) from a TUN device shared by
 * every tunnel, with a virtio-net header when vnet, and send each packet
 * through the relay route() names for its destination, as that relay's
 * own relay_from_tun would. */
void relay_tun_demux(int tun_fd, bool vnet, relay_route_fn *route, void *arg,
		     struct relay_tun_stats *st);

/* The tunnel a datagram from src belongs to, given its first datagram
 * dg[len] (a keepalive may name a tunnel whose endpoint moved), or
 * NULL. */
typedef struct relay *relay_endpoint_fn(void *arg,
					const struct sockaddr_in *src,
					const uint8_t *dg, size_t len);

/* Counters of a UDP socket shared by many tunnels (dtcps -s). */
struct relay_udp_stats {
	uint64_t rx;                  /* datagrams received */
	uint64_t drop_unknown;        /* from an endpoint of no tunnel */
};

/* Receive what is ready on a UDP socket shared by many tunnels and hand
 * each datagram (a GRO run: one source) to the relay endpoint() names,
 * checked as that relay's own socket's would be. */
void relay_udp_demux(int fd, relay_endpoint_fn *endpoint, void *arg,
		     struct relay_udp_stats *st);

/* True when r knows where to send (a learning UDP relay may not yet). */
bool relay_peer_known(const struct relay *r);

/* Send one keepalive datagram to the peer: dg[len], or zero-length when
 * len is 0 (the legacy keepalive). Returns 0/-errno. */
int relay_send_keepalive(struct relay *r, const uint8_t *dg, size_t len);

/* Format the closing statistics of a tunnel ("packets in N, out N;
 * dropped: ...", every drop reason named) into buf[size]; the server and
 * the clients log the same line. Returns snprintf's count. */
#define RELAY_STATS_TEXT_MAX 512
int relay_stats_format(char *buf, size_t size, const struct relay_stats *st);

/* Add every counter of st to sum. */
void relay_stats_add(struct relay_stats *sum, const struct relay_stats *st);

#endif
