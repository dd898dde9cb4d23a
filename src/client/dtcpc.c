/* dtcpc: the DTCP client that configures its tunnel interface, addresses
 * and routes itself by netlink. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/cli.h"
#include "client/main.h"
#include "client/config.h"
#include "common/parse.h"

#define DTCPC_AUTHFILE DTCP_SYSCONFDIR "/dtcpc.auth"
#define DTCPC_RUNDIR "/var/run"

static void usage(FILE *f)
{
	fprintf(f,
"usage: dtcpc [-dDlnU] [-E user] [-F auth-file] [-b udp-port] [-B nat-port]\n"
"             [-i interface] [-k keepalive] [-m mtu] [-p port] [-r static]\n"
"             [-R destination[,destination...]] [-t tuntype] [-u user] server\n"
"  -b port   local UDP port (default 4028)\n"
"  -B port   public port a static NAT forwards to -b: announce it\n"
"  -d        log the protocol exchange (without secrets)\n"
"  -E user   unprivileged user of the network-facing engine\n"
"            (default " CLIENT_ENGINE_USER ")\n"
"  -D        become a daemon (pidfile " DTCPC_RUNDIR "/dtcpc-<interface>.pid)\n"
"  -F file   server:user:password file (default " DTCPC_AUTHFILE ");\n"
"            without a matching line the password is asked on the terminal\n"
"  -i name   tunnel interface (default ng0)\n"
CLI_HELP_K_TO_P
"  -r static install routes into the tunnel: ::/0, or the -R destinations\n"
"  -R dests  comma-separated IPv6 prefixes to route with -r static\n"
"  -t type   tunnelonly (default) or host\n"
"  -u user   user name (default: the login name)\n"
"  -U        IPv6 over UDP/IPv4 (required in this version)\n");
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
	static char pidfile[64];
	struct client_config cfg;
	const char *user = NULL;
	int ch;

	cli_init(&cfg, CLIENT_DTCPC, "dtcpc", DTCPC_AUTHFILE);
	while ((ch = cli_next_option(argc, argv, "hi:r:R:aAcfoP", &cfg, &user)) != -1) {
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
		case 'r':
			if (strcmp(optarg, "static") != 0)
				cli_die("-r %.16s is not supported in this "
					"version: use -r static", optarg);
			cfg.routes_static = true;
			break;
		case 'R':
			parse_routes(optarg, &cfg);
			break;
		case 'a': case 'A': case 'c': case 'f': case 'o': case 'P':
			cli_die("option -%c is not implemented in this version; "
				"see dtcpc -h", ch);
		default:
			cli_bad_option(ch);
		}
	}
	cli_server_arg(&cfg, argc, argv);
	if (cfg.nroutes && !cfg.routes_static)
		cli_die("-R needs -r static");
	cli_finish(&cfg, user);
	if (cfg.daemonize) {
		snprintf(pidfile, sizeof(pidfile), DTCPC_RUNDIR "/dtcpc-%s.pid",
			 cfg.ifname);
		cfg.pidfile = pidfile;
	}
	return client_main(&cfg);
}
