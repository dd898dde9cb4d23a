/* Client password file lookup. */
#include "client/authfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/rdfile.h"

#define AUTHFILE_LINE_MAX 1024

int authfile_lookup(const char *path, const char *server, const char *user,
		    char *pw, size_t size, char *err, size_t errlen)
{
	char line[AUTHFILE_LINE_MAX + 2], iobuf[4096];
	unsigned lineno = 0;
	struct stat st;
	int ret = 0;
	FILE *f;

	f = rdfile_open(path, true, &st, err, errlen);
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s: holds passwords but is accessible "
			 "by group or others; run chmod 600 %s", path, path);
		fclose(f);
		return -1;
	}
	/* Our own stdio buffer, so that it can be wiped: the file holds
	 * passwords, and freed memory would keep them. */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		char *u, *p;

		lineno++;
		if (len > AUTHFILE_LINE_MAX ||
		    (len > 0 && line[len - 1] != '\n' && !feof(f))) {
			snprintf(err, errlen, "%s:%u: line too long", path,
				 lineno);
			ret = -1;
			break;
		}
		/* The line end only: a CR inside a password is part of it. */
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		u = strchr(line, ':');
		p = u ? strchr(u + 1, ':') : NULL;
		if (p == NULL) {
			snprintf(err, errlen, "%s:%u: expected "
				 "server:user:password", path, lineno);
			ret = -1;
			break;
		}
		*u++ = '\0';
		*p++ = '\0';
		if (strcmp(line, server) != 0 || strcmp(u, user) != 0)
			continue;
		if (strlen(p) >= size) {
			snprintf(err, errlen, "%s:%u: password too long", path,
				 lineno);
			ret = -1;
			break;
		}
		strcpy(pw, p);
		ret = 1;
		break;
	}
	if (ret == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: cannot read it", path);
		ret = -1;
	}
	explicit_bzero(line, sizeof(line));
	fclose(f);
	explicit_bzero(iobuf, sizeof(iobuf));
	return ret;
}
