/* dtcps -s: every tunnel behind one TUN device, and the tunnels whose
 * clients allow it behind one UDP port. The kernel holds one route for the
 * whole pool (the device's address) and one per delegated prefix; the
 * engine picks the tunnel of each packet from the TUN device by
 * longest-prefix match on its destination, and the tunnel of each datagram
 * on the shared port by the client's endpoint (address and port), or, for
 * an authenticated keepalive from a new port, by trying the keys of the
 * roam1 tunnels of that address. Setting a tunnel up or down touches no
 * network interface. */
#ifndef DTCP_SERVER_SHARED_H
#define DTCP_SERVER_SHARED_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/proto.h"
#include "relay/relay.h"
#include "server/keymap.h"
#include "server/lpm6.h"

/* A tunnel as the shared interface and port know it (one per tunnel,
 * inside it): what it is routed by, and how it is found. */
struct shared_member {
	struct relay *relay;
	const struct proto_tunnel_reply *reply;  /* its addresses, prefixes */
	/* roam1: true when dg[len] would be a fresh authenticated keepalive
	 * of the tunnel (only looks); NULL without roam1. */
	bool (*roam_fresh)(void *arg, const uint8_t *dg, size_t len);
	void *arg;
	bool routed;                  /* in the routes */
	bool on_port;                 /* on the shared UDP port */
	struct shared_member *roam_next, *roam_prev;  /* roam1 tunnels of
							 its client address */
};

struct shared {
	bool on;                      /* -s given */
	int tun_fd;                   /* the shared TUN device */
	bool tun_vnet;                /* it has a virtio-net header */
	int udp_fd;                   /* the shared UDP port, or -1 */
	uint16_t port;
	struct lpm6 routes;           /* destination -> its tunnel's relay */
	struct keymap endpoints;      /* client address:port -> member */
	struct keymap roamers;        /* client address -> its roam1 members */
	struct relay_tun_stats tun_stats;
	struct relay_udp_stats udp_stats;
};

/* Start serving tun_fd and (udp_fd >= 0) the UDP port `port` for every
 * tunnel; its three tables hash with the random seeds given. Returns 0,
 * or -1 when out of memory. */
int shared_init(struct shared *sh, int tun_fd, int udp_fd, uint16_t port,
		const uint64_t seed[3]);
void shared_destroy(struct shared *sh);

/* Route t's client address (host, -a) and delegated prefixes to it. A
 * prefix another tunnel had (a network login that supersedes one) moves
 * over. Returns 0, or -1 when out of memory (nothing routed). */
int shared_route(struct shared *sh, struct shared_member *t);
/* Take t's routes away, those another tunnel has taken over excepted. */
void shared_unroute(struct shared *sh, struct shared_member *t);

/* May a tunnel that announced `port` from client4 use the shared port?
 * Not when another tunnel holds that endpoint already. */
bool shared_port_free(const struct shared *sh, struct in_addr client4,
		      uint16_t port);
/* Put t (relay initialised; announced endpoint, or roam1 with
 * roam_fresh) on the shared port. Returns 0, or -1 when out of memory. */
int shared_port_join(struct shared *sh, struct shared_member *t);
void shared_port_leave(struct shared *sh, struct shared_member *t);
/* t's endpoint moved (an authenticated keepalive from a new port): the
 * new one names t from now on, even if it named another tunnel before
 * (whose NAT mapping the client's NAT gave to this client): that one
 * forgets its port until its own next keepalive. */
void shared_port_moved(struct shared *sh, struct shared_member *t,
		       const struct sockaddr_in *old,
		       const struct sockaddr_in *now);

/* The shared TUN device or port is readable. */
void shared_tun_receive(struct shared *sh);
void shared_udp_receive(struct shared *sh);

#endif
