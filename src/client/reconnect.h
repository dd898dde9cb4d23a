/* The client engine's outer loop (see reconnect.c). */
#ifndef DTCP_CLIENT_RECONNECT_H
#define DTCP_CLIENT_RECONNECT_H

#include "client/config.h"

/* Run sessions until the end: with cfg->reconnect, retry transient
 * failures with backoff, and SIGHUP at once; signals arrive on sigfd.
 * Returns the exit status. */
int reconnect_run(const struct client_config *cfg, int sigfd);

#endif
