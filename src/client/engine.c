/* A client's network-facing engine: runs confined (chroot, unprivileged
 * user, seccomp), holds the control session and the relay, and asks the
 * parent (client/privsep.h) for everything that needs privilege. */
#include "client/engine.h"

#include <string.h>

#include "client/privsep.h"
#include "client/reconnect.h"
#include "client/signals.h"
#include "common/log.h"

int engine_main(const struct client_config *cfg,
		const struct sandbox_user *user, int chan, pid_t parent)
{
	char err[512];
	int sigfd;

	if (sandbox_enter(user, CLIENT_CHROOT, parent, true, err,
			  sizeof(err)) < 0)
		fatalx("engine: %s", err);
	privsep_engine_init(chan);
	sigfd = signals_init();
	if (sigfd < 0)
		fatalx("cannot set up signal handling: %s", strerror(-sigfd));
	return reconnect_run(cfg, sigfd);
}
