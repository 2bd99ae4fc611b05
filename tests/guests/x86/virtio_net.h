/* The virtio guest's network test (virtio_net.c), run on the virtio-net device it found. */
#ifndef GUEST_VIRTIO_NET_H
#define GUEST_VIRTIO_NET_H

#include "runtime/virtio.h"

/*
 * Drives the virtio-net device d: MAC from config space, ARP for the gateway, UDP datagrams
 * to 10.0.2.2:udp= (the command line's port) and the host's reply, waited for by interrupt.
 * interrupts counts the device's interrupts (the caller routes and acknowledges them).
 * Fails the test on any error.
 */
void net_test(struct virtio_dev *d, volatile unsigned *interrupts);

#endif
