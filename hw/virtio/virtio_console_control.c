/* virtio-console's control queues: the MULTIPORT protocol; see virtio_console_control.h. */
#include "hw/virtio/virtio_console_control.h"

#include <string.h>

/* Control events the device owes a port's driver, sent in this order. */
enum {
    OWE_ADD = 1u << 0,
    OWE_CONSOLE = 1u << 1,
    OWE_NAME = 1u << 2,
    OWE_OPEN = 1u << 3,
};

struct control_msg {
    uint32_t id;
    uint16_t event, value;
};

static void control_encode(uint8_t *buf, uint32_t id, uint16_t event, uint16_t value)
{
    memcpy(buf, &id, 4);
    memcpy(buf + 4, &event, 2);
    memcpy(buf + 6, &value, 2);
}

static uint16_t owed_event(unsigned bit)
{
    switch (bit) {
    case OWE_ADD: return VIRTIO_CONSOLE_PORT_ADD;
    case OWE_CONSOLE: return VIRTIO_CONSOLE_CONSOLE_PORT;
    case OWE_NAME: return VIRTIO_CONSOLE_PORT_NAME;
    default: return VIRTIO_CONSOLE_PORT_OPEN;
    }
}

/* Writes one owed event into a control receive chain; false if the chain is too small. */
static bool control_send(struct virtio_console *c, struct virtio_console_port *p,
                         unsigned bit, uint32_t *written)
{
    uint8_t msg[VIRTIO_CONSOLE_CONTROL_SIZE + VIRTIO_CONSOLE_NAME_MAX];
    size_t len = VIRTIO_CONSOLE_CONTROL_SIZE;

    /* PORT_OPEN says whether the host end is there: a socket's client (5.3.6.2). */
    uint16_t value = bit == OWE_OPEN ? chardev_connected(&p->chr) : 1;
    control_encode(msg, p->nr, owed_event(bit), value);
    if (bit == OWE_NAME) {
        size_t n = strlen(p->name); /* at most VIRTIO_CONSOLE_NAME_MAX: options check it */
        memcpy(msg + len, p->name, n);
        len += n;
    }
    if (c->chain.writable_bytes < len)
        return false;
    *written = (uint32_t)virtq_chain_write(&c->chain, 0, msg, len);
    return true;
}

/* The next owed event, in port order and then ADD, CONSOLE, NAME, OPEN; false if none. */
static bool next_owed(struct virtio_console *c, struct virtio_console_port **port,
                      unsigned *bit)
{
    for (unsigned nr = 0; nr < c->max_ports; nr++)
        for (unsigned b = OWE_ADD; b <= OWE_OPEN; b <<= 1)
            if (c->port[nr].owed & b) {
                *port = &c->port[nr];
                *bit = b;
                return true;
            }
    return false;
}

/* Sends owed events into whatever control buffers the driver has posted. */
void virtio_console_control_flush(struct virtio_console *c)
{
    struct virtio_console_port *p;
    unsigned bit;

    while (virtio_console_multiport(c) && next_owed(c, &p, &bit) &&
           virtio_mmio_pop(c->t, CONTROL_RX, &c->chain) == 1) {
        uint32_t written = 0;
        if (control_send(c, p, bit, &written))
            p->owed &= ~bit;
        else
            virtio_console_guest_error(c, "a control receive buffer too small for a message "
                                          "(returned empty)");
        virtio_mmio_push(c->t, CONTROL_RX, &c->chain, written);
    }
}

static void device_ready(struct virtio_console *c, uint16_t value)
{
    if (!value) {
        virtio_console_guest_error(c, "the driver could not set the device up (DEVICE_READY 0)");
        return;
    }
    if (c->device_ready) {
        virtio_console_guest_error(c, "DEVICE_READY again without a reset (ignored)");
        return;
    }
    c->device_ready = true;
    for (unsigned nr = 0; nr < c->max_ports; nr++)
        if (c->port[nr].present && !c->port[nr].guest_ready)
            c->port[nr].owed |= OWE_ADD;
}

/* The driver has set the port up: tell it what the port is, and that the host is there. */
static void port_ready(struct virtio_console_port *p, uint16_t value)
{
    if (!value) {
        virtio_console_guest_error(p->con, "the driver could not set a port up (PORT_READY 0)");
        return;
    }
    p->guest_ready = true;
    p->owed |= OWE_OPEN | (p->is_console ? OWE_CONSOLE : 0) | (p->name ? OWE_NAME : 0);
}

void virtio_console_host_connection(struct virtio_console_port *p)
{
    if (p->guest_ready) {
        p->owed |= OWE_OPEN;
        virtio_console_control_flush(p->con);
    }
}

static void port_open(struct virtio_console_port *p, uint16_t value)
{
    p->guest_open = value != 0;
    if (p->guest_open)
        virtio_console_flush_input(p);
}

static void control_handle(struct virtio_console *c, const struct control_msg *m)
{
    if (m->event == VIRTIO_CONSOLE_DEVICE_READY) {
        device_ready(c, m->value);
        return;
    }
    if (m->id >= c->max_ports || !c->port[m->id].present) {
        virtio_console_guest_error(c, "a control message for a port that does not exist (ignored)");
        return;
    }
    struct virtio_console_port *p = &c->port[m->id];
    if (!c->device_ready || (m->event != VIRTIO_CONSOLE_PORT_READY && !p->guest_ready)) {
        virtio_console_guest_error(c, "a control message out of order (ignored)");
        return;
    }
    switch (m->event) {
    case VIRTIO_CONSOLE_PORT_READY: port_ready(p, m->value); break;
    case VIRTIO_CONSOLE_PORT_OPEN: port_open(p, m->value); break;
    default:
        virtio_console_guest_error(c, "a control event a driver does not send (ignored)");
        break;
    }
}

void virtio_console_control_receive(struct virtio_console *c)
{
    uint8_t raw[VIRTIO_CONSOLE_CONTROL_SIZE];
    struct control_msg m;

    while (virtio_mmio_pop(c->t, CONTROL_TX, &c->chain) == 1) {
        if (virtq_chain_read(&c->chain, 0, raw, sizeof(raw)) == sizeof(raw)) {
            memcpy(&m.id, raw, 4);
            memcpy(&m.event, raw + 4, 2);
            memcpy(&m.value, raw + 6, 2);
            control_handle(c, &m);
        } else {
            virtio_console_guest_error(c, "a control message shorter than 8 bytes (ignored)");
        }
        virtio_mmio_push(c->t, CONTROL_TX, &c->chain, 0);
    }
    virtio_console_control_flush(c);
}
