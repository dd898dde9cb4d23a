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

	/* An existing device that is up is someone else's, whatever pool
	 * style found it. */
	if ((tun_flags & (TUN_ATTACH | TUN_REUSE)) && ifconf_is_up(name))
		return -EBUSY;
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
	int err = 0, down;

	/* Gone already, or never added: nothing to undo. */
	if (local != NULL) {
		err = rtnl_addr6_del(nl, ifindex, local, 128);
		if (err == -EADDRNOTAVAIL || err == -ENODEV)
			err = 0;
	}
	/* Down whatever happened: an interface left up is lost to the pool. */
	down = rtnl_link_down(nl, ifindex);
	if (err == 0 && down != -ENODEV)
		err = down;
	return err;
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
