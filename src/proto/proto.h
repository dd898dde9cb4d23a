/* The DTCP control-line codec: text <-> structs for every line either side
 * sends, and the challenge-response digest. Pure: no I/O, no globals, no
 * logging; every input bounded and checked. See PROTOCOL.md. */
#ifndef DTCP_PROTO_H
#define DTCP_PROTO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_LINE_MAX 512       /* bytes of a line including CRLF */
#define PROTO_CHALLENGE_LEN 32   /* hex digits */
#define PROTO_DIGEST_LEN 32      /* hex digits */
#define PROTO_USER_MAX 64
#define PROTO_TYPE_MAX 32

enum proto_cmd {
	PROTO_CMD_TUNNEL,
	PROTO_CMD_PING,
	PROTO_CMD_HELP,
	PROTO_CMD_QUIT,
};

enum proto_type {
	PROTO_TYPE_UNKNOWN,
	PROTO_TYPE_TUNNELONLY,
	PROTO_TYPE_HOST,
	PROTO_TYPE_NETWORK,
};

/* How the client's UDP endpoint is known (see the UDP extension). */
enum proto_udp {
	PROTO_UDP_NONE,   /* protocol-41 tunnel */
	PROTO_UDP_LEARN,  /* "udp": learn it from the first datagram */
	PROTO_UDP_PORT,   /* "udp <port>": client-v4:port */
	PROTO_UDP_ROAM,   /* "udp roam1": learn it from authenticated
			     keepalives only (roam.h) */
};

/* Errors returned by the parsers (negative). */
enum proto_err {
	PROTO_ERR_SYNTAX = -1,   /* -ERR invalid command */
	PROTO_ERR_AUTH = -2,     /* wrong token count: -ERR authentication failed. */
	PROTO_ERR_UDPPORT = -3,  /* -ERR invalid udp port */
	PROTO_ERR_CHARS = -4,    /* NUL or control byte in the line */
};

struct proto_request {
	enum proto_cmd cmd;
	/* PROTO_CMD_TUNNEL only: */
	char user[PROTO_USER_MAX + 1];
	char response[PROTO_DIGEST_LEN + 1];
	enum proto_type type;
	char type_text[PROTO_TYPE_MAX + 1]; /* as sent, for the error reply */
	enum proto_udp udp;
	uint16_t udp_port;
};

#define PROTO_PREFIXES_MAX 16    /* delegated prefixes in one reply */

struct proto_prefix {
	struct in6_addr addr;
	unsigned plen;
};

/* Room for the prefixes in a success reply, so that the whole reply fits
 * one line whatever else it carries: 511 octets (the line without the
 * formatter's NUL) less the longest rest, "+OK " 4, two IPv4 addresses
 * and a space 31, a link pair 80, " udp 65535" 10, " roam1" 6 and CRLF 2. */
#define PROTO_PREFIXES_TEXT_MAX (PROTO_LINE_MAX - 1 - 133)

/* Octets one prefix takes in a reply: " addr/plen". */
size_t proto_prefix_text_len(const struct in6_addr *addr, unsigned plen);

/* The success reply to a tunnel request. */
struct proto_tunnel_reply {
	struct in_addr client4, server4;
	bool has_v6;                      /* host type, or network with a
					     link pair (dtcps -a) */
	struct in6_addr client6, server6;
	unsigned nprefixes;               /* network type: routed to us */
	struct proto_prefix prefix[PROTO_PREFIXES_MAX];
	uint16_t udp_port;                /* 0: protocol-41 */
	bool roam;                        /* "udp <port> roam1" */
};

/* Prepare a received line in place: `len` bytes without the LF. Strips one
 * trailing CR and NUL-terminates (line must have room for len+1 bytes).
 * Returns 0, or PROTO_ERR_CHARS if a NUL or other control byte remains. */
int proto_line_prepare(char *line, size_t len);

/* Parse a client command line. Returns 0 and fills *req, or a proto_err. */
int proto_parse_request(const char *line, struct proto_request *req);

/* Map a type word (case-sensitive; "tunnelroute" = network). */
enum proto_type proto_type_from(const char *word);
const char *proto_type_name(enum proto_type type);

/* Formatters write a full line with CRLF into buf and return its length,
 * or -1 if it does not fit. */
int proto_fmt_greeting(char *buf, size_t len, const char *challenge);
int proto_fmt_request(char *buf, size_t len, const char *user,
		      const char *response, enum proto_type type,
		      enum proto_udp udp, uint16_t udp_port);
int proto_fmt_tunnel_ok(char *buf, size_t len,
			const struct proto_tunnel_reply *rep);
/* "+OK <text>" or "-ERR <text>"; text must be printable, no CR/LF. */
int proto_fmt_ok(char *buf, size_t len, const char *text);
int proto_fmt_err(char *buf, size_t len, const char *text);

/* Client side: parse the greeting. challenge receives 32 hex digits + NUL
 * exactly as sent. Returns 0 or PROTO_ERR_SYNTAX. */
int proto_parse_greeting(const char *line,
			 char challenge[PROTO_CHALLENGE_LEN + 1]);

/* True when a greeting's free text offers authenticated roaming (the
 * word roam1 after the challenge). */
bool proto_greeting_offers_roam(const char *line);

/* Client side: parse the reply to a tunnel request of `type` over UDP or
 * not; host addresses must pass proto_tunnel_addr_ok. Returns 0, 1 when
 * the line is a "-ERR" (text in *err_text, which points into line), or
 * PROTO_ERR_SYNTAX when malformed. */
int proto_parse_tunnel_reply(const char *line, enum proto_type type,
			     bool udp, struct proto_tunnel_reply *rep,
			     const char **err_text);

/* True when a is an address a server may give a tunnel end: not
 * unspecified, loopback, multicast, link-local, v4-mapped or
 * v4-compatible. A host pair must also be two addresses of one /64
 * (proto_parse_tunnel_reply checks). */
bool proto_tunnel_addr_ok(const struct in6_addr *a);

/* True when `user` is a user name the protocol allows: 1..PROTO_USER_MAX
 * bytes of [A-Za-z0-9._@+-], not starting with '-' (rules.c). */
bool proto_user_ok(const char *user);

/* True when s is exactly n hex digits (either case) and then a NUL: the
 * shape of a challenge or a digest (rules.c). */
bool proto_hex_ok(const char *s, size_t n);

/* True when c and s can be a host pair: two different addresses of one
 * /64, as a server numbers them; anything else would put a foreign
 * address on our interface (rules.c). */
bool proto_host_pair_ok(const struct in6_addr *c, const struct in6_addr *s);

/* True when prefixes a/alen and b/blen share an address (one contains
 * the other); a length above 128 counts as 128 (rules.c). */
bool proto_prefixes_overlap(const struct in6_addr *a, unsigned alen,
			    const struct in6_addr *b, unsigned blen);

/* True when a is an IPv4 address a tunnel may end at: not 0/8, 127/8,
 * multicast, reserved or broadcast (rules.c). */
bool proto_ipv4_unicast_ok(struct in_addr a);

/* True for the tunnel types there are: tunnelonly, host and network
 * (rules.c). Whether a server offers network to a user is its route
 * table's to say. */
bool proto_type_supported(enum proto_type type);

/* True when line is "+OK" or starts with "+OK ". */
bool proto_is_ok(const char *line);

/* Upper-case hex MD5(user || challenge || secret) into out[33]. */
void proto_digest(const char *user, const char *challenge,
		  const uint8_t *secret, size_t secret_len,
		  char out[PROTO_DIGEST_LEN + 1]);

/* Constant-time, case-insensitive compare of two 32-hex-digit strings.
 * Returns true when equal; false for anything not exactly 32 hex digits. */
bool proto_digest_equal(const char *a, const char *b);

/* Fill out[33] with 128 random bits from the kernel as upper-case hex.
 * Returns 0 or -errno. (The only function here that does I/O.) */
int proto_challenge_new(char out[PROTO_CHALLENGE_LEN + 1]);

#endif
