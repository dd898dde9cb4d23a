/* dtcps's shared state: configuration, the listening socket, resource
 * pools and the list of live sessions. */
#ifndef DTCP_SERVER_H
#define DTCP_SERVER_H

#include <net/if.h>
#include <regex.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/ev.h"
#include "server/keymap.h"
#include "server/pool.h"
#include "server/tunnel.h"
#include "server/throttle.h"

#define SERVER_MAX_SESSIONS_DEFAULT 1024   /* -M */
#define SERVER_MAX_PER_ADDR_DEFAULT 16     /* -N */
#define SERVER_THROTTLE_BURST 10           /* -R: failed logins in a row */
#define SERVER_THROTTLE_REFILL 30          /* -R: seconds to earn one back */
#define SERVER_LOGIN_TRIES 3               /* failures before a close */
#define SERVER_MAX_PENDING_DEFAULT 64      /* -w, at most half of -M */
#define SERVER_MAX_PER_USER_DEFAULT 4      /* -n */
#define SERVER_CTL_PATH "/run/dtcps.sock"   /* -C */
#define SERVER_PIDFILE "/run/dtcps.pid"     /* -f */
#define SERVER_METRICS_PORT 9474           /* -H, when no port is given */
#define SERVER_CTL_MEMBERS_MAX 256
#define CTL_BACKLOG 16
#define SERVER_USER_DEFAULT "dtcp"
#define SERVER_CHROOT "/run/dtcps-empty"

struct server_config {
	const char *authfile;
	const char *routetable;        /* -r */
	struct in_addr listen_addr;
	uint16_t port;
	bool udp;                      /* -U: UDP tunnels too */
	uint16_t udp_base;             /* -b */
	/* Interface pools by enum privsep_kind: -I (UDP, ng0) and -i
	 * (protocol 41, gif0): stem and first unit. */
	char if_stem[PRIVSEP_KINDS][IFNAMSIZ];
	unsigned if_base[PRIVSEP_KINDS];
	bool p41_pick;                 /* -i is a regular expression: */
	regex_t p41_regex;             /* use existing interfaces matching it */
	unsigned tun_flags;            /* -c: TUN_ATTACH; -o: TUN_REUSE |
					  TUN_PERSIST (os/tun.h) */
	bool has_tunnel_addr;          /* -g */
	struct in_addr tunnel_addr;    /* -g: our end of every tunnel */
	unsigned mtu;                  /* -m */
	unsigned login_timeout;        /* -T, seconds */
	unsigned session_timeout;
	bool has_prefix;
	struct in6_addr prefix;
	unsigned plen;
	unsigned max_tunnels;          /* = max sessions (-M), pools */
	unsigned max_per_addr;         /* -N */
	unsigned max_per_user;         /* -n: tunnels of one user at once */
	unsigned max_pending;          /* -w: connections not logged in */
	bool ports_lowest;             /* -l: lowest free UDP port first */
	unsigned throttle_burst;       /* -R burst,refill */
	unsigned throttle_refill;
	bool foreground;
	int verbose;
	const char *user;              /* -u: the engine's user */
	bool tunnelonly_link_only;     /* -S link: tunnelonly sources fe80::/10 */
	bool network_pair;             /* -a: network tunnels get a host pair */
	const char *ctl_path;          /* -C: dtcpctl's socket ("": none) */
	bool has_ctl_group;            /* -G: that group may use it too */
	gid_t ctl_gid;
	uid_t ctl_members[SERVER_CTL_MEMBERS_MAX];   /* its listed members */
	unsigned nctl_members;
	bool has_metrics;              /* -H: the /metrics listener */
	struct in_addr metrics_addr;
	uint16_t metrics_port;
	const char *pidfile;           /* -f */
	const char *journal;           /* -J: accounting records, or NULL */
	unsigned relay_threads;        /* -t: 0 relays in the main loop */
	/* -s: every tunnel behind one interface (server/shared.h); its
	 * name, and what main() made of it before the engine starts. */
	bool shared;
	char shared_if[IFNAMSIZ];
	unsigned shared_ifindex;
	struct in6_addr shared_server6;   /* our address there (prefix::1):
					     every host tunnel's server end */
};

struct session;
struct sandbox_user;
struct ctl;

/* Counters of the whole server since it started (dtcpctl metrics). */
struct server_stats {
	uint64_t logins_ok;            /* a tunnel was set up */
	uint64_t logins_failed;        /* -ERR authentication failed. */
	uint64_t logins_throttled;     /* refused unchecked: -R, or the
					  parent's ceiling */
	uint64_t logins_server_error;  /* not checked: password file
					  unusable */
	uint64_t logins_refused;       /* checked, but no tunnel (type, limits,
					  sold out) */
	uint64_t slots_taken;          /* waiting connections pushed out */
	uint64_t tunnels_closed;
	struct relay_stats closed;     /* the counters of closed tunnels */
};

/* Host address pairs are numbered by interface unit (PROTOCOL.md): as
 * many as the highest unit a pool can reach, and as many again above
 * those for a tunnel whose unit's pair is taken by the other kind (so that
 * it takes no other unit's pair). */
static inline unsigned server_slot_spill(const struct server_config *cfg)
{
	unsigned base = 0;

	for (int k = 0; k < PRIVSEP_KINDS; k++)
		if (cfg->if_base[k] > base)
			base = cfg->if_base[k];

	return base + cfg->max_tunnels;
}

static inline unsigned server_slots(const struct server_config *cfg)
{
	return server_slot_spill(cfg) + cfg->max_tunnels;
}

struct server {
	struct server_config cfg;
	struct ev_loop *loop;
	int listen_fd;
	struct ev_io listen_io;
	int p41_fd;                    /* raw protocol-41 socket: opened by
					  the parent, used by the engine */
	struct ev_io p41_io;
	int shared_tun_fd, shared_udp_fd; /* -s: made by the parent, or -1 */
	struct ev_io shared_tun_io, shared_udp_io;
	struct tunnel_env tunnels;     /* pools and policy of the tunnels */
	struct session *sessions;      /* live sessions, newest first */
	struct session *dead;          /* closed, freed after the batch */
	struct keymap session_ids;     /* id -> live session */
	struct keymap per_addr;        /* client IPv4 -> its live sessions */
	struct session *waiting_head;  /* the ones without a tunnel yet, */
	struct session *waiting_tail;  /* oldest first */
	unsigned next_id;
	unsigned nsessions;              /* live control connections */
	unsigned npending;               /* of them, without a tunnel */
	struct throttle throttle;        /* failed logins per address */
	struct ev_timer accept_pause;    /* out of descriptors: wait */
	const struct sandbox_user *user;  /* the engine's identity */
	struct server_stats stats;       /* for dtcpctl metrics */
	uint64_t login_server_error_logged_ms;
	int ctl_fd;                      /* dtcpctl's UNIX socket, or -1 */
	int metrics_fd;                  /* the /metrics listener, or -1 */
	struct ctl *ctl;                 /* their connections (ctl.h) */
};

#endif
