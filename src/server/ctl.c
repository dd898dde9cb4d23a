/* dtcpctl's socket and the /metrics listener; see ctl.h. */
#include "server/ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"
#include "common/strbuf.h"
#include "server/report.h"
#include "server/session.h"

struct ctl_conn {
	struct ctl *ctl;
	struct ctl_conn *next;
	int fd;
	bool http;
	bool closed;
	struct ev_io io;
	struct ev_timer timer;
	char in[CTL_REQUEST_MAX + 1];
	size_t inlen;
	struct strbuf out;
	size_t off;
};

struct ctl {
	struct server *srv;
	struct ev_io unix_io, http_io;
	struct ctl_conn *conns, *dead;
	unsigned n[2];          /* by socket: dtcpctl's, HTTP; each has its
				   own cap, so scrapers cannot lock the
				   operator out */
	uint64_t refused_logged_ms;
	struct ev_timer resume;   /* the listeners again, after EMFILE */
};

static void ctl_close(struct ctl_conn *c)
{
	struct ctl *ctl = c->ctl;
	struct ctl_conn **pp;

	if (c->closed)
		return;
	c->closed = true;
	ev_io_del(ctl->srv->loop, &c->io);
	ev_timer_cancel(ctl->srv->loop, &c->timer);
	close(c->fd);
	for (pp = &ctl->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	ctl->n[c->http]--;
	c->next = ctl->dead;
	ctl->dead = c;
}

/* A dtcpctl command: one line, the answer is text. */
static void ctl_command(struct ctl_conn *c, char *line)
{
	struct server *srv = c->ctl->srv;
	char *arg = strchr(line, ' ');
	unsigned n;

	if (arg != NULL)
		*arg++ = '\0';
	if (strcmp(line, "show") == 0 && arg == NULL) {
		report_show(srv, false, &c->out);
	} else if (strcmp(line, "show") == 0 && strcmp(arg, "json") == 0) {
		report_show(srv, true, &c->out);
	} else if (strcmp(line, "metrics") == 0 && arg == NULL) {
		report_metrics(srv, &c->out);
	} else if (strcmp(line, "disconnect") == 0 && arg != NULL &&
		   proto_user_ok(arg)) {
		n = session_disconnect(srv, arg,
				       "disconnected by the operator");
		if (n == 0)
			strbuf_printf(&c->out, "error: no session with a tunnel "
				      "has the id or user \"%s\"\n", arg);
		else
			strbuf_printf(&c->out, "disconnected %u session%s\n",
				      n, n == 1 ? "" : "s");
		if (n > 0)
			log_info("the operator disconnected %u session%s of "
				 "\"%s\"", n, n == 1 ? "" : "s", arg);
	} else {
		strbuf_printf(&c->out, "error: unknown command; use show, show "
			      "json, metrics or disconnect <id|user>\n");
	}
}

/* A scrape: GET /metrics, and nothing else. */
static void ctl_http(struct ctl_conn *c)
{
	struct strbuf body = { 0 };
	const char *status = "200 OK";

	if (strncmp(c->in, "GET /metrics ", 13) == 0 ||
	    strncmp(c->in, "GET /metrics\r", 13) == 0 ||
	    strncmp(c->in, "GET /metrics\n", 13) == 0) {
		report_metrics(c->ctl->srv, &body);
		if (body.failed)
			status = "500 Internal Server Error";
	}
	else if (strncmp(c->in, "GET ", 4) == 0)
		status = "404 Not Found";
	else
		status = "405 Method Not Allowed";
	strbuf_printf(&c->out, "HTTP/1.0 %s\r\nContent-Type: text/plain; "
		      "version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\n"
		      "Connection: close\r\n\r\n%s", status, body.len,
		      body.buf ? body.buf : "");
	strbuf_free(&body);
}

static void ctl_on_io(void *arg, uint32_t events)
{
	struct ctl_conn *c = arg;
	ssize_t n;
	char *end;

	if (c->out.len == 0) {
		n = recv(c->fd, c->in + c->inlen, CTL_REQUEST_MAX - c->inlen,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			ctl_close(c);
			return;
		}
		c->inlen += (size_t)n;
		c->in[c->inlen] = '\0';
		end = c->http ? strstr(c->in, "\r\n\r\n") : strchr(c->in, '\n');
		if (end == NULL && c->http)
			end = strstr(c->in, "\n\n");
		if (end == NULL) {
			if (c->inlen == CTL_REQUEST_MAX ||
			    memchr(c->in, '\0', c->inlen) != NULL)
				ctl_close(c);
			return;
		}
		if (c->http) {
			ctl_http(c);
		} else {
			*end = '\0';
			if (end > c->in && end[-1] == '\r')
				end[-1] = '\0';
			ctl_command(c, c->in);
		}
		if (c->out.failed)
			log_warnx("an operator's reply was cut: out of memory "
				  "or over %u octets", STRBUF_MAX);
		if (c->out.len == 0) {
			ctl_close(c);
			return;
		}
		if (ev_io_mod(c->ctl->srv->loop, &c->io, EPOLLOUT) < 0) {
			ctl_close(c);
			return;
		}
		return;
	}
	(void)events;
	n = send(c->fd, c->out.buf + c->off, c->out.len - c->off,
		 MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		ctl_close(c);
		return;
	}
	c->off += (size_t)n;
	if (c->off == c->out.len) {
		ctl_close(c);
		return;
	}
	/* A long answer has as long as it keeps moving. */
	ev_timer_arm(c->ctl->srv->loop, &c->timer, CTL_TIMEOUT_MS);
}

static void ctl_on_timeout(void *arg)
{
	ctl_close(arg);
}

/* Root, or a member of the -G group as the parent found them at start.
 * The socket's mode keeps everyone else out already; this is the second
 * lock. */
static bool ctl_peer_allowed(const struct server_config *cfg, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	if (cred.uid == 0)
		return true;
	if (!cfg->has_ctl_group)
		return false;
	if (cred.gid == cfg->ctl_gid)
		return true;
	for (unsigned i = 0; i < cfg->nctl_members; i++)
		if (cfg->ctl_members[i] == cred.uid)
			return true;
	return false;
}

static void ctl_accept(struct ctl *ctl, int lfd, bool http)
{
	struct ctl_conn *c;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
		/* Level-triggered: come back in a second, not at once. */
		ev_io_del(ctl->srv->loop, http ? &ctl->http_io : &ctl->unix_io);
		ev_timer_arm(ctl->srv->loop, &ctl->resume, 1000);
		return;
	}
	if (fd < 0)
		return;
	if (ctl->n[http] >= CTL_MAX_CONNS) {
		uint64_t now = monotime_ms();

		if (now - ctl->refused_logged_ms >= 60000) {
			ctl->refused_logged_ms = now;
			log_warnx("refused %s connection: %u are open already "
				  "(logged at most once a minute)",
				  http ? "a /metrics" : "a dtcpctl",
				  CTL_MAX_CONNS);
		}
		close(fd);
		return;
	}
	if (!http && !ctl_peer_allowed(&ctl->srv->cfg, fd)) {
		log_warnx("refused a control connection from a user who is "
			  "neither root nor in the -G group");
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	*c = (struct ctl_conn){ .ctl = ctl, .fd = fd, .http = http };
	c->io = (struct ev_io){ .fd = fd, .cb = ctl_on_io, .arg = c };
	c->timer = (struct ev_timer){ .cb = ctl_on_timeout, .arg = c };
	if (ev_io_add(ctl->srv->loop, &c->io, EPOLLIN) < 0) {
		close(fd);
		free(c);
		return;
	}
	ev_timer_arm(ctl->srv->loop, &c->timer, CTL_TIMEOUT_MS);
	c->next = ctl->conns;
	ctl->conns = c;
	ctl->n[http]++;
}

static void ctl_on_unix(void *arg, uint32_t events)
{
	struct ctl *ctl = arg;

	(void)events;
	ctl_accept(ctl, ctl->srv->ctl_fd, false);
}

static void ctl_on_http(void *arg, uint32_t events)
{
	struct ctl *ctl = arg;

	(void)events;
	ctl_accept(ctl, ctl->srv->metrics_fd, true);
}

static void ctl_on_resume(void *arg)
{
	struct ctl *ctl = arg;

	if (ctl->srv->ctl_fd >= 0 && !ctl->unix_io.added)
		ev_io_add(ctl->srv->loop, &ctl->unix_io, EPOLLIN);
	if (ctl->srv->metrics_fd >= 0 && !ctl->http_io.added)
		ev_io_add(ctl->srv->loop, &ctl->http_io, EPOLLIN);
}

int ctl_start(struct server *srv)
{
	struct ctl *ctl = calloc(1, sizeof(*ctl));

	if (ctl == NULL)
		return -1;
	ctl->srv = srv;
	srv->ctl = ctl;
	ctl->resume = (struct ev_timer){ .cb = ctl_on_resume, .arg = ctl };
	ctl->unix_io = (struct ev_io){ .fd = srv->ctl_fd, .cb = ctl_on_unix,
				       .arg = ctl };
	ctl->http_io = (struct ev_io){ .fd = srv->metrics_fd,
				       .cb = ctl_on_http, .arg = ctl };
	if (srv->ctl_fd >= 0 &&
	    ev_io_add(srv->loop, &ctl->unix_io, EPOLLIN) < 0)
		return -1;
	if (srv->metrics_fd >= 0 &&
	    ev_io_add(srv->loop, &ctl->http_io, EPOLLIN) < 0)
		return -1;
	return 0;
}

void ctl_reap(struct server *srv)
{
	struct ctl *ctl = srv->ctl;

	while (ctl != NULL && ctl->dead != NULL) {
		struct ctl_conn *c = ctl->dead;

		ctl->dead = c->next;
		strbuf_free(&c->out);
		free(c);
	}
}

void ctl_stop(struct server *srv)
{
	if (srv->ctl == NULL)
		return;
	ev_timer_cancel(srv->loop, &srv->ctl->resume);
	while (srv->ctl->conns != NULL)
		ctl_close(srv->ctl->conns);
	ctl_reap(srv);
	free(srv->ctl);
	srv->ctl = NULL;
}
