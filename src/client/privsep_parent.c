/* A client's privileged parent: the request table and its handlers. */
#include "client/privsep_parent.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/privsep_msg.h"
#include "client/tunctl.h"
#include "common/log.h"
#include "common/parse.h"
#include "os/privchan.h"
#include "os/tunsock.h"

/* The one tunnel a client has is in one of these states. */
enum pp_state {
	PP_DOWN,   /* no tunnel: "up" allowed */
	PP_UP,     /* tunnel up: "down" owed */
};

#define IN(s) (1u << (s))
#define PP_LOCAL_MAX 4096   /* this host's prefixes compared, at most */

struct privsep_parent {
	const struct client_config *cfg;
	const char *password;
	struct tunctl tc;
};

static unsigned pp_state_of(void *ctx, const struct privchan_hdr *h)
{
	struct privsep_parent *p = ctx;

	(void)h;
	return p->tc.up ? PP_UP : PP_DOWN;
}

static int pp_resolve(void *ctx, const void *msg, void *reply, int *fd)
{
	struct privsep_parent *p = ctx;
	struct privsep_msg_resolve_reply *rep = reply;
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	int rc;

	(void)msg;
	(void)fd;
	rc = getaddrinfo(p->cfg->server, NULL, &hints, &res);
	if (rc != 0) {
		log_warnx("cannot resolve server %s: %s", p->cfg->server,
			  gai_strerror(rc));
		rep->err = -1;
		return 0;
	}
	for (ai = res; ai && rep->n < PRIVSEP_ADDRS_MAX; ai = ai->ai_next)
		rep->addrs[rep->n++] =
			((const struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

static int pp_socket(void *ctx, const void *msg, void *reply, int *fdp)
{
	struct privsep_parent *p = ctx;
	const struct privsep_msg_socket *m = msg;
	struct privsep_msg_socket_reply *rep = reply;
	struct in_addr local = { m->local4 }, peer = { m->peer4 };
	int fd;

	/* The kind the configuration asks for, from -A when given, and a
	 * raw socket connected to a unicast address, so that it takes
	 * packets from that one only (sending is not narrowed by connect:
	 * the engine's seccomp filter refuses it IP_HDRINCL). */
	if (m->kind != (p->cfg->udp ? PRIVSEP_SOCKET_UDP : PRIVSEP_SOCKET_P41) ||
	    (p->cfg->source.s_addr != INADDR_ANY &&
	     m->local4 != p->cfg->source.s_addr) ||
	    (m->kind == PRIVSEP_SOCKET_P41 && !proto_ipv4_unicast_ok(peer)))
		return -1;
	if (m->kind == PRIVSEP_SOCKET_UDP)
		fd = udp_tunnel_socket(local, p->cfg->udp_port);
	else
		fd = p41_tunnel_socket(local, peer);

	if (fd < 0)
		rep->err = fd;
	else
		*fdp = fd;
	return 0;
}

/* The engine may ask for digests, and roam1 keys, of challenges it picks
 * (see dtcpc(8)): the password itself never leaves, but a subverted
 * engine could collect them for an offline guess at a weak password. */
static int pp_digest(void *ctx, const void *msg, void *reply, int *fd)
{
	struct privsep_parent *p = ctx;
	const struct privsep_msg_digest *m = msg;
	struct privsep_msg_digest_reply *rep = reply;

	(void)fd;
	if (!proto_hex_ok(m->challenge, PROTO_CHALLENGE_LEN))
		return -1;
	proto_digest(p->cfg->user, m->challenge, (const uint8_t *)p->password,
		     strlen(p->password), rep->digest);
	proto_roam_key(p->cfg->user, m->challenge, (const uint8_t *)p->password,
		       strlen(p->password), rep->roam_key);
	return 0;
}

/* A delegated prefix: a length of 1..128, no host bits, and an address a
 * tunnel end could have (not link-local, multicast, loopback, mapped). */
static bool pp_prefix_ok(const struct proto_prefix *pf)
{
	struct in6_addr masked;
	char text[INET6_ADDRSTRLEN + 5];
	unsigned plen;

	if (pf->plen < 1 || pf->plen > 128 ||
	    !proto_tunnel_addr_ok(&pf->addr))
		return false;
	/* parse_prefix6 is the one rule for "no host bits". */
	inet_ntop(AF_INET6, &pf->addr, text, INET6_ADDRSTRLEN);
	snprintf(text + strlen(text), 5, "/%u", pf->plen);
	return parse_prefix6(text, &masked, &plen) == 0;
}

/* The client's own prefixes, collected to compare the server's with. */
struct pp_local {
	struct rtnl_prefix6 p[PP_LOCAL_MAX];
	size_t n;
	bool truncated;
};

static void pp_collect(void *arg, const struct rtnl_prefix6 *pf)
{
	struct pp_local *l = arg;

	/* The default route overlaps everything by design, and link-local
	 * and multicast are never a server's to give. */
	if (pf->plen == 0 || IN6_IS_ADDR_LINKLOCAL(&pf->addr) ||
	    IN6_IS_ADDR_MULTICAST(&pf->addr))
		return;
	if (l->n == PP_LOCAL_MAX) {
		l->truncated = true;
		return;
	}
	l->p[l->n++] = *pf;
}

/* A hostile server must not pull a destination that another interface
 * of this host has (an address, or a route) into the tunnel: every
 * address and prefix it gave is checked against them. Returns 0, or -1
 * after logging which field was refused. */
static int pp_no_overlap(struct privsep_parent *p,
			 const struct proto_tunnel_reply *tr)
{
	static struct pp_local l;
	struct proto_prefix given[2 + PROTO_PREFIXES_MAX];
	const char *field[2 + PROTO_PREFIXES_MAX];
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	size_t ngiven = 0;
	int err;

	if (tr->has_v6) {
		given[ngiven] = (struct proto_prefix){ tr->client6, 128 };
		field[ngiven++] = "client-v6";
		given[ngiven] = (struct proto_prefix){ tr->server6, 128 };
		field[ngiven++] = "server-v6";
	}
	for (unsigned i = 0; i < tr->nprefixes; i++) {
		given[ngiven] = tr->prefix[i];
		field[ngiven++] = "delegated prefix";
	}
	if (ngiven == 0)
		return 0;
	memset(&l, 0, sizeof(l));
	err = rtnl_dump_prefixes6(p->tc.nl, pp_collect, &l);
	if (err < 0 || l.truncated) {
		log_warnx("cannot list this host's IPv6 routes to check the "
			  "server's addresses: %s", err < 0 ? strerror(-err)
							  : "too many");
		return -1;
	}
	for (size_t i = 0; i < ngiven; i++)
		for (size_t k = 0; k < l.n; k++) {
			if (!proto_prefixes_overlap(&given[i].addr, given[i].plen,
						    &l.p[k].addr, l.p[k].plen))
				continue;
			inet_ntop(AF_INET6, &given[i].addr, a, sizeof(a));
			inet_ntop(AF_INET6, &l.p[k].addr, b, sizeof(b));
			if (if_indextoname(l.p[k].ifindex, ifn) == NULL)
				snprintf(ifn, sizeof(ifn), "?");
			log_warnx("refused the server's %s %s/%u: it overlaps "
				  "%s/%u of %s on this host; nothing configured",
				  field[i], a, given[i].plen, b, l.p[k].plen, ifn);
			return -1;
		}
	return 0;
}

static int pp_up(void *ctx, const void *msg, void *reply, int *fdp)
{
	struct privsep_parent *p = ctx;
	const struct privsep_msg_up *m = msg;
	struct privsep_msg_up_reply *rep = reply;
	struct proto_tunnel_reply tr = {
		.client4.s_addr = m->client4, .server4.s_addr = m->server4,
		.has_v6 = m->has_v6 == 1, .udp_port = m->udp_port,
	};
	int fd;

	memcpy(&tr.client6, m->client6, 16);
	memcpy(&tr.server6, m->server6, 16);
	/* Prefixes only for network, each a real one the engine's parser
	 * would have let through. */
	if (m->nprefixes > PROTO_PREFIXES_MAX ||
	    (m->nprefixes > 0) != (p->cfg->type == PROTO_TYPE_NETWORK))
		return -1;
	tr.nprefixes = m->nprefixes;
	for (unsigned i = 0; i < tr.nprefixes; i++) {
		memcpy(&tr.prefix[i].addr, m->prefix[i].addr, 16);
		tr.prefix[i].plen = m->prefix[i].plen;
		if (!pp_prefix_ok(&tr.prefix[i]))
			return -1;
	}
	/* Addresses only where the tunnel type has them, and only what the
	 * engine's parser would have let through. */
	if ((m->udp_port != 0) != p->cfg->udp || m->has_v6 > 1 ||
	    !proto_ipv4_unicast_ok(tr.server4) ||
	    (p->cfg->type == PROTO_TYPE_HOST && !tr.has_v6) ||
	    (p->cfg->type == PROTO_TYPE_TUNNELONLY && tr.has_v6) ||
	    (tr.has_v6 && (!proto_tunnel_addr_ok(&tr.client6) ||
			   !proto_tunnel_addr_ok(&tr.server6) ||
			   !proto_host_pair_ok(&tr.client6, &tr.server6))))
		return -1;
	if (pp_no_overlap(p, &tr) < 0) {
		rep->err = PRIVSEP_UP_FATAL;
		return 0;
	}
	fd = tunctl_up(&p->tc, &tr);
	if (fd < 0)
		rep->err = fd;
	else
		*fdp = fd;
	memcpy(rep->ifname, p->tc.ifname, IFNAMSIZ);
	return 0;
}

static int pp_down(void *ctx, const void *msg, void *reply, int *fd)
{
	struct privsep_parent *p = ctx;

	(void)msg;
	(void)reply;
	(void)fd;
	tunctl_down(&p->tc);
	return 0;
}

#define ANY (IN(PP_DOWN) | IN(PP_UP))

/* The boundary: every request the engine may make, its exact length,
 * the tunnel states in which it is allowed, and its reply. */
static const struct privchan_rule pp_rules[] = {
	{ PRIVSEP_RESOLVE, sizeof(struct privchan_hdr), ANY,
	  sizeof(struct privsep_msg_resolve_reply), pp_resolve },
	{ PRIVSEP_SOCKET, sizeof(struct privsep_msg_socket), ANY,
	  sizeof(struct privsep_msg_socket_reply), pp_socket },
	{ PRIVSEP_DIGEST, sizeof(struct privsep_msg_digest), ANY,
	  sizeof(struct privsep_msg_digest_reply), pp_digest },
	{ PRIVSEP_UP, sizeof(struct privsep_msg_up), IN(PP_DOWN),
	  sizeof(struct privsep_msg_up_reply), pp_up },
	{ PRIVSEP_DOWN, sizeof(struct privchan_hdr), IN(PP_UP),
	  sizeof(struct privchan_hdr), pp_down },
};

/* The engine says quit, asks for "down" itself, or reconnects (SIGHUP). */
static int pp_forward(void *ctx, int signo)
{
	(void)ctx;
	return signo;
}

const struct privchan_table privsep_parent_table = {
	pp_rules, sizeof(pp_rules) / sizeof(pp_rules[0]), pp_state_of,
	pp_forward, NULL,
};

struct privsep_parent *privsep_parent_new(const struct client_config *cfg,
					  const char *password,
					  struct rtnl *nl)
{
	struct privsep_parent *p = calloc(1, sizeof(*p));

	if (p != NULL)
		*p = (struct privsep_parent){
			.cfg = cfg, .password = password,
			.tc = { .cfg = cfg, .nl = nl },
		};
	return p;
}

void privsep_parent_free(struct privsep_parent *p)
{
	if (p == NULL)
		return;
	tunctl_down(&p->tc);
	free(p);
}
