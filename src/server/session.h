/* One control connection of dtcps: reads lines, runs the DTCP state
 * machine, owns the session's tunnel and its timer. */
#ifndef DTCP_SESSION_H
#define DTCP_SESSION_H

#include <netinet/in.h>

#include "server/server.h"

/* Take over an accepted, non-blocking connection: send the greeting and
 * start the login timer. On failure the descriptor is closed. */
void session_accept(struct server *srv, int fd, const struct sockaddr_in *peer,
		    const struct sockaddr_in *local);

/* Free the sessions closed during the last batch of events. */
void session_reap(struct server *srv);

/* Close every session and release its tunnel (at shutdown). */
void session_close_all(struct server *srv);

#endif
