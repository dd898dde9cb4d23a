/* libFuzzer target: the relay's packet check must accept exactly the
 * packets whose IPv6 header is consistent with the datagram length. */
#include <stdint.h>

#include "relay/relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool ok = relay_packet_ok(data, size);
	bool expect = size >= 40 && (data[0] >> 4) == 6 &&
		      (size_t)((data[4] << 8) | data[5]) + 40 == size;

	if (ok != expect)
		__builtin_trap();
	return 0;
}
