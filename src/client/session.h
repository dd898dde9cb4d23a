/* One client session in the engine: log in, have the parent bring the
 * tunnel up, relay until a signal or the server ends it, then have
 * everything removed. */
#ifndef DTCP_CLIENT_SESSION_H
#define DTCP_CLIENT_SESSION_H

#include <stdint.h>

#include "client/config.h"

/* How a session ended, which decides what the reconnect loop does. */
enum session_end {
	SESSION_END_STOP,      /* SIGINT/SIGTERM: quit sent, exit 0 */
	SESSION_END_HUP,       /* SIGHUP: reconnect at once */
	SESSION_END_RETRY,     /* a transient failure: retry with -l */
	SESSION_END_FATAL,     /* wrong password or configuration: give up */
};

/* Run one session, watching sigfd. *lived_ms gets how long the tunnel was
 * up. */
enum session_end session_run(const struct client_config *cfg, int sigfd,
			     uint64_t *lived_ms);

#endif
