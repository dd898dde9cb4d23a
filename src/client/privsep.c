/* A client's engine-side stubs (see privsep.h). */
#include "client/privsep.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static int privsep_sock = -1;

void privsep_engine_init(int sock)
{
	privsep_sock = sock;
}

int privsep_resolve(struct in_addr addrs[PRIVSEP_ADDRS_MAX])
{
	struct privchan_hdr req = { PRIVSEP_RESOLVE, 0 };
	struct privsep_msg_resolve_reply rep;

	privchan_call(privsep_sock, &req, sizeof(req), &rep, sizeof(rep));
	if (rep.n > PRIVSEP_ADDRS_MAX)
		fatalx("unexpected reply from the privileged parent");
	if (rep.err != 0 || rep.n == 0)
		return -1;
	for (uint32_t i = 0; i < rep.n; i++)
		addrs[i].s_addr = rep.addrs[i];
	return (int)rep.n;
}

int privsep_tunnel_socket(bool p41, struct in_addr local, struct in_addr peer)
{
	struct privsep_msg_socket req = {
		.h = { PRIVSEP_SOCKET, 0 },
		.kind = p41 ? PRIVSEP_SOCKET_P41 : PRIVSEP_SOCKET_UDP,
		.local4 = local.s_addr, .peer4 = peer.s_addr,
	};
	struct privsep_msg_socket_reply rep;

	return privchan_call_fd(privsep_sock, &req, sizeof(req), &rep,
				sizeof(rep));
}

void privsep_digest(const char *challenge, char out[PROTO_DIGEST_LEN + 1],
		    uint8_t roam_key[PROTO_ROAM_KEY_LEN])
{
	struct privsep_msg_digest req = { .h = { PRIVSEP_DIGEST, 0 } };
	struct privsep_msg_digest_reply rep;

	if (!proto_hex_ok(challenge, PROTO_CHALLENGE_LEN))
		fatalx("internal error: digest asked for a malformed challenge");
	memcpy(req.challenge, challenge, PROTO_CHALLENGE_LEN + 1);
	privchan_call(privsep_sock, &req, sizeof(req), &rep, sizeof(rep));
	if (!proto_hex_ok(rep.digest, PROTO_DIGEST_LEN))
		fatalx("unexpected digest from the privileged parent");
	memcpy(out, rep.digest, PROTO_DIGEST_LEN + 1);
	memcpy(roam_key, rep.roam_key, PROTO_ROAM_KEY_LEN);
	explicit_bzero(&rep, sizeof(rep));
}

int privsep_tunnel_up(const struct proto_tunnel_reply *reply,
		      char ifname[IFNAMSIZ])
{
	struct privsep_msg_up req = {
		.h = { PRIVSEP_UP, 0 },
		.client4 = reply->client4.s_addr,
		.server4 = reply->server4.s_addr,
		.has_v6 = reply->has_v6,
		.udp_port = reply->udp_port,
	};
	struct privsep_msg_up_reply rep;
	int fd;

	memcpy(req.client6, &reply->client6, 16);
	memcpy(req.server6, &reply->server6, 16);
	req.nprefixes = (uint8_t)reply->nprefixes;
	for (unsigned i = 0; i < reply->nprefixes; i++) {
		memcpy(req.prefix[i].addr, &reply->prefix[i].addr, 16);
		req.prefix[i].plen = (uint8_t)reply->prefix[i].plen;
	}
	fd = privchan_call_fd(privsep_sock, &req, sizeof(req), &rep,
			      sizeof(rep));
	if (fd < 0 && rep.err == 0) {
		log_warnx("out of file descriptors receiving the tunnel");
		privsep_tunnel_down();
		return PRIVSEP_UP_RETRY;
	}
	if (fd < 0)
		return rep.err == PRIVSEP_UP_RETRY ? PRIVSEP_UP_RETRY
						   : PRIVSEP_UP_FATAL;
	memcpy(ifname, rep.ifname, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = '\0';
	return fd;
}

void privsep_tunnel_down(void)
{
	struct privchan_hdr req = { PRIVSEP_DOWN, 0 }, rep;

	privchan_call(privsep_sock, &req, sizeof(req), &rep, sizeof(rep));
}
