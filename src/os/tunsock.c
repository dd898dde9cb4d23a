/* Tunnel sockets. */
#include "os/tunsock.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

/* A socket of type and protocol with TUNSOCK_BUFFER bytes each way. */
static int tunsock_open(int type, int protocol)
{
	int fd, size = TUNSOCK_BUFFER;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	/* With CAP_NET_ADMIN the buffers may exceed rmem_max/wmem_max; the
	 * sandboxed engine falls back to the ordinary limit. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	return fd;
}

/* Bind (connect) fd to addr:port unless both are 0. Returns fd, or
 * -errno after closing it. */
static int tunsock_attach(int fd, int (*op)(int, const struct sockaddr *,
					    socklen_t),
			  struct in_addr addr, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_addr = addr, .sin_port = htons(port)
	};
	int err;

	if (fd < 0 || (addr.s_addr == INADDR_ANY && port == 0))
		return fd;
	if (op(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int udp_tunnel_socket(struct in_addr addr, uint16_t port)
{
	int fd = tunsock_open(SOCK_DGRAM, 0);

	return tunsock_attach(fd, bind, addr, port);
}

int p41_tunnel_socket(struct in_addr local, struct in_addr peer)
{
	int fd = tunsock_open(SOCK_RAW, IPPROTO_IPV6);

	int on = 1;

	/* Unconnected, a raw socket hears of ICMP errors only this way:
	 * queued, to be read with MSG_ERRQUEUE (relay_p41_errors). */
	if (fd >= 0 && peer.s_addr == INADDR_ANY)
		(void)setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	fd = tunsock_attach(fd, bind, local, 0);
	return tunsock_attach(fd, connect, peer, 0);
}
