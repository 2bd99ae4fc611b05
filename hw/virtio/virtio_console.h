/*
 * virtio-console (virtio 1.2, section 5.3) with MULTIPORT, as QEMU's virtio-serial offers it:
 * port 0 on queues 0/1, the control queues 2/3, port n on queues 2n+2/2n+3. Each port is a
 * console (virtconsole: the guest's hvcN) or a named port (virtserialport: /dev/vportNpM),
 * served by a chardev. A driver without MULTIPORT gets port 0 alone, as a console.
 *
 * Threads: guest output arrives on the vCPU thread that notified and goes straight to the
 * chardev; when a socket's reader falls behind, the port holds its transmit chain and goes
 * on from the main thread once the socket has room, so the guest waits, not the vCPU. Host
 * input arrives on the main thread, waits in the port's bounded buffer until
 * the guest has posted receive buffers and opened the port, and the chardev is throttled
 * while that buffer is full. Everything runs under the transport's lock.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_CONSOLE_H
#define KESTREL_HW_VIRTIO_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/chardev.h"
#include "core/config.h"
#include "hw/virtio/virtio_mmio.h"

#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_CONSOLE_F_MULTIPORT (1ull << 1)
/* Ports per device: 2 * (8 + 1) = 18 queues, within VIRTIO_MMIO_MAX_QUEUES. */
#define VIRTIO_CONSOLE_MAX_PORTS CONFIG_MAX_SERIAL_PORTS
#define VIRTIO_CONSOLE_NAME_MAX CONFIG_MAX_PORT_NAME /* bytes of a port's name */
#define VIRTIO_CONSOLE_INPUT_BUF 4096

/* Control events (5.3.6.2). */
enum virtio_console_event {
    VIRTIO_CONSOLE_DEVICE_READY = 0,
    VIRTIO_CONSOLE_PORT_ADD = 1,
    VIRTIO_CONSOLE_PORT_REMOVE = 2,
    VIRTIO_CONSOLE_PORT_READY = 3,
    VIRTIO_CONSOLE_CONSOLE_PORT = 4,
    VIRTIO_CONSOLE_RESIZE = 5,
    VIRTIO_CONSOLE_PORT_OPEN = 6,
    VIRTIO_CONSOLE_PORT_NAME = 7,
};
#define VIRTIO_CONSOLE_CONTROL_SIZE 8 /* id u32, event u16, value u16 */

struct virtio_console;

struct virtio_console_port {
    struct virtio_console *con;
    unsigned nr;
    bool present;           /* a -device virtconsole/virtserialport is here */
    bool is_console;
    const char *name;       /* NULL: unnamed */
    struct chardev chr;     /* opened by whoever adds the port */
    bool chr_open;
    char label[64];         /* "-chardev ID", for messages */
    /* The driver's view, forgotten at reset. */
    bool guest_ready;       /* PORT_READY 1 */
    bool guest_open;        /* PORT_OPEN 1: the guest reads the port */
    unsigned owed;          /* control events still to send: one bit per kind, so bounded */
    /* Guest output the chardev has not taken yet: a transmit chain held, and how far it
     * has been written. Dropped at reset. */
    bool tx_held;
    uint32_t tx_epoch; /* the transmit queue's epoch when the held chain was popped */
    unsigned tx_seg;
    uint32_t tx_off;
    struct virtq_chain tx;
    /* Host input not yet in the guest's buffers: a ring. */
    uint8_t in[VIRTIO_CONSOLE_INPUT_BUF];
    size_t in_start, in_len;
};

struct virtio_console {
    struct virtio_device_ops ops; /* nr_queues follows max_ports */
    struct virtio_mmio *t;
    unsigned max_ports;
    bool device_ready;            /* DEVICE_READY 1 seen since the last reset */
    struct virtio_console_port port[VIRTIO_CONSOLE_MAX_PORTS];
    struct virtq_chain chain;     /* scratch, used under the transport's lock */
};

/* A device with room for max_ports (1..VIRTIO_CONSOLE_MAX_PORTS) ports, none present yet.
 * Its ops are c->ops; hand them and c to virtio_mmio_init. */
void virtio_console_init(struct virtio_console *c, unsigned max_ports, struct virtio_mmio *t);
/* Marks port nr present; the caller then opens its chr and sets chr_open. */
struct virtio_console_port *virtio_console_add_port(struct virtio_console *c, unsigned nr,
                                                    bool is_console, const char *name,
                                                    const char *chardev_id);
/* Connects every present port to its chardev and starts reading host input. */
void virtio_console_start(struct virtio_console *c);
void virtio_console_destroy(struct virtio_console *c);

#endif
