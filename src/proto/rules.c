/* The protocol's rules about tokens, each written once: which user names
 * exist, what a hex token is, which tunnel types this version serves.
 * Every side (clients, engine, privileged parent, dtcpauth) asks here. */
#include "proto/proto.h"

#include "common/prefix6.h"

#include <arpa/inet.h>
#include <string.h>

static bool user_byte_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	       c == '+' || c == '-';
}

bool proto_user_ok(const char *user)
{
	size_t n;

	if (user == NULL || user[0] == '\0' || user[0] == '-')
		return false;
	for (n = 0; user[n] != '\0'; n++)
		if (n >= PROTO_USER_MAX || !user_byte_ok((unsigned char)user[n]))
			return false;
	return true;
}

bool proto_hex_ok(const char *s, size_t n)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return false;
	}
	return s[n] == '\0';
}

bool proto_ipv4_unicast_ok(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	/* 0/8 "this network", 127/8 loopback, 224/3 multicast, reserved
	 * and broadcast. */
	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 29) != 7;
}

bool proto_host_pair_ok(const struct in6_addr *c, const struct in6_addr *s)
{
	return memcmp(c, s, 16) != 0 && memcmp(c, s, 8) == 0;
}

bool proto_prefixes_overlap(const struct in6_addr *a, unsigned alen,
			    const struct in6_addr *b, unsigned blen)
{
	return prefix6_match(a->s6_addr, b->s6_addr, alen < blen ? alen : blen);
}

bool proto_type_supported(enum proto_type type)
{
	return type == PROTO_TYPE_TUNNELONLY || type == PROTO_TYPE_HOST ||
	       type == PROTO_TYPE_NETWORK;
}

size_t proto_prefix_text_len(const struct in6_addr *addr, unsigned plen)
{
	char p6[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, addr, p6, sizeof(p6));
	return 1 + strlen(p6) + 1 + (plen >= 100 ? 3 : plen >= 10 ? 2 : 1);
}
