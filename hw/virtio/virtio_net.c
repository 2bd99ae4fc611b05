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
#define VIRTIO_NET_F_CSUM (1ull << 0)       /* the guest may leave checksums to us */
#define VIRTIO_NET_F_GUEST_CSUM (1ull << 1) /* we may tell it a checksum was checked */
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1u

/* virtio_net_hdr.flags (5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1u
#define VIRTIO_NET_HDR_F_DATA_VALID 2u

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

/* ---- bounded frame queues ---- */

static void frames_init(struct virtio_net_frames *q, unsigned cap)
{
    *q = (struct virtio_net_frames){.cap = cap};
}

static struct virtio_net_frame *frames_head(struct virtio_net_frames *q)
{
    return &q->f[q->head];
}

/* Forgets the oldest frame; its data now belongs to the caller. */
static void frames_pop(struct virtio_net_frames *q)
{
    q->head = (q->head + 1) % q->cap;
    q->len--;
}

static void frames_clear(struct virtio_net_frames *q)
{
    while (q->len) {
        free(frames_head(q)->data);
        frames_pop(q);
    }
}

/* Appends a frame whose data the queue now owns. The caller checked there is room. */
static void frames_push(struct virtio_net_frames *q, uint8_t *data, size_t len)
{
    q->f[(q->head + q->len) % q->cap] = (struct virtio_net_frame){data, len};
    q->len++;
}

/* ---- receive: frames for the guest, transport lock held ---- */

/*
 * Puts one frame into the next receive buffer. false: the guest has none posted. A buffer too
 * small for the frame is the driver's mistake: the frame is dropped and the buffer returned.
 */
static bool deliver(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    uint8_t hdr[VIRTIO_NET_HDR_LEN] = {[10] = 1}; /* num_buffers = 1 */
    struct virtio_mmio *t = n->transport;
    int got = virtio_mmio_pop(t, RXQ, &n->chain);

    /* slirp's frames carry correct checksums: a guest that asked may skip checking them. */
    if (t->driver_features & VIRTIO_NET_F_GUEST_CSUM)
        hdr[0] = VIRTIO_NET_HDR_F_DATA_VALID;
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

static void flush_backlog(struct virtio_net *n)
{
    while (n->backlog.len) {
        struct virtio_net_frame *f = frames_head(&n->backlog);
        if (!deliver(n, f->data, f->len))
            return;
        free(f->data);
        frames_pop(&n->backlog);
    }
}

static void backlog_add(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    uint8_t *copy;

    if (n->backlog.len == n->backlog.cap || !(copy = malloc(len))) {
        n->rx_dropped++;
        return;
    }
    memcpy(copy, frame, len);
    frames_push(&n->backlog, copy, len);
}

void virtio_net_receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct virtio_net *n = opaque;
    struct virtio_mmio *t = n->transport;

    pthread_mutex_lock(&t->lock);
    flush_backlog(n);
    if (n->backlog.len || !deliver(n, frame, len))
        backlog_add(n, frame, len);
    pthread_mutex_unlock(&t->lock);
}

/* ---- transmit: the guest's frames ---- */

/*
 * NEEDS_CSUM: the guest left the checksum of bytes [csum_start, len) to us, with the
 * pseudo-header's sum already in the field at csum_start + csum_offset. false if those
 * offsets do not fit the frame.
 */
static bool complete_checksum(uint8_t *frame, size_t len, uint16_t start, uint16_t offset)
{
    uint32_t sum = 0;
    size_t i;

    if ((size_t)start + offset + 2 > len)
        return false;
    for (i = start; i + 1 < len; i += 2)
        sum += (uint32_t)(frame[i] << 8 | frame[i + 1]);
    if (i < len)
        sum += (uint32_t)frame[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    /* 0 means "no checksum" to UDP; ones' complement has a second zero to send instead. */
    if (sum == 0)
        sum = 0xffff;
    frame[start + offset] = (uint8_t)(sum >> 8);
    frame[start + offset + 1] = (uint8_t)sum;
    return true;
}

/* Applies the transmit header: flags u8, gso_type u8, hdr_len, gso_size, csum_start,
 * csum_offset, num_buffers (u16 each). false if the frame must be dropped. */
static bool apply_tx_header(struct virtio_net *n, uint8_t *frame, size_t len)
{
    uint8_t hdr[VIRTIO_NET_HDR_LEN];
    uint16_t start, offset;

    virtq_chain_read(&n->chain, 0, hdr, sizeof(hdr));
    if (hdr[1] != 0) {
        net_guest_error(n, "a segmentation offload was asked for but not offered (dropped)");
        return false;
    }
    if (!(hdr[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM))
        return true;
    if (!(n->transport->driver_features & VIRTIO_NET_F_CSUM)) {
        net_guest_error(n, "NEEDS_CSUM without the CSUM feature (dropped)");
        return false;
    }
    memcpy(&start, hdr + 6, 2);
    memcpy(&offset, hdr + 8, 2);
    if (!complete_checksum(frame, len, start, offset)) {
        net_guest_error(n, "a checksum offset outside the frame (dropped)");
        return false;
    }
    return true;
}

/* A copy of the frame in the popped chain, or NULL if it carries none worth sending. */
static uint8_t *copy_tx_frame(struct virtio_net *n, size_t *len)
{
    uint64_t bytes = n->chain.readable_bytes;
    uint8_t *frame;

    if (bytes < VIRTIO_NET_HDR_LEN + 14 || bytes > VIRTIO_NET_HDR_LEN + VIRTIO_NET_MAX_FRAME) {
        net_guest_error(n, "a transmitted frame is shorter than an Ethernet header or longer "
                           "than 64 KiB (dropped)");
        return NULL;
    }
    *len = (size_t)(bytes - VIRTIO_NET_HDR_LEN);
    if (!(frame = malloc(*len)))
        return NULL;
    virtq_chain_read(&n->chain, VIRTIO_NET_HDR_LEN, frame, *len);
    if (!apply_tx_header(n, frame, *len)) {
        free(frame);
        return NULL;
    }
    return frame;
}

/*
 * Copies the guest's frames off the transmit queue and completes their buffers, while the
 * queue for the main loop has room (transport lock held). Returns how many it took.
 */
static unsigned collect_tx(struct virtio_net *n)
{
    struct virtio_mmio *t = n->transport;
    unsigned taken = 0;

    while (n->tx.len < n->tx.cap && virtio_mmio_pop(t, TXQ, &n->chain) == 1) {
        size_t len = 0;
        uint8_t *frame = copy_tx_frame(n, &len);
        virtio_mmio_push(t, TXQ, &n->chain, 0);
        taken++;
        if (!frame) {
            n->tx_dropped++;
            continue;
        }
        frames_push(&n->tx, frame, len);
        n->tx_frames++;
    }
    return taken;
}

/* Frames handed to slirp per turn of the main loop, so a guest that never stops sending
 * cannot keep the loop from its other work (slirp's sockets among it). */
#define TX_BUDGET 512

/* Main thread: hands the queued frames to slirp, taking more from the guest as room frees. */
void virtio_net_process(void *opaque)
{
    struct virtio_net *n = opaque;
    struct virtio_mmio *t = n->transport;

    for (unsigned sent = 0;; sent++) {
        if (sent == TX_BUDGET) {
            main_loop_event_signal(n->kick); /* the rest on the next turn */
            return;
        }
        struct virtio_net_frame f = {NULL, 0};
        pthread_mutex_lock(&t->lock);
        bool was_full = n->tx.len == n->tx.cap;
        if (!n->tx.len)
            collect_tx(n);
        if (n->tx.len) {
            f = *frames_head(&n->tx);
            frames_pop(&n->tx);
        }
        if (was_full)
            collect_tx(n); /* a full queue left chains in the ring: one more fits now */
        pthread_mutex_unlock(&t->lock);
        if (!f.data)
            return;
        /* Not under the lock: slirp may answer at once, through virtio_net_receive. */
        if (n->backend)
            net_user_send(n->backend, f.data, f.len);
        free(f.data);
    }
}

/* ---- device ops ---- */

/* On the notifying vCPU's thread, with the transport's lock held. */
static void net_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
    struct virtio_net *n = dev;
    (void)t;

    if (q == RXQ)
        flush_backlog(n);
    else if (collect_tx(n))
        main_loop_event_signal(n->kick);
}

static void net_reset(void *dev)
{
    struct virtio_net *n = dev;

    frames_clear(&n->backlog);
    frames_clear(&n->tx);
}

const struct virtio_device_ops virtio_net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .features = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_MAC |
                VIRTIO_NET_F_STATUS,
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
    frames_init(&n->backlog, VIRTIO_NET_RX_BACKLOG);
    frames_init(&n->tx, VIRTIO_NET_TX_QUEUE);
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
    frames_clear(&n->backlog);
    frames_clear(&n->tx);
}
