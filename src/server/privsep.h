/* dtcps's privilege separation. A privileged parent keeps the password
 * file, the netlink socket and the power to create interfaces; the engine
 * (control sessions and relay) runs unprivileged and sandboxed, and asks
 * the parent over a SOCK_SEQPACKET socketpair with fixed-size messages.
 * The parent checks every message's type, exact length, fields and the
 * session's state (a tunnel only after that session's login succeeded);
 * any bad message ends its trust: it logs, kills the engine and exits. */
#ifndef DTCP_PRIVSEP_H
#define DTCP_PRIVSEP_H

#include <net/if.h>
#include <netinet/in.h>
#include <sys/types.h>

#include "proto/proto.h"
#include "server/server.h"

#define PRIVSEP_AUTH_PER_SESSION 3  /* failed logins checked per session */

struct privsep_tunnel {
	char ifname[IFNAMSIZ];
	unsigned ifindex;
	int has_v6;
	struct in6_addr server6, client6;
};

/* Engine side. Each call is one request and its reply; a broken channel
 * is fatal (the parent is gone). */

/* Set the engine's end of the channel. */
void privsep_engine_init(int sock);

/* A new connection, session sid: the parent issues its challenge (32 hex
 * digits) into challenge[33]. Returns 0. */
int privsep_hello(unsigned sid, char challenge[PROTO_CHALLENGE_LEN + 1]);

#define PRIVSEP_AUTH_BUSY (-2)

/* Check a login for session sid against the challenge the parent issued.
 * Returns 1 (ok), 0 (wrong user or password, or too many attempts), -1
 * (password file unusable), PRIVSEP_AUTH_BUSY (over 50 failed logins this
 * second server-wide: not checked; the client should try later). */
int privsep_auth(unsigned sid, const char *user, const char *response);

/* Create the tunnel interface of an authenticated session on `unit`, with
 * the host address pair when type is host. Returns the TUN descriptor and
 * fills *t, or -EBUSY (that name is taken: try another unit), -ENOSPC (no
 * host pair for that unit) or another -errno. */
int privsep_tunnel(unsigned sid, enum proto_type type, unsigned unit,
		   struct privsep_tunnel *t);

/* The session's tunnel was taken down before use: the session stays
 * logged in, and may ask for a tunnel again. */
void privsep_untunnel(unsigned sid);

/* The session has ended: the parent forgets it. */
void privsep_end(unsigned sid);

/* Parent side: serve the engine `engine` over sock until it exits, and log
 * what it sends on log_fd (see log_relay). Returns the exit status. */
int privsep_parent_run(int sock, int log_fd, pid_t engine,
		       const struct server_config *cfg);

#endif
