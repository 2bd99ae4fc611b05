/*
 * A minimal virtio-mmio (version 2) driver layer for the test guests: finding devices on the
 * command line, probing and feature negotiation, and split virtqueues. Device drivers
 * (virtio-blk in virtio.c, virtio-net in virtio_net.c) build on it: they set up their queues, post
 * buffer chains and collect used ones, by polling or from their interrupt.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "guest.h"

#define VIRTIO_MAGIC 0x74726976u
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

/* Registers (virtio 1.2, 4.2.2). */
enum {
    VIRTIO_REG_MAGIC = 0x000, VIRTIO_REG_VERSION = 0x004, VIRTIO_REG_DEVICE_ID = 0x008,
    VIRTIO_REG_DEVICE_FEATURES = 0x010, VIRTIO_REG_DEVICE_FEATURES_SEL = 0x014,
    VIRTIO_REG_DRIVER_FEATURES = 0x020, VIRTIO_REG_DRIVER_FEATURES_SEL = 0x024,
    VIRTIO_REG_QUEUE_SEL = 0x030, VIRTIO_REG_QUEUE_NUM_MAX = 0x034,
    VIRTIO_REG_QUEUE_NUM = 0x038, VIRTIO_REG_QUEUE_READY = 0x044,
    VIRTIO_REG_QUEUE_NOTIFY = 0x050, VIRTIO_REG_INTERRUPT_STATUS = 0x060,
    VIRTIO_REG_INTERRUPT_ACK = 0x064, VIRTIO_REG_STATUS = 0x070,
    VIRTIO_REG_QUEUE_DESC = 0x080, VIRTIO_REG_QUEUE_DRIVER = 0x090,
    VIRTIO_REG_QUEUE_DEVICE = 0x0a0, VIRTIO_REG_CONFIG = 0x100,
};

/* One device from a "virtio_mmio.device=SIZE@BASE:IRQ" command-line entry. */
struct virtio_dev {
    uint64_t base;
    uint64_t size;
    uint32_t irq;
    uint32_t device_id; /* 0 until probed */
};

/* The command line's virtio_mmio.device= entries, in order; how many were found. */
unsigned virtio_find_devices(struct virtio_dev *devs, unsigned max);
/* Checks magic and version 2 and reads the device ID; 0, or -1 with a message. */
int virtio_probe(struct virtio_dev *d);
/*
 * Resets the device and negotiates: VERSION_1 plus whichever of wanted the device offers
 * (*accepted). 0 once FEATURES_OK holds, else -1 with a message. Queues come next, then
 * virtio_driver_ok.
 */
int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *accepted);
void virtio_driver_ok(struct virtio_dev *d);
uint32_t virtio_status(struct virtio_dev *d);
uint32_t virtio_config_read32(struct virtio_dev *d, unsigned offset);
uint16_t virtio_config_read16(struct virtio_dev *d, unsigned offset);
uint8_t virtio_config_read8(struct virtio_dev *d, unsigned offset);
/* Reads and acknowledges InterruptStatus: for the device's interrupt handler. */
uint32_t virtio_interrupt_ack(struct virtio_dev *d);

/* A split virtqueue, its rings in one page-aligned area the caller provides. */
#define VIRTQ_MAX 64
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct virtq_avail { uint16_t flags, idx, ring[]; };
struct virtq_used_elem { uint32_t id, len; };
struct virtq_used { uint16_t flags, idx; struct virtq_used_elem ring[]; };

struct virtq {
    struct virtio_dev *dev;
    unsigned index;
    uint16_t num;
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t free_head, nr_free, last_used;
};

/* A buffer of a chain: device-readable, or device-writable when write is set. */
struct virtq_buf { void *addr; uint32_t len; bool write; };

/* Sets up queue index with num entries (at most the device's maximum and VIRTQ_MAX) in the
 * 4 KiB-aligned area mem of VIRTQ_AREA bytes; 0, or -1 with a message. */
#define VIRTQ_AREA 4096
int virtq_setup(struct virtq *vq, struct virtio_dev *d, unsigned index, void *mem,
                uint16_t num);
/* Posts a chain (readable buffers first); its head, or -1 if the queue is full. */
int virtq_post(struct virtq *vq, const struct virtq_buf *bufs, unsigned n);
/* Tells the device about posted chains (a QueueNotify write). */
void virtq_kick(struct virtq *vq);
/* Asks the device for used-buffer interrupts (on) or not (off: the driver polls). */
void virtq_want_interrupts(struct virtq *vq, bool on);
/* Takes the next used chain: its head and written length; false if none is ready. */
bool virtq_take_used(struct virtq *vq, uint16_t *head, uint32_t *len);

#endif
