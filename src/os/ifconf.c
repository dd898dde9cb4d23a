/* TUN device creation, bring-up and release. */
#include "os/ifconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <unistd.h>

#include "common/log.h"
#include "os/tun.h"

int ifconf_tun_open(struct rtnl *nl, const char *name, unsigned tun_flags,
		    unsigned mtu, char out_name[IFNAMSIZ], unsigned *ifindex)
{
	static bool logged;
	unsigned idx, off;
	int fd, err;

	fd = tun_open(name, tun_flags, out_name, &off);
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

int ifconf_tun_release(struct rtnl *nl, unsigned ifindex,
		       const struct in6_addr *local)
{
	int err = 0;

	/* Gone already, or never added: nothing to undo. */
	if (local != NULL) {
		err = rtnl_addr6_del(nl, ifindex, local);
		if (err == -EADDRNOTAVAIL || err == -ENODEV)
			err = 0;
	}
	if (err == 0)
		err = rtnl_link_down(nl, ifindex);
	return err == -ENODEV ? 0 : err;
}

bool ifconf_is_up(const char *name)
{
	struct ifreq ifr;
	int fd, rc;

	if (strlen(name) >= IFNAMSIZ)
		return false;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	return rc == 0 && (ifr.ifr_flags & IFF_UP);
}

int ifconf_ipv6_sysctl(const char *ifname, const char *key,
		       const char *value)
{
	char path[128];
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	/* Names come from the configuration: never a path of their own. */
	if (strchr(ifname, '/') != NULL || strchr(key, '/') != NULL ||
	    (size_t)snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s",
			     ifname, key) >= sizeof(path))
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}
