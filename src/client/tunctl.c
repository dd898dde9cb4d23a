/* Client tunnel configuration in the privileged parent. */
#include "client/tunctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
	for (size_t i = 0, used = 0; i < tc->nlan; i++) {
		char a[INET6_ADDRSTRLEN], name[IF_NAMESIZE];

		if (if_indextoname(tc->lan[i].ifindex, name) == NULL)
			continue;
		inet_ntop(AF_INET6, &tc->lan[i].addr, a, sizeof(a));
		used += (size_t)snprintf(info.lan + used, sizeof(info.lan) - used,
					 "%s%s=%s/%u", used ? " " : "", name, a,
					 tc->lan[i].plen);
		if (used >= sizeof(info.lan)) {
			log_warnx("the LAN addresses do not fit the script's "
				  "environment");
			return -1;
		}
	}
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

/* The hardware address of interface `name` (EUI-64 needs it). */
static int tunctl_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd, rc;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return rc;
}

/* radvd's configuration is text it parses: an interface name reaches it
 * only when it cannot end or open a statement. */
static bool tunctl_radvd_name_ok(const char *name)
{
	return name[0] != '\0' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-") == strlen(name);
}

/* Router advertisements on the -P interfaces that want them: radvd, run
 * here from a configuration written to a directory only root reads. */
static int tunctl_radvd(struct tunctl *tc)
{
	const struct client_config *cfg = tc->cfg;
	char conf[128], pid[128], addr[INET6_ADDRSTRLEN];
	char *argv[] = { (char *)CLIENT_RADVD, (char *)"-n", (char *)"-C",
			 conf, (char *)"-p", pid, (char *)"-m",
			 (char *)"stderr", NULL };
	char *envp[] = { NULL };
	FILE *f;
	int fd, n = 0, err;

	snprintf(conf, sizeof(conf), "%s/%s.conf", CLIENT_RADVD_DIR, tc->ifname);
	snprintf(pid, sizeof(pid), "%s/%s.pid", CLIENT_RADVD_DIR, tc->ifname);
	if (mkdir(CLIENT_RADVD_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (size_t i = 0; i < cfg->delegations.n; i++) {
		const struct delegate_spec *s = &cfg->delegations.spec[i];
		struct in6_addr subnet;
		char why[DELEGATE_ERR_LEN];

		if (!delegate_wants_ra(s, cfg->no_ra))
			continue;
		if (!tunctl_radvd_name_ok(s->ifname) ||
		    delegate_subnet(&tc->reply.prefix[0].addr,
				    tc->reply.prefix[0].plen, s, &subnet, why,
				    sizeof(why)) < 0)
		{
			log_warnx("no router advertisements on %s: its name "
				  "cannot go into a radvd configuration; "
				  "rename the interface", s->ifname);
			continue;
		}
		inet_ntop(AF_INET6, &subnet, addr, sizeof(addr));
		/* Short lifetimes, and deprecated when radvd stops, so that
		 * LAN hosts do not keep a prefix the session no longer has
		 * (radvd's defaults keep it for a day). */
		fprintf(f, "interface %s {\n\tAdvSendAdvert on;\n"
			"\tMinRtrAdvInterval 3;\n\tMaxRtrAdvInterval 10;\n"
			"\tprefix %s/%u {\n\t\tAdvOnLink on;\n"
			"\t\tAdvAutonomous on;\n\t\tDeprecatePrefix on;\n"
			"\t\tAdvValidLifetime 3600;\n"
			"\t\tAdvPreferredLifetime 1800;\n\t};\n};\n",
			s->ifname, addr, s->plen);
		n++;
	}
	if (fclose(f) != 0)
		return -EIO;
	if (n == 0)
		return 0;
	err = hook_spawn(argv, envp, &tc->radvd);
	if (err == 0)
		log_info("radvd advertises the delegated prefix on %d "
			 "interface%s", n, n == 1 ? "" : "s");
	return err;
}

/* -P (prefix_delegation for dtcpclient): the address of each LAN
 * interface from the first delegated prefix, into tc->lan, and (dtcpc) on
 * the interface; then advertise. Returns 0, or -1 after logging what to
 * fix. */
static int tunctl_lan(struct tunctl *tc)
{
	const struct client_config *cfg = tc->cfg;
	const struct proto_prefix *pf = &tc->reply.prefix[0];
	char why[DELEGATE_ERR_LEN], a[INET6_ADDRSTRLEN];
	int err;

	for (size_t i = 0; i < cfg->delegations.n; i++) {
		const struct delegate_spec *s = &cfg->delegations.spec[i];
		uint8_t mac[6] = { 0 };
		unsigned idx = if_nametoindex(s->ifname);
		struct in6_addr addr;

		if (idx == 0) {
			log_warnx("-P %s: no such interface", s->ifname);
			return -1;
		}
		if (s->eui64 && (err = tunctl_mac(s->ifname, mac)) < 0) {
			log_warnx("-P %s: no hardware address for EUI-64: %s",
				  s->ifname, strerror(-err));
			return -1;
		}
		if (delegate_address(&pf->addr, pf->plen, s, mac, &addr, why,
				     sizeof(why)) < 0) {
			log_warnx("-P: %s", why);
			return -1;
		}
		/* dtcpclient's script adds it (DTCP_LAN_ADDRESSES). */
		err = cfg->kind == CLIENT_DTCPC
			      ? rtnl_addr6_add(tc->nl, idx, &addr, NULL, s->plen)
			      : 0;
		if (err < 0) {
			log_warnx("-P %s: cannot add %s/%u: %s", s->ifname,
				  inet_ntop(AF_INET6, &addr, a, sizeof(a)),
				  s->plen, strerror(-err));
			return -1;
		}
		tc->lan[tc->nlan].ifindex = idx;
		tc->lan[tc->nlan].addr = addr;
		tc->lan[tc->nlan].plen = s->plen;
		tc->nlan++;
		log_info("-P %s: %s/%u", s->ifname,
			 inet_ntop(AF_INET6, &addr, a, sizeof(a)), s->plen);
	}
	err = cfg->kind == CLIENT_DTCPC ? tunctl_radvd(tc) : 0;
	if (err < 0) {
		log_warnx("cannot start radvd: %s", strerror(-err));
		return -1;
	}
	return 0;
}

/* Undo tunctl_lan. */
static void tunctl_lan_down(struct tunctl *tc)
{
	if (tc->radvd > 0)
		hook_stop(tc->radvd, 5);
	tc->radvd = 0;
	for (size_t i = 0; i < tc->nlan; i++)
		rtnl_addr6_del(tc->nl, tc->lan[i].ifindex, &tc->lan[i].addr,
			       tc->lan[i].plen);
	tc->nlan = 0;
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
		if ((tc->reply.nprefixes > 0 && tunctl_lan(tc) < 0) ||
		    tunctl_script(tc, "up") < 0) {
			tunctl_down(tc);
			close(fd);
			return PRIVSEP_UP_RETRY;
		}
		return fd;
	}
	tc->up = true;
	/* Solicit first: its down and up would drop the addresses. */
	if ((cfg->route_mode == CLIENT_ROUTES_SOLICIT && tunctl_solicit(tc) < 0) ||
	    tunctl_netlink(tc) < 0 ||
	    (tc->reply.nprefixes > 0 && tunctl_lan(tc) < 0)) {
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
	/* The script first, so that its "down" still sees the LAN
	 * addresses it is to remove (DTCP_LAN_ADDRESSES). */
	if (cfg->kind == CLIENT_DTCPCLIENT)
		tunctl_script(tc, "down");
	tunctl_lan_down(tc);
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
