/* Shared option parsing of dtcpc and dtcpclient. */
#include "client/cli.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/parse.h"

static const char *cli_prog = "dtcpc";

void cli_init(struct client_config *cfg, enum client_kind kind,
	      const char *progname, const char *authfile)
{
	cli_prog = progname;
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = kind;
	cfg->progname = progname;
	cfg->authfile = authfile;
	cfg->port = 20200;
	cfg->udp_port = 4028;
	cfg->mtu = 1280;
	cfg->type = PROTO_TYPE_TUNNELONLY;
	cfg->ping_interval = 60;
	cfg->keepalive = 25;
	cfg->engine_user = CLIENT_ENGINE_USER;
}

void cli_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

unsigned cli_uint(const char *s, uint64_t min, uint64_t max, const char *what)
{
	uint64_t v;

	if (parse_uint(s, min, max, &v) < 0)
		cli_die("invalid %s \"%s\": expected a number from %llu to %llu",
			what, s, (unsigned long long)min,
			(unsigned long long)max);
	return (unsigned)v;
}

/* Apply an option both clients share (CLI_COMMON_OPTS). Returns false
 * when `ch` is not one of them. */
static bool cli_common_option(int ch, const char *arg,
			      struct client_config *cfg, const char **user)
{
	switch (ch) {
	case 'b':
		cfg->udp_port = (uint16_t)cli_uint(arg, 1, 65535, "udp port (-b)");
		return true;
	case 'B':
		cfg->nat_port = (uint16_t)cli_uint(arg, 1, 65535, "nat port (-B)");
		return true;
	case 'd':
		cfg->verbose++;
		return true;
	case 'D':
		cfg->daemonize = true;
		return true;
	case 'F':
		cfg->authfile = arg;
		return true;
	case 'k':
		cfg->keepalive = cli_uint(arg, 0, 3600, "keepalive interval (-k)");
		return true;
	case 'l':
		cfg->reconnect = true;
		return true;
	case 'm':
		cfg->mtu = cli_uint(arg, 1280, 65495, "mtu (-m)");
		return true;
	case 'n':
		cfg->skip_nat_check = true;
		return true;
	case 'p':
		cfg->port = (uint16_t)cli_uint(arg, 1, 65535, "port (-p)");
		return true;
	case 't':
		cfg->type = proto_type_from(arg);
		if (!proto_type_supported(cfg->type))
			cli_die("invalid tunnel type \"%.32s\" (-t): use "
				"tunnelonly, host or network", arg);
		return true;
	case 'u':
		*user = arg;
		return true;
	case 'U':
		cfg->udp = true;
		return true;
	case 'E':
		cfg->engine_user = arg;
		return true;
	default:
		return false;
	}
}

int cli_next_option(int argc, char **argv, const char *own,
		    struct client_config *cfg, const char **user)
{
	char opts[64];
	int ch;

	snprintf(opts, sizeof(opts), ":" CLI_COMMON_OPTS "%s", own);
	opterr = 0;
	while ((ch = getopt(argc, argv, opts)) != -1)
		if (!cli_common_option(ch, optarg, cfg, user))
			return ch;
	return -1;
}

void cli_bad_option(int ch)
{
	if (ch == ':')
		cli_die("option -%c needs a value; see %s -h", optopt, cli_prog);
	cli_die("unknown option -%c; see %s -h", optopt, cli_prog);
}

void cli_server_arg(struct client_config *cfg, int argc, char **argv)
{
	struct in_addr a;
	const char *s;

	if (argc - optind != 1)
		cli_die("%s; see %s -h", argc - optind == 0 ? "no server given"
			: "too many arguments", cli_prog);
	s = argv[optind];
	/* Digits and dots only are meant as an address (999.1.1.1 and 1.2.3
	 * too, though a resolver would take the latter): it must be one. */
	if (s[strspn(s, "0123456789.")] == '\0' && parse_ipv4(s, &a) < 0)
		cli_die("invalid server \"%.64s\": not an IPv4 address (four "
			"numbers from 0 to 255, such as 192.0.2.1)", s);
	if (strchr(s, ':') != NULL)
		cli_die("invalid server \"%.64s\": DTCP runs over IPv4; give "
			"the server's IPv4 address or host name", s);
	if (parse_ipv4(s, &a) < 0 && !parse_hostname_ok(s))
		cli_die("invalid server \"%.64s\": expected an IPv4 address or "
			"a host name (letters, digits, '-' and dots)", s);
	cfg->server = s;
}

void cli_finish(struct client_config *cfg, const char *user)
{
	struct passwd *pw;

	cli_prog = cfg->progname;
	/* The original's names: gif for protocol 41, ng (netgraph) for
	 * UDP. */
	if (cfg->ifname[0] == '\0')
		strcpy(cfg->ifname, cfg->udp ? "ng0" : "gif0");
	if (cfg->nat_port && !cfg->udp)
		cli_die("-B needs -U");
	if (user == NULL) {
		pw = getpwuid(getuid());
		if (pw == NULL)
			cli_die("cannot tell the login name; give the user "
				"with -u");
		user = pw->pw_name;
	}
	if (!proto_user_ok(user))
		cli_die("invalid user name \"%.64s\": letters, digits and "
			". _ @ + - only, at most %d characters", user,
			PROTO_USER_MAX);
	strcpy(cfg->user, user);
}

const char *cli_absolute_dir(const char *path, char *buf, const char *what)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (path[0] == '/')
		return path;
	if (slash == NULL) {
		if (getcwd(dir, sizeof(dir)) == NULL)
			cli_die("%s %s: %s", what, path, strerror(errno));
		slash = path - 1;
	} else {
		n = (size_t)(slash - path);
		if (n >= sizeof(dir))
			cli_die("%s %s: path too long", what, path);
		char rel[PATH_MAX];

		memcpy(rel, path, n);
		rel[n] = '\0';
		if (realpath(rel, dir) == NULL)
			cli_die("%s %s: %s", what, path, strerror(errno));
	}
	if ((size_t)snprintf(buf, PATH_MAX, "%s/%s", dir, slash + 1) >= PATH_MAX)
		cli_die("%s %s: path too long", what, path);
	return buf;
}
