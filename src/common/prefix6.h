/* IPv6 prefix arithmetic shared by the protocol's rules and the relay's
 * anti-spoofing check. Pure. */
#ifndef DTCP_PREFIX6_H
#define DTCP_PREFIX6_H

#include <stdbool.h>
#include <stdint.h>

/* True when the 16-byte addresses a and b agree in their first plen bits
 * (a length above 128 counts as 128): b lies in prefix a/plen. */
bool prefix6_match(const uint8_t *a, const uint8_t *b, unsigned plen);

#endif
