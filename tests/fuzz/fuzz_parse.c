/* libFuzzer target: the strict number, address, prefix and interface-name
 * parsers used for options and protocol fields. */
#include <net/if.h>
#include <stdint.h>
#include <string.h>

#include "common/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], stem[IFNAMSIZ];
	struct in6_addr a6;
	struct in_addr a4;
	unsigned plen, unit;
	uint64_t v;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_uint(s, 0, 65535, &v) == 0 && v > 65535)
		__builtin_trap();
	parse_ipv4(s, &a4);
	parse_ipv6(s, &a6);
	if (parse_prefix6(s, &a6, &plen) == 0 && plen > 128)
		__builtin_trap();
	if (parse_ifname_unit(s, stem, sizeof(stem), &unit) == 0 &&
	    strlen(stem) >= IFNAMSIZ)
		__builtin_trap();
	parse_ifname_ok(s);
	return 0;
}
