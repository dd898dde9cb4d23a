/* The messages between dtcps's engine and its privileged parent: fixed
 * layouts with explicit widths, shared by server/privsep.c (the engine's
 * stubs) and server/privsep_parent.c (the parent's table, which says when
 * each is allowed). Replies carry the request's type | PRIVCHAN_REPLY. */
#ifndef DTCP_SERVER_PRIVSEP_MSG_H
#define DTCP_SERVER_PRIVSEP_MSG_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "os/privchan.h"
#include "proto/proto.h"
#include "proto/roam.h"

/* The header's id is the session id, never 0. */
enum privsep_type {
	PRIVSEP_HELLO = 1,   /* a connection: issue its challenge */
	PRIVSEP_AUTH,        /* check a login */
	PRIVSEP_TUNNEL,      /* create the tunnel interface */
	PRIVSEP_UNTUNNEL,    /* the tunnel was lost before use */
	PRIVSEP_END,         /* the session is over */
};

/* What carries a tunnel's packets; names its interface pool. */
enum privsep_kind {
	PRIVSEP_KIND_UDP,    /* UDP (-U): ng0 ... (-I) */
	PRIVSEP_KIND_P41,    /* protocol 41: gif0 ... (-i) */
	PRIVSEP_KINDS,       /* how many: arrays indexed by kind */
};

struct privsep_msg_hello_reply {
	struct privchan_hdr h;
	char challenge[PROTO_CHALLENGE_LEN + 1];   /* hex, NUL-terminated */
	uint8_t pad[3];
};

struct privsep_msg_auth {
	struct privchan_hdr h;
	char user[PROTO_USER_MAX + 1];             /* NUL-terminated */
	char response[PROTO_DIGEST_LEN + 1];       /* hex, NUL-terminated */
	uint8_t pad[2];
};

struct privsep_msg_auth_reply {
	struct privchan_hdr h;
	int32_t result;   /* 1 ok, 0 refused, -1 file unusable, -2 busy */
	uint8_t roam_key[PROTO_ROAM_KEY_LEN];   /* result 1: the session's
						   roam1 key (roam.h) */
};

struct privsep_msg_tunnel {
	struct privchan_hdr h;
	uint32_t tunnel_type;   /* enum proto_type */
	uint32_t kind;          /* enum privsep_kind */
	uint32_t unit;          /* interface unit the engine picked */
	uint32_t slot;          /* host address pair it picked */
	uint32_t client4;       /* the client's IPv4 address, network order */
};

struct privsep_msg_prefix {
	uint8_t addr[16];
	uint8_t plen;           /* 1..128 */
	uint8_t pad[3];
};

struct privsep_msg_tunnel_reply {
	struct privchan_hdr h;
	int32_t err;            /* 0, or -errno (descriptor attached on 0);
				   -ENOENT: no network tunnel for the user;
				   -EDQUOT: the user has -n tunnels up */
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	uint8_t has_v6;         /* 0 or 1: the addresses below are set */
	uint8_t nprefixes;      /* network: routed into the tunnel */
	uint8_t pad[2];
	uint8_t server6[16], client6[16];
	uint32_t superseded;    /* network: the session whose routes this
				   one took over (newest login wins), 0 */
	struct privsep_msg_prefix prefix[PROTO_PREFIXES_MAX];
};

/* The end of a session, and what the engine alone saw of its tunnel, for
 * the accounting record (all zero without a tunnel). */
struct privsep_msg_end {
	struct privchan_hdr h;
	uint64_t packets_in, packets_out, bytes_in, bytes_out;
	uint16_t client_port;   /* the client's UDP port, 0 if none known */
	uint8_t pad[6];
	char reason[64];        /* why it ended, NUL-terminated */
};

/* Replies with a descriptor start as privchan_call_fd expects. */
_Static_assert(offsetof(struct privsep_msg_tunnel_reply, err) ==
	       offsetof(struct privchan_fd_reply, err), "ABI");

#endif
