/* One server-side tunnel: its interface unit, TUN device, host addresses
 * and relay, and for a UDP tunnel its port and socket (protocol-41 tunnels
 * share the server's one raw socket, found by the client's address).
 * Opening takes every resource or none; closing releases every one at once
 * for reuse. */
#ifndef DTCP_TUNNEL_H
#define DTCP_TUNNEL_H

#include <net/if.h>
#include <netinet/in.h>

#include "common/ev.h"
#include "proto/proto.h"
#include "proto/roam.h"
#include "relay/relay.h"
#include "server/keymap.h"
#include "server/pool.h"
#include "server/privsep_msg.h"
#include "server/shared.h"
#include "server/workers.h"

/* What every tunnel of the server is made from. */
struct tunnel_env {
	struct ev_loop *loop;
	struct pool units[PRIVSEP_KINDS];  /* interface units by kind:
					  -I (UDP), -i (protocol 41) */
	struct pool ports;             /* UDP ports (-b) */
	struct pool slots;             /* host address pairs, both kinds */
	unsigned slot_spill;           /* first pair no unit maps to */
	const char *if_stem[PRIVSEP_KINDS];  /* -I and -i, for messages */
	bool tunnelonly_link_only;     /* -S link */
	bool ports_lowest;             /* -l: lowest free UDP port first */
	int p41_fd;                    /* the raw protocol-41 socket */
	struct keymap p41_clients;     /* client IPv4 -> its relay (one
					  protocol-41 tunnel per address) */
	struct relay_p41_stats p41_stats;
	uint64_t net_error_logged_ms;  /* errors are logged once a minute */
	struct shared shared;          /* -s: one interface, one UDP port */
	struct workers workers;        /* -t: relay threads */
};

struct tunnel {
	struct tunnel_env *env;
	struct worker *worker;            /* the relay thread it is given to,
					     or NULL: the main loop */
	struct ev_loop *loop;             /* the loop its descriptors are in */
	enum privsep_kind kind;
	unsigned unit;
	unsigned slot;                    /* its host address pair */
	uint16_t port;
	char ifname[IFNAMSIZ];
	unsigned ifindex;
	int tun_fd, udp_fd;            /* udp_fd: UDP tunnels only */
	struct ev_io tun_io, udp_io;
	struct relay relay;
	struct proto_tunnel_reply reply;  /* what the client was told */
	const char *mode_name;            /* "plain", "nat-traversal" or
					     "protocol 41" */
	unsigned session_id;
	unsigned superseded;              /* network: the session whose
					     routes this one took over */
	uint64_t net_error_logged_ms;     /* errors are logged once a minute */
	uint64_t move_logged_ms;          /* endpoint moves: likewise */
	uint64_t moves_unlogged;          /* since the last such line */
	bool roam;                        /* roam1: moved by keepalives only */
	uint8_t roam_key[PROTO_ROAM_KEY_LEN];
	uint64_t roam_counter;            /* the last keepalive accepted */
	/* -s: */
	bool tun_shared;                  /* tun_fd is the shared device's */
	struct shared_member member;      /* its routes and endpoint there */
};

/* What a session asks a tunnel to be. */
struct tunnel_request {
	enum proto_type type;
	enum privsep_kind kind;
	struct in_addr client4;        /* the control connection's peer */
	struct in_addr server4;        /* our end, an address of this host */
	uint16_t udp_port;             /* announced; 0: learned */
	/* roam1: the session key (the client asked "udp roam1"), or NULL */
	const uint8_t *roam_key;
	/* Out, also when tunnel_open fails: the session whose routes the
	 * parent moved to this one (network, newest login wins), or 0; it
	 * must be ended either way. */
	unsigned *superseded;
};

enum tunnel_err {
	TUNNEL_ERR_SOLD_OUT = -1,    /* no unit, port or host pair left */
	TUNNEL_ERR_INTERNAL = -2,    /* the kernel refused; logged */
	TUNNEL_ERR_P41_TAKEN = -3,   /* that address has a protocol-41 tunnel */
	TUNNEL_ERR_NO_ROUTES = -4,   /* network: no prefixes for the user */
	TUNNEL_ERR_USER_LIMIT = -5,  /* the user has -n tunnels up */
	TUNNEL_ERR_UNTUNNELED = -6,  /* failed after the parent made the
					interface: the session must end */
};

/* Open the tunnel req asks for; a UDP tunnel learns the client's port
 * when req->udp_port is 0, from authenticated keepalives only with a
 * roam key. Returns 0 and *out, or a tunnel_err. */
int tunnel_open(struct tunnel_env *env, unsigned session_id,
		const struct tunnel_request *req, struct tunnel **out);

/* The server's raw protocol-41 socket is readable: hand each packet to
 * the tunnel of its outer source; with errors_queued, first the ICMP
 * errors to the tunnels they are about (logged once a minute). */
void tunnel_p41_receive(struct tunnel_env *env, bool errors_queued);

/* Close the interface's descriptor (a device we created goes, with its
 * addresses and routes; the parent gives back one that outlives it when
 * the session ends), close a UDP tunnel's socket, take a protocol-41
 * tunnel out of the client table, and return unit, address pair and port
 * to their pools, at once. The struct stays valid (its descriptors -1)
 * until tunnel_free, because an event for it may still be pending in the
 * current batch. NULL is ignored. */
void tunnel_close(struct tunnel_env *env, struct tunnel *t);
void tunnel_free(struct tunnel *t);

#endif
