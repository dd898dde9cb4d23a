/* dtcps's route table in the privileged parent: which prefixes each user's
 * network tunnel gets. Re-read whenever the file changes; a broken new
 * version keeps the last good one in force and says so in the log. */
#ifndef DTCP_SERVER_ROUTES_H
#define DTCP_SERVER_ROUTES_H

#include <stddef.h>

#include "server/routetable.h"

struct routes;

/* Load the table at path. A missing file is no error: no user gets a
 * network tunnel until it appears. Returns the table, or NULL with a
 * message naming the file, the line and what to fix in err[errlen]. */
struct routes *routes_open(const char *path, char *err, size_t errlen);

/* Forget the table. NULL is ignored. */
void routes_close(struct routes *r);

/* Read the file again now, changed or not (SIGHUP); a broken file keeps
 * the last good table, as at every re-read. */
void routes_reload(struct routes *r);

/* The prefixes of `user` in the table as it is now (re-read when the file
 * changed), copied to *out. Returns 0, or -1 when the user has none. */
int routes_lookup(struct routes *r, const char *user,
		  struct routetable_user *out);

#endif
