/* One message over a SOCK_SEQPACKET socket, with at most one descriptor
 * riding along (SCM_RIGHTS): the transport of both privilege separations. */
#ifndef DTCP_FDPASS_H
#define DTCP_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define FDPASS_LOST (-2)   /* *fd when a descriptor could not be installed */

/* Send len bytes, and fd when fd >= 0. Returns 0 or -1 (errno set). */
int fdpass_send(int sock, const void *msg, size_t len, int fd);

/* Receive one message into buf[size]. *fd gets a descriptor that came
 * with it, -1 when none did, FDPASS_LOST when one was sent but this process
 * had no room for it. Returns the length, 0 at end of file, -1 on error or
 * a message longer than size. */
ssize_t fdpass_recv(int sock, void *buf, size_t size, int *fd);

#endif
