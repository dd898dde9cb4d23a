/* The password file shared by dtcps and dtcpauth: one "user:secret" line per
 * user, the secret percent-encoded so that any byte but NUL and newline can
 * be stored. The server needs each secret in clear for the MD5
 * challenge-response, so the file is kept mode 0600 and refused when group-
 * or world-readable. User names follow proto_user_ok. Parsing is pure (no
 * logging, no exit). */
#ifndef DTCP_AUTHDB_H
#define DTCP_AUTHDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTHDB_SECRET_MAX 256  /* bytes of a decoded secret */
#define AUTHDB_LINE_MAX 1024   /* bytes of one encoded line */

struct authdb;

/* What went wrong, for a message that names the file, line and fix. */
struct authdb_error {
	unsigned line;     /* 1-based line number, 0 when not about a line */
	char msg[160];     /* lower case, no trailing period */
};

/* Read and parse the file at `path` (a symbolic link is always refused).
 * With `check_mode`, refuse a file that is not a regular file, that has any
 * group or other permission bit, or that is owned by neither root nor the
 * effective user; err->msg then says how to fix it (the caller prints the
 * path first). An empty secret is a parse error.
 * Returns 0 and *out (free with authdb_free), or -1 with *err filled. */
int authdb_load(const char *path, bool check_mode, struct authdb **out,
		struct authdb_error *err);

/* Parse the contents of a password file held in buf[len] (pure; fuzzed).
 * Returns 0 and *out, or -1 with *err filled. */
int authdb_parse(const char *buf, size_t len, struct authdb **out,
		 struct authdb_error *err);

/* An empty database (for dtcpauth --init). NULL on allocation failure. */
struct authdb *authdb_new(void);
void authdb_free(struct authdb *db);

/* Copy the secret of `user` into secret[AUTHDB_SECRET_MAX] and its length
 * into *len. Returns 0, or -1 when the user does not exist. */
int authdb_lookup(const struct authdb *db, const char *user,
		  uint8_t *secret, size_t *len);

/* Add or replace a user. Returns 0, or -1 on a bad name, a secret that is
 * empty, contains NUL or newline or is longer than AUTHDB_SECRET_MAX, or
 * allocation failure. */
int authdb_set(struct authdb *db, const char *user, const uint8_t *secret,
	       size_t len);

/* Remove a user. Returns 0, or -1 when absent. */
int authdb_delete(struct authdb *db, const char *user);

/* Number of users, and the name of the i-th (file order). */
size_t authdb_count(const struct authdb *db);
const char *authdb_user_at(const struct authdb *db, size_t i);

/* Write atomically: temporary file in the same directory (mode 0600),
 * fsync, rename, fsync of the directory. Returns 0 or -errno. */
int authdb_save(const struct authdb *db, const char *path);

/* Overwrite `len` bytes of `p` with zeros in a way the compiler keeps. */
void authdb_wipe(void *p, size_t len);

#endif
