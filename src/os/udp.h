/* The UDP socket of a tunnel's data plane. */
#ifndef DTCP_UDP_H
#define DTCP_UDP_H

#include <netinet/in.h>
#include <stdint.h>

#define UDP_TUNNEL_SOCKBUF (4 << 20)   /* absorbs bursts at line rate */

/* A non-blocking, close-on-exec IPv4 UDP socket bound to addr:port, with
 * large buffers. Returns the descriptor or -errno (-EADDRINUSE: the port is
 * taken). */
int udp_tunnel_socket(struct in_addr addr, uint16_t port);

#endif
