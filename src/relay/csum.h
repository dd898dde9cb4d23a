/* The Internet checksum (RFC 1071) as the data plane needs it: partial
 * sums over byte ranges, the IPv6 pseudo-header (RFC 8200 section 8.1) and
 * the fold. Sums are kept in native byte order, which RFC 1071 section 2(B)
 * shows gives the same 16-bit result once stored back in memory. Pure. */
#ifndef DTCP_CSUM_H
#define DTCP_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Add the 16-bit one's-complement sum of buf[0..len) to `sum` and return
 * the (unfolded) result. buf must start at an even offset of the checksummed
 * range; an odd len is padded with one zero byte, so only the last range of
 * a checksum may have an odd length. Any alignment of buf is fine. */
uint64_t csum_add(uint64_t sum, const void *buf, size_t len);

/* Sum of the IPv6 pseudo-header: the two addresses at ip6[8..40) of an IPv6
 * header, the upper-layer length and the next-header value `proto`. */
uint64_t csum_pseudo6(const uint8_t *ip6, uint32_t len, uint8_t proto);

/* Fold `sum` to 16 bits (not complemented), in network byte order as it is
 * to be stored in memory. */
uint16_t csum_fold(uint64_t sum);

/* The checksum field value for a range whose sum is `sum`: the complement
 * of the fold, with 0 sent as 0xffff (required for UDP by RFC 768 and
 * RFC 8200 section 8.1, equivalent for TCP). */
uint16_t csum_final(uint64_t sum);

/* True when the upper-layer checksum of the IPv6 packet pkt[0..len) verifies:
 * the header at pkt[l4off] (l4off <= len) with next-header value proto, over
 * the pseudo-header, that header and the rest of the packet. */
bool csum_ok6(const uint8_t *pkt, size_t len, size_t l4off, uint8_t proto);

#endif
