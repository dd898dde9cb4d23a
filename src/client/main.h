/* The client's parent process (see main.c). */
#ifndef DTCP_CLIENT_MAIN_H
#define DTCP_CLIENT_MAIN_H

#include "client/config.h"

/* The whole life of a client after option parsing; returns the exit
 * status. */
int client_main(struct client_config *cfg);

#endif
