/* TUN device creation and bring-up. */
#include "os/ifconf.h"

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "common/log.h"
#include "os/tun.h"

int ifconf_tun_create(struct rtnl *nl, const char *name, unsigned mtu,
		      char out_name[IFNAMSIZ], unsigned *ifindex)
{
	static bool logged;
	unsigned idx, off;
	int fd, err;

	fd = tun_open(name, out_name, &off);
	if (fd < 0)
		return fd;
	/* Every device gets the same answer from one kernel: say it once. */
	if (!logged && (off & (TUN_OFF_VNET | TUN_OFF_TSO6)) !=
			       (TUN_OFF_VNET | TUN_OFF_TSO6))
		log_debug("tun: kernel refused %s; reading one packet per "
			  "system call from TUN devices", off & TUN_OFF_VNET
			  ? "TCP segmentation offload" : "the virtio-net header");
	logged = true;
	idx = if_nametoindex(out_name);
	if (idx == 0) {
		err = -errno;
		goto fail;
	}
	err = rtnl_link_up(nl, idx, mtu);
	if (err < 0)
		goto fail;
	*ifindex = idx;
	return fd;
fail:
	close(fd);
	return err;
}
