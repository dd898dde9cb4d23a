/* Client privilege separation: messages, engine stubs, the parent's loop. */
#include "client/cprivsep.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/tunctl.h"
#include "common/log.h"
#include "os/fdpass.h"
#include "os/privparent.h"
#include "os/udp.h"

enum cp_type {
	CP_RESOLVE = 1,
	CP_UDP,
	CP_DIGEST,
	CP_UP,
	CP_DOWN,
	CP_REPLY = 0x100,   /* or'ed into the request's type */
};

struct cp_req {
	uint32_t type;
	union {
		struct in_addr udp_addr;                      /* CP_UDP */
		char challenge[PROTO_CHALLENGE_LEN + 1];      /* CP_DIGEST */
		struct proto_tunnel_reply up;                 /* CP_UP */
	} u;
};

struct cp_rep {
	uint32_t type;
	int32_t err;
	union {
		struct {
			uint32_t n;
			struct in_addr a[CPS_ADDRS_MAX];
		} addrs;                                      /* CP_RESOLVE */
		char digest[PROTO_DIGEST_LEN + 1];            /* CP_DIGEST */
		char ifname[IFNAMSIZ];                        /* CP_UP */
	} u;
};

/* ---------------------------------------------------------------- engine */

static int cp_sock = -1;

void cps_engine_init(int sock)
{
	cp_sock = sock;
}

/* One request, its reply of the matching type; *fd gets a descriptor. */
static void cp_call(const struct cp_req *req, struct cp_rep *rep, int *fd)
{
	ssize_t n;

	if (fdpass_send(cp_sock, req, sizeof(*req), -1) < 0)
		fatal("privileged parent unreachable");
	n = fdpass_recv(cp_sock, rep, sizeof(*rep), fd);
	if (n == 0)
		fatalx("privileged parent has exited");
	if (n != sizeof(*rep) || rep->type != (req->type | CP_REPLY))
		fatalx("unexpected reply from the privileged parent");
}

int cps_resolve(struct in_addr addrs[CPS_ADDRS_MAX])
{
	struct cp_req req = { .type = CP_RESOLVE };
	struct cp_rep rep;
	int fd;

	cp_call(&req, &rep, &fd);
	if (fd != -1 || rep.u.addrs.n > CPS_ADDRS_MAX)
		fatalx("unexpected reply from the privileged parent");
	if (rep.err != 0 || rep.u.addrs.n == 0)
		return -1;   /* the parent logged why */
	memcpy(addrs, rep.u.addrs.a, rep.u.addrs.n * sizeof(addrs[0]));
	return (int)rep.u.addrs.n;
}

int cps_udp_socket(struct in_addr addr)
{
	struct cp_req req = { .type = CP_UDP, .u.udp_addr = addr };
	struct cp_rep rep;
	int fd;

	cp_call(&req, &rep, &fd);
	if (rep.err < 0) {
		if (fd >= 0)
			close(fd);
		return rep.err;
	}
	if (fd < 0)
		return fd == FDPASS_LOST ? -EMFILE : -EIO;
	return fd;
}

int cps_digest(const char *challenge, char out[PROTO_DIGEST_LEN + 1])
{
	struct cp_req req = { .type = CP_DIGEST };
	struct cp_rep rep;
	int fd;

	snprintf(req.u.challenge, sizeof(req.u.challenge), "%s", challenge);
	cp_call(&req, &rep, &fd);
	if (fd != -1)
		fatalx("unexpected reply from the privileged parent");
	if (rep.err < 0)
		return -1;
	memcpy(out, rep.u.digest, PROTO_DIGEST_LEN + 1);
	out[PROTO_DIGEST_LEN] = '\0';
	explicit_bzero(&rep, sizeof(rep));
	return 0;
}

int cps_tunnel_up(const struct proto_tunnel_reply *reply,
		  char ifname[IFNAMSIZ])
{
	struct cp_req req = { .type = CP_UP, .u.up = *reply };
	struct cp_rep rep;
	int fd;

	cp_call(&req, &rep, &fd);
	if (rep.err < 0) {
		if (fd >= 0)
			close(fd);
		return rep.err == TUNCTL_ERR_RETRY ? TUNCTL_ERR_RETRY
						   : TUNCTL_ERR_FATAL;
	}
	if (fd < 0) {
		log_warnx("out of file descriptors receiving the tunnel");
		cps_tunnel_down();
		return TUNCTL_ERR_RETRY;
	}
	memcpy(ifname, rep.u.ifname, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = '\0';
	return fd;
}

void cps_tunnel_down(void)
{
	struct cp_req req = { .type = CP_DOWN };
	struct cp_rep rep;
	int fd;

	cp_call(&req, &rep, &fd);
	if (fd >= 0)
		close(fd);
}

/* ---------------------------------------------------------------- parent */

struct cp_parent {
	const struct client_config *cfg;
	const char *password;
	struct tunctl tc;
};

static int cp_resolve(struct cp_parent *p, struct cp_rep *rep)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	int rc;

	rc = getaddrinfo(p->cfg->server, NULL, &hints, &res);
	if (rc != 0) {
		log_warnx("cannot resolve server %s: %s", p->cfg->server,
			  gai_strerror(rc));
		rep->err = -1;
		return 0;
	}
	for (ai = res; ai && rep->u.addrs.n < CPS_ADDRS_MAX; ai = ai->ai_next)
		rep->u.addrs.a[rep->u.addrs.n++] =
			((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* Act on one checked request; -1 when it breaks the rules. */
static int cp_serve(struct cp_parent *p, int sock, const struct cp_req *req)
{
	struct cp_rep rep;
	uint8_t has_v6;
	int fd = -1, rc;

	memset(&rep, 0, sizeof(rep));
	rep.type = req->type | CP_REPLY;
	switch (req->type) {
	case CP_RESOLVE:
		cp_resolve(p, &rep);
		break;
	case CP_UDP:
		fd = udp_tunnel_socket(req->u.udp_addr, p->cfg->udp_port);
		if (fd < 0) {
			rep.err = fd;
			fd = -1;
		}
		break;
	case CP_DIGEST:
		if (strnlen(req->u.challenge, sizeof(req->u.challenge)) !=
		    PROTO_CHALLENGE_LEN ||
		    strspn(req->u.challenge, "0123456789abcdefABCDEF") !=
		    PROTO_CHALLENGE_LEN)
			return -1;
		proto_digest(p->cfg->user, req->u.challenge,
			     (const uint8_t *)p->password, strlen(p->password),
			     rep.u.digest);
		break;
	case CP_UP:
		/* A bool from another process: look at its byte. */
		memcpy(&has_v6, &req->u.up.has_v6, 1);
		/* Addresses only where the tunnel type has them, and only
		 * what the engine's parser would have let through. */
		if (p->tc.up || req->u.up.udp_port == 0 || has_v6 > 1 ||
		    has_v6 != (p->cfg->type == PROTO_TYPE_HOST) ||
		    (has_v6 && (!proto_tunnel_addr_ok(&req->u.up.client6) ||
				!proto_tunnel_addr_ok(&req->u.up.server6))))
			return -1;
		rc = tunctl_up(&p->tc, &req->u.up);
		if (rc < 0)
			rep.err = rc;
		else
			fd = rc;
		memcpy(rep.u.ifname, p->tc.ifname, IFNAMSIZ);
		break;
	case CP_DOWN:
		if (!p->tc.up)
			return -1;
		tunctl_down(&p->tc);
		break;
	default:
		return -1;
	}
	rc = fdpass_send(sock, &rep, sizeof(rep), fd);
	explicit_bzero(&rep, sizeof(rep));
	/* The engine holds the only descriptor of the tunnel now. */
	if (fd >= 0)
		close(fd);
	return rc;
}

static int cp_serve_msg(void *ctx, int sock, const void *msg, size_t len)
{
	struct cp_req req;

	if (len != sizeof(req))
		return -1;
	memcpy(&req, msg, sizeof(req));
	return cp_serve(ctx, sock, &req);
}

/* The engine says quit, asks for "down" itself, or reconnects (SIGHUP). */
static int cp_forward(int signo)
{
	return signo;
}

int cps_parent_run(int sock, int log_fd, pid_t engine,
		   const struct client_config *cfg, const char *password)
{
	static const struct privparent_ops ops = { cp_serve_msg, cp_forward };
	struct cp_parent p = { .cfg = cfg, .password = password,
			       .tc = { .cfg = cfg } };
	int rc = privparent_run(sock, log_fd, engine, &ops, &p);

	/* A crashed engine cannot ask for "down": do it for it. */
	tunctl_down(&p.tc);
	return rc;
}
