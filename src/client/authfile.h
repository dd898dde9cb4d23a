/* The client's password file: "server:user:password" lines (the password
 * runs to the end of the line and may contain ':'). */
#ifndef DTCP_AUTHFILE_H
#define DTCP_AUTHFILE_H

#include <stddef.h>

/* Find the password for server and user in `path`. Returns 1 and fills
 * pw[size], 0 when the file has no such line or does not exist, -1 with a
 * message in err[errlen] (naming the file, line and fix) when the file
 * cannot be used: readable by group or others, unreadable, malformed. */
int authfile_lookup(const char *path, const char *server, const char *user,
		    char *pw, size_t size, char *err, size_t errlen);

#endif
