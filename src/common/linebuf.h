/* A fixed-size input buffer that splits a byte stream into lines. A line
 * longer than the buffer is an error, never a reallocation. */
#ifndef DTCP_LINEBUF_H
#define DTCP_LINEBUF_H

#include <stddef.h>
#include <sys/types.h>

#define LINEBUF_MAX 512   /* bytes of a line including its LF */

struct linebuf {
	char buf[LINEBUF_MAX];
	size_t len;
	size_t consumed;   /* bytes of buf already returned as lines */
};

/* Read what fd has (one recv, non-blocking). Returns the number of bytes
 * read, 0 at end of file, -EAGAIN when there is nothing to do now (nothing
 * ready, interrupted, or the buffer is full: take lines first), or another
 * -errno when the connection failed. */
ssize_t linebuf_fill(struct linebuf *lb, int fd);

/* Move the next complete line, without its LF, into out[LINEBUF_MAX] as
 * a NUL-terminated string and its length into *len. Returns 1 for a line,
 * 0 when no complete line is buffered, -1 when the buffer is full and
 * holds no LF (the line is too long). The caller strips CR and checks
 * bytes (proto_line_prepare). */
int linebuf_next(struct linebuf *lb, char *out, size_t *len);

#endif
