/* dtcpc: the DTCP client that configures its tunnel interface, addresses
 * and routes itself by netlink. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/cli.h"
#include "client/main.h"
#include "client/config.h"
#include "common/parse.h"
#include "os/tun.h"

#define DTCPC_AUTHFILE DTCP_SYSCONFDIR "/dtcpc.auth"
#define DTCPC_RUNDIR "/var/run"

static void usage(FILE *f)
{
	fprintf(f,
"usage: dtcpc [-acdDlnoU] [-A address] [-E user] [-f pidfile] [-F auth-file]\n"
"             [-b udp-port] [-B nat-port] [-i interface] [-k keepalive]\n"
"             [-m mtu] [-p port] [-P ifname/sla[/host[/plen]][,...]]\n"
"             [-r static|solicit|none]\n"
"             [-R destination[,destination...]] [-t tuntype] [-u user] server\n"
"  -a        no router advertisements on the -P interfaces\n"
"  -A addr   our IPv4 address: the control connection and the tunnel\n"
"            leave from it\n"
"  -b port   local UDP port (default 4028)\n"
"  -B port   public port a static NAT forwards to -b: announce it\n"
"  -c        never create the interface: use an existing (persistent) one\n"
"  -d        log the protocol exchange (without secrets)\n"
"  -E user   unprivileged user of the network-facing engine\n"
"            (default " CLIENT_ENGINE_USER ")\n"
"  -D        become a daemon (pidfile " DTCPC_RUNDIR "/dtcpc-<interface>.pid)\n"
"  -f file   pidfile (also without -D)\n"
"  -F file   server:user:password file (default " DTCPC_AUTHFILE ");\n"
"            without a matching line the password is asked on the terminal\n"
"  -i name   tunnel interface (default gif0, with -U ng0)\n"
CLI_HELP_K_TO_P
"  -o        create a persistent interface and leave it (down) at exit\n"
"  -P specs  network: number each interface from the delegated prefix:\n"
"            SLA-id (hex) after the prefix up to plen (default 64),\n"
"            host-id (hex; empty: EUI-64); radvd advertises it\n"
"  -r how    static (default): route ::/0, or the -R destinations, into\n"
"            the tunnel; solicit: take routes from router advertisements\n"
"            on the tunnel; none: no routes\n"
"  -R dests  comma-separated IPv6 prefixes to route (-r static)\n"
"  -t type   tunnelonly (default), host or network\n"
"  -u user   user name (default: the login name)\n"
"  -U        IPv6 over UDP/IPv4 (default: protocol 41, as the original)\n");
}

static void parse_routes(const char *arg, struct client_config *cfg)
{
	char buf[1024], *tok, *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		cli_die("-R list too long");
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct client_route *r;

		if (cfg->nroutes == CLIENT_ROUTES_MAX)
			cli_die("too many -R destinations (at most %d)",
				CLIENT_ROUTES_MAX);
		r = &cfg->routes[cfg->nroutes++];
		if (parse_prefix6(tok, &r->dst, &r->plen) < 0)
			cli_die("invalid -R destination \"%.64s\": expected an "
				"IPv6 prefix such as 2001:db8::/32 with no host "
				"bits set", tok);
	}
	if (cfg->nroutes == 0)
		cli_die("-R needs at least one IPv6 prefix");
}

int main(int argc, char **argv)
{
	char err[DELEGATE_ERR_LEN];
	static char pidfile[PATH_MAX];
	struct client_config cfg;
	const char *user = NULL;
	int ch;

	cli_init(&cfg, CLIENT_DTCPC, "dtcpc", DTCPC_AUTHFILE);
	while ((ch = cli_next_option(argc, argv, "A:f:hi:P:r:R:aco", &cfg, &user)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			exit(0);
		case 'i':
			if (!parse_ifname_ok(optarg))
				cli_die("invalid interface name \"%.32s\" (-i): "
					"1 to 15 characters, no '/', ':' or "
					"spaces", optarg);
			strcpy(cfg.ifname, optarg);
			break;
		case 'A':
			if (parse_ipv4(optarg, &cfg.source) < 0)
				cli_die("invalid address \"%.32s\" (-A): expected "
					"an IPv4 address of this host", optarg);
			break;
		case 'f':
			cfg.pidfile = cli_absolute_dir(optarg, pidfile,
						       "pidfile (-f)");
			break;
		case 'r':
			if (strcmp(optarg, "static") == 0)
				cfg.route_mode = CLIENT_ROUTES_STATIC;
			else if (strcmp(optarg, "solicit") == 0)
				cfg.route_mode = CLIENT_ROUTES_SOLICIT;
			else if (strcmp(optarg, "none") == 0)
				cfg.route_mode = CLIENT_ROUTES_NONE;
			else
				cli_die("invalid -r \"%.16s\": use static, "
					"solicit or none", optarg);
			break;
		case 'R':
			parse_routes(optarg, &cfg);
			break;
		case 'a':
			cfg.no_ra = true;
			break;
		case 'P':
			if (delegate_parse(optarg, &cfg.delegations, err,
					   sizeof(err)) < 0)
				cli_die("invalid -P: %s", err);
			break;
		case 'c':
		case 'o':
			if (cfg.tun_flags != 0)
				cli_die("-c (never create the interface) and -o "
					"(create a persistent one) exclude each "
					"other");
			cfg.tun_flags = ch == 'c' ? TUN_ATTACH
						  : TUN_REUSE | TUN_PERSIST;
			break;
		default:
			cli_bad_option(ch);
		}
	}
	cli_server_arg(&cfg, argc, argv);
	if (cfg.nroutes && cfg.route_mode != CLIENT_ROUTES_STATIC)
		cli_die("-R needs -r static");
	if (cfg.delegations.n && cfg.type != PROTO_TYPE_NETWORK)
		cli_die("-P numbers interfaces from a delegated prefix: it "
			"needs -t network");
	if (cfg.no_ra && cfg.delegations.n == 0)
		cli_die("-a (no router advertisements) needs -P");
	for (size_t i = 0; i < cfg.delegations.n; i++)
		if (delegate_wants_ra(&cfg.delegations.spec[i], cfg.no_ra) &&
		    access(CLIENT_RADVD, X_OK) < 0)
			cli_die("-P %s: router advertisements need radvd (%s); "
				"install the radvd package, or give -a",
				cfg.delegations.spec[i].ifname, CLIENT_RADVD);
	cli_finish(&cfg, user);
	if (cfg.daemonize && cfg.pidfile == NULL) {
		snprintf(pidfile, sizeof(pidfile), DTCPC_RUNDIR "/dtcpc-%s.pid",
			 cfg.ifname);
		cfg.pidfile = pidfile;
	}
	return client_main(&cfg);
}
