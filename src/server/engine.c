/* dtcps's network-facing engine: runs confined (chroot, unprivileged
 * user, seccomp), accepts control connections and serves every session
 * and relay from one event loop; asks the parent (server/privsep.h) for
 * what needs privilege. */
#include "server/engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "os/sandbox.h"
#include "server/ctl.h"
#include "server/privsep.h"
#include "server/session.h"

/* Connections accepted per wakeup, so that a flood of them cannot starve
 * the sessions. */
#define ENGINE_ACCEPT_BATCH 16

static void on_accept(void *arg, uint32_t events)
{
	struct server *srv = arg;
	struct sockaddr_in peer, local;
	socklen_t plen, llen;
	int fd;

	(void)events;
	for (int i = 0; i < ENGINE_ACCEPT_BATCH; i++) {
		plen = sizeof(peer);
		fd = accept4(srv->listen_fd, (struct sockaddr *)&peer, &plen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE ||
			       errno == ENOBUFS || errno == ENOMEM)) {
			/* The connection stays queued; polling the listener
			 * now would spin. Come back when sessions have ended. */
			log_warn("accept paused for 1 s (raise the descriptor "
				 "limit: ulimit -n, LimitNOFILE=; or lower -M)");
			ev_io_del(srv->loop, &srv->listen_io);
			ev_timer_arm(srv->loop, &srv->accept_pause, 1000);
			return;
		}
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		llen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) < 0 ||
		    peer.sin_family != AF_INET) {
			close(fd);
			continue;
		}
		session_accept(srv, fd, &peer, &local);
	}
}

static void on_accept_resume(void *arg)
{
	struct server *srv = arg;

	if (ev_io_add(srv->loop, &srv->listen_io, EPOLLIN) < 0)
		fatal("cannot watch the listening socket again");
}

static void on_signal(void *arg, int signo)
{
	struct server *srv = arg;

	if (signo == SIGHUP) {
		/* The files are the privileged parent's: a SIGHUP to the
		 * process group reaches it too, and it reads them again. */
		log_debug("SIGHUP: nothing for the engine to read again");
		return;
	}
	log_info("signal %d: shutting down", signo);
	ev_stop(srv->loop);
}

static void on_p41(void *arg, uint32_t events)
{
	struct server *srv = arg;

	tunnel_p41_receive(&srv->tunnels, (events & EPOLLERR) != 0);
}

static void on_shared_tun(void *arg, uint32_t events)
{
	struct server *srv = arg;

	(void)events;
	shared_tun_receive(&srv->tunnels.shared);
}

static void on_shared_udp(void *arg, uint32_t events)
{
	struct server *srv = arg;

	(void)events;
	shared_udp_receive(&srv->tunnels.shared);
}

/* Hash seeds for the engine's tables, whose keys clients pick in part. */
static uint64_t engine_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		fatal("cannot read the kernel's random source");
	return seed;
}

/* -s: the shared device and port, opened by the parent. */
static void engine_shared_start(struct server *srv)
{
	struct shared *sh = &srv->tunnels.shared;
	uint64_t seed[3];

	if (!srv->cfg.shared)
		return;
	for (int i = 0; i < 3; i++)
		seed[i] = engine_seed();
	if (shared_init(sh, srv->shared_tun_fd, srv->shared_udp_fd,
			srv->cfg.udp_base, seed) < 0)
		fatalx("out of memory");
	srv->shared_tun_io = (struct ev_io){ .fd = srv->shared_tun_fd,
					     .cb = on_shared_tun, .arg = srv };
	srv->shared_udp_io = (struct ev_io){ .fd = srv->shared_udp_fd,
					     .cb = on_shared_udp, .arg = srv };
	if (ev_io_add(srv->loop, &srv->shared_tun_io, EPOLLIN) < 0 ||
	    (srv->shared_udp_fd >= 0 &&
	     ev_io_add(srv->loop, &srv->shared_udp_io, EPOLLIN) < 0))
		fatal("cannot watch the shared interface");
}

static void after_batch(void *arg)
{
	session_reap(arg);
	ctl_reap(arg);
}

/* The network-facing engine: confined, then the event loop. */
int engine_main(struct server *srv, int chan, pid_t parent)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, 0 };
	const struct sandbox_user *user = srv->user;
	char err[512], udp_ports[32] = "", p41_pool[48];

	int rc;

	/* The relay threads start before the confinement, which then
	 * covers them too (one uid change and one seccomp filter for every
	 * thread), so that the filter need not allow making threads. */
	/* -s: every tunnel is relayed by the main loop, which serves the
	 * shared device and port. */
	rc = workers_start(&srv->tunnels.workers,
			   srv->cfg.shared ? 0 : srv->cfg.relay_threads);
	if (rc < 0)
		fatalx("engine: cannot start %u relay threads: %s",
		       srv->cfg.relay_threads, strerror(-rc));
	if (sandbox_enter(user, SERVER_CHROOT, parent, false, err,
			  sizeof(err)) < 0)
		fatalx("engine: %s", err);
	privsep_engine_init(chan);
	if (pool_init(&srv->tunnels.units[PRIVSEP_KIND_UDP],
		      srv->cfg.if_base[PRIVSEP_KIND_UDP], srv->cfg.max_tunnels) < 0 ||
	    pool_init(&srv->tunnels.units[PRIVSEP_KIND_P41],
		      srv->cfg.if_base[PRIVSEP_KIND_P41], srv->cfg.max_tunnels) < 0 ||
	    pool_init(&srv->tunnels.slots, 0, server_slots(&srv->cfg)) < 0 ||
	    keymap_init(&srv->tunnels.p41_clients, sizeof(uint32_t),
			engine_seed()) < 0 ||
	    pool_init(&srv->tunnels.ports, srv->cfg.udp_base +
		      (srv->cfg.shared ? 1 : 0),
		      srv->cfg.shared &&
		      65535u - srv->cfg.udp_base < srv->cfg.max_tunnels
			      ? 65535u - srv->cfg.udp_base
			      : srv->cfg.max_tunnels) < 0)
		fatalx("out of memory");
	if (keymap_init(&srv->session_ids, sizeof(unsigned),
			engine_seed()) < 0 ||
	    keymap_init(&srv->per_addr, sizeof(uint32_t), engine_seed()) < 0)
		fatalx("out of memory");
	srv->loop = ev_new();
	if (srv->loop == NULL)
		fatal("cannot create the event loop");
	srv->tunnels.loop = srv->loop;
	srv->tunnels.slot_spill = server_slot_spill(&srv->cfg);
	for (int k = 0; k < PRIVSEP_KINDS; k++)
		srv->tunnels.if_stem[k] = srv->cfg.if_stem[k];
	srv->tunnels.tunnelonly_link_only = srv->cfg.tunnelonly_link_only;
	srv->tunnels.ports_lowest = srv->cfg.ports_lowest;
	srv->listen_io = (struct ev_io){ .fd = srv->listen_fd, .cb = on_accept,
					 .arg = srv };
	srv->tunnels.p41_fd = srv->p41_fd;
	srv->p41_io = (struct ev_io){ .fd = srv->p41_fd, .cb = on_p41,
				      .arg = srv };
	if (ev_io_add(srv->loop, &srv->listen_io, EPOLLIN) < 0 ||
	    ev_io_add(srv->loop, &srv->p41_io, EPOLLIN) < 0 ||
	    ev_signals(srv->loop, signals, on_signal, srv) < 0)
		fatal("cannot set up the event loop");
	ev_after_batch(srv->loop, after_batch, srv);
	engine_shared_start(srv);
	if (ctl_start(srv) < 0)
		fatal("cannot serve the control socket");
	srv->accept_pause = (struct ev_timer){ .cb = on_accept_resume, .arg = srv };
	throttle_init(&srv->throttle, srv->cfg.throttle_burst,
		      srv->cfg.throttle_refill);
	if (srv->cfg.p41_pick)
		snprintf(p41_pool, sizeof(p41_pool), "existing interfaces "
			 "matching -i");
	else
		snprintf(p41_pool, sizeof(p41_pool), "%s%u",
			 srv->cfg.if_stem[PRIVSEP_KIND_P41],
			 srv->cfg.if_base[PRIVSEP_KIND_P41]);
	if (srv->cfg.udp)
		snprintf(udp_ports, sizeof(udp_ports), "%u from port %u",
			 srv->cfg.if_base[PRIVSEP_KIND_UDP], srv->cfg.udp_base);
	if (srv->cfg.shared)
		snprintf(p41_pool, sizeof(p41_pool), "%s (shared)",
			 srv->cfg.shared_if);
	if (srv->cfg.shared && srv->cfg.udp)
		snprintf(udp_ports, sizeof(udp_ports), " (shared, port %u)",
			 srv->cfg.udp_base);
	log_info("engine running as %s in %s; listening on %s port %u; "
		 "protocol-41 tunnels on %s%s%s%s%s; %u relay threads",
		 user->name, SERVER_CHROOT, inet_ntoa(srv->cfg.listen_addr),
		 srv->cfg.port, p41_pool,
		 srv->cfg.udp ? "; udp tunnels on " : "",
		 srv->cfg.udp ? srv->cfg.shared ? srv->cfg.shared_if
				: srv->cfg.if_stem[PRIVSEP_KIND_UDP] : "",
		 udp_ports, srv->cfg.has_prefix ? "; host tunnels enabled" : "",
		 srv->tunnels.workers.n);
	if (ev_run(srv->loop) < 0)
		log_warn("event loop failed");
	ctl_stop(srv);
	session_close_all(srv);
	workers_stop(&srv->tunnels.workers);
	log_info("protocol 41: %llu packets received; dropped: not a whole "
		 "protocol-41 packet %llu, from an address with no tunnel "
		 "%llu; network errors %llu",
		 (unsigned long long)srv->tunnels.p41_stats.rx,
		 (unsigned long long)srv->tunnels.p41_stats.drop_outer,
		 (unsigned long long)srv->tunnels.p41_stats.drop_unknown,
		 (unsigned long long)srv->tunnels.p41_stats.errors);
	close(srv->listen_fd);
	ev_free(srv->loop);
	close(srv->p41_fd);
	if (srv->cfg.shared) {
		log_info("%s: %llu packets read; dropped: malformed %llu, for "
			 "no tunnel %llu; shared udp port: %llu datagrams, "
			 "from no tunnel's endpoint %llu", srv->cfg.shared_if,
			 (unsigned long long)srv->tunnels.shared.tun_stats.rx,
			 (unsigned long long)
			 srv->tunnels.shared.tun_stats.drop_malformed,
			 (unsigned long long)
			 srv->tunnels.shared.tun_stats.drop_no_route,
			 (unsigned long long)srv->tunnels.shared.udp_stats.rx,
			 (unsigned long long)
			 srv->tunnels.shared.udp_stats.drop_unknown);
		shared_destroy(&srv->tunnels.shared);
		close(srv->shared_tun_fd);
		if (srv->shared_udp_fd >= 0)
			close(srv->shared_udp_fd);
	}
	for (int k = 0; k < PRIVSEP_KINDS; k++)
		pool_destroy(&srv->tunnels.units[k]);
	pool_destroy(&srv->tunnels.ports);
	pool_destroy(&srv->tunnels.slots);
	keymap_destroy(&srv->tunnels.p41_clients);
	keymap_destroy(&srv->session_ids);
	keymap_destroy(&srv->per_addr);
	return 0;
}

