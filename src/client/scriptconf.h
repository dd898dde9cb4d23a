/* The one setting dtcpclient itself reads from dtcpclient_script.conf:
 * `tunif`, the tunnel interface name. The file is otherwise the script's;
 * it uses shell assignment syntax (name=value or name="value"), and the
 * value must be one the shell reads the same way. */
#ifndef DTCP_SCRIPTCONF_H
#define DTCP_SCRIPTCONF_H

#include <net/if.h>
#include <stddef.h>

#include "client/delegate.h"

/* Replace ifname[IFNAMSIZ] with tunif from `path` when the file sets it;
 * leave the caller's default (gif0 or ng0 by tunnel kind) when the file
 * does not exist or does not set it. Returns 0, or -1 with a message
 * naming the file, line and fix in err[errlen]; also -1 for a file the
 * script would refuse to source (writable by group or others, owned by
 * neither root nor us), so that dtcpclient can refuse it at start. */
int scriptconf_tunif(const char *path, char ifname[IFNAMSIZ], char *err,
		     size_t errlen);

/* Fill *out from the file's prefix_delegation (network tunnels: the LAN
 * interfaces to number, in dtcpc -P's syntax); out->n stays 0 when the
 * file does not set it. Returns 0, or -1 with a message naming the file,
 * line and fix in err[errlen]. */
int scriptconf_delegation(const char *path, struct delegate_list *out,
			  char *err, size_t errlen);

#endif
