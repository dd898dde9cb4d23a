/* The blocking part of a client session: connect to the server, read the
 * greeting, log in and get the tunnel reply, each step bounded in time. */
#ifndef DTCP_LOGIN_H
#define DTCP_LOGIN_H

#include <netinet/in.h>

#include "client/client.h"
#include "common/linebuf.h"
#include "proto/proto.h"

#define LOGIN_TIMEOUT_MS 30000

struct login {
	int fd;                          /* the control connection */
	struct sockaddr_in server;       /* address we connected to */
	struct sockaddr_in local;        /* our end of it */
	struct linebuf in;
	struct proto_tunnel_reply reply;
};

/* Resolve cfg->server and connect. Returns 0, or -1 after logging why. */
int login_connect(const struct client_config *cfg, struct login *lg);

/* Log in and request the tunnel, announcing udp_port (0: none). Returns 0
 * with lg->reply filled, or -1 after logging why (the server's -ERR text
 * included). */
int login_request(const struct client_config *cfg, struct login *lg,
		  const char *password, uint16_t udp_port);

/* Read one line within timeout_ms into line[LINEBUF_MAX]. Returns 1, 0 at
 * end of file, -1 on error or timeout (logged). */
int login_read_line(struct login *lg, char *line, int timeout_ms);

/* Send a whole line (with CRLF). Returns 0 or -1 (logged). */
int login_send(struct login *lg, const char *buf, size_t len);

#endif
