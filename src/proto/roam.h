/* Authenticated NAT roaming, roam1 (PROTOCOL.md section 10.1): the session
 * key both privileged parents derive from the password, and the 32-byte
 * keepalive whose MAC lets the server move a tunnel's endpoint. Pure. */
#ifndef DTCP_ROAM_H
#define DTCP_ROAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_ROAM_WORD "roam1"  /* in the greeting, request and reply */
#define PROTO_ROAM_KEY_LEN 32
#define PROTO_ROAM_KA_LEN 32     /* "DTKA", 1, 0 0 0, counter, MAC */

/* K = HMAC-SHA256(password, "dtcp roam1" 0x00 user 0x00 challenge), the
 * challenge as the greeting's 32 hex digits. */
void proto_roam_key(const char *user, const char *challenge,
		    const uint8_t *secret, size_t secret_len,
		    uint8_t key[PROTO_ROAM_KEY_LEN]);

/* The keepalive with this counter (1 and up, strictly increasing). */
void proto_roam_keepalive(const uint8_t key[PROTO_ROAM_KEY_LEN],
			  uint64_t counter, uint8_t out[PROTO_ROAM_KA_LEN]);

/* True when dg[len] is a keepalive of this key (its MAC compared in
 * constant time); *counter then receives its counter, which the caller
 * must find above the last one it accepted. */
bool proto_roam_keepalive_ok(const uint8_t key[PROTO_ROAM_KEY_LEN],
			     const uint8_t *dg, size_t len,
			     uint64_t *counter);

#endif
