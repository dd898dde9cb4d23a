/* The operator's sockets of dtcps, served by the engine: dtcpctl's UNIX
 * socket (show, metrics, disconnect) and the optional HTTP listener of
 * /metrics for a Prometheus server.
 *
 * Why the engine and not the privileged parent: everything these answer
 * (sessions, endpoints, counters) lives in the engine, and disconnecting
 * a session is the engine's own business, so no request here needs
 * privilege and none reaches the parent. The parent, as root, creates
 * the UNIX socket with mode 0600 (or 0660 and the -G group), which is what
 * keeps other users out; the engine checks the peer's credentials again
 * (SO_PEERCRED) before it reads a byte. A subverted engine could lie in
 * its answers, but it holds nothing more through these sockets than it
 * already has: they carry requests to it, never from it. */
#ifndef DTCP_CTL_H
#define DTCP_CTL_H

#include "server/server.h"

#define CTL_MAX_CONNS 8          /* connections at once, on each socket */
#define CTL_REQUEST_MAX 2048     /* a command line, or an HTTP request head */
#define CTL_TIMEOUT_MS 5000      /* to send the request and read the reply */

/* Start serving srv->ctl_fd and srv->metrics_fd (either may be -1). */
int ctl_start(struct server *srv);

/* Free the connections closed during the last batch of events. */
void ctl_reap(struct server *srv);

/* Close every connection (at shutdown). */
void ctl_stop(struct server *srv);

#endif
