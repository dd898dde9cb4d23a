/* dtcps's engine-side stubs (see privsep.h). */
#include "server/privsep.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static int privsep_sock = -1;

void privsep_engine_init(int sock)
{
	privsep_sock = sock;
}

static void copy_field(char *dst, size_t size, const char *src)
{
	memset(dst, 0, size);
	strncpy(dst, src, size - 1);
}

void privsep_hello(unsigned sid, char challenge[PROTO_CHALLENGE_LEN + 1])
{
	struct privchan_hdr req = { PRIVSEP_HELLO, sid };
	struct privsep_msg_hello_reply rep;

	privchan_call(privsep_sock, &req, sizeof(req), &rep, sizeof(rep));
	if (!proto_hex_ok(rep.challenge, PROTO_CHALLENGE_LEN))
		fatalx("unexpected challenge from the privileged parent");
	memcpy(challenge, rep.challenge, PROTO_CHALLENGE_LEN + 1);
}

int privsep_auth(unsigned sid, const char *user, const char *response,
		 uint8_t roam_key[PROTO_ROAM_KEY_LEN])
{
	struct privsep_msg_auth req;
	struct privsep_msg_auth_reply rep;

	/* The parent trusts nothing it gets: check here what a client may
	 * legitimately send wrong, so that only a subverted engine can
	 * break the parent's rules. */
	memset(roam_key, 0, PROTO_ROAM_KEY_LEN);
	if (!proto_user_ok(user) || !proto_hex_ok(response, PROTO_DIGEST_LEN))
		return 0;
	memset(&req, 0, sizeof(req));
	req.h = (struct privchan_hdr){ PRIVSEP_AUTH, sid };
	copy_field(req.user, sizeof(req.user), user);
	copy_field(req.response, sizeof(req.response), response);
	privchan_call(privsep_sock, &req, sizeof(req), &rep, sizeof(rep));
	explicit_bzero(&req, sizeof(req));
	if (rep.result == 1)
		memcpy(roam_key, rep.roam_key, PROTO_ROAM_KEY_LEN);
	explicit_bzero(rep.roam_key, sizeof(rep.roam_key));
	return rep.result;
}

int privsep_tunnel(unsigned sid, enum proto_type type, enum privsep_kind kind,
		   unsigned unit, unsigned slot, struct in_addr client4,
		   bool shared, struct privsep_tunnel *t)
{
	struct privsep_msg_tunnel req = { .h = { PRIVSEP_TUNNEL, sid },
					  .tunnel_type = type, .kind = kind,
					  .unit = unit, .slot = slot,
					  .client4 = client4.s_addr };
	struct privsep_msg_tunnel_reply rep;
	int fd = 0;

	/* -s: the tunnel is a route on the shared device, no descriptor. */
	if (shared) {
		privchan_call(privsep_sock, &req, sizeof(req), &rep,
			      sizeof(rep));
		if (rep.err < 0)
			return rep.err;
	} else {
		fd = privchan_call_fd(privsep_sock, &req, sizeof(req), &rep,
				      sizeof(rep));
	}
	/* Whatever else went wrong, the routes the parent moved are moved:
	 * the session that had them must be ended. */
	t->superseded = rep.err == 0 ? rep.superseded : 0;
	if (fd == -EMFILE && rep.err == 0) {
		/* The interface died with the lost descriptor; the parent
		 * must forget the session's tunnel too. */
		log_warnx("out of file descriptors receiving a tunnel; raise "
			  "the limit (ulimit -n, LimitNOFILE=) or lower -M");
		privsep_untunnel(sid);
		return -EMFILE;
	}
	if (fd < 0)
		return fd;
	if (rep.has_v6 > 1)
		fatalx("unexpected tunnel reply from the privileged parent");
	memset(t, 0, sizeof(*t));
	t->superseded = rep.superseded;
	memcpy(t->ifname, rep.ifname, IFNAMSIZ);
	t->ifname[IFNAMSIZ - 1] = '\0';
	t->ifindex = rep.ifindex;
	t->has_v6 = rep.has_v6;
	memcpy(&t->server6, rep.server6, sizeof(t->server6));
	memcpy(&t->client6, rep.client6, sizeof(t->client6));
	if (rep.nprefixes > PROTO_PREFIXES_MAX)
		fatalx("unexpected tunnel reply from the privileged parent");
	t->nprefixes = rep.nprefixes;
	for (unsigned i = 0; i < t->nprefixes; i++) {
		memcpy(&t->prefix[i].addr, rep.prefix[i].addr, 16);
		t->prefix[i].plen = rep.prefix[i].plen;
	}
	t->superseded = rep.superseded;
	return fd;
}

void privsep_untunnel(unsigned sid)
{
	struct privchan_hdr req = { PRIVSEP_UNTUNNEL, sid };

	privchan_send(privsep_sock, &req, sizeof(req));
}

void privsep_end(unsigned sid, const struct relay_stats *st,
		 uint16_t client_port, const char *reason)
{
	struct privsep_msg_end req;

	memset(&req, 0, sizeof(req));
	req.h = (struct privchan_hdr){ PRIVSEP_END, sid };
	if (st != NULL) {
		req.packets_in = st->tun_tx;
		req.packets_out = st->net_tx;
		req.bytes_in = st->bytes_in;
		req.bytes_out = st->bytes_out;
	}
	req.client_port = client_port;
	copy_field(req.reason, sizeof(req.reason), reason);
	privchan_send(privsep_sock, &req, sizeof(req));
}
