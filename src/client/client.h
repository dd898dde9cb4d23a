/* The client engine shared by dtcpc (configures the tunnel itself) and
 * dtcpclient (leaves addresses and routes to a script): configuration,
 * one session, and the reconnect loop. */
#ifndef DTCP_CLIENT_H
#define DTCP_CLIENT_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/proto.h"

#define CLIENT_ROUTES_MAX 16
#define CLIENT_PASSWORD_MAX 256
#define CLIENT_SCRIPT_TIMEOUT 30   /* seconds a script may run */

struct client_route {
	struct in6_addr dst;
	unsigned plen;
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
	char ifname[IFNAMSIZ];  /* -i, or tunif for dtcpclient */
	unsigned mtu;           /* -m */
	bool skip_nat_check;    /* -n */
	bool udp;               /* -U */
	enum proto_type type;   /* -t */
	bool routes_static;     /* -r static (dtcpc) */
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
};

#define CLIENT_ENGINE_USER "dtcp"
#define CLIENT_CHROOT "/run/dtcpc-empty"

/* How a session ended, which decides what the reconnect loop does. */
enum client_end {
	CLIENT_END_STOP,      /* SIGINT/SIGTERM: quit sent, exit 0 */
	CLIENT_END_HUP,       /* SIGHUP: reconnect at once */
	CLIENT_END_RETRY,     /* a transient failure: retry with -l */
	CLIENT_END_FATAL,     /* wrong password or configuration: give up */
};

/* The UDP port to announce: the static NAT's (-B), none for NAT traversal
 * (-n without -B: the server learns it), else the bound one. */
uint16_t client_announced_port(const struct client_config *cfg);
const char *client_udp_mode(const struct client_config *cfg);

/* Block SIGINT, SIGTERM and SIGHUP and return a signalfd for them, which
 * every wait of the client watches. Returns -errno on failure. */
int client_signals_init(void);
/* Read one pending signal from the signalfd: its number, or 0. */
int client_signal_take(int sigfd);

/* Run one session in the engine: log in, have the parent bring the tunnel
 * up, relay until a signal or the server ends it, then have everything
 * removed. *lived_ms gets how long the tunnel was up. */
enum client_end client_session(const struct client_config *cfg, int sigfd,
			       uint64_t *lived_ms);

/* Run sessions until the end: with cfg->reconnect, retry transient
 * failures with backoff and SIGHUP at once. Returns the exit status. */
int client_run(const struct client_config *cfg, int sigfd);

#endif
