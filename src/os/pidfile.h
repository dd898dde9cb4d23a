/* A pidfile guarded by an advisory lock: a live instance holds the lock for
 * its whole life, so a file left by a crash is recognised as stale. */
#ifndef DTCP_PIDFILE_H
#define DTCP_PIDFILE_H

#include <sys/types.h>

struct pidfile {
	char path[256];
	int fd;
};

/* Open and lock `path`. Returns 0; -EEXIST when a live instance holds it
 * (its pid in *holder when readable, else 0); -ENAMETOOLONG or -errno. */
int pidfile_acquire(struct pidfile *pf, const char *path, pid_t *holder);

/* Write the calling process's pid (call after daemonizing). 0 or -errno. */
int pidfile_write(struct pidfile *pf);

/* Remove the file and drop the lock. Safe on a pidfile never acquired. */
void pidfile_release(struct pidfile *pf);

#endif
