/* The environment dtcpclient gives its script: a fixed, documented set of
 * DTCP_* variables built only from values already parsed and re-formatted
 * (addresses through inet_ntop, numbers through printf), plus a fixed PATH.
 * Nothing is inherited from dtcpclient's own environment. */
#ifndef DTCP_SCRIPTENV_H
#define DTCP_SCRIPTENV_H

#include <net/if.h>
#include <stdint.h>

#include "proto/proto.h"

#define SCRIPTENV_VARS 16
#define SCRIPTENV_BUF 4096
#define SCRIPTENV_LAN_MAX 512   /* bytes of DTCP_LAN_ADDRESSES */

struct script_info {
	const char *event;              /* "up" or "down" */
	char ifname[IFNAMSIZ];
	enum proto_type type;
	struct proto_tunnel_reply reply;
	unsigned mtu;
	uint16_t local_udp_port;
	const char *udp_mode;           /* plain, static-nat, nat-traversal,
					   protocol-41 */
	const char *conf_path;          /* dtcpclient_script.conf */
	char lan[SCRIPTENV_LAN_MAX];    /* network: "ifname=addr/plen ..." */
};

struct scriptenv {
	char buf[SCRIPTENV_BUF];
	char *envp[SCRIPTENV_VARS + 1];
};

/* Build envp for `info`. Returns 0, or -1 if it does not fit. */
int scriptenv_build(struct scriptenv *se, const struct script_info *info);

#endif
