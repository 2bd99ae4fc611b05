/*
 * Split virtqueues (virtio 1.2, section 2.7), as a device sees them, hardened against a
 * hostile driver: every ring and buffer address goes through the one checked translation
 * (gpa_to_host), every descriptor is copied once before it is used, indices are checked
 * against the queue size, chains are counted (so loops end), indirect tables may not nest,
 * and every size the guest controls is capped. A malformed ring marks the queue broken: the
 * device then sets DEVICE_NEEDS_RESET and stops using it. Nothing a guest writes can make
 * the VMM touch memory outside guest RAM.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTQ_H
#define KESTREL_HW_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_memory;

#define VIRTQ_MAX_SIZE 1024        /* the largest queue a device offers (QueueNumMax) */
#define VIRTQ_MAX_SEGS 1024        /* buffers in one chain, indirect ones included */
#define VIRTQ_MAX_CHAIN_BYTES (64u << 20) /* bytes one chain may describe, each direction */

/* Descriptor flags. */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
/* avail->flags and used->flags. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

/* One buffer of a chain, already translated: host memory inside guest RAM. */
struct virtq_seg {
    uint8_t *host;
    uint32_t len;
    bool device_writes; /* VIRTQ_DESC_F_WRITE: the device fills it */
};

struct virtq_chain {
    uint16_t head;           /* what virtq_push returns to the driver */
    unsigned nsegs;
    uint64_t readable_bytes; /* driver -> device, first in the chain */
    uint64_t writable_bytes; /* device -> driver, after every readable one */
    struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

struct virtq {
    /* Set by the driver through the transport, checked by virtq_activate. */
    uint16_t num;
    uint64_t desc_gpa, avail_gpa, used_gpa;
    /* Set by virtq_activate. */
    bool active;
    bool event_idx;  /* VIRTIO_F_EVENT_IDX negotiated */
    bool broken;     /* a malformed ring was seen: the device must stop */
    const char *why; /* what was malformed */
    uint8_t *desc, *avail, *used; /* host views of the three areas */
    uint16_t last_avail;  /* the next avail entry to take */
    uint16_t used_idx;    /* the device's copy of used->idx */
    uint16_t signalled;   /* used_idx when the driver was last notified */
};

/*
 * Checks the driver's queue set-up (size a power of two up to max_size, alignment, each area
 * inside RAM) and starts using it. Returns 0, or -EINVAL with vq->why saying what is wrong.
 */
int virtq_activate(struct virtq *vq, const struct guest_memory *mem, uint16_t max_size,
                   bool event_idx);
void virtq_reset(struct virtq *vq);

/*
 * Takes the next available chain. Returns 1 with *c filled, 0 when the driver has made
 * nothing new available (the queue is then armed, as by virtq_arm_notify), or -EIO when the
 * ring is malformed (vq->broken is then set and vq->why says why; later calls return -EIO
 * at once).
 */
int virtq_pop(struct virtq *vq, const struct guest_memory *mem, struct virtq_chain *c);

/* Returns a chain to the driver, with how many bytes the device wrote into it. */
void virtq_push(struct virtq *vq, uint16_t head, uint32_t written);

/* After pushes: whether the driver wants an interrupt now (NO_INTERRUPT or used_event). */
bool virtq_should_notify(struct virtq *vq);

/*
 * Before the device waits for more: tells the driver where it will look next (avail_event
 * with EVENT_IDX), and returns true if more became available meanwhile.
 */
bool virtq_arm_notify(struct virtq *vq);

struct iovec;
/* iovecs (at most VIRTQ_MAX_SEGS) over bytes [off, off + len) of the chain's readable or
 * writable buffers; returns how many. */
unsigned virtq_chain_iov(const struct virtq_chain *c, bool writable, uint64_t off,
                         uint64_t len, struct iovec *iov);
/* Copies up to len bytes out of the chain's readable buffers, from byte offset off. */
size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst, size_t len);
/* Copies into the chain's writable buffers, from byte offset off (counted in those only). */
size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *src, size_t len);

#endif
