/* dtcpctl: the operator's view of a running dtcps, over its UNIX socket
 * (dtcps -C): sessions, metrics, disconnecting a user. It sends one
 * command line and prints the answer; an answer that starts "error: " is
 * printed on standard error and the exit status is 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto/proto.h"

#define DTCPCTL_SOCKET "/run/dtcps.sock"
#define DTCPCTL_TIMEOUT_S 10

static void usage(FILE *f)
{
	fprintf(f,
"usage: dtcpctl [-s socket] show [--json]\n"
"       dtcpctl [-s socket] disconnect session-id|user\n"
"       dtcpctl [-s socket] metrics\n"
"  -s path   dtcps's control socket (default " DTCPCTL_SOCKET ", dtcps -C)\n"
"  show      one line per session with a tunnel, then a summary;\n"
"            --json: one JSON object (see dtcpctl(8))\n"
"  disconnect  end the sessions of that id or user (they are told why)\n"
"  metrics   the Prometheus text exposition\n");
}

static int ctl_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = DTCPCTL_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "dtcpctl: %s: path too long\n", path);
		exit(1);
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("dtcpctl: socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	if (errno == ENOENT || errno == ECONNREFUSED)
		fprintf(stderr, "dtcpctl: no dtcps answers at %s: is it "
			"running, and with this -C? (dtcpctl -s)\n", path);
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "dtcpctl: %s: permission denied: run as root, "
			"or as a member of the group dtcps was given with -G\n",
			path);
	else
		fprintf(stderr, "dtcpctl: %s: %s\n", path, strerror(errno));
	exit(1);
}

/* Send the command, copy the answer to standard output, or to standard
 * error when it is an error. Returns the exit status. */
static int ctl_run(const char *path, const char *cmd)
{
	char buf[65536];
	size_t cmdlen = strlen(cmd);
	bool first = true, error = false;
	int fd = ctl_connect(path);
	ssize_t n;

	if (send(fd, cmd, cmdlen, MSG_NOSIGNAL) != (ssize_t)cmdlen) {
		fprintf(stderr, "dtcpctl: sending to %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		if (first)
			error = n >= 7 && memcmp(buf, "error: ", 7) == 0;
		first = false;
		if (fwrite(buf, 1, (size_t)n, error ? stderr : stdout) !=
		    (size_t)n) {
			perror("dtcpctl: write");
			return 1;
		}
	}
	if (n < 0) {
		fprintf(stderr, "dtcpctl: reading from %s: %s\n", path,
			errno == EAGAIN ? "no answer within 10 s"
					: strerror(errno));
		return 1;
	}
	if (first) {
		fprintf(stderr, "dtcpctl: dtcps closed the connection without "
			"an answer (see its log)\n");
		return 1;
	}
	close(fd);
	return error ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *path = DTCPCTL_SOCKET;
	char cmd[PROTO_USER_MAX + 32];
	int ch;

	while ((ch = getopt(argc, argv, "+hs:")) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 && strcmp(argv[0], "show") == 0)
		return ctl_run(path, "show\n");
	if (argc == 2 && strcmp(argv[0], "show") == 0 &&
	    strcmp(argv[1], "--json") == 0)
		return ctl_run(path, "show json\n");
	if (argc == 1 && strcmp(argv[0], "metrics") == 0)
		return ctl_run(path, "metrics\n");
	if (argc == 2 && strcmp(argv[0], "disconnect") == 0) {
		if (!proto_user_ok(argv[1])) {
			fprintf(stderr, "dtcpctl: \"%.64s\" is neither a session "
				"id nor a user name\n", argv[1]);
			return 1;
		}
		snprintf(cmd, sizeof(cmd), "disconnect %s\n", argv[1]);
		return ctl_run(path, cmd);
	}
	usage(stderr);
	return 1;
}
