/* Client prefix delegation (dtcpc -P): parses and checks the
 * "ifname/SLA-id/host-id/plen[,...]" list and numbers each LAN interface
 * from the prefix the server delegates. Pure: no I/O, no logging. */
#ifndef DTCP_DELEGATE_H
#define DTCP_DELEGATE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Accepted syntax of one -P argument (no spaces anywhere):
 *
 *   list     = spec *("," spec)            1..DELEGATE_SPECS_MAX specs
 *   spec     = ifname "/" sla-id [ "/" [host-id] [ "/" [plen] ] ]
 *   ifname   = a Linux interface name (parse_ifname_ok), listed once
 *   sla-id   = 1..8 hex digits [0-9a-fA-F], no "0x"
 *   host-id  = 1..16 hex digits, no "0x"; empty or absent = EUI-64
 *              from the interface's MAC (needs plen <= 64)
 *   plen     = decimal 1..128 without leading zeros; empty or absent = 64
 *
 * So "eth1/1", "eth1/1/" and "eth1/1//" all mean "eth1/1//64" (EUI-64
 * on a /64); "eth1/1/1" is "eth1/1/1/64"; "eth1/1//56" is EUI-64
 * on a /56. "eth1" alone, an empty SLA-id, an empty spec (",,", a
 * leading or trailing ",") and a fifth field are errors.
 *
 * The host-id is a plain hex number, as in the original dtcpc, because
 * existing command lines keep working and "fits in 128-plen bits" is
 * then a bit count. It is the interface identifier right-aligned in the
 * address: "1" on a /64 gives ...::1, "10002" gives ...::1:2.
 *
 * The subnet is the delegated prefix P/dlen with the SLA-id right-aligned
 * in bits dlen..plen-1 (its least significant bit at bit plen-1); the
 * address is that subnet ORed with the host-id (or the EUI-64 identifier).
 * A plen of 128 suits a point-to-point link: the SLA-id then numbers the
 * address itself and the host-id must be 0.
 */

#define DELEGATE_SPECS_MAX 8
#define DELEGATE_ARG_MAX 512 /* bytes in one -P argument */
#define DELEGATE_SLA_DIGITS 8 /* hex digits: a 32-bit SLA-id */
#define DELEGATE_HOST_DIGITS 16 /* hex digits: a 64-bit host-id */
#define DELEGATE_PLEN_DEFAULT 64
#define DELEGATE_ERR_LEN 256 /* holds any message below whole */

struct delegate_spec {
	char ifname[IFNAMSIZ];
	uint32_t sla_id;
	uint64_t host_id; /* meaningless when eui64 */
	bool eui64; /* host-id empty: derive it from the MAC */
	unsigned plen; /* 1..128 */
};

struct delegate_list {
	struct delegate_spec spec[DELEGATE_SPECS_MAX];
	size_t n;
};

/* Parses a whole -P argument into *out and runs delegate_check_spec on
 * it. Returns 0 and fills *out, or -1 with a lower-case message naming
 * the spec and what is wrong in err[errlen] (always NUL-terminated when
 * errlen > 0, truncated if short); *out is untouched on error. */
int delegate_parse(const char *arg, struct delegate_list *out, char *err,
		   size_t errlen);

/* What can be known before login, for a list however it was built:
 * 1..DELEGATE_SPECS_MAX specs, each a valid interface name listed once,
 * plen 1..128, the SLA-id fits in plen bits (so under a /0 at least),
 * the host-id fits in 128-plen bits and is not 0 below /127 (0 is the
 * subnet-router anycast address, RFC 4291 2.6.1), EUI-64 only with
 * plen <= 64. Returns 0, or -1 with a message in err[errlen]. */
int delegate_check_spec(const struct delegate_list *l, char *err,
			size_t errlen);

/* The subnet for spec s inside the delegated prefix/dlen: the prefix
 * (dlen 0..128, host bits clear) with s->sla_id in bits dlen..plen-1.
 * Returns 0 and sets *subnet, or -1 with a message in err[errlen] when
 * plen <= dlen or the SLA-id needs more than plen-dlen bits. */
int delegate_subnet(const struct in6_addr *prefix, unsigned dlen,
		    const struct delegate_spec *s, struct in6_addr *subnet,
		    char *err, size_t errlen);

/* The address for spec s: delegate_subnet ORed with the host-id, or with
 * the EUI-64 identifier from mac (read only when s->eui64; it must be a
 * unicast, non-zero MAC, and plen <= 64). Returns 0 and sets *addr (its
 * prefix length is s->plen), or -1 with a message in err[errlen]. */
int delegate_address(const struct in6_addr *prefix, unsigned dlen,
		     const struct delegate_spec *s, const uint8_t mac[6],
		     struct in6_addr *addr, char *err, size_t errlen);

/* The modified EUI-64 interface identifier of a 48-bit MAC (RFC 4291
 * appendix A): the U/L bit flipped and ff:fe inserted in the middle. */
void delegate_eui64(const uint8_t mac[6], uint8_t out[8]);

/* True when router advertisements go on s's interface: not a /128
 * point-to-point link and the user did not pass -a (no_ra). */
bool delegate_wants_ra(const struct delegate_spec *s, bool no_ra);

#endif
