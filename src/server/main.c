/* dtcps: the DTCP tunnel broker daemon, and its privileged parent. Parses
 * options, checks the configuration before detaching, forks the engine
 * (server/engine.c) and serves its requests (server/privsep_parent.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/parse.h"
#include "os/privchan.h"
#include "os/ifconf.h"
#include "os/pidfile.h"
#include "os/rtnl.h"
#include "os/sandbox.h"
#include "os/tun.h"
#include "os/tunsock.h"
#include "server/acct.h"
#include "server/auth.h"
#include "server/ctl.h"
#include "server/ctl_sockets.h"
#include "server/engine.h"
#include "server/privsep_parent.h"
#include "server/routes.h"
#include "server/server.h"
#include "server/workers.h"

#define DTCPS_AUTHFILE DTCP_SYSCONFDIR "/dtcps.auth"
#define DTCPS_ROUTETABLE DTCP_SYSCONFDIR "/dtcps.routetable"

static void usage(FILE *f)
{
	fprintf(f,
"usage: dtcps [-acdDloUX] [-A auth-file] [-b udp-port] [-C control-socket]\n"
"             [-f pidfile] [-g tunnel-address] [-G control-group]\n"
"             [-H metrics-address[:port]] [-J accounting-file]\n"
"             [-i interface] [-I udp-interface]\n"
"             [-L listen-address] [-m mtu] [-M max-sessions]\n"
"             [-n max-per-user] [-N max-per-address] [-p port]\n"
"             [-r route-table] [-s shared-interface] [-w max-waiting]\n"
"             [-R burst,refill-seconds]\n"
"             [-S any|link] [-t relay-threads]\n"
"             [-T login-timeout,session-timeout] [-u user] [prefix]\n"
"  -a        give network tunnels a link address pair from prefix too\n"
"            (as host tunnels have)\n"
"  -A file   password file (default " DTCPS_AUTHFILE ")\n"
"  -b port   lowest UDP port for tunnels (default 4028)\n"
"  -c        never create interfaces: use existing (persistent) ones\n"
"  -C path   dtcpctl's socket (default " SERVER_CTL_PATH "; none: no socket)\n"
"  -d        log the protocol exchange (without secrets)\n"
"  -D        stay in the foreground, log to stderr\n"
"  -f file   pidfile (default " SERVER_PIDFILE ")\n"
"  -g addr   IPv4 address of this host to use as our end of every\n"
"            tunnel (default: the address the client connected to)\n"
"  -G group  members of group may use dtcpctl too (the socket is 0660)\n"
"  -H a[:p]  serve /metrics over HTTP on a:p (port 9474 by default); a\n"
"            loopback address unless -X\n"
"  -i name   first protocol-41 tunnel interface (default gif0), or a\n"
"            regular expression: use the existing interfaces whose names\n"
"            match it and that are down\n"
"  -I name   first UDP tunnel interface (default ng0)\n"
"  -J file   also append accounting records to file (JSON lines)\n"
"  -l        take the lowest free UDP port (the original's choice), not\n"
"            a random one of the -b range\n"
"  -L addr   IPv4 address to listen on (default 0.0.0.0)\n"
"  -m mtu    tunnel MTU (default 1280)\n"
"  -M n      most control connections, and so tunnels, at once\n"
"            (default 1024)\n"
"  -n n      most tunnels of one user at once (default 4)\n"
"  -N n      most connections from one IPv4 address at once (default 16)\n"
"  -o        create persistent interfaces and leave them (down) at exit\n"
"  -p port   TCP port (default 20200)\n"
"  -r file   route table of network tunnels (default\n"
"            " DTCPS_ROUTETABLE ";\n"
"            without it no user gets a network tunnel)\n"
"  -R b,s    failed logins one address may make in a row, and seconds\n"
"            to earn one more back (default 10,30); a connection is\n"
"            closed after 3 failures\n"
"  -s name   every tunnel behind one interface (such as dtcp0), routed\n"
"            by destination inside dtcps; with -U, clients that announce\n"
"            their port or use roam1 share UDP port -b (legacy\n"
"            NAT-traversal clients get the next ones); no tunnelonly\n"
"  -S src    inner IPv6 sources a tunnelonly tunnel may send from: any\n"
"            (default) or link (fe80::/10 only); host and network\n"
"            tunnels always allow only the client's address, its\n"
"            prefixes and link-local\n"
"  -t n      relay threads (default: one per processor; 0: relay in\n"
"            the main loop); tunnels with an interface and a UDP port\n"
"            of their own are spread over them\n"
"  -T l,s    seconds of silence allowed before login and after it\n"
"            (default 60,300)\n"
"  -u user   unprivileged user of the network-facing engine\n"
"            (default " SERVER_USER_DEFAULT ")\n"
"  -w n      most connections waiting to log in (default 64, at most\n"
"            half of -M); when full, the one that waited longest goes\n"
"  -X        allow -H on an address that is not loopback\n"
"  -U        accept IPv6-over-UDP tunnels too (protocol-41 tunnels are\n"
"            always served)\n"
"  prefix    IPv6 prefix for host tunnels (and network ones with -a),\n"
"            e.g. 2001:db8:1::/64\n");
}

static void __attribute__((format(printf, 1, 2), __noreturn__))
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dtcps: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see dtcps -h\n");
	exit(1);
}

static unsigned opt_uint(const char *s, uint64_t min, uint64_t max,
			 const char *what)
{
	uint64_t v;

	if (parse_uint(s, min, max, &v) < 0) {
		fprintf(stderr, "dtcps: invalid %s \"%s\": expected a number "
			"from %llu to %llu\n", what, s,
			(unsigned long long)min, (unsigned long long)max);
		exit(1);
	}
	return (unsigned)v;
}

/* "a,b" into two numbers within their ranges. */
static void parse_pair(const char *s, char opt, const char *what_a,
		       const char *what_b, uint64_t max_a, uint64_t max_b,
		       unsigned *a, unsigned *b)
{
	char buf[32], *comma;

	if (strlen(s) >= sizeof(buf) || (comma = strchr(s, ',')) == NULL)
		die_usage("invalid -%c \"%.32s\": expected %s,%s", opt, s,
			  what_a, what_b);
	strcpy(buf, s);
	buf[comma - s] = '\0';
	*a = opt_uint(buf, 1, max_a, what_a);
	*b = opt_uint(buf + (comma - s) + 1, 1, max_b, what_b);
}

/* -I (UDP tunnels): an interface stem and first unit. -i (protocol 41):
 * the same, or a regular expression naming existing interfaces to use. */
static void parse_pool(const char *arg, int opt, struct server_config *cfg)
{
	enum privsep_kind k = opt == 'I' ? PRIVSEP_KIND_UDP : PRIVSEP_KIND_P41;
	char re[128], why[128];
	int err;

	if (parse_ifname_unit(arg, cfg->if_stem[k], sizeof(cfg->if_stem[k]),
			      &cfg->if_base[k]) == 0)
		return;
	if (k == PRIVSEP_KIND_UDP)
		die_usage("invalid interface \"%s\" (-I): expected letters and "
			  "a unit number such as ng0", arg);
	/* The whole name must match, as the original's pool did. */
	if ((size_t)snprintf(re, sizeof(re), "^(%s)$", arg) >= sizeof(re))
		die_usage("-i \"%.32s...\": too long", arg);
	err = regcomp(&cfg->p41_regex, re, REG_EXTENDED | REG_NOSUB);
	if (err != 0) {
		regerror(err, &cfg->p41_regex, why, sizeof(why));
		die_usage("invalid -i \"%s\": neither an interface name with a "
			  "unit such as gif0 nor a regular expression (%s)",
			  arg, why);
	}
	if (cfg->p41_pick)
		die_usage("-i given twice");
	cfg->p41_pick = true;
	snprintf(cfg->if_stem[k], sizeof(cfg->if_stem[k]), "%s", "gif");
}

/* -H address[:port] */
static void parse_metrics(const char *arg, struct server_config *cfg)
{
	char addr[INET_ADDRSTRLEN];
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);

	if (len >= sizeof(addr))
		die_usage("invalid -H \"%.32s\": expected an IPv4 address and "
			  "an optional :port", arg);
	memcpy(addr, arg, len);
	addr[len] = '\0';
	if (parse_ipv4(addr, &cfg->metrics_addr) < 0)
		die_usage("invalid -H \"%.32s\": expected an IPv4 address and "
			  "an optional :port, such as 127.0.0.1:9474", arg);
	cfg->metrics_port = colon ? (uint16_t)opt_uint(colon + 1, 1, 65535,
						       "metrics port (-H)")
				  : SERVER_METRICS_PORT;
	cfg->has_metrics = true;
}

static void parse_args(int argc, char **argv, struct server_config *cfg)
{
	bool opt_c = false, opt_o = false, metrics_any = false;
	bool threads_given = false;
	long ncpu;
	unsigned max_pending = 0;
	const char *group = NULL;
	char err[256];
	int ch;

	memset(cfg, 0, sizeof(*cfg));
	cfg->authfile = DTCPS_AUTHFILE;
	cfg->routetable = DTCPS_ROUTETABLE;
	cfg->port = 20200;
	cfg->udp_base = 4028;
	strcpy(cfg->if_stem[PRIVSEP_KIND_UDP], "ng");
	strcpy(cfg->if_stem[PRIVSEP_KIND_P41], "gif");
	cfg->mtu = 1280;
	cfg->login_timeout = 60;
	cfg->session_timeout = 300;
	cfg->max_tunnels = SERVER_MAX_SESSIONS_DEFAULT;
	cfg->max_per_addr = SERVER_MAX_PER_ADDR_DEFAULT;
	cfg->max_per_user = SERVER_MAX_PER_USER_DEFAULT;
	cfg->throttle_burst = SERVER_THROTTLE_BURST;
	cfg->throttle_refill = SERVER_THROTTLE_REFILL;
	cfg->user = SERVER_USER_DEFAULT;
	cfg->ctl_path = SERVER_CTL_PATH;
	cfg->pidfile = SERVER_PIDFILE;

	opterr = 0;
	while ((ch = getopt(argc, argv,
			    ":A:b:C:f:dDg:G:hH:i:I:J:L:m:M:n:N:p:r:R:s:S:t:T:"
			    "u:w:UacloX")) != -1) {
		switch (ch) {
		case 'A':
			cfg->authfile = optarg;
			break;
		case 'b':
			cfg->udp_base = (uint16_t)opt_uint(optarg, 1, 65535,
							   "udp port (-b)");
			break;
		case 'd':
			cfg->verbose++;
			break;
		case 'D':
			cfg->foreground = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'a':
			cfg->network_pair = true;
			break;
		case 'g':
			if (parse_ipv4(optarg, &cfg->tunnel_addr) < 0)
				die_usage("invalid tunnel address \"%s\" (-g): "
					  "expected an IPv4 address of this host",
					  optarg);
			cfg->has_tunnel_addr = true;
			break;
		case 'i':
		case 'I':
			parse_pool(optarg, ch, cfg);
			break;
		case 'L':
			if (parse_ipv4(optarg, &cfg->listen_addr) < 0)
				die_usage("invalid listen address \"%s\" (-L): "
					  "expected an IPv4 address", optarg);
			break;
		case 'm':
			cfg->mtu = opt_uint(optarg, 1280, 65495, "mtu (-m)");
			break;
		case 'p':
			cfg->port = (uint16_t)opt_uint(optarg, 1, 65535,
						       "port (-p)");
			break;
		case 'M':
			cfg->max_tunnels = opt_uint(optarg, 1, 65535,
						    "max sessions (-M)");
			break;
		case 'n':
			cfg->max_per_user = opt_uint(optarg, 1, 65535,
						     "max tunnels per user (-n)");
			break;
		case 'N':
			cfg->max_per_addr = opt_uint(optarg, 1, 65535,
						     "max sessions per address (-N)");
			break;
		case 'w':
			max_pending = opt_uint(optarg, 1, 65535,
					       "max connections waiting to log "
					       "in (-w)");
			break;
		case 'l':
			cfg->ports_lowest = true;
			break;
		case 'C':
			cfg->ctl_path = strcmp(optarg, "none") == 0 ? ""
								   : optarg;
			break;
		case 'f':
			cfg->pidfile = optarg;
			break;
		case 'G':
			group = optarg;
			break;
		case 'H':
			parse_metrics(optarg, cfg);
			break;
		case 'J':
			cfg->journal = optarg;
			break;
		case 'X':
			metrics_any = true;
			break;
		case 'r':
			cfg->routetable = optarg;
			break;
		case 'R':
			parse_pair(optarg, 'R', "burst", "refill seconds", 1000,
				   86400, &cfg->throttle_burst,
				   &cfg->throttle_refill);
			break;
		case 's':
			if (!parse_ifname_ok(optarg))
				die_usage("invalid interface name \"%.32s\" "
					  "(-s): expected a name such as dtcp0",
					  optarg);
			snprintf(cfg->shared_if, sizeof(cfg->shared_if), "%s",
				 optarg);
			cfg->shared = true;
			break;
		case 't':
			cfg->relay_threads = opt_uint(optarg, 0, WORKERS_MAX,
						      "relay threads (-t)");
			threads_given = true;
			break;
		case 'S':
			if (strcmp(optarg, "link") == 0)
				cfg->tunnelonly_link_only = true;
			else if (strcmp(optarg, "any") != 0)
				die_usage("invalid -S \"%.16s\": use any or link",
					  optarg);
			break;
		case 'T':
			parse_pair(optarg, 'T', "login timeout",
				   "session timeout", 86400, 86400,
				   &cfg->login_timeout, &cfg->session_timeout);
			break;
		case 'u':
			cfg->user = optarg;
			break;
		case 'U':
			cfg->udp = true;
			break;
		case 'c':
			cfg->tun_flags = TUN_ATTACH;
			opt_c = true;
			break;
		case 'o':
			cfg->tun_flags = TUN_REUSE | TUN_PERSIST;
			opt_o = true;
			break;
		case ':':
			fprintf(stderr, "dtcps: option -%c needs a value; see "
				"dtcps -h\n", optopt);
			exit(1);
		default:
			fprintf(stderr, "dtcps: unknown option -%c; see "
				"dtcps -h\n", optopt);
			exit(1);
		}
	}
	/* One relay thread per processor by default: the main loop keeps
	 * the control protocol, the shared sockets and their tunnels. */
	if (!threads_given) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->relay_threads = ncpu < 1 ? 1
				     : ncpu > WORKERS_MAX ? WORKERS_MAX
				     : (unsigned)ncpu;
	}
	if (opt_c && opt_o)
		die_usage("-c (never create interfaces) and -o (create "
			  "persistent ones) exclude each other");
	if (argc - optind > 1)
		die_usage("unexpected argument \"%s\"", argv[optind + 1]);
	if (argc - optind == 1) {
		if (parse_prefix6(argv[optind], &cfg->prefix, &cfg->plen) < 0)
			die_usage("invalid prefix \"%s\": expected an IPv6 "
				  "prefix such as 2001:db8:1::/64 with no host "
				  "bits set", argv[optind]);
		if (pool_host_capacity(cfg->plen, 1) == 0)
			die_usage("prefix \"%s\" is too small for a host "
				  "address pair: use /125 or shorter",
				  argv[optind]);
		cfg->has_prefix = true;
	}
	/* daemon() goes to /: paths kept for the end must not be relative */
	if ((*cfg->ctl_path != '\0' && *cfg->ctl_path != '/') ||
	    *cfg->pidfile != '/' ||
	    (cfg->journal != NULL && *cfg->journal != '/'))
		die_usage("-C, -f and -J take absolute paths (such as "
			  "/run/dtcps.sock)");
	if (group != NULL && ctl_group_lookup(cfg, group, err, sizeof(err)) < 0)
		die_usage("%s", err);
	if (cfg->has_metrics && !metrics_any &&
	    (ntohl(cfg->metrics_addr.s_addr) >> 24) != 127)
		die_usage("-H %s is not a loopback address: the metrics tell "
			  "anyone who asks how many are connected and how much "
			  "they move; add -X to serve them there anyway",
			  inet_ntoa(cfg->metrics_addr));
	if (cfg->network_pair && !cfg->has_prefix)
		die_usage("-a gives network tunnels a link address pair from "
			  "the prefix argument: give one, such as "
			  "2001:db8:1::/64");
	if (cfg->shared && threads_given && cfg->relay_threads > 0)
		fprintf(stderr, "dtcps: warning: -t %u has no effect with -s: the "
			"main loop relays for every tunnel\n", cfg->relay_threads);
	if (cfg->shared && (opt_c || opt_o))
		die_usage("-s (one shared interface) makes no interface per "
			  "tunnel: -c and -o do not apply");
	if (cfg->shared && cfg->p41_pick)
		die_usage("-s (one shared interface) uses no interface per "
			  "tunnel: -i cannot name existing ones");
	/* -s: the first port is the shared one; legacy NAT-traversal
	 * tunnels take theirs above it. A shared server needs them only
	 * for those, and clamps nothing. */
	if (cfg->udp && !cfg->shared &&
	    (unsigned)cfg->udp_base + cfg->max_tunnels > 65536) {
		fprintf(stderr, "dtcps: warning: -b %u leaves room for %u UDP "
			"ports: -M lowered from %u to %u\n", cfg->udp_base,
			65536 - cfg->udp_base, cfg->max_tunnels,
			65536 - cfg->udp_base);
		cfg->max_tunnels = 65536 - cfg->udp_base;
	}
	if (cfg->udp && cfg->shared && cfg->udp_base == 65535)
		die_usage("-b 65535 leaves -s no port for legacy NAT-traversal "
			  "tunnels: choose a lower one");
	/* Connections without a tunnel get at most half the sessions, so
	 * that they can never lock logged-in users out. */
	if (max_pending > cfg->max_tunnels / 2 && max_pending > 1)
		die_usage("-w %u: at most half of -M (%u) may wait to log in",
			  max_pending, cfg->max_tunnels);
	cfg->max_pending = max_pending ? max_pending
		: cfg->max_tunnels / 2 < SERVER_MAX_PENDING_DEFAULT
		? (cfg->max_tunnels / 2 ? cfg->max_tunnels / 2 : 1)
		: SERVER_MAX_PENDING_DEFAULT;
}

/* What parse_args allocated. */
static void config_free(struct server_config *cfg)
{
	if (cfg->p41_pick)
		regfree(&cfg->p41_regex);
	cfg->p41_pick = false;
}

static int listen_socket(const struct server_config *cfg)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_addr = cfg->listen_addr,
		.sin_port = htons(cfg->port)
	};
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("cannot create the listening socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (errno == EADDRNOTAVAIL)
			fatalx("cannot listen on %s: -L is not an address of "
			       "this host (see ip -4 addr)",
			       inet_ntoa(cfg->listen_addr));
		if (errno == EADDRINUSE)
			fatalx("cannot listen on %s port %u: the address is "
			       "in use (another dtcps running? choose -L/-p)",
			       inet_ntoa(cfg->listen_addr), cfg->port);
		fatal("cannot listen on %s port %u",
		      inet_ntoa(cfg->listen_addr), cfg->port);
	}
	if (listen(fd, 128) < 0)
		fatal("cannot listen on port %u", cfg->port);
	return fd;
}

/* The one raw socket every protocol-41 tunnel shares, opened here
 * because only root may (CAP_NET_RAW); the engine demultiplexes what it
 * receives by the outer source. Bound to -g when given. */
static int p41_socket(const struct server_config *cfg)
{
	struct in_addr any = { INADDR_ANY };
	int fd = p41_tunnel_socket(cfg->has_tunnel_addr ? cfg->tunnel_addr
							: any, any);

	if (fd == -EADDRNOTAVAIL)
		fatalx("-g %s is not an address of this host",
		       inet_ntoa(cfg->tunnel_addr));
	if (fd < 0)
		fatalx("cannot open the raw protocol-41 socket: %s",
		       strerror(-fd));
	return fd;
}

/* Each tunnel holds up to three descriptors in the engine (control
 * socket, TUN, and UDP for a UDP tunnel); with -s one (the control
 * socket), and a legacy NAT-traversal tunnel one more for its own port:
 * make sure -M of them fit, raising the soft limit towards the hard one.
 * With -s, -M tunnels must fit with one descriptor each; the legacy
 * tunnels' ports are had while descriptors last (then refused as sold
 * out). */
static void raise_fd_limit(const struct server_config *cfg)
{
	/* 2 per relay thread: its epoll and its wake-up eventfd */
	rlim_t base = 16 + 2 * CTL_MAX_CONNS + 4 + 2 * (rlim_t)cfg->relay_threads;
	rlim_t need = (rlim_t)cfg->max_tunnels * (cfg->shared ? 1 : 3) + base;
	rlim_t want = cfg->shared && cfg->udp
		      ? (rlim_t)cfg->max_tunnels * 2 + base : need;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		fatal("getrlimit");
	if (rl.rlim_cur < want && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			fatal("setrlimit");
	}
	if (rl.rlim_cur < need)
		fatalx("-M %u needs %llu file descriptors but the limit is %llu; "
		       "raise it (ulimit -n, LimitNOFILE=) or lower -M",
		       cfg->max_tunnels, (unsigned long long)need,
		       (unsigned long long)rl.rlim_cur);
	if (rl.rlim_cur < want)
		log_warnx("-M %u: the descriptor limit %llu leaves room for "
			  "%llu legacy NAT-traversal tunnels (a UDP port each) "
			  "besides the others; raise it (LimitNOFILE=) for more",
			  cfg->max_tunnels, (unsigned long long)rl.rlim_cur,
			  (unsigned long long)(rl.rlim_cur - need));
}

/* -s: the one TUN device every tunnel shares, up with -m and, with a
 * prefix, the address prefix::1/plen, which gives the kernel its one
 * route for the whole pool and is our end of every host tunnel; and with
 * -U the shared UDP port (-b). Made here, on the terminal, so that a name
 * or port in use is said before detaching. */
static void shared_setup(struct server *srv, struct rtnl *nl)
{
	struct server_config *cfg = &srv->cfg;
	struct in_addr any = { INADDR_ANY };
	char name[IFNAMSIZ];
	int fd, err;

	srv->shared_tun_fd = srv->shared_udp_fd = -1;
	if (!cfg->shared)
		return;
	fd = ifconf_tun_open(nl, cfg->shared_if, 0, cfg->mtu, name,
			     &cfg->shared_ifindex);
	if (fd == -EBUSY)
		fatalx("-s %s: an interface of that name exists; delete it "
		       "(ip link del %s) or choose another name",
		       cfg->shared_if, cfg->shared_if);
	if (fd < 0)
		fatalx("-s %s: cannot create the shared interface: %s",
		       cfg->shared_if, strerror(-fd));
	srv->shared_tun_fd = fd;
	if (cfg->has_prefix) {
		/* plen <= 125 (checked): the last bit is a host bit. */
		cfg->shared_server6 = cfg->prefix;
		cfg->shared_server6.s6_addr[15] |= 1;
		err = rtnl_addr6_add(nl, cfg->shared_ifindex,
				     &cfg->shared_server6, NULL, cfg->plen);
		if (err < 0)
			fatalx("-s %s: cannot add the pool's address: %s",
			       cfg->shared_if, strerror(-err));
	}
	if (!cfg->udp)
		return;
	fd = udp_tunnel_socket(cfg->has_tunnel_addr ? cfg->tunnel_addr : any,
			       cfg->udp_base);
	if (fd == -EADDRINUSE)
		fatalx("-s: udp port %u (-b) is in use by another program; "
		       "choose another -b", cfg->udp_base);
	if (fd < 0)
		fatalx("-s: cannot bind udp port %u: %s", cfg->udp_base,
		       strerror(-fd));
	srv->shared_udp_fd = fd;
}

/* The unprivileged engine binds the tunnel ports itself: they must be
 * ports an unprivileged process may bind. */
static void check_udp_base(const struct server_config *cfg)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
	unsigned start = 1024;

	if (f != NULL) {
		if (fscanf(f, "%u", &start) != 1)
			start = 1024;
		fclose(f);
	}
	if (cfg->udp && cfg->udp_base < start)
		fatalx("-b %u: the engine runs unprivileged and cannot bind "
		       "ports below %u (net.ipv4.ip_unprivileged_port_start); "
		       "choose -b %u or higher", cfg->udp_base, start, start);
}

int main(int argc, char **argv)
{
	struct privsep_parent *parent;
	struct sandbox_user user;
	struct privchan chan;
	struct server srv;
	struct auth *auth;
	struct routes *routes;
	struct acct *acct;
	struct rtnl *nl;
	struct pidfile pidfile = { .fd = -1 };
	sigset_t blocked;
	char err[512];
	int rc;
	pid_t pid, holder;

	/* Nothing inherited may reach the confined engine. */
	closefrom(3);
	/* From here on SIGHUP, SIGINT and SIGTERM wait for the loops that
	 * handle them (privchan_serve, the engine's signalfd): a reload
	 * sent while the server starts must not kill it. */
	privchan_block_signals(&blocked);
	memset(&srv, 0, sizeof(srv));
	parse_args(argc, argv, &srv.cfg);
	log_init("dtcps", 1, srv.cfg.verbose);
	signal(SIGPIPE, SIG_IGN);

	/* Everything that can be wrong with the configuration is found
	 * here, on the terminal, before detaching. */
	if (geteuid() != 0)
		fatalx("must run as root to create tunnel interfaces; the "
		       "network-facing engine drops to user %s by itself",
		       srv.cfg.user);
	auth = auth_open(srv.cfg.authfile, err, sizeof(err));
	if (auth == NULL)
		fatalx("%s", err);
	routes = routes_open(srv.cfg.routetable, err, sizeof(err));
	if (routes == NULL)
		fatalx("%s", err);
	nl = rtnl_open();
	if (nl == NULL)
		fatal("cannot open a netlink socket");
	raise_fd_limit(&srv.cfg);
	check_udp_base(&srv.cfg);
	if (sandbox_lookup_user(srv.cfg.user, "-u", &user, err, sizeof(err)) < 0 ||
	    sandbox_prepare_dir(SERVER_CHROOT, err, sizeof(err)) < 0)
		fatalx("%s", err);
	srv.user = &user;
	/* A server just killed may still be closing its descriptors: give
	 * its lock a second to go. */
	for (int i = 0; i < 10; i++) {
		rc = pidfile_acquire(&pidfile, srv.cfg.pidfile, &holder);
		if (rc != -EEXIST)
			break;
		usleep(100 * 1000);
	}
	if (rc == -EEXIST)
		fatalx("another dtcps (pid %ld) holds %s; stop it first, or "
		       "give this one its own -f, -C and -p", (long)holder,
		       srv.cfg.pidfile);
	if (rc < 0)
		fatalx("pidfile %s: %s", srv.cfg.pidfile, strerror(-rc));
	/* Only the one server that holds the pidfile may write the
	 * records a previous run left open. */
	acct = acct_open(srv.cfg.journal, err, sizeof(err));
	if (acct == NULL)
		fatalx("%s", err);
	srv.listen_fd = listen_socket(&srv.cfg);
	srv.p41_fd = p41_socket(&srv.cfg);
	shared_setup(&srv, nl);
	srv.ctl_fd = srv.metrics_fd = -1;
	if (*srv.cfg.ctl_path != '\0' &&
	    (srv.ctl_fd = ctl_unix_socket(&srv.cfg, err, sizeof(err))) < 0)
		fatalx("%s", err);
	if (srv.cfg.has_metrics &&
	    (srv.metrics_fd = ctl_metrics_socket(&srv.cfg, err,
						 sizeof(err))) < 0) {
		ctl_unix_remove(&srv.cfg);
		fatalx("%s", err);
	}
	if (!srv.cfg.foreground) {
		if (daemon(0, 0) < 0)
			fatal("cannot become a daemon");
		log_init("dtcps", 0, srv.cfg.verbose);
	}
	if ((rc = pidfile_write(&pidfile)) < 0)
		log_warnx("cannot write %s: %s", srv.cfg.pidfile,
			  strerror(-rc));
	pid = privchan_fork(&chan);
	if (pid == 0) {
		/* The engine's copy of the secrets, of netlink and of the
		 * pidfile goes. */
		close(pidfile.fd);
		acct_close(acct);
		auth_close(auth);
		routes_close(routes);
		rtnl_close(nl);
		rc = engine_main(&srv, chan.sock, chan.parent);
		config_free(&srv.cfg);
		exit(rc);
	}
	close(srv.listen_fd);
	close(srv.p41_fd);
	/* The engine's copy keeps the shared device: it goes with it. */
	if (srv.shared_tun_fd >= 0)
		close(srv.shared_tun_fd);
	if (srv.shared_udp_fd >= 0)
		close(srv.shared_udp_fd);
	if (srv.ctl_fd >= 0)
		close(srv.ctl_fd);
	if (srv.metrics_fd >= 0)
		close(srv.metrics_fd);
	parent = privsep_parent_new(&srv.cfg, auth, routes, nl);
	if (parent == NULL)
		fatalx("out of memory");
	privsep_parent_account(parent, acct);
	rc = privchan_serve(chan.sock, chan.log_fd, pid, &privsep_parent_table,
			    parent);
	close(chan.log_fd);
	privsep_parent_free(parent);
	acct_close(acct);
	auth_close(auth);
	routes_close(routes);
	rtnl_close(nl);
	if (srv.ctl_fd >= 0)
		ctl_unix_remove(&srv.cfg);
	pidfile_release(&pidfile);
	config_free(&srv.cfg);
	log_info("stopped");
	return rc;
}
