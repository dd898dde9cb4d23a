/* TUN devices: layer-3, no packet-information header, with a virtio-net
 * header and TCP/UDP segmentation offloads when the kernel grants them. A
 * device we create is non-persistent unless asked, so closing its
 * descriptor (or the process dying) removes it from the kernel together
 * with its addresses and routes. */
#ifndef DTCP_TUN_H
#define DTCP_TUN_H

#include <net/if.h>
#include <stdbool.h>

/* Offloads granted to a TUN descriptor (tun_open's *offloads). */
#define TUN_OFF_VNET 0x1   /* IFF_VNET_HDR: every packet has the header */
#define TUN_OFF_CSUM 0x2   /* packets may come with partial checksums */
#define TUN_OFF_TSO6 0x4   /* TCP/IPv6 super-packets up to 64 KB */
#define TUN_OFF_USO 0x8    /* UDP super-packets (Linux 6.2+) */

/* tun_open's flags. Without TUN_ATTACH or TUN_REUSE the device is
 * created, and an existing device of that name is -EBUSY. */
#define TUN_ATTACH 0x1    /* only an existing (persistent) device: -ENODEV
			     when there is none */
#define TUN_REUSE 0x2     /* create it, or attach when it exists */
#define TUN_PERSIST 0x4   /* make it outlive its descriptor */

/* Open TUN device `name` (exact name, no '%d') as flags say and return its
 * non-blocking, close-on-exec descriptor, writing the kernel's name to
 * out_name[IFNAMSIZ] and the TUN_OFF_* flags granted to *offloads: a
 * virtio-net header is requested and every offload probed, and the device
 * works (with fewer flags) whatever the kernel refuses. Returns -EBUSY when
 * the name is in use by another device (or, attaching, by another
 * process), other -errno otherwise. */
int tun_open(const char *name, unsigned flags, char *out_name,
	     unsigned *offloads);

/* True when fd is a TUN descriptor opened with IFF_VNET_HDR, so that every
 * read returns and every write needs a struct virtio_net_hdr first. False
 * for anything else, including descriptors that are not TUN devices. */
bool tun_has_vnet_hdr(int fd);

#endif
