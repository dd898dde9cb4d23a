/* Building the script's environment. */
#include "client/scriptenv.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct envw {
	struct scriptenv *se;
	size_t used;
	int n;
	int bad;
};

static void __attribute__((format(printf, 2, 3)))
put(struct envw *w, const char *fmt, ...)
{
	size_t room = sizeof(w->se->buf) - w->used;
	va_list ap;
	int len;

	if (w->bad || w->n >= SCRIPTENV_VARS) {
		w->bad = 1;
		return;
	}
	va_start(ap, fmt);
	len = vsnprintf(w->se->buf + w->used, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room) {
		w->bad = 1;
		return;
	}
	w->se->envp[w->n++] = w->se->buf + w->used;
	w->used += (size_t)len + 1;
}

int scriptenv_build(struct scriptenv *se, const struct script_info *info)
{
	const struct proto_tunnel_reply *r = &info->reply;
	char c4[INET_ADDRSTRLEN], s4[INET_ADDRSTRLEN];
	char c6[INET6_ADDRSTRLEN] = "", s6[INET6_ADDRSTRLEN] = "";
	struct envw w = { .se = se };
	char prefixes[PROTO_PREFIXES_MAX * (INET6_ADDRSTRLEN + 5)] = "";
	size_t used = 0;

	for (unsigned i = 0; i < r->nprefixes && i < PROTO_PREFIXES_MAX; i++) {
		char p6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &r->prefix[i].addr, p6, sizeof(p6));
		used += (size_t)snprintf(prefixes + used, sizeof(prefixes) - used,
					 "%s%s/%u", used ? " " : "", p6,
					 r->prefix[i].plen);
	}

	inet_ntop(AF_INET, &r->client4, c4, sizeof(c4));
	inet_ntop(AF_INET, &r->server4, s4, sizeof(s4));
	if (r->has_v6) {
		inet_ntop(AF_INET6, &r->client6, c6, sizeof(c6));
		inet_ntop(AF_INET6, &r->server6, s6, sizeof(s6));
	}
	put(&w, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	put(&w, "DTCP_EVENT=%s", info->event);
	put(&w, "DTCP_INTERFACE=%s", info->ifname);
	put(&w, "DTCP_TUNNEL_TYPE=%s", proto_type_name(info->type));
	put(&w, "DTCP_CLIENT_V4=%s", c4);
	put(&w, "DTCP_SERVER_V4=%s", s4);
	put(&w, "DTCP_CLIENT_V6=%s", c6);
	put(&w, "DTCP_SERVER_V6=%s", s6);
	put(&w, "DTCP_MTU=%u", info->mtu);
	put(&w, "DTCP_UDP_MODE=%s", info->udp_mode);
	put(&w, "DTCP_LOCAL_UDP_PORT=%u", info->local_udp_port);
	put(&w, "DTCP_SERVER_UDP_PORT=%u", r->udp_port);
	put(&w, "DTCP_SCRIPT_CONF=%s", info->conf_path);
	put(&w, "DTCP_PREFIXES=%s", prefixes);
	put(&w, "DTCP_LAN_ADDRESSES=%s", info->lan);
	if (w.bad)
		return -1;
	se->envp[w.n] = NULL;
	return 0;
}
