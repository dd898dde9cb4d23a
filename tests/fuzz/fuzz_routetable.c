/* libFuzzer target: the route table parser. A table that parses has good
 * user names, valid prefixes no two of which overlap, finds every user by
 * name, and parses back the same from its own rewriting; an error is the
 * first in the file: the lines before it parse, and those lines with its
 * own fail the same way. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/routetable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                          \
	do {                              \
		if (!(c))                 \
			__builtin_trap(); \
	} while (0)

static void fz_check_table(const struct routetable *rt)
{
	const struct routetable_user *u, *v;
	struct in6_addr z;
	size_t i, j;
	unsigned p, q;

	for (i = 0; i < routetable_count(rt); i++) {
		u = routetable_user_at(rt, i);
		CHECK(u != NULL && proto_user_ok(u->name));
		CHECK(routetable_lookup(rt, u->name) == u);
		CHECK(u->count >= 1 && u->count <= ROUTETABLE_PREFIXES_MAX);
		CHECK(u->line >= 1 && (i == 0 || u->line > (u - 1)->line));
		for (p = 0; p < u->count; p++) {
			CHECK(u->prefix[p].plen >= 1 &&
			      u->prefix[p].plen <= 128);
			/* Host bits zero: equal to itself masked. */
			z = u->prefix[p].addr;
			for (unsigned b = u->prefix[p].plen; b < 128; b++)
				z.s6_addr[b / 8] &=
					(uint8_t) ~(0x80 >> (b % 8));
			CHECK(memcmp(&z, &u->prefix[p].addr, sizeof(z)) == 0);
		}
		/* No two prefixes overlap, of one user or of two. */
		for (j = i; j < routetable_count(rt); j++) {
			v = routetable_user_at(rt, j);
			for (p = 0; p < u->count; p++)
				for (q = i == j ? p + 1 : 0; q < v->count; q++)
					CHECK(!routetable_overlaps(
						&u->prefix[p].addr,
						u->prefix[p].plen,
						&v->prefix[q].addr,
						v->prefix[q].plen));
		}
	}
	CHECK(routetable_user_at(rt, routetable_count(rt)) == NULL);
}

/* Write the table back as text and parse it: the same users, lines
 * renumbered, the same prefixes. */
static void fz_check_rewrite(const struct routetable *rt)
{
	struct routetable_error err;
	struct routetable *back;
	char a[INET6_ADDRSTRLEN];
	size_t cap = 4096, len = 0, i;
	char *text = malloc(cap);
	unsigned p;

	CHECK(text != NULL);
	for (i = 0; i < routetable_count(rt); i++) {
		const struct routetable_user *u = routetable_user_at(rt, i);

		if (cap - len < ROUTETABLE_LINE_MAX) {
			cap *= 2;
			text = realloc(text, cap);
			CHECK(text != NULL);
		}
		len += (size_t)snprintf(text + len, cap - len, "%s", u->name);
		for (p = 0; p < u->count; p++) {
			inet_ntop(AF_INET6, &u->prefix[p].addr, a, sizeof(a));
			len += (size_t)snprintf(text + len, cap - len, " %s/%u",
						a, u->prefix[p].plen);
		}
		text[len++] = '\n';
	}
	CHECK(routetable_parse(text, len, &back, &err) == 0);
	CHECK(routetable_count(back) == routetable_count(rt));
	for (i = 0; i < routetable_count(rt); i++) {
		const struct routetable_user *u = routetable_user_at(rt, i);
		const struct routetable_user *w = routetable_user_at(back, i);

		CHECK(strcmp(u->name, w->name) == 0 && w->line == i + 1 &&
		      u->count == w->count &&
		      memcmp(u->prefix, w->prefix,
			     u->count * sizeof(u->prefix[0])) == 0);
	}
	routetable_free(back);
	free(text);
}

/* err is about line err->line: the lines before it parse, and the buffer
 * cut after that line fails with the same error. */
static void fz_check_error(const char *buf, size_t size,
			   const struct routetable_error *err)
{
	struct routetable_error err2;
	struct routetable *rt;
	size_t start = 0, end, n = strnlen(err->msg, sizeof(err->msg));
	const char *nl;
	unsigned line;

	CHECK(n > 0 && n < sizeof(err->msg) && err->msg[n - 1] != '.');
	CHECK(!(err->msg[0] >= 'A' && err->msg[0] <= 'Z'));
	/* The sweep's pair always has a partner that the message names. */
	CHECK(strcmp(err->msg, "overlapping prefixes") != 0);
	if (err->line == 0)
		return; /* out of memory: not about a line */
	for (line = 1; line < err->line; line++) {
		nl = memchr(buf + start, '\n', size - start);
		CHECK(nl != NULL);
		start = (size_t)(nl - buf) + 1;
	}
	CHECK(start < size); /* the line exists and is not empty */
	nl = memchr(buf + start, '\n', size - start);
	end = nl ? (size_t)(nl - buf) + 1 : size;
	CHECK(routetable_parse(buf, start, &rt, &err2) == 0);
	routetable_free(rt);
	CHECK(routetable_parse(buf, end, &rt, &err2) == -1);
	CHECK(err2.line == err->line && strcmp(err2.msg, err->msg) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct routetable_error err;
	struct routetable *rt = NULL;
	const char *buf = (const char *)data;

	if (routetable_parse(buf, size, &rt, &err) < 0) {
		CHECK(rt == NULL);
		fz_check_error(buf, size, &err);
		return 0;
	}
	fz_check_table(rt);
	fz_check_rewrite(rt);
	routetable_free(rt);
	return 0;
}
