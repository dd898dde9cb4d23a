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

#include "client/privsep.h"
#include "client/signals.h"
#include "common/monotime.h"
#include "common/log.h"

/* Wait for fd to be ready for `events`, or a signal. Returns 1 when ready,
 * 0 on timeout, LOGIN_ERR_SIGNAL with lg->signo set. */
static int wait_fd(struct login *lg, int fd, short events, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = events },
		{ .fd = lg->sigfd, .events = POLLIN },
	};
	int n;

	do
		n = poll(pfd, lg->sigfd >= 0 ? 2 : 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n > 0 && (pfd[1].revents & POLLIN)) {
		lg->signo = signals_take(lg->sigfd);
		if (lg->signo)
			return LOGIN_ERR_SIGNAL;
		return wait_fd(lg, fd, events, timeout_ms);
	}
	return n > 0 ? 1 : 0;
}

static int connect_one(struct login *lg, const struct sockaddr_in *sin,
		       int *out)
{
	socklen_t len = sizeof(int);
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	/* -A: the connection, and so the tunnel, leaves from that address. */
	if (lg->source.sin_addr.s_addr != INADDR_ANY &&
	    bind(fd, (const struct sockaddr *)&lg->source,
		 sizeof(lg->source)) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			close(fd);
			return err;
		}
		err = wait_fd(lg, fd, POLLOUT, LOGIN_TIMEOUT_MS);
		if (err <= 0) {
			close(fd);
			return err == 0 ? ETIMEDOUT : EINTR;
		}
		err = 0;
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

int login_connect(const struct client_config *cfg, struct login *lg,
		  int sigfd)
{
	struct in_addr addrs[PRIVSEP_ADDRS_MAX];
	socklen_t len;
	int n, err = 0;

	memset(lg, 0, sizeof(*lg));
	lg->fd = -1;
	lg->sigfd = sigfd;
	lg->source = (struct sockaddr_in){ .sin_family = AF_INET,
					   .sin_addr = cfg->source };
	/* The parent resolves: the engine's chroot has no resolver. */
	n = privsep_resolve(addrs);
	if (n < 0)
		return LOGIN_ERR_IO;
	for (int i = 0; i < n; i++) {
		lg->server = (struct sockaddr_in){ .sin_family = AF_INET,
						   .sin_addr = addrs[i],
						   .sin_port = htons(cfg->port) };
		err = connect_one(lg, &lg->server, &lg->fd);
		if (err == 0 || lg->signo)
			break;
	}
	if (lg->signo)
		return LOGIN_ERR_SIGNAL;
	if (lg->fd < 0) {
		log_warnx("cannot connect to %s port %u: %s", cfg->server,
			  cfg->port, strerror(err));
		return LOGIN_ERR_IO;
	}
	len = sizeof(lg->local);
	if (getsockname(lg->fd, (struct sockaddr *)&lg->local, &len) < 0) {
		log_warn("getsockname");
		close(lg->fd);
		lg->fd = -1;
		return LOGIN_ERR_IO;
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
		uint64_t now;
		ssize_t n;
		int got = linebuf_next(&lg->in, line, &len);

		if (got < 0) {
			log_warnx("the server sent a line longer than %d bytes",
				  LINEBUF_MAX);
			return LOGIN_ERR_IO;
		}
		if (got > 0) {
			if (proto_line_prepare(line, len) < 0) {
				log_warnx("the server sent control characters");
				return LOGIN_ERR_IO;
			}
			return 1;
		}
		now = monotime_ms();
		got = now >= deadline ? 0
			: wait_fd(lg, lg->fd, POLLIN, (int)(deadline - now));
		if (got == LOGIN_ERR_SIGNAL)
			return got;
		if (got == 0) {
			log_warnx("no answer from the server within %d s",
				  timeout_ms / 1000);
			return LOGIN_ERR_IO;
		}
		n = linebuf_fill(&lg->in, lg->fd);
		if (n == 0)
			return 0;
		if (n < 0 && n != -EAGAIN) {
			log_warnx("reading from the server: %s",
				  strerror((int)-n));
			return LOGIN_ERR_IO;
		}
	}
}

int login_send(struct login *lg, const char *buf, size_t len)
{
	ssize_t n = send(lg->fd, buf, len, MSG_NOSIGNAL);

	if (n != (ssize_t)len) {
		log_warnx("sending to the server: %s",
			  n < 0 ? strerror(errno) : "short write");
		return LOGIN_ERR_IO;
	}
	return 0;
}

int login_request(const struct client_config *cfg, struct login *lg,
		  uint16_t udp_port)
{
	char line[LINEBUF_MAX], req[PROTO_LINE_MAX], esc[200];
	char challenge[PROTO_CHALLENGE_LEN + 1];
	char digest[PROTO_DIGEST_LEN + 1];
	const char *errtext;
	bool roam;
	int n, rc;

	rc = login_read_line(lg, line, LOGIN_TIMEOUT_MS);
	if (rc == 0)
		log_warnx("the server closed the connection before greeting");
	if (rc <= 0)
		return rc < 0 ? rc : LOGIN_ERR_IO;
	if (strncmp(line, "-ERR", 4) == 0) {
		/* Refused before the login, e.g. a session limit: try later. */
		log_warnx("the server refused the connection: %s",
			  log_escape(esc, sizeof(esc), line, strlen(line)));
		return LOGIN_ERR_REFUSED;
	}
	if (proto_parse_greeting(line, challenge) < 0) {
		log_warnx("unexpected greeting from the server: \"%s\" "
			  "(is this a DTCP server?)",
			  log_escape(esc, sizeof(esc), line, strlen(line)));
		return LOGIN_ERR_IO;
	}
	/* Authenticated roaming whenever the server offers it and the
	 * server is to learn our endpoint. */
	roam = cfg->udp && udp_port == 0 && cfg->keepalive > 0 &&
	       proto_greeting_offers_roam(line);
	privsep_digest(challenge, digest, lg->roam_key);
	n = proto_fmt_request(req, sizeof(req), cfg->user, digest, cfg->type,
			      !cfg->udp ? PROTO_UDP_NONE
			      : udp_port ? PROTO_UDP_PORT
			      : roam ? PROTO_UDP_ROAM : PROTO_UDP_LEARN,
			      udp_port);
	explicit_bzero(digest, sizeof(digest));
	if (n < 0) {
		log_warnx("request does not fit in a line");
		return LOGIN_ERR_CONFIG;
	}
	/* Never log the response digest. */
	log_debug("-> tunnel %s <response> %s%s%.0u", cfg->user,
		  proto_type_name(cfg->type),
		  !cfg->udp ? "" : udp_port ? " udp "
		  : roam ? " udp " PROTO_ROAM_WORD : " udp", udp_port);
	rc = login_send(lg, req, (size_t)n);
	explicit_bzero(req, sizeof(req));
	if (rc < 0)
		return rc;
	rc = login_read_line(lg, line, LOGIN_TIMEOUT_MS);
	if (rc == 0)
		log_warnx("the server closed the connection after the login");
	if (rc <= 0)
		return rc < 0 ? rc : LOGIN_ERR_IO;
	log_debug("<- %s", log_escape(esc, sizeof(esc), line, strlen(line)));
	rc = proto_parse_tunnel_reply(line, cfg->type, cfg->udp, &lg->reply,
				      &errtext);
	if (rc == 1) {
		bool auth = strncmp(errtext, "authentication failed", 21) == 0;

		log_warnx("the server refused the tunnel: %s%s",
			  log_escape(esc, sizeof(esc), errtext, strlen(errtext)),
			  auth ? " (check the user name and password)" : "");
		return auth ? LOGIN_ERR_AUTH : LOGIN_ERR_REFUSED;
	}
	if (rc < 0 || (lg->reply.roam && !roam)) {
		log_warnx("malformed tunnel reply from the server: \"%s\"",
			  log_escape(esc, sizeof(esc), line, strlen(line)));
		return LOGIN_ERR_IO;
	}
	if (roam && !lg->reply.roam)
		log_warnx("the server offered authenticated roaming but did not "
			  "confirm it; using plain NAT traversal, which anyone "
			  "behind this NAT can redirect");
	return 0;
}
