/* dtcps's privileged parent: the only process that reads the password
 * file, creates interfaces and talks netlink. It answers the engine's
 * requests (server/privsep_msg.h) by the table in privsep_parent.c, which
 * says for each request its exact length and the session states in which
 * it is allowed; anything outside it ends the engine (os/privchan.h). */
#ifndef DTCP_SERVER_PRIVSEP_PARENT_H
#define DTCP_SERVER_PRIVSEP_PARENT_H

#include <stddef.h>
#include <sys/types.h>

#include "os/privchan.h"
#include "os/rtnl.h"
#include "server/auth.h"
#include "server/routes.h"
#include "server/server.h"

/* Failed checks the parent makes per second, server-wide, whatever the
 * engine's per-connection and per-address limits do. */
#define PRIVSEP_FAILS_PER_SECOND 50
/* Sessions the parent tracks beyond -M: connections being refused. */
#define PRIVSEP_SESSION_SLACK 16

struct privsep_parent;

/* The parent's state for cfg, checking logins with auth, giving network
 * tunnels the prefixes of routes, configuring interfaces through nl (all
 * stay the caller's). NULL when out of memory. */
struct privsep_parent *privsep_parent_new(const struct server_config *cfg,
					  struct auth *auth,
					  struct routes *routes,
					  struct rtnl *nl);
void privsep_parent_free(struct privsep_parent *p);

/* Write accounting records of the tunnels to acct (acct.h). */
struct acct;
void privsep_parent_account(struct privsep_parent *p, struct acct *acct);


/* The boundary itself: every request the engine may make, with its exact
 * length, the states in which it is allowed and its reply. Serve it with
 * privchan_serve(sock, log_fd, engine, &privsep_parent_table, p). */
extern const struct privchan_table privsep_parent_table;

#endif
