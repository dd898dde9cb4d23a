/* Client tunnel configuration in the privileged parent. */
#include "client/tunctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "client/scriptenv.h"
#include "common/log.h"
#include "os/hook.h"
#include "os/ifconf.h"

/* Run the dtcpclient script for `event` with the documented environment.
 * Returns 0 when it succeeded. */
static int tunctl_script(struct tunctl *tc, const char *event)
{
	const struct client_config *cfg = tc->cfg;
	struct script_info info = {
		.event = event, .type = cfg->type, .reply = tc->reply,
		.mtu = cfg->mtu, .local_udp_port = cfg->udp ? cfg->udp_port : 0,
		.udp_mode = config_udp_mode(cfg), .conf_path = cfg->script_conf,
	};
	char *argv[] = { (char *)cfg->script, (char *)event, tc->ifname, NULL };
	struct scriptenv env;
	int rc;

	memcpy(info.ifname, tc->ifname, IFNAMSIZ);
	if (scriptenv_build(&env, &info) < 0) {
		log_warnx("the script environment does not fit");
		return -1;
	}
	log_debug("running %s %s %s", cfg->script, event, tc->ifname);
	rc = hook_run(argv, env.envp, cfg->script_timeout);
	if (rc == 0)
		return 0;
	if (rc == -ETIMEDOUT)
		log_warnx("script %s %s did not finish within %u s; killed it",
			  cfg->script, event, cfg->script_timeout);
	else if (rc < 0)
		log_warnx("cannot run script %s: %s", cfg->script,
			  strerror(-rc));
	else
		log_warnx("script %s %s failed with status %d", cfg->script,
			  event, rc);
	return -1;
}

/* dtcpc's own configuration: the host address pair and the routes. */
static int tunctl_netlink(struct tunctl *tc)
{
	static const struct client_route def = { IN6ADDR_ANY_INIT, 0 };
	const struct client_config *cfg = tc->cfg;
	const struct proto_tunnel_reply *rep = &tc->reply;
	char a[INET6_ADDRSTRLEN];
	int err;

	if (rep->has_v6) {
		err = rtnl_addr6_add(tc->nl, tc->ifindex, &rep->client6,
				     &rep->server6, 128);
		if (err < 0) {
			log_warnx("cannot add address %s to %s: %s",
				  inet_ntop(AF_INET6, &rep->client6, a, sizeof(a)),
				  tc->ifname, strerror(-err));
			return -1;
		}
	}
	if (cfg->route_mode != CLIENT_ROUTES_STATIC)
		return 0;
	for (unsigned i = 0; i < (cfg->nroutes ? cfg->nroutes : 1); i++) {
		const struct client_route *r = cfg->nroutes ? &cfg->routes[i]
							    : &def;

		err = rtnl_route6_add(tc->nl, tc->ifindex, &r->dst, r->plen);
		if (err < 0) {
			log_warnx("cannot route %s/%u into %s: %s%s",
				  inet_ntop(AF_INET6, &r->dst, a, sizeof(a)),
				  r->plen, tc->ifname, strerror(-err),
				  err == -EEXIST ? " (a route to it exists "
						   "already; remove it or use -R)"
						 : "");
			return -1;
		}
	}
	return 0;
}

/* -r solicit: let the kernel take a router advertisement on the tunnel
 * (even with forwarding on) and send router solicitations, which needs a
 * link-local address: TUN devices get none from EUI-64, so a random one.
 * Both take effect when the link comes up, so it goes down and up. */
static int tunctl_solicit(struct tunctl *tc)
{
	int err = rtnl_link_down(tc->nl, tc->ifindex);

	if (err == 0)
		err = ifconf_ipv6_sysctl(tc->ifname, "accept_ra", "2");
	if (err == 0)
		err = ifconf_ipv6_sysctl(tc->ifname, "addr_gen_mode", "3");
	if (err == 0)
		err = rtnl_link_up(tc->nl, tc->ifindex, tc->cfg->mtu);
	if (err < 0)
		log_warnx("cannot set %s up for router advertisements: %s",
			  tc->ifname, strerror(-err));
	return err;
}

int tunctl_up(struct tunctl *tc, const struct proto_tunnel_reply *reply)
{
	const struct client_config *cfg = tc->cfg;
	int fd;

	tc->reply = *reply;
	fd = ifconf_tun_open(tc->nl, cfg->ifname, cfg->tun_flags, cfg->mtu,
			     tc->ifname, &tc->ifindex);
	if (fd == -ENODEV) {
		log_warnx("interface %s does not exist, and -c says never to "
			  "create one; make it (ip tuntap add mode tun name %s) "
			  "or drop -c", cfg->ifname, cfg->ifname);
		return PRIVSEP_UP_FATAL;
	}
	if (fd == -EBUSY) {
		log_warnx("interface %s already exists; remove it or choose "
			  "another name with %s", cfg->ifname,
			  cfg->kind == CLIENT_DTCPC ? "-i" : "tunif");
		return PRIVSEP_UP_FATAL;
	}
	if (fd < 0) {
		log_warnx("cannot create interface %s: %s", cfg->ifname,
			  strerror(-fd));
		return PRIVSEP_UP_FATAL;
	}
	if (cfg->kind == CLIENT_DTCPCLIENT) {
		/* Whatever the script did, "down" must get to undo it. */
		tc->up = true;
		if (tunctl_script(tc, "up") < 0) {
			tunctl_down(tc);
			close(fd);
			return PRIVSEP_UP_RETRY;
		}
		return fd;
	}
	tc->up = true;
	/* Solicit first: its down and up would drop the addresses. */
	if ((cfg->route_mode == CLIENT_ROUTES_SOLICIT && tunctl_solicit(tc) < 0) ||
	    tunctl_netlink(tc) < 0) {
		tunctl_down(tc);
		close(fd);
		return PRIVSEP_UP_FATAL;
	}
	return fd;
}

void tunctl_down(struct tunctl *tc)
{
	const struct client_config *cfg = tc->cfg;
	int err;

	if (!tc->up)
		return;
	tc->up = false;
	if (cfg->kind == CLIENT_DTCPCLIENT)
		tunctl_script(tc, "down");
	/* A device that outlives our descriptor (-c, -o) is left down and
	 * without our address, as it was before. */
	if (cfg->tun_flags == 0)
		return;
	err = ifconf_tun_release(tc->nl, tc->ifindex,
				 cfg->kind == CLIENT_DTCPC && tc->reply.has_v6
					 ? &tc->reply.client6 : NULL);
	if (err < 0)
		log_warnx("cannot release interface %s: %s", tc->ifname,
			  strerror(-err));
}
