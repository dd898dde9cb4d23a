/* The route table of dtcps's `network` tunnels: one "user prefix/len
 * [prefix/len ...]" line per user, naming the IPv6 prefixes routed into that
 * user's tunnel. No prefix may overlap another (equal, containing or inside),
 * whether of another user or of the same user. Parsing is pure (no logging,
 * no exit); loading refuses a file that others could change. */
#ifndef DTCP_ROUTETABLE_H
#define DTCP_ROUTETABLE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "proto/proto.h"

#define ROUTETABLE_PREFIXES_MAX 16   /* prefixes of one user */
#define ROUTETABLE_USERS_MAX 16384   /* users of one table */
#define ROUTETABLE_LINE_MAX 1024     /* bytes of one line, without newline */
#define ROUTETABLE_FILE_MAX (16u * 1024 * 1024) /* bytes of the whole file */

struct routetable;

struct routetable_prefix {
	struct in6_addr addr;  /* host bits zero */
	unsigned plen;         /* 1..128 */
};

/* One user's line; a plain value, so a session may copy it and keep it
 * across a reload of the table. */
struct routetable_user {
	char name[PROTO_USER_MAX + 1];  /* proto_user_ok */
	unsigned line;                  /* 1-based line it was read from */
	unsigned count;                 /* 1..ROUTETABLE_PREFIXES_MAX */
	struct routetable_prefix prefix[ROUTETABLE_PREFIXES_MAX]; /* file order */
};

/* What went wrong, for a message that names the file, line and fix. */
struct routetable_error {
	unsigned line;  /* 1-based line number, 0 when not about a line */
	int errnum;     /* errno of a system failure (ENOENT: the file
			 * does not exist; ENOMEM), else 0 */
	char msg[320];  /* lower case, no trailing period */
};

/* Parse the contents of a route table held in buf[len] (pure; fuzzed).
 * '#' starts a comment at the start of a field; blank lines are ignored;
 * one CR before a newline is dropped. The error reported is the first in
 * file order (a line's own syntax first, then its relation to the lines
 * before it: a repeated user, an overlapping prefix naming the other line).
 * Returns 0 and *out (free with routetable_free), or -1 with *err filled
 * (err may be NULL); *out is written only on success. */
int routetable_parse(const char *buf, size_t len, struct routetable **out,
		     struct routetable_error *err);

/* Read and parse the file at `path`. Refused: a symbolic link (errnum
 * ELOOP), anything but a regular file (errnum EINVAL; a FIFO is refused
 * without blocking), a file writable by group or others, or one owned by
 * neither root nor the effective user (errnum 0). A missing file gives
 * errnum ENOENT, so the caller can tell "no network tunnels" from an error.
 * err->msg does not name the file: the caller prints "path: msg", or
 * "path:line: msg" when err->line is not 0.
 * Returns 0 and *out (free with routetable_free), or -1 with *err filled. */
int routetable_load(const char *path, struct routetable **out,
		    struct routetable_error *err);

/* Release a table; NULL is ignored. Pointers from routetable_lookup and
 * routetable_user_at die with it. */
void routetable_free(struct routetable *rt);

/* The line of `user`, or NULL when the table (or rt, or user) is absent. */
const struct routetable_user *routetable_lookup(const struct routetable *rt,
						const char *user);

/* Number of users (0 for NULL), and the i-th in file order (NULL when i is
 * out of range). */
size_t routetable_count(const struct routetable *rt);
const struct routetable_user *routetable_user_at(const struct routetable *rt,
						 size_t i);

/* True when prefixes a/alen and b/blen share an address: their first
 * min(alen, blen) bits are equal (equal prefixes and a prefix inside the
 * other included). Host bits beyond each length are ignored; a length
 * above 128 counts as 128, and /0 overlaps everything. */
bool routetable_overlaps(const struct in6_addr *a, unsigned alen,
			 const struct in6_addr *b, unsigned blen);

#endif
