/* Shared command-line plumbing of dtcpc and dtcpclient. */
#include "client/cli.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "authdb/authdb.h"
#include "client/authfile.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/tty.h"
#include "client/cprivsep.h"
#include "os/priv.h"
#include "os/privparent.h"
#include "os/sandbox.h"

static const char *cli_prog = "dtcpc";

void cli_init(struct client_config *cfg, enum client_kind kind,
	      const char *progname, const char *authfile)
{
	cli_prog = progname;
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = kind;
	cfg->progname = progname;
	cfg->authfile = authfile;
	cfg->port = 20200;
	cfg->udp_port = 4028;
	strcpy(cfg->ifname, "ng0");
	cfg->mtu = 1280;
	cfg->type = PROTO_TYPE_TUNNELONLY;
	cfg->ping_interval = 60;
	cfg->keepalive = 25;
	cfg->engine_user = CLIENT_ENGINE_USER;
}

void cli_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

unsigned cli_uint(const char *s, uint64_t min, uint64_t max, const char *what)
{
	uint64_t v;

	if (parse_uint(s, min, max, &v) < 0)
		cli_die("invalid %s \"%s\": expected a number from %llu to %llu",
			what, s, (unsigned long long)min,
			(unsigned long long)max);
	return (unsigned)v;
}

bool cli_common_option(int ch, const char *arg, struct client_config *cfg,
		       const char **user)
{
	switch (ch) {
	case 'b':
		cfg->udp_port = (uint16_t)cli_uint(arg, 1, 65535, "udp port (-b)");
		return true;
	case 'B':
		cfg->nat_port = (uint16_t)cli_uint(arg, 1, 65535, "nat port (-B)");
		return true;
	case 'd':
		cfg->verbose++;
		return true;
	case 'D':
		cfg->daemonize = true;
		return true;
	case 'F':
		cfg->authfile = arg;
		return true;
	case 'k':
		cfg->keepalive = cli_uint(arg, 0, 3600, "keepalive interval (-k)");
		return true;
	case 'l':
		cfg->reconnect = true;
		return true;
	case 'm':
		cfg->mtu = cli_uint(arg, 1280, 65495, "mtu (-m)");
		return true;
	case 'n':
		cfg->skip_nat_check = true;
		return true;
	case 'p':
		cfg->port = (uint16_t)cli_uint(arg, 1, 65535, "port (-p)");
		return true;
	case 't':
		cfg->type = proto_type_from(arg);
		if (cfg->type != PROTO_TYPE_TUNNELONLY &&
		    cfg->type != PROTO_TYPE_HOST)
			cli_die("invalid tunnel type \"%.32s\" (-t): use "
				"tunnelonly or host", arg);
		return true;
	case 'u':
		*user = arg;
		return true;
	case 'U':
		cfg->udp = true;
		return true;
	case 'E':
		cfg->engine_user = arg;
		return true;
	default:
		return false;
	}
}

void cli_bad_option(int ch)
{
	if (ch == ':')
		cli_die("option -%c needs a value; see %s -h", optopt, cli_prog);
	cli_die("unknown option -%c; see %s -h", optopt, cli_prog);
}

void cli_server_arg(struct client_config *cfg, int argc, char **argv)
{
	if (argc - optind != 1)
		cli_die("%s; see %s -h", argc - optind == 0 ? "no server given"
			: "too many arguments", cli_prog);
	cfg->server = argv[optind];
}

void cli_finish(struct client_config *cfg, const char *user)
{
	struct passwd *pw;

	cli_prog = cfg->progname;
	if (!cfg->udp)
		cli_die("protocol-41 tunnels are not implemented in this "
			"version; use -U for IPv6 over UDP/IPv4");
	if (cfg->nat_port && !cfg->udp)
		cli_die("-B needs -U");
	if (user == NULL) {
		pw = getpwuid(getuid());
		if (pw == NULL)
			cli_die("cannot tell the login name; give the user "
				"with -u");
		user = pw->pw_name;
	}
	if (!proto_user_ok(user))
		cli_die("invalid user name \"%.64s\": letters, digits and "
			". _ @ + - only, at most %d characters", user,
			PROTO_USER_MAX);
	strcpy(cfg->user, user);
}

void cli_password(const struct client_config *cfg, char *pw, size_t size)
{
	char err[512], prompt[160];
	int rc;

	rc = authfile_lookup(cfg->authfile, cfg->server, cfg->user, pw, size,
			     err, sizeof(err));
	if (rc < 0)
		cli_die("%s", err);
	if (rc == 1)
		return;
	snprintf(prompt, sizeof(prompt), "password for %s at %s: ", cfg->user,
		 cfg->server);
	rc = tty_read_secret(prompt, pw, size);
	if (rc == -ENXIO)
		cli_die("no password for %s at %s in %s and no terminal to "
			"ask on; add a line \"%s:%s:PASSWORD\" to that file "
			"(mode 600)", cfg->user, cfg->server, cfg->authfile,
			cfg->server, cfg->user);
	if (rc < 0)
		cli_die("cannot read the password: %s", strerror(-rc));
}

void cli_start(const struct client_config *cfg, struct pidfile *pf)
{
	pid_t holder;
	int err;

	pf->fd = -1;
	if (cfg->pidfile == NULL)
		return;
	err = pidfile_acquire(pf, cfg->pidfile, &holder);
	if (err == -EEXIST)
		cli_die("another %s (pid %ld) is running with pidfile %s; "
			"stop it first or choose another pidfile", cfg->progname,
			(long)holder, cfg->pidfile);
	if (err < 0)
		cli_die("cannot open pidfile %s: %s", cfg->pidfile,
			strerror(-err));
	if (cfg->daemonize) {
		if (daemon(0, 0) < 0)
			cli_die("cannot become a daemon: %s", strerror(errno));
		log_init(cfg->progname, 0, cfg->verbose);
	}
	err = pidfile_write(pf);
	if (err < 0)
		log_warnx("cannot write pidfile %s: %s", cfg->pidfile,
			  strerror(-err));
}

/* The engine: drop everything privileged, then run the sessions. */
static int cli_engine(const struct client_config *cfg,
		      const struct sandbox_user *user, int chan, pid_t parent)
{
	char err[512];
	int sigfd;

	priv_shutdown();
	/* syslog() needs the time zone, unreadable once chrooted. */
	tzset();
	if (sandbox_enter(user, CLIENT_CHROOT, parent, true, err,
			  sizeof(err)) < 0)
		fatalx("engine: %s", err);
	cps_engine_init(chan);
	sigfd = client_signals_init();
	if (sigfd < 0)
		fatalx("cannot set up signal handling: %s", strerror(-sigfd));
	return client_run(cfg, sigfd);
}

int cli_main(struct client_config *cfg)
{
	char password[CLIENT_PASSWORD_MAX];
	struct sandbox_user user;
	struct pidfile pf;
	char err[512];
	struct privparent_chan chan;
	int status;
	sigset_t set;
	pid_t pid;

	/* Nothing inherited may reach the confined engine. */
	closefrom(3);
	log_init(cfg->progname, 1, cfg->verbose);
	cli_password(cfg, password, sizeof(password));
	if (priv_init(NULL, err, sizeof(err)) < 0 ||
	    sandbox_lookup_user(cfg->engine_user, "-E", &user, err, sizeof(err)) < 0 ||
	    sandbox_prepare_dir(CLIENT_CHROOT, err, sizeof(err)) < 0) {
		explicit_bzero(password, sizeof(password));
		cli_die("%s", err);
	}
	/* Signals wait in a mask until each side listens for them: no
	 * SIGTERM can kill the parent before it has a pidfile to remove or a
	 * "down" to run. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	cli_start(cfg, &pf);
	pid = privparent_fork(&chan);
	if (pid == 0) {
		/* The password and the pidfile stay with the parent. */
		explicit_bzero(password, sizeof(password));
		if (pf.fd >= 0)
			close(pf.fd);
		exit(cli_engine(cfg, &user, chan.sock, chan.parent));
	}
	status = cps_parent_run(chan.sock, chan.log_fd, pid, cfg, password);
	close(chan.log_fd);
	explicit_bzero(password, sizeof(password));
	priv_shutdown();
	pidfile_release(&pf);
	return status;
}
