/* TUN devices: layer-3, no packet-information header. A device is
 * non-persistent, so closing its descriptor (or the process dying) removes
 * it from the kernel together with its addresses and routes. */
#ifndef DTCP_TUN_H
#define DTCP_TUN_H

#include <net/if.h>

/* Create TUN device `name` (exact name, no '%d') and return its
 * non-blocking, close-on-exec descriptor, writing the kernel's name to
 * out_name[IFNAMSIZ]. Returns -EBUSY when the name is in use by another
 * device, other -errno otherwise. */
int tun_open(const char *name, char *out_name);

#endif
