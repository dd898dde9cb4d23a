/* TUN devices: layer-3, no packet-information header, with a virtio-net
 * header and TCP/UDP segmentation offloads when the kernel grants them. A
 * device is non-persistent, so closing its descriptor (or the process
 * dying) removes it from the kernel together with its addresses and
 * routes. */
#ifndef DTCP_TUN_H
#define DTCP_TUN_H

#include <net/if.h>
#include <stdbool.h>

/* Offloads granted to a TUN descriptor (tun_open's *offloads). */
#define TUN_OFF_VNET 0x1   /* IFF_VNET_HDR: every packet has the header */
#define TUN_OFF_CSUM 0x2   /* packets may come with partial checksums */
#define TUN_OFF_TSO6 0x4   /* TCP/IPv6 super-packets up to 64 KB */
#define TUN_OFF_USO 0x8    /* UDP super-packets (Linux 6.2+) */

/* Create TUN device `name` (exact name, no '%d') and return its
 * non-blocking, close-on-exec descriptor, writing the kernel's name to
 * out_name[IFNAMSIZ] and the TUN_OFF_* flags granted to *offloads: a
 * virtio-net header is requested and every offload probed, and the device
 * works (with fewer flags) whatever the kernel refuses. Returns -EBUSY when
 * the name is in use by another device, other -errno otherwise. */
int tun_open(const char *name, char *out_name, unsigned *offloads);

/* True when fd is a TUN descriptor opened with IFF_VNET_HDR, so that every
 * read returns and every write needs a struct virtio_net_hdr first. False
 * for anything else, including descriptors that are not TUN devices. */
bool tun_has_vnet_hdr(int fd);

#endif
