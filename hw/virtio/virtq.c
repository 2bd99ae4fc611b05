/* Split virtqueues, hardened against hostile drivers; see virtq.h. */
#include "hw/virtio/virtq.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "core/memory.h"

/* Ring layout (virtio 1.2, 2.7): offsets within each area; everything little-endian. */
#define DESC_SIZE 16
#define AVAIL_RING 4                       /* flags u16, idx u16, then ring[num] u16 */
#define USED_RING 4                        /* flags u16, idx u16, then ring[num] {u32, u32} */
#define USED_ELEM_SIZE 8

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

/* Fields the driver may change at any time are read once, with a single load. */
static uint16_t load16(const uint8_t *p)
{
    return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static void store16(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
}

static size_t avail_size(uint16_t num, bool event_idx)
{
    return AVAIL_RING + 2u * num + (event_idx ? 2u : 0u);
}

static size_t used_size(uint16_t num, bool event_idx)
{
    return USED_RING + (size_t)USED_ELEM_SIZE * num + (event_idx ? 2u : 0u);
}

static int fail(struct virtq *vq, const char *why, int err)
{
    vq->why = why;
    if (err == -EIO)
        vq->broken = true;
    return err;
}

void virtq_reset(struct virtq *vq)
{
    memset(vq, 0, sizeof(*vq));
}

int virtq_activate(struct virtq *vq, const struct guest_memory *mem, uint16_t max_size,
                   bool event_idx)
{
    uint16_t num = vq->num;

    vq->active = false;
    vq->broken = false;
    if (num == 0 || num > max_size || (num & (num - 1)))
        return fail(vq, "queue size is not a power of two up to QueueNumMax", -EINVAL);
    if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3))
        return fail(vq, "a queue area is misaligned (desc 16, avail 2, used 4 bytes)", -EINVAL);
    vq->desc = gpa_to_host(mem, vq->desc_gpa, (uint64_t)DESC_SIZE * num);
    vq->avail = gpa_to_host(mem, vq->avail_gpa, avail_size(num, event_idx));
    vq->used = gpa_to_host(mem, vq->used_gpa, used_size(num, event_idx));
    if (!vq->desc || !vq->avail || !vq->used)
        return fail(vq, "a queue area lies outside guest RAM", -EINVAL);
    vq->event_idx = event_idx;
    vq->last_avail = 0;
    vq->used_idx = 0;
    vq->signalled = 0;
    vq->why = NULL;
    vq->active = true;
    store16(vq->used, 0); /* flags: notifications wanted */
    store16(vq->used + 2, 0);
    return 0;
}

/* Copies descriptor i of a table, once, before anything looks at it. */
static struct desc desc_copy(const uint8_t *table, unsigned i)
{
    struct desc d;

    memcpy(&d.addr, table + (size_t)DESC_SIZE * i, 8);
    memcpy(&d.len, table + (size_t)DESC_SIZE * i + 8, 4);
    memcpy(&d.flags, table + (size_t)DESC_SIZE * i + 12, 2);
    memcpy(&d.next, table + (size_t)DESC_SIZE * i + 14, 2);
    return d;
}

/* Adds one buffer to the chain. 0, or -EIO with the reason. */
static int add_segment(struct virtq *vq, const struct guest_memory *mem, struct virtq_chain *c,
                       const struct desc *d)
{
    bool writes = d->flags & VIRTQ_DESC_F_WRITE;

    if (!writes && c->writable_bytes)
        return fail(vq, "a device-readable buffer follows a device-writable one", -EIO);
    if (d->len == 0)
        return 0; /* nothing to transfer; legal, and ignored */
    if (c->nsegs == VIRTQ_MAX_SEGS)
        return fail(vq, "a chain has more buffers than the device accepts", -EIO);
    uint64_t *total = writes ? &c->writable_bytes : &c->readable_bytes;
    if (*total + d->len > VIRTQ_MAX_CHAIN_BYTES)
        return fail(vq, "a chain describes more bytes than the device accepts", -EIO);
    uint8_t *host = gpa_to_host(mem, d->addr, d->len);
    if (!host)
        return fail(vq, "a buffer lies outside guest RAM", -EIO);
    c->seg[c->nsegs++] = (struct virtq_seg){host, d->len, writes};
    *total += d->len;
    return 0;
}

/* Walks the chain from head: the direct table, and at most one indirect table in it. */
static int walk_chain(struct virtq *vq, const struct guest_memory *mem, struct virtq_chain *c,
                      uint16_t head)
{
    const uint8_t *table = vq->desc;
    unsigned table_len = vq->num, idx = head, steps = 0;
    bool indirect = false;

    for (;;) {
        if (++steps > table_len)
            return fail(vq, "a descriptor chain loops (or is longer than its table)", -EIO);
        struct desc d = desc_copy(table, idx);
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (indirect)
                return fail(vq, "an indirect table points to another indirect table", -EIO);
            if (d.flags & VIRTQ_DESC_F_NEXT)
                return fail(vq, "an indirect descriptor also has NEXT set", -EIO);
            if (d.len == 0 || d.len % DESC_SIZE || d.len / DESC_SIZE > VIRTQ_MAX_SEGS)
                return fail(vq, "an indirect table's length is not a multiple of 16 within "
                                "the device's limit", -EIO);
            table = gpa_to_host(mem, d.addr, d.len);
            if (!table)
                return fail(vq, "an indirect table lies outside guest RAM", -EIO);
            table_len = d.len / DESC_SIZE;
            indirect = true;
            idx = 0;
            steps = 0;
            continue;
        }
        int err = add_segment(vq, mem, c, &d);
        if (err < 0)
            return err;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return 0;
        idx = d.next;
        if (idx >= table_len)
            return fail(vq, "a descriptor's next index is past its table", -EIO);
    }
}

int virtq_pop(struct virtq *vq, const struct guest_memory *mem, struct virtq_chain *c)
{
    if (vq->broken)
        return -EIO;
    if (!vq->active)
        return 0;
    uint16_t avail_idx = load16(vq->avail + 2);
    /* Empty: ask for a notification at the next entry, then look once more, since the
     * driver may have added one before it could see the request. */
    if (avail_idx == vq->last_avail) {
        if (!virtq_arm_notify(vq))
            return 0;
        avail_idx = load16(vq->avail + 2);
        if (avail_idx == vq->last_avail)
            return 0; /* the driver moved the index and back: still nothing offered */
    }
    if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
        return fail(vq, "avail->idx ran more than a queue's worth ahead", -EIO);
    uint16_t head = load16(vq->avail + AVAIL_RING + 2u * (vq->last_avail % vq->num));
    if (head >= vq->num)
        return fail(vq, "an avail entry names a descriptor past the queue", -EIO);
    c->head = head;
    c->nsegs = 0;
    c->readable_bytes = c->writable_bytes = 0;
    int err = walk_chain(vq, mem, c, head);
    if (err < 0)
        return err;
    vq->last_avail++;
    return 1;
}

void virtq_push(struct virtq *vq, uint16_t head, uint32_t written)
{
    uint8_t *elem = vq->used + USED_RING + (size_t)USED_ELEM_SIZE * (vq->used_idx % vq->num);
    uint32_t id = head;

    memcpy(elem, &id, 4);
    memcpy(elem + 4, &written, 4);
    vq->used_idx++;
    store16(vq->used + 2, vq->used_idx); /* release: the element is visible first */
}

bool virtq_should_notify(struct virtq *vq)
{
    uint16_t old = vq->signalled, now = vq->used_idx;

    /* The used index must be visible before the driver's suppression fields are read. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vq->signalled = now;
    if (!vq->event_idx)
        return !(load16(vq->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
    uint16_t used_event = load16(vq->avail + AVAIL_RING + 2u * vq->num);
    /* Notify if used_event lies in (old, now]: the spec's vring_need_event. */
    return (uint16_t)(now - used_event - 1) < (uint16_t)(now - old);
}

bool virtq_arm_notify(struct virtq *vq)
{
    if (!vq->active || vq->broken)
        return false;
    if (vq->event_idx)
        store16(vq->used + USED_RING + (size_t)USED_ELEM_SIZE * vq->num, vq->last_avail);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return load16(vq->avail + 2) != vq->last_avail;
}

unsigned virtq_chain_iov(const struct virtq_chain *c, bool writable, uint64_t off,
                         uint64_t len, struct iovec *iov)
{
    unsigned n = 0;

    for (unsigned i = 0; i < c->nsegs && len; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (s->device_writes != writable)
            continue;
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        uint64_t take = s->len - off < len ? s->len - off : len;
        iov[n++] = (struct iovec){s->host + off, (size_t)take};
        len -= take;
        off = 0;
    }
    return n;
}

static size_t chain_copy(const struct virtq_chain *c, bool writable, uint64_t off, uint8_t *buf,
                         size_t len, bool to_guest)
{
    struct iovec iov[VIRTQ_MAX_SEGS];
    unsigned n = virtq_chain_iov(c, writable, off, len, iov);
    size_t done = 0;

    for (unsigned i = 0; i < n; i++) {
        if (to_guest)
            memcpy(iov[i].iov_base, buf + done, iov[i].iov_len);
        else
            memcpy(buf + done, iov[i].iov_base, iov[i].iov_len);
        done += iov[i].iov_len;
    }
    return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst, size_t len)
{
    return chain_copy(c, false, off, dst, len, false);
}

size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *src, size_t len)
{
    return chain_copy(c, true, off, (uint8_t *)(uintptr_t)src, len, true);
}
