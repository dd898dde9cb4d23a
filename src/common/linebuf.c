/* Line splitting over a fixed buffer. */
#include "common/linebuf.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

ssize_t linebuf_fill(struct linebuf *lb, int fd)
{
	ssize_t n;

	if (lb->consumed) {
		memmove(lb->buf, lb->buf + lb->consumed, lb->len - lb->consumed);
		lb->len -= lb->consumed;
		lb->consumed = 0;
	}
	/* A full buffer is the caller's to drain (linebuf_next reports a
	 * line that can never fit). */
	if (lb->len == sizeof(lb->buf))
		return -EAGAIN;
	n = recv(fd, lb->buf + lb->len, sizeof(lb->buf) - lb->len,
		 MSG_DONTWAIT);
	if (n < 0)
		return errno == EINTR || errno == EWOULDBLOCK ? -EAGAIN : -errno;
	lb->len += (size_t)n;
	return n;
}

int linebuf_next(struct linebuf *lb, char *out, size_t *len)
{
	char *start = lb->buf + lb->consumed;
	size_t avail = lb->len - lb->consumed;
	char *lf = memchr(start, '\n', avail);

	if (lf == NULL)
		return (lb->consumed == 0 && lb->len == sizeof(lb->buf)) ? -1
									: 0;
	*len = (size_t)(lf - start);
	memcpy(out, start, *len);
	out[*len] = '\0';
	lb->consumed += *len + 1;
	if (lb->consumed == lb->len)
		lb->consumed = lb->len = 0;
	return 1;
}
