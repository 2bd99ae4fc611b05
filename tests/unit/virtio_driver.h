/*
 * A small virtio-mmio driver for unit tests: guest RAM, one transport, and split queues laid
 * out at fixed places, driven through the register handler as a guest would.
 */
#ifndef KESTREL_TESTS_UNIT_VIRTIO_DRIVER_H
#define KESTREL_TESTS_UNIT_VIRTIO_DRIVER_H

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "core/memory.h"
#include "hw/virtio/virtio_mmio.h"

#define VD_RAM_BASE 0x80000000ull
#define VD_RAM_SIZE (4ull << 20)
#define VD_NUM 8
/* Queue q's 64 KiB block: descriptors, avail at +4 KiB, used at +8 KiB, then VD_NUM buffers of
 * 4 KiB of its own (VD_QBUF) from +16 KiB. */
#define VD_QUEUE(q) (VD_RAM_BASE + 0x10000ull * ((q) + 1))
#define VD_DESC(q) VD_QUEUE(q)
#define VD_AVAIL(q) (VD_QUEUE(q) + 0x1000)
#define VD_USED(q) (VD_QUEUE(q) + 0x2000)
#define VD_QBUF(q, i) (VD_QUEUE(q) + 0x4000 + 0x1000ull * (i))
/* Larger buffers, 64 KiB each, from 2 MiB up. */
#define VD_BUF(i) (VD_RAM_BASE + 0x200000 + 0x10000ull * (i))

struct vdrv {
    struct guest_memory mem;
    struct irq_chip chip;
    int irq_level;
    struct virtio_mmio t;
    uint16_t avail_idx[VIRTIO_MMIO_MAX_QUEUES];
    uint16_t used_seen[VIRTIO_MMIO_MAX_QUEUES];
    unsigned next_qbuf[VIRTIO_MMIO_MAX_QUEUES];
};

static void vdrv_irq(void *opaque, uint32_t pin, int level)
{
    struct vdrv *d = opaque;
    (void)pin;
    d->irq_level = level;
}

static inline void *vdrv_ram(struct vdrv *d, uint64_t gpa)
{
    return gpa_to_host(&d->mem, gpa, 1);
}

static inline void vdrv_wr(struct vdrv *d, uint64_t reg, uint32_t v)
{
    struct io_access a = {.offset = reg, .size = 4, .is_write = true, .data = v};
    virtio_mmio_io(&d->t, &a);
}

static inline uint32_t vdrv_rd(struct vdrv *d, uint64_t reg, unsigned size)
{
    struct io_access a = {.offset = reg, .size = size, .is_write = false};
    virtio_mmio_io(&d->t, &a);
    return (uint32_t)a.data;
}

/* RAM and the transport around ops/dev; the device model is set up by the caller. */
static inline void vdrv_init(struct vdrv *d, const struct virtio_device_ops *ops, void *dev)
{
    memset(d, 0, sizeof(*d));
    g_assert_cmpint(guest_memory_add_ram(&d->mem, VD_RAM_BASE, VD_RAM_SIZE), ==, 0);
    d->chip = (struct irq_chip){vdrv_irq, d};
    virtio_mmio_init(&d->t, "virtio@test", ops, dev, &d->mem, irq_line_make(&d->chip, 1));
}

static inline void vdrv_set_addr(struct vdrv *d, uint32_t low_reg, uint64_t gpa)
{
    vdrv_wr(d, low_reg, (uint32_t)gpa);
    vdrv_wr(d, low_reg + 4, (uint32_t)(gpa >> 32));
}

/* The driver's start-up (3.1.1) from a reset: VERSION_1 and the device-specific bits
 * features_low, then nr_queues fresh queues of VD_NUM, then DRIVER_OK. */
static inline void vdrv_start_with(struct vdrv *d, unsigned nr_queues, uint32_t features_low)
{
    memset(d->avail_idx, 0, sizeof(d->avail_idx));
    memset(d->used_seen, 0, sizeof(d->used_seen));
    memset(d->next_qbuf, 0, sizeof(d->next_qbuf));
    memset(vdrv_ram(d, VD_QUEUE(0)), 0, 0x10000ull * nr_queues);
    vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
    vdrv_wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, features_low);
    vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    vdrv_wr(d, VIRTIO_MMIO_STATUS, 0x0b);
    for (unsigned q = 0; q < nr_queues; q++) {
        vdrv_wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
        vdrv_wr(d, VIRTIO_MMIO_QUEUE_NUM, VD_NUM);
        vdrv_set_addr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, VD_DESC(q));
        vdrv_set_addr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, VD_AVAIL(q));
        vdrv_set_addr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, VD_USED(q));
        vdrv_wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    }
    vdrv_wr(d, VIRTIO_MMIO_STATUS, 0x0f);
}

static inline void vdrv_start(struct vdrv *d, unsigned nr_queues)
{
    vdrv_start_with(d, nr_queues, 0);
}

static inline void vdrv_desc(struct vdrv *d, unsigned q, unsigned i, uint64_t addr,
                             uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = vdrv_ram(d, VD_DESC(q) + 16ull * i);
    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &next, 2);
}

/* Offers the chain starting at descriptor head on queue q (no notify). */
static inline void vdrv_offer(struct vdrv *d, unsigned q, uint16_t head)
{
    memcpy(vdrv_ram(d, VD_AVAIL(q) + 4 + 2u * (d->avail_idx[q] % VD_NUM)), &head, 2);
    d->avail_idx[q]++;
    __atomic_store_n((uint16_t *)vdrv_ram(d, VD_AVAIL(q) + 2), d->avail_idx[q],
                     __ATOMIC_RELEASE);
}

/* Offers the next of queue q's own buffers, len bytes (data copied in unless the device is to
 * write it), as a one-descriptor chain (no notify). Returns the buffer's address. */
static inline uint64_t vdrv_offer_buf(struct vdrv *d, unsigned q, const void *data, uint32_t len,
                                      bool writable)
{
    unsigned i = d->next_qbuf[q]++ % VD_NUM;
    uint64_t addr = VD_QBUF(q, i);

    vdrv_desc(d, q, i, addr, len, writable ? VIRTQ_DESC_F_WRITE : 0, 0);
    if (!writable && data)
        memcpy(vdrv_ram(d, addr), data, len);
    vdrv_offer(d, q, (uint16_t)i);
    return addr;
}

static inline uint16_t vdrv_used_idx(struct vdrv *d, unsigned q)
{
    return __atomic_load_n((uint16_t *)vdrv_ram(d, VD_USED(q) + 2), __ATOMIC_ACQUIRE);
}

/* The next used entry of queue q: false if there is none (id and len then ~0); else its id
 * and length. */
static inline bool vdrv_take_used(struct vdrv *d, unsigned q, uint32_t *id, uint32_t *len)
{
    *id = *len = ~0u;
    if (vdrv_used_idx(d, q) == d->used_seen[q])
        return false;
    const uint8_t *e = vdrv_ram(d, VD_USED(q) + 4 + 8u * (d->used_seen[q] % VD_NUM));
    memcpy(id, e, 4);
    memcpy(len, e + 4, 4);
    d->used_seen[q]++;
    return true;
}

static inline void vdrv_free(struct vdrv *d)
{
    guest_memory_free(&d->mem);
}

#endif
