/* Strict parsers for numbers and addresses: whole-string matches only,
 * bounded ranges, no locale, no silent truncation. Pure: no logging. */
#ifndef DTCP_PARSE_H
#define DTCP_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* Decimal digits only (no sign, no spaces, no leading zeros except "0"),
 * value within [min, max]. Returns 0 and sets *out, or -1. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Dotted-quad IPv4 via inet_pton. Returns 0 or -1. */
int parse_ipv4(const char *s, struct in_addr *out);

/* IPv6 text via inet_pton. Returns 0 or -1. */
int parse_ipv6(const char *s, struct in6_addr *out);

/* "addr/len" IPv6 prefix; host bits must be zero. Returns 0 or -1. */
int parse_prefix6(const char *s, struct in6_addr *addr, unsigned *plen);

/* "name<unit>" such as "ng0": splits trailing decimal digits. The stem
 * must be 1..(IFNAMSIZ-6) bytes of [A-Za-z_-]. Returns 0 or -1. */
int parse_ifname_unit(const char *s, char *stem, size_t stemlen,
		      unsigned *unit);

/* True when s is a valid Linux interface name (1..15 bytes, no '/',
 * no whitespace, not "." or ".."). */
bool parse_ifname_ok(const char *s);

/* True when s has the syntax of a host name: dot-separated labels of 1 to
 * 63 letters, digits, '-' (not first or last) or '_', at most 253 bytes,
 * an optional final dot. Says nothing of whether it resolves. */
bool parse_hostname_ok(const char *s);

#endif
