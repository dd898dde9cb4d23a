/* Route netlink through libmnl: every request waits for the kernel's ACK
 * and returns its error. One socket per process; not thread-safe. */
#ifndef DTCP_RTNL_H
#define DTCP_RTNL_H

#include <netinet/in.h>

struct rtnl;

/* Open a NETLINK_ROUTE socket. Returns NULL with errno set. */
struct rtnl *rtnl_open(void);
void rtnl_close(struct rtnl *nl);

/* Set MTU and bring the link up. Returns 0 or -errno. */
int rtnl_link_up(struct rtnl *nl, unsigned ifindex, unsigned mtu);

/* Add IPv6 address `local`/plen on ifindex (no DAD). When `peer` is not
 * NULL it is a point-to-point address: the kernel adds a route to peer.
 * Returns 0 or -errno (-EEXIST when already present). */
int rtnl_addr6_add(struct rtnl *nl, unsigned ifindex,
		   const struct in6_addr *local, const struct in6_addr *peer,
		   unsigned plen);

/* Remove the IPv6 address local/plen from ifindex. Returns 0 or -errno
 * (-EADDRNOTAVAIL when it is not there). */
int rtnl_addr6_del(struct rtnl *nl, unsigned ifindex,
		   const struct in6_addr *local, unsigned plen);

/* Bring the link down. Returns 0 or -errno. */
int rtnl_link_down(struct rtnl *nl, unsigned ifindex);

/* Delete the interface (a TUN device goes even while a descriptor is still
 * attached to it). Returns 0/-errno; -ENODEV when it is gone already. */
int rtnl_link_del(struct rtnl *nl, unsigned ifindex);

/* Put the interface in interface group `group` (ip link set group). */
int rtnl_link_set_group(struct rtnl *nl, unsigned ifindex, uint32_t group);

/* Delete every interface of group `group` at once: the kernel shares one
 * unregister (and its RCU grace periods) among them, which makes a batch
 * of hundreds cost about what one costs. 0, or -errno. */
int rtnl_link_del_group(struct rtnl *nl, uint32_t group);

/* Add an IPv6 route dst/plen out of ifindex (no gateway: the tunnel is
 * point-to-point). Returns 0 or -errno (-EEXIST when already present).
 * Addresses and routes go with the interface when it is removed. */
int rtnl_route6_add(struct rtnl *nl, unsigned ifindex,
		    const struct in6_addr *dst, unsigned plen);

/* The same, taking the route over from whatever interface has it now, in
 * one step. Returns 0 or -errno. */
int rtnl_route6_replace(struct rtnl *nl, unsigned ifindex,
			const struct in6_addr *dst, unsigned plen);

/* Delete the route dst/plen out of ifindex (only that interface's).
 * Returns 0 or -errno (-ESRCH when there is none). */
int rtnl_route6_del(struct rtnl *nl, unsigned ifindex,
		    const struct in6_addr *dst, unsigned plen);

/* One IPv6 prefix this host has: a route of the main table (the
 * destination) or an address (with its prefix length). */
struct rtnl_prefix6 {
	struct in6_addr addr;
	unsigned plen;
	unsigned ifindex;
};

typedef void rtnl_prefix6_fn(void *arg, const struct rtnl_prefix6 *p);

/* Call fn for every IPv6 route of the main table and every IPv6 address.
 * Returns 0 or -errno. */
int rtnl_dump_prefixes6(struct rtnl *nl, rtnl_prefix6_fn *fn, void *arg);

#endif
