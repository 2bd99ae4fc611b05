/*
 * The virtio-mmio transport (virtio 1.2, section 4.2), version 2 register layout, shared by
 * every board. A slot either holds a device (struct virtio_device_ops) or is empty: DeviceID
 * 0, which the specification reserves for "no device here", so a driver probes the slot and
 * moves on, as with QEMU's virt board.
 *
 * The transport owns the queues, feature negotiation and the device status. A ring the
 * driver sets up wrongly (at QueueReady or DRIVER_OK) or corrupts later sets
 * DEVICE_NEEDS_RESET and raises a configuration-change interrupt; the device stops until the
 * driver resets it. Register accesses are serialised by the transport's lock.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_MMIO_H
#define KESTREL_HW_VIRTIO_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/io.h"
#include "core/irq.h"
#include "hw/virtio/virtq.h"

#define VIRTIO_MMIO_SIZE 0x1000
#define VIRTIO_MMIO_MAGIC 0x74726976u  /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION 2u
#define VIRTIO_MMIO_VENDOR 0x4c54534bu /* "KSTL" */
#define VIRTIO_MMIO_MAX_QUEUES 18 /* virtio-console: 2 * (8 ports + control) */

enum virtio_mmio_reg {
    VIRTIO_MMIO_MAGIC_VALUE = 0x000,
    VIRTIO_MMIO_VERSION_REG = 0x004,
    VIRTIO_MMIO_DEVICE_ID = 0x008,
    VIRTIO_MMIO_VENDOR_ID = 0x00c,
    VIRTIO_MMIO_DEVICE_FEATURES = 0x010,
    VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014,
    VIRTIO_MMIO_DRIVER_FEATURES = 0x020,
    VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024,
    VIRTIO_MMIO_QUEUE_SEL = 0x030,
    VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034,
    VIRTIO_MMIO_QUEUE_NUM = 0x038,
    VIRTIO_MMIO_QUEUE_READY = 0x044,
    VIRTIO_MMIO_QUEUE_NOTIFY = 0x050,
    VIRTIO_MMIO_INTERRUPT_STATUS = 0x060,
    VIRTIO_MMIO_INTERRUPT_ACK = 0x064,
    VIRTIO_MMIO_STATUS = 0x070,
    VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080,
    VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084,
    VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090,
    VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094,
    VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0,
    VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc,
    VIRTIO_MMIO_CONFIG = 0x100,
};

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Transport feature bits (6). */
#define VIRTIO_F_INDIRECT_DESC (1ull << 28)
#define VIRTIO_F_EVENT_IDX (1ull << 29)
#define VIRTIO_F_VERSION_1 (1ull << 32)

/* InterruptStatus bits. */
#define VIRTIO_MMIO_INT_VRING 1u
#define VIRTIO_MMIO_INT_CONFIG 2u

struct virtio_mmio;

/* What a device model provides; called with the transport's lock held. */
struct virtio_device_ops {
    const char *name;
    uint32_t device_id;
    uint64_t features;   /* device-specific bits; the transport adds its own */
    unsigned nr_queues;
    uint16_t queue_max;  /* QueueNumMax for every queue, at most VIRTQ_MAX_SIZE */
    /* Device-specific configuration space, byte offsets from 0x100. */
    uint64_t (*config_read)(void *dev, uint64_t offset, unsigned size);
    void (*config_write)(void *dev, uint64_t offset, unsigned size, uint64_t value);
    /* The driver notified queue q; take chains with virtio_mmio_pop, return them with
     * virtio_mmio_push. */
    void (*notify)(void *dev, struct virtio_mmio *t, unsigned q);
    /*
     * Optional: the eventfd the device's own thread blocks on for queue q, or -1. A fast
     * path then lets the guest's QueueNotify signal it directly, sparing a hop through
     * another thread. The device treats a signal as a notify; it may come at any time, since
     * virtio_mmio_pop refuses before DRIVER_OK and after NEEDS_RESET.
     */
    int (*queue_eventfd)(void *dev, unsigned q);
    /* The driver reset the device (status 0): drop whatever is in flight. */
    void (*reset)(void *dev);
};

struct virtio_mmio {
    const char *name; /* for -d guest_errors */
    const struct virtio_device_ops *ops; /* NULL: an empty slot */
    void *dev;
    const struct guest_memory *mem;
    struct irq_line irq;
    pthread_mutex_t lock;

    uint32_t status;
    uint32_t device_features_sel, driver_features_sel;
    uint64_t driver_features;
    uint32_t queue_sel;
    uint32_t interrupt_status;
    uint32_t config_generation;
    struct virtq vq[VIRTIO_MMIO_MAX_QUEUES];
    bool queue_ready[VIRTIO_MMIO_MAX_QUEUES];
    /* Bumped whenever queue q is set up, switched off or reset: a chain popped under an
     * older epoch must not be pushed (see virtio_mmio_queue_epoch). */
    uint32_t queue_epoch[VIRTIO_MMIO_MAX_QUEUES];
};

/* An empty slot. */
void virtio_mmio_init_empty(struct virtio_mmio *t, const char *name);
/* A slot holding a device; irq is the slot's interrupt line. */
void virtio_mmio_init(struct virtio_mmio *t, const char *name,
                      const struct virtio_device_ops *ops, void *dev,
                      const struct guest_memory *mem, struct irq_line irq);
/* Puts the transport back to its power-on state (board reset). */
void virtio_mmio_reset(struct virtio_mmio *t);

io_handler_fn virtio_mmio_io;

/*
 * A QueueNotify write for queue q that reached the device without passing through
 * virtio_mmio_io (an ioeventfd under KVM). Any thread; takes the lock and applies the same
 * checks as the register.
 */
void virtio_mmio_notify_queue(struct virtio_mmio *t, unsigned q);
/*
 * Drives the interrupt line again from InterruptStatus. Any thread; takes the lock. For a
 * line that falls by itself when the guest acknowledges it (an irqfd with resampling).
 */
void virtio_mmio_refresh_irq(struct virtio_mmio *t);

/* For devices, with the lock held: the next chain of queue q (1), none (0, also before
 * DRIVER_OK and once the device needs a reset), or a broken ring (-EIO: the transport has
 * already asked the driver for a reset). */
int virtio_mmio_pop(struct virtio_mmio *t, unsigned q, struct virtq_chain *c);
/*
 * With the lock held: queue q's epoch. A device that drops the lock between popping a chain
 * and pushing it (to do I/O) compares the epoch before pushing: the driver may have reset
 * the device or switched the queue off, or on again with another ring, meanwhile.
 */
static inline uint32_t virtio_mmio_queue_epoch(const struct virtio_mmio *t, unsigned q)
{
    return t->queue_epoch[q];
}
/* Returns a chain and raises the used-buffer interrupt if the driver wants one. Nothing
 * happens on a queue that is not active. */
void virtio_mmio_push(struct virtio_mmio *t, unsigned q, const struct virtq_chain *c,
                      uint32_t written);

#endif
