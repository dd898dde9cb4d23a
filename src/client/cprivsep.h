/* The clients' privilege separation. The root parent keeps the password,
 * the resolver, the TUN device creation, netlink and the scripts; the
 * engine (control session, relay, reconnects) runs as an unprivileged
 * user, chrooted, under seccomp, and asks the parent over a socketpair
 * with fixed-size messages that the parent checks (type, exact length,
 * fields, and state: one tunnel at a time, "down" only after "up"). */
#ifndef DTCP_CPRIVSEP_H
#define DTCP_CPRIVSEP_H

#include <net/if.h>
#include <netinet/in.h>
#include <sys/types.h>

#include "client/client.h"
#include "proto/proto.h"

#define CPS_ADDRS_MAX 8

/* Engine side; a broken channel is fatal (the parent is gone). */
void cps_engine_init(int sock);

/* The server's IPv4 addresses, resolved again by the parent. Returns how
 * many (>= 1), or -1 after logging why. */
int cps_resolve(struct in_addr addrs[CPS_ADDRS_MAX]);

/* A UDP socket bound to addr and the configured port (-b). Returns the
 * descriptor or -errno. */
int cps_udp_socket(struct in_addr addr);

/* The login digest for `challenge` (32 hex digits), into out[33]. The
 * password stays in the parent. Returns 0 or -1. */
int cps_digest(const char *challenge, char out[PROTO_DIGEST_LEN + 1]);

/* Bring the tunnel up for `reply`. Returns the TUN descriptor and its name
 * in ifname, or TUNCTL_ERR_FATAL / TUNCTL_ERR_RETRY. */
int cps_tunnel_up(const struct proto_tunnel_reply *reply,
		  char ifname[IFNAMSIZ]);

/* Undo "up" (the "down" script) while the engine still holds the TUN
 * descriptor; returns when done. */
void cps_tunnel_down(void);

/* Parent side: serve the engine until it exits, log what it sends on
 * log_fd (see log_relay), run "down" if it died with the tunnel up.
 * Returns the exit status. */
int cps_parent_run(int sock, int log_fd, pid_t engine,
		   const struct client_config *cfg, const char *password);

#endif
