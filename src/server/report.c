/* dtcpctl show and metrics; see report.h. */
#include "server/report.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/monotime.h"
#include "server/session.h"

/* The drop reasons of the relay, by the names the views use. */
static const struct {
	const char *name;
	size_t offset;
} drops[] = {
	{ "foreign_source", offsetof(struct relay_stats, drop_source) },
	{ "malformed", offsetof(struct relay_stats, drop_malformed) },
	{ "spoofed_source", offsetof(struct relay_stats, drop_spoof) },
	{ "out_of_scope", offsetof(struct relay_stats, drop_scope) },
	{ "no_endpoint", offsetof(struct relay_stats, drop_no_peer) },
	{ "io", offsetof(struct relay_stats, drop_io) },
	{ "outer_header", offsetof(struct relay_stats, drop_outer) },
};
#define NDROPS (sizeof(drops) / sizeof(drops[0]))

static uint64_t drop_count(const struct relay_stats *st, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)st + drops[i].offset, sizeof(v));
	return v;
}

static const char *tunnel_type_name(const struct tunnel *t)
{
	if (t->reply.nprefixes > 0)
		return "network";
	return t->reply.has_v6 ? "host" : "tunnelonly";
}

static const char *tunnel_kind_name(const struct tunnel *t)
{
	return t->kind == PRIVSEP_KIND_P41 ? "proto-41" : "udp";
}

/* How the client's endpoint is known. */
static const char *endpoint_how(const struct tunnel *t)
{
	if (t->kind == PRIVSEP_KIND_P41)
		return "address";
	if (t->relay.mode == RELAY_FIXED)
		return "announced";
	if (relay_peer_port(&t->relay) == 0)
		return "not yet learned";
	return t->roam ? "learned, authenticated" : "learned";
}

static void endpoint_text(const struct tunnel *t, char *buf, size_t len)
{
	uint16_t port = relay_peer_port(&t->relay);
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &t->relay.peer.sin_addr, a, sizeof(a));
	if (t->kind == PRIVSEP_KIND_P41)
		snprintf(buf, len, "%s", a);
	else if (port == 0)
		snprintf(buf, len, "%s:?", a);
	else
		snprintf(buf, len, "%s:%u", a, ntohs(port));
}

static void time_text(time_t when, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

/* Seconds since the last packet either way, or since the tunnel came up
 * when none has passed. */
static uint64_t idle_seconds(const struct tunnel *t, time_t up, time_t now)
{
	uint64_t rx = relay_last_rx_ms(&t->relay);
	uint64_t tx = relay_last_tx_ms(&t->relay);
	uint64_t last = rx > tx ? rx : tx;

	if (last == 0)
		return now > up ? (uint64_t)(now - up) : 0;
	return (monotime_ms() - last) / 1000;
}

/* The IPv6 side: the host pair and the routed prefixes. */
static void addresses_text(const struct tunnel *t, struct strbuf *out,
			   bool json)
{
	char a[INET6_ADDRSTRLEN];
	const char *sep = "";

	if (json)
		strbuf_printf(out, "\"client6\":");
	if (t->reply.has_v6) {
		inet_ntop(AF_INET6, &t->reply.client6, a, sizeof(a));
		strbuf_printf(out, json ? "\"%s\"," : "%s", a);
		inet_ntop(AF_INET6, &t->reply.server6, a, sizeof(a));
		strbuf_printf(out, json ? "\"server6\":\"%s\"," : " peer %s", a);
		sep = " ";
	} else if (json) {
		strbuf_printf(out, "null,\"server6\":null,");
	}
	if (json)
		strbuf_printf(out, "\"prefixes\":[");
	for (unsigned i = 0; i < t->reply.nprefixes; i++) {
		inet_ntop(AF_INET6, &t->reply.prefix[i].addr, a, sizeof(a));
		strbuf_printf(out, json ? "%s\"%s/%u\"" : "%s%s/%u",
			      json ? (i ? "," : "") : sep, a,
			      t->reply.prefix[i].plen);
		sep = " ";
	}
	if (json)
		strbuf_printf(out, "]");
	else if (*sep == '\0')
		strbuf_printf(out, "-");
}

struct show_ctx {
	struct strbuf *out;
	bool json;
	unsigned n, udp, p41;
	time_t now;
};

static void show_one(void *arg, const struct session_info *si)
{
	struct show_ctx *c = arg;
	const struct tunnel *t = si->tunnel;
	struct relay_stats now, *st = &now;
	char ep[INET_ADDRSTRLEN + 8], since[32];

	relay_stats_read(&t->relay, &now);

	endpoint_text(t, ep, sizeof(ep));
	time_text(si->up_since, since, sizeof(since));
	c->n++;
	if (t->kind == PRIVSEP_KIND_P41)
		c->p41++;
	else
		c->udp++;
	if (!c->json) {
		strbuf_printf(c->out, "%u %s %s %s %s (%s) %s ", si->id, si->user,
			      tunnel_type_name(t), tunnel_kind_name(t), ep,
			      endpoint_how(t), t->ifname);
		addresses_text(t, c->out, false);
		strbuf_printf(c->out, " since %s in %llu pkts %llu bytes out "
			      "%llu pkts %llu bytes idle %llus drops", since,
			      (unsigned long long)st->tun_tx,
			      (unsigned long long)st->bytes_in,
			      (unsigned long long)st->net_tx,
			      (unsigned long long)st->bytes_out,
			      (unsigned long long)idle_seconds(t, si->up_since,
							      c->now));
		for (size_t i = 0; i < NDROPS; i++)
			strbuf_printf(c->out, " %s=%llu", drops[i].name,
				      (unsigned long long)drop_count(st, i));
		strbuf_printf(c->out, "\n");
		return;
	}
	strbuf_printf(c->out, "%s{\"id\":%u,\"user\":\"", c->n > 1 ? "," : "",
		      si->id);
	strbuf_json_string(c->out, si->user);
	strbuf_printf(c->out, "\",\"type\":\"%s\",\"kind\":\"%s\","
		      "\"endpoint\":\"%s\",\"endpoint_known\":%s,"
		      "\"endpoint_how\":\"%s\",\"roam\":%s,\"control\":\"%s\","
		      "\"interface\":\"", tunnel_type_name(t),
		      tunnel_kind_name(t), ep,
		      t->kind == PRIVSEP_KIND_P41 ||
		      relay_peer_port(&t->relay) != 0 ? "true" : "false", endpoint_how(t),
		      t->roam ? "true" : "false", si->peer_text);
	strbuf_json_string(c->out, t->ifname);
	strbuf_printf(c->out, "\",");
	addresses_text(t, c->out, true);
	strbuf_printf(c->out, ",\"since\":\"%s\",\"since_unix\":%lld,"
		      "\"packets_in\":%llu,\"bytes_in\":%llu,"
		      "\"packets_out\":%llu,\"bytes_out\":%llu,"
		      "\"idle_seconds\":%llu,\"endpoint_moves\":%llu,"
		      "\"drops\":{", since, (long long)si->up_since,
		      (unsigned long long)st->tun_tx,
		      (unsigned long long)st->bytes_in,
		      (unsigned long long)st->net_tx,
		      (unsigned long long)st->bytes_out,
		      (unsigned long long)idle_seconds(t, si->up_since, c->now),
		      (unsigned long long)st->moves);
	for (size_t i = 0; i < NDROPS; i++)
		strbuf_printf(c->out, "%s\"%s\":%llu", i ? "," : "",
			      drops[i].name,
			      (unsigned long long)drop_count(st, i));
	strbuf_printf(c->out, "}}");
}

void report_show(struct server *srv, bool json, struct strbuf *out)
{
	struct show_ctx c = { .out = out, .json = json, .now = time(NULL) };

	if (json)
		strbuf_printf(out, "{\"sessions\":[");
	session_foreach(srv, show_one, &c);
	if (json) {
		strbuf_printf(out, "],\"summary\":{\"tunnels\":%u,\"udp\":%u,"
			      "\"proto_41\":%u,\"connections\":%u,"
			      "\"waiting_to_log_in\":%u,\"max_sessions\":%u}}\n",
			      c.n, c.udp, c.p41, srv->nsessions, srv->npending,
			      srv->cfg.max_tunnels);
		return;
	}
	strbuf_printf(out, "%u tunnels (%u udp, %u protocol-41); %u "
		      "connections, %u of them waiting to log in; limit %u\n",
		      c.n, c.udp, c.p41, srv->nsessions, srv->npending,
		      srv->cfg.max_tunnels);
}

/* ---- metrics ----------------------------------------------------------- */

struct metrics_ctx {
	unsigned sessions[3][PRIVSEP_KINDS];   /* tunnelonly, host, network */
	struct relay_stats live;
};

static void metrics_one(void *arg, const struct session_info *si)
{
	struct metrics_ctx *m = arg;
	const struct tunnel *t = si->tunnel;
	int type = t->reply.nprefixes > 0 ? 2 : t->reply.has_v6 ? 1 : 0;

	struct relay_stats now;

	m->sessions[type][t->kind]++;
	relay_stats_read(&t->relay, &now);
	relay_stats_add(&m->live, &now);
}

static void metric_head(struct strbuf *out, const char *name,
			const char *type, const char *help)
{
	strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		      type);
}

void report_metrics(struct server *srv, struct strbuf *out)
{
	static const char *types[] = { "tunnelonly", "host", "network" };
	static const char *kinds[] = { "udp", "proto-41" };
	const struct server_stats *s = &srv->stats;
	struct metrics_ctx m = { 0 };
	struct relay_stats all = s->closed;

	session_foreach(srv, metrics_one, &m);
	relay_stats_add(&all, &m.live);
	metric_head(out, "dtcp_sessions", "gauge",
		    "Sessions with a tunnel, by tunnel type and kind.");
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < PRIVSEP_KINDS; k++)
			strbuf_printf(out, "dtcp_sessions{type=\"%s\",kind="
				      "\"%s\"} %u\n", types[i], kinds[k],
				      m.sessions[i][k]);
	metric_head(out, "dtcp_connections", "gauge",
		    "Control connections, with a tunnel or waiting to log in.");
	strbuf_printf(out, "dtcp_connections{state=\"tunnel\"} %u\n"
		      "dtcp_connections{state=\"waiting\"} %u\n",
		      srv->nsessions - srv->npending, srv->npending);
	metric_head(out, "dtcp_logins_total", "counter",
		    "Logins by outcome.");
	strbuf_printf(out, "dtcp_logins_total{result=\"ok\"} %llu\n"
		      "dtcp_logins_total{result=\"failed\"} %llu\n"
		      "dtcp_logins_total{result=\"throttled\"} %llu\n"
		      "dtcp_logins_total{result=\"server_error\"} %llu\n"
		      "dtcp_logins_total{result=\"refused\"} %llu\n",
		      (unsigned long long)s->logins_ok,
		      (unsigned long long)s->logins_failed,
		      (unsigned long long)s->logins_throttled,
		      (unsigned long long)s->logins_server_error,
		      (unsigned long long)s->logins_refused);
	metric_head(out, "dtcp_login_slots_taken_total", "counter",
		    "Waiting connections closed to give their slot to a newer one.");
	strbuf_printf(out, "dtcp_login_slots_taken_total %llu\n",
		      (unsigned long long)s->slots_taken);
	metric_head(out, "dtcp_packets_total", "counter",
		    "IPv6 packets relayed; in: from clients, out: to clients.");
	strbuf_printf(out, "dtcp_packets_total{direction=\"in\"} %llu\n"
		      "dtcp_packets_total{direction=\"out\"} %llu\n",
		      (unsigned long long)all.tun_tx,
		      (unsigned long long)all.net_tx);
	metric_head(out, "dtcp_bytes_total", "counter",
		    "IPv6 octets relayed; in: from clients, out: to clients.");
	strbuf_printf(out, "dtcp_bytes_total{direction=\"in\"} %llu\n"
		      "dtcp_bytes_total{direction=\"out\"} %llu\n",
		      (unsigned long long)all.bytes_in,
		      (unsigned long long)all.bytes_out);
	metric_head(out, "dtcp_drops_total", "counter",
		    "Packets and datagrams dropped by the relays, by reason.");
	for (size_t i = 0; i < NDROPS; i++)
		strbuf_printf(out, "dtcp_drops_total{reason=\"%s\"} %llu\n",
			      drops[i].name,
			      (unsigned long long)drop_count(&all, i));
	metric_head(out, "dtcp_endpoint_moves_total", "counter",
		    "Client endpoints learned or moved (NAT traversal).");
	strbuf_printf(out, "dtcp_endpoint_moves_total %llu\n",
		      (unsigned long long)all.moves);
	metric_head(out, "dtcp_roam_keepalives_refused_total", "counter",
		    "roam1 keepalives whose MAC or counter was wrong.");
	strbuf_printf(out, "dtcp_roam_keepalives_refused_total %llu\n",
		      (unsigned long long)all.roam_refused);
	metric_head(out, "dtcp_tunnels_closed_total", "counter",
		    "Tunnels closed since the server started.");
	strbuf_printf(out, "dtcp_tunnels_closed_total %llu\n",
		      (unsigned long long)s->tunnels_closed);
	metric_head(out, "dtcp_pool_used", "gauge",
		    "Tunnel interfaces and UDP ports in use, by pool.");
	strbuf_printf(out, "dtcp_pool_used{pool=\"udp_interfaces\"} %u\n"
		      "dtcp_pool_used{pool=\"proto41_interfaces\"} %u\n"
		      "dtcp_pool_used{pool=\"udp_ports\"} %u\n",
		      srv->tunnels.units[PRIVSEP_KIND_UDP].used,
		      srv->tunnels.units[PRIVSEP_KIND_P41].used,
		      srv->tunnels.ports.used);
	metric_head(out, "dtcp_relay_threads", "gauge",
		    "Relay threads besides the main loop (dtcps -t).");
	strbuf_printf(out, "dtcp_relay_threads %u\n", srv->tunnels.workers.n);
	if (srv->tunnels.shared.on) {
		const struct shared *sh = &srv->tunnels.shared;

		metric_head(out, "dtcp_shared_drops_total", "counter",
			    "Shared interface and port (dtcps -s): packets "
			    "for no tunnel, by reason.");
		strbuf_printf(out, "dtcp_shared_drops_total{reason=\"no_route\"} "
			      "%llu\ndtcp_shared_drops_total{reason="
			      "\"malformed\"} %llu\ndtcp_shared_drops_total"
			      "{reason=\"unknown_endpoint\"} %llu\n",
			      (unsigned long long)sh->tun_stats.drop_no_route,
			      (unsigned long long)sh->tun_stats.drop_malformed,
			      (unsigned long long)sh->udp_stats.drop_unknown);
	}
	metric_head(out, "dtcp_pool_size", "gauge",
		    "Tunnel interfaces and UDP ports there are, by pool.");
	strbuf_printf(out, "dtcp_pool_size{pool=\"udp_interfaces\"} %u\n"
		      "dtcp_pool_size{pool=\"proto41_interfaces\"} %u\n"
		      "dtcp_pool_size{pool=\"udp_ports\"} %u\n",
		      srv->tunnels.units[PRIVSEP_KIND_UDP].size,
		      srv->tunnels.units[PRIVSEP_KIND_P41].size,
		      srv->tunnels.ports.size);
}
