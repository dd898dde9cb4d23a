/* The client's privileged tunnel work, done in the root parent: create the
 * TUN interface and configure it — by netlink for dtcpc, by the "up" script
 * for dtcpclient — and undo it ("down"). */
#ifndef DTCP_CLIENT_TUNCTL_H
#define DTCP_CLIENT_TUNCTL_H

#include <net/if.h>
#include <stdbool.h>

#include "client/config.h"
#include "client/privsep_msg.h"
#include "os/rtnl.h"
#include "proto/proto.h"

struct tunctl {
	const struct client_config *cfg;
	struct rtnl *nl;
	struct proto_tunnel_reply reply;   /* what the server granted */
	char ifname[IFNAMSIZ];
	unsigned ifindex;
	bool up;                           /* "down" is owed */
	/* -P: the addresses put on LAN interfaces, and radvd (0: none). */
	struct {
		unsigned ifindex;
		struct in6_addr addr;
		unsigned plen;
	} lan[DELEGATE_SPECS_MAX];
	size_t nlan;
	pid_t radvd;
};

/* Create and configure the interface for `reply`. Returns the TUN
 * descriptor (the caller passes it on and closes its copy), or
 * PRIVSEP_UP_FATAL / PRIVSEP_UP_RETRY after logging what to fix. */
int tunctl_up(struct tunctl *tc, const struct proto_tunnel_reply *reply);

/* Run the "down" script (dtcpclient) if "up" ran; netlink configuration
 * goes with the interface. Safe to call when nothing is up. */
void tunctl_down(struct tunctl *tc);

#endif
