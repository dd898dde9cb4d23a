/* Internet checksum arithmetic for the segmenter and the coalescer. */
#include "relay/csum.h"

#include <arpa/inet.h>
#include <string.h>

static inline uint32_t csum_load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint64_t csum_add(uint64_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint16_t v16;

	/* 32-bit words into a 64-bit accumulator cannot overflow for any
	 * length below 2^32 words, so the carries are folded only once at
	 * the end; the compiler vectorises this loop. */
	while (len >= 32) {
		sum += (uint64_t)csum_load32(p) + csum_load32(p + 4) +
		       csum_load32(p + 8) + csum_load32(p + 12) +
		       csum_load32(p + 16) + csum_load32(p + 20) +
		       csum_load32(p + 24) + csum_load32(p + 28);
		p += 32;
		len -= 32;
	}
	while (len >= 4) {
		sum += csum_load32(p);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&v16, p, sizeof(v16));
		sum += v16;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&v16, last, sizeof(v16));
		sum += v16;
	}
	return sum;
}

uint64_t csum_pseudo6(const uint8_t *ip6, uint32_t len, uint8_t proto)
{
	uint64_t sum = csum_add(0, ip6 + 8, 32);

	return sum + htonl(len) + htonl(proto);
}

uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t csum_final(uint64_t sum)
{
	uint16_t c = (uint16_t)~csum_fold(sum);

	return c ? c : 0xffff;
}

bool csum_ok6(const uint8_t *pkt, size_t len, size_t l4off, uint8_t proto)
{
	uint64_t sum = csum_pseudo6(pkt, (uint32_t)(len - l4off), proto);

	/* A correct checksum makes the whole range sum to 0xffff. */
	return csum_fold(csum_add(sum, pkt + l4off, len - l4off)) == 0xffff;
}
