/* DTCP control-line codec (see proto.h and PROTOCOL.md). */
#include "proto/proto.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/parse.h"
#include "proto/roam.h"

/* A network reply: +OK, 2 IPv4, a link pair, the prefixes, udp <port>
 * roam1. */
#define PROTO_TOKENS_MAX (5 + 2 + PROTO_PREFIXES_MAX + 1)

struct tokens {
	char buf[PROTO_LINE_MAX];
	char *v[PROTO_TOKENS_MAX];
	int n; /* PROTO_TOKENS_MAX + 1 when there were too many */
};

/* Split on runs of spaces, as the original's Ruby String#split does. */
static int tokenize(const char *line, struct tokens *t)
{
	char *p, *save = NULL;

	if (strlen(line) >= sizeof(t->buf))
		return -1;
	strcpy(t->buf, line);
	t->n = 0;
	for (p = strtok_r(t->buf, " ", &save); p;
	     p = strtok_r(NULL, " ", &save)) {
		if (t->n == PROTO_TOKENS_MAX) {
			t->n++;
			break;
		}
		t->v[t->n++] = p;
	}
	return 0;
}

int proto_line_prepare(char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			return PROTO_ERR_CHARS;
	}
	return 0;
}

enum proto_type proto_type_from(const char *word)
{
	if (strcmp(word, "tunnelonly") == 0)
		return PROTO_TYPE_TUNNELONLY;
	if (strcmp(word, "host") == 0)
		return PROTO_TYPE_HOST;
	if (strcmp(word, "network") == 0 || strcmp(word, "tunnelroute") == 0)
		return PROTO_TYPE_NETWORK;
	return PROTO_TYPE_UNKNOWN;
}

const char *proto_type_name(enum proto_type type)
{
	switch (type) {
	case PROTO_TYPE_TUNNELONLY:
		return "tunnelonly";
	case PROTO_TYPE_HOST:
		return "host";
	case PROTO_TYPE_NETWORK:
		return "network";
	default:
		return "unknown";
	}
}

static int parse_tunnel(struct tokens *t, struct proto_request *req)
{
	uint64_t port;

	/* The original answers any wrong token count as a failed login. */
	if (t->n < 4 || t->n > 6)
		return PROTO_ERR_AUTH;
	if (strlen(t->v[1]) > PROTO_USER_MAX ||
	    strlen(t->v[2]) != PROTO_DIGEST_LEN)
		return PROTO_ERR_AUTH;
	strcpy(req->user, t->v[1]);
	strcpy(req->response, t->v[2]);
	req->type = proto_type_from(t->v[3]);
	snprintf(req->type_text, sizeof(req->type_text), "%s", t->v[3]);
	req->udp = PROTO_UDP_NONE;
	req->udp_port = 0;
	if (t->n >= 5) {
		if (strcasecmp(t->v[4], "udp") != 0)
			return PROTO_ERR_SYNTAX;
		req->udp = PROTO_UDP_LEARN;
	}
	if (t->n == 6 && strcmp(t->v[5], PROTO_ROAM_WORD) == 0) {
		req->udp = PROTO_UDP_ROAM;
	} else if (t->n == 6) {
		if (parse_uint(t->v[5], 1, 65535, &port) < 0)
			return PROTO_ERR_UDPPORT;
		req->udp = PROTO_UDP_PORT;
		req->udp_port = (uint16_t)port;
	}
	return 0;
}

int proto_parse_request(const char *line, struct proto_request *req)
{
	static const struct {
		const char *name;
		enum proto_cmd cmd;
	} cmds[] = {
		{ "tunnel", PROTO_CMD_TUNNEL },
		{ "ping", PROTO_CMD_PING },
		{ "help", PROTO_CMD_HELP },
		{ "quit", PROTO_CMD_QUIT },
	};
	struct tokens t;
	struct proto_request r;

	if (tokenize(line, &t) < 0 || t.n == 0)
		return PROTO_ERR_SYNTAX;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcasecmp(t.v[0], cmds[i].name) != 0)
			continue;
		r.cmd = cmds[i].cmd;
		if (r.cmd == PROTO_CMD_TUNNEL) {
			int err = parse_tunnel(&t, &r);

			if (err < 0)
				return err;
		} else if (t.n != 1) {
			return PROTO_ERR_SYNTAX;
		}
		*req = r;
		return 0;
	}
	return PROTO_ERR_SYNTAX;
}

static int fmt_end(int n, size_t len)
{
	return (n < 0 || (size_t)n >= len) ? -1 : n;
}

int proto_fmt_greeting(char *buf, size_t len, const char *challenge)
{
	return fmt_end(snprintf(buf, len, "+OK %s DTCP server ready "
				PROTO_ROAM_WORD "\r\n", challenge), len);
}

int proto_fmt_request(char *buf, size_t len, const char *user,
		      const char *response, enum proto_type type,
		      enum proto_udp udp, uint16_t udp_port)
{
	int n;

	switch (udp) {
	case PROTO_UDP_PORT:
		n = snprintf(buf, len, "tunnel %s %s %s udp %u\r\n", user,
			     response, proto_type_name(type), udp_port);
		break;
	case PROTO_UDP_LEARN:
		n = snprintf(buf, len, "tunnel %s %s %s udp\r\n", user,
			     response, proto_type_name(type));
		break;
	case PROTO_UDP_ROAM:
		n = snprintf(buf, len, "tunnel %s %s %s udp " PROTO_ROAM_WORD
			     "\r\n", user, response, proto_type_name(type));
		break;
	default:
		n = snprintf(buf, len, "tunnel %s %s %s\r\n", user, response,
			     proto_type_name(type));
		break;
	}
	return fmt_end(n, len);
}

int proto_fmt_tunnel_ok(char *buf, size_t len,
			const struct proto_tunnel_reply *rep)
{
	char c4[INET_ADDRSTRLEN], s4[INET_ADDRSTRLEN];
	char c6[INET6_ADDRSTRLEN], s6[INET6_ADDRSTRLEN];
	char v6[2 * INET6_ADDRSTRLEN + 2] = "";
	char nets[PROTO_LINE_MAX] = "", udp[24] = "";
	size_t used = 0;

	inet_ntop(AF_INET, &rep->client4, c4, sizeof(c4));
	inet_ntop(AF_INET, &rep->server4, s4, sizeof(s4));
	if (rep->has_v6) {
		inet_ntop(AF_INET6, &rep->client6, c6, sizeof(c6));
		inet_ntop(AF_INET6, &rep->server6, s6, sizeof(s6));
		snprintf(v6, sizeof(v6), " %s %s", c6, s6);
	}
	/* network: the prefixes routed to the client, after the link pair
	 * when there is one (the Feel6 server's format). */
	for (unsigned i = 0; i < rep->nprefixes && i < PROTO_PREFIXES_MAX;
	     i++) {
		char p6[INET6_ADDRSTRLEN];
		int n;

		inet_ntop(AF_INET6, &rep->prefix[i].addr, p6, sizeof(p6));
		n = snprintf(nets + used, sizeof(nets) - used, " %s/%u", p6,
			     rep->prefix[i].plen);
		if (n < 0 || (size_t)n >= sizeof(nets) - used)
			return -1;
		used += (size_t)n;
	}
	if (rep->udp_port)
		snprintf(udp, sizeof(udp), " udp %u%s", rep->udp_port,
			 rep->roam ? " " PROTO_ROAM_WORD : "");
	return fmt_end(snprintf(buf, len, "+OK %s %s%s%s%s\r\n", c4, s4, v6,
				nets, udp), len);
}

int proto_fmt_ok(char *buf, size_t len, const char *text)
{
	return fmt_end(snprintf(buf, len, "+OK %s\r\n", text), len);
}

int proto_fmt_err(char *buf, size_t len, const char *text)
{
	return fmt_end(snprintf(buf, len, "-ERR %s\r\n", text), len);
}

bool proto_is_ok(const char *line)
{
	return strncmp(line, "+OK", 3) == 0 &&
	       (line[3] == '\0' || line[3] == ' ');
}

int proto_parse_greeting(const char *line,
			 char challenge[PROTO_CHALLENGE_LEN + 1])
{
	struct tokens t;

	if (tokenize(line, &t) < 0 || t.n < 2 || strcmp(t.v[0], "+OK") != 0 ||
	    !proto_hex_ok(t.v[1], PROTO_CHALLENGE_LEN))
		return PROTO_ERR_SYNTAX;
	memcpy(challenge, t.v[1], PROTO_CHALLENGE_LEN + 1);
	return 0;
}

bool proto_greeting_offers_roam(const char *line)
{
	struct tokens t;

	/* t.n is PROTO_TOKENS_MAX + 1 when there were more: only the
	 * first PROTO_TOKENS_MAX are there to look at. */
	if (tokenize(line, &t) < 0 || t.n < 2 || strcmp(t.v[0], "+OK") != 0)
		return false;
	for (int i = 2; i < t.n && i < PROTO_TOKENS_MAX; i++)
		if (strcmp(t.v[i], PROTO_ROAM_WORD) == 0)
			return true;
	return false;
}

bool proto_tunnel_addr_ok(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_V4MAPPED(a) &&
	       !IN6_IS_ADDR_V4COMPAT(a) && !IN6_IS_ADDR_LINKLOCAL(a);
}


/* The fields of a network reply from token `from` to `end`: an optional
 * link address pair (dtcps -a), then one or more prefixes. */
static int parse_network(const struct tokens *t, int from, int end,
			 struct proto_tunnel_reply *r)
{
	int i = from;

	if (end - i >= 2 && strchr(t->v[i], '/') == NULL) {
		if (parse_ipv6(t->v[i], &r->client6) < 0 ||
		    parse_ipv6(t->v[i + 1], &r->server6) < 0 ||
		    !proto_tunnel_addr_ok(&r->client6) ||
		    !proto_tunnel_addr_ok(&r->server6) ||
		    !proto_host_pair_ok(&r->client6, &r->server6))
			return -1;
		r->has_v6 = true;
		i += 2;
	}
	for (; i < end; i++) {
		struct proto_prefix *p = &r->prefix[r->nprefixes];

		if (r->nprefixes == PROTO_PREFIXES_MAX ||
		    parse_prefix6(t->v[i], &p->addr, &p->plen) < 0 ||
		    p->plen == 0 || !proto_tunnel_addr_ok(&p->addr))
			return -1;
		r->nprefixes++;
	}
	return r->nprefixes > 0 ? 0 : -1;
}

int proto_parse_tunnel_reply(const char *line, enum proto_type type,
			     bool udp, struct proto_tunnel_reply *rep,
			     const char **err_text)
{
	struct proto_tunnel_reply r;
	struct tokens t;
	uint64_t port;
	int want;

	if (strncmp(line, "-ERR", 4) == 0 &&
	    (line[4] == '\0' || line[4] == ' ')) {
		*err_text = line[4] ? line + 5 : "";
		return 1;
	}
	if (tokenize(line, &t) < 0 || t.n < 3 || t.n > PROTO_TOKENS_MAX ||
	    strcmp(t.v[0], "+OK") != 0)
		return PROTO_ERR_SYNTAX;
	memset(&r, 0, sizeof(r));
	/* Fields this client does not know (a later server's extensions)
	 * may sit between the addresses and the "udp <port>" suffix, which
	 * always comes last. */
	if (udp && t.n > 3 && strcmp(t.v[t.n - 1], PROTO_ROAM_WORD) == 0) {
		r.roam = true;     /* asked for: "udp roam1" */
		t.n--;
	}
	want = 3 + (type == PROTO_TYPE_HOST ? 2 : 0) + (udp ? 2 : 0);
	/* A hostile server must not aim our tunnel at a broadcast,
	 * multicast or loopback address. */
	if (t.n < want || parse_ipv4(t.v[1], &r.client4) < 0 ||
	    parse_ipv4(t.v[2], &r.server4) < 0 ||
	    !proto_ipv4_unicast_ok(r.client4) ||
	    !proto_ipv4_unicast_ok(r.server4))
		return PROTO_ERR_SYNTAX;
	if (type == PROTO_TYPE_HOST) {
		if (parse_ipv6(t.v[3], &r.client6) < 0 ||
		    parse_ipv6(t.v[4], &r.server6) < 0 ||
		    !proto_tunnel_addr_ok(&r.client6) ||
		    !proto_tunnel_addr_ok(&r.server6) ||
		    !proto_host_pair_ok(&r.client6, &r.server6))
			return PROTO_ERR_SYNTAX;
		r.has_v6 = true;
	}
	if (udp) {
		if (strcasecmp(t.v[t.n - 2], "udp") != 0 ||
		    parse_uint(t.v[t.n - 1], 1, 65535, &port) < 0)
			return PROTO_ERR_SYNTAX;
		r.udp_port = (uint16_t)port;
	}
	if (type == PROTO_TYPE_NETWORK &&
	    parse_network(&t, 3, t.n - (udp ? 2 : 0), &r) < 0)
		return PROTO_ERR_SYNTAX;
	*rep = r;
	return 0;
}
