/* dtcpauth: create the dtcps password file and add, change, delete and list
 * its users. Never prints a secret; every change is written atomically by
 * authdb_save(). */
#include "authdb/authdb.h"
#include "common/tty.h"
#include "proto/proto.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DTCP_SYSCONFDIR
#define DTCP_SYSCONFDIR "/etc/dtcp"
#endif

#define PROG "dtcpauth"

enum action { ACT_NONE, ACT_INIT, ACT_SET, ACT_DELETE, ACT_LIST };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [-f file] --init\n"
		"       " PROG " [-f file] -u user [password]\n"
		"       " PROG " [-f file] -d user\n"
		"       " PROG " [-f file] -l user|ALL\n"
		"  -f file  password file (default " DTCP_SYSCONFDIR
		"/dtcps.auth)\n"
		"  --init   create an empty password file (mode 0600)\n"
		"  -u user  add the user or change its password; without a\n"
		"           password argument, prompt twice on the terminal\n"
		"  -d user  delete the user\n"
		"  -l user  print the user name if it exists (exit 1 if not);\n"
		"           -l ALL lists every user; secrets are never shown\n"
		"  -h       show this help\n");
}

static void __attribute__((format(printf, 1, 2))) complain(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct authdb *load(const char *file)
{
	struct authdb_error err;
	struct authdb *db;

	if (authdb_load(file, true, &db, &err) == 0)
		return db;
	if (err.line > 0)
		complain("%s:%u: %s", file, err.line, err.msg);
	else
		complain("%s: %s", file, err.msg);
	return NULL;
}

static int save(const struct authdb *db, const char *file)
{
	int rc = authdb_save(db, file);

	if (rc == 0)
		return 0;
	if (rc == -EACCES || rc == -EPERM || rc == -EROFS)
		complain("cannot write %s: %s; run as root or check the "
		      "directory's permissions",
		      file, strerror(-rc));
	else
		complain("cannot write %s: %s; the file is unchanged", file,
		      strerror(-rc));
	return -1;
}

/* The directory part of `file`, for messages. */
static void dir_of(const char *file, char *dir, size_t len)
{
	const char *slash = strrchr(file, '/');

	if (slash == NULL)
		snprintf(dir, len, ".");
	else if (slash == file)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - file), file);
}

static int do_init(const char *file)
{
	char dir[4096];
	int fd;

	/* O_EXCL: never truncate an existing database, even in a race. */
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  S_IRUSR | S_IWUSR);
	if (fd < 0) {
		int e = errno;

		dir_of(file, dir, sizeof(dir));
		if (e == EEXIST)
			complain("%s already exists; add users with -u, or remove "
			      "it first to start over",
			      file);
		else if (e == ENOENT)
			complain("directory %s does not exist; create it first "
			      "(mkdir -p %s)",
			      dir, dir);
		else if (e == EACCES || e == EPERM || e == EROFS)
			complain("cannot create %s: %s; run as root or check the "
			      "permissions of %s",
			      file, strerror(e), dir);
		else
			complain("cannot create %s: %s", file, strerror(e));
		return -1;
	}
	/* The umask can only narrow the mode; make it exact anyway. */
	if (fchmod(fd, S_IRUSR | S_IWUSR) < 0 || fsync(fd) < 0) {
		complain("cannot set up %s: %s; remove it and try again", file,
		      strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		complain("cannot write %s: %s; remove it and try again", file,
		      strerror(errno));
		return -1;
	}
	return 0;
}

/* Read one password with echo off into buf (AUTHDB_SECRET_MAX + 2 bytes).
 * Returns the length, or -1 with a message printed. */
static ssize_t read_secret(const char *prompt, char *buf)
{
	int n = tty_read_secret(prompt, buf, AUTHDB_SECRET_MAX + 2);

	switch (n) {
	case -ENXIO:
		complain("no terminal to ask for the password on; give it as an "
		      "argument");
		return -1;
	case -ENODATA:
		complain("no password entered (end of input); the file is "
		      "unchanged");
		return -1;
	case -ENOBUFS:
		complain("password longer than %d bytes; choose a shorter one",
		      AUTHDB_SECRET_MAX);
		return -1;
	case -EINTR:
		complain("interrupted; the file is unchanged");
		return -1;
	default:
		if (n < 0) {
			complain("cannot read the password from the terminal: "
			      "%s; give it as an argument", strerror(-n));
			return -1;
		}
		if (n > AUTHDB_SECRET_MAX) {
			authdb_wipe(buf, AUTHDB_SECRET_MAX + 2);
			complain("password longer than %d bytes; choose a shorter "
			      "one", AUTHDB_SECRET_MAX);
			return -1;
		}
		return n;
	}
}

/* Ask twice on the terminal; both entries must match. */
static ssize_t prompt_secret(const char *user, char *buf)
{
	char again[AUTHDB_SECRET_MAX + 2], prompt[PROTO_USER_MAX + 32];
	ssize_t n, m;

	snprintf(prompt, sizeof(prompt), "password for %s: ", user);
	n = read_secret(prompt, buf);
	if (n < 0)
		return -1;
	m = read_secret("again: ", again);
	if (m < 0) {
		authdb_wipe(buf, AUTHDB_SECRET_MAX + 2);
		return -1;
	}
	if (m != n || memcmp(buf, again, (size_t)n) != 0) {
		authdb_wipe(buf, AUTHDB_SECRET_MAX + 2);
		authdb_wipe(again, sizeof(again));
		complain("the two passwords differ; the file is unchanged, try "
		      "again");
		return -1;
	}
	authdb_wipe(again, sizeof(again));
	return n;
}

static int check_user(const char *user)
{
	if (proto_user_ok(user))
		return 0;
	char shown[PROTO_USER_MAX + 2];
	size_t i;

	/* Shown escaped and truncated: it came from the command line. */
	for (i = 0; i + 1 < sizeof(shown) && user[i] != '\0'; i++)
		shown[i] = user[i] > 0x20 && user[i] < 0x7f ? user[i] : '?';
	shown[i] = '\0';
	complain("bad user name '%s'; use 1-%d letters, digits and . _ @ + - "
	      "(not starting with -)",
	      shown, PROTO_USER_MAX);
	return -1;
}

static int do_set(const char *file, const char *user, const char *arg)
{
	char buf[AUTHDB_SECRET_MAX + 2];
	struct authdb *db;
	size_t len;
	int rc = -1;

	if (check_user(user) < 0 || (db = load(file)) == NULL)
		return -1;
	if (arg != NULL) {
		len = strlen(arg);
		if (len > AUTHDB_SECRET_MAX) {
			complain("password longer than %d bytes; choose a "
			      "shorter one",
			      AUTHDB_SECRET_MAX);
			goto out;
		}
		memcpy(buf, arg, len);
	} else {
		ssize_t n = prompt_secret(user, buf);

		if (n < 0)
			goto out;
		len = (size_t)n;
	}
	if (len == 0) {
		complain("empty password refused; choose a non-empty one");
		goto out;
	}
	if (memchr(buf, '\n', len) != NULL) {
		complain("password contains a newline; choose one without");
		goto out;
	}
	if (authdb_set(db, user, (const uint8_t *)buf, len) < 0) {
		complain("out of memory; the file is unchanged");
		goto out;
	}
	rc = save(db, file);
out:
	authdb_wipe(buf, sizeof(buf));
	authdb_free(db);
	return rc;
}

static int do_delete(const char *file, const char *user)
{
	struct authdb *db;
	int rc = -1;

	if (check_user(user) < 0 || (db = load(file)) == NULL)
		return -1;
	if (authdb_delete(db, user) < 0)
		complain("no user %s in %s; list users with " PROG " -l ALL", user,
		      file);
	else
		rc = save(db, file);
	authdb_free(db);
	return rc;
}

static int do_list(const char *file, const char *user)
{
	uint8_t secret[AUTHDB_SECRET_MAX];
	struct authdb *db;
	size_t i, len;
	int rc = 0;

	if (strcmp(user, "ALL") != 0 && check_user(user) < 0)
		return -1;
	if ((db = load(file)) == NULL)
		return -1;
	if (strcmp(user, "ALL") == 0) {
		for (i = 0; i < authdb_count(db); i++)
			printf("%s\n", authdb_user_at(db, i));
	} else if (authdb_lookup(db, user, secret, &len) == 0) {
		printf("%s\n", user);
	} else {
		complain("no user %s in %s; list users with " PROG " -l ALL", user,
		      file);
		rc = -1;
	}
	authdb_wipe(secret, sizeof(secret));
	authdb_free(db);
	if (rc == 0 && (fflush(stdout) == EOF || ferror(stdout))) {
		complain("cannot write to standard output: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "init", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = DTCP_SYSCONFDIR "/dtcps.auth";
	const char *user = NULL, *password = NULL;
	enum action act = ACT_NONE;
	int ch, nact = 0, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":f:u:d:l:h", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case 'I':
			act = ACT_INIT;
			nact++;
			break;
		case 'u':
			act = ACT_SET;
			user = optarg;
			nact++;
			break;
		case 'd':
			act = ACT_DELETE;
			user = optarg;
			nact++;
			break;
		case 'l':
			act = ACT_LIST;
			user = optarg;
			nact++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			complain("option -%c needs %s; see " PROG " -h", optopt,
			      optopt == 'f' ? "a file name" : "a user name");
			return 1;
		default:
			/* After -u the stray "option" may be a password:
			 * do not echo it. */
			if (act == ACT_SET)
				complain("unknown option; put -- before a "
				      "password that starts with '-'");
			else if (optopt != 0)
				complain("unknown option -%c; see " PROG " -h",
				      optopt);
			else
				complain("unknown option %.*s; see " PROG " -h",
				      (int)strcspn(argv[optind - 1], "="),
				      argv[optind - 1]);
			return 1;
		}
	}
	if (nact != 1) {
		complain("give exactly one of --init, -u, -d, -l; see " PROG
		      " -h");
		return 1;
	}
	if (file[0] == '\0') {
		complain("empty file name given to -f; name the password file");
		return 1;
	}
	if (act == ACT_SET && optind < argc)
		password = argv[optind++];
	if (optind < argc) {
		/* Not echoed: a misplaced argument may be a password. */
		complain("unexpected extra argument; see " PROG " -h");
		return 1;
	}

	switch (act) {
	case ACT_INIT:
		rc = do_init(file);
		break;
	case ACT_SET:
		rc = do_set(file, user, password);
		break;
	case ACT_DELETE:
		rc = do_delete(file, user);
		break;
	case ACT_LIST:
		rc = do_list(file, user);
		break;
	default:
		rc = -1;
		break;
	}
	return rc < 0 ? 1 : 0;
}
