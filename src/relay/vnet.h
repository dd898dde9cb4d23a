/* The virtio-net header a TUN device opened with IFF_VNET_HDR puts before
 * every packet it returns and expects before every packet written to it
 * (Documentation/networking/tuntap.rst). Without TUNSETVNETLE/BE its fields
 * are in native byte order (legacy virtio), as read and written here. */
#ifndef DTCP_VNET_H
#define DTCP_VNET_H

#include <linux/virtio_net.h>

/* Debian 12's linux-libc-dev 6.1 predates UDP segmentation offload for
 * TUN (Linux 6.2); the values are the kernel's ABI. */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

/* The 10-byte header, the TUN default (TUNSETVNETHDRSZ not used). */
#define VNET_HDR_LEN ((size_t)sizeof(struct virtio_net_hdr))

#endif
