/* The blocking part of a client session: connect to the server, read the
 * greeting, log in and get the tunnel reply, each step bounded in time. */
#ifndef DTCP_LOGIN_H
#define DTCP_LOGIN_H

#include <netinet/in.h>

#include "client/config.h"
#include "common/linebuf.h"
#include "proto/proto.h"
#include "proto/roam.h"

#define LOGIN_TIMEOUT_MS 30000

/* Failures of the login steps (negative). */
enum login_err {
	LOGIN_ERR_IO = -1,       /* network trouble: worth a retry */
	LOGIN_ERR_AUTH = -2,     /* the server rejected user or password */
	LOGIN_ERR_REFUSED = -3,  /* the server refused the tunnel otherwise */
	LOGIN_ERR_SIGNAL = -4,   /* a signal arrived (in login.signo) */
	LOGIN_ERR_CONFIG = -5,   /* cannot succeed without a change here */
};

struct login {
	int fd;                          /* the control connection */
	int sigfd;                       /* signals interrupt every wait */
	int signo;                       /* the signal that did */
	struct sockaddr_in server;       /* address we connected to */
	struct sockaddr_in local;        /* our end of it */
	struct sockaddr_in source;       /* -A, bound before connecting */
	struct linebuf in;
	struct proto_tunnel_reply reply; /* reply.roam: roam1 in force */
	uint8_t roam_key[PROTO_ROAM_KEY_LEN];
};

/* Have the parent resolve cfg->server (again on every call) and connect,
 * watching sigfd. Returns 0, or a login_err after logging why. */
int login_connect(const struct client_config *cfg, struct login *lg,
		  int sigfd);

/* Log in (the parent computes the digest) and request the tunnel,
 * announcing udp_port (0: none). Returns 0 with lg->reply filled, or a
 * login_err after logging why (the server's -ERR text included). */
int login_request(const struct client_config *cfg, struct login *lg,
		  uint16_t udp_port);

/* Read one line within timeout_ms into line[LINEBUF_MAX]. Returns 1, 0 at
 * end of file, LOGIN_ERR_IO on error or timeout (logged), or
 * LOGIN_ERR_SIGNAL. */
int login_read_line(struct login *lg, char *line, int timeout_ms);

/* Send a whole line (with CRLF). Returns 0 or -1 (logged). */
int login_send(struct login *lg, const char *buf, size_t len);

#endif
