/* The shared interface and the shared UDP port (see shared.h). */
#include "server/shared.h"

#include <string.h>

#include "os/tun.h"
#include "proto/roam.h"

#define SHARED_EP_KEY 6   /* address, then port, both network order */

static void shared_ep_key(uint8_t key[SHARED_EP_KEY], struct in_addr addr,
			  uint16_t port_net)
{
	memcpy(key, &addr.s_addr, 4);
	memcpy(key + 4, &port_net, 2);
}

int shared_init(struct shared *sh, int tun_fd, int udp_fd, uint16_t port,
		const uint64_t seed[3])
{
	memset(sh, 0, sizeof(*sh));
	sh->on = true;
	sh->tun_fd = tun_fd;
	sh->tun_vnet = tun_has_vnet_hdr(tun_fd);
	sh->udp_fd = udp_fd;
	sh->port = port;
	if (lpm6_init(&sh->routes, seed[0]) < 0)
		return -1;
	if (keymap_init(&sh->endpoints, SHARED_EP_KEY, seed[1]) < 0 ||
	    keymap_init(&sh->roamers, 4, seed[2]) < 0) {
		shared_destroy(sh);
		return -1;
	}
	return 0;
}

void shared_destroy(struct shared *sh)
{
	lpm6_destroy(&sh->routes);
	keymap_destroy(&sh->endpoints);
	keymap_destroy(&sh->roamers);
}

int shared_route(struct shared *sh, struct shared_member *t)
{
	const struct proto_tunnel_reply *rep = t->reply;
	unsigned i;

	if (rep->has_v6 &&
	    lpm6_put(&sh->routes, &rep->client6, 128, t->relay, NULL) < 0)
		return -1;
	for (i = 0; i < rep->nprefixes; i++)
		if (lpm6_put(&sh->routes, &rep->prefix[i].addr,
			     rep->prefix[i].plen, t->relay, NULL) < 0)
			break;
	if (i < rep->nprefixes) {
		shared_unroute(sh, t);
		return -1;
	}
	t->routed = true;
	return 0;
}

void shared_unroute(struct shared *sh, struct shared_member *t)
{
	const struct proto_tunnel_reply *rep = t->reply;

	if (rep->has_v6)
		lpm6_del(&sh->routes, &rep->client6, 128, t->relay);
	for (unsigned i = 0; i < rep->nprefixes; i++)
		lpm6_del(&sh->routes, &rep->prefix[i].addr,
			 rep->prefix[i].plen, t->relay);
	t->routed = false;
}

bool shared_port_free(const struct shared *sh, struct in_addr client4,
		      uint16_t port)
{
	uint8_t key[SHARED_EP_KEY];

	shared_ep_key(key, client4, htons(port));
	return keymap_get(&sh->endpoints, key) == NULL;
}

int shared_port_join(struct shared *sh, struct shared_member *t)
{
	const struct sockaddr_in *peer = &t->relay->peer;
	uint8_t key[SHARED_EP_KEY];
	struct shared_member *head;

	if (t->roam_fresh != NULL) {
		/* Until its first keepalive, found by its address only. */
		head = keymap_get(&sh->roamers, &peer->sin_addr);
		if (keymap_put(&sh->roamers, &peer->sin_addr, t, NULL) < 0)
			return -1;
		t->roam_next = head;
		t->roam_prev = NULL;
		if (head != NULL)
			head->roam_prev = t;
	} else {
		shared_ep_key(key, peer->sin_addr, peer->sin_port);
		if (keymap_put(&sh->endpoints, key, t, NULL) < 0)
			return -1;
	}
	t->on_port = true;
	return 0;
}

void shared_port_leave(struct shared *sh, struct shared_member *t)
{
	const struct sockaddr_in *peer;
	uint8_t key[SHARED_EP_KEY];

	/* A tunnel that failed before it joined has no relay here yet. */
	if (!t->on_port)
		return;
	peer = &t->relay->peer;
	t->on_port = false;
	if (peer->sin_port != 0) {
		shared_ep_key(key, peer->sin_addr, peer->sin_port);
		keymap_del(&sh->endpoints, key, t);
	}
	if (t->roam_fresh == NULL)
		return;
	if (t->roam_prev != NULL)
		t->roam_prev->roam_next = t->roam_next;
	else if (t->roam_next != NULL)
		(void)keymap_put(&sh->roamers, &peer->sin_addr, t->roam_next,
				 NULL);   /* replaces: needs no memory */
	else
		keymap_del(&sh->roamers, &peer->sin_addr, t);
	if (t->roam_next != NULL)
		t->roam_next->roam_prev = t->roam_prev;
	t->roam_next = t->roam_prev = NULL;
}

void shared_port_moved(struct shared *sh, struct shared_member *t,
		       const struct sockaddr_in *old,
		       const struct sockaddr_in *now)
{
	uint8_t key[SHARED_EP_KEY];
	struct shared_member *was = NULL;

	if (!t->on_port)
		return;
	if (old->sin_port != 0) {
		shared_ep_key(key, old->sin_addr, old->sin_port);
		keymap_del(&sh->endpoints, key, t);
	}
	shared_ep_key(key, now->sin_addr, now->sin_port);
	/* Out of memory: datagrams from the new endpoint find no tunnel
	 * until the next move. */
	if (keymap_put(&sh->endpoints, key, t, (void **)&was) < 0)
		return;
	/* The client's NAT gave this mapping to our client: the tunnel that
	 * had it must not send there any more (its own client is elsewhere
	 * now), until its next keepalive names its new port. Only a roam1
	 * tunnel's endpoint can be taken (shared_endpoint). */
	if (was != NULL && was != t)
		__atomic_store_n(&was->relay->peer.sin_port, 0,
				 __ATOMIC_RELAXED);
}

/* Would t's relay accept dg[len] as a fresh authenticated keepalive?
 * Only looks: the relay checks again, and keeps the counter. */
static bool shared_roam_fresh(const struct shared_member *t, const uint8_t *dg,
			      size_t len)
{
	return t->roam_fresh != NULL && t->roam_fresh(t->arg, dg, len);
}

static struct relay *shared_endpoint(void *arg, const struct sockaddr_in *src,
				     const uint8_t *dg, size_t len)
{
	struct shared *sh = arg;
	uint8_t key[SHARED_EP_KEY];
	struct shared_member *t, *c;

	shared_ep_key(key, src->sin_addr, src->sin_port);
	t = keymap_get(&sh->endpoints, key);
	/* A datagram of the endpoint's tunnel, or no keepalive: its relay
	 * decides (and counts what it refuses). A tunnel with an announced
	 * port keeps its endpoint: a roam1 client whose NAT maps it there
	 * waits for its next mapping. */
	if (len != PROTO_ROAM_KA_LEN ||
	    (t != NULL && (t->roam_fresh == NULL ||
			   shared_roam_fresh(t, dg, len))))
		return t != NULL ? t->relay : NULL;
	/* A keepalive from a new port: the roam1 tunnel of that address
	 * whose key made it. At most -N tunnels share an address, so a
	 * forged one costs at most that many MACs. */
	for (c = keymap_get(&sh->roamers, &src->sin_addr); c != NULL;
	     c = c->roam_next)
		if (c != t && shared_roam_fresh(c, dg, len))
			return c->relay;
	return t != NULL ? t->relay : NULL;
}

static struct relay *shared_route_of(void *arg, const uint8_t *dst)
{
	return lpm6_lookup(&((struct shared *)arg)->routes, dst);
}

void shared_tun_receive(struct shared *sh)
{
	relay_tun_demux(sh->tun_fd, sh->tun_vnet, shared_route_of, sh,
			&sh->tun_stats);
}

void shared_udp_receive(struct shared *sh)
{
	relay_udp_demux(sh->udp_fd, shared_endpoint, sh, &sh->udp_stats);
}
