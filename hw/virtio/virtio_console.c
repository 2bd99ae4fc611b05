/* virtio-console with MULTIPORT; see virtio_console.h. */
#include "hw/virtio/virtio_console.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "hw/virtio/virtio_console_control.h"

void virtio_console_guest_error(const struct virtio_console *c, const char *what)
{
    if (log_enabled(LOG_GUEST_ERROR))
        log_debug("%s: virtio-console: %s\n", c->t->name, what);
}

/* ---- queues and ports ---- */

bool virtio_console_multiport(const struct virtio_console *c)
{
    return c->t->driver_features & VIRTIO_CONSOLE_F_MULTIPORT;
}

static unsigned rx_queue(unsigned nr)
{
    return nr == 0 ? 0 : 2 * (nr + 1);
}

/* The port whose receive or transmit queue q is, or NULL (a control queue, or no port). */
static struct virtio_console_port *port_of_queue(struct virtio_console *c, unsigned q)
{
    if (q == CONTROL_RX || q == CONTROL_TX)
        return NULL;
    unsigned nr = q < 2 ? 0 : q / 2 - 1;
    if (nr > 0 && !virtio_console_multiport(c))
        return NULL;
    return nr < c->max_ports && c->port[nr].present ? &c->port[nr] : NULL;
}

/* Whether host input may go to the guest now: a driver that has opened the port. Without
 * MULTIPORT, port 0 is open once the driver is. */
static bool port_takes_input(const struct virtio_console_port *p)
{
    const struct virtio_mmio *t = p->con->t;

    if (!(t->status & VIRTIO_STATUS_DRIVER_OK) || (t->status & VIRTIO_STATUS_NEEDS_RESET))
        return false;
    return virtio_console_multiport(p->con) ? p->guest_open : p->nr == 0;
}

/* ---- host input -> the guest's receive buffers ---- */

static size_t input_room(const struct virtio_console_port *p)
{
    return sizeof(p->in) - p->in_len;
}

static void input_append(struct virtio_console_port *p, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p->in[(p->in_start + p->in_len + i) % sizeof(p->in)] = buf[i];
    p->in_len += len;
}

/* Moves buffered input into one receive chain; returns the bytes written. */
static uint32_t input_to_chain(struct virtio_console_port *p, const struct virtq_chain *ch)
{
    uint32_t done = 0;

    while (p->in_len && done < ch->writable_bytes) {
        size_t contiguous = sizeof(p->in) - p->in_start;
        size_t n = p->in_len < contiguous ? p->in_len : contiguous;
        size_t w = virtq_chain_write(ch, done, p->in + p->in_start, n);
        if (w == 0)
            break;
        done += (uint32_t)w;
        p->in_start = (p->in_start + w) % sizeof(p->in);
        p->in_len -= w;
    }
    if (!p->in_len)
        p->in_start = 0;
    return done;
}

/* Fills the receive buffers the guest has posted; then the chardev may send more. */
void virtio_console_flush_input(struct virtio_console_port *p)
{
    struct virtio_console *c = p->con;
    unsigned q = rx_queue(p->nr);

    while (p->in_len && port_takes_input(p) && virtio_mmio_pop(c->t, q, &c->chain) == 1)
        virtio_mmio_push(c->t, q, &c->chain, input_to_chain(p, &c->chain));
    if (p->chr_open && port_takes_input(p) && input_room(p))
        chardev_accept_input(&p->chr);
}

static size_t port_can_receive(void *opaque)
{
    struct virtio_console_port *p = opaque;
    pthread_mutex_t *lock = &p->con->t->lock;

    pthread_mutex_lock(lock);
    size_t room = port_takes_input(p) ? input_room(p) : 0;
    pthread_mutex_unlock(lock);
    return room;
}

static void port_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct virtio_console_port *p = opaque;
    pthread_mutex_t *lock = &p->con->t->lock;

    pthread_mutex_lock(lock);
    if (len > input_room(p)) /* more than can_receive allowed: keep what fits */
        len = input_room(p);
    input_append(p, buf, len);
    virtio_console_flush_input(p);
    pthread_mutex_unlock(lock);
}

/* ---- guest output -> the chardev ---- */

static unsigned tx_queue(unsigned nr)
{
    return rx_queue(nr) + 1;
}

/* Writes the held chain's readable bytes from where the last call stopped; false while the
 * chardev cannot take the rest. */
static bool port_write_chain(struct virtio_console_port *p)
{
    for (; p->tx_seg < p->tx.nsegs; p->tx_seg++, p->tx_off = 0) {
        const struct virtq_seg *seg = &p->tx.seg[p->tx_seg];
        if (seg->device_writes || !p->chr_open)
            continue;
        while (p->tx_off < seg->len) {
            size_t n = chardev_write_some(&p->chr, seg->host + p->tx_off, seg->len - p->tx_off);
            if (n == 0)
                return false;
            p->tx_off += (uint32_t)n;
        }
    }
    return true;
}

/* Takes the guest's output chain by chain until the queue is empty or the chardev full. */
static void port_transmit(struct virtio_console_port *p)
{
    struct virtio_console *c = p->con;
    unsigned q = tx_queue(p->nr);

    for (;;) {
        /* A driver may have redone the queue while a chain was held: that chain is gone. */
        if (p->tx_held && p->tx_epoch != virtio_mmio_queue_epoch(c->t, q))
            p->tx_held = false;
        if (!p->tx_held) {
            if (virtio_mmio_pop(c->t, q, &p->tx) != 1)
                return;
            p->tx_held = true;
            p->tx_epoch = virtio_mmio_queue_epoch(c->t, q);
            p->tx_seg = p->tx_off = 0;
        }
        if (!port_write_chain(p)) {
            chardev_wait_writable(&p->chr); /* port_writable goes on */
            return;
        }
        p->tx_held = false;
        virtio_mmio_push(c->t, q, &p->tx, 0);
    }
}

static void port_writable(void *opaque)
{
    struct virtio_console_port *p = opaque;
    pthread_mutex_t *lock = &p->con->t->lock;

    pthread_mutex_lock(lock);
    if (p->tx_held)
        port_transmit(p);
    pthread_mutex_unlock(lock);
}

/* A queue of no port (a hostile or confused driver): its buffers come back unused. */
static void drain_queue(struct virtio_console *c, unsigned q)
{
    while (virtio_mmio_pop(c->t, q, &c->chain) == 1)
        virtio_mmio_push(c->t, q, &c->chain, 0);
}
/* ---- the device ops (under the transport's lock) ---- */

static void console_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
    struct virtio_console *c = dev;
    (void)t;

    if (q == CONTROL_RX || q == CONTROL_TX) {
        if (!virtio_console_multiport(c))
            drain_queue(c, q);
        else if (q == CONTROL_TX)
            virtio_console_control_receive(c);
        else
            virtio_console_control_flush(c);
        return;
    }
    struct virtio_console_port *p = port_of_queue(c, q);
    if (!p)
        drain_queue(c, q); /* without a port, the bytes go nowhere */
    else if (q & 1)
        port_transmit(p);
    /* Any kick on a port's queues gives waiting input a chance: without MULTIPORT no
     * control message says when the port opened. */
    if (p)
        virtio_console_flush_input(p);
}

static void console_reset(void *dev)
{
    struct virtio_console *c = dev;

    c->device_ready = false;
    for (unsigned nr = 0; nr < c->max_ports; nr++) {
        struct virtio_console_port *p = &c->port[nr];
        p->guest_ready = p->guest_open = false;
        p->owed = 0;
        p->tx_held = false;          /* output in flight is dropped */
        p->in_start = p->in_len = 0; /* and so is input */
    }
}

/* Configuration (5.3.4): cols u16, rows u16, max_nr_ports u32, emerg_wr u32. */
static uint64_t console_config_read(void *dev, uint64_t off, unsigned size)
{
    const struct virtio_console *c = dev;
    uint8_t cfg[12] = {0};
    uint32_t max_ports = c->max_ports;
    uint64_t v = 0;

    memcpy(cfg + 4, &max_ports, 4);
    if (off < sizeof(cfg) && size <= sizeof(cfg) - off)
        memcpy(&v, cfg + off, size);
    return v;
}

void virtio_console_init(struct virtio_console *c, unsigned max_ports, struct virtio_mmio *t)
{
    memset(c, 0, sizeof(*c));
    c->max_ports = max_ports;
    c->t = t;
    c->ops = (struct virtio_device_ops){
        .name = "virtio-console",
        .device_id = VIRTIO_ID_CONSOLE,
        .features = VIRTIO_CONSOLE_F_MULTIPORT,
        .nr_queues = 2 * (max_ports + 1),
        .queue_max = 256,
        .config_read = console_config_read,
        .notify = console_notify,
        .reset = console_reset,
    };
    for (unsigned nr = 0; nr < VIRTIO_CONSOLE_MAX_PORTS; nr++)
        c->port[nr] = (struct virtio_console_port){.con = c, .nr = nr};
}

struct virtio_console_port *virtio_console_add_port(struct virtio_console *c, unsigned nr,
                                                    bool is_console, const char *name,
                                                    const char *chardev_id)
{
    struct virtio_console_port *p = &c->port[nr];

    p->present = true;
    p->is_console = is_console;
    p->name = name;
    snprintf(p->label, sizeof(p->label), "-chardev %s", chardev_id);
    return p;
}

static void port_connected(void *opaque)
{
    struct virtio_console_port *p = opaque;
    pthread_mutex_t *lock = &p->con->t->lock;

    pthread_mutex_lock(lock);
    virtio_console_host_connection(p);
    pthread_mutex_unlock(lock);
}

void virtio_console_start(struct virtio_console *c)
{
    for (unsigned nr = 0; nr < c->max_ports; nr++) {
        struct virtio_console_port *p = &c->port[nr];
        if (!p->present || !p->chr_open)
            continue;
        chardev_set_frontend(&p->chr, &(struct chardev_frontend){
                                          .can_receive = port_can_receive,
                                          .receive = port_receive,
                                          .writable = port_writable,
                                          .connected = port_connected,
                                          .opaque = p,
                                      });
        chardev_start_input(&p->chr);
    }
}

void virtio_console_destroy(struct virtio_console *c)
{
    for (unsigned nr = 0; nr < c->max_ports; nr++)
        if (c->port[nr].chr_open)
            chardev_close(&c->port[nr].chr);
}
