/* dtcps's operator sockets, made as root; see ctl_sockets.h. */
#include "server/ctl_sockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* True when a server answers at path: then the file is not ours to
 * replace. */
static bool ctl_unix_live(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return live;
}

int ctl_unix_socket(const struct server_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(cfg->ctl_path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "-C %s: a socket path has at most %zu "
			 "octets", cfg->ctl_path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	strcpy(sun.sun_path, cfg->ctl_path);
	if (lstat(cfg->ctl_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "-C %s exists and is not a "
				 "socket; remove it or choose another path",
				 cfg->ctl_path);
			return -1;
		}
		if (ctl_unix_live(&sun)) {
			snprintf(err, errlen, "-C %s: another dtcps answers "
				 "there; stop it or choose another path",
				 cfg->ctl_path);
			return -1;
		}
		unlink(cfg->ctl_path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create the control socket: %s",
			 strerror(errno));
		return -1;
	}
	/* Born with the final mode: never open to others, not even for a
	 * moment. */
	old = umask(cfg->has_ctl_group ? 0117 : 0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		snprintf(err, errlen, "-C %s: %s", cfg->ctl_path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if ((cfg->has_ctl_group &&
	     fchownat(AT_FDCWD, cfg->ctl_path, 0, cfg->ctl_gid,
		      AT_SYMLINK_NOFOLLOW) < 0) ||
	    listen(fd, CTL_BACKLOG) < 0) {
		snprintf(err, errlen, "-C %s: %s", cfg->ctl_path,
			 strerror(errno));
		close(fd);
		unlink(cfg->ctl_path);
		return -1;
	}
	return fd;
}

int ctl_metrics_socket(const struct server_config *cfg, char *err,
		       size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr = cfg->metrics_addr,
				   .sin_port = htons(cfg->metrics_port) };
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create the metrics socket: %s",
			 strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, CTL_BACKLOG) < 0) {
		snprintf(err, errlen, "-H %s:%u: %s%s", inet_ntoa(sin.sin_addr),
			 cfg->metrics_port, strerror(errno),
			 errno == EADDRNOTAVAIL ? " (not an address of this "
			 "host)" : errno == EADDRINUSE ? " (choose another "
			 "port)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

void ctl_unix_remove(const struct server_config *cfg)
{
	if (cfg->ctl_path != NULL && *cfg->ctl_path != '\0')
		unlink(cfg->ctl_path);
}

int ctl_group_lookup(struct server_config *cfg, const char *name, char *err,
		     size_t errlen)
{
	struct group *gr = getgrnam(name);

	if (gr == NULL) {
		snprintf(err, errlen, "-G %s: no such group", name);
		return -1;
	}
	cfg->has_ctl_group = true;
	cfg->ctl_gid = gr->gr_gid;
	cfg->nctl_members = 0;
	for (char **m = gr->gr_mem; *m != NULL; m++) {
		struct passwd *pw = getpwnam(*m);

		if (pw == NULL)
			continue;
		if (cfg->nctl_members == SERVER_CTL_MEMBERS_MAX) {
			snprintf(err, errlen, "-G %s: more than %u members; "
				 "make it the users' primary group instead",
				 name, SERVER_CTL_MEMBERS_MAX);
			return -1;
		}
		cfg->ctl_members[cfg->nctl_members++] = pw->pw_uid;
	}
	return 0;
}
