/* Strict number and address parsing. */
#include "common/parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (s == NULL || *s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_ipv4(const char *s, struct in_addr *out)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = a;
	return 0;
}

int parse_ipv6(const char *s, struct in6_addr *out)
{
	struct in6_addr a;

	if (s == NULL || strlen(s) >= INET6_ADDRSTRLEN ||
	    inet_pton(AF_INET6, s, &a) != 1)
		return -1;
	*out = a;
	return 0;
}

int parse_prefix6(const char *s, struct in6_addr *addr, unsigned *plen)
{
	char buf[INET6_ADDRSTRLEN + 4];
	struct in6_addr a;
	uint64_t len;
	char *slash;
	unsigned i;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	if (parse_ipv6(buf, &a) < 0 || parse_uint(slash + 1, 0, 128, &len) < 0)
		return -1;
	for (i = (unsigned)len; i < 128; i++)
		if (a.s6_addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	*addr = a;
	*plen = (unsigned)len;
	return 0;
}

int parse_ifname_unit(const char *s, char *stem, size_t stemlen,
		      unsigned *unit)
{
	size_t n = strlen(s), d = n;
	uint64_t u;

	while (d > 0 && isdigit((unsigned char)s[d - 1]))
		d--;
	if (d == 0 || d == n || d > IFNAMSIZ - 6 || d >= stemlen)
		return -1;
	for (size_t i = 0; i < d; i++)
		if (!isalpha((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return -1;
	if (parse_uint(s + d, 0, 65535, &u) < 0)
		return -1;
	memcpy(stem, s, d);
	stem[d] = '\0';
	*unit = (unsigned)u;
	return 0;
}

bool parse_ifname_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || isspace((unsigned char)s[i]) ||
		    !isprint((unsigned char)s[i]))
			return false;
	return true;
}

bool parse_hostname_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, label = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;  /* the root's dot of a fully qualified name */
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
		if (label++ == 0 && s[i] == '-')
			return false;
	}
	return true;
}
