/* Option parsing shared by dtcpc and dtcpclient: the defaults, strict
 * option values and one-line fatal errors that say what to fix. */
#ifndef DTCP_CLIENT_CLI_H
#define DTCP_CLIENT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/config.h"

/* The help lines of the options -k to -p, the same in both clients. */
#define CLI_HELP_K_TO_P \
"  -k secs   NAT traversal: send a keepalive after this many seconds\n" \
"            without sending (default 25, 0: never)\n" \
"  -l        reconnect when the session ends (backoff 1 s to 300 s)\n" \
"  -m mtu    tunnel MTU (default 1280)\n" \
"  -n        behind a NAT: skip the address check; without -B the\n" \
"            server learns our public UDP endpoint (NAT traversal)\n" \
"  -p port   server TCP port (default 20200)\n"

/* The defaults both clients share, and the program's name for error
 * messages. */
void cli_init(struct client_config *cfg, enum client_kind kind,
	      const char *progname, const char *authfile);

/* Print "<prog>: <message>" on stderr and exit 1. */
void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						   __noreturn__));

/* A number within [min, max] or a fatal error naming `what`. */
unsigned cli_uint(const char *s, uint64_t min, uint64_t max, const char *what);

/* The options both clients share, in getopt's syntax. */
#define CLI_COMMON_OPTS "b:B:dDE:F:k:lm:np:t:u:U"

/* The next option that is not one of CLI_COMMON_OPTS (those are applied
 * to cfg, and -u's value to *user), from getopt with the program's `own`
 * options; getopt's ':' or '?' for a missing value or an unknown option;
 * -1 at the end. */
int cli_next_option(int argc, char **argv, const char *own,
		    struct client_config *cfg, const char **user);

/* The error for getopt's ':' (missing value) or '?' (unknown option). */
void cli_bad_option(int ch) __attribute__((__noreturn__));

/* Take the one non-option argument, the server, or die saying why. */
void cli_server_arg(struct client_config *cfg, int argc, char **argv);

/* Checks common to both clients after option parsing: user name (default
 * the login name), -U, -B/-n/-k combinations. */
void cli_finish(struct client_config *cfg, const char *user);

/* path, for a file that may not exist yet, with its directory made
 * absolute (a daemon works from "/") into buf[PATH_MAX]; a fatal error
 * naming `what` when that directory does not exist. */
const char *cli_absolute_dir(const char *path, char *buf, const char *what);

#endif
