/* Opening a configuration or password file to read: only a regular file,
 * never blocking on the way (a FIFO is refused, not waited on), a symbolic
 * link refused when asked. */
#ifndef DTCP_RDFILE_H
#define DTCP_RDFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

/* Open path for reading with stdio, filling *st. Returns the stream, or
 * NULL with errno set: ENOENT when it does not exist (err untouched), else
 * with a message naming the file in err[errlen] ("not a regular file", or
 * the error: ELOOP for a link with nofollow). */
FILE *rdfile_open(const char *path, bool nofollow, struct stat *st,
		  char *err, size_t errlen);

#endif
