/* dtcps's engine process (see engine.c). */
#ifndef DTCP_SERVER_ENGINE_H
#define DTCP_SERVER_ENGINE_H

#include <sys/types.h>

#include "server/server.h"

/* Enter the sandbox as srv->user, then serve srv->listen_fd until SIGINT
 * or SIGTERM, asking the parent over chan; `parent` is the parent's pid
 * (the engine dies with it). Returns the engine's exit status. */
int engine_main(struct server *srv, int chan, pid_t parent);

#endif
