/* dtcps's engine side of the privilege separation: one stub per request
 * to the privileged parent (server/privsep_parent.c), which keeps the
 * password file, the netlink socket and the power to create interfaces.
 * Each stub is one request and its checked reply (os/privchan.h); a broken
 * channel is fatal (the parent is gone). */
#ifndef DTCP_SERVER_PRIVSEP_H
#define DTCP_SERVER_PRIVSEP_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

#include "proto/proto.h"
#include "proto/roam.h"
#include "relay/relay.h"
#include "server/privsep_msg.h"

#define PRIVSEP_AUTH_PER_SESSION 3  /* failed logins checked per session */
#define PRIVSEP_AUTH_UNUSABLE (-1)
#define PRIVSEP_AUTH_BUSY (-2)

/* What the parent made for a tunnel request. */
struct privsep_tunnel {
	char ifname[IFNAMSIZ];
	unsigned ifindex;
	bool has_v6;
	struct in6_addr server6, client6;
	unsigned nprefixes;                 /* network: routed into it */
	struct proto_prefix prefix[PROTO_PREFIXES_MAX];
	unsigned superseded;                /* the session it took them from */
};

/* Set the engine's end of the channel. */
void privsep_engine_init(int sock);

/* A new connection, session sid: the parent issues its challenge (32 hex
 * digits) into challenge[33]. */
void privsep_hello(unsigned sid, char challenge[PROTO_CHALLENGE_LEN + 1]);

/* Check a login for session sid against the challenge the parent issued.
 * Returns 1 (ok: roam_key receives the session's roam1 key), 0 (wrong
 * user or password, or too many attempts), PRIVSEP_AUTH_UNUSABLE
 * (password file unusable: not checked), PRIVSEP_AUTH_BUSY (over the
 * parent's ceiling of failed logins this second: not checked; the client
 * should try later). */
int privsep_auth(unsigned sid, const char *user, const char *response,
		 uint8_t roam_key[PROTO_ROAM_KEY_LEN]);

/* Create the tunnel interface of an authenticated session on `unit` of
 * the pool of `kind`, with host address pair `slot` when type is host, for
 * a client at client4. With `shared` (dtcps -s) the parent makes no
 * interface, only decides and routes: returns 0. Otherwise returns the TUN
 * descriptor. Fills *t; or returns -EBUSY
 * (that name is taken: try another unit), -ENODEV (-c: no such interface:
 * try another unit), -ENOSPC (no host pair for that slot, or no free
 * interface matching -i), -ENOENT (network: the route table has nothing for
 * the user) or another -errno. */
int privsep_tunnel(unsigned sid, enum proto_type type, enum privsep_kind kind,
		   unsigned unit, unsigned slot, struct in_addr client4,
		   bool shared, struct privsep_tunnel *t);

/* The session's tunnel was taken down before use: the parent removes the
 * interface, and then takes nothing but the session's end. */
void privsep_untunnel(unsigned sid);

/* The session has ended: the parent forgets it, and writes the
 * accounting record of its tunnel with the engine's counters (st, NULL
 * without a tunnel), the client's UDP port and why it ended. */
void privsep_end(unsigned sid, const struct relay_stats *st,
		 uint16_t client_port, const char *reason);

#endif
