/* libFuzzer target: every control-line parser on arbitrary bytes, and a
 * request that parses must format back into a line that parses the same. */
#include <stdint.h>
#include <string.h>

#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[PROTO_LINE_MAX + 1], out[PROTO_LINE_MAX];
	char ch[PROTO_CHALLENGE_LEN + 1];
	struct proto_request req, again;
	struct proto_tunnel_reply rep;
	const char *err;

	if (size > PROTO_LINE_MAX)
		return 0;
	memcpy(line, data, size);
	if (proto_line_prepare(line, size) < 0)
		return 0;
	if (proto_parse_greeting(line, ch) == 0 &&
	    proto_greeting_offers_roam(line) && strstr(line, "roam1") == NULL)
		__builtin_trap();
	for (int t = PROTO_TYPE_UNKNOWN; t <= PROTO_TYPE_NETWORK; t++) {
		proto_parse_tunnel_reply(line, (enum proto_type)t, true, &rep, &err);
		proto_parse_tunnel_reply(line, (enum proto_type)t, false, &rep, &err);
	}
	if (proto_parse_tunnel_reply(line, PROTO_TYPE_HOST, true, &rep,
				     &err) == 0 &&
	    proto_fmt_tunnel_ok(out, sizeof(out), &rep) < 0)
		__builtin_trap();
	if (proto_parse_request(line, &req) == 0 &&
	    req.cmd == PROTO_CMD_TUNNEL && req.type != PROTO_TYPE_UNKNOWN) {
		int n = proto_fmt_request(out, sizeof(out), req.user,
					  req.response, req.type, req.udp,
					  req.udp_port);

		if (n < 2)
			__builtin_trap();
		out[n - 2] = '\0';
		if (proto_parse_request(out, &again) != 0 ||
		    strcmp(again.user, req.user) != 0 ||
		    again.udp != req.udp || again.udp_port != req.udp_port)
			__builtin_trap();
	}
	proto_digest_equal(line, "DAC487C8DFBBF9EE5C7F8CDCC37B62A3");
	return 0;
}
