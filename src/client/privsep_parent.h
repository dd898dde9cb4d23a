/* A client's privileged parent: the only process that holds the password,
 * resolves the server, binds the UDP socket, creates and configures the
 * tunnel interface and runs the scripts. It answers the engine's requests
 * (client/privsep_msg.h) by the table in privsep_parent.c, which says for
 * each its exact length and the tunnel states in which it is allowed;
 * anything outside it ends the engine (os/privchan.h). */
#ifndef DTCP_CLIENT_PRIVSEP_PARENT_H
#define DTCP_CLIENT_PRIVSEP_PARENT_H

#include <stddef.h>
#include <sys/types.h>

#include "client/config.h"
#include "os/privchan.h"
#include "os/rtnl.h"

struct privsep_parent;

/* The parent's state for cfg, computing digests with password and
 * configuring interfaces through nl (both stay the caller's). NULL when
 * out of memory. */
struct privsep_parent *privsep_parent_new(const struct client_config *cfg,
					  const char *password,
					  struct rtnl *nl);

/* Run "down" if the tunnel is still up (a crashed engine cannot ask),
 * then free p. NULL is ignored. */
void privsep_parent_free(struct privsep_parent *p);


/* The boundary itself: every request the engine may make, with its exact
 * length, the states in which it is allowed and its reply. Serve it with
 * privchan_serve(sock, log_fd, engine, &privsep_parent_table, p). */
extern const struct privchan_table privsep_parent_table;

#endif
