/* The sockets of a tunnel's data plane: UDP, or raw IPv4 of protocol 41
 * (no sit module needed). Both non-blocking, close-on-exec, with large
 * buffers. */
#ifndef DTCP_TUNSOCK_H
#define DTCP_TUNSOCK_H

#include <netinet/in.h>
#include <stdint.h>

#define TUNSOCK_BUFFER (4 << 20)   /* absorbs bursts at line rate */

/* A UDP socket bound to addr:port. Returns the descriptor or -errno
 * (-EADDRINUSE: the port is taken). */
int udp_tunnel_socket(struct in_addr addr, uint16_t port);

/* A raw protocol-41 socket (needs CAP_NET_RAW), bound to local and
 * connected to peer when they are not INADDR_ANY: bound, it takes only
 * packets to local and sends from it; connected, only packets from peer.
 * Unconnected, ICMP errors are queued (IP_RECVERR): read them with
 * MSG_ERRQUEUE. Returns the descriptor or -errno. */
int p41_tunnel_socket(struct in_addr local, struct in_addr peer);

#endif
