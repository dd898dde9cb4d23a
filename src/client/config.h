/* The configuration of dtcpc (configures the tunnel itself) and dtcpclient
 * (leaves addresses and routes to a script), fixed once the options are
 * parsed and read by both processes, and what follows from it. */
#ifndef DTCP_CLIENT_CONFIG_H
#define DTCP_CLIENT_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "client/delegate.h"
#include "proto/proto.h"

#define CLIENT_ROUTES_MAX 16
#define CLIENT_PASSWORD_MAX 256
#define CLIENT_SCRIPT_TIMEOUT 30   /* seconds a script may run */

struct client_route {
	struct in6_addr dst;
	unsigned plen;
};

/* What dtcpc routes into the tunnel (-r). */
enum client_routes {
	CLIENT_ROUTES_STATIC,    /* ::/0 or the -R destinations (default) */
	CLIENT_ROUTES_SOLICIT,   /* what a router advertisement says */
	CLIENT_ROUTES_NONE,      /* nothing */
};

enum client_kind {
	CLIENT_DTCPC,        /* addresses and routes by netlink */
	CLIENT_DTCPCLIENT,   /* addresses and routes by the script */
};

struct client_config {
	enum client_kind kind;
	const char *progname;
	const char *server;
	const char *authfile;
	char user[PROTO_USER_MAX + 1];
	uint16_t port;          /* -p */
	uint16_t udp_port;      /* -b */
	uint16_t nat_port;      /* -B: port a static NAT forwards; 0: none */
	unsigned keepalive;     /* -k seconds of send silence; 0: off */
	char ifname[IFNAMSIZ];  /* -i, or tunif for dtcpclient; "" until
				   cli_finish picks gif0 or ng0 */
	unsigned mtu;           /* -m */
	bool skip_nat_check;    /* -n */
	bool udp;               /* -U; else protocol 41 */
	enum proto_type type;   /* -t */
	enum client_routes route_mode;  /* -r (dtcpc) */
	struct client_route routes[CLIENT_ROUTES_MAX];  /* -R, else ::/0 */
	unsigned nroutes;
	unsigned ping_interval; /* seconds between control pings */
	bool reconnect;         /* -l */
	bool daemonize;         /* -D */
	const char *pidfile;
	const char *script;     /* dtcpclient -s */
	const char *script_conf;
	unsigned script_timeout;
	int verbose;
	const char *engine_user;  /* -E: the unprivileged engine's user */
	struct in_addr source;  /* -A: our IPv4 address, or INADDR_ANY */
	unsigned tun_flags;     /* -c: TUN_ATTACH; -o: TUN_REUSE |
				   TUN_PERSIST (os/tun.h) */
	struct delegate_list delegations;  /* -P (dtcpc, network) */
	bool no_ra;             /* -a: no router advertisements on them */
};

#define CLIENT_ENGINE_USER "dtcp"
#define CLIENT_RADVD "/usr/sbin/radvd"
#define CLIENT_RADVD_DIR "/run/dtcpc-radvd"   /* its configuration, 0700 */
#define CLIENT_CHROOT "/run/dtcpc-empty"

/* The UDP port to announce: the static NAT's (-B), none for NAT traversal
 * (-n without -B: the server learns it) or protocol 41, else the bound
 * one. */
uint16_t config_announced_port(const struct client_config *cfg);

/* "plain", "static-nat" or "nat-traversal": how the server reaches us
 * over UDP; "protocol-41" without -U (logged, and given to the dtcpclient
 * script as DTCP_UDP_MODE). */
const char *config_udp_mode(const struct client_config *cfg);

#endif
