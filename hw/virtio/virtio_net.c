/* virtio-net on the user-mode backend; see virtio_net.h. */
#include "hw/virtio/virtio_net.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/main_loop.h"
#include "hw/net/net_user.h"

enum { RXQ = 0, TXQ = 1 };

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1u

static void net_guest_error(const struct virtio_net *n, const char *what)
{
    if (log_enabled(LOG_GUEST_ERROR))
        log_debug("%s: %s\n", n->transport->name, what);
}

/* ---- configuration space (5.1.4): mac[6], status ---- */

static uint64_t net_config_read(void *dev, uint64_t off, unsigned size)
{
    const struct virtio_net *n = dev;
    uint8_t cfg[8];
    uint16_t status = VIRTIO_NET_S_LINK_UP;
    uint64_t v = 0;

    memcpy(cfg, n->mac, 6);
    memcpy(cfg + 6, &status, 2);
    if (off < sizeof(cfg) && size <= sizeof(cfg) - off)
        memcpy(&v, cfg + off, size);
    return v;
}

/* ---- receive: frames for the guest, transport lock held ---- */

/*
 * Puts one frame into the next receive buffer. false: the guest has none posted. A buffer too
 * small for the frame is the driver's mistake: the frame is dropped and the buffer returned.
 */
static bool deliver(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    static const uint8_t hdr[VIRTIO_NET_HDR_LEN] = {[10] = 1}; /* num_buffers = 1 */
    struct virtio_mmio *t = n->transport;
    int got = virtio_mmio_pop(t, RXQ, &n->chain);

    if (got == 0)
        return false;
    if (got < 0) {
        n->rx_dropped++;
        return true;
    }
    if (n->chain.writable_bytes < VIRTIO_NET_HDR_LEN + len) {
        net_guest_error(n, "a receive buffer is smaller than the frame (dropped)");
        n->rx_dropped++;
        virtio_mmio_push(t, RXQ, &n->chain, 0);
        return true;
    }
    virtq_chain_write(&n->chain, 0, hdr, sizeof(hdr));
    virtq_chain_write(&n->chain, VIRTIO_NET_HDR_LEN, frame, len);
    virtio_mmio_push(t, RXQ, &n->chain, (uint32_t)(VIRTIO_NET_HDR_LEN + len));
    n->rx_frames++;
    return true;
}

static void backlog_drop_head(struct virtio_net *n)
{
    free(n->backlog[n->backlog_head].data);
    n->backlog_head = (n->backlog_head + 1) % VIRTIO_NET_RX_BACKLOG;
    n->backlog_len--;
}

static void flush_backlog(struct virtio_net *n)
{
    while (n->backlog_len) {
        struct virtio_net_frame *f = &n->backlog[n->backlog_head];
        if (!deliver(n, f->data, f->len))
            return;
        backlog_drop_head(n);
    }
}

static void backlog_add(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    uint8_t *copy;

    if (n->backlog_len == VIRTIO_NET_RX_BACKLOG || !(copy = malloc(len))) {
        n->rx_dropped++;
        return;
    }
    memcpy(copy, frame, len);
    n->backlog[(n->backlog_head + n->backlog_len) % VIRTIO_NET_RX_BACKLOG] =
        (struct virtio_net_frame){copy, len};
    n->backlog_len++;
}

void virtio_net_receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct virtio_net *n = opaque;
    struct virtio_mmio *t = n->transport;

    pthread_mutex_lock(&t->lock);
    flush_backlog(n);
    if (n->backlog_len || !deliver(n, frame, len))
        backlog_add(n, frame, len);
    pthread_mutex_unlock(&t->lock);
}

/* ---- transmit: the guest's frames, on the main thread ---- */

/* Takes the next frame off the transmit queue into tx_frame: its length, 0 for a chain that
 * carried none worth sending, or -1 when the queue is empty. */
static long take_tx_frame(struct virtio_net *n)
{
    struct virtio_mmio *t = n->transport;
    long len = 0;

    pthread_mutex_lock(&t->lock);
    int got = virtio_mmio_pop(t, TXQ, &n->chain);
    if (got != 1) {
        pthread_mutex_unlock(&t->lock);
        return -1;
    }
    uint64_t bytes = n->chain.readable_bytes;
    if (bytes < VIRTIO_NET_HDR_LEN + 14 || bytes > VIRTIO_NET_HDR_LEN + VIRTIO_NET_MAX_FRAME) {
        net_guest_error(n, "a transmitted frame is shorter than an Ethernet header or longer "
                           "than 64 KiB (dropped)");
        n->tx_dropped++;
    } else {
        len = (long)(bytes - VIRTIO_NET_HDR_LEN);
        virtq_chain_read(&n->chain, VIRTIO_NET_HDR_LEN, n->tx_frame, (size_t)len);
        n->tx_frames++;
    }
    virtio_mmio_push(t, TXQ, &n->chain, 0);
    pthread_mutex_unlock(&t->lock);
    return len;
}

void virtio_net_process(void *opaque)
{
    struct virtio_net *n = opaque;
    struct virtio_mmio *t = n->transport;
    long len;

    pthread_mutex_lock(&t->lock);
    flush_backlog(n);
    pthread_mutex_unlock(&t->lock);
    /* The lock is not held while slirp runs: it may answer at once, through receive. */
    while ((len = take_tx_frame(n)) >= 0)
        if (len > 0 && n->backend)
            net_user_send(n->backend, n->tx_frame, (size_t)len);
}

/* ---- device ops ---- */

static void net_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
    struct virtio_net *n = dev;
    (void)t, (void)q;

    main_loop_event_signal(n->kick);
}

static void net_reset(void *dev)
{
    struct virtio_net *n = dev;

    while (n->backlog_len)
        backlog_drop_head(n);
}

const struct virtio_device_ops virtio_net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS,
    .nr_queues = 2,
    .queue_max = 256,
    .config_read = net_config_read,
    .notify = net_notify,
    .reset = net_reset,
};

int virtio_net_init(struct virtio_net *n, const struct vm_netdev_config *cfg,
                    const uint8_t mac[6], struct virtio_mmio *transport)
{
    n->transport = transport;
    memcpy(n->mac, mac, 6);
    if (!(n->kick = main_loop_event_new(virtio_net_process, n))) {
        log_error("-netdev %s: cannot create the device's event", cfg->id);
        return -ENOMEM;
    }
    if (!(n->backend = net_user_new(cfg, &(struct net_peer){virtio_net_receive, n})))
        return -EINVAL;
    return 0;
}

void virtio_net_destroy(struct virtio_net *n)
{
    main_loop_event_free(n->kick);
    n->kick = NULL;
    net_user_free(n->backend);
    n->backend = NULL;
    while (n->backlog_len)
        backlog_drop_head(n);
}
