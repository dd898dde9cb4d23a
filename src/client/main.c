/* dtcpc: the DTCP client that configures its tunnel interface, addresses
 * and routes itself. */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authdb/authdb.h"
#include "client/authfile.h"
#include "client/client.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/tty.h"
#include "os/priv.h"

#define DTCPC_AUTHFILE DTCP_SYSCONFDIR "/dtcpc.auth"

static void usage(FILE *f)
{
	fprintf(f,
"usage: dtcpc [-dnU] [-F auth-file] [-b udp-port] [-B nat-port] [-i interface]\n"
"             [-k keepalive] [-m mtu] [-p port] [-r static]\n"
"             [-R destination[,destination...]] [-t tuntype] [-u user] server\n"
"  -F file   server:user:password file (default " DTCPC_AUTHFILE ");\n"
"            without a matching line the password is asked on the terminal\n"
"  -b port   local UDP port (default 4028)\n"
"  -B port   public port a static NAT forwards to -b: announce it\n"
"  -d        log the protocol exchange (without secrets)\n"
"  -i name   tunnel interface (default ng0)\n"
"  -k secs   NAT traversal: send a keepalive after this many seconds\n"
"            without sending (default 25, 0: never)\n"
"  -m mtu    tunnel MTU (default 1280)\n"
"  -n        behind a NAT: skip the address check; without -B the\n"
"            server learns our public UDP endpoint (NAT traversal)\n"
"  -p port   server TCP port (default 20200)\n"
"  -r static install routes into the tunnel: ::/0, or the -R destinations\n"
"  -R dests  comma-separated IPv6 prefixes to route with -r static\n"
"  -t type   tunnelonly (default) or host\n"
"  -u user   user name (default: the login name)\n"
"  -U        IPv6 over UDP/IPv4 (required in this version)\n");
}

static void __attribute__((format(printf, 1, 2), __noreturn__))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dtcpc: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static unsigned opt_uint(const char *s, uint64_t min, uint64_t max,
			 const char *what)
{
	uint64_t v;

	if (parse_uint(s, min, max, &v) < 0)
		die("invalid %s \"%s\": expected a number from %llu to %llu",
		    what, s, (unsigned long long)min, (unsigned long long)max);
	return (unsigned)v;
}

static void parse_routes(const char *arg, struct client_config *cfg)
{
	char buf[1024], *tok, *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		die("-R list too long");
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct client_route *r;

		if (cfg->nroutes == CLIENT_ROUTES_MAX)
			die("too many -R destinations (at most %d)",
			    CLIENT_ROUTES_MAX);
		r = &cfg->routes[cfg->nroutes++];
		if (parse_prefix6(tok, &r->dst, &r->plen) < 0)
			die("invalid -R destination \"%s\": expected an IPv6 "
			    "prefix such as 2001:db8::/32 with no host bits "
			    "set", tok);
	}
	if (cfg->nroutes == 0)
		die("-R needs at least one IPv6 prefix");
}

static void parse_args(int argc, char **argv, struct client_config *cfg)
{
	struct passwd *pw;
	const char *user = NULL;
	int ch;

	memset(cfg, 0, sizeof(*cfg));
	cfg->authfile = DTCPC_AUTHFILE;
	cfg->port = 20200;
	cfg->udp_port = 4028;
	cfg->ifname = "ng0";
	cfg->mtu = 1280;
	cfg->type = PROTO_TYPE_TUNNELONLY;
	cfg->ping_interval = 60;
	cfg->keepalive = 25;

	opterr = 0;
	while ((ch = getopt(argc, argv, ":b:B:dF:hi:k:m:np:r:R:t:u:UaADcflPo")) != -1) {
		switch (ch) {
		case 'F':
			cfg->authfile = optarg;
			break;
		case 'b':
			cfg->udp_port = (uint16_t)opt_uint(optarg, 1, 65535,
							   "udp port (-b)");
			break;
		case 'B':
			cfg->nat_port = (uint16_t)opt_uint(optarg, 1, 65535,
							   "nat port (-B)");
			break;
		case 'k':
			cfg->keepalive = opt_uint(optarg, 0, 3600,
						  "keepalive interval (-k)");
			break;
		case 'd':
			cfg->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'i':
			if (!parse_ifname_ok(optarg))
				die("invalid interface name \"%s\" (-i): 1 to "
				    "15 characters, no '/', ':' or spaces",
				    optarg);
			cfg->ifname = optarg;
			break;
		case 'm':
			cfg->mtu = opt_uint(optarg, 1280, 65495, "mtu (-m)");
			break;
		case 'n':
			cfg->skip_nat_check = true;
			break;
		case 'p':
			cfg->port = (uint16_t)opt_uint(optarg, 1, 65535,
						       "port (-p)");
			break;
		case 'r':
			if (strcmp(optarg, "static") != 0)
				die("-r %s is not supported in this version: "
				    "use -r static", optarg);
			cfg->routes_static = true;
			break;
		case 'R':
			parse_routes(optarg, cfg);
			break;
		case 't':
			cfg->type = proto_type_from(optarg);
			if (cfg->type != PROTO_TYPE_TUNNELONLY &&
			    cfg->type != PROTO_TYPE_HOST)
				die("invalid tunnel type \"%s\" (-t): use "
				    "tunnelonly or host", optarg);
			break;
		case 'u':
			user = optarg;
			break;
		case 'U':
			cfg->udp = true;
			break;
		case 'a': case 'A': case 'c': case 'D': case 'f': case 'l':
		case 'o': case 'P':
			die("option -%c is not implemented in this version; see "
			    "dtcpc -h", ch);
		case ':':
			die("option -%c needs a value; see dtcpc -h", optopt);
		default:
			die("unknown option -%c; see dtcpc -h", optopt);
		}
	}
	if (argc - optind != 1)
		die(argc - optind == 0 ? "no server given; see dtcpc -h"
				       : "too many arguments; see dtcpc -h");
	cfg->server = argv[optind];
	if (!cfg->udp)
		die("protocol-41 tunnels are not implemented in this version; "
		    "use -U for IPv6 over UDP/IPv4");
	if (cfg->nroutes && !cfg->routes_static)
		die("-R needs -r static");
	if (user == NULL) {
		pw = getpwuid(getuid());
		if (pw == NULL)
			die("cannot tell the login name; give the user with -u");
		user = pw->pw_name;
	}
	if (!authdb_user_ok(user))
		die("invalid user name \"%s\": letters, digits and . _ @ + - "
		    "only, at most %d characters", user, PROTO_USER_MAX);
	strcpy(cfg->user, user);
}

static void get_password(const struct client_config *cfg, char *pw, size_t size)
{
	char err[512], prompt[160];
	int rc;

	rc = authfile_lookup(cfg->authfile, cfg->server, cfg->user, pw, size,
			     err, sizeof(err));
	if (rc < 0)
		die("%s", err);
	if (rc == 1)
		return;
	snprintf(prompt, sizeof(prompt), "password for %s at %s: ", cfg->user,
		 cfg->server);
	rc = tty_read_secret(prompt, pw, size);
	if (rc == -ENXIO)
		die("no password for %s at %s in %s and no terminal to ask "
		    "on; add a line \"%s:%s:PASSWORD\" to that file (mode "
		    "600)", cfg->user, cfg->server, cfg->authfile, cfg->server,
		    cfg->user);
	if (rc < 0)
		die("cannot read the password: %s", strerror(-rc));
}

int main(int argc, char **argv)
{
	struct client_config cfg;
	char password[CLIENT_PASSWORD_MAX];
	char err[256];
	int status;

	parse_args(argc, argv, &cfg);
	log_init("dtcpc", 1, cfg.verbose);
	get_password(&cfg, password, sizeof(password));
	if (priv_init(NULL, err, sizeof(err)) < 0) {
		explicit_bzero(password, sizeof(password));
		die("%s", err);
	}
	status = client_run(&cfg, password);
	explicit_bzero(password, sizeof(password));
	priv_shutdown();
	return status;
}
