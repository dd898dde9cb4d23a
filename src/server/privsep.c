/* Privilege separation: the messages, the engine's stubs and the parent's
 * checked loop (see privsep.h). */
#include "server/privsep.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "authdb/authdb.h"
#include "common/monotime.h"
#include "common/log.h"
#include "os/fdpass.h"
#include "os/privparent.h"
#include "os/priv.h"
#include "server/pool.h"

enum ps_type {
	PS_HELLO = 1,
	PS_HELLO_REPLY,
	PS_AUTH,
	PS_AUTH_REPLY,
	PS_TUNNEL,
	PS_TUNNEL_REPLY,
	PS_END,
	PS_UNTUNNEL,
};

struct ps_hdr {
	uint32_t type;
	uint32_t sid;
};

struct ps_hello_reply {
	struct ps_hdr h;
	char challenge[PROTO_CHALLENGE_LEN + 1];
};

struct ps_auth {
	struct ps_hdr h;
	char user[PROTO_USER_MAX + 1];
	char response[PROTO_DIGEST_LEN + 1];
};

struct ps_auth_reply {
	struct ps_hdr h;
	int32_t result;
};

struct ps_tunnel {
	struct ps_hdr h;
	uint32_t tuntype;
	uint32_t unit;
};

struct ps_tunnel_reply {
	struct ps_hdr h;
	int32_t err;
	struct privsep_tunnel t;
};

union ps_msg {
	struct ps_hdr h;
	struct ps_hello_reply hello_reply;
	struct ps_auth auth;
	struct ps_auth_reply auth_reply;
	struct ps_tunnel tunnel;
	struct ps_tunnel_reply tunnel_reply;
};

static int ps_send(int sock, const void *msg, size_t len, int fd)
{
	return fdpass_send(sock, msg, len, fd);
}

static ssize_t ps_recv(int sock, union ps_msg *msg, int *fd)
{
	return fdpass_recv(sock, msg, sizeof(*msg), fd);
}

/* ---------------------------------------------------------------- engine */

static int ps_sock = -1;

void privsep_engine_init(int sock)
{
	ps_sock = sock;
}

/* One request and its reply of the expected type, session and length. */
static void ps_call(const void *req, size_t len, union ps_msg *rep,
		    uint32_t want_type, size_t want_len, int *fd)
{
	const struct ps_hdr *h = req;
	ssize_t n;

	if (ps_send(ps_sock, req, len, -1) < 0)
		fatal("privileged parent unreachable");
	n = ps_recv(ps_sock, rep, fd);
	if (n == 0)
		fatalx("privileged parent has exited");
	if (*fd == FDPASS_LOST && want_type != PS_TUNNEL_REPLY)
		fatalx("unexpected descriptor from the privileged parent");
	if (n != (ssize_t)want_len || rep->h.type != want_type ||
	    rep->h.sid != h->sid)
		fatalx("unexpected reply from the privileged parent");
}

static void copy_field(char *dst, size_t size, const char *src)
{
	memset(dst, 0, size);
	strncpy(dst, src, size - 1);
}

int privsep_hello(unsigned sid, char challenge[PROTO_CHALLENGE_LEN + 1])
{
	struct ps_hdr req = { PS_HELLO, sid };
	union ps_msg rep;
	int fd;

	ps_call(&req, sizeof(req), &rep, PS_HELLO_REPLY,
		sizeof(rep.hello_reply), &fd);
	if (fd != -1 || strnlen(rep.hello_reply.challenge,
				sizeof(rep.hello_reply.challenge)) !=
			PROTO_CHALLENGE_LEN)
		fatalx("unexpected reply from the privileged parent");
	memcpy(challenge, rep.hello_reply.challenge, PROTO_CHALLENGE_LEN + 1);
	return 0;
}

int privsep_auth(unsigned sid, const char *user, const char *response)
{
	struct ps_auth req;
	union ps_msg rep;
	int fd;

	/* The parent trusts nothing it gets: check here what a client may
	 * legitimately send wrong, so that only a subverted engine can
	 * break the parent's rules. */
	if (!proto_user_ok(user) || strlen(response) != PROTO_DIGEST_LEN ||
	    strspn(response, "0123456789abcdefABCDEF") != PROTO_DIGEST_LEN)
		return 0;
	memset(&req, 0, sizeof(req));
	req.h.type = PS_AUTH;
	req.h.sid = sid;
	copy_field(req.user, sizeof(req.user), user);
	copy_field(req.response, sizeof(req.response), response);
	ps_call(&req, sizeof(req), &rep, PS_AUTH_REPLY, sizeof(rep.auth_reply),
		&fd);
	explicit_bzero(&req, sizeof(req));
	if (fd >= 0)
		fatalx("unexpected descriptor from the privileged parent");
	return rep.auth_reply.result;
}

int privsep_tunnel(unsigned sid, enum proto_type type, unsigned unit,
		   struct privsep_tunnel *t)
{
	struct ps_tunnel req = { .h = { PS_TUNNEL, sid }, .tuntype = type,
				 .unit = unit };
	union ps_msg rep;
	int fd;

	ps_call(&req, sizeof(req), &rep, PS_TUNNEL_REPLY,
		sizeof(rep.tunnel_reply), &fd);
	if (rep.tunnel_reply.err < 0) {
		if (fd >= 0)
			close(fd);
		return rep.tunnel_reply.err;
	}
	if (fd == FDPASS_LOST) {
		/* The interface died with the lost descriptor; the parent
		 * must forget the session's tunnel too. */
		log_warnx("out of file descriptors receiving a tunnel; raise "
			  "the limit (ulimit -n, LimitNOFILE=) or lower -M");
		privsep_untunnel(sid);
		return -EMFILE;
	}
	if (fd < 0)
		fatalx("privileged parent sent no tunnel descriptor");
	*t = rep.tunnel_reply.t;
	t->ifname[IFNAMSIZ - 1] = '\0';
	return fd;
}

void privsep_untunnel(unsigned sid)
{
	struct ps_hdr req = { PS_UNTUNNEL, sid };

	if (ps_send(ps_sock, &req, sizeof(req), -1) < 0)
		fatal("privileged parent unreachable");
}

void privsep_end(unsigned sid)
{
	struct ps_hdr req = { PS_END, sid };

	if (ps_send(ps_sock, &req, sizeof(req), -1) < 0)
		fatal("privileged parent unreachable");
}

/* ---------------------------------------------------------------- parent */

enum ps_state {
	PS_NEW,        /* logins being tried */
	PS_AUTHED,     /* login succeeded: may ask for one tunnel */
	PS_TUNNELED,   /* has its tunnel */
};

struct ps_session {
	uint32_t sid;
	enum ps_state state;
	char challenge[PROTO_CHALLENGE_LEN + 1];   /* issued by the parent */
	unsigned failures;
	unsigned unit;
};

struct ps_parent {
	const struct server_config *cfg;
	struct ps_session *s;
	size_t n, cap;
	uint64_t fail_window_ms;      /* start of the current second */
	unsigned fail_count;          /* failed checks in it */
	bool fail_reported;
};

static struct ps_session *ps_find(struct ps_parent *p, uint32_t sid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].sid == sid)
			return &p->s[i];
	return NULL;
}

static void ps_forget(struct ps_parent *p, struct ps_session *s)
{
	*s = p->s[--p->n];
}

/* True when buf[size] is a NUL-terminated string of printable ASCII. */
static bool ps_str_ok(const char *buf, size_t size, size_t exact_len)
{
	size_t len = strnlen(buf, size);

	if (len == size || (exact_len && len != exact_len))
		return false;
	for (size_t i = 0; i < len; i++)
		if (buf[i] <= 0x20 || buf[i] >= 0x7f)
			return false;
	return true;
}

static bool ps_unit_taken(struct ps_parent *p, unsigned unit)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].state == PS_TUNNELED && p->s[i].unit == unit)
			return true;
	return false;
}

/* Returns 0, or -1 when the message breaks the rules. */
/* A new session: the parent issues its challenge, so that a subverted
 * engine cannot pick the challenges that it has checked. */
static int ps_on_hello(struct ps_parent *p, int sock, const struct ps_hdr *m)
{
	struct ps_hello_reply rep = { .h = { PS_HELLO_REPLY, m->sid } };
	struct ps_session *s;

	if (ps_find(p, m->sid) != NULL ||
	    p->n >= (size_t)p->cfg->max_tunnels + 16)
		return -1;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct ps_session *ns = realloc(p->s, cap * sizeof(*ns));

		if (ns == NULL)
			fatalx("out of memory");
		p->s = ns;
		p->cap = cap;
	}
	s = &p->s[p->n++];
	*s = (struct ps_session){ .sid = m->sid, .state = PS_NEW };
	if (proto_challenge_new(s->challenge) < 0)
		fatal("cannot read the kernel's random source");
	memcpy(rep.challenge, s->challenge, sizeof(rep.challenge));
	return ps_send(sock, &rep, sizeof(rep), -1) < 0 ? -1 : 0;
}

/* A global ceiling on failed checks, whatever the engine does with its
 * per-connection and per-address limits: 50 a second. */
static bool ps_fail_budget(struct ps_parent *p)
{
	uint64_t now = monotime_ms();

	if (now - p->fail_window_ms >= 1000) {
		p->fail_window_ms = now;
		p->fail_count = 0;
		p->fail_reported = false;
	}
	if (p->fail_count < 50)
		return true;
	if (!p->fail_reported)
		log_warnx("more than 50 failed logins in a second: refusing "
			  "logins for the rest of it");
	p->fail_reported = true;
	return false;
}

static int ps_on_auth(struct ps_parent *p, int sock, const struct ps_auth *m)
{
	struct ps_auth_reply rep = { .h = { PS_AUTH_REPLY, m->h.sid } };
	struct ps_session *s = ps_find(p, m->h.sid);

	if (s == NULL || !ps_str_ok(m->user, sizeof(m->user), 0) ||
	    m->user[0] == '\0' ||
	    !ps_str_ok(m->response, sizeof(m->response), PROTO_DIGEST_LEN))
		return -1;
	/* A client may log in again after a tunnel request failed (sold
	 * out, wrong type); once it has its tunnel there is nothing to ask. */
	if (s->state == PS_TUNNELED)
		return -1;
	/* The engine closes a connection after 3 failures; more would be
	 * a brute force by a subverted engine. */
	if (s->failures >= PRIVSEP_AUTH_PER_SESSION)
		rep.result = 0;
	else if (!ps_fail_budget(p))
		rep.result = PRIVSEP_AUTH_BUSY;   /* not checked, not counted */
	else
		rep.result = priv_auth_check(m->user, s->challenge, m->response);
	if (rep.result == 0) {
		s->failures++;
		p->fail_count++;
	}
	if (rep.result != PRIVSEP_AUTH_BUSY)
		s->state = rep.result == 1 ? PS_AUTHED : PS_NEW;
	return ps_send(sock, &rep, sizeof(rep), -1) < 0 ? -1 : 0;
}

static int ps_on_tunnel(struct ps_parent *p, int sock, const struct ps_tunnel *m)
{
	const struct server_config *cfg = p->cfg;
	struct ps_tunnel_reply rep = { .h = { PS_TUNNEL_REPLY, m->h.sid } };
	struct ps_session *s = ps_find(p, m->h.sid);
	char name[IFNAMSIZ];
	int fd = -1, err;

	if (s == NULL || s->state != PS_AUTHED)
		return -1;
	if ((m->tuntype != PROTO_TYPE_TUNNELONLY &&
	     m->tuntype != PROTO_TYPE_HOST) ||
	    (m->tuntype == PROTO_TYPE_HOST && !cfg->has_prefix) ||
	    m->unit < cfg->if_base || m->unit - cfg->if_base >= cfg->max_tunnels ||
	    ps_unit_taken(p, m->unit))
		return -1;
	if ((unsigned)snprintf(name, sizeof(name), "%s%u", cfg->if_stem,
			       m->unit) >= sizeof(name)) {
		rep.err = -ENOSPC;
		goto reply;
	}
	if (m->tuntype == PROTO_TYPE_HOST) {
		/* The parent, not the engine, decides the addresses. */
		if (pool_host_pair(&cfg->prefix, cfg->plen, m->unit,
				   &rep.t.server6, &rep.t.client6) < 0) {
			rep.err = -ENOSPC;
			goto reply;
		}
		rep.t.has_v6 = 1;
	}
	fd = priv_tun_create(name, cfg->mtu, rep.t.ifname, &rep.t.ifindex);
	if (fd < 0) {
		rep.err = fd;
		goto reply;
	}
	if (rep.t.has_v6) {
		err = priv_addr6_add(rep.t.ifindex, &rep.t.server6,
				     &rep.t.client6);
		if (err < 0) {
			close(fd);
			fd = -1;
			rep.err = err;
			goto reply;
		}
	}
	s->state = PS_TUNNELED;
	s->unit = m->unit;
reply:
	err = ps_send(sock, &rep, sizeof(rep), fd);
	/* The engine now holds the only descriptor: when it closes it, or
	 * dies, the kernel removes the interface. */
	if (fd >= 0)
		close(fd);
	return err;
}

static int ps_dispatch(struct ps_parent *p, int sock, const union ps_msg *m,
		       ssize_t len)
{
	struct ps_session *s;

	if (len < (ssize_t)sizeof(struct ps_hdr))
		return -1;
	switch (m->h.type) {
	case PS_HELLO:
		return len == sizeof(m->h) ? ps_on_hello(p, sock, &m->h) : -1;
	case PS_AUTH:
		return len == sizeof(m->auth) ? ps_on_auth(p, sock, &m->auth) : -1;
	case PS_TUNNEL:
		return len == sizeof(m->tunnel) ? ps_on_tunnel(p, sock, &m->tunnel)
						: -1;
	case PS_END:
		if (len != sizeof(m->h))
			return -1;
		s = ps_find(p, m->h.sid);
		if (s)
			ps_forget(p, s);
		return 0;
	case PS_UNTUNNEL:
		/* The engine lost the tunnel before using it: the session
		 * stays logged in and may ask again. */
		if (len != sizeof(m->h))
			return -1;
		s = ps_find(p, m->h.sid);
		if (s == NULL || s->state != PS_TUNNELED)
			return -1;
		s->state = PS_AUTHED;
		return 0;
	default:
		return -1;
	}
}

static int ps_serve(void *ctx, int sock, const void *msg, size_t len)
{
	union ps_msg m;

	if (len > sizeof(m))
		return -1;
	memset(&m, 0, sizeof(m));
	memcpy(&m, msg, len);
	return ps_dispatch(ctx, sock, &m, (ssize_t)len);
}

/* The engine ends the sessions, then the channel closes and we go;
 * SIGHUP means nothing to dtcps. */
static int ps_forward(int signo)
{
	return signo == SIGHUP ? 0 : SIGTERM;
}

int privsep_parent_run(int sock, int log_fd, pid_t engine,
		       const struct server_config *cfg)
{
	static const struct privparent_ops ops = { ps_serve, ps_forward };
	struct ps_parent p = { .cfg = cfg };
	int rc = privparent_run(sock, log_fd, engine, &ops, &p);

	free(p.s);
	return rc;
}
