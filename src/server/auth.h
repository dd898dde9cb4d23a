/* dtcps's password check, in the privileged parent: the password file,
 * re-read whenever it changes (dtcpauth takes effect without a restart, as
 * with the original's DBM), and the challenge-response comparison.
 * Passwords never leave this module; a session's roam1 key, derived from
 * one, does. */
#ifndef DTCP_AUTH_H
#define DTCP_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct auth;

/* Load and check the password file at path. Returns the checker, or NULL
 * with a message in err[errlen] that names the file, the line and what to
 * fix. */
struct auth *auth_open(const char *path, char *err, size_t errlen);

/* Read the file again now, changed or not (SIGHUP). While it is
 * unusable every login is answered as a server error. */
void auth_reload(struct auth *a);

/* Forget every secret. NULL is ignored. */
void auth_close(struct auth *a);

/* Check `response` for `user` and `challenge`. Returns 1 for a match
 * (roam_key, unless NULL, receives the session's roam1 key), 0 for no
 * match or an unknown user (indistinguishable, also in time), -1 when the
 * file cannot be used now (the reason is logged once per change; every
 * login is refused until it is fixed). */
int auth_check(struct auth *a, const char *user, const char *challenge,
	       const char *response, uint8_t *roam_key);

#endif
