/* Server-side tunnel lifecycle: all resources or none. */
#include "server/tunnel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"
#include "os/tunsock.h"
#include "server/privsep.h"

_Static_assert(PROTO_PREFIXES_MAX <= RELAY_INNER_PREFIXES_MAX,
	       "a network tunnel's relay holds every delegated prefix");

#define TUNNEL_BUSY_SKIP 64         /* foreign devices skipped per open */
#define TUNNEL_LOG_EVERY_MS 60000   /* network errors: one line a minute */

/* An event for a tunnel closed earlier in the same batch is stale. */
static void tunnel_on_tun(void *arg, uint32_t events)
{
	struct tunnel *t = arg;

	(void)events;
	if (t->tun_fd >= 0)
		relay_from_tun(&t->relay);
}

static void tunnel_on_udp(void *arg, uint32_t events)
{
	struct tunnel *t = arg;

	(void)events;
	if (t->tun_fd >= 0)
		relay_from_net(&t->relay);
}

/* A line per unauthenticated move would let forged datagrams flood the
 * log: the first move is logged, then at most one a minute with the count
 * in between. Authenticated moves (roam1) are the client's own: each one is
 * logged. */
static void tunnel_on_peer_change(void *arg, const struct sockaddr_in *old,
				  const struct sockaddr_in *now)
{
	struct tunnel *t = arg;
	uint64_t ms = monotime_ms();
	char a[INET_ADDRSTRLEN];

	shared_port_moved(&t->env->shared, &t->member, old, now);
	if (!t->roam && old->sin_port != 0) {
		if (t->move_logged_ms != 0 &&
		    ms - t->move_logged_ms < TUNNEL_LOG_EVERY_MS) {
			t->moves_unlogged++;
			return;
		}
		t->move_logged_ms = ms;
	}
	inet_ntop(AF_INET, &now->sin_addr, a, sizeof(a));
	if (old->sin_port == 0)
		log_info("session %u: %s endpoint learned %s:%u%s",
			 t->session_id, t->ifname, a, ntohs(now->sin_port),
			 t->roam ? " (authenticated)" : "");
	else if (t->roam)
		log_info("session %u: %s endpoint moved from port %u to %s:%u "
			 "(authenticated)", t->session_id, t->ifname,
			 ntohs(old->sin_port), a, ntohs(now->sin_port));
	else if (t->moves_unlogged == 0)
		log_info("session %u: %s endpoint moved from port %u to %s:%u "
			 "(unauthenticated moves are logged at most once a "
			 "minute)", t->session_id, t->ifname,
			 ntohs(old->sin_port), a, ntohs(now->sin_port));
	else
		log_info("session %u: %s endpoint moved from port %u to %s:%u "
			 "(and %llu times since the last such line)",
			 t->session_id, t->ifname, ntohs(old->sin_port), a,
			 ntohs(now->sin_port),
			 (unsigned long long)t->moves_unlogged);
	t->moves_unlogged = 0;
}

/* roam1: a keepalive moves the endpoint only when its MAC is the
 * session's and its counter is new (a replay from another port is not). */
static bool tunnel_roam_verify(void *arg, const uint8_t *dg, size_t len)
{
	struct tunnel *t = arg;
	uint64_t counter;

	if (!proto_roam_keepalive_ok(t->roam_key, dg, len, &counter) ||
	    counter <= t->roam_counter)
		return false;
	t->roam_counter = counter;
	return true;
}

/* The shared port asks before it names this tunnel for a keepalive from
 * a new port: the same check, without taking the counter. */
static bool tunnel_roam_fresh(void *arg, const uint8_t *dg, size_t len)
{
	const struct tunnel *t = arg;
	uint64_t counter;

	return proto_roam_keepalive_ok(t->roam_key, dg, len, &counter) &&
	       counter > t->roam_counter;
}

/* An ICMP error about the tunnel (the client's host or port unreachable):
 * worth a line, but not one per packet. */
static void tunnel_on_net_error(void *arg, int err)
{
	struct tunnel *t = arg;
	uint64_t now = monotime_ms();

	if (t->net_error_logged_ms != 0 &&
	    now - t->net_error_logged_ms < TUNNEL_LOG_EVERY_MS)
		return;
	t->net_error_logged_ms = now;
	log_info("session %u: %s: the network reports: %s (%llu so far; "
		 "logged at most once a minute)", t->session_id, t->ifname,
		 strerror(err), (unsigned long long)t->relay.stats.net_errors);
}

/* The host address pair of a tunnel is that of its interface's unit, as
 * the original's (PROTOCOL.md); when a UDP and a protocol-41 interface
 * share a unit number, the later one takes a pair from above every unit's
 * (env->slot_spill), so that it displaces no other. */
static int tunnel_take_slot(struct tunnel_env *env, struct tunnel *t)
{
	unsigned from = pool_is_used(&env->slots, t->unit) ? env->slot_spill
							  : t->unit;

	return pool_alloc(&env->slots, from, &t->slot);
}

/* Have the parent create the TUN device on the lowest free unit, skipping
 * names that belong to devices we do not own. */
static int tunnel_make_if(struct tunnel_env *env, struct tunnel *t,
			  enum proto_type type, struct in_addr client4)
{
	struct pool *units = &env->units[t->kind];
	unsigned from = units->base, busy[TUNNEL_BUSY_SKIP];
	struct privsep_tunnel pt;
	int nbusy = 0, fd = -EBUSY, ret = 0;

	for (;;) {
		if (nbusy == TUNNEL_BUSY_SKIP ||
		    pool_alloc(units, from, &t->unit) < 0) {
			ret = TUNNEL_ERR_SOLD_OUT;
			break;
		}
		if (tunnel_take_slot(env, t) < 0) {
			pool_release(units, t->unit);
			ret = TUNNEL_ERR_SOLD_OUT;
			break;
		}
		fd = privsep_tunnel(t->session_id, type, t->kind, t->unit,
				    t->slot, client4, env->shared.on, &pt);
		if (fd >= 0)
			break;
		pool_release(&env->slots, t->slot);
		if (fd != -EBUSY && fd != -ENODEV) {
			pool_release(units, t->unit);
			if (fd == -ENOSPC) {
				ret = TUNNEL_ERR_SOLD_OUT;
			} else if (fd == -ENOENT) {
				ret = TUNNEL_ERR_NO_ROUTES;
			} else if (fd == -EDQUOT) {
				ret = TUNNEL_ERR_USER_LIMIT;
			} else if (fd == -EMFILE) {
				/* privsep_tunnel has given it back already */
				t->superseded = pt.superseded;
				ret = TUNNEL_ERR_UNTUNNELED;
			} else {
				log_warnx("cannot create interface %s%u: %s",
					  env->if_stem[t->kind], t->unit,
					  strerror(-fd));
				ret = TUNNEL_ERR_INTERNAL;
			}
			break;
		}
		/* Someone else's interface, or (-c) none to attach to. */
		if (fd == -EBUSY)
			log_warnx("interface %s%u exists and is not ours; "
				  "skipping it", env->if_stem[t->kind], t->unit);
		else
			log_debug("no interface %s%u to use (-c creates none)",
				  env->if_stem[t->kind], t->unit);
		busy[nbusy++] = t->unit;
		from = t->unit + 1;
	}
	for (int i = 0; i < nbusy; i++)
		pool_release(units, busy[i]);
	if (ret < 0)
		return ret;
	t->tun_shared = env->shared.on;
	t->tun_fd = t->tun_shared ? env->shared.tun_fd : fd;
	memcpy(t->ifname, pt.ifname, IFNAMSIZ);
	t->ifindex = pt.ifindex;
	if (pt.has_v6) {
		t->reply.has_v6 = true;
		t->reply.server6 = pt.server6;
		t->reply.client6 = pt.client6;
	}
	t->reply.nprefixes = pt.nprefixes;
	memcpy(t->reply.prefix, pt.prefix, sizeof(t->reply.prefix));
	t->superseded = pt.superseded;
	return 0;
}

/* Where the search for a free UDP port starts: anywhere in the -b range,
 * so that a forger must find the port first; with -l the lowest, as the
 * original. */
static unsigned tunnel_port_start(const struct tunnel_env *env)
{
	uint32_t r;

	if (env->ports_lowest || env->ports.size < 2 ||
	    getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return env->ports.base;
	return env->ports.base + r % env->ports.size;
}

/* Bind a free UDP port, skipping ports other programs hold. */
static int tunnel_make_port(struct tunnel_env *env, struct tunnel *t,
			    struct in_addr server4)
{
	unsigned from = tunnel_port_start(env), port, busy[TUNNEL_BUSY_SKIP];
	int nbusy = 0, fd = -1, ret = 0;

	/* Ports other programs hold stay taken until the search ends, so
	 * that it never tries one twice. */
	for (;;) {
		if (nbusy == TUNNEL_BUSY_SKIP ||
		    pool_alloc_wrap(&env->ports, from, &port) < 0) {
			ret = TUNNEL_ERR_SOLD_OUT;
			break;
		}
		fd = udp_tunnel_socket(server4, (uint16_t)port);
		if (fd >= 0)
			break;
		if (fd == -EMFILE || fd == -ENFILE) {
			pool_release(&env->ports, port);
			log_warnx("no descriptor left for the UDP port of a "
				  "tunnel (raise LimitNOFILE= or lower -M)");
			ret = TUNNEL_ERR_SOLD_OUT;
			break;
		}
		if (fd != -EADDRINUSE) {
			pool_release(&env->ports, port);
			log_warnx("cannot bind udp port %u: %s", port,
				  strerror(-fd));
			ret = TUNNEL_ERR_INTERNAL;
			break;
		}
		log_warnx("udp port %u is in use by another program; skipping it",
			  port);
		busy[nbusy++] = port;
		from = port + 1;
	}
	for (int i = 0; i < nbusy; i++)
		pool_release(&env->ports, busy[i]);
	if (ret < 0)
		return ret;
	t->port = (uint16_t)port;
	t->udp_fd = fd;
	return 0;
}

int tunnel_open(struct tunnel_env *env, unsigned session_id,
		const struct tunnel_request *req, struct tunnel **out)
{
	struct sockaddr_in peer = { .sin_family = AF_INET };
	enum privsep_kind kind = req->kind;
	struct in_addr client4 = req->client4, server4 = req->server4;
	uint16_t udp_port = req->udp_port;
	struct shared *sh = &env->shared;
	enum relay_mode mode;
	struct tunnel *t;
	bool shared_port;
	int err;

	*req->superseded = 0;
	if (kind == PRIVSEP_KIND_P41 &&
	    keymap_get(&env->p41_clients, &client4.s_addr) != NULL)
		return TUNNEL_ERR_P41_TAKEN;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return TUNNEL_ERR_INTERNAL;
	t->tun_fd = t->udp_fd = -1;
	t->env = env;
	t->session_id = session_id;
	t->kind = kind;
	/* -s: a client that names its endpoint (announced port) or proves
	 * it (roam1 keepalives) shares the port; a legacy NAT-traversal
	 * client, known only by the port it sends from, keeps its own. */
	shared_port = sh->on && sh->udp_fd >= 0 && kind == PRIVSEP_KIND_UDP &&
		      (udp_port != 0 ? shared_port_free(sh, client4, udp_port)
				     : req->roam_key != NULL);
	if (shared_port)
		t->port = sh->port;
	/* The port first: it is ours alone, and once the parent has made
	 * the interface (and perhaps moved a user's routes to it) nothing
	 * likely should fail. */
	if (kind == PRIVSEP_KIND_UDP && !shared_port) {
		err = tunnel_make_port(env, t, server4);
		if (err < 0)
			goto fail;
	}
	err = tunnel_make_if(env, t, req->type, client4);
	if (err < 0)
		goto fail;
	t->reply.client4 = client4;
	t->reply.server4 = server4;
	t->reply.udp_port = t->port;
	peer.sin_addr = client4;
	peer.sin_port = htons(udp_port);
	if (kind == PRIVSEP_KIND_UDP && udp_port == 0 && req->roam_key) {
		t->roam = true;
		t->reply.roam = true;
		memcpy(t->roam_key, req->roam_key, sizeof(t->roam_key));
	}
	mode = udp_port ? RELAY_FIXED : t->roam ? RELAY_ROAM : RELAY_LEARN;
	if (kind == PRIVSEP_KIND_UDP)
		relay_init(&t->relay, t->tun_fd,
			   shared_port ? sh->udp_fd : t->udp_fd, RELAY_UDP,
			   mode, &peer);
	else
		relay_init(&t->relay, t->tun_fd, env->p41_fd, RELAY_P41,
			   RELAY_FIXED, &peer);
	/* The shared socket: send from, and take only what is sent to, the
	 * address the client knows as ours. */
	t->relay.local4 = server4;
	t->relay.net_shared = shared_port;
	/* What the client may send from: its own /128 and the prefixes
	 * routed to it; on a bare tunnel only the operator knows (-S). */
	t->relay.inner_check = t->reply.has_v6 || t->reply.nprefixes > 0 ||
			       env->tunnelonly_link_only;
	t->relay.inner_has_src = t->reply.has_v6;
	t->relay.inner_src = t->reply.client6;
	t->relay.inner_nprefixes = t->reply.nprefixes;
	for (unsigned i = 0; i < t->reply.nprefixes; i++) {
		t->relay.inner_prefix[i].addr = t->reply.prefix[i].addr;
		t->relay.inner_prefix[i].plen = t->reply.prefix[i].plen;
	}
	t->relay.on_peer_change = tunnel_on_peer_change;
	t->relay.roam_verify = tunnel_roam_verify;
	t->relay.on_net_error = tunnel_on_net_error;
	t->relay.arg = t;
	t->mode_name = kind == PRIVSEP_KIND_P41 ? "protocol 41"
		       : udp_port ? "plain"
		       : t->roam ? "nat-traversal, authenticated roaming"
				 : "nat-traversal";
	t->member = (struct shared_member){
		.relay = &t->relay, .reply = &t->reply,
		.roam_fresh = t->roam ? tunnel_roam_fresh : NULL, .arg = t,
	};
	t->tun_io = (struct ev_io){ .fd = t->tun_fd, .cb = tunnel_on_tun, .arg = t };
	t->udp_io = (struct ev_io){ .fd = t->udp_fd, .cb = tunnel_on_udp, .arg = t };
	/* A tunnel whose descriptors are all its own goes to a relay
	 * thread; one that shares a socket or device with others stays with
	 * the main loop, which serves those. */
	t->loop = env->loop;
	if (!t->tun_shared && t->udp_fd >= 0) {
		t->worker = workers_pick(&env->workers);
		if (t->worker != NULL)
			t->loop = t->worker->loop;
	}
	if ((!t->tun_shared && ev_io_add(t->loop, &t->tun_io, EPOLLIN) < 0) ||
	    (t->udp_fd >= 0 &&
	     ev_io_add(t->loop, &t->udp_io, EPOLLIN) < 0) ||
	    (kind == PRIVSEP_KIND_P41 &&
	     keymap_put(&env->p41_clients, &client4.s_addr, &t->relay,
			NULL) < 0)) {
		log_warn("cannot watch the descriptors of %s", t->ifname);
		err = TUNNEL_ERR_UNTUNNELED;
		goto fail;
	}
	if (sh->on && (shared_route(sh, &t->member) < 0 ||
		       (shared_port && shared_port_join(sh, &t->member) < 0))) {
		log_warnx("session %u: out of memory routing to the tunnel",
			  session_id);
		err = TUNNEL_ERR_UNTUNNELED;
		goto fail;
	}
	*req->superseded = t->superseded;
	*out = t;
	return 0;
fail:
	*req->superseded = t->superseded;
	/* The parent created the interface: it must forget it with us, and
	 * then wants nothing more of this session but its end. */
	if (t->tun_fd >= 0)
		privsep_untunnel(session_id);
	tunnel_close(env, t);
	tunnel_free(t);
	return err;
}

void tunnel_close(struct tunnel_env *env, struct tunnel *t)
{
	if (t == NULL)
		return;
	if (t->loop != NULL) {
		ev_io_del(t->loop, &t->tun_io);
		ev_io_del(t->loop, &t->udp_io);
	}
	/* Its relay thread may be in a batch that names it: wait for the
	 * end of that before anything is closed. */
	if (t->worker != NULL) {
		worker_release(t->worker);
		t->worker = NULL;
	}
	if (t->member.routed)
		shared_unroute(&env->shared, &t->member);
	shared_port_leave(&env->shared, &t->member);
	if (t->kind == PRIVSEP_KIND_P41)
		keymap_del(&env->p41_clients, &t->reply.client4.s_addr,
			   &t->relay);
	/* The parent holds a descriptor of every device it made and
	 * deletes them in batches at END (privsep_parent.c), so this close
	 * is cheap; a device that outlives descriptors is given back. */
	if (t->tun_fd >= 0) {
		if (!t->tun_shared)
			close(t->tun_fd);
		pool_release(&env->units[t->kind], t->unit);
		pool_release(&env->slots, t->slot);
	}
	if (t->udp_fd >= 0) {
		close(t->udp_fd);
		pool_release(&env->ports, t->port);
	}
	t->tun_fd = t->udp_fd = -1;
	t->relay.tun_fd = t->relay.net_fd = -1;
}

static struct relay *tunnel_p41_lookup(void *arg, struct in_addr src)
{
	return keymap_get(&((struct tunnel_env *)arg)->p41_clients,
			  &src.s_addr);
}

void tunnel_p41_receive(struct tunnel_env *env, bool errors_queued)
{
	struct relay_p41_stats *st = &env->p41_stats;
	uint64_t errors = st->errors_unattributed, now;

	if (errors_queued)
		relay_p41_errors(env->p41_fd, tunnel_p41_lookup, env, st);
	relay_p41_demux(env->p41_fd, tunnel_p41_lookup, env, st);
	now = monotime_ms();
	/* Errors about a tunnel are that tunnel's to log. */
	if (st->errors_unattributed != errors &&
	    (env->net_error_logged_ms == 0 ||
	     now - env->net_error_logged_ms >= TUNNEL_LOG_EVERY_MS)) {
		env->net_error_logged_ms = now;
		log_info("protocol 41: the network reports: %s (%llu so far; "
			 "logged at most once a minute)",
			 strerror(st->last_error),
			 (unsigned long long)st->errors);
	}
}

void tunnel_free(struct tunnel *t)
{
	if (t != NULL)
		explicit_bzero(t->roam_key, sizeof(t->roam_key));
	free(t);
}
