/* Every privileged action of a daemon goes through here: creating TUN
 * devices, configuring them by netlink, and checking a login against the
 * password file (secrets never leave this module). Today it runs in the
 * daemon's own process; the privilege-separated parent will implement the
 * same calls over a socketpair without touching protocol code. */
#ifndef DTCP_PRIV_H
#define DTCP_PRIV_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

/* Open the netlink socket; `authfile` (may be NULL on clients) is loaded
 * and checked now. On failure returns -1 with a message in err[errlen]
 * that names the file, the line and what to fix. */
int priv_init(const char *authfile, char *err, size_t errlen);
void priv_shutdown(void);

/* Create TUN device `name`, set its MTU and bring it up. Returns the
 * descriptor and fills out_name and *ifindex, or -errno (-EBUSY: the name
 * belongs to another device). */
int priv_tun_create(const char *name, unsigned mtu, char out_name[IFNAMSIZ],
		    unsigned *ifindex);

/* Point-to-point /128 address local -> peer on ifindex. 0 or -errno. */
int priv_addr6_add(unsigned ifindex, const struct in6_addr *local,
		   const struct in6_addr *peer);

/* Route dst/plen into ifindex. 0 or -errno. */
int priv_route6_add(unsigned ifindex, const struct in6_addr *dst,
		    unsigned plen);

/* Check `response` for `user` against the password file, re-read when it
 * has changed. Returns 1 for a match, 0 for no match or unknown user
 * (indistinguishable on purpose), -1 when the file cannot be used (the
 * reason is logged once per change). */
int priv_auth_check(const char *user, const char *challenge,
		    const char *response);

#endif
