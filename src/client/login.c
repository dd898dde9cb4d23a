/* Client connection and login, with every wait bounded. */
#include "client/login.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ev.h"
#include "common/log.h"

static int connect_one(const struct sockaddr_in *sin, int *out)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			close(fd);
			return err;
		}
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (poll(&pfd, 1, LOGIN_TIMEOUT_MS) <= 0) {
			close(fd);
			return ETIMEDOUT;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			close(fd);
			return err;
		}
	}
	*out = fd;
	return 0;
}

int login_connect(const struct client_config *cfg, struct login *lg)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char port[8];
	socklen_t len;
	int rc, err = 0;

	memset(lg, 0, sizeof(*lg));
	lg->fd = -1;
	snprintf(port, sizeof(port), "%u", cfg->port);
	rc = getaddrinfo(cfg->server, port, &hints, &res);
	if (rc != 0) {
		log_warnx("cannot resolve server %s: %s", cfg->server,
			  gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		memcpy(&lg->server, ai->ai_addr, sizeof(lg->server));
		err = connect_one(&lg->server, &lg->fd);
		if (err == 0)
			break;
	}
	freeaddrinfo(res);
	if (lg->fd < 0) {
		log_warnx("cannot connect to %s port %u: %s", cfg->server,
			  cfg->port, strerror(err));
		return -1;
	}
	len = sizeof(lg->local);
	if (getsockname(lg->fd, (struct sockaddr *)&lg->local, &len) < 0) {
		log_warn("getsockname");
		close(lg->fd);
		lg->fd = -1;
		return -1;
	}
	if (log_verbose()) {
		char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

		log_debug("connected to %s:%u from %s",
			  inet_ntop(AF_INET, &lg->server.sin_addr, a, sizeof(a)),
			  cfg->port,
			  inet_ntop(AF_INET, &lg->local.sin_addr, b, sizeof(b)));
	}
	return 0;
}

int login_read_line(struct login *lg, char *line, int timeout_ms)
{
	uint64_t deadline = monotime_ms() + (uint64_t)timeout_ms;
	size_t len;

	for (;;) {
		struct pollfd pfd = { .fd = lg->fd, .events = POLLIN };
		uint64_t now;
		ssize_t n;
		int got = linebuf_next(&lg->in, line, &len);

		if (got < 0) {
			log_warnx("the server sent a line longer than %d bytes",
				  LINEBUF_MAX);
			return -1;
		}
		if (got > 0) {
			if (proto_line_prepare(line, len) < 0) {
				log_warnx("the server sent control characters");
				return -1;
			}
			return 1;
		}
		now = monotime_ms();
		if (now >= deadline ||
		    poll(&pfd, 1, (int)(deadline - now)) == 0) {
			log_warnx("no answer from the server within %d s",
				  timeout_ms / 1000);
			return -1;
		}
		n = linebuf_fill(&lg->in, lg->fd);
		if (n == 0)
			return 0;
		if (n < 0 && n != -EAGAIN && n != -EINTR) {
			log_warnx("reading from the server: %s",
				  strerror((int)-n));
			return -1;
		}
	}
}

int login_send(struct login *lg, const char *buf, size_t len)
{
	ssize_t n = send(lg->fd, buf, len, MSG_NOSIGNAL);

	if (n != (ssize_t)len) {
		log_warnx("sending to the server: %s",
			  n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

int login_request(const struct client_config *cfg, struct login *lg,
		  const char *password, uint16_t udp_port)
{
	char line[LINEBUF_MAX], req[PROTO_LINE_MAX], esc[200];
	char challenge[PROTO_CHALLENGE_LEN + 1];
	char digest[PROTO_DIGEST_LEN + 1];
	const char *errtext;
	int n, rc;

	rc = login_read_line(lg, line, LOGIN_TIMEOUT_MS);
	if (rc == 0)
		log_warnx("the server closed the connection before greeting");
	if (rc <= 0)
		return -1;
	if (proto_parse_greeting(line, challenge) < 0) {
		log_warnx("unexpected greeting from the server: \"%s\" "
			  "(is this a DTCP server?)",
			  log_escape(esc, sizeof(esc), line, strlen(line)));
		return -1;
	}
	proto_digest(cfg->user, challenge, (const uint8_t *)password,
		     strlen(password), digest);
	n = proto_fmt_request(req, sizeof(req), cfg->user, digest, cfg->type,
			      !cfg->udp ? PROTO_UDP_NONE
			      : udp_port ? PROTO_UDP_PORT : PROTO_UDP_LEARN,
			      udp_port);
	explicit_bzero(digest, sizeof(digest));
	if (n < 0) {
		log_warnx("request does not fit in a line");
		return -1;
	}
	log_debug("-> tunnel %s <response> %s%s", cfg->user,
		  proto_type_name(cfg->type), cfg->udp ? " udp" : "");
	rc = login_send(lg, req, (size_t)n);
	explicit_bzero(req, sizeof(req));
	if (rc < 0)
		return -1;
	rc = login_read_line(lg, line, LOGIN_TIMEOUT_MS);
	if (rc == 0)
		log_warnx("the server closed the connection after the login");
	if (rc <= 0)
		return -1;
	log_debug("<- %s", log_escape(esc, sizeof(esc), line, strlen(line)));
	rc = proto_parse_tunnel_reply(line, cfg->type, cfg->udp, &lg->reply,
				      &errtext);
	if (rc == 1) {
		log_warnx("the server refused the tunnel: %s%s",
			  log_escape(esc, sizeof(esc), errtext, strlen(errtext)),
			  strncmp(errtext, "authentication failed", 21) == 0
				  ? " (check the user name and password)" : "");
		return -1;
	}
	if (rc < 0) {
		log_warnx("malformed tunnel reply from the server: \"%s\"",
			  log_escape(esc, sizeof(esc), line, strlen(line)));
		return -1;
	}
	return 0;
}
