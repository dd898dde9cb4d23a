/* The password file and the digest check (see auth.h). */
#include "server/auth.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "authdb/authdb.h"
#include "common/log.h"
#include "proto/proto.h"
#include "proto/roam.h"

struct auth {
	const char *path;
	struct authdb *db;
	struct stat st;     /* identity of the loaded file */
	bool broken;        /* the last reload failed: refuse logins */
};

static int auth_load(struct auth *a, char *err, size_t errlen)
{
	struct authdb_error aerr;
	struct authdb *db;
	struct stat st;

	if (stat(a->path, &st) < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "%s does not exist; create it "
				 "with dtcpauth -f %s --init", a->path, a->path);
		else
			snprintf(err, errlen, "%s: %s", a->path,
				 strerror(errno));
		return -1;
	}
	if (authdb_load(a->path, true, &db, &aerr) < 0) {
		if (aerr.line)
			snprintf(err, errlen, "%s:%u: %s", a->path, aerr.line,
				 aerr.msg);
		else
			snprintf(err, errlen, "%s: %s", a->path, aerr.msg);
		return -1;
	}
	authdb_free(a->db);
	a->db = db;
	a->st = st;
	return 0;
}

struct auth *auth_open(const char *path, char *err, size_t errlen)
{
	struct auth *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->path = path;
	if (auth_load(a, err, errlen) < 0) {
		free(a);
		return NULL;
	}
	return a;
}

/* Reload the file when it was replaced or changed, its mode or owner
 * included (the change time): a file others may now read is refused. */
static int auth_refresh(struct auth *a, bool force)
{
	char err[256];
	struct stat st;

	if (stat(a->path, &st) == 0 && !a->broken && !force &&
	    st.st_ino == a->st.st_ino && st.st_dev == a->st.st_dev &&
	    st.st_size == a->st.st_size &&
	    st.st_mtim.tv_sec == a->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == a->st.st_mtim.tv_nsec &&
	    st.st_ctim.tv_sec == a->st.st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == a->st.st_ctim.tv_nsec)
		return 0;
	if (auth_load(a, err, sizeof(err)) < 0) {
		if (!a->broken)
			log_warnx("%s; refusing every login until it is fixed",
				  err);
		a->broken = true;
		return -1;
	}
	if (a->broken)
		log_info("%s: usable again", a->path);
	a->broken = false;
	return 0;
}

int auth_check(struct auth *a, const char *user, const char *challenge,
	       const char *response, uint8_t *roam_key)
{
	uint8_t secret[AUTHDB_SECRET_MAX];
	char expect[PROTO_DIGEST_LEN + 1];
	size_t len;
	bool ok;

	if (auth_refresh(a, false) < 0)
		return -1;
	if (authdb_lookup(a->db, user, secret, &len) < 0) {
		/* Same work for an unknown user, so timing does not tell. */
		memset(secret, 0, sizeof(secret));
		len = 0;
	}
	proto_digest(user, challenge, secret, len, expect);
	/* Compare first, decide after: an unknown user costs the same. */
	ok = proto_digest_equal(expect, response);
	ok = ok && len > 0;
	if (ok && roam_key != NULL)
		proto_roam_key(user, challenge, secret, len, roam_key);
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(expect, sizeof(expect));
	return ok ? 1 : 0;
}

void auth_reload(struct auth *a)
{
	if (auth_refresh(a, true) == 0)
		log_info("%s: read again", a->path);
}

void auth_close(struct auth *a)
{
	if (a == NULL)
		return;
	authdb_free(a->db);
	free(a);
}
