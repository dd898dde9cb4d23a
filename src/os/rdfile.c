/* Regular files opened without blocking. */
#include "os/rdfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

FILE *rdfile_open(const char *path, bool nofollow, struct stat *st,
		  char *err, size_t errlen)
{
	FILE *f = NULL;
	int fd, e = 0;

	/* Non-blocking, so that a FIFO cannot hang the start; refused below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
			(nofollow ? O_NOFOLLOW : 0));
	if (fd < 0) {
		e = errno;
	} else if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		e = EINVAL;
	} else {
		f = fdopen(fd, "r");
		if (f == NULL)
			e = errno;
	}
	if (f != NULL)
		return f;
	if (fd >= 0)
		close(fd);
	if (e != ENOENT)
		snprintf(err, errlen, "%s: %s", path, e == EINVAL
			 ? "not a regular file" : strerror(e));
	errno = e;
	return NULL;
}
