/* Tunnel UDP sockets. */
#include "os/udp.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int udp_tunnel_socket(struct in_addr addr, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_addr = addr, .sin_port = htons(port)
	};
	int fd, size = UDP_TUNNEL_SOCKBUF, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* With CAP_NET_ADMIN the buffers may exceed rmem_max/wmem_max; the
	 * sandboxed engine falls back to the ordinary limit. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}
