/* The server's DTCP session state machine (PROTOCOL.md, "States"). */
#include "server/session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/linebuf.h"
#include "common/log.h"
#include "common/monotime.h"
#include "server/privsep.h"
#include "proto/proto.h"
#include "server/tunnel.h"

enum sess_state {
	SESS_GREETED,    /* greeting sent, no tunnel yet */
	SESS_TUNNELED,   /* tunnel up */
	SESS_CLOSED,     /* waiting to be freed */
};

struct session {
	struct session *next, *prev;          /* srv->sessions */
	struct session *wnext, *wprev;        /* srv->waiting_head: SESS_GREETED */
	struct server *srv;
	unsigned id;
	int fd;
	struct ev_io io;
	struct ev_timer timer;
	enum sess_state state;
	char challenge[PROTO_CHALLENGE_LEN + 1];
	struct sockaddr_in peer, local;
	char peer_text[INET_ADDRSTRLEN + 8];
	struct linebuf in;
	struct tunnel *tunnel;
	bool parent_knows;      /* the privileged parent has seen this id */
	uint64_t accepted_ms;   /* monotime of the accept */
	unsigned failures;      /* failed logins on this connection */
	char user[PROTO_USER_MAX + 1];   /* with a tunnel: who logged in */
	time_t up_since;        /* with a tunnel: when it came up */
};

static void session_close(struct session *s, const char *why);

/* A server of 10,000 tunnels finds a session by id, counts an address's
 * connections and picks the longest waiting one without a scan: tables
 * and lists kept as sessions come and go. */
static struct session *session_by_id(const struct server *srv, unsigned id)
{
	return keymap_get(&srv->session_ids, &id);
}

static unsigned session_count_from(const struct server *srv,
				   struct in_addr addr)
{
	return (unsigned)(uintptr_t)keymap_get(&srv->per_addr, &addr.s_addr);
}

/* Count one more (delta 1) or one less (-1) connection from addr.
 * Returns 0, or -1 when out of memory (nothing changed). */
static int session_count_add(struct server *srv, struct in_addr addr,
			      int delta)
{
	uintptr_t n = (uintptr_t)keymap_get(&srv->per_addr, &addr.s_addr);

	n = delta > 0 ? n + 1 : n - 1;
	if (n == 0) {
		keymap_del(&srv->per_addr, &addr.s_addr, NULL);
		return 0;
	}
	return keymap_put(&srv->per_addr, &addr.s_addr, (void *)n, NULL);
}

static void session_wait_append(struct server *srv, struct session *s)
{
	s->wnext = NULL;
	s->wprev = srv->waiting_tail;
	if (srv->waiting_tail != NULL)
		srv->waiting_tail->wnext = s;
	else
		srv->waiting_head = s;
	srv->waiting_tail = s;
}

/* s has its tunnel, or is closed: it waits no more. */
static void session_wait_end(struct server *srv, struct session *s)
{
	if (s->wprev != NULL)
		s->wprev->wnext = s->wnext;
	else
		srv->waiting_head = s->wnext;
	if (s->wnext != NULL)
		s->wnext->wprev = s->wprev;
	else
		srv->waiting_tail = s->wprev;
	s->wnext = s->wprev = NULL;
	srv->npending--;
}

/* Replies are short and the socket buffer is empty between requests, so a
 * short write means the client stopped reading: end the session. */
static void session_send(struct session *s, const char *line, int len)
{
	if (len < 0 || s->state == SESS_CLOSED)
		return;
	if (send(s->fd, line, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) != len)
		session_close(s, "client does not read its replies");
}

static void session_reply(struct session *s, bool ok, const char *text)
{
	char buf[PROTO_LINE_MAX];
	int n = ok ? proto_fmt_ok(buf, sizeof(buf), text)
		   : proto_fmt_err(buf, sizeof(buf), text);

	log_debug("session %u: -> %s%s", s->id, ok ? "+OK " : "-ERR ", text);
	session_send(s, buf, n);
}

/* With a tunnel, any line restarts the silence timer (PROTOCOL.md).
 * Before one, the login timeout is a deadline from the connect that no
 * line extends, so that connections which only say "ping" cannot hold
 * login slots. */
static void session_arm_timer(struct session *s)
{
	const struct server_config *cfg = &s->srv->cfg;
	uint64_t ms, now, deadline;

	if (s->state == SESS_TUNNELED) {
		ms = (uint64_t)cfg->session_timeout * 1000;
	} else {
		now = monotime_ms();
		deadline = s->accepted_ms + (uint64_t)cfg->login_timeout * 1000;
		ms = deadline > now ? deadline - now : 0;
	}
	ev_timer_arm(s->srv->loop, &s->timer, ms);
}

static void session_on_timeout(void *arg)
{
	struct session *s = arg;

	if (s->state != SESS_TUNNELED) {
		session_reply(s, false, "no tunnel within the login time, "
					"disconnecting");
		session_close(s, "login time over");
		return;
	}
	session_reply(s, false, "connection timed out, disconnecting");
	session_close(s, "timed out");
}

static void session_close(struct session *s, const char *why)
{
	struct server *srv = s->srv;

	if (s->state == SESS_CLOSED)
		return;
	/* Release the interface and port now so the next session can have
	 * them; only the struct waits for the end of the event batch. After
	 * this no relay thread counts for it any more. */
	tunnel_close(&srv->tunnels, s->tunnel);
	if (s->tunnel) {
		char stats[RELAY_STATS_TEXT_MAX];

		relay_stats_add(&srv->stats.closed, &s->tunnel->relay.stats);
		srv->stats.tunnels_closed++;
		relay_stats_format(stats, sizeof(stats), &s->tunnel->relay.stats);
		log_info("session %u: %s: tunnel %s closed (%s); %s", s->id,
			 s->peer_text, s->tunnel->ifname, why, stats);
	} else {
		log_debug("session %u: %s: closed (%s)", s->id, s->peer_text,
			  why);
	}
	if (s->parent_knows)
		privsep_end(s->id, s->tunnel ? &s->tunnel->relay.stats : NULL,
			    s->tunnel && s->tunnel->kind == PRIVSEP_KIND_UDP
			    ? ntohs(s->tunnel->relay.peer.sin_port) : 0, why);
	ev_timer_cancel(srv->loop, &s->timer);
	ev_io_del(srv->loop, &s->io);
	close(s->fd);
	s->fd = -1;
	if (s->state == SESS_GREETED)
		session_wait_end(srv, s);
	s->state = SESS_CLOSED;
	srv->nsessions--;
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		srv->sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	keymap_del(&srv->session_ids, &s->id, s);
	(void)session_count_add(srv, s->peer.sin_addr, -1);
	s->next = srv->dead;
	srv->dead = s;
}

/* Newest login wins for delegated prefixes: the parent has moved the
 * routes of session `id` to session `by`; tell the old one why it ends. */
static void session_supersede(struct server *srv, unsigned id, unsigned by)
{
	struct session *old = session_by_id(srv, id);

	if (old == NULL)
		return;
	session_reply(old, false, "superseded by a new login, disconnecting");
	log_info("session %u: %s: its prefixes moved to session %u (newest "
		 "login wins)", old->id, old->peer_text, by);
	session_close(old, "superseded by a new login");
}

/* Refuse and close when this address has used up its failed logins.
 * Returns true when it did. */
static bool session_throttled(struct session *s)
{
	if (throttle_allow(&s->srv->throttle, s->peer.sin_addr, monotime_ms()))
		return false;
	s->srv->stats.logins_throttled++;
	session_reply(s, false, "too many failed logins from your address, "
				"try again later");
	session_close(s, "login throttled");
	return true;
}

/* Count a failed login against the connection and the address. */
static void session_login_failed(struct session *s)
{
	const struct server_config *cfg = &s->srv->cfg;

	s->srv->stats.logins_failed++;
	if (throttle_fail(&s->srv->throttle, s->peer.sin_addr, monotime_ms()))
		log_warnx("throttling logins from %s: %u failures in a row; "
			  "one more allowed every %u s", inet_ntoa(s->peer.sin_addr),
			  cfg->throttle_burst, cfg->throttle_refill);
	if (++s->failures >= SERVER_LOGIN_TRIES) {
		session_reply(s, false, "too many failed logins, disconnecting");
		session_close(s, "too many failed logins");
	}
}

static const char *tunnel_error_text(const struct server_config *cfg, int err,
				     char *buf, size_t len)
{
	switch (err) {
	case TUNNEL_ERR_USER_LIMIT:
		snprintf(buf, len, "too many tunnels for this user: %u is the "
			 "limit of this server; close one, or wait until a "
			 "dead one times out", cfg->max_per_user);
		return buf;
	case TUNNEL_ERR_SOLD_OUT:
		return "tunnel interface sold out";
	case TUNNEL_ERR_NO_ROUTES:
		return "unsupported tunnel type network";
	case TUNNEL_ERR_P41_TAKEN:
		return cfg->udp ? "a protocol-41 tunnel from your address is "
				  "up already (one per address; use udp for "
				  "more)"
				: "a protocol-41 tunnel from your address is "
				  "up already (one per address)";
	default:
		return "internal error, try again later";
	}
}

/* Answer a tunnel request; the order (auth, then type, then transport)
 * follows the original so that nothing is revealed before login. */
static void session_cmd_tunnel(struct session *s, const struct proto_request *req)
{
	const struct server_config *cfg = &s->srv->cfg;
	char buf[PROTO_LINE_MAX], esc[PROTO_TYPE_MAX + 8], user[80];
	uint8_t roam_key[PROTO_ROAM_KEY_LEN];
	char etext[160];
	struct tunnel_request treq;
	unsigned superseded = 0;
	struct tunnel *t;
	int ok, err, n;

	log_escape(user, sizeof(user), req->user, sizeof(req->user));
	if (session_throttled(s))
		return;
	ok = privsep_auth(s->id, req->user, req->response, roam_key);
	if (ok == PRIVSEP_AUTH_BUSY) {
		s->srv->stats.logins_throttled++;
		session_reply(s, false, "too many failed logins on this server, "
					"try again later");
		return;
	}
	if (ok == PRIVSEP_AUTH_UNUSABLE) {
		/* Our fault, not the client's: no failure counted, and a
		 * client that retries gets in once the file is fixed. */
		uint64_t now = monotime_ms();

		s->srv->stats.logins_server_error++;
		if (s->srv->login_server_error_logged_ms == 0 ||
		    now - s->srv->login_server_error_logged_ms >= 60000) {
			s->srv->login_server_error_logged_ms = now;
			log_warnx("session %u: %s: login of user \"%s\" not "
				  "checked: the password file is unusable (%llu "
				  "such logins so far; logged at most once a "
				  "minute)", s->id, s->peer_text, user,
				  (unsigned long long)
				  s->srv->stats.logins_server_error);
		}
		session_reply(s, false, "server error, try again later");
		return;
	}
	if (ok != 1) {
		log_info("session %u: %s: login failed for user \"%s\"", s->id,
			 s->peer_text, user);
		session_reply(s, false, "authentication failed.");
		session_login_failed(s);
		return;
	}
	/* -s: a tunnelonly tunnel would have nothing the shared interface
	 * could route to it. */
	if (!proto_type_supported(req->type) ||
	    (req->type == PROTO_TYPE_HOST && !cfg->has_prefix) ||
	    (req->type == PROTO_TYPE_TUNNELONLY && cfg->shared)) {
		log_escape(esc, sizeof(esc), req->type_text,
			   sizeof(req->type_text));
		snprintf(buf, sizeof(buf), "unsupported tunnel type %s", esc);
		s->srv->stats.logins_refused++;
		session_reply(s, false, buf);
		explicit_bzero(roam_key, sizeof(roam_key));
		return;
	}
	/* Protocol 41 always, as the original; UDP only with -U. */
	if (req->udp != PROTO_UDP_NONE && !cfg->udp) {
		s->srv->stats.logins_refused++;
		session_reply(s, false, "udp tunnels are not enabled on this "
					"server, ask without udp");
		explicit_bzero(roam_key, sizeof(roam_key));
		return;
	}
	treq = (struct tunnel_request){
		.type = req->type,
		.kind = req->udp == PROTO_UDP_NONE ? PRIVSEP_KIND_P41
						   : PRIVSEP_KIND_UDP,
		.client4 = s->peer.sin_addr,
		.server4 = cfg->has_tunnel_addr ? cfg->tunnel_addr
						: s->local.sin_addr,
		.udp_port = req->udp == PROTO_UDP_PORT ? req->udp_port : 0,
		.roam_key = req->udp == PROTO_UDP_ROAM ? roam_key : NULL,
		.superseded = &superseded,
	};
	err = tunnel_open(&s->srv->tunnels, s->id, &treq, &t);
	explicit_bzero(roam_key, sizeof(roam_key));
	if (err < 0) {
		const char *why = tunnel_error_text(cfg, err, etext,
						    sizeof(etext));

		log_warnx("session %u: %s: no tunnel for user \"%s\": %s", s->id,
			  s->peer_text, user, why);
		session_reply(s, false, why);
		s->srv->stats.logins_refused++;
		/* Its routes moved before the failure, and are gone now. */
		if (superseded != 0)
			session_supersede(s->srv, superseded, s->id);
		/* The parent wants only its end now (privsep_parent.c). */
		if (err == TUNNEL_ERR_UNTUNNELED)
			session_close(s, "tunnel setup failed");
		return;
	}
	s->tunnel = t;
	session_wait_end(s->srv, s);
	s->state = SESS_TUNNELED;
	s->srv->stats.logins_ok++;
	snprintf(s->user, sizeof(s->user), "%s", req->user);
	s->up_since = time(NULL);
	n = proto_fmt_tunnel_ok(buf, sizeof(buf), &t->reply);
	if (req->udp == PROTO_UDP_NONE)
		log_info("session %u: %s: user \"%s\" got a %s tunnel on %s, "
			 "protocol 41, endpoint %s", s->id, s->peer_text, user,
			 proto_type_name(req->type), t->ifname,
			 inet_ntoa(s->peer.sin_addr));
	else if (req->udp == PROTO_UDP_PORT)
		log_info("session %u: %s: user \"%s\" got a %s tunnel on %s, "
			 "udp port %u, mode %s, endpoint %s:%u (announced)",
			 s->id, s->peer_text, user, proto_type_name(req->type),
			 t->ifname, t->port, t->mode_name,
			 inet_ntoa(s->peer.sin_addr), req->udp_port);
	else
		log_info("session %u: %s: user \"%s\" got a %s tunnel on %s, "
			 "udp port %u, mode %s, endpoint %s:? (to be learned)",
			 s->id, s->peer_text, user, proto_type_name(req->type),
			 t->ifname, t->port, t->mode_name,
			 inet_ntoa(s->peer.sin_addr));
	if (n < 0) {
		/* The route table keeps every reply within a line; never
		 * leave a tunnel up that the client was not told about. */
		log_warnx("session %u: the reply does not fit one line",
			  s->id);
		session_reply(s, false, "internal error, try again later");
		if (t->superseded != 0) /* its routes have moved already */
			session_supersede(s->srv, t->superseded, s->id);
		session_close(s, "reply too long");
		return;
	}
	if (n > 2)
		log_debug("session %u: -> %.*s", s->id, n - 2, buf);
	session_send(s, buf, n);
	if (t->superseded != 0)
		session_supersede(s->srv, t->superseded, s->id);
}

static void session_line(struct session *s, char *line, size_t len)
{
	struct proto_request req;
	char esc[96], esc2[PROTO_TYPE_MAX + 8];
	int err;

	if (proto_line_prepare(line, len) < 0) {
		session_reply(s, false, "invalid command");
		return;
	}
	err = proto_parse_request(line, &req);
	if (err == 0 && req.cmd == PROTO_CMD_TUNNEL)
		/* Never log the response digest. */
		log_debug("session %u: <- tunnel %s <response> %s%s%.0u", s->id,
			  log_escape(esc, sizeof(esc), req.user, sizeof(req.user)),
			  log_escape(esc2, sizeof(esc2), req.type_text,
				     sizeof(req.type_text)),
			  req.udp == PROTO_UDP_NONE ? ""
			  : req.udp == PROTO_UDP_LEARN ? " udp"
			  : req.udp == PROTO_UDP_ROAM ? " udp " PROTO_ROAM_WORD
			  : " udp ",
			  req.udp == PROTO_UDP_PORT ? req.udp_port : 0);
	else if (strncasecmp(line, "tunnel", 6) == 0)
		log_debug("session %u: <- tunnel ... (malformed, not logged: "
			  "it may hold a digest)", s->id);
	else
		log_debug("session %u: <- %s", s->id,
			  log_escape(esc, sizeof(esc), line, len));
	switch (err) {
	case 0:
		break;
	case PROTO_ERR_AUTH:
		if (session_throttled(s))
			return;
		log_info("session %u: %s: malformed login", s->id, s->peer_text);
		session_reply(s, false, "authentication failed.");
		session_login_failed(s);
		return;
	case PROTO_ERR_UDPPORT:
		session_reply(s, false, "invalid udp port");
		return;
	default:
		session_reply(s, false, "invalid command");
		return;
	}
	switch (req.cmd) {
	case PROTO_CMD_TUNNEL:
		if (s->state == SESS_TUNNELED)
			session_reply(s, false, "tunnel already established");
		else
			session_cmd_tunnel(s, &req);
		break;
	case PROTO_CMD_PING:
		session_reply(s, true, "pong");
		break;
	case PROTO_CMD_HELP:
		session_reply(s, true, "valid commands are: TUNNEL PING QUIT");
		break;
	case PROTO_CMD_QUIT:
		session_reply(s, true, "see you soon.");
		session_close(s, "client quit");
		break;
	}
}

static void session_on_read(void *arg, uint32_t events)
{
	struct session *s = arg;
	char line[LINEBUF_MAX];
	size_t len;
	ssize_t n;
	int got;

	(void)events;
	n = linebuf_fill(&s->in, s->fd);
	if (n == 0) {
		session_close(s, "client closed the connection");
		return;
	}
	if (n < 0 && n != -EAGAIN) {
		session_close(s, strerror((int)-n));
		return;
	}
	while (s->state != SESS_CLOSED &&
	       (got = linebuf_next(&s->in, line, &len)) != 0) {
		if (got < 0) {
			session_reply(s, false, "line too long, disconnecting");
			session_close(s, "line too long");
			return;
		}
		session_line(s, line, len);
		if (s->state == SESS_CLOSED)
			return;
		session_arm_timer(s);
	}
}

/* The next session id: never 0, never one still in use (after 2^32
 * connections the counter wraps). */
static unsigned session_new_id(struct server *srv)
{
	for (;;) {
		unsigned id = ++srv->next_id;

		if (id != 0 && session_by_id(srv, id) == NULL)
			return id;
	}
}

/* The connection without a tunnel that has waited longest, or NULL. */
static struct session *session_oldest_pending(const struct server *srv)
{
	return srv->waiting_head;
}

/* Connections that have not logged in have slots of their own (-w), and
 * a new one may take the slot of the one that has waited longest: they
 * can neither lock others out nor push out a session with a tunnel. */
static void session_make_room(struct server *srv)
{
	struct session *old;

	if (srv->npending < srv->cfg.max_pending &&
	    srv->nsessions < srv->cfg.max_tunnels)
		return;
	old = session_oldest_pending(srv);
	if (old == NULL)
		return;
	srv->stats.slots_taken++;
	session_reply(old, false, "too many connections waiting to log in, "
				  "disconnecting");
	session_close(old, "its login slot went to a newer connection");
}

void session_accept(struct server *srv, int fd, const struct sockaddr_in *peer,
		    const struct sockaddr_in *local)
{
	char buf[PROTO_LINE_MAX];
	struct session *s;
	int n;

	if (session_count_from(srv, peer->sin_addr) < srv->cfg.max_per_addr)
		session_make_room(srv);
	if (srv->nsessions >= srv->cfg.max_tunnels ||
	    session_count_from(srv, peer->sin_addr) >= srv->cfg.max_per_addr) {
		bool total = srv->nsessions >= srv->cfg.max_tunnels;

		n = proto_fmt_err(buf, sizeof(buf), total
				  ? "too many sessions, try again later"
				  : "too many sessions from your address");
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* Nothing more to do for a refused connection. */
		}
		log_debug("refused a connection from %s: %s",
			  inet_ntoa(peer->sin_addr),
			  total ? "session limit" : "per-address limit");
		close(fd);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		log_warnx("out of memory; refusing a connection");
		close(fd);
		return;
	}
	s->srv = srv;
	s->id = session_new_id(srv);
	if (keymap_put(&srv->session_ids, &s->id, s, NULL) < 0 ||
	    session_count_add(srv, peer->sin_addr, 1) < 0) {
		keymap_del(&srv->session_ids, &s->id, s);
		log_warnx("out of memory; refusing a connection");
		close(fd);
		free(s);
		return;
	}
	s->fd = fd;
	s->peer = *peer;
	s->local = *local;
	s->state = SESS_GREETED;
	s->accepted_ms = monotime_ms();
	snprintf(s->peer_text, sizeof(s->peer_text), "%s:%u",
		 inet_ntoa(peer->sin_addr), ntohs(peer->sin_port));
	privsep_hello(s->id, s->challenge);
	s->parent_knows = true;
	s->io = (struct ev_io){ .fd = fd, .cb = session_on_read, .arg = s };
	s->timer = (struct ev_timer){ .cb = session_on_timeout, .arg = s };
	if (ev_io_add(srv->loop, &s->io, EPOLLIN) < 0) {
		log_warn("cannot watch a new connection");
		privsep_end(s->id, NULL, 0, "cannot watch the connection");
		keymap_del(&srv->session_ids, &s->id, s);
		(void)session_count_add(srv, peer->sin_addr, -1);
		close(fd);
		free(s);
		return;
	}
	s->next = srv->sessions;
	if (srv->sessions != NULL)
		srv->sessions->prev = s;
	srv->sessions = s;
	srv->nsessions++;
	srv->npending++;
	session_wait_append(srv, s);
	log_debug("session %u: connection from %s", s->id, s->peer_text);
	session_arm_timer(s);
	n = proto_fmt_greeting(buf, sizeof(buf), s->challenge);
	session_send(s, buf, n);
}

void session_foreach(struct server *srv, session_visit_fn *fn, void *arg)
{
	for (const struct session *s = srv->sessions; s; s = s->next) {
		struct session_info si = { .id = s->id, .user = s->user,
					   .peer_text = s->peer_text,
					   .up_since = s->up_since,
					   .tunnel = s->tunnel };

		if (s->state == SESS_TUNNELED)
			fn(arg, &si);
	}
}

unsigned session_disconnect(struct server *srv, const char *target,
			    const char *why)
{
	unsigned id = 0, n = 0;
	char *end;
	unsigned long v = strtoul(target, &end, 10);
	struct session *s, *next;

	if (*target >= '0' && *target <= '9' && *end == '\0' && v <= ~0u)
		id = (unsigned)v;
	for (s = srv->sessions; s; s = next) {
		next = s->next;
		if (s->state != SESS_TUNNELED ||
		    (id ? s->id != id : strcmp(s->user, target) != 0))
			continue;
		session_reply(s, false, why);
		session_close(s, why);
		n++;
	}
	return n;
}

void session_reap(struct server *srv)
{
	while (srv->dead) {
		struct session *s = srv->dead;

		srv->dead = s->next;
		tunnel_free(s->tunnel);
		free(s);
	}
}

void session_close_all(struct server *srv)
{
	while (srv->sessions)
		session_close(srv->sessions, "server shutting down");
	session_reap(srv);
}
