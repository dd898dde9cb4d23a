/* Option parsing shared by dtcpc and dtcpclient: the defaults, strict
 * option values and one-line fatal errors that say what to fix. */
#ifndef DTCP_CLIENT_CLI_H
#define DTCP_CLIENT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/config.h"

/* The defaults both clients share, and the program's name for error
 * messages. */
void cli_init(struct client_config *cfg, enum client_kind kind,
	      const char *progname, const char *authfile);

/* Print "<prog>: <message>" on stderr and exit 1. */
void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						   __noreturn__));

/* A number within [min, max] or a fatal error naming `what`. */
unsigned cli_uint(const char *s, uint64_t min, uint64_t max, const char *what);

/* Apply an option both clients share (-b -B -d -D -E -F -k -l -m -n -p
 * -t -u -U). Returns false when `ch` is not one of them. */
bool cli_common_option(int ch, const char *arg, struct client_config *cfg,
		       const char **user);

/* The error for getopt's ':' (missing value) or '?' (unknown option). */
void cli_bad_option(int ch) __attribute__((__noreturn__));

/* Take the one non-option argument, the server, or die saying why. */
void cli_server_arg(struct client_config *cfg, int argc, char **argv);

/* Checks common to both clients after option parsing: user name (default
 * the login name), -U, -B/-n/-k combinations. */
void cli_finish(struct client_config *cfg, const char *user);

#endif
