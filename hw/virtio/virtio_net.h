/*
 * virtio-net (virtio 1.2, section 5.1) on the user-mode network backend: one receive and one
 * transmit queue, a MAC address and a link that is always up.
 *
 * libslirp is not thread-safe, so it only ever runs on the main thread. A vCPU's transmit
 * notify copies the guest's frames out and completes its buffers at once, so the guest's TCP
 * never waits on the main loop to reclaim them; the frames wait in a bounded queue that the
 * main loop hands to slirp. Frames from slirp fill the receive buffers the guest posted;
 * those that arrive while it has none wait in a bounded backlog, delivered as soon as the
 * guest posts more. Beyond either bound frames are dropped, as a full NIC drops them, and
 * TCP sends them again.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_NET_H
#define KESTREL_HW_VIRTIO_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "hw/virtio/virtio_mmio.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_NET_HDR_LEN 12          /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define VIRTIO_NET_MAX_FRAME 65550u    /* the largest frame taken from the guest */
#define VIRTIO_NET_RX_BACKLOG 256      /* frames kept while the guest has no buffers */
#define VIRTIO_NET_TX_QUEUE 256        /* frames taken from the guest, not yet sent on */

struct net_user;
struct main_loop_event;

struct virtio_net_frame {
    uint8_t *data;
    size_t len;
};

/* A bounded FIFO of frames, oldest at head. */
struct virtio_net_frames {
    struct virtio_net_frame f[VIRTIO_NET_RX_BACKLOG > VIRTIO_NET_TX_QUEUE ? VIRTIO_NET_RX_BACKLOG
                                                                          : VIRTIO_NET_TX_QUEUE];
    unsigned head, len, cap;
};

struct virtio_net {
    struct virtio_mmio *transport;
    struct net_user *backend;
    struct main_loop_event *kick; /* notify -> the main thread */
    uint8_t mac[6];

    /* Under the transport's lock: */
    struct virtq_chain chain;
    struct virtio_net_frames backlog; /* for the guest, waiting for receive buffers */
    struct virtio_net_frames tx;      /* from the guest, waiting for the main loop */
    uint64_t rx_frames, rx_dropped, tx_frames, tx_dropped;
};

extern const struct virtio_device_ops virtio_net_ops;

/*
 * Starts the backend cfg describes and hooks the device to the main loop (main thread).
 * Errors are reported naming the netdev; 0 or -errno. Undo with virtio_net_destroy.
 */
int virtio_net_init(struct virtio_net *n, const struct vm_netdev_config *cfg,
                    const uint8_t mac[6], struct virtio_mmio *transport);
void virtio_net_destroy(struct virtio_net *n);

/* For tests: a frame from the network for the guest, as the backend delivers it (main
 * thread). */
void virtio_net_receive(void *opaque, const uint8_t *frame, size_t len);
/* For tests: what the main loop does when signalled, sending the guest's frames on. */
void virtio_net_process(void *opaque);

#endif
