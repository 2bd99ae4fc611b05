/*
 * virtio-net (virtio 1.2, section 5.1) on the user-mode network backend: one receive and one
 * transmit queue, a MAC address and a link that is always up. libslirp is not thread-safe, so
 * every frame moves on the main thread: a vCPU's notify only signals the main loop, which
 * sends what the guest queued and fills the receive buffers it posted. Frames that arrive
 * while the guest has no receive buffers wait in a bounded queue; beyond it they are dropped,
 * as a full NIC drops them, and TCP sends them again.
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

struct net_user;
struct main_loop_event;

struct virtio_net_frame {
    uint8_t *data;
    size_t len;
};

struct virtio_net {
    struct virtio_mmio *transport;
    struct net_user *backend;
    struct main_loop_event *kick; /* notify -> the main thread */
    uint8_t mac[6];

    /* Under the transport's lock: */
    struct virtq_chain chain;
    struct virtio_net_frame backlog[VIRTIO_NET_RX_BACKLOG]; /* a ring, oldest at head */
    unsigned backlog_head, backlog_len;
    uint64_t rx_frames, rx_dropped, tx_frames, tx_dropped;

    uint8_t tx_frame[VIRTIO_NET_MAX_FRAME]; /* main thread */
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
/* For tests: what the main loop does on a kick, sending the guest's frames on. */
void virtio_net_process(void *opaque);

#endif
