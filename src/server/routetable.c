/* The route table: strict parsing of "user prefix/len ..." lines, the
 * whole-table checks (a user listed once, no two prefixes overlapping) in
 * O(n log n), lookup by binary search, and loading with the file's owner and
 * mode checked. Pure but for routetable_load: never logs, never exits. */
#include "server/routetable.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/parse.h"
#include "os/rdfile.h"

/* The longest text parse_prefix6 takes, and room to print one prefix. */
#define PREFIX_TEXT_MAX (INET6_ADDRSTRLEN + 3)
#define PREFIX_BUF (INET6_ADDRSTRLEN + 5)

#define EXAMPLE "such as 2001:db8:4400::/48"

struct routetable {
	struct routetable_user *user; /* file order */
	size_t count, cap;
	const struct routetable_user **byname; /* sorted by name, on success */
};

/* One prefix of the table, for the overlap sweep. seq orders the prefixes
 * as the file does: user index * ROUTETABLE_PREFIXES_MAX + position. */
struct rt_ent {
	struct in6_addr addr;
	unsigned plen;
	uint32_t seq;
};

#define SEQ_NONE UINT32_MAX

static int set_err(struct routetable_error *err, unsigned line, int errnum,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int set_err(struct routetable_error *err, unsigned line, int errnum,
		   const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->line = line;
	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* True when the first n (<= 128) bits of a and b are equal. */
static bool bits_equal(const struct in6_addr *a, const struct in6_addr *b,
		       unsigned n)
{
	unsigned bytes = n / 8, rest = n % 8;
	uint8_t mask;

	if (memcmp(a->s6_addr, b->s6_addr, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a->s6_addr[bytes] ^ b->s6_addr[bytes]) & mask) == 0;
}

bool routetable_overlaps(const struct in6_addr *a, unsigned alen,
			 const struct in6_addr *b, unsigned blen)
{
	return proto_prefixes_overlap(a, alen, b, blen);
}

/* True when prefix a contains prefix b (or equals it). */
static bool contains(const struct rt_ent *a, const struct rt_ent *b)
{
	return a->plen <= b->plen && bits_equal(&a->addr, &b->addr, a->plen);
}

static void fmt_prefix(char *dst, const struct in6_addr *addr, unsigned plen)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, addr, a, sizeof(a)) == NULL)
		strcpy(a, "?");
	snprintf(dst, PREFIX_BUF, "%s/%u", a, plen);
}

/* Lookup and lifetime */

void routetable_free(struct routetable *rt)
{
	if (rt == NULL)
		return;
	free(rt->user);
	free(rt->byname);
	free(rt);
}

size_t routetable_count(const struct routetable *rt)
{
	return rt ? rt->count : 0;
}

const struct routetable_user *routetable_user_at(const struct routetable *rt,
						 size_t i)
{
	return rt && i < rt->count ? &rt->user[i] : NULL;
}

static int byname_cmp(const void *a, const void *b)
{
	const struct routetable_user *ua =
		*(const struct routetable_user *const *)a;
	const struct routetable_user *ub =
		*(const struct routetable_user *const *)b;
	int c = strcmp(ua->name, ub->name);

	/* Equal names in file order, so that the first of a group comes
	 * first in the duplicate check. */
	if (c == 0)
		c = ua < ub ? -1 : ua > ub;
	return c;
}

static int byname_key_cmp(const void *key, const void *elem)
{
	const struct routetable_user *u =
		*(const struct routetable_user *const *)elem;

	return strcmp(key, u->name);
}

const struct routetable_user *routetable_lookup(const struct routetable *rt,
						const char *user)
{
	const struct routetable_user *const *p;

	if (rt == NULL || user == NULL || rt->count == 0)
		return NULL;
	p = bsearch(user, rt->byname, rt->count, sizeof(*rt->byname),
		    byname_key_cmp);
	return p ? *p : NULL;
}

/* Parsing one line */

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Say what is wrong with a field that parse_prefix6 refused (or that is
 * ::/0), and how to write it. tok is printable ASCII, NUL-terminated. */
static int prefix_error(struct routetable_error *err, unsigned line,
			const char *tok, size_t n)
{
	char addr[PREFIX_TEXT_MAX + 1], fixed[PREFIX_BUF];
	struct in6_addr a, masked;
	const char *slash;
	uint64_t plen;
	unsigned i;

	if (n > PREFIX_TEXT_MAX)
		return set_err(err, line, 0,
			       "prefix %.*s... is too long; write "
			       "address/length, " EXAMPLE,
			       PREFIX_TEXT_MAX, tok);
	slash = strchr(tok, '/');
	if (slash == NULL)
		return set_err(
			err, line, 0,
			"missing /length after %s; write address/length, " EXAMPLE,
			tok);
	memcpy(addr, tok, (size_t)(slash - tok));
	addr[slash - tok] = '\0';
	if (addr[0] == '\0')
		return set_err(
			err, line, 0,
			"missing address in %s; write address/length, " EXAMPLE,
			tok);
	if (parse_ipv6(addr, &a) < 0)
		return set_err(err, line, 0,
			       "address %s in %s is not IPv6; the table holds "
			       "IPv6 prefixes, " EXAMPLE,
			       addr, tok);
	if (parse_uint(slash + 1, 0, 128, &plen) < 0)
		return set_err(
			err, line, 0,
			"bad prefix length in %s; write a decimal number "
			"from 1 to 128 without leading zeros",
			tok);
	if (plen == 0)
		return set_err(
			err, line, 0,
			"prefix %s would route every IPv6 address to one "
			"user; use a length from /1 to /128",
			tok);
	masked = a;
	for (i = (unsigned)plen; i < 128; i++)
		masked.s6_addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	if (memcmp(&masked, &a, sizeof(a)) == 0) /* parse_prefix6 knows why */
		return set_err(err, line, 0,
			       "bad prefix %s; write address/length, " EXAMPLE,
			       tok);
	fmt_prefix(fixed, &masked, (unsigned)plen);
	return set_err(
		err, line, 0,
		"host bits set in %s: the bits after the first %u must be "
		"zero; did you mean %s",
		tok, (unsigned)plen, fixed);
}

/* Check the bytes of a field: printable ASCII only. */
static int field_bytes_ok(const char *s, size_t n, unsigned line,
			  struct routetable_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			return set_err(err, line, 0,
				       "stray carriage return; save the file "
				       "with unix line endings");
		if (c < 0x21 || c > 0x7e)
			return set_err(err, line, 0,
				       "byte 0x%02X outside printable ASCII; "
				       "names and prefixes are plain ASCII "
				       "separated by blanks or tabs",
				       c);
	}
	return 0;
}

/* Room for one more user. */
static int reserve_one(struct routetable *rt)
{
	struct routetable_user *n;
	size_t cap;

	if (rt->count < rt->cap)
		return 0;
	cap = rt->cap ? rt->cap * 2 : 16;
	if (cap > ROUTETABLE_USERS_MAX)
		cap = ROUTETABLE_USERS_MAX;
	n = realloc(rt->user, cap * sizeof(*n));
	if (n == NULL)
		return -1;
	rt->user = n;
	rt->cap = cap;
	return 0;
}

/* Parse one line s[n] (no newline, no final CR, no NUL) into a new user at
 * the end of rt. A line of blanks or a comment adds nothing. */
static int parse_line(struct routetable *rt, const char *s, size_t n,
		      unsigned line, struct routetable_error *err)
{
	char tok[PREFIX_TEXT_MAX + 2];
	const char *p = s, *end = s + n, *f;
	struct routetable_user *u = NULL;
	size_t fn, text = 0;

	for (;;) {
		while (p < end && blank(*p))
			p++;
		if (p == end || *p == '#')
			break;
		f = p;
		while (p < end && !blank(*p))
			p++;
		fn = (size_t)(p - f);
		if (field_bytes_ok(f, fn, line, err) < 0)
			return -1;
		if (u == NULL) {
			if (fn > PROTO_USER_MAX)
				return set_err(err, line, 0,
					       "user name longer than %d bytes",
					       PROTO_USER_MAX);
			if (rt->count == ROUTETABLE_USERS_MAX)
				return set_err(
					err, line, 0,
					"more than %d users; this is the "
					"limit of one route table",
					ROUTETABLE_USERS_MAX);
			if (reserve_one(rt) < 0)
				return set_err(err, 0, ENOMEM, "out of memory");
			u = &rt->user[rt->count];
			memset(u, 0, sizeof(*u));
			memcpy(u->name, f, fn);
			u->line = line;
			if (!proto_user_ok(u->name))
				return set_err(
					err, line, 0,
					"bad user name %s; use letters, digits "
					"and . _ @ + - (not starting with -)",
					u->name);
			continue;
		}
		if (u->count == ROUTETABLE_PREFIXES_MAX)
			return set_err(
				err, line, 0,
				"more than %d prefixes for user %s; give "
				"the user fewer, larger prefixes",
				ROUTETABLE_PREFIXES_MAX, u->name);
		/* tok holds one byte more than parse_prefix6 takes, so that
		 * a field too long is seen as such. */
		if (fn >= sizeof(tok))
			fn = sizeof(tok) - 1;
		memcpy(tok, f, fn);
		tok[fn] = '\0';
		if (parse_prefix6(tok, &u->prefix[u->count].addr,
				  &u->prefix[u->count].plen) < 0 ||
		    u->prefix[u->count].plen == 0)
			return prefix_error(err, line, tok, fn);
		/* The reply must carry them all on one line (PROTOCOL.md). */
		text += proto_prefix_text_len(&u->prefix[u->count].addr,
					      u->prefix[u->count].plen);
		if (text > PROTO_PREFIXES_TEXT_MAX)
			return set_err(
				err, line, 0,
				"user %s's prefixes take %zu octets in the "
				"reply, more than its %d; give the user fewer "
				"or shorter prefixes",
				u->name, text, PROTO_PREFIXES_TEXT_MAX);
		u->count++;
	}
	if (u == NULL)
		return 0;
	if (u->count == 0)
		return set_err(err, line, 0,
			       "user %s has no prefix; add prefix/length "
			       "fields after the name, " EXAMPLE,
			       u->name);
	rt->count++;
	return 0;
}

/* Parse lines until the first that is wrong; rt keeps the good ones. */
static int parse_lines(struct routetable *rt, const char *buf, size_t size,
		       struct routetable_error *err)
{
	const char *p = buf, *end = buf + size, *nl;
	unsigned line = 0;
	size_t n;

	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > ROUTETABLE_LINE_MAX)
			return set_err(err, line, 0,
				       "line longer than %d bytes",
				       ROUTETABLE_LINE_MAX);
		if (memchr(p, '\0', n) != NULL)
			return set_err(err, line, 0,
				       "line contains a NUL byte; is this a "
				       "text file?");
		if (parse_line(rt, p, n, line, err) < 0)
			return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Whole-table checks */

/* Sort users by name into rt->byname and find the first line (in file
 * order) that repeats an earlier user. Returns 0, or -1 with err filled
 * (line 0: out of memory). */
static int check_users(struct routetable *rt, struct routetable_error *err)
{
	const struct routetable_user *dup = NULL, *first = NULL, *group;
	size_t i;

	rt->byname = calloc(rt->count ? rt->count : 1, sizeof(*rt->byname));
	if (rt->byname == NULL)
		return set_err(err, 0, ENOMEM, "out of memory");
	for (i = 0; i < rt->count; i++)
		rt->byname[i] = &rt->user[i];
	qsort(rt->byname, rt->count, sizeof(*rt->byname), byname_cmp);
	group = rt->count ? rt->byname[0] : NULL;
	for (i = 1; i < rt->count; i++) {
		const struct routetable_user *u = rt->byname[i];

		if (strcmp(u->name, group->name) != 0) {
			group = u;
			continue;
		}
		/* u is the second (or later) of its group: only the second
		 * can be the first duplicate. */
		if (rt->byname[i - 1] == group &&
		    (dup == NULL || u->line < dup->line)) {
			dup = u;
			first = group;
		}
	}
	if (dup != NULL)
		return set_err(err, dup->line, 0,
			       "user %s is listed twice (first on line %u); "
			       "put all of the user's prefixes on one line",
			       dup->name, first->line);
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct rt_ent *x = a, *y = b;
	int c = memcmp(&x->addr, &y->addr, sizeof(x->addr));

	if (c != 0)
		return c;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct routetable_prefix *seq_prefix(const struct routetable *rt,
						  uint32_t seq)
{
	return &rt->user[seq / ROUTETABLE_PREFIXES_MAX]
			.prefix[seq % ROUTETABLE_PREFIXES_MAX];
}

/* The earliest point in file order where a prefix overlaps one before it:
 * returns that prefix's seq, or SEQ_NONE. Sorted by (address, length), the
 * prefixes form a forest in which every overlapping pair is an ancestor
 * and a descendant; a stack holds the chain of ancestors of the current
 * prefix with the smallest seq among them, so each prefix meets its
 * earliest overlapping ancestor in one step. Returns -1 on no memory. */
static int first_overlap(const struct routetable *rt, uint32_t *out)
{
	struct rt_ent *ent;
	uint32_t *stack, *stmin, best = SEQ_NONE;
	size_t n = 0, depth = 0, i, u;
	unsigned p;

	for (u = 0; u < rt->count; u++)
		n += rt->user[u].count;
	ent = calloc(n ? n : 1, sizeof(*ent));
	stack = calloc(n ? n : 1, sizeof(*stack));
	stmin = calloc(n ? n : 1, sizeof(*stmin));
	if (ent == NULL || stack == NULL || stmin == NULL) {
		free(ent);
		free(stack);
		free(stmin);
		return -1;
	}
	for (n = 0, u = 0; u < rt->count; u++) {
		for (p = 0; p < rt->user[u].count; p++, n++) {
			ent[n].addr = rt->user[u].prefix[p].addr;
			ent[n].plen = rt->user[u].prefix[p].plen;
			ent[n].seq =
				(uint32_t)(u * ROUTETABLE_PREFIXES_MAX + p);
		}
	}
	qsort(ent, n, sizeof(*ent), ent_cmp);
	for (i = 0; i < n; i++) {
		uint32_t s = ent[i].seq, m;

		while (depth > 0 && !contains(&ent[stack[depth - 1]], &ent[i]))
			depth--;
		m = s;
		if (depth > 0) {
			m = stmin[depth - 1];
			/* The later of the pair is where it shows. */
			if ((s > m ? s : m) < best)
				best = s > m ? s : m;
			if (s < m)
				m = s;
		}
		stack[depth] = (uint32_t)i;
		stmin[depth] = m;
		depth++;
	}
	free(ent);
	free(stack);
	free(stmin);
	*out = best;
	return 0;
}

/* Describe the overlap of prefix seq `at` with the earliest prefix before
 * it that it overlaps. */
static int overlap_error(const struct routetable *rt, uint32_t at,
			 struct routetable_error *err)
{
	const struct routetable_user *ue =
		&rt->user[at / ROUTETABLE_PREFIXES_MAX];
	const struct routetable_prefix *e = seq_prefix(rt, at), *o = NULL;
	char es[PREFIX_BUF], os[PREFIX_BUF];
	const struct routetable_user *uo = NULL;
	size_t u;
	unsigned p;

	for (u = 0; o == NULL && u < rt->count; u++) {
		for (p = 0; p < rt->user[u].count; p++) {
			if (u * ROUTETABLE_PREFIXES_MAX + p >= at)
				break;
			if (routetable_overlaps(&e->addr, e->plen,
						&rt->user[u].prefix[p].addr,
						rt->user[u].prefix[p].plen)) {
				o = &rt->user[u].prefix[p];
				uo = &rt->user[u];
				break;
			}
		}
	}
	if (o == NULL) /* cannot happen: first_overlap found a pair */
		return set_err(err, ue->line, 0, "overlapping prefixes");
	fmt_prefix(es, &e->addr, e->plen);
	fmt_prefix(os, &o->addr, o->plen);
	if (uo == ue && o->plen == e->plen)
		return set_err(err, ue->line, 0,
			       "prefix %s is listed twice for user %s; remove "
			       "one",
			       es, ue->name);
	if (uo == ue)
		return set_err(
			err, ue->line, 0,
			"prefixes %s and %s of user %s overlap; keep only "
			"%s, which covers both",
			os, es, ue->name, e->plen < o->plen ? es : os);
	if (o->plen == e->plen)
		return set_err(
			err, ue->line, 0,
			"prefix %s is also routed to user %s on line %u; "
			"a prefix belongs to one user only",
			es, uo->name, uo->line);
	return set_err(err, ue->line, 0,
		       "prefix %s %s %s of user %s on line %u; prefixes of "
		       "different users must not overlap",
		       es, e->plen > o->plen ? "lies inside" : "contains", os,
		       uo->name, uo->line);
}

/* The first relational error among the users parsed: a repeated user or an
 * overlap, the repeated user first when both are on the same line. */
static int check_table(struct routetable *rt, struct routetable_error *err)
{
	struct routetable_error dup = { 0 };
	uint32_t at;

	if (check_users(rt, &dup) < 0 && dup.line == 0)
		return set_err(err, 0, ENOMEM, "out of memory");
	if (first_overlap(rt, &at) < 0)
		return set_err(err, 0, ENOMEM, "out of memory");
	if (at != SEQ_NONE &&
	    (dup.line == 0 ||
	     rt->user[at / ROUTETABLE_PREFIXES_MAX].line < dup.line))
		return overlap_error(rt, at, err);
	if (dup.line != 0) {
		if (err != NULL)
			*err = dup;
		return -1;
	}
	return 0;
}

int routetable_parse(const char *buf, size_t len, struct routetable **out,
		     struct routetable_error *err)
{
	struct routetable_error lerr = { 0 }, terr = { 0 };
	struct routetable *rt;
	int bad;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (out == NULL || (buf == NULL && len > 0))
		return set_err(err, 0, EINVAL, "no buffer to parse");
	if (len > ROUTETABLE_FILE_MAX)
		return set_err(
			err, 0, 0,
			"is larger than %u MiB; is this the route table?",
			ROUTETABLE_FILE_MAX >> 20);
	rt = calloc(1, sizeof(*rt));
	if (rt == NULL)
		return set_err(err, 0, ENOMEM, "out of memory");
	/* Parse up to the first bad line, then check the lines before it
	 * against each other: an error there comes first in the file. */
	bad = len > 0 && parse_lines(rt, buf, len, &lerr) < 0;
	if (bad && lerr.line == 0)
		goto fail_lerr;
	if (check_table(rt, &terr) < 0) {
		if (err != NULL)
			*err = terr;
		goto fail;
	}
	if (bad)
		goto fail_lerr;
	*out = rt;
	return 0;
fail_lerr:
	if (err != NULL)
		*err = lerr;
fail:
	routetable_free(rt);
	return -1;
}

/* Loading */

static int open_err(struct routetable_error *err, int e)
{
	switch (e) {
	case ENOENT:
		return set_err(err, 0, e,
			       "does not exist; create it with one line "
			       "\"user prefix/len ...\" per user of network "
			       "tunnels");
	case ELOOP:
		return set_err(err, 0, e,
			       "is a symbolic link, which is refused; give the "
			       "path of the file itself");
	case EINVAL:
		return set_err(err, 0, e,
			       "is not a regular file; give the path of the "
			       "route table file");
	case EACCES:
		return set_err(err, 0, e,
			       "permission denied; run as the file's owner "
			       "(normally root)");
	default:
		return set_err(err, 0, e, "cannot open: %s", strerror(e));
	}
}

/* The file decides where users' traffic goes: refuse what others could
 * change. Reading is harmless (it holds no secret), so 0644 is fine. */
static int check_stat(const struct stat *st, const char *path,
		      struct routetable_error *err)
{
	const char *fix = strlen(path) <= 100 ? path : "the file";

	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return set_err(err, 0, 0,
			       "is writable by group or others; run chmod "
			       "go-w %s",
			       fix);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return set_err(err, 0, 0,
			       "is owned by uid %u, neither root nor this "
			       "user; run chown root %s",
			       (unsigned)st->st_uid, fix);
	return 0;
}

/* Read all of f into a fresh buffer; more than ROUTETABLE_FILE_MAX bytes is
 * refused after reading one byte past the limit, no more. */
static int read_all(FILE *f, char **out, size_t *outlen,
		    struct routetable_error *err)
{
	size_t cap = 4096, len = 0, r;
	char *buf = malloc(cap), *n;

	if (buf == NULL)
		return set_err(err, 0, ENOMEM, "out of memory");
	for (;;) {
		if (len > ROUTETABLE_FILE_MAX) {
			set_err(err, 0, 0,
				"is larger than %u MiB; is this the route "
				"table?",
				ROUTETABLE_FILE_MAX >> 20);
			goto fail;
		}
		if (len == cap) {
			cap = cap * 2 > ROUTETABLE_FILE_MAX ?
				      ROUTETABLE_FILE_MAX + 1 :
				      cap * 2;
			n = realloc(buf, cap);
			if (n == NULL) {
				set_err(err, 0, ENOMEM, "out of memory");
				goto fail;
			}
			buf = n;
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0) {
			if (ferror(f)) {
				set_err(err, 0, errno, "read error: %s",
					strerror(errno));
				goto fail;
			}
			break;
		}
	}
	*out = buf;
	*outlen = len;
	return 0;
fail:
	free(buf);
	return -1;
}

int routetable_load(const char *path, struct routetable **out,
		    struct routetable_error *err)
{
	char ignored[256];
	char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int rc = -1;
	FILE *f;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (path == NULL || out == NULL)
		return set_err(err, 0, EINVAL, "no file to load");
	/* rdfile's message names the file; ours leave that to the caller. */
	f = rdfile_open(path, true, &st, ignored, sizeof(ignored));
	if (f == NULL)
		return open_err(err, errno);
	if (check_stat(&st, path, err) < 0)
		goto out;
	if (read_all(f, &buf, &len, err) < 0)
		goto out;
	rc = routetable_parse(buf, len, out, err);
out:
	free(buf);
	fclose(f);
	return rc;
}
