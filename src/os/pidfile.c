/* Lock-guarded pidfiles. */
#include "os/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int pidfile_acquire(struct pidfile *pf, const char *path, pid_t *holder)
{
	char buf[32];
	ssize_t n;
	int fd;

	pf->fd = -1;
	*holder = 0;
	if (strlen(path) >= sizeof(pf->path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			*holder = (pid_t)strtol(buf, NULL, 10);
		}
		close(fd);
		return err == EWOULDBLOCK ? -EEXIST : -err;
	}
	strcpy(pf->path, path);
	pf->fd = fd;
	return 0;
}

int pidfile_write(struct pidfile *pf)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	/* A stale file from a crash may hold a longer pid: replace it all. */
	if (ftruncate(pf->fd, 0) < 0 || pwrite(pf->fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

void pidfile_release(struct pidfile *pf)
{
	if (pf->fd < 0)
		return;
	unlink(pf->path);
	close(pf->fd);
	pf->fd = -1;
}
