/* IPv6 prefix arithmetic; see prefix6.h. */
#include "common/prefix6.h"

#include <string.h>

bool prefix6_match(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned n = plen > 128 ? 128 : plen, bytes = n / 8, rest = n % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	return rest == 0 || ((a[bytes] ^ b[bytes]) &
			     (uint8_t)(0xff << (8 - rest))) == 0;
}
