/* The route table file and its reload (see routes.h). */
#include "server/routes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"

struct routes {
	const char *path;
	struct routetable *rt;   /* the last good table; NULL: none yet */
	struct stat st;          /* identity of what was last read */
	bool missing;            /* the file did not exist then */
	bool broken;             /* the last read failed: rt stays */
};

/* Read the file: 0 (loaded, or missing: no table), or -1 with err. */
static int routes_load(struct routes *r, char *err, size_t errlen)
{
	struct routetable_error rerr;
	struct routetable *rt;

	if (routetable_load(r->path, &rt, &rerr) < 0) {
		if (rerr.errnum == ENOENT) {
			routetable_free(r->rt);
			r->rt = NULL;
			r->missing = true;
			return 0;
		}
		if (rerr.line)
			snprintf(err, errlen, "%s:%u: %s", r->path, rerr.line,
				 rerr.msg);
		else
			snprintf(err, errlen, "%s: %s", r->path, rerr.msg);
		return -1;
	}
	routetable_free(r->rt);
	r->rt = rt;
	r->missing = false;
	return 0;
}

struct routes *routes_open(const char *path, char *err, size_t errlen)
{
	struct routes *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->path = path;
	if (stat(path, &r->st) < 0)
		memset(&r->st, 0, sizeof(r->st));
	if (routes_load(r, err, errlen) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

/* Re-read the file when it was created, removed, replaced or changed, or
 * when forced (SIGHUP). */
static void routes_refresh(struct routes *r, bool force)
{
	char err[512];
	struct stat st;
	bool exists = stat(r->path, &st) == 0;

	if (!exists && r->missing && !force)
		return;
	if (exists && !r->missing && !r->broken && !force &&
	    st.st_ino == r->st.st_ino && st.st_dev == r->st.st_dev &&
	    st.st_size == r->st.st_size &&
	    st.st_mtim.tv_sec == r->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == r->st.st_mtim.tv_nsec &&
	    st.st_ctim.tv_sec == r->st.st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == r->st.st_ctim.tv_nsec)
		return;
	if (routes_load(r, err, sizeof(err)) < 0) {
		if (!r->broken)
			log_warnx("%s; keeping the route table read before "
				  "until it is fixed", err);
		r->broken = true;
		return;
	}
	if (exists)
		r->st = st;
	log_info("%s: %s (%zu users)", r->path,
		 r->missing ? "gone: no network tunnels" : "read",
		 routetable_count(r->rt));
	r->broken = false;
}

void routes_reload(struct routes *r)
{
	routes_refresh(r, true);
}

int routes_lookup(struct routes *r, const char *user,
		  struct routetable_user *out)
{
	const struct routetable_user *u;

	routes_refresh(r, false);
	u = routetable_lookup(r->rt, user);
	if (u == NULL)
		return -1;
	*out = *u;
	return 0;
}

void routes_close(struct routes *r)
{
	if (r == NULL)
		return;
	routetable_free(r->rt);
	free(r);
}
