/* dtcpclient: the DTCP client that carries the tunnel but leaves
 * addresses and routes to a script (see dtcpclient(8), "SCRIPT"). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/cli.h"
#include "client/main.h"
#include "client/config.h"
#include "client/scriptconf.h"

#define DTCPCLIENT_AUTHFILE DTCP_SYSCONFDIR "/dtcpclient.auth"
#define DTCPCLIENT_CONF DTCP_SYSCONFDIR "/dtcpclient_script.conf"
#define DTCPCLIENT_SCRIPT DTCP_LIBEXECDIR "/dtcpclient.script"
#define DTCPCLIENT_PIDFILE "/var/run/dtcpclient.pid"

static void usage(FILE *f)
{
	fprintf(f,
"usage: dtcpclient [-dDlnU] [-b udp-port] [-E user] [-B nat-port] [-c script-conf]\n"
"                  [-f pidfile] [-F auth-file] [-k keepalive] [-m mtu]\n"
"                  [-p port] [-s script] [-t tuntype] [-u user] server\n"
"  -b port   local UDP port (default 4028)\n"
"  -B port   public port a static NAT forwards to -b: announce it\n"
"  -c file   script configuration: tunif (default gif0, with -U ng0),\n"
"            prefix_delegation,\n"
"            up_command, down_command (default " DTCPCLIENT_CONF ")\n"
"  -d        log the protocol exchange (without secrets)\n"
"  -E user   unprivileged user of the network-facing engine\n"
"            (default " CLIENT_ENGINE_USER ")\n"
"  -D        become a daemon\n"
"  -f file   pidfile (default " DTCPCLIENT_PIDFILE ")\n"
"  -F file   server:user:password file (default " DTCPCLIENT_AUTHFILE ");\n"
"            without a matching line the password is asked on the terminal\n"
CLI_HELP_K_TO_P
"  -s file   script run on up and down (default\n"
"            " DTCPCLIENT_SCRIPT ")\n"
"  -t type   tunnelonly (default), host or network\n"
"  -u user   user name (default: the login name)\n"
"  -U        IPv6 over UDP/IPv4 (default: protocol 41, as the original)\n");
}

/* realpath() of an existing file into buf[PATH_MAX]. */
static const char *absolute(const char *path, char *buf, const char *what)
{
	if (realpath(path, buf) == NULL) {
		if (errno == ENOENT && path[0] == '/')
			return path;  /* checked later, with a clearer message */
		cli_die("%s %s: %s", what, path, strerror(errno));
	}
	return buf;
}

/* The -s script exists, is a file and is executable, or a fatal error
 * saying which of these it is not. */
static void check_script(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			cli_die("script %s does not exist; give one with -s",
				path);
		cli_die("script %s: %s", path, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		cli_die("script %s is a directory; give the script file with "
			"-s", path);
	if (!S_ISREG(st.st_mode))
		cli_die("script %s is not a regular file; give one with -s",
			path);
	if (access(path, X_OK) < 0)
		cli_die("script %s is not executable; run chmod +x %s, or give "
			"another with -s", path, path);
}

int main(int argc, char **argv)
{
	static char script_path[PATH_MAX], conf_path[PATH_MAX], pid_path[PATH_MAX];
	struct client_config cfg;
	const char *user = NULL;
	char err[512];
	bool pidfile_given = false;
	int ch;

	cli_init(&cfg, CLIENT_DTCPCLIENT, "dtcpclient", DTCPCLIENT_AUTHFILE);
	cfg.script = DTCPCLIENT_SCRIPT;
	cfg.script_conf = DTCPCLIENT_CONF;
	cfg.script_timeout = CLIENT_SCRIPT_TIMEOUT;
	cfg.pidfile = DTCPCLIENT_PIDFILE;
	while ((ch = cli_next_option(argc, argv, "c:f:hs:", &cfg, &user)) != -1) {
		switch (ch) {
		case 'c':
			cfg.script_conf = optarg;
			break;
		case 'f':
			cfg.pidfile = optarg;
			pidfile_given = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 's':
			cfg.script = optarg;
			break;
		default:
			cli_bad_option(ch);
		}
	}
	cli_server_arg(&cfg, argc, argv);
	cli_finish(&cfg, user);
	check_script(cfg.script);
	/* A daemon works from "/": relative paths must be made absolute. */
	cfg.script = absolute(cfg.script, script_path, "script (-s)");
	cfg.script_conf = cli_absolute_dir(cfg.script_conf, conf_path,
				       "script configuration (-c)");
	if (cfg.pidfile)
		cfg.pidfile = cli_absolute_dir(cfg.pidfile, pid_path, "pidfile (-f)");
	if (scriptconf_tunif(cfg.script_conf, cfg.ifname, err, sizeof(err)) < 0)
		cli_die("%s", err);
	/* network: the LAN numbering is the configuration's, and router
	 * advertisements the up_command's (dtcpclient.8). */
	if (cfg.type == PROTO_TYPE_NETWORK &&
	    scriptconf_delegation(cfg.script_conf, &cfg.delegations, err,
				  sizeof(err)) < 0)
		cli_die("%s", err);
	cfg.no_ra = true;
	/* The original writes its pidfile whenever it runs; keep that for
	 * daemons and explicit -f, and spare foreground runs the default. */
	if (!cfg.daemonize && !pidfile_given)
		cfg.pidfile = NULL;
	return client_main(&cfg);
}
