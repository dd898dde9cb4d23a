/* A client's engine process (see engine.c). */
#ifndef DTCP_CLIENT_ENGINE_H
#define DTCP_CLIENT_ENGINE_H

#include <sys/types.h>

#include "client/config.h"
#include "os/sandbox.h"

/* Enter the sandbox as user, then run the sessions (reconnect.c), asking
 * the parent over chan; `parent` is the parent's pid (the engine dies with
 * it). Returns the engine's exit status. */
int engine_main(const struct client_config *cfg,
		const struct sandbox_user *user, int chan, pid_t parent);

#endif
