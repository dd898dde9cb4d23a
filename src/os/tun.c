/* TUN device creation and offload negotiation. */
#include "os/tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Debian 12's linux-libc-dev 6.1 predates TUN UDP segmentation offload
 * (Linux 6.2); the values are the kernel's ABI. */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

/* Ask for the most the relay can use, then less: TUNSETOFFLOAD fails with
 * EINVAL on any bit the kernel does not know, and set_offload() only accepts
 * TSO with CSUM and USO4 together with USO6. TSO4 is never asked: IPv4 is
 * not carried, so its segments may as well be cut by the kernel. */
static unsigned tun_offload(int fd)
{
	static const struct {
		unsigned long tun_f;
		unsigned off;
	} tries[] = {
		{ TUN_F_CSUM | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 |
			  TUN_F_USO6,
		  TUN_OFF_CSUM | TUN_OFF_TSO6 | TUN_OFF_USO },
		{ TUN_F_CSUM | TUN_F_TSO6 | TUN_F_TSO_ECN,
		  TUN_OFF_CSUM | TUN_OFF_TSO6 },
		{ TUN_F_CSUM | TUN_F_TSO6, TUN_OFF_CSUM | TUN_OFF_TSO6 },
		{ TUN_F_CSUM, TUN_OFF_CSUM },
	};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (ioctl(fd, TUNSETOFFLOAD, tries[i].tun_f) == 0)
			return tries[i].off;
	return 0;
}

int tun_open(const char *name, unsigned flags, char *out_name,
	     unsigned *offloads)
{
	struct ifreq ifr;
	int fd, err;

	if (strlen(name) >= IFNAMSIZ || strchr(name, '%') != NULL)
		return -EINVAL;
	if ((flags & TUN_ATTACH) && if_nametoindex(name) == 0)
		return -ENODEV;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | IFF_VNET_HDR);
	/* IFF_TUN_EXCL: fail instead of attaching to an existing persistent
	 * device of the same name that someone else configured. */
	if (!(flags & (TUN_ATTACH | TUN_REUSE)))
		ifr.ifr_flags |= IFF_TUN_EXCL;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	err = ioctl(fd, TUNSETIFF, &ifr) < 0 ? errno : 0;
	if (err == EINVAL) {
		/* A kernel that rejects the flag: the plain device. */
		ifr.ifr_flags &= (short)~IFF_VNET_HDR;
		err = ioctl(fd, TUNSETIFF, &ifr) < 0 ? errno : 0;
	}
	if (err == 0 && (flags & TUN_PERSIST) &&
	    ioctl(fd, TUNSETPERSIST, 1L) < 0)
		err = errno;
	if (err) {
		close(fd);
		return err == EEXIST ? -EBUSY : -err;
	}
	*offloads = 0;
	if (ifr.ifr_flags & IFF_VNET_HDR)
		*offloads = TUN_OFF_VNET | tun_offload(fd);
	memcpy(out_name, ifr.ifr_name, IFNAMSIZ);
	out_name[IFNAMSIZ - 1] = '\0';
	return fd;
}

bool tun_has_vnet_hdr(int fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return false;
	return (ifr.ifr_flags & IFF_VNET_HDR) != 0;
}
