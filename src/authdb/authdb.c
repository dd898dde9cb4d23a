/* The password file: strict parsing of "user:secret" lines with
 * percent-encoded secrets, lookup through a small hash index, and atomic
 * rewriting. Secrets are wiped whenever memory holding them is released.
 * Pure: never logs, never exits. */
#include "authdb/authdb.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto/proto.h"

/* A password file bigger than this is not a password file. */
#define AUTHDB_FILE_MAX (16u * 1024 * 1024)

struct authdb_entry {
	char user[PROTO_USER_MAX + 1];
	uint8_t secret[AUTHDB_SECRET_MAX];
	size_t len;
	unsigned line; /* where it was read, for duplicate messages; 0 if set */
};

struct authdb {
	struct authdb_entry *ent; /* file order */
	size_t count, cap;
	uint32_t *idx; /* open addressing: entry index + 1, 0 = empty */
	size_t idx_size; /* power of two, > 2 * count */
};

void authdb_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

/* FNV-1a; the names are administrator-chosen, so no keyed hash is needed. */
static uint32_t user_hash(const char *user)
{
	uint32_t h = 2166136261u;

	for (; *user; user++)
		h = (h ^ (unsigned char)*user) * 16777619u;
	return h;
}

/* Slot of `user` in the index, or of the empty slot where it would go. */
static size_t idx_slot(const struct authdb *db, const char *user)
{
	size_t mask = db->idx_size - 1, i = user_hash(user) & mask;

	while (db->idx[i] != 0 &&
	       strcmp(db->ent[db->idx[i] - 1].user, user) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Refill the index from the entries, in place. */
static void idx_fill(struct authdb *db)
{
	size_t i;

	memset(db->idx, 0, db->idx_size * sizeof(*db->idx));
	for (i = 0; i < db->count; i++)
		db->idx[idx_slot(db, db->ent[i].user)] = (uint32_t)(i + 1);
}

static int idx_grow(struct authdb *db, size_t size)
{
	uint32_t *idx = calloc(size, sizeof(*idx));

	if (idx == NULL)
		return -1;
	free(db->idx);
	db->idx = idx;
	db->idx_size = size;
	idx_fill(db);
	return 0;
}

static struct authdb_entry *find(const struct authdb *db, const char *user)
{
	uint32_t v;

	if (db->idx_size == 0)
		return NULL;
	v = db->idx[idx_slot(db, user)];
	return v ? &db->ent[v - 1] : NULL;
}

/* Room for one more entry. realloc() would leave copies of secrets in freed
 * memory, so grow by copy and wipe. */
static int reserve_one(struct authdb *db)
{
	struct authdb_entry *n;
	size_t cap;

	if (db->count >= UINT32_MAX - 1)
		return -1;
	if (db->count == db->cap) {
		cap = db->cap ? db->cap * 2 : 16;
		n = calloc(cap, sizeof(*n));
		if (n == NULL)
			return -1;
		if (db->count > 0)
			memcpy(n, db->ent, db->count * sizeof(*n));
		authdb_wipe(db->ent, db->cap * sizeof(*db->ent));
		free(db->ent);
		db->ent = n;
		db->cap = cap;
	}
	if ((db->count + 1) * 2 >= db->idx_size &&
	    idx_grow(db, db->idx_size ? db->idx_size * 2 : 64) < 0)
		return -1;
	return 0;
}

/* Append a new user; the caller checked name, secret and uniqueness. */
static int append(struct authdb *db, const char *user, const uint8_t *secret,
		  size_t len, unsigned line)
{
	struct authdb_entry *e;

	if (reserve_one(db) < 0)
		return -1;
	e = &db->ent[db->count];
	memset(e, 0, sizeof(*e));
	memcpy(e->user, user, strlen(user) + 1);
	memcpy(e->secret, secret, len);
	e->len = len;
	e->line = line;
	db->idx[idx_slot(db, user)] = (uint32_t)(db->count + 1);
	db->count++;
	return 0;
}

struct authdb *authdb_new(void)
{
	return calloc(1, sizeof(struct authdb));
}

void authdb_free(struct authdb *db)
{
	if (db == NULL)
		return;
	authdb_wipe(db->ent, db->cap * sizeof(*db->ent));
	free(db->ent);
	free(db->idx);
	free(db);
}

static bool secret_ok(const uint8_t *secret, size_t len)
{
	return len > 0 && len <= AUTHDB_SECRET_MAX &&
	       memchr(secret, '\0', len) == NULL &&
	       memchr(secret, '\n', len) == NULL;
}

int authdb_lookup(const struct authdb *db, const char *user, uint8_t *secret,
		  size_t *len)
{
	const struct authdb_entry *e;

	if (db == NULL || user == NULL)
		return -1;
	e = find(db, user);
	if (e == NULL)
		return -1;
	memcpy(secret, e->secret, e->len);
	*len = e->len;
	return 0;
}

int authdb_set(struct authdb *db, const char *user, const uint8_t *secret,
	       size_t len)
{
	struct authdb_entry *e;

	if (db == NULL || !proto_user_ok(user) || secret == NULL ||
	    !secret_ok(secret, len))
		return -1;
	e = find(db, user);
	if (e == NULL)
		return append(db, user, secret, len, 0);
	authdb_wipe(e->secret, sizeof(e->secret));
	memcpy(e->secret, secret, len);
	e->len = len;
	return 0;
}

int authdb_delete(struct authdb *db, const char *user)
{
	struct authdb_entry *e;
	size_t i;

	if (db == NULL || user == NULL || (e = find(db, user)) == NULL)
		return -1;
	i = (size_t)(e - db->ent);
	memmove(e, e + 1, (db->count - i - 1) * sizeof(*e));
	db->count--;
	authdb_wipe(&db->ent[db->count], sizeof(*e));
	/* Deleting from open addressing needs tombstones; refilling is
	 * simpler and deletes are rare (dtcpauth -d). */
	idx_fill(db);
	return 0;
}

size_t authdb_count(const struct authdb *db)
{
	return db ? db->count : 0;
}

const char *authdb_user_at(const struct authdb *db, size_t i)
{
	return db && i < db->count ? db->ent[i].user : NULL;
}

/* Parsing */

static int set_err(struct authdb_error *err, unsigned line, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static int set_err(struct authdb_error *err, unsigned line, const char *fmt,
		   ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Bytes that appear percent-encoded in a secret, never raw. */
static bool must_encode(unsigned char c)
{
	return c == '%' || c == ':' || c < 0x21 || c >= 0x7f;
}

/* Parse one line (without its newline) into db. */
static int parse_line(struct authdb *db, const char *s, size_t n, unsigned line,
		      struct authdb_error *err)
{
	uint8_t secret[AUTHDB_SECRET_MAX];
	char user[PROTO_USER_MAX + 1];
	const struct authdb_entry *dup;
	const char *colon;
	size_t ulen, i, len = 0;
	int hi, lo, rc = -1;

	colon = memchr(s, ':', n);
	if (colon == NULL)
		return set_err(err, line,
			       "missing ':' between user and secret");
	ulen = (size_t)(colon - s);
	if (ulen == 0)
		return set_err(err, line, "empty user name");
	if (ulen > PROTO_USER_MAX)
		return set_err(err, line, "user name longer than %d bytes",
			       PROTO_USER_MAX);
	memcpy(user, s, ulen);
	user[ulen] = '\0';
	if (!proto_user_ok(user))
		return set_err(
			err, line,
			"bad user name; use letters, digits and . _ @ + - "
			"(not starting with -)");

	for (i = ulen + 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (len == AUTHDB_SECRET_MAX) {
			set_err(err, line, "secret longer than %d bytes",
				AUTHDB_SECRET_MAX);
			goto out;
		}
		if (c == '%') {
			hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
			lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				set_err(err, line,
					"bad %%-escape in secret: '%%' needs two "
					"hex digits");
				goto out;
			}
			c = (unsigned char)(hi << 4 | lo);
			if (c == '\0' || c == '\n') {
				set_err(err, line, "secret contains %s",
					c ? "a newline (%0A)" :
					    "a NUL byte (%00)");
				goto out;
			}
			i += 2;
		} else if (must_encode(c)) {
			if (c == '\r' && i == n - 1)
				set_err(err, line,
					"carriage return at end of line; save "
					"the file with unix line endings");
			else
				set_err(err, line,
					"unencoded byte 0x%02X in secret; write "
					"it as %%%02X",
					c, c);
			goto out;
		}
		secret[len++] = c;
	}
	if (len == 0) {
		set_err(err, line, "empty secret");
		goto out;
	}
	dup = find(db, user);
	if (dup != NULL) {
		set_err(err, line, "duplicate user %s (first on line %u)", user,
			dup->line);
		goto out;
	}
	if (append(db, user, secret, len, line) < 0) {
		set_err(err, line, "out of memory");
		goto out;
	}
	rc = 0;
out:
	authdb_wipe(secret, sizeof(secret));
	return rc;
}

static int parse_buf(struct authdb *db, const char *buf, size_t size,
		     struct authdb_error *err)
{
	const char *p = buf, *end = buf + size, *nl;
	unsigned line = 0;
	size_t n;

	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > AUTHDB_LINE_MAX)
			return set_err(err, line, "line longer than %d bytes",
				       AUTHDB_LINE_MAX);
		if (n > 0 && p[0] != '#' && parse_line(db, p, n, line, err) < 0)
			return -1;
		p += n + 1;
	}
	return 0;
}

int authdb_parse(const char *buf, size_t len, struct authdb **out,
		 struct authdb_error *err)
{
	struct authdb *db = authdb_new();

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (db == NULL)
		return set_err(err, 0, "out of memory");
	if (parse_buf(db, buf, len, err) < 0) {
		authdb_free(db);
		return -1;
	}
	*out = db;
	return 0;
}

/* Read all of fd into a fresh buffer (wiped and freed by the caller). */
static int read_all(int fd, char **out, size_t *outlen,
		    struct authdb_error *err)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *n;
	ssize_t r;

	if (buf == NULL)
		return set_err(err, 0, "out of memory");
	for (;;) {
		if (len == cap) {
			if (cap >= AUTHDB_FILE_MAX) {
				set_err(err, 0,
					"is larger than %u MiB; is this the "
					"password file?",
					AUTHDB_FILE_MAX >> 20);
				goto fail;
			}
			n = malloc(cap * 2);
			if (n == NULL) {
				set_err(err, 0, "out of memory");
				goto fail;
			}
			memcpy(n, buf, len);
			authdb_wipe(buf, cap);
			free(buf);
			buf = n;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(err, 0, "read error: %s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*out = buf;
	*outlen = len;
	return 0;
fail:
	authdb_wipe(buf, cap);
	free(buf);
	return -1;
}

static int open_err(struct authdb_error *err, int e)
{
	switch (e) {
	case ENOENT:
		return set_err(
			err, 0,
			"does not exist; create it with dtcpauth --init");
	case ELOOP:
		return set_err(err, 0,
			       "is a symbolic link, which is refused; give the "
			       "path of the file itself");
	case EACCES:
		return set_err(err, 0,
			       "permission denied; run as the file's owner "
			       "(normally root)");
	default:
		return set_err(err, 0, "cannot open: %s", strerror(e));
	}
}

/* The file holds secrets in clear: refuse what others could read or
 * change. The caller prints the path before the message. */
static int check_stat(const struct stat *st, const char *path,
		      struct authdb_error *err)
{
	const char *fix = strlen(path) <= 100 ? path : "the file";

	if (!S_ISREG(st->st_mode))
		return set_err(err, 0,
			       "is not a regular file; give the path of the "
			       "password file");
	if (st->st_mode & (S_IRGRP | S_IROTH))
		return set_err(
			err, 0,
			"is readable by group or others; run chmod 600 %s",
			fix);
	if (st->st_mode & (S_IRWXG | S_IRWXO))
		return set_err(
			err, 0,
			"is writable by group or others; run chmod 600 %s",
			fix);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return set_err(err, 0,
			       "is owned by uid %u, neither root nor this "
			       "user; run chown root %s",
			       (unsigned)st->st_uid, fix);
	return 0;
}

int authdb_load(const char *path, bool check_mode, struct authdb **out,
		struct authdb_error *err)
{
	char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int fd, fl, rc = -1;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	/* O_NONBLOCK so that a FIFO in place of the file cannot hang us
	 * before fstat() says what it is; cleared before reading. */
	fd = open(path,
		  O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return open_err(err, errno);
	if (fstat(fd, &st) < 0) {
		set_err(err, 0, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (check_mode && check_stat(&st, path, err) < 0)
		goto out;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		set_err(err, 0, "fcntl: %s", strerror(errno));
		goto out;
	}
	if (read_all(fd, &buf, &len, err) < 0)
		goto out;
	rc = authdb_parse(buf, len, out, err);
out:
	authdb_wipe(buf, len);
	free(buf);
	close(fd);
	return rc;
}

/* Saving */

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Encode one entry as "user:secret\n" into dst (room for the longest
 * line). Returns the length. */
static size_t encode_entry(const struct authdb_entry *e, char *dst)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(e->user), i;

	memcpy(dst, e->user, n);
	dst[n++] = ':';
	for (i = 0; i < e->len; i++) {
		unsigned char c = e->secret[i];

		if (must_encode(c)) {
			dst[n++] = '%';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
		} else {
			dst[n++] = (char)c;
		}
	}
	dst[n++] = '\n';
	return n;
}

#define ENC_LINE_MAX (PROTO_USER_MAX + 1 + 3 * AUTHDB_SECRET_MAX + 1)

static int write_entries(int fd, const struct authdb *db)
{
	char buf[8 * ENC_LINE_MAX];
	size_t used = 0, i;
	int rc = 0;

	for (i = 0; i < db->count && rc == 0; i++) {
		if (sizeof(buf) - used < ENC_LINE_MAX) {
			rc = write_all(fd, buf, used);
			used = 0;
		}
		used += encode_entry(&db->ent[i], buf + used);
	}
	if (rc == 0)
		rc = write_all(fd, buf, used);
	authdb_wipe(buf, sizeof(buf));
	return rc;
}

static int fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, rc = 0;

	memcpy(dir, path, strlen(path) + 1);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Some file systems cannot sync a directory; the rename stands. */
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

int authdb_save(const struct authdb *db, const char *path)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if (db == NULL || path == NULL || path[0] == '\0')
		return -EINVAL;
	if (strlen(path) + sizeof(".XXXXXX") > sizeof(tmp))
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	/* mkostemp creates with O_EXCL and mode 0600. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, S_IRUSR | S_IWUSR) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = write_entries(fd, db);
	if (rc < 0)
		goto fail;
	if (fsync(fd) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = close(fd);
	fd = -1;
	if (rc < 0 || rename(tmp, path) < 0) {
		rc = -errno;
		goto fail;
	}
	return fsync_dir(path);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}
