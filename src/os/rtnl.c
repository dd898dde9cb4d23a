/* Route netlink requests through libmnl; each waits for its ACK. */
#include "os/rtnl.h"

#include <errno.h>
#include <stdbool.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rtnl {
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
};

struct rtnl *rtnl_open(void)
{
	struct rtnl *nl = calloc(1, sizeof(*nl));

	if (nl == NULL)
		return NULL;
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl->sock == NULL || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		if (nl->sock)
			mnl_socket_close(nl->sock);
		free(nl);
		errno = err;
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return nl;
}

void rtnl_close(struct rtnl *nl)
{
	if (nl == NULL)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

/* Send the request in buf and wait for the ACK that matches it. */
static int rtnl_transact(struct rtnl *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int ret;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, nl->portid,
				 NULL, NULL);
		if (ret == MNL_CB_ERROR)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

/* Start a request of `type` in buf with its family header of hdr_size
 * bytes, zeroed; one that creates fails on what exists. Returns the family
 * header; *nlh gets the message. */
static void *rtnl_request(char *buf, uint16_t type, bool create,
			  size_t hdr_size, struct nlmsghdr **nlh)
{
	*nlh = mnl_nlmsg_put_header(buf);
	(*nlh)->nlmsg_type = type;
	if (create)
		(*nlh)->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	return mnl_nlmsg_put_extra_header(*nlh, hdr_size);
}

int rtnl_link_up(struct rtnl *nl, unsigned ifindex, unsigned mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi = rtnl_request(buf, RTM_NEWLINK, false,
					     sizeof(*ifi), &nlh);

	*ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC,
				   .ifi_index = (int)ifindex,
				   .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return rtnl_transact(nl, nlh);
}

int rtnl_link_down(struct rtnl *nl, unsigned ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi = rtnl_request(buf, RTM_NEWLINK, false,
					     sizeof(*ifi), &nlh);

	*ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC,
				   .ifi_index = (int)ifindex,
				   .ifi_change = IFF_UP };
	return rtnl_transact(nl, nlh);
}

int rtnl_link_del(struct rtnl *nl, unsigned ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi = rtnl_request(buf, RTM_DELLINK, false,
					     sizeof(*ifi), &nlh);

	*ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC,
				   .ifi_index = (int)ifindex };
	return rtnl_transact(nl, nlh);
}

int rtnl_link_set_group(struct rtnl *nl, unsigned ifindex, uint32_t group)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi = rtnl_request(buf, RTM_NEWLINK, false,
					     sizeof(*ifi), &nlh);

	*ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC,
				   .ifi_index = (int)ifindex };
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return rtnl_transact(nl, nlh);
}

int rtnl_link_del_group(struct rtnl *nl, uint32_t group)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi = rtnl_request(buf, RTM_DELLINK, false,
					     sizeof(*ifi), &nlh);

	*ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC };
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return rtnl_transact(nl, nlh);
}

int rtnl_addr6_del(struct rtnl *nl, unsigned ifindex,
		   const struct in6_addr *local, unsigned plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa = rtnl_request(buf, RTM_DELADDR, false,
					     sizeof(*ifa), &nlh);

	*ifa = (struct ifaddrmsg){ .ifa_family = AF_INET6,
				   .ifa_prefixlen = (unsigned char)plen,
				   .ifa_index = ifindex };
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*local), local);
	return rtnl_transact(nl, nlh);
}

int rtnl_addr6_add(struct rtnl *nl, unsigned ifindex,
		   const struct in6_addr *local, const struct in6_addr *peer,
		   unsigned plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa = rtnl_request(buf, RTM_NEWADDR, true,
					     sizeof(*ifa), &nlh);

	/* Tunnels are point-to-point: duplicate detection has no one to ask. */
	*ifa = (struct ifaddrmsg){ .ifa_family = AF_INET6,
				   .ifa_prefixlen = (unsigned char)plen,
				   .ifa_flags = IFA_F_NODAD,
				   .ifa_scope = RT_SCOPE_UNIVERSE,
				   .ifa_index = ifindex };
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*local), local);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*local), peer ? peer : local);
	return rtnl_transact(nl, nlh);
}

enum rtnl_route_op { RTNL_ROUTE_ADD, RTNL_ROUTE_REPLACE, RTNL_ROUTE_DEL };

static int rtnl_route6(struct rtnl *nl, unsigned ifindex,
		       const struct in6_addr *dst, unsigned plen,
		       enum rtnl_route_op op)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm = rtnl_request(buf, op == RTNL_ROUTE_DEL
					 ? RTM_DELROUTE : RTM_NEWROUTE,
					 op == RTNL_ROUTE_ADD, sizeof(*rtm),
					 &nlh);

	/* Replacing moves the route in one step: no moment without it. */
	if (op == RTNL_ROUTE_REPLACE)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;

	*rtm = (struct rtmsg){ .rtm_family = AF_INET6,
			       .rtm_dst_len = (unsigned char)plen,
			       .rtm_table = RT_TABLE_MAIN,
			       .rtm_protocol = RTPROT_STATIC,
			       .rtm_scope = RT_SCOPE_UNIVERSE,
			       .rtm_type = RTN_UNICAST };
	if (plen)
		mnl_attr_put(nlh, RTA_DST, sizeof(*dst), dst);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return rtnl_transact(nl, nlh);
}

int rtnl_route6_add(struct rtnl *nl, unsigned ifindex,
		    const struct in6_addr *dst, unsigned plen)
{
	return rtnl_route6(nl, ifindex, dst, plen, RTNL_ROUTE_ADD);
}

int rtnl_route6_replace(struct rtnl *nl, unsigned ifindex,
			const struct in6_addr *dst, unsigned plen)
{
	return rtnl_route6(nl, ifindex, dst, plen, RTNL_ROUTE_REPLACE);
}

int rtnl_route6_del(struct rtnl *nl, unsigned ifindex,
		    const struct in6_addr *dst, unsigned plen)
{
	return rtnl_route6(nl, ifindex, dst, plen, RTNL_ROUTE_DEL);
}

struct rtnl_dump {
	rtnl_prefix6_fn *fn;
	void *arg;
};

static int rtnl_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtnl_dump *d = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct rtnl_prefix6 p;
	const struct nlattr *a;
	uint32_t table;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    rtm->rtm_family != AF_INET6)
		return MNL_CB_OK;
	memset(&p, 0, sizeof(p));
	p.plen = rtm->rtm_dst_len;
	table = rtm->rtm_table; /* tables above 255 only in RTA_TABLE */
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_DST &&
		    mnl_attr_get_payload_len(a) == sizeof(p.addr))
			memcpy(&p.addr, mnl_attr_get_payload(a), sizeof(p.addr));
		else if (mnl_attr_get_type(a) == RTA_OIF &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			p.ifindex = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == RTA_TABLE &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			table = mnl_attr_get_u32(a);
	}
	/* Every table but the local one (this host's own addresses, which
	 * the address dump gives): policy routing and VRFs count too. */
	if (table != RT_TABLE_LOCAL)
		d->fn(d->arg, &p);
	return MNL_CB_OK;
}

/* Each address attribute on its own: a point-to-point address carries
 * this host's address (IFA_LOCAL) and the peer's (IFA_ADDRESS). */
static int rtnl_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtnl_dump *d = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct rtnl_prefix6 p;
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if ((mnl_attr_get_type(a) == IFA_ADDRESS ||
		     mnl_attr_get_type(a) == IFA_LOCAL) &&
		    mnl_attr_get_payload_len(a) == sizeof(p.addr)) {
			memset(&p, 0, sizeof(p));
			p.plen = ifa->ifa_prefixlen;
			p.ifindex = ifa->ifa_index;
			memcpy(&p.addr, mnl_attr_get_payload(a), sizeof(p.addr));
			d->fn(d->arg, &p);
		}
	}
	return MNL_CB_OK;
}

/* One dump request of `type`, each answer to cb. */
static int rtnl_dump(struct rtnl *nl, uint16_t type, size_t hdr_size,
		     mnl_cb_t cb, struct rtnl_dump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	ssize_t n;
	int ret;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, hdr_size);
	g->rtgen_family = AF_INET6;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, cb, d);
		if (ret == MNL_CB_ERROR)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int rtnl_dump_prefixes6(struct rtnl *nl, rtnl_prefix6_fn *fn, void *arg)
{
	struct rtnl_dump d = { fn, arg };
	int err = rtnl_dump(nl, RTM_GETROUTE, sizeof(struct rtmsg),
			    rtnl_route_cb, &d);

	return err < 0 ? err : rtnl_dump(nl, RTM_GETADDR,
					 sizeof(struct ifaddrmsg),
					 rtnl_addr_cb, &d);
}
