/* dtcpc's configuration and the entry point of a client session. */
#ifndef DTCP_CLIENT_H
#define DTCP_CLIENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/proto.h"

#define CLIENT_ROUTES_MAX 16
#define CLIENT_PASSWORD_MAX 256

struct client_route {
	struct in6_addr dst;
	unsigned plen;
};

struct client_config {
	const char *server;
	const char *authfile;
	char user[PROTO_USER_MAX + 1];
	uint16_t port;          /* -p */
	uint16_t udp_port;      /* -b */
	uint16_t nat_port;      /* -B: port a static NAT forwards; 0: none */
	unsigned keepalive;     /* -k seconds of send silence; 0: off */
	const char *ifname;     /* -i */
	unsigned mtu;           /* -m */
	bool skip_nat_check;    /* -n */
	bool udp;               /* -U */
	enum proto_type type;   /* -t */
	bool routes_static;     /* -r static */
	struct client_route routes[CLIENT_ROUTES_MAX];  /* -R, else ::/0 */
	unsigned nroutes;
	unsigned ping_interval; /* seconds between control pings */
	int verbose;
};

/* The UDP port to announce: the static NAT's (-B), none for NAT traversal
 * (-n without -B: the server learns it), else the bound one. */
uint16_t client_announced_port(const struct client_config *cfg);

/* Run one session: log in, bring the tunnel up, relay until a signal or
 * the server ends it, then remove everything configured. The password is
 * wiped by the caller. Returns the process exit status. */
int client_run(const struct client_config *cfg, const char *password);

#endif
