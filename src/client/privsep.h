/* A client's engine side of the privilege separation: one stub per
 * request to the root parent (client/privsep_parent.c), which keeps the
 * password, the resolver, TUN creation, netlink and the scripts. Each stub
 * is one request and its checked reply (os/privchan.h); a broken channel
 * is fatal (the parent is gone). */
#ifndef DTCP_CLIENT_PRIVSEP_H
#define DTCP_CLIENT_PRIVSEP_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

#include "client/privsep_msg.h"
#include "proto/proto.h"

/* Set the engine's end of the channel. */
void privsep_engine_init(int sock);

/* The server's IPv4 addresses, resolved again by the parent. Returns how
 * many (>= 1), or -1 after the parent logged why. */
int privsep_resolve(struct in_addr addrs[PRIVSEP_ADDRS_MAX]);

/* The tunnel's socket: UDP bound to local and the configured port (-b),
 * or with p41 a raw protocol-41 socket bound to local and connected to
 * peer. Returns the descriptor or -errno. */
int privsep_tunnel_socket(bool p41, struct in_addr local, struct in_addr peer);

/* The login digest for `challenge` (32 hex digits), into out[33], and the
 * session's roam1 key. The password stays in the parent. */
void privsep_digest(const char *challenge, char out[PROTO_DIGEST_LEN + 1],
		    uint8_t roam_key[PROTO_ROAM_KEY_LEN]);

/* Bring the tunnel up for `reply`. Returns the TUN descriptor and its name
 * in ifname, or PRIVSEP_UP_FATAL / PRIVSEP_UP_RETRY. */
int privsep_tunnel_up(const struct proto_tunnel_reply *reply,
		      char ifname[IFNAMSIZ]);

/* Undo "up" (the "down" script) while the engine still holds the TUN
 * descriptor; returns when done. */
void privsep_tunnel_down(void);

#endif
