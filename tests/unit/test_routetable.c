/* Unit tests for the route table: the grammar, every error with its line,
 * the overlap rules between and within users, lookup, and the file checks
 * of routetable_load (links, modes, owner, missing file, FIFO). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto/proto.h"
#include "server/routetable.h"

struct fx {
	char dir[64];
	char path[128];
	char other[128];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/test_routetable.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/dtcps.routetable", fx->dir);
	snprintf(fx->other, sizeof(fx->other), "%s/other", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	unlink(fx->path);
	unlink(fx->other);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void write_file(const char *path, const char *s, mode_t mode)
{
	size_t len = strlen(s);
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static struct routetable *parse_ok(const char *text)
{
	struct routetable_error err;
	struct routetable *rt = NULL;

	if (routetable_parse(text, strlen(text), &rt, &err) < 0)
		fail_msg("refused: line %u: %s", err.line, err.msg);
	assert_non_null(rt);
	return rt;
}

/* Parse text, expect a refusal on `line` with `msg` in the message; the
 * message must be lower case at the start and have no trailing period. */
static void parse_bad(const char *text, unsigned line, const char *msg)
{
	struct routetable_error err;
	/* A sentinel: *out must be left alone on failure. */
	struct routetable *rt = (struct routetable *)&err;
	size_t n;

	memset(&err, 0x55, sizeof(err));
	if (routetable_parse(text, strlen(text), &rt, &err) == 0)
		fail_msg("accepted, want line %u '%s'", line, msg);
	assert_ptr_equal(rt, (struct routetable *)&err);
	n = strlen(err.msg);
	if (err.line != line || strstr(err.msg, msg) == NULL)
		fail_msg("got line %u '%s', want line %u '%s'", err.line,
			 err.msg, line, msg);
	assert_true(n > 0 && err.msg[n - 1] != '.');
	assert_false(err.msg[0] >= 'A' && err.msg[0] <= 'Z');
	assert_int_equal(err.errnum, 0);
}

static void assert_prefix(const struct routetable_user *u, unsigned i,
			  const char *addr, unsigned plen)
{
	struct in6_addr a;

	assert_true(i < u->count);
	assert_int_equal(inet_pton(AF_INET6, addr, &a), 1);
	assert_memory_equal(&u->prefix[i].addr, &a, sizeof(a));
	assert_int_equal(u->prefix[i].plen, plen);
}

static void test_good_file(void **state)
{
	struct routetable *rt;
	const struct routetable_user *u;

	(void)state;
	rt = parse_ok("# user   prefix/len [prefix/len ...]\n"
		      "alice    2001:db8:4400::/48\n"
		      "bob      2001:db8:4401::/56 2001:db8:4402::/56\n");
	assert_int_equal(routetable_count(rt), 2);
	u = routetable_user_at(rt, 0);
	assert_string_equal(u->name, "alice");
	assert_int_equal(u->line, 2);
	assert_int_equal(u->count, 1);
	assert_prefix(u, 0, "2001:db8:4400::", 48);
	u = routetable_user_at(rt, 1);
	assert_string_equal(u->name, "bob");
	assert_int_equal(u->line, 3);
	assert_int_equal(u->count, 2);
	assert_prefix(u, 0, "2001:db8:4401::", 56);
	assert_prefix(u, 1, "2001:db8:4402::", 56);
	assert_null(routetable_user_at(rt, 2));
	routetable_free(rt);
}

static void test_empty_and_comments_only(void **state)
{
	struct routetable_error err;
	struct routetable *rt = NULL;

	(void)state;
	assert_int_equal(routetable_parse(NULL, 0, &rt, &err), 0);
	assert_int_equal(routetable_count(rt), 0);
	assert_null(routetable_lookup(rt, "alice"));
	routetable_free(rt);
	rt = parse_ok("# nobody yet\n\n   \n");
	assert_int_equal(routetable_count(rt), 0);
	routetable_free(rt);
}

static void test_layout(void **state)
{
	struct routetable *rt;
	const struct routetable_user *u;

	(void)state;
	/* Tabs, runs of blanks, indentation, blank lines, a comment after
	 * the fields and one indented, CRLF line ends, no final newline,
	 * /128 and /1, the longest user name. */
	rt = parse_ok("\n"
		      "   # indented comment\n"
		      "\talice\t\t2001:db8:4400::/48\t# office\r\n"
		      "\r\n"
		      "bob 2001:db8:4401::/56\t  2001:db8:4402::1/128   \n"
		      "c.d_e@f+g-h 8000::/1\n"
		      "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		      "uuuuuuuu 2001:db8:4403::/64");
	assert_int_equal(routetable_count(rt), 4);
	u = routetable_lookup(rt, "alice");
	assert_non_null(u);
	assert_int_equal(u->line, 3);
	assert_int_equal(u->count, 1);
	u = routetable_lookup(rt, "bob");
	assert_int_equal(u->line, 5);
	assert_prefix(u, 1, "2001:db8:4402::1", 128);
	u = routetable_lookup(rt, "c.d_e@f+g-h");
	assert_prefix(u, 0, "8000::", 1);
	u = routetable_user_at(rt, 3);
	assert_int_equal(strlen(u->name), PROTO_USER_MAX);
	assert_int_equal(u->line, 7);
	routetable_free(rt);
}

static void test_bad_user(void **state)
{
	(void)state;
	parse_bad("alice 2001:db8::/48\n-bob 2001:db8:1::/48\n", 2,
		  "bad user name -bob");
	parse_bad("\n\nal/ice 2001:db8::/48\n", 3, "bad user name al/ice");
	parse_bad("uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		  "uuuuuuuuu 2001:db8::/48\n",
		  1, "user name longer than 64 bytes");
	parse_bad("alice\n", 1, "user alice has no prefix");
	parse_bad("alice # 2001:db8::/48\n", 1, "user alice has no prefix");
	parse_bad("al\x01ice 2001:db8::/48\n", 1, "byte 0x01");
	parse_bad("alic\xc3\xa9 2001:db8::/48\n", 1, "byte 0xC3");
}

static void test_bad_prefix(void **state)
{
	(void)state;
	parse_bad("alice 2001:db8::\n", 1, "missing /length after 2001:db8::");
	parse_bad("# x\nalice 2001:db8::/48 2001:zz8::/48\n", 2,
		  "address 2001:zz8:: in 2001:zz8::/48 is not IPv6");
	parse_bad("alice 10.0.0.0/8\n", 1,
		  "address 10.0.0.0 in 10.0.0.0/8 is "
		  "not IPv6; the table holds IPv6 prefixes");
	parse_bad("alice /48\n", 1, "missing address in /48");
	parse_bad("alice 2001:db8::/129\n", 1,
		  "bad prefix length in 2001:db8::/129");
	parse_bad("alice 2001:db8::/048\n", 1, "bad prefix length");
	parse_bad("alice 2001:db8::/\n", 1, "bad prefix length");
	parse_bad("alice 2001:db8::/4x\n", 1, "bad prefix length");
	parse_bad(
		"alice 2001:0db8:0000:0000:0000:0000:0000:0000:0000:0000:0000/48\n",
		1, "0000... is too long; write address/length");
	parse_bad("alice 2001:db8::/48\rx\n", 1, "stray carriage return");
	parse_bad("alice 2001:db8::/48\v\n", 1, "byte 0x0B");
}

static void test_host_bits(void **state)
{
	(void)state;
	parse_bad("alice 2001:db8::/48\nbob 2001:db8:4401::1/56\n", 2,
		  "host bits set in 2001:db8:4401::1/56: the bits after the "
		  "first 56 must be zero; did you mean 2001:db8:4401::/56");
	parse_bad("alice 2001:db8:4400:8000::/49\nbob 2001:db8:4401:80::/56\n",
		  2, "did you mean 2001:db8:4401::/56");
	parse_bad("alice 8000::/0\n", 1, "would route every IPv6 address");
}

static void test_zero_length(void **state)
{
	(void)state;
	parse_bad(
		"\nalice ::/0\n", 2,
		"prefix ::/0 would route every IPv6 address to one user; use a "
		"length from /1 to /128");
}

static void test_too_many_prefixes(void **state)
{
	char text[2048];
	struct routetable *rt;
	size_t n;
	int i;

	(void)state;
	n = (size_t)sprintf(text, "alice");
	for (i = 0; i < ROUTETABLE_PREFIXES_MAX; i++)
		n += (size_t)sprintf(text + n, " 2001:db8:%x::/48", i);
	strcpy(text + n, "\n");
	rt = parse_ok(text);
	assert_int_equal(routetable_lookup(rt, "alice")->count,
			 ROUTETABLE_PREFIXES_MAX);
	routetable_free(rt);
	sprintf(text + n, " 2001:db8:%x::/48\n", i);
	parse_bad(text, 1, "more than 16 prefixes for user alice");
}

/* Every user's reply must fit one protocol line: a table whose prefixes
 * could not be sent was accepted before, and the reply was never sent. */
static void test_reply_must_fit(void **state)
{
	char text[2048], line[PROTO_LINE_MAX];
	struct proto_tunnel_reply rep;
	const struct routetable_user *u;
	struct routetable *rt;
	size_t n;
	unsigned i, fit = PROTO_PREFIXES_TEXT_MAX /
			  (unsigned)strlen(" 2001:db8:1111:2222:3333:4444:5555:100/120");

	(void)state;
	n = (size_t)sprintf(text, "alice");
	for (i = 0; i < fit; i++)
		n += (size_t)sprintf(text + n,
				     " 2001:db8:1111:2222:3333:4444:5555:%x00/120",
				     i + 1);
	strcpy(text + n, "\n");
	rt = parse_ok(text);
	u = routetable_lookup(rt, "alice");
	assert_int_equal(u->count, fit);
	/* The longest reply this table can cause is formatted whole. */
	memset(&rep, 0, sizeof(rep));
	inet_pton(AF_INET, "255.255.255.255", &rep.client4);
	inet_pton(AF_INET, "255.255.255.255", &rep.server4);
	rep.has_v6 = true;
	memset(&rep.client6, 0xff, sizeof(rep.client6));
	memset(&rep.server6, 0xff, sizeof(rep.server6));
	rep.udp_port = 65535;
	rep.nprefixes = u->count;
	for (i = 0; i < u->count; i++) {
		rep.prefix[i].addr = u->prefix[i].addr;
		rep.prefix[i].plen = u->prefix[i].plen;
	}
	assert_true(proto_fmt_tunnel_ok(line, sizeof(line), &rep) > 0);
	routetable_free(rt);
	sprintf(text + n, " 2001:db8:1111:2222:3333:4444:5555:%x00/120\n",
		fit + 1);
	parse_bad(text, 1, "user alice's prefixes take");
}

static void test_limits(void **state)
{
	char *text, *p;
	struct routetable *rt;
	int i;

	(void)state;
	text = malloc((size_t)(ROUTETABLE_USERS_MAX + 1) * 40 +
		      ROUTETABLE_LINE_MAX + 16);
	assert_non_null(text);
	/* A line of exactly ROUTETABLE_LINE_MAX bytes, and one more. */
	memset(text, ' ', ROUTETABLE_LINE_MAX);
	memcpy(text, "alice 2001:db8::/48", 19);
	strcpy(text + ROUTETABLE_LINE_MAX, "\n");
	rt = parse_ok(text);
	routetable_free(rt);
	strcpy(text + ROUTETABLE_LINE_MAX, " \n");
	parse_bad(text, 1, "line longer than 1024 bytes");
	/* The CR of a CRLF is not counted. */
	strcpy(text + ROUTETABLE_LINE_MAX, "\r\n");
	rt = parse_ok(text);
	routetable_free(rt);
	/* ROUTETABLE_USERS_MAX users, then one more. */
	for (p = text, i = 0; i < ROUTETABLE_USERS_MAX; i++)
		p += sprintf(p, "u%d 2001:db8:%x::/48\n", i, i);
	rt = parse_ok(text);
	assert_int_equal(routetable_count(rt), ROUTETABLE_USERS_MAX);
	assert_non_null(routetable_lookup(rt, "u0"));
	assert_non_null(routetable_lookup(rt, "u16383"));
	assert_null(routetable_lookup(rt, "u16384"));
	routetable_free(rt);
	sprintf(p, "u%d 2001:db9::/48\n", i);
	parse_bad(text, ROUTETABLE_USERS_MAX + 1, "more than 16384 users");
	free(text);
}

static void test_nul_byte(void **state)
{
	static const char text[] =
		"alice 2001:db8::/48\nbo\0b 2001:db8:1::/48\n";
	struct routetable_error err;
	struct routetable *rt;

	(void)state;
	assert_int_equal(routetable_parse(text, sizeof(text) - 1, &rt, &err),
			 -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "line contains a NUL byte"));
}

static void test_duplicate_user(void **state)
{
	(void)state;
	parse_bad("alice 2001:db8::/48\nbob 2001:db8:1::/48\n"
		  "carol 2001:db8:2::/48\nbob 2001:db8:3::/48\n"
		  "alice 2001:db8:4::/48\n",
		  4, "user bob is listed twice (first on line 2)");
	/* Same line as an overlap: the repeated user is named. */
	parse_bad("alice 2001:db8::/48\nalice 2001:db8::/48\n", 2,
		  "user alice is listed twice (first on line 1)");
}

static void test_overlap_inside(void **state)
{
	(void)state;
	parse_bad("# t\nalice 2001:db8:4400::/48\nbob 2001:db8:4401::/56\n"
		  "carol 2001:db8:4400:ff00::/56\n",
		  4,
		  "prefix 2001:db8:4400:ff00::/56 lies inside "
		  "2001:db8:4400::/48 of user alice on line 2; prefixes of "
		  "different users must not overlap");
}

static void test_overlap_contains(void **state)
{
	(void)state;
	parse_bad("alice 2001:db8:4400::/56\nbob 2001:db8:5000::/48\n"
		  "carol 2001:db8:4401::/48 2001:db8:4000::/36\n",
		  3,
		  "prefix 2001:db8:4000::/36 contains 2001:db8:4400::/56 of "
		  "user alice on line 1");
	/* The earliest partner is named when there are several. */
	parse_bad("alice 2001:db8:4400::/56\nbob 2001:db8:4401::/56\n"
		  "carol 2001:db8::/32\n",
		  3, "contains 2001:db8:4400::/56 of user alice on line 1");
	parse_bad("bob 2001:db8:4401::/56\nalice 2001:db8:4400::/56\n"
		  "carol 2001:db8::/32\n",
		  3, "contains 2001:db8:4401::/56 of user bob on line 1");
	/* /1 against a /128 far away in the address space. */
	parse_bad("alice ffff::1/128\nbob 8000::/1\n", 2,
		  "prefix 8000::/1 contains ffff::1/128 of user alice");
}

static void test_overlap_equal(void **state)
{
	(void)state;
	parse_bad("alice 2001:db8:4400::/48\nbob 2001:db8:4401::/56\n\n"
		  "carol 2001:db8:4401::/56\n",
		  4,
		  "prefix 2001:db8:4401::/56 is also routed to user bob on "
		  "line 2; a prefix belongs to one user only");
	/* Written differently, the same prefix. */
	parse_bad("alice 2001:0DB8:0:0::/64\nbob 2001:db8::0/64\n", 2,
		  "is also routed to user alice on line 1");
}

static void test_overlap_own(void **state)
{
	(void)state;
	parse_bad("alice 2001:db8:4400::/48\n"
		  "bob 2001:db8:4401::/56 2001:db8:4401:80::/57\n",
		  2,
		  "prefixes 2001:db8:4401::/56 and 2001:db8:4401:80::/57 of "
		  "user bob overlap; keep only 2001:db8:4401::/56, which "
		  "covers both");
	parse_bad("bob 2001:db8:4401:80::/57 2001:db8:4401::/56\n", 1,
		  "keep only 2001:db8:4401::/56, which covers both");
	parse_bad("bob 2001:db8::/48 2001:db8:1::/48 2001:db8::/48\n", 1,
		  "prefix 2001:db8::/48 is listed twice for user bob; remove "
		  "one");
}

static void test_first_error_wins(void **state)
{
	(void)state;
	/* An overlap before a syntax error is reported first... */
	parse_bad("alice 2001:db8::/48\nbob 2001:db8::/56\nbad-\x01 x\n", 2,
		  "lies inside");
	/* ...and a syntax error before an overlap. */
	parse_bad("alice 2001:db8::/48\nbob x\ncarol 2001:db8::/56\n", 2,
		  "missing /length");
	/* An overlap before a repeated user. */
	parse_bad("alice 2001:db8::/48\nbob 2001:db8::/56\nalice ::1/128\n", 2,
		  "lies inside");
	/* A repeated user before an overlap. */
	parse_bad("alice 2001:db8::/48\nalice ::1/128\nbob 2001:db8::/56\n", 2,
		  "listed twice");
	/* Several overlaps: the one that shows first in the file. */
	parse_bad("a 2001:db8:1::/48\nb 2001:db8:2::/48\nc 2001:db8:2::/64\n"
		  "d 2001:db8:1::/64\n",
		  3, "lies inside 2001:db8:2::/48 of user b on line 2");
}

static void test_no_overlap_neighbours(void **state)
{
	struct routetable *rt;

	(void)state;
	/* Adjacent and nested-looking but disjoint prefixes are fine. */
	rt = parse_ok("a 2001:db8::/33\nb 2001:db8:8000::/33\n"
		      "c 2001:db9::/48\nd 2001:db7:ffff:ffff::/64\n"
		      "e 4000::/2\nf 8000::/2 c000::/2\n");
	assert_int_equal(routetable_count(rt), 6);
	routetable_free(rt);
}

static void test_overlaps_fn(void **state)
{
	struct in6_addr a, b, c;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:4400::", &a);
	inet_pton(AF_INET6, "2001:db8:4401::", &b);
	inet_pton(AF_INET6, "2001:db8:4400:ff00::", &c);
	assert_true(routetable_overlaps(&a, 48, &c, 56));
	assert_true(routetable_overlaps(&c, 56, &a, 48));
	assert_false(routetable_overlaps(&a, 48, &b, 56));
	assert_false(routetable_overlaps(&b, 56, &a, 48));
	assert_false(routetable_overlaps(&a, 56, &b, 56));
	assert_true(routetable_overlaps(&a, 47, &b, 48));
	assert_false(routetable_overlaps(&a, 48, &b, 48));
	assert_true(routetable_overlaps(&a, 0, &b, 128));
	assert_true(routetable_overlaps(&a, 128, &a, 128));
	assert_true(routetable_overlaps(&a, 200, &a, 300));
	assert_false(routetable_overlaps(&a, 200, &b, 300));
	/* Bit 47 differs (…:4400 vs …:4401): the first 47 bits agree. */
	assert_true(routetable_overlaps(&a, 47, &b, 47));
}

static void test_lookup(void **state)
{
	struct routetable *rt;
	const struct routetable_user *u;

	(void)state;
	rt = parse_ok("zed 2001:db8:3::/48\nalice 2001:db8:1::/48\n"
		      "bob 2001:db8:2::/48\n");
	u = routetable_lookup(rt, "bob");
	assert_non_null(u);
	assert_string_equal(u->name, "bob");
	assert_prefix(u, 0, "2001:db8:2::", 48);
	assert_ptr_equal(routetable_lookup(rt, "zed"),
			 routetable_user_at(rt, 0));
	assert_null(routetable_lookup(rt, "carol"));
	assert_null(routetable_lookup(rt, "Bob"));
	assert_null(routetable_lookup(rt, "bo"));
	assert_null(routetable_lookup(rt, ""));
	assert_null(routetable_lookup(rt, NULL));
	assert_null(routetable_lookup(NULL, "bob"));
	assert_int_equal(routetable_count(NULL), 0);
	assert_null(routetable_user_at(NULL, 0));
	routetable_free(rt);
	routetable_free(NULL);
}

static void test_error_null(void **state)
{
	struct routetable *rt = NULL;

	(void)state;
	assert_int_equal(routetable_parse("x\n", 2, &rt, NULL), -1);
	assert_null(rt);
	assert_int_equal(routetable_parse("a ::1/128\n", 10, &rt, NULL), 0);
	routetable_free(rt);
}

static void test_load_good(void **state)
{
	struct fx *fx = *state;
	struct routetable_error err;
	struct routetable *rt = NULL;

	write_file(fx->path, "alice 2001:db8:4400::/48\n", 0644);
	assert_int_equal(routetable_load(fx->path, &rt, &err), 0);
	assert_non_null(routetable_lookup(rt, "alice"));
	routetable_free(rt);
	write_file(fx->path, "alice 2001:db8:4400::/48\n", 0600);
	assert_int_equal(routetable_load(fx->path, &rt, &err), 0);
	routetable_free(rt);
	write_file(fx->path, "# empty\n", 0400);
	assert_int_equal(routetable_load(fx->path, &rt, &err), 0);
	assert_int_equal(routetable_count(rt), 0);
	routetable_free(rt);
}

static void test_load_parse_error(void **state)
{
	struct fx *fx = *state;
	struct routetable_error err;
	struct routetable *rt = NULL;

	write_file(fx->path, "alice 2001:db8::/48\nbob 2001:db8::/64\n", 0644);
	assert_int_equal(routetable_load(fx->path, &rt, &err), -1);
	assert_null(rt);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.errnum, 0);
	assert_non_null(strstr(err.msg, "lies inside"));
}

static void test_load_missing(void **state)
{
	struct fx *fx = *state;
	struct routetable_error err;
	struct routetable *rt = NULL;

	assert_int_equal(routetable_load(fx->path, &rt, &err), -1);
	assert_null(rt);
	assert_int_equal(err.errnum, ENOENT);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "does not exist; create it"));
}

static void test_load_symlink(void **state)
{
	struct fx *fx = *state;
	struct routetable_error err;
	struct routetable *rt = NULL;

	write_file(fx->other, "alice 2001:db8::/48\n", 0644);
	assert_int_equal(symlink(fx->other, fx->path), 0);
	assert_int_equal(routetable_load(fx->path, &rt, &err), -1);
	assert_null(rt);
	assert_int_equal(err.errnum, ELOOP);
	assert_non_null(strstr(err.msg, "symbolic link"));
	/* The target itself is fine. */
	assert_int_equal(routetable_load(fx->other, &rt, &err), 0);
	routetable_free(rt);
}

static void test_load_writable(void **state)
{
	static const mode_t bad[] = { 0620, 0602, 0666, 0660, 0777 };
	struct fx *fx = *state;
	struct routetable_error err;
	struct routetable *rt = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(fx->path, "alice 2001:db8::/48\n", bad[i]);
		assert_int_equal(routetable_load(fx->path, &rt, &err), -1);
		assert_null(rt);
		assert_int_equal(err.line, 0);
		assert_int_equal(err.errnum, 0);
		if (strstr(err.msg, "is writable by group or others; run "
				    "chmod go-w ") == NULL)
			fail_msg("mode %o: %s", (unsigned)bad[i], err.msg);
		assert_non_null(strstr(err.msg, fx->path));
	}
}

static void test_load_owner(void **state)
{
	struct fx *fx = *state;
	struct routetable_error err;
	struct routetable *rt = NULL;

	if (geteuid() != 0)
		skip();
	write_file(fx->path, "alice 2001:db8::/48\n", 0644);
	assert_int_equal(chown(fx->path, 4242, 4242), 0);
	assert_int_equal(routetable_load(fx->path, &rt, &err), -1);
	assert_null(rt);
	assert_non_null(strstr(err.msg, "is owned by uid 4242, neither root "
					"nor this user; run chown root"));
}

static void test_load_not_regular(void **state)
{
	struct fx *fx = *state;
	struct routetable_error err;
	struct routetable *rt = NULL;

	/* A FIFO with no writer: open() must not wait for one. The alarm
	 * turns a hang into a failure. */
	unlink(fx->path);
	assert_int_equal(mkfifo(fx->path, 0600), 0);
	alarm(10);
	assert_int_equal(routetable_load(fx->path, &rt, &err), -1);
	alarm(0);
	assert_null(rt);
	assert_non_null(strstr(err.msg, "is not a regular file"));
	unlink(fx->path);
	/* A directory. */
	assert_int_equal(routetable_load(fx->dir, &rt, &err), -1);
	assert_non_null(strstr(err.msg, "is not a regular file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty_and_comments_only),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_bad_user),
		cmocka_unit_test(test_bad_prefix),
		cmocka_unit_test(test_host_bits),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_too_many_prefixes),
		cmocka_unit_test(test_reply_must_fit),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_duplicate_user),
		cmocka_unit_test(test_overlap_inside),
		cmocka_unit_test(test_overlap_contains),
		cmocka_unit_test(test_overlap_equal),
		cmocka_unit_test(test_overlap_own),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_no_overlap_neighbours),
		cmocka_unit_test(test_overlaps_fn),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_error_null),
		cmocka_unit_test_setup_teardown(test_load_good, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_parse_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_symlink, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_writable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_owner, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_not_regular, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
