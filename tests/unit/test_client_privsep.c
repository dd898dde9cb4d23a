/* Unit tests for a client's trust boundary: requests fed to the root
 * parent's dispatch over a real socketpair, as a subverted engine would
 * send them. Malformed, wrong-length, wrong-type and out-of-state requests
 * must be refused; good ones answered exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/privsep_msg.h"
#include "client/privsep_parent.h"
#include "os/fdpass.h"

#define PASSWORD "secret1"
#define CHALLENGE "0123456789abcdef0123456789ABCDEF"

struct fixture {
	struct client_config cfg;
	struct privsep_parent *p;
	int parent_end, engine_end;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int sv[2];

	assert_non_null(f);
	f->cfg.kind = CLIENT_DTCPC;
	f->cfg.server = "127.0.0.1";
	strcpy(f->cfg.user, "alice");
	f->cfg.type = PROTO_TYPE_TUNNELONLY;
	f->cfg.udp = true;
	f->p = privsep_parent_new(&f->cfg, PASSWORD, NULL);
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
	close(f->parent_end);
	close(f->engine_end);
	free(f);
	return 0;
}

static int feed(struct fixture *f, const void *msg, size_t len)
{
	return privchan_dispatch(&privsep_parent_table, f->p, f->parent_end,
				 msg, len);
}

static void reply(struct fixture *f, void *buf, size_t len)
{
	char big[PRIVCHAN_MSG_MAX];
	int fd;
	ssize_t n = fdpass_recv(f->engine_end, big, sizeof(big), &fd);

	assert_int_equal(n, (ssize_t)len);
	assert_int_equal(fd, -1);
	memcpy(buf, big, len);
}

static void no_reply(struct fixture *f)
{
	char buf[16];

	assert_true(recv(f->engine_end, buf, sizeof(buf), MSG_DONTWAIT) < 0);
}

static void test_digest_answered(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_digest m = { .h = { PRIVSEP_DIGEST, 0 } };
	struct privsep_msg_digest_reply rep;
	char expect[PROTO_DIGEST_LEN + 1];

	strcpy(m.challenge, CHALLENGE);
	assert_int_equal(feed(f, &m, sizeof(m)), 0);
	reply(f, &rep, sizeof(rep));
	assert_int_equal(rep.h.type, PRIVSEP_DIGEST | PRIVCHAN_REPLY);
	proto_digest("alice", CHALLENGE, (const uint8_t *)PASSWORD,
		     strlen(PASSWORD), expect);
	assert_string_equal(rep.digest, expect);
}

static void test_digest_fields_refused(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_digest m = { .h = { PRIVSEP_DIGEST, 0 } };

	strcpy(m.challenge, CHALLENGE);
	m.challenge[3] = 'x';                             /* not hex */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	memset(m.challenge, 'a', sizeof(m.challenge));    /* no NUL */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	strcpy(m.challenge, "abcd");                      /* too short */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	no_reply(f);
}

static void test_wrong_lengths_and_types_refused(void **state)
{
	struct fixture *f = *state;
	char buf[PRIVCHAN_MSG_MAX] = { 0 };
	struct privchan_hdr *h = (struct privchan_hdr *)buf;

	h->type = PRIVSEP_DIGEST;
	assert_int_equal(feed(f, buf, sizeof(struct privsep_msg_digest) - 1), -1);
	assert_int_equal(feed(f, buf, sizeof(struct privsep_msg_digest) + 1), -1);
	h->type = PRIVSEP_UP;
	assert_int_equal(feed(f, buf, sizeof(struct privchan_hdr)), -1);
	h->type = PRIVSEP_RESOLVE;
	assert_int_equal(feed(f, buf, sizeof(struct privchan_hdr) + 4), -1);
	assert_int_equal(feed(f, buf, 3), -1);
	h->type = 0;
	assert_int_equal(feed(f, buf, sizeof(struct privchan_hdr)), -1);
	h->type = 1000;
	assert_int_equal(feed(f, buf, sizeof(struct privchan_hdr)), -1);
	h->type = PRIVSEP_DOWN | PRIVCHAN_REPLY;
	assert_int_equal(feed(f, buf, sizeof(struct privchan_hdr)), -1);
	no_reply(f);
}

/* "down" only after "up". */
static void test_down_before_up_refused(void **state)
{
	struct fixture *f = *state;
	struct privchan_hdr m = { PRIVSEP_DOWN, 0 };

	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	no_reply(f);
}

/* "up" carries only what the engine's parser would have let through. */
static void test_up_fields_refused(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_up m = { .h = { PRIVSEP_UP, 0 }, .udp_port = 4028 };

	m.udp_port = 0;                         /* -U given: UDP only */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	f->cfg.udp = false;
	m.udp_port = 4028;                      /* protocol 41: no port */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	f->cfg.udp = true;
	m.has_v6 = 2;                           /* not a boolean */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.has_v6 = 1;                           /* tunnelonly has none */
	inet_pton(AF_INET6, "2001:db8::6", m.client6);
	inet_pton(AF_INET6, "2001:db8::5", m.server6);
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	f->cfg.type = PROTO_TYPE_HOST;
	m.has_v6 = 0;                           /* host must have them */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.has_v6 = 1;
	inet_pton(AF_INET6, "fe80::1", m.client6);   /* link-local */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	inet_pton(AF_INET6, "ff02::1", m.client6);   /* multicast */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	no_reply(f);
}

static void test_resolve_answered(void **state)
{
	struct fixture *f = *state;
	struct privchan_hdr m = { PRIVSEP_RESOLVE, 0 };
	struct privsep_msg_resolve_reply rep;

	assert_int_equal(feed(f, &m, sizeof(m)), 0);
	reply(f, &rep, sizeof(rep));
	assert_int_equal(rep.err, 0);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.addrs[0], htonl(INADDR_LOOPBACK));
}

/* The tunnel socket: only the kind the configuration asks for, only from
 * -A when given, and a raw socket only towards one address. */
static void test_socket_fields_refused(void **state)
{
	struct fixture *f = *state;
	struct privsep_msg_socket m = { .h = { PRIVSEP_SOCKET, 0 },
					.kind = PRIVSEP_SOCKET_P41,
					.local4 = htonl(0xc0000202),
					.peer4 = htonl(0xc0000201) };

	/* -U: no raw socket. */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	f->cfg.udp = false;
	m.kind = PRIVSEP_SOCKET_UDP;            /* protocol 41: no UDP */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.kind = 7;
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.kind = PRIVSEP_SOCKET_P41;
	m.peer4 = 0;                            /* towards everyone */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.peer4 = htonl(0xe0000001);            /* multicast */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.peer4 = htonl(INADDR_LOOPBACK);       /* loopback */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	m.peer4 = htonl(0xc0000201);
	f->cfg.source.s_addr = htonl(0xc0000203);   /* -A 192.0.2.3 */
	assert_int_equal(feed(f, &m, sizeof(m)), -1);
	no_reply(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_digest_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_fields_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_lengths_and_types_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_down_before_up_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_up_fields_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_fields_refused, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
