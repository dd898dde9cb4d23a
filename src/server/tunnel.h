/* One server-side tunnel: its interface unit, TUN device, UDP port and
 * socket, host addresses and relay. Opening takes every resource or none;
 * closing releases every one at once for reuse. */
#ifndef DTCP_TUNNEL_H
#define DTCP_TUNNEL_H

#include <net/if.h>
#include <netinet/in.h>

#include "common/ev.h"
#include "proto/proto.h"
#include "relay/relay.h"
#include "server/pool.h"

/* What every tunnel of the server is made from. */
struct tunnel_env {
	struct ev_loop *loop;
	struct pool units;             /* interface units (-I) */
	struct pool ports;             /* UDP ports (-b) */
	const char *if_stem;           /* -I stem, for messages */
	bool tunnelonly_link_only;     /* -S link */
};

struct tunnel {
	unsigned unit;
	uint16_t port;
	char ifname[IFNAMSIZ];
	unsigned ifindex;
	int tun_fd, udp_fd;
	struct ev_io tun_io, udp_io;
	struct relay relay;
	struct proto_tunnel_reply reply;  /* what the client was told */
	const char *mode_name;            /* "plain" or "nat-traversal" */
	unsigned session_id;
};

enum tunnel_err {
	TUNNEL_ERR_SOLD_OUT = -1,    /* no unit, port or host pair left */
	TUNNEL_ERR_INTERNAL = -2,    /* the kernel refused; logged */
};

/* Open a tunnel for a client at client4 (udp_port 0: learn the port)
 * reached through the local address server4. Returns 0 and *out, or a
 * tunnel_err. */
int tunnel_open(struct tunnel_env *env, unsigned session_id,
		enum proto_type type, struct in_addr client4,
		struct in_addr server4, uint16_t udp_port,
		struct tunnel **out);

/* Remove the interface (with its addresses and routes), close the socket
 * and return unit and port to their pools, at once. The struct stays valid
 * (its descriptors -1) until tunnel_free, because an event for it may still
 * be pending in the current batch. NULL is ignored. */
void tunnel_close(struct tunnel_env *env, struct tunnel *t);
void tunnel_free(struct tunnel *t);

#endif
