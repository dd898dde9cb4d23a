/* Unit tests for dtcps's trust boundary: requests fed to the privileged
 * parent's dispatch over a real socketpair, as a subverted engine would
 * send them. Each malformed, wrong-length, wrong-type or out-of-state
 * request must be refused (the parent then kills the engine); the good
 * ones must be answered exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include "os/fdpass.h"
#include "os/rtnl.h"
#include "server/privsep.h"
#include "server/privsep_msg.h"
#include "server/privsep_parent.h"

struct fixture {
	char path[64];
	struct server_config cfg;
	struct auth *auth;
	struct privsep_parent *p;
	struct rtnl *nl;
	int parent_end, engine_end;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	int sv[2], fd;

	assert_non_null(f);
	strcpy(f->path, "/tmp/dtcp-test-auth-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "alice:secret1\n", 14), 14);
	fchmod(fd, 0600);
	close(fd);
	f->auth = auth_open(f->path, err, sizeof(err));
	assert_non_null(f->auth);
	f->cfg.max_tunnels = 4;
	f->cfg.max_per_user = 4;
	strcpy(f->cfg.if_stem[PRIVSEP_KIND_UDP], "dtt");
	strcpy(f->cfg.if_stem[PRIVSEP_KIND_P41], "dtg");
	f->p = privsep_parent_new(&f->cfg, f->auth, NULL, NULL);
	assert_non_null(f->p);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	f->parent_end = sv[0];
	f->engine_end = sv[1];
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	privsep_parent_free(f->p);
	auth_close(f->auth);
	unlink(f->path);
	close(f->parent_end);
	close(f->engine_end);
	free(f);
	return 0;
}

/* One request, answered as privchan_serve does when no other waits. */
static int feed(struct fixture *f, const void *msg, size_t len)
{
	int rc = privchan_dispatch(&privsep_parent_table, f->p, f->parent_end,
				   msg, len);

	while (privsep_parent_table.idle(f->p) >= 0)
		;
	return rc;
}

/* The reply the parent sent, which must be exactly len bytes. */
static void reply(struct fixture *f, void *buf, size_t len)
{
	char big[PRIVCHAN_MSG_MAX];
	int fd;
	ssize_t n = fdpass_recv(f->engine_end, big, sizeof(big), &fd);

	assert_int_equal(n, (ssize_t)len);
	assert_int_equal(fd, -1);
	memcpy(buf, big, len);
}

/* Nothing more is waiting on the engine's end. */
static void no_reply(struct fixture *f)
{
	char buf[16];

	assert_true(recv(f->engine_end, buf, sizeof(buf), MSG_DONTWAIT) < 0);
}

static void hello(struct fixture *f, uint32_t sid, char challenge[33])
{
	struct privchan_hdr m = { PRIVSEP_HELLO, sid };
	struct privsep_msg_hello_reply rep;

	assert_int_equal(feed(f, &m, sizeof(m)), 0);
	reply(f, &rep, sizeof(rep));
	assert_int_equal(rep.h.type, PRIVSEP_HELLO | PRIVCHAN_REPLY);
	assert_int_equal(rep.h.id, sid);
	assert_true(proto_hex_ok(rep.challenge, PROTO_CHALLENGE_LEN));
	memcpy(challenge, rep.challenge, 33);
}

static struct privsep_msg_auth auth_msg(uint32_t sid, const char *user,
					const char *challenge,
					const char *password)
{
	struct privsep_msg_auth m;

	memset(&m, 0, sizeof(m));
	m.h = (struct privchan_hdr){ PRIVSEP_AUTH, sid };
	strcpy(m.user, user);
	proto_digest(user, challenge, (const uint8_t *)password,
		     strlen(password), m.response);
	return m;
}

static int32_t auth(struct fixture *f, uint32_t sid, const char *challenge,
		    const char *password)
{
	struct privsep_msg_auth m = auth_msg(sid, "alice", challenge, password);
	struct privsep_msg_auth_reply rep;

	assert_int_equal(feed(f, &m, sizeof(m)), 0);
	reply(f, &rep, sizeof(rep));
	assert_int_equal(rep.h.type, PRIVSEP_AUTH | PRIVCHAN_REPLY);
	return rep.result;
}

static void test_hello_issues_a_challenge_once(void **state)
{
	struct fixture *f = *state;
	struct privchan_hdr m = { PRIVSEP_HELLO, 7 };
	char c1[33], c2[33];

	hello(f, 7, c1);
	hello(f, 8, c2);
	assert_string_not_equal(c1, c2);
	/* A second hello for a live session: out of state. */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	no_reply(f);
}

static void test_wrong_lengths_refused(void **state)
{
	struct fixture *f = *state;
	char buf[PRIVCHAN_MSG_MAX] = { 0 };
	struct privchan_hdr *h = (struct privchan_hdr *)buf;
	char c[33];

	h->type = PRIVSEP_HELLO;
	h->id = 1;
	assert_int_equal(feed(f, buf, sizeof(*h) - 1), -1);
	assert_int_equal(feed(f, buf, sizeof(*h) + 1), -1);
	assert_int_equal(feed(f, buf, 0), -1);
	hello(f, 1, c);
	h->type = PRIVSEP_AUTH;
	assert_int_equal(feed(f, buf, sizeof(struct privsep_msg_auth) - 1), -1);
	assert_int_equal(feed(f, buf, sizeof(struct privsep_msg_auth) + 4), -1);
	h->type = PRIVSEP_END;
	assert_int_equal(feed(f, buf, sizeof(*h)), -1);
	assert_int_equal(feed(f, buf, sizeof(struct privsep_msg_end) + 4), -1);
	no_reply(f);
}

static void test_wrong_types_refused(void **state)
{
	struct fixture *f = *state;
	struct privchan_hdr m = { 0, 1 };

	m.type = 0;
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.type = 99;
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	/* A reply is never a request. */
	m.type = PRIVSEP_HELLO | PRIVCHAN_REPLY;
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	no_reply(f);
}

static void test_out_of_state_refused(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_auth a = auth_msg(3, "alice", "00", "secret1");
	struct privsep_msg_tunnel t = { .h = { PRIVSEP_TUNNEL, 3 },
					.tunnel_type = PROTO_TYPE_TUNNELONLY,
					.kind = PRIVSEP_KIND_P41,
					.unit = 0, .client4 = htonl(0xc0000202) };
	struct privchan_hdr un = { PRIVSEP_UNTUNNEL, 3 };
	char c[33];

	/* No hello yet: no session to log in, tunnel or untunnel. */
	assert_int_equal(feed(f, &a, sizeof(a)), -1);
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	assert_int_equal(feed(f, &un, sizeof(un)), -1);
	hello(f, 3, c);
	/* Greeted but not logged in: no tunnel. */
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	assert_int_equal(feed(f, &un, sizeof(un)), -1);
	assert_int_equal(auth(f, 3, c, "wrong"), 0);
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	/* Logged in: still no untunnel without a tunnel. */
	assert_int_equal(auth(f, 3, c, "secret1"), 1);
	assert_int_equal(feed(f, &un, sizeof(un)), -1);
	no_reply(f);
}

static void test_bad_fields_refused(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_auth a;
	char c[33];

	hello(f, 4, c);
	a = auth_msg(4, "alice", c, "secret1");
	memset(a.user, 'a', sizeof(a.user));          /* no NUL */
	assert_int_equal(feed(f, &a, sizeof(a)), -1);
	a = auth_msg(4, "al ice", c, "secret1");      /* not a user name */
	assert_int_equal(feed(f, &a, sizeof(a)), -1);
	a = auth_msg(4, "", c, "secret1");
	assert_int_equal(feed(f, &a, sizeof(a)), -1);
	a = auth_msg(4, "alice", c, "secret1");
	a.response[5] = 'g';                           /* not hex */
	assert_int_equal(feed(f, &a, sizeof(a)), -1);
	a = auth_msg(4, "alice", c, "secret1");
	a.response[31] = '\0';                         /* too short */
	assert_int_equal(feed(f, &a, sizeof(a)), -1);
	no_reply(f);
}

static void test_tunnel_fields_refused(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_tunnel t = { .h = { PRIVSEP_TUNNEL, 5 },
					.kind = PRIVSEP_KIND_P41,
					.client4 = htonl(0xc0000202) };
	char c[33];

	hello(f, 5, c);
	assert_int_equal(auth(f, 5, c, "secret1"), 1);
	t.tunnel_type = 9;                             /* no such type */
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	t.tunnel_type = PROTO_TYPE_HOST;               /* no prefix given */
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	t.tunnel_type = PROTO_TYPE_TUNNELONLY;
	t.unit = 4;                                    /* beyond -M */
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	t.unit = UINT32_MAX;
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	t.unit = 0;
	t.kind = 2;                                    /* no such kind */
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	t.kind = PRIVSEP_KIND_UDP;                     /* -U not given */
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	t.kind = PRIVSEP_KIND_P41;
	t.client4 = 0;                                 /* no client */
	assert_int_equal(feed(f, &t, sizeof(t)), -1);
	no_reply(f);
}

/* The password is checked against the parent's own challenge, at most
 * PRIVSEP_AUTH_PER_SESSION times per session. */
static void test_auth_results(void **state)
{
	struct fixture *f = *state;
	char c[33];

	hello(f, 6, c);
	assert_int_equal(auth(f, 6, c, "secret1"), 1);
	assert_int_equal(auth(f, 6, c, "secret2"), 0);
	assert_int_equal(auth(f, 6, c, "secret2"), 0);
	assert_int_equal(auth(f, 6, c, "secret2"), 0);
	/* The per-session budget is spent: even the right one fails. */
	assert_int_equal(auth(f, 6, c, "secret1"), 0);
	/* An unknown user is refused like a wrong password. */
	hello(f, 9, c);
	{
		struct privsep_msg_auth m = auth_msg(9, "bob", c, "secret1");
		struct privsep_msg_auth_reply rep;

		assert_int_equal(feed(f, &m, sizeof(m)), 0);
		reply(f, &rep, sizeof(rep));
		assert_int_equal(rep.result, 0);
	}
}

static void test_end_forgets_the_session(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_end end = { .h = { PRIVSEP_END, 10 } };
	struct privsep_msg_auth a;
	char c[33];

	/* Ending a session the parent never saw is allowed (a failed
	 * accept) and answers nothing. */
	assert_int_equal(feed(f, &end, sizeof(end)), 0);
	hello(f, 10, c);
	assert_int_equal(feed(f, &end, sizeof(end)), 0);
	no_reply(f);
	a = auth_msg(10, "alice", c, "secret1");
	assert_int_equal(feed(f, &a, sizeof(a)), -1);
	/* The id may be used again. */
	hello(f, 10, c);
}

/* The session table is bounded: -M plus a small slack. */
static void test_session_table_bounded(void **state)
{
	struct fixture *f = *state;
	struct privchan_hdr m = { PRIVSEP_HELLO, 0 };
	char c[33];
	uint32_t sid;

	assert_int_equal(feed(f, &m, sizeof(m)), -1);   /* id 0 */
	for (sid = 1; sid <= 4 + PRIVSEP_SESSION_SLACK; sid++)
		hello(f, sid, c);
	m.id = sid;
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
}

/* The whole loop: an engine that sends one bad request is killed and the
 * parent exits 1. */
static void test_loop_kills_a_rule_breaker(void **state)
{
	struct fixture *f = *state;
	pid_t engine;
	int rc;

	engine = fork();
	assert_true(engine >= 0);
	if (engine == 0) {
		struct privchan_hdr bad = { 99, 1 };

		close(f->parent_end);
		send(f->engine_end, &bad, sizeof(bad), 0);
		pause();
		_exit(0);
	}
	close(f->engine_end);
	f->engine_end = -1;
	alarm(20);
	rc = privchan_serve(f->parent_end, -1, engine, &privsep_parent_table,
			    f->p);
	alarm(0);
	f->parent_end = -1;   /* closed by the loop */
	assert_int_equal(rc, 1);
	/* Reaped by the loop: no such child any more. */
	assert_true(waitpid(engine, NULL, WNOHANG) < 0);
}

/* A network tunnel for a user the route table does not list (here: no
 * table at all) is answered, not refused: the client may have asked for
 * what it may not have. No interface is made. */
static void test_network_without_routes(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_tunnel t = { .h = { PRIVSEP_TUNNEL, 11 },
					.tunnel_type = PROTO_TYPE_NETWORK,
					.kind = PRIVSEP_KIND_P41,
					.client4 = htonl(0xc0000202) };
	struct privsep_msg_tunnel_reply rep;
	char c[33];

	hello(f, 11, c);
	assert_int_equal(auth(f, 11, c, "secret1"), 1);
	assert_int_equal(feed(f, &t, sizeof(t)), 0);
	reply(f, &rep, sizeof(rep));
	assert_int_equal(rep.err, -ENOENT);
	assert_int_equal(rep.nprefixes, 0);
	/* Still logged in, not tunneled: untunnel is out of state. */
	{
		struct privchan_hdr un = { PRIVSEP_UNTUNNEL, 11 };

		assert_int_equal(feed(f, &un, sizeof(un)), -1);
	}
}

/* A parent with netlink, in a network namespace of its own (needs root,
 * as make check runs). */
static int setup_netns(void **state)
{
	struct fixture *f;

	if (unshare(CLONE_NEWNET) < 0) {
		print_message("needs root for a private network namespace "
			      "(%s): run as root, as make check does\n",
			      strerror(errno));
		return -1;
	}
	setup(state);
	f = *state;
	f->cfg.udp = true;
	privsep_parent_free(f->p);
	f->nl = rtnl_open();
	assert_non_null(f->nl);
	f->p = privsep_parent_new(&f->cfg, f->auth, NULL, f->nl);
	assert_non_null(f->p);
	return 0;
}

static int teardown_netns(void **state)
{
	struct fixture *f = *state;
	struct rtnl *nl = f->nl;

	teardown(state);
	rtnl_close(nl);
	return 0;
}

/* The engine's side of a tunnel request (on unit and pair sid % 4): the
 * reply, and the descriptor (or -1); -1 without a reply when the parent
 * refused the request outright. */
static int tunnel(struct fixture *f, uint32_t sid, struct privsep_msg_tunnel_reply *rep)
{
	struct privsep_msg_tunnel t = { .h = { PRIVSEP_TUNNEL, sid },
					.tunnel_type = PROTO_TYPE_TUNNELONLY,
					.kind = PRIVSEP_KIND_UDP,
					.unit = sid % 4, .slot = sid % 4,
					.client4 = htonl(0xc0000202) };
	char big[PRIVCHAN_MSG_MAX];
	ssize_t n;
	int fd, rc = feed(f, &t, sizeof(t));

	if (rc < 0)
		return rc;
	n = fdpass_recv(f->engine_end, big, sizeof(big), &fd);
	assert_int_equal(n, (ssize_t)sizeof(*rep));
	memcpy(rep, big, sizeof(*rep));
	return fd;
}

/* A subverted engine tunnels, releases the tunnel but keeps its
 * descriptor, and tunnels again: the parent has deleted the interface
 * itself, and takes nothing more of that session but its end (a login
 * again would be the same response to the same challenge). */
static void test_untunnel_needs_a_new_login(void **state)
{
	struct fixture *f = *state;
	struct privchan_hdr un = { PRIVSEP_UNTUNNEL, 12 };
	struct privsep_msg_end end = { .h = { PRIVSEP_END, 12 } };
	struct privsep_msg_auth again;
	struct privsep_msg_tunnel_reply rep;
	char c[33];
	int fd;

	hello(f, 12, c);
	assert_int_equal(auth(f, 12, c, "secret1"), 1);
	fd = tunnel(f, 12, &rep);
	assert_true(fd >= 0);
	assert_int_equal(rep.err, 0);
	assert_string_equal(rep.ifname, "dtt0");
	assert_true(if_nametoindex("dtt0") > 0);
	assert_int_equal(feed(f, &un, sizeof(un)), 0);
	/* Gone, although the engine still holds its descriptor. */
	assert_int_equal(if_nametoindex("dtt0"), 0);
	/* No second tunnel, and no second login, on that session. */
	assert_int_equal(tunnel(f, 12, &rep), -1);
	again = auth_msg(12, "alice", c, "secret1");
	assert_int_equal(feed(f, &again, sizeof(again)), -1);
	no_reply(f);
	assert_int_equal(feed(f, &end, sizeof(end)), 0);
	close(fd);
}

/* The parent counts a user's tunnels itself (-n): the second of one user
 * is refused with -EDQUOT, not the engine's word; when the first ends,
 * the user may have another. */
static void test_per_user_limit(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_end end = { .h = { PRIVSEP_END, 20 } };
	struct privsep_msg_tunnel_reply rep;
	char c[33], c2[33];
	int fd, fd2;

	f->cfg.max_per_user = 1;
	rep.err = 1;
	hello(f, 20, c);
	hello(f, 21, c2);
	assert_int_equal(auth(f, 20, c, "secret1"), 1);
	assert_int_equal(auth(f, 21, c2, "secret1"), 1);
	fd = tunnel(f, 20, &rep);
	assert_true(fd >= 0);
	assert_int_equal(tunnel(f, 21, &rep), -1);
	assert_int_equal(rep.err, -EDQUOT);
	/* END while the engine keeps the descriptor: the parent deletes
	 * the interface, so the user's count cannot hide a live one. */
	assert_true(if_nametoindex("dtt0") > 0);
	assert_int_equal(feed(f, &end, sizeof(end)), 0);
	assert_int_equal(if_nametoindex("dtt0"), 0);
	close(fd);
	fd2 = tunnel(f, 21, &rep);
	assert_true(fd2 >= 0);
	assert_int_equal(rep.err, 0);
	close(fd2);
}

/* The engine reuses a unit as soon as its tunnel has ended: when the END
 * and the next TUNNEL for that unit come in one batch (no idle between),
 * the parent deletes the dying interface first, so the name is free. */
static void test_unit_reused_within_a_batch(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_end end = { .h = { PRIVSEP_END, 24 } };
	struct privsep_msg_tunnel_reply rep;
	char c[33], c2[33];
	int fd, fd2;

	hello(f, 24, c);
	hello(f, 28, c2);
	assert_int_equal(auth(f, 24, c, "secret1"), 1);
	assert_int_equal(auth(f, 28, c2, "secret1"), 1);
	fd = tunnel(f, 24, &rep);              /* unit 24 % 4 = 0: dtt0 */
	assert_true(fd >= 0);
	close(fd);                             /* as the engine does */
	assert_int_equal(privchan_dispatch(&privsep_parent_table, f->p,
					   f->parent_end, &end, sizeof(end)), 0);
	assert_true(if_nametoindex("dtt0") > 0);   /* still in the batch */
	fd2 = tunnel(f, 28, &rep);             /* unit 28 % 4 = 0 again */
	assert_true(fd2 >= 0);
	assert_int_equal(rep.err, 0);
	assert_string_equal(rep.ifname, "dtt0");
	close(fd2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hello_issues_a_challenge_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_lengths_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_state_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_fields_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_fields_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_forgets_the_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_table_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_network_without_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_kills_a_rule_breaker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untunnel_needs_a_new_login, setup_netns, teardown_netns),
		cmocka_unit_test_setup_teardown(test_per_user_limit, setup_netns, teardown_netns),
		cmocka_unit_test_setup_teardown(test_unit_reused_within_a_batch, setup_netns, teardown_netns),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
