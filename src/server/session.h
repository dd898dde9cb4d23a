/* One control connection of dtcps: reads lines, runs the DTCP state
 * machine, owns the session's tunnel and its timer. */
#ifndef DTCP_SESSION_H
#define DTCP_SESSION_H

#include <netinet/in.h>
#include <time.h>

#include "server/server.h"

/* Take over an accepted, non-blocking connection: send the greeting and
 * start the login timer. On failure the descriptor is closed. */
void session_accept(struct server *srv, int fd, const struct sockaddr_in *peer,
		    const struct sockaddr_in *local);

/* What the operator's views show of a session with a tunnel. */
struct session_info {
	unsigned id;
	const char *user;
	const char *peer_text;      /* the control connection's peer */
	time_t up_since;            /* when the tunnel came up */
	const struct tunnel *tunnel;
};

typedef void session_visit_fn(void *arg, const struct session_info *si);

/* Call fn for every session that has a tunnel, newest first. */
void session_foreach(struct server *srv, session_visit_fn *fn, void *arg);

/* End the sessions with a tunnel whose id (decimal) or user is target:
 * each is told why ("-ERR <why>") and closed. Returns how many. */
unsigned session_disconnect(struct server *srv, const char *target,
			    const char *why);

/* Free the sessions closed during the last batch of events. */
void session_reap(struct server *srv);

/* Close every session and release its tunnel (at shutdown). */
void session_close_all(struct server *srv);

#endif
