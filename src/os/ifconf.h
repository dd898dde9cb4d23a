/* Tunnel interfaces, as root: a TUN device opened and up with its MTU,
 * released again when it outlives us, and the per-interface IPv6 settings.
 * The caller owns the netlink socket and adds addresses and routes with
 * rtnl. No globals and no policy: which name, address or route is the
 * daemon's decision. */
#ifndef DTCP_IFCONF_H
#define DTCP_IFCONF_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

#include "os/rtnl.h"

/* Open TUN device `name` as tun_flags say (os/tun.h: create, attach to an
 * existing device, make it persistent), set its MTU and bring it up
 * through nl. Returns the descriptor and fills out_name and *ifindex, or
 * -errno (-EBUSY: the name belongs to another device or process, or an
 * existing device is up: someone else's; -ENODEV: attaching, there is
 * none). Closing the descriptor removes a device that is not
 * persistent. */
int ifconf_tun_open(struct rtnl *nl, const char *name, unsigned tun_flags,
		    unsigned mtu, char out_name[IFNAMSIZ], unsigned *ifindex);

/* Leave a device that outlives its descriptor as found: the address
 * `local` removed (when not NULL) and the link down, which also drops its
 * other IPv6 addresses and routes unless keep_addr_on_down is set. Returns
 * 0 or the first -errno. */
int ifconf_tun_release(struct rtnl *nl, unsigned ifindex,
		       const struct in6_addr *local);

/* True when interface `name` exists and is administratively up. */
bool ifconf_is_up(const char *name);

/* Write value to /proc/sys/net/ipv6/conf/<ifname>/<key>. Returns 0 or
 * -errno. */
int ifconf_ipv6_sysctl(const char *ifname, const char *key,
		       const char *value);

#endif
