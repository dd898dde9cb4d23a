/* One client session: log in, bring the tunnel up (by netlink for dtcpc,
 * by the script for dtcpclient), relay, tear everything down. */
#include "client/session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/login.h"
#include "client/privsep.h"
#include "client/signals.h"
#include "common/ev.h"
#include "common/log.h"
#include "common/monotime.h"
#include "relay/relay.h"

#define QUIT_WAIT_MS 2000

struct csession {
	const struct client_config *cfg;
	struct login lg;
	struct ev_loop *loop;
	int net_fd, tun_fd;        /* net_fd: UDP or protocol-41 socket */
	char ifname[IFNAMSIZ];
	struct relay relay;
	struct ev_io ctl_io, tun_io, net_io, sig_io;
	struct ev_timer ping_timer;
	struct ev_timer keepalive_timer;
	unsigned pings_unanswered;
	uint64_t roam_counter;    /* roam1: the last keepalive's */
	struct log_budget say_budget;   /* the server's non-OK lines */
	int sigfd;
	enum session_end end;   /* why the loop stopped */
	bool quit;             /* say quit to the server before closing */
	bool tun_up;           /* the parent owes a "down" */
};

static void on_tun(void *arg, uint32_t events)
{
	struct csession *cs = arg;

	(void)events;
	relay_from_tun(&cs->relay);
}

static void on_net(void *arg, uint32_t events)
{
	struct csession *cs = arg;

	(void)events;
	relay_from_net(&cs->relay);
}

static void stop(struct csession *cs, enum session_end end)
{
	cs->end = end;
	ev_stop(cs->loop);
}

static void on_control(void *arg, uint32_t events)
{
	struct csession *cs = arg;
	char line[LINEBUF_MAX], esc[200];
	size_t len;
	ssize_t n;
	int got;

	(void)events;
	n = linebuf_fill(&cs->lg.in, cs->lg.fd);
	if (n == 0) {
		log_warnx("the server closed the session");
		stop(cs, SESSION_END_RETRY);
		return;
	}
	if (n < 0 && n != -EAGAIN) {
		log_warnx("control connection: %s", strerror((int)-n));
		stop(cs, SESSION_END_RETRY);
		return;
	}
	while ((got = linebuf_next(&cs->lg.in, line, &len)) != 0) {
		if (got < 0 || proto_line_prepare(line, len) < 0) {
			log_warnx("the server sent a malformed line");
			stop(cs, SESSION_END_RETRY);
			return;
		}
		log_escape(esc, sizeof(esc), line, len);
		if (proto_is_ok(line)) {
			log_debug("<- %s", esc);
			cs->pings_unanswered = 0;
			continue;
		}
		/* A server may say anything, as often as it likes. */
		if (!log_budget_take(&cs->say_budget, monotime_ms()))
			continue;
		if (cs->say_budget.dropped > 0) {
			log_warnx("%llu more lines from the server not logged "
				  "(at most one a second)",
				  (unsigned long long)cs->say_budget.dropped);
			cs->say_budget.dropped = 0;
		}
		log_warnx("the server says: %s", esc);
	}
}

static void on_ping_timer(void *arg)
{
	struct csession *cs = arg;

	if (cs->pings_unanswered >= 2) {
		log_warnx("the server has not answered %u pings; giving up",
			  cs->pings_unanswered);
		stop(cs, SESSION_END_RETRY);
		return;
	}
	log_debug("-> ping");
	if (login_send(&cs->lg, "ping\r\n", 6) < 0) {
		stop(cs, SESSION_END_RETRY);
		return;
	}
	cs->pings_unanswered++;
	ev_timer_arm(cs->loop, &cs->ping_timer,
		     (uint64_t)cs->cfg->ping_interval * 1000);
}

/* The first roam1 keepalives go a second apart, so that one lost
 * datagram does not leave the server without our endpoint for a whole
 * interval. */
#define ROAM_EARLY_KEEPALIVES 3

/* NAT traversal: the server can reach us only through the mapping our own
 * datagrams keep open, so send an empty one whenever we have been silent
 * for the keepalive interval. With roam1 the server follows a new mapping
 * only on an authenticated keepalive, so those go every interval, data or
 * not: a NAT rebinding heals within one. */
static void on_keepalive_timer(void *arg)
{
	struct csession *cs = arg;
	uint64_t interval = (uint64_t)cs->cfg->keepalive * 1000;
	uint64_t idle = monotime_ms() - cs->relay.last_tx_ms;
	uint8_t ka[PROTO_ROAM_KA_LEN];
	int err;

	if (cs->lg.reply.roam) {
		proto_roam_keepalive(cs->lg.roam_key, ++cs->roam_counter, ka);
		err = relay_send_keepalive(&cs->relay, ka, sizeof(ka));
		idle = 0;
		if (cs->roam_counter < ROAM_EARLY_KEEPALIVES &&
		    interval > 1000)
			idle = interval - 1000;
	} else if (idle >= interval) {
		err = relay_send_keepalive(&cs->relay, NULL, 0);
		idle = 0;
	} else {
		ev_timer_arm(cs->loop, &cs->keepalive_timer, interval - idle);
		return;
	}
	if (err < 0)
		log_warnx("keepalive to the server: %s", strerror(-err));
	else if (cs->lg.reply.roam)
		log_debug("keepalive %llu sent",
			  (unsigned long long)cs->roam_counter);
	else
		log_debug("keepalive sent");
	ev_timer_arm(cs->loop, &cs->keepalive_timer, interval - idle);
}

static void on_signal(void *arg, uint32_t events)
{
	struct csession *cs = arg;
	int signo = signals_take(cs->sigfd);

	(void)events;
	if (signo == 0)
		return;
	log_info("%s: closing the tunnel%s", strsignal(signo),
		 signo == SIGHUP ? " to reconnect" : "");
	cs->quit = true;
	stop(cs, signo == SIGHUP ? SESSION_END_HUP : SESSION_END_STOP);
}

/* Have the parent create and configure the interface. Everything it sets
 * up goes with the TUN device when the descriptor is closed, after
 * "down". Returns 0, or PRIVSEP_UP_FATAL / PRIVSEP_UP_RETRY. */
static int setup_interface(struct csession *cs)
{
	int fd = privsep_tunnel_up(&cs->lg.reply, cs->ifname);

	if (fd < 0)
		return fd;
	cs->tun_fd = fd;
	cs->tun_up = true;
	return 0;
}

static bool nat_check(struct csession *cs)
{
	char seen[INET_ADDRSTRLEN], mine[INET_ADDRSTRLEN];

	if (cs->lg.reply.client4.s_addr == cs->lg.local.sin_addr.s_addr)
		return true;
	inet_ntop(AF_INET, &cs->lg.reply.client4, seen, sizeof(seen));
	inet_ntop(AF_INET, &cs->lg.local.sin_addr, mine, sizeof(mine));
	if (cs->cfg->skip_nat_check) {
		log_info("the server sees this client as %s, not %s: behind "
			 "a NAT", seen, mine);
		return true;
	}
	log_warnx("the server sees this client as %s but its own address is "
		  "%s: you are behind a NAT%s; use -n (with -U) to tunnel "
		  "through it", seen, mine,
		  cs->cfg->udp ? "" : ", which protocol 41 cannot cross");
	return false;
}

static void log_tunnel_up(struct csession *cs)
{
	const struct proto_tunnel_reply *rep = &cs->lg.reply;
	char l[INET6_ADDRSTRLEN] = "", p[INET6_ADDRSTRLEN] = "";

	if (rep->has_v6) {
		inet_ntop(AF_INET6, &rep->client6, l, sizeof(l));
		inet_ntop(AF_INET6, &rep->server6, p, sizeof(p));
	}
	if (!cs->cfg->udp) {
		log_info("tunnel up: %s type %s%s%s%s%s, protocol 41 to %s",
			 cs->ifname, proto_type_name(cs->cfg->type),
			 rep->has_v6 ? " local " : "", l,
			 rep->has_v6 ? " peer " : "", p,
			 inet_ntoa(rep->server4));
		return;
	}
	log_info("tunnel up: %s type %s%s%s%s%s, udp %s:%u from port %u, "
		 "mode %s", cs->ifname, proto_type_name(cs->cfg->type),
		 rep->has_v6 ? " local " : "", l, rep->has_v6 ? " peer " : "",
		 p, inet_ntoa(rep->server4), rep->udp_port,
		 cs->cfg->udp_port, config_udp_mode(cs->cfg));
}

static void run_loop(struct csession *cs)
{
	struct sockaddr_in peer = { .sin_family = AF_INET };

	/* The server's tunnel end, which -g may have made another address
	 * than the one we logged in to (PROTOCOL.md). */
	peer.sin_addr = cs->lg.reply.server4;
	peer.sin_port = htons(cs->lg.reply.udp_port);
	relay_init(&cs->relay, cs->tun_fd, cs->net_fd,
		   cs->cfg->udp ? RELAY_UDP : RELAY_P41, RELAY_FIXED, &peer);
	cs->end = SESSION_END_RETRY;
	cs->loop = ev_new();
	if (cs->loop == NULL) {
		log_warn("cannot create the event loop");
		return;
	}
	cs->ctl_io = (struct ev_io){ .fd = cs->lg.fd, .cb = on_control, .arg = cs };
	cs->tun_io = (struct ev_io){ .fd = cs->tun_fd, .cb = on_tun, .arg = cs };
	cs->net_io = (struct ev_io){ .fd = cs->net_fd, .cb = on_net, .arg = cs };
	cs->sig_io = (struct ev_io){ .fd = cs->sigfd, .cb = on_signal, .arg = cs };
	cs->ping_timer = (struct ev_timer){ .cb = on_ping_timer, .arg = cs };
	if (ev_io_add(cs->loop, &cs->ctl_io, EPOLLIN) < 0 ||
	    ev_io_add(cs->loop, &cs->tun_io, EPOLLIN) < 0 ||
	    ev_io_add(cs->loop, &cs->net_io, EPOLLIN) < 0 ||
	    ev_io_add(cs->loop, &cs->sig_io, EPOLLIN) < 0) {
		log_warn("cannot set up the event loop");
		ev_free(cs->loop);
		return;
	}
	ev_timer_arm(cs->loop, &cs->ping_timer,
		     (uint64_t)cs->cfg->ping_interval * 1000);
	cs->keepalive_timer = (struct ev_timer){ .cb = on_keepalive_timer,
						 .arg = cs };
	if (cs->cfg->udp && config_announced_port(cs->cfg) == 0 &&
	    cs->cfg->keepalive) {
		/* Open the NAT mapping at once so inbound traffic works. */
		cs->relay.last_tx_ms = 0;
		on_keepalive_timer(cs);
	}
	if (ev_run(cs->loop) < 0)
		log_warn("event loop failed");
	ev_free(cs->loop);
}

/* Say goodbye so the server releases the tunnel at once. */
static void send_quit(struct csession *cs)
{
	char line[LINEBUF_MAX];

	uint64_t deadline = monotime_ms() + QUIT_WAIT_MS;
	uint64_t now;

	if (login_send(&cs->lg, "quit\r\n", 6) < 0)
		return;
	/* One deadline for the whole goodbye: a server that keeps talking
	 * cannot hold the client up. */
	while ((now = monotime_ms()) < deadline &&
	       login_read_line(&cs->lg, line, (int)(deadline - now)) == 1)
		if (proto_is_ok(line))
			break;
}

/* Map a login failure to what the reconnect loop should do. */
static enum session_end login_end(struct csession *cs, int err)
{
	switch (err) {
	case LOGIN_ERR_SIGNAL:
		log_info("%s: stopping", strsignal(cs->lg.signo));
		return cs->lg.signo == SIGHUP ? SESSION_END_HUP : SESSION_END_STOP;
	case LOGIN_ERR_AUTH:
		log_warnx("not retrying with a password the server refused; "
			  "fix it in %s or at the prompt", cs->cfg->authfile);
		return SESSION_END_FATAL;
	case LOGIN_ERR_CONFIG:
		return SESSION_END_FATAL;
	default:
		return SESSION_END_RETRY;
	}
}

enum session_end session_run(const struct client_config *cfg, int sigfd,
			     uint64_t *lived_ms)
{
	struct csession cs = { .cfg = cfg, .net_fd = -1, .tun_fd = -1,
			       .sigfd = sigfd, .end = SESSION_END_RETRY,
			       .say_budget = { .burst = 10, .per_second = 1 } };
	char stats[RELAY_STATS_TEXT_MAX];
	uint64_t up_since = 0;
	int err;

	*lived_ms = 0;
	err = login_connect(cfg, &cs.lg, sigfd);
	if (err < 0)
		return login_end(&cs, err);
	/* The UDP port is bound before it is announced. */
	if (cfg->udp) {
		cs.net_fd = privsep_tunnel_socket(false, cs.lg.local.sin_addr,
						  cs.lg.server.sin_addr);
		if (cs.net_fd < 0) {
			log_warnx("cannot bind udp port %u: %s%s", cfg->udp_port,
				  strerror(-cs.net_fd),
				  cs.net_fd == -EADDRINUSE
					  ? " (choose another with -b)" : "");
			goto out;
		}
	}
	err = login_request(cfg, &cs.lg, config_announced_port(cfg));
	if (err < 0) {
		cs.end = login_end(&cs, err);
		goto out;
	}
	if (!nat_check(&cs)) {
		cs.end = SESSION_END_FATAL;
		cs.quit = true;
		goto out;
	}
	/* Protocol 41 goes to the server's tunnel end, which -g may have
	 * made another address than the one we logged in to. */
	if (!cfg->udp) {
		cs.net_fd = privsep_tunnel_socket(true, cs.lg.local.sin_addr,
						  cs.lg.reply.server4);
		if (cs.net_fd < 0) {
			log_warnx("cannot open the protocol-41 socket: %s",
				  strerror(-cs.net_fd));
			cs.quit = true;
			goto out;
		}
	}
	err = setup_interface(&cs);
	if (err < 0) {
		/* A failed script may succeed later; a netlink refusal or a
		 * taken interface name will not. */
		cs.end = err == PRIVSEP_UP_RETRY ? SESSION_END_RETRY
						 : SESSION_END_FATAL;
		cs.quit = true;
		goto out;
	}
	log_tunnel_up(&cs);
	up_since = monotime_ms();
	run_loop(&cs);
	*lived_ms = monotime_ms() - up_since;
	if (cs.say_budget.dropped > 0)
		log_warnx("%llu more lines from the server not logged (at most "
			  "one a second)",
			  (unsigned long long)cs.say_budget.dropped);
	relay_stats_format(stats, sizeof(stats), &cs.relay.stats);
	log_info("tunnel %s down: %s", cs.ifname, stats);
out:
	if (cs.quit)
		send_quit(&cs);
	/* "down" runs whatever ended the session, while the interface still
	 * exists, so the script can undo what "up" did. */
	if (cs.tun_up)
		privsep_tunnel_down();
	if (cs.tun_fd >= 0)
		close(cs.tun_fd);
	if (cs.net_fd >= 0)
		close(cs.net_fd);
	if (cs.lg.fd >= 0)
		close(cs.lg.fd);
	explicit_bzero(cs.lg.roam_key, sizeof(cs.lg.roam_key));
	return cs.end;
}
