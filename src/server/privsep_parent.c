/* dtcps's privileged parent: the request table and its handlers. */
#include "server/privsep_parent.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"
#include "os/ifconf.h"
#include "os/tun.h"
#include "os/privchan.h"
#include "server/acct.h"
#include "server/keymap.h"
#include "server/pool.h"
#include "server/routes.h"
#include "server/privsep.h"
#include "server/privsep_msg.h"

/* What a request is about: a session in one of these states. */
enum pp_state {
	PP_UNKNOWN,    /* no session with that id */
	PP_NEW,        /* challenge issued; logins being tried */
	PP_AUTHED,     /* login succeeded: may ask for one tunnel */
	PP_TUNNELED,   /* has its tunnel */
	PP_UNTUNNELED, /* gave its tunnel back unused: may only end */
};

#define IN(s) (1u << (s))

_Static_assert(ROUTETABLE_PREFIXES_MAX <= PROTO_PREFIXES_MAX,
	       "a user's prefixes must fit one reply");

struct pp_session {
	uint32_t sid;
	enum pp_state state;
	char challenge[PROTO_CHALLENGE_LEN + 1];   /* issued by the parent */
	unsigned failures;
	enum privsep_kind kind;   /* PP_TUNNELED: its unit, */
	unsigned unit;
	unsigned slot;            /* host address pair, */
	uint32_t client4;         /* its client's address, */
	char ifname[IFNAMSIZ];    /* its interface, */
	unsigned ifindex;
	bool release;             /* which outlives the engine's descriptor */
	bool has_v6;
	struct in6_addr server6;  /* and our address on it; */
	bool network;             /* the user's prefixes are routed into it */
	bool shared;              /* -s: its interface is the shared one */
	char user[PROTO_USER_MAX + 1];   /* PP_AUTHED on: who logged in */
	/* PP_TUNNELED, for the accounting records: */
	enum proto_type type;
	struct in6_addr client6;
	unsigned nprefixes;
	struct proto_prefix prefix[PROTO_PREFIXES_MAX];
	time_t start;
	int keep_fd;              /* the parent's own descriptor of an
				     interface it made, or -1 */
};

/* An interface the parent made, to be deleted: its descriptor (the
 * parent's own) and what it was called. */
struct pp_doomed {
	int fd;
	unsigned ifindex;
	char ifname[IFNAMSIZ];
	unsigned slot;            /* with has_v6: the address pair on it */
	bool has_v6;
};

#define PP_DYING_CHUNK 64            /* interfaces per deletion */

/* An ended tunnel whose "down" record waits to be written. */
struct pp_ended {
	struct pp_session s;          /* as it was at its END */
	struct acct_end e;
};

struct privsep_parent {
	const struct server_config *cfg;
	struct auth *auth;
	struct routes *routes;
	struct rtnl *nl;
	struct pp_session *s;
	size_t n, cap;
	struct keymap by_sid;         /* session id -> its index in s, + 1 */
	struct acct *acct;            /* NULL: no records (unit tests) */
	struct pp_doomed *doomed;     /* ended tunnels' interfaces, to go */
	size_t ndoomed, doomed_cap;
	struct pp_doomed dying[PP_DYING_CHUNK];   /* of them, in the dying */
	size_t ndying;                            /* group, deleted together */
	struct pp_ended *ended;       /* "down" records to write: those */
	size_t ended_head, nended;    /* from ended_head up to nended */
	size_t ended_cap;
	uint64_t last_call_ms;        /* the last login request served */
	uint64_t last_chunk_ms;       /* the last deletion pp_idle began */
	uint64_t fail_window_ms;      /* start of the current second */
	unsigned fail_count;          /* failed checks in it */
	bool fail_reported;
};

/* Every message names its session: found in constant time, however many
 * there are. */
static struct pp_session *pp_find(struct privsep_parent *p, uint32_t sid)
{
	uintptr_t v = (uintptr_t)keymap_get(&p->by_sid, &sid);

	return v != 0 ? &p->s[v - 1] : NULL;
}

static void pp_index(struct privsep_parent *p, size_t i)
{
	if (keymap_put(&p->by_sid, &p->s[i].sid, (void *)(uintptr_t)(i + 1),
		       NULL) < 0)
		fatalx("out of memory");
}

/* Forget s, which moves the last session into its place. */
static void pp_remove(struct privsep_parent *p, struct pp_session *s)
{
	size_t i = (size_t)(s - p->s);

	keymap_del(&p->by_sid, &s->sid, NULL);
	*s = p->s[--p->n];
	if (i != p->n)
		pp_index(p, i);
}

static unsigned pp_state_of(void *ctx, const struct privchan_hdr *h)
{
	struct pp_session *s = pp_find(ctx, h->id);

	return s ? s->state : PP_UNKNOWN;
}

/* True when buf[size] is a NUL-terminated string of printable ASCII. */
static bool pp_str_ok(const char *buf, size_t size)
{
	size_t len = strnlen(buf, size);

	if (len == size)
		return false;
	for (size_t i = 0; i < len; i++)
		if (buf[i] <= 0x20 || buf[i] >= 0x7f)
			return false;
	return true;
}

/* Is that interface a live tunnel's, or (protocol 41) that client's
 * address one of a live protocol-41 tunnel? */
static bool pp_taken(struct privsep_parent *p, const struct privsep_msg_tunnel *m)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct pp_session *s = &p->s[i];

		if (s->state != PP_TUNNELED)
			continue;
		if (s->slot == m->slot ||
		    (s->kind == m->kind &&
		     (s->unit == m->unit ||
		      (m->kind == PRIVSEP_KIND_P41 &&
		       s->client4 == m->client4))))
			return true;
	}
	return false;
}

/* Is interface `name` a live tunnel's? */
static bool pp_name_taken(struct privsep_parent *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].state == PP_TUNNELED &&
		    strcmp(p->s[i].ifname, name) == 0)
			return true;
	return false;
}

/* -i with a regular expression: the first existing interface whose whole
 * name matches, that is down (one that is up is someone else's) and not a
 * tunnel of ours, attached to. Returns its descriptor or -ENOSPC. */
static int pp_pick(struct privsep_parent *p, char name[IFNAMSIZ],
		   unsigned *ifindex)
{
	struct if_nameindex *all = if_nameindex(), *i;
	int fd = -ENOSPC;

	if (all == NULL)
		return -errno;
	for (i = all; i->if_index != 0 && fd < 0; i++) {
		if (regexec(&p->cfg->p41_regex, i->if_name, 0, NULL, 0) != 0 ||
		    pp_name_taken(p, i->if_name) || ifconf_is_up(i->if_name))
			continue;
		fd = ifconf_tun_open(p->nl, i->if_name, TUN_ATTACH,
				     p->cfg->mtu, name, ifindex);
		if (fd < 0)
			fd = -ENOSPC;   /* not a free TUN device: the next */
	}
	if_freenameindex(all);
	return fd;
}

/* Give back an interface that outlives the engine's descriptor: down and
 * without our address, ready for the next tunnel. */
static void pp_release(struct privsep_parent *p, struct pp_session *s)
{
	int err;

	if (s->state != PP_TUNNELED || !s->release)
		return;
	err = ifconf_tun_release(p->nl, s->ifindex,
				 s->has_v6 ? &s->server6 : NULL);
	if (err < 0)
		log_warnx("cannot release interface %s: %s", s->ifname,
			  strerror(-err));
	s->release = false;
}

/* The accounting record of s's tunnel: "up" without e, "down" with it. */
static void pp_account(struct privsep_parent *p, const struct pp_session *s,
		       const struct acct_end *e)
{
	struct acct_tunnel t = {
		.sid = s->sid, .user = s->user, .type = proto_type_name(s->type),
		.kind = s->kind == PRIVSEP_KIND_P41 ? "proto-41" : "udp",
		.ifname = s->ifname,
		.client4 = { s->client4 },
		.client6 = s->has_v6 ? &s->client6 : NULL,
		.nprefixes = s->nprefixes, .prefix = s->prefix,
		.start = s->start,
	};

	if (p->acct == NULL)
		return;
	if (e == NULL)
		acct_up(p->acct, &t);
	else
		acct_down(p->acct, &t, e);
}

/* "down" records wait for pp_idle too: written and synced a chunk at a
 * time, so that a login behind thousands of ENDs is not held up by a
 * thousand writes and fsyncs. Each keeps the time its tunnel ended. A
 * record lost in a crash meanwhile is written at the next start, as
 * recovered (acct.h). */
#define PP_ACCT_CHUNK 256

static void pp_account_later(struct privsep_parent *p,
			     const struct pp_session *s,
			     const struct acct_end *e)
{
	struct pp_ended *d;

	if (p->acct == NULL)
		return;
	if (p->nended == p->ended_cap && p->ended_head > 0) {
		p->nended -= p->ended_head;
		memmove(p->ended, p->ended + p->ended_head,
			p->nended * sizeof(*p->ended));
		p->ended_head = 0;
	}
	if (p->nended == p->ended_cap) {
		size_t cap = p->ended_cap ? p->ended_cap * 2 : 64;
		struct pp_ended *ne = realloc(p->ended, cap * sizeof(*ne));

		if (ne == NULL) {
			pp_account(p, s, e);    /* now, then */
			return;
		}
		p->ended = ne;
		p->ended_cap = cap;
	}
	d = &p->ended[p->nended++];
	d->s = *s;
	explicit_bzero(d->s.challenge, sizeof(d->s.challenge));
	d->e = *e;
	d->e.end = time(NULL);
}

/* Write up to max queued "down" records, oldest first, with one sync.
 * Returns how many. */
static size_t pp_account_flush(struct privsep_parent *p, size_t max)
{
	size_t n = p->nended - p->ended_head;

	if (n > max)
		n = max;
	if (n == 0)
		return 0;
	acct_batch_begin(p->acct);
	for (size_t i = p->ended_head; i < p->ended_head + n; i++)
		pp_account(p, &p->ended[i].s, &p->ended[i].e);
	acct_batch_end(p->acct);
	explicit_bzero(p->ended + p->ended_head, n * sizeof(*p->ended));
	p->ended_head += n;
	if (p->ended_head == p->nended)
		p->ended_head = p->nended = 0;
	return n;
}

/* Interfaces are torn down in batches: unregistering one costs the
 * kernel about 20 ms of RCU grace periods, paid once for all the
 * interfaces of a group deleted together. The parent keeps its own
 * descriptor of each interface it made, so that the engine's close is
 * cheap and never blocks its event loop. An ended tunnel's interface is
 * only noted (doomed) when its END comes, which costs no system call, so
 * that a login behind a thousand ENDs is answered at once; pp_idle, run
 * only while no request waits, moves a share of the doomed into the dying
 * group and deletes the group, a bounded piece of work at a time. */
#define PP_DYING_GROUP 0x64746370u   /* "dtcp": ip link show group ... */

/* Delete the dying group (a batch) now. */
static void pp_flush_dying(struct privsep_parent *p)
{
	int err;

	if (p->ndying == 0)
		return;
	err = rtnl_link_del_group(p->nl, PP_DYING_GROUP);
	if (err < 0 && err != -ENODEV)
		log_warnx("cannot delete %zu interfaces of ended tunnels: %s "
			  "(is an interface of another program in group %u? "
			  "ip link show group %u)", p->ndying, strerror(-err),
			  PP_DYING_GROUP, PP_DYING_GROUP);
	for (size_t i = 0; i < p->ndying; i++) {
		close(p->dying[i].fd);
		p->dying[i].fd = -1;
	}
	p->ndying = 0;
}

/* True when the interface index still has the name we gave it (an index
 * whose device is gone may be someone else's now). */
static bool pp_still_ours(const struct pp_doomed *d)
{
	char name[IF_NAMESIZE];

	return if_indextoname(d->ifindex, name) != NULL &&
	       strcmp(name, d->ifname) == 0;
}

/* Delete doomed interface d now, one by one. */
static void pp_delete_now(struct privsep_parent *p, struct pp_doomed *d)
{
	int err;

	if (pp_still_ours(d)) {
		err = rtnl_link_del(p->nl, d->ifindex);
		if (err < 0 && err != -ENODEV)
			log_warnx("cannot delete interface %s: %s", d->ifname,
				  strerror(-err));
	}
	close(d->fd);
	d->fd = -1;
}

/* A request that comes while a chunk is prepared waits at most this
 * long, and for the group's deletion. */
#define PP_IDLE_MS 10
/* A login is three requests a client's round trip apart: after one, the
 * deletions wait this long, so that the next is not held up by them. */
#define PP_LOGIN_GRACE_MS 20
#define PP_CHUNK_EVERY_MS 200

static int pp_idle(void *ctx)
{
	struct privsep_parent *p = ctx;
	uint64_t start = monotime_ms();

	/* ... but not for ever: a server that logs someone in every few
	 * milliseconds still deletes a chunk a fifth of a second. */
	if ((p->ndoomed > 0 || p->nended > p->ended_head) &&
	    start - p->last_call_ms < PP_LOGIN_GRACE_MS &&
	    start - p->last_chunk_ms < PP_CHUNK_EVERY_MS)
		return (int)(PP_LOGIN_GRACE_MS - (start - p->last_call_ms));
	p->last_chunk_ms = start;
	/* One kind of work a call, records first: a request waits for one
	 * chunk of either, not both. */
	if (pp_account_flush(p, PP_ACCT_CHUNK) > 0)
		return 0;
	while (p->ndoomed > 0 && p->ndying < PP_DYING_CHUNK &&
	       monotime_ms() - start < PP_IDLE_MS) {
		struct pp_doomed d = p->doomed[--p->ndoomed];

		if (!pp_still_ours(&d)) {
			close(d.fd);
		} else if (rtnl_link_set_group(p->nl, d.ifindex,
					       PP_DYING_GROUP) < 0) {
			pp_delete_now(p, &d);
		} else {
			p->dying[p->ndying++] = d;
		}
	}
	pp_flush_dying(p);
	return p->ndoomed > 0 || p->nended > p->ended_head ? 0 : -1;
}

/* A new interface named `name` (NULL: one we do not make) with host pair
 * `slot` (has_v6) is about to be set up: an ended tunnel's interface that
 * still has that name, or those addresses (whose routes would win over
 * the new ones), goes first. The engine reuses units and pairs as soon as
 * their tunnels have ended. */
static void pp_clear_for(struct privsep_parent *p, const char *name,
			 unsigned slot, bool has_v6)
{
	for (size_t i = 0; i < p->ndoomed;) {
		struct pp_doomed *d = &p->doomed[i];

		if ((name != NULL && strcmp(d->ifname, name) == 0) ||
		    (has_v6 && d->has_v6 && d->slot == slot)) {
			pp_delete_now(p, d);
			*d = p->doomed[--p->ndoomed];
		} else {
			i++;
		}
	}
}

/* Note s's interface for deletion, handing over its descriptor. 0, or -1
 * (out of memory) to delete it at once. */
static int pp_doom(struct privsep_parent *p, struct pp_session *s)
{
	if (p->ndoomed == p->doomed_cap) {
		size_t cap = p->doomed_cap ? p->doomed_cap * 2 : 64;
		struct pp_doomed *nd = realloc(p->doomed, cap * sizeof(*nd));

		if (nd == NULL)
			return -1;
		p->doomed = nd;
		p->doomed_cap = cap;
	}
	p->doomed[p->ndoomed] = (struct pp_doomed){ .fd = s->keep_fd,
						    .ifindex = s->ifindex,
						    .slot = s->slot,
						    .has_v6 = s->has_v6 };
	memcpy(p->doomed[p->ndoomed].ifname, s->ifname, IFNAMSIZ);
	p->ndoomed++;
	s->keep_fd = -1;
	return 0;
}

/* -s: the shared interface stays; the routes of s's prefixes go with s,
 * unless a newer login of the user has them now (s->network false). */
static void pp_unroute_shared(struct privsep_parent *p, struct pp_session *s)
{
	int err;

	if (!s->network)
		return;
	for (unsigned i = 0; i < s->nprefixes; i++) {
		err = rtnl_route6_del(p->nl, s->ifindex, &s->prefix[i].addr,
				      s->prefix[i].plen);
		if (err < 0 && err != -ESRCH)
			log_warnx("cannot remove the route of a prefix of "
				  "user %s from %s: %s", s->user, s->ifname,
				  strerror(-err));
	}
}

/* s no longer has its tunnel. An interface the parent made goes: the
 * parent does not trust the engine to have closed its descriptor (the
 * name is checked first, so that a reused index is never deleted). One
 * that outlives descriptors is given back. The session forgets it all. */
static void pp_forget_tunnel(struct privsep_parent *p, struct pp_session *s)
{
	char name[IF_NAMESIZE];
	int err;

	if (s->state != PP_TUNNELED)
		return;
	if (s->shared) {
		pp_unroute_shared(p, s);
	} else if (s->release) {
		pp_release(p, s);
	} else if (s->keep_fd >= 0 && pp_doom(p, s) == 0) {
		/* pp_idle deletes it with others, when nothing waits */
	} else if (if_indextoname(s->ifindex, name) != NULL &&
		   strcmp(name, s->ifname) == 0) {
		err = rtnl_link_del(p->nl, s->ifindex);
		if (err < 0 && err != -ENODEV)
			log_warnx("cannot delete interface %s: %s", s->ifname,
				  strerror(-err));
	}
	if (s->keep_fd >= 0)
		close(s->keep_fd);
	s->keep_fd = -1;
	s->release = s->has_v6 = s->network = s->shared = false;
	s->ifindex = 0;
	s->ifname[0] = '\0';
}

/* A new session: the parent issues its challenge, so that a subverted
 * engine cannot pick the challenges that it has checked. */
static int pp_hello(void *ctx, const void *msg, void *reply, int *fd)
{
	struct privsep_parent *p = ctx;
	const struct privchan_hdr *m = msg;
	struct privsep_msg_hello_reply *rep = reply;
	struct pp_session *s;

	p->last_call_ms = monotime_ms();

	(void)fd;
	if (m->id == 0 ||
	    p->n >= (size_t)p->cfg->max_tunnels + PRIVSEP_SESSION_SLACK)
		return -1;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct pp_session *ns = realloc(p->s, cap * sizeof(*ns));

		if (ns == NULL)
			fatalx("out of memory");
		p->s = ns;
		p->cap = cap;
	}
	s = &p->s[p->n];
	*s = (struct pp_session){ .sid = m->id, .state = PP_NEW,
				  .keep_fd = -1 };
	pp_index(p, p->n++);
	if (proto_challenge_new(s->challenge) < 0)
		fatal("cannot read the kernel's random source");
	memcpy(rep->challenge, s->challenge, sizeof(rep->challenge));
	return 0;
}

/* A global ceiling on failed checks: PRIVSEP_FAILS_PER_SECOND. */
static bool pp_fail_budget(struct privsep_parent *p)
{
	uint64_t now = monotime_ms();

	if (now - p->fail_window_ms >= 1000) {
		p->fail_window_ms = now;
		p->fail_count = 0;
		p->fail_reported = false;
	}
	if (p->fail_count < PRIVSEP_FAILS_PER_SECOND)
		return true;
	if (!p->fail_reported)
		log_warnx("more than %d failed logins in a second: refusing "
			  "logins for the rest of it", PRIVSEP_FAILS_PER_SECOND);
	p->fail_reported = true;
	return false;
}

static int pp_auth(void *ctx, const void *msg, void *reply, int *fd)
{
	struct privsep_parent *p = ctx;
	const struct privsep_msg_auth *m = msg;
	struct privsep_msg_auth_reply *rep = reply;
	struct pp_session *s = pp_find(p, m->h.id);

	p->last_call_ms = monotime_ms();

	(void)fd;
	if (!pp_str_ok(m->user, sizeof(m->user)) || !proto_user_ok(m->user) ||
	    !proto_hex_ok(m->response, PROTO_DIGEST_LEN))
		return -1;
	/* The engine closes a connection after 3 failures; more would be
	 * a brute force by a subverted engine. */
	if (s->failures >= PRIVSEP_AUTH_PER_SESSION)
		rep->result = 0;
	else if (!pp_fail_budget(p))
		rep->result = PRIVSEP_AUTH_BUSY;   /* not checked, not counted */
	else
		rep->result = auth_check(p->auth, m->user, s->challenge,
					 m->response, rep->roam_key);
	if (rep->result == 0) {
		s->failures++;
		p->fail_count++;
	}
	if (rep->result != PRIVSEP_AUTH_BUSY)
		s->state = rep->result == 1 ? PP_AUTHED : PP_NEW;
	if (rep->result == 1)
		memcpy(s->user, m->user, sizeof(s->user));
	return 0;
}

/* Route the user's prefixes into s's interface. A live session of the same
 * user that has them (a dead NAT mapping whose TCP session has not timed
 * out yet) loses them: newest login wins, and the routes move over in one
 * step each, with no moment a packet finds none. The engine closes it. */
static int pp_route(struct privsep_parent *p, struct pp_session *s,
		    struct privsep_msg_tunnel_reply *rep)
{
	struct pp_session *old = NULL;
	struct in6_addr dst;
	unsigned i;
	int err = 0;

	for (size_t k = 0; k < p->n; k++) {
		struct pp_session *o = &p->s[k];

		if (o != s && o->state == PP_TUNNELED && o->network &&
		    strcmp(o->user, s->user) == 0)
			old = o;
	}
	for (i = 0; i < rep->nprefixes; i++) {
		memcpy(&dst, rep->prefix[i].addr, 16);
		err = rtnl_route6_replace(p->nl, rep->ifindex, &dst,
					  rep->prefix[i].plen);
		if (err < 0)
			break;
	}
	if (err < 0) {
		log_warnx("cannot route a prefix of user %s into %s: %s",
			  s->user, s->ifname, strerror(-err));
		/* Give the ones already moved back, so that the session
		 * that had them keeps working, as if this login had never
		 * happened; without one, they go with this interface (or,
		 * on the shared one, now). */
		while ((old != NULL || s->shared) && i-- > 0) {
			memcpy(&dst, rep->prefix[i].addr, 16);
			if (old != NULL)
				(void)rtnl_route6_replace(p->nl, old->ifindex,
							  &dst,
							  rep->prefix[i].plen);
			else
				(void)rtnl_route6_del(p->nl, rep->ifindex,
						      &dst,
						      rep->prefix[i].plen);
		}
		return err;
	}
	if (old != NULL) {
		old->network = false;
		rep->superseded = old->sid;
	}
	s->network = true;
	return 0;
}

/* The tunnels s's user has up besides s; with `network`, not counting the
 * network tunnel a new one would supersede (newest login wins). */
static unsigned pp_user_tunnels(const struct privsep_parent *p,
				const struct pp_session *s, bool network)
{
	unsigned n = 0;

	for (size_t k = 0; k < p->n; k++) {
		const struct pp_session *o = &p->s[k];

		if (o != s && o->state == PP_TUNNELED &&
		    strcmp(o->user, s->user) == 0 && !(network && o->network))
			n++;
	}
	return n;
}

static int pp_tunnel(void *ctx, const void *msg, void *reply, int *fdp)
{
	struct privsep_parent *p = ctx;
	const struct server_config *cfg = p->cfg;
	const struct privsep_msg_tunnel *m = msg;
	struct privsep_msg_tunnel_reply *rep = reply;
	struct pp_session *s = pp_find(p, m->h.id);
	struct in6_addr server6 = IN6ADDR_ANY_INIT, client6 = IN6ADDR_ANY_INIT;
	struct routetable_user ru;
	char name[IFNAMSIZ];
	int fd, err;

	p->last_call_ms = monotime_ms();

	if (!proto_type_supported(m->tunnel_type) ||
	    (m->tunnel_type == PROTO_TYPE_HOST && !cfg->has_prefix) ||
	    (m->tunnel_type == PROTO_TYPE_TUNNELONLY && cfg->shared) ||
	    (m->kind != PRIVSEP_KIND_UDP && m->kind != PRIVSEP_KIND_P41) ||
	    (m->kind == PRIVSEP_KIND_UDP && !cfg->udp) ||
	    m->client4 == 0 || m->unit < cfg->if_base[m->kind] ||
	    m->unit - cfg->if_base[m->kind] >= cfg->max_tunnels ||
	    m->slot >= server_slots(cfg) || pp_taken(p, m))
		return -1;
	/* The parent, not the engine, counts a user's tunnels. */
	if (pp_user_tunnels(p, s, m->tunnel_type == PROTO_TYPE_NETWORK) >=
	    cfg->max_per_user) {
		rep->err = -EDQUOT;
		return 0;
	}
	/* The parent, not the engine, decides which prefixes a user gets. */
	if (m->tunnel_type == PROTO_TYPE_NETWORK) {
		if (p->routes == NULL ||
		    routes_lookup(p->routes, s->user, &ru) < 0) {
			rep->err = -ENOENT;
			return 0;
		}
		rep->nprefixes = (uint8_t)ru.count;
		for (unsigned i = 0; i < ru.count; i++) {
			memcpy(rep->prefix[i].addr, &ru.prefix[i].addr, 16);
			rep->prefix[i].plen = (uint8_t)ru.prefix[i].plen;
		}
	}
	if (m->tunnel_type == PROTO_TYPE_HOST ||
	    (m->tunnel_type == PROTO_TYPE_NETWORK && cfg->network_pair)) {
		/* The parent, not the engine, decides the addresses. */
		if (pool_host_pair(&cfg->prefix, cfg->plen, m->slot, &server6,
				   &client6) < 0) {
			rep->err = -ENOSPC;
			return 0;
		}
		rep->has_v6 = 1;
		memcpy(rep->server6, &server6, 16);
		memcpy(rep->client6, &client6, 16);
	}
	if (cfg->shared) {
		/* Every tunnel is a route on the one device: its address is
		 * our end of each (the pair's server address is not on it),
		 * and nothing is made. */
		if (rep->has_v6) {
			server6 = cfg->shared_server6;
			memcpy(rep->server6, &server6, 16);
		}
		memcpy(rep->ifname, cfg->shared_if, IFNAMSIZ);
		rep->ifindex = cfg->shared_ifindex;
		fd = -1;
	} else if (m->kind == PRIVSEP_KIND_P41 && cfg->p41_pick) {
		pp_clear_for(p, NULL, m->slot, rep->has_v6);
		fd = pp_pick(p, rep->ifname, &rep->ifindex);
	} else if ((unsigned)snprintf(name, sizeof(name), "%s%u",
				      cfg->if_stem[m->kind], m->unit) >=
		   sizeof(name)) {
		fd = -ENOSPC;
	} else {
		pp_clear_for(p, name, m->slot, rep->has_v6);
		fd = ifconf_tun_open(p->nl, name, cfg->tun_flags, cfg->mtu,
				     rep->ifname, &rep->ifindex);
	}
	if (fd < 0 && !cfg->shared) {
		rep->err = fd;
		return 0;
	}
	s->state = PP_TUNNELED;
	s->shared = cfg->shared;
	s->kind = m->kind;
	s->unit = m->unit;
	s->slot = m->slot;
	s->client4 = m->client4;
	memcpy(s->ifname, rep->ifname, IFNAMSIZ);
	s->ifindex = rep->ifindex;
	s->has_v6 = rep->has_v6 != 0;
	s->server6 = server6;
	s->release = !cfg->shared &&
		     ((m->kind == PRIVSEP_KIND_P41 && cfg->p41_pick) ||
		      cfg->tun_flags != 0);
	s->type = (enum proto_type)m->tunnel_type;
	s->client6 = client6;
	s->nprefixes = rep->nprefixes;
	for (unsigned i = 0; i < rep->nprefixes; i++) {
		memcpy(&s->prefix[i].addr, rep->prefix[i].addr, 16);
		s->prefix[i].plen = rep->prefix[i].plen;
	}
	s->start = time(NULL);
	err = 0;
	if (rep->has_v6 && !cfg->shared)
		err = rtnl_addr6_add(p->nl, rep->ifindex, &server6, &client6,
				     128);
	if (err == 0 && rep->nprefixes > 0)
		err = pp_route(p, s, rep);
	if (err < 0) {
		pp_forget_tunnel(p, s);
		s->state = PP_AUTHED;
		if (fd >= 0)
			close(fd);
		rep->err = err;
		return 0;
	}
	pp_account(p, s, NULL);
	if (fd >= 0 && !s->release)
		s->keep_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	*fdp = fd;
	return 0;
}

/* The engine's tunnel is gone: lost before use (UNTUNNEL), or with the
 * session (END: the parent forgets the session). Either way the parent
 * removes or gives back the interface itself. After UNTUNNEL the session
 * may only end: a login again would be the same response to the same
 * challenge, so only ending it stops one login from making every
 * interface. */
static int pp_gone(void *ctx, const void *msg, void *reply, int *fd)
{
	struct privsep_parent *p = ctx;
	const struct privchan_hdr *m = msg;
	const struct privsep_msg_end *end = msg;
	struct pp_session *s = pp_find(p, m->id);
	struct acct_end e = { .reason = "tunnel setup failed" };

	(void)reply;
	(void)fd;
	if (s == NULL)
		return 0;
	if (s->state == PP_TUNNELED) {
		if (m->type == PRIVSEP_END) {
			e.counted = true;
			e.packets_in = end->packets_in;
			e.packets_out = end->packets_out;
			e.bytes_in = end->bytes_in;
			e.bytes_out = end->bytes_out;
			e.client_port = s->kind == PRIVSEP_KIND_UDP
					? end->client_port : 0;
			/* The engine's words, made printable. */
			log_escape(e.reason, sizeof(e.reason), end->reason,
				   strnlen(end->reason, sizeof(end->reason)));
		}
		pp_account_later(p, s, &e);
	}
	pp_forget_tunnel(p, s);
	if (m->type == PRIVSEP_UNTUNNEL)
		s->state = PP_UNTUNNELED;
	else
		pp_remove(p, s);
	return 0;
}

/* The boundary: every request the engine may make, its exact length,
 * the states of its session in which it is allowed, and its reply. */
static const struct privchan_rule pp_rules[] = {
	{ PRIVSEP_HELLO, sizeof(struct privchan_hdr), IN(PP_UNKNOWN),
	  sizeof(struct privsep_msg_hello_reply), pp_hello },
	/* Again after a refused tunnel request (sold out, wrong type). */
	{ PRIVSEP_AUTH, sizeof(struct privsep_msg_auth),
	  IN(PP_NEW) | IN(PP_AUTHED),
	  sizeof(struct privsep_msg_auth_reply), pp_auth },
	{ PRIVSEP_TUNNEL, sizeof(struct privsep_msg_tunnel), IN(PP_AUTHED),
	  sizeof(struct privsep_msg_tunnel_reply), pp_tunnel },
	{ PRIVSEP_UNTUNNEL, sizeof(struct privchan_hdr), IN(PP_TUNNELED),
	  0, pp_gone },
	/* Also for a session the parent never saw (a failed accept). */
	{ PRIVSEP_END, sizeof(struct privsep_msg_end),
	  IN(PP_UNKNOWN) | IN(PP_NEW) | IN(PP_AUTHED) | IN(PP_TUNNELED) |
	  IN(PP_UNTUNNELED), 0, pp_gone },
};

/* SIGINT, SIGTERM: the engine ends the sessions, then the channel closes
 * and we go. SIGHUP: the files are read again at once (they are anyway
 * when they change, at the next login). */
static int pp_forward(void *ctx, int signo)
{
	struct privsep_parent *p = ctx;

	if (signo == SIGHUP) {
		log_info("SIGHUP: reading the password file and the route "
			 "table again");
		auth_reload(p->auth);
		if (p->routes != NULL)
			routes_reload(p->routes);
		return 0;
	}
	return SIGTERM;
}

const struct privchan_table privsep_parent_table = {
	pp_rules, sizeof(pp_rules) / sizeof(pp_rules[0]), pp_state_of,
	pp_forward, pp_idle,
};

struct privsep_parent *privsep_parent_new(const struct server_config *cfg,
					  struct auth *auth,
					  struct routes *routes,
					  struct rtnl *nl)
{
	struct privsep_parent *p = calloc(1, sizeof(*p));
	uint64_t seed = 0;

	if (p == NULL)
		return NULL;
	*p = (struct privsep_parent){ .cfg = cfg, .auth = auth,
				      .routes = routes, .nl = nl };
	/* Session ids are the engine's: a predictable hash would let a
	 * subverted one make every lookup slow. */
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed) ||
	    keymap_init(&p->by_sid, sizeof(uint32_t), seed) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

void privsep_parent_account(struct privsep_parent *p, struct acct *acct)
{
	p->acct = acct;
}

void privsep_parent_free(struct privsep_parent *p)
{
	if (p == NULL)
		return;
	pp_account_flush(p, p->nended);
	/* A dead engine sends no END: its tunnels end here. */
	for (size_t i = 0; i < p->n; i++) {
		struct acct_end e = { .reason = "the engine stopped" };

		if (p->s[i].state == PP_TUNNELED)
			pp_account(p, &p->s[i], &e);
		pp_forget_tunnel(p, &p->s[i]);
	}
	while (p->ndoomed > 0 || p->ndying > 0 || p->nended > p->ended_head) {
		p->last_call_ms = 0;
		p->last_chunk_ms = 0;
		(void)pp_idle(p);
	}
	free(p->doomed);
	if (p->ended != NULL)
		explicit_bzero(p->ended, p->ended_cap * sizeof(*p->ended));
	free(p->ended);
	keymap_destroy(&p->by_sid);
	if (p->s != NULL)
		explicit_bzero(p->s, p->cap * sizeof(*p->s));
	free(p->s);
	free(p);
}
