/* The messages between a client's engine and its privileged parent: fixed
 * layouts with explicit widths, shared by client/privsep.c (the engine's
 * stubs) and client/privsep_parent.c (the parent's table, which says when
 * each is allowed). Replies carry the request's type | PRIVCHAN_REPLY; the
 * header's id is always 0 (one session at a time). */
#ifndef DTCP_CLIENT_PRIVSEP_MSG_H
#define DTCP_CLIENT_PRIVSEP_MSG_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "os/privchan.h"
#include "proto/proto.h"
#include "proto/roam.h"

#define PRIVSEP_ADDRS_MAX 8

enum privsep_type {
	PRIVSEP_RESOLVE = 1,   /* the server's IPv4 addresses */
	PRIVSEP_SOCKET,        /* the tunnel's UDP or protocol-41 socket */
	PRIVSEP_DIGEST,        /* the login digest for a challenge */
	PRIVSEP_UP,            /* create and configure the tunnel */
	PRIVSEP_DOWN,          /* undo "up" (the down script) */
};

/* Why "up" failed (the err of its reply). */
enum privsep_up_err {
	PRIVSEP_UP_FATAL = -1,   /* retrying cannot help: give up */
	PRIVSEP_UP_RETRY = -2,   /* the script failed: a later session may work */
};

struct privsep_msg_resolve_reply {
	struct privchan_hdr h;
	int32_t err;                         /* 0, or -1 (the parent logged) */
	uint32_t n;
	uint32_t addrs[PRIVSEP_ADDRS_MAX];   /* IPv4, network order */
};

enum privsep_socket_kind {
	PRIVSEP_SOCKET_UDP,                  /* bound to local:-b */
	PRIVSEP_SOCKET_P41,                  /* raw, bound to local and
						connected to peer */
};

struct privsep_msg_socket {
	struct privchan_hdr h;
	uint32_t kind;                       /* enum privsep_socket_kind */
	uint32_t local4, peer4;              /* IPv4, network order */
};

struct privsep_msg_socket_reply {
	struct privchan_hdr h;
	int32_t err;                         /* 0 (descriptor attached), -errno */
};

struct privsep_msg_digest {
	struct privchan_hdr h;
	char challenge[PROTO_CHALLENGE_LEN + 1];
	uint8_t pad[3];
};

struct privsep_msg_digest_reply {
	struct privchan_hdr h;
	char digest[PROTO_DIGEST_LEN + 1];
	uint8_t pad[3];
	uint8_t roam_key[PROTO_ROAM_KEY_LEN];   /* the session's roam1 key */
};

/* What the server granted, as the engine parsed it. */
struct privsep_msg_prefix {
	uint8_t addr[16];
	uint8_t plen;                        /* 1..128 */
	uint8_t pad[3];
};

struct privsep_msg_up {
	struct privchan_hdr h;
	uint32_t client4, server4;           /* network order */
	uint8_t client6[16], server6[16];
	uint8_t has_v6;                      /* 0 or 1 */
	uint8_t nprefixes;                   /* network: delegated to us */
	uint16_t udp_port;                   /* host order; 0: protocol 41 */
	struct privsep_msg_prefix prefix[PROTO_PREFIXES_MAX];
};

struct privsep_msg_up_reply {
	struct privchan_hdr h;
	int32_t err;                         /* 0 (descriptor attached), or
					        an enum privsep_up_err */
	char ifname[IFNAMSIZ];
};

/* Replies with a descriptor start as privchan_call_fd expects. */
_Static_assert(offsetof(struct privsep_msg_socket_reply, err) ==
	       offsetof(struct privchan_fd_reply, err), "ABI");
_Static_assert(offsetof(struct privsep_msg_up_reply, err) ==
	       offsetof(struct privchan_fd_reply, err), "ABI");

#endif
