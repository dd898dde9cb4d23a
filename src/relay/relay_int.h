/* Shared by the relay's files only: the packet buffers (one set for all
 * relays: the daemons are single-threaded and a relay call never returns
 * with a packet still in them) and the two directions. */
#ifndef DTCP_RELAY_INT_H
#define DTCP_RELAY_INT_H

#include "relay/relay.h"
#include "relay/vnet.h"

#define RELAY_BATCH 32
#define RELAY_IP6_HLEN 40
/* A whole TUN super-packet (virtio-net header, IPv6 header, 64 KB payload)
 * or the largest datagram, so that nothing is ever truncated. */
#define RELAY_BUF (VNET_HDR_LEN + RELAY_IP6_HLEN + 65535 + 7)

extern uint8_t relay_bufs[RELAY_BATCH][RELAY_BUF];

/* TUN -> UDP without (relay_tx_plain) or with (relay_tx_vnet) a
 * virtio-net header on the TUN descriptor. */
void relay_tx_plain(struct relay *r);
void relay_tx_vnet(struct relay *r);

/* UDP -> TUN, both kinds of TUN descriptor. */
void relay_rx(struct relay *r);

/* May a datagram from src belong to this tunnel? */
bool relay_source_ok(const struct relay *r, const struct sockaddr_in *src);

/* Follow the client's NAT mapping to src (RELAY_LEARN only). */
void relay_learn(struct relay *r, const struct sockaddr_in *src);

#endif
