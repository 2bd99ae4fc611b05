/*
 * virtio-console's control queues (virtio 1.2, 5.3.6.2), private to the device: the driver's
 * DEVICE_READY, PORT_READY and PORT_OPEN come in on queue 3; PORT_ADD, CONSOLE_PORT,
 * PORT_NAME and PORT_OPEN go out on queue 2 when the driver has posted buffers for them.
 * What the device still owes is one bit per event kind per port, so a driver repeating
 * itself cannot make it grow. Every message is checked (size, port, order) and a bad one is
 * ignored. Called under the transport's lock.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_CONSOLE_CONTROL_H
#define KESTREL_HW_VIRTIO_VIRTIO_CONSOLE_CONTROL_H

#include <stdbool.h>

#include "hw/virtio/virtio_console.h"

#define CONTROL_RX 2 /* device -> driver control messages */
#define CONTROL_TX 3 /* driver -> device control messages */

/* Handles the driver's control messages, then sends what they made owed. */
void virtio_console_control_receive(struct virtio_console *c);
/* Sends owed events into whatever control buffers the driver has posted. */
void virtio_console_control_flush(struct virtio_console *c);
/* The port's host end (a socket's client) came or went: tell a driver that set it up. */
void virtio_console_host_connection(struct virtio_console_port *p);

/* From virtio_console.c. */
bool virtio_console_multiport(const struct virtio_console *c);
void virtio_console_flush_input(struct virtio_console_port *p);
void virtio_console_guest_error(const struct virtio_console *c, const char *what);

#endif
