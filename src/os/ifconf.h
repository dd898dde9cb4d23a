/* Creating tunnel interfaces, as root: a TUN device up with its MTU. The
 * caller owns the netlink socket and adds addresses and routes with rtnl.
 * No globals and no policy: which name, address or route is the daemon's
 * decision. */
#ifndef DTCP_IFCONF_H
#define DTCP_IFCONF_H

#include <net/if.h>

#include "os/rtnl.h"

/* Create TUN device `name` (a name ending in a unit, or a "%d" pattern),
 * set its MTU and bring it up through nl. Returns the descriptor and fills
 * out_name and *ifindex, or -errno (-EBUSY: the name belongs to another
 * device). Closing the descriptor removes the device. */
int ifconf_tun_create(struct rtnl *nl, const char *name, unsigned mtu,
		      char out_name[IFNAMSIZ], unsigned *ifindex);

#endif
