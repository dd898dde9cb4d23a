/* The operator's sockets, made by dtcps's privileged parent before the
 * engine forks (see ctl.h for why the engine serves them). */
#ifndef DTCP_CTL_SOCKETS_H
#define DTCP_CTL_SOCKETS_H

#include <stddef.h>

#include "server/server.h"

/* dtcpctl's UNIX socket at cfg->ctl_path: mode 0600 root, or 0660 with
 * the -G group; a stale file from a crash is replaced, a live server's is
 * not. Returns the listening descriptor, or -1 with err filled. */
int ctl_unix_socket(const struct server_config *cfg, char *err, size_t errlen);

/* The /metrics listener on cfg->metrics_addr:port (-H). Returns the
 * listening descriptor, or -1 with err filled. */
int ctl_metrics_socket(const struct server_config *cfg, char *err,
		       size_t errlen);

/* Remove the UNIX socket (at exit). */
void ctl_unix_remove(const struct server_config *cfg);

/* Fill cfg's -G fields from a group name: its gid and the uids of its
 * listed members. Returns 0, or -1 with err filled. */
int ctl_group_lookup(struct server_config *cfg, const char *name, char *err,
		     size_t errlen);

#endif
