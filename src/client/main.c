/* The life of dtcpc and dtcpclient after option parsing, in the root
 * parent: the password, the checks that must fail on the terminal, the
 * pidfile and daemon, the fork of the engine (client/engine.c), then the
 * parent's service of its requests (client/privsep_parent.c). */
#include "client/main.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/authfile.h"
#include "client/cli.h"
#include "client/engine.h"
#include "client/privsep_parent.h"
#include "common/log.h"
#include "common/tty.h"
#include "os/pidfile.h"
#include "os/privchan.h"
#include "os/rtnl.h"
#include "os/sandbox.h"

/* The password from cfg->authfile, else the terminal with echo off; a
 * fatal error when neither has it. */
static void main_password(const struct client_config *cfg, char *pw,
			  size_t size)
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
	if (rc == -ENXIO && access(cfg->authfile, F_OK) < 0 && errno == ENOENT)
		cli_die("no password for %s at %s: %s does not exist and there "
			"is no terminal to ask on; create it with a line "
			"\"%s:%s:PASSWORD\" (mode 600), or give another with -F",
			cfg->user, cfg->server, cfg->authfile, cfg->server,
			cfg->user);
	if (rc == -ENXIO)
		cli_die("no password for %s at %s in %s and no terminal to "
			"ask on; add a line \"%s:%s:PASSWORD\" to that file "
			"(mode 600)", cfg->user, cfg->server, cfg->authfile,
			cfg->server, cfg->user);
	if (rc < 0)
		cli_die("cannot read the password: %s", strerror(-rc));
}

/* Detach when cfg->daemonize, holding cfg->pidfile (refusing to start when
 * a live instance holds it); with cfg->pidfile set but no -D, just hold
 * it. Fatal errors happen before detaching. */
static void main_start(const struct client_config *cfg, struct pidfile *pf)
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

int client_main(struct client_config *cfg)
{
	char password[CLIENT_PASSWORD_MAX];
	struct privsep_parent *parent;
	struct sandbox_user user;
	struct privchan chan;
	struct pidfile pf;
	struct rtnl *nl;
	char err[512];
	int status;
	sigset_t set;
	pid_t pid;

	/* Nothing inherited may reach the confined engine. */
	closefrom(3);
	log_init(cfg->progname, 1, cfg->verbose);
	main_password(cfg, password, sizeof(password));
	if (sandbox_lookup_user(cfg->engine_user, "-E", &user, err, sizeof(err)) < 0 ||
	    sandbox_prepare_dir(CLIENT_CHROOT, err, sizeof(err)) < 0) {
		explicit_bzero(password, sizeof(password));
		cli_die("%s", err);
	}
	/* Signals wait in a mask until each side listens for them: no
	 * SIGTERM can kill the parent before it has a pidfile to remove or a
	 * "down" to run. */
	privchan_block_signals(&set);
	main_start(cfg, &pf);
	/* After the pidfile: a second instance refused there holds nothing. */
	nl = rtnl_open();
	if (nl == NULL) {
		explicit_bzero(password, sizeof(password));
		fatal("cannot open a netlink socket");
	}
	pid = privchan_fork(&chan);
	if (pid == 0) {
		/* The password, netlink and the pidfile stay with the parent. */
		explicit_bzero(password, sizeof(password));
		rtnl_close(nl);
		if (pf.fd >= 0)
			close(pf.fd);
		exit(engine_main(cfg, &user, chan.sock, chan.parent));
	}
	parent = privsep_parent_new(cfg, password, nl);
	if (parent == NULL)
		fatalx("out of memory");
	status = privchan_serve(chan.sock, chan.log_fd, pid,
				&privsep_parent_table, parent);
	/* A crashed engine cannot ask for "down": this runs it. */
	privsep_parent_free(parent);
	close(chan.log_fd);
	explicit_bzero(password, sizeof(password));
	rtnl_close(nl);
	pidfile_release(&pf);
	return status;
}
