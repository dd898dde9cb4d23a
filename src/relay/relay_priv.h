/* Shared by the relay's files only: the packet buffers, one set per
 * thread for all the relays it runs (a relay call never returns with a
 * packet still in them). Defined in relay_tx.c, used by both
 * directions. */
#ifndef DTCP_RELAY_PRIV_H
#define DTCP_RELAY_PRIV_H

#include <errno.h>
#include <stdint.h>

#include "relay/relay_check.h"
#include "relay/vnet.h"

#define RELAY_BATCH 32
/* A whole TUN super-packet (virtio-net header, IPv6 header, 64 KB payload)
 * or the largest datagram, so that nothing is ever truncated. */
#define RELAY_BUF (VNET_HDR_LEN + RELAY_IP6_HLEN + 65535 + 7)

extern _Thread_local uint8_t relay_bufs[RELAY_BATCH][RELAY_BUF];

/* A send or receive on r's socket failed with err: count an error the
 * network reported (an ICMP error turned into errno) and tell the daemon;
 * a full buffer or nothing to read is no error. */
static inline void relay_net_error(struct relay *r, int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR ||
	    err == ENOBUFS)
		return;
	RELAY_COUNT(r, net_errors, 1);
	if (r->on_net_error)
		r->on_net_error(r->arg, err);
}

#endif
