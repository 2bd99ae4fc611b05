/*
 * The user-mode network backend (-netdev user): libslirp, running in the main thread's event
 * loop, with QEMU's addresses. The guest is 10.0.2.15 (from DHCP), the gateway and the host
 * 10.0.2.2, the DNS server 10.0.2.3; on IPv6, fec0::/64 with fec0::2 and fec0::3. The guest
 * reaches the host's loopback through 10.0.2.2, and hostfwd= rules reach the guest.
 *
 * Every call here and every callback to the NIC happens on the main thread.
 */
#ifndef KESTREL_HW_NET_NET_USER_H
#define KESTREL_HW_NET_NET_USER_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

/* The NIC side: where frames for the guest go. */
struct net_peer {
    void (*receive)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
};

struct net_user;

/* Starts the stack and its hostfwd listeners. Errors are reported naming the rule; NULL. */
struct net_user *net_user_new(const struct vm_netdev_config *cfg, const struct net_peer *peer);
/* A frame from the guest. */
void net_user_send(struct net_user *n, const uint8_t *frame, size_t len);
void net_user_free(struct net_user *n);

#endif
