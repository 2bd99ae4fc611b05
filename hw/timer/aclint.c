/* The RISC-V ACLINT (CLINT layout): MSWI, MTIMER and mtime at a fixed timebase. */
#include "hw/timer/aclint.h"

#include <errno.h>
#include <string.h>

#include "core/timer.h"

/* mtime's origin, read consistently with or without the lock. */
static void origin_read(const struct aclint *c, int64_t *base_ns, uint64_t *offset)
{
    for (;;) {
        unsigned seq = __atomic_load_n(&c->origin_seq, __ATOMIC_ACQUIRE);
        *base_ns = __atomic_load_n(&c->base_ns, __ATOMIC_RELAXED);
        *offset = __atomic_load_n(&c->mtime_offset, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (!(seq & 1) && __atomic_load_n(&c->origin_seq, __ATOMIC_RELAXED) == seq)
            return;
    }
}

/* Sets mtime's origin; the caller holds the lock. */
static void origin_write(struct aclint *c, int64_t base_ns, uint64_t offset)
{
    __atomic_store_n(&c->origin_seq, c->origin_seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&c->base_ns, base_ns, __ATOMIC_RELAXED);
    __atomic_store_n(&c->mtime_offset, offset, __ATOMIC_RELAXED);
    __atomic_store_n(&c->origin_seq, c->origin_seq + 1, __ATOMIC_RELEASE);
}

static uint64_t mtime_now(const struct aclint *c)
{
    int64_t base_ns;
    uint64_t offset;

    origin_read(c, &base_ns, &offset);
    int64_t ns = host_clock_ns() - base_ns;
    return offset + (uint64_t)((unsigned __int128)ns * c->timebase_hz / 1000000000u);
}

uint64_t aclint_read_mtime(void *opaque)
{
    return mtime_now(opaque);
}

/* Host deadline for an mtime value; mtime passes it at the first tick at or after it. */
static int64_t deadline_of(const struct aclint *c, uint64_t mtime)
{
    int64_t base_ns;
    uint64_t offset;

    origin_read(c, &base_ns, &offset);
    if (mtime <= offset)
        return base_ns;
    unsigned __int128 ticks = mtime - offset;
    unsigned __int128 ns = (ticks * 1000000000u + c->timebase_hz - 1) / c->timebase_hz;
    return ns > (unsigned __int128)(INT64_MAX - base_ns) ? INT64_MAX : base_ns + (int64_t)ns;
}

int64_t aclint_deadline_ns(void *opaque, uint64_t mtime)
{
    return deadline_of(opaque, mtime);
}

void aclint_set_mtime_listener(struct aclint *c, void (*fn)(void *opaque), void *opaque)
{
    c->mtime_written = fn;
    c->mtime_written_opaque = opaque;
}

/* MTIP is level: high while mtime >= mtimecmp. Called with the lock held. */
static void update_mtip(struct aclint *c, struct aclint_hart *h)
{
    if (mtime_now(c) >= h->mtimecmp) {
        host_timer_del(h->timer);
        irq_set(&h->mtip_line, 1);
    } else {
        irq_set(&h->mtip_line, 0);
        host_timer_mod(h->timer, deadline_of(c, h->mtimecmp));
    }
}

static void aclint_timer_fired(void *opaque)
{
    struct aclint_hart *h = opaque;

    pthread_mutex_lock(&h->owner->lock);
    update_mtip(h->owner, h);
    pthread_mutex_unlock(&h->owner->lock);
}

int aclint_init(struct aclint *c, unsigned nr_harts, uint64_t timebase_hz,
                const struct irq_line *msip, const struct irq_line *mtip)
{
    if (nr_harts > ACLINT_MAX_HARTS)
        return -EINVAL;
    memset(c, 0, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->nr_harts = nr_harts;
    c->timebase_hz = timebase_hz;
    for (unsigned i = 0; i < nr_harts; i++) {
        struct aclint_hart *h = &c->hart[i];
        h->msip_line = msip[i];
        h->mtip_line = mtip[i];
        h->owner = c;
        h->timer = host_timer_new(aclint_timer_fired, h);
        if (!h->timer)
            return -ENOMEM;
    }
    aclint_reset(c);
    return 0;
}

void aclint_destroy(struct aclint *c)
{
    for (unsigned i = 0; i < c->nr_harts; i++)
        host_timer_free(c->hart[i].timer);
}

void aclint_reset(struct aclint *c)
{
    pthread_mutex_lock(&c->lock);
    origin_write(c, host_clock_ns(), 0);
    for (unsigned i = 0; i < c->nr_harts; i++) {
        struct aclint_hart *h = &c->hart[i];
        h->msip = 0;
        /* As in QEMU, mtimecmp starts at zero but raises nothing until software writes it. */
        h->mtimecmp = 0;
        host_timer_del(h->timer);
        irq_set(&h->msip_line, 0);
        irq_set(&h->mtip_line, 0);
    }
    pthread_mutex_unlock(&c->lock);
}

/* A 32- or 64-bit field at byte offset `off` within a 64-bit register. */
static uint64_t field_read(uint64_t reg, uint64_t off, uint32_t size)
{
    return (reg >> (8 * (off & 7))) & io_size_mask(size);
}

static uint64_t field_write(uint64_t reg, uint64_t off, uint32_t size, uint64_t v)
{
    unsigned shift = 8 * (unsigned)(off & 7);
    uint64_t mask = io_size_mask(size) << shift;
    return (reg & ~mask) | ((v << shift) & mask);
}

static void aclint_mtime_write(struct aclint *c, uint64_t off, uint32_t size, uint64_t v)
{
    uint64_t now = mtime_now(c);
    origin_write(c, host_clock_ns(), field_write(now, off, size, v));
    for (unsigned i = 0; i < c->nr_harts; i++)
        update_mtip(c, &c->hart[i]);
}

void aclint_io(void *opaque, struct io_access *a)
{
    struct aclint *c = opaque;
    uint64_t off = a->offset;
    bool mtime_written = false;

    pthread_mutex_lock(&c->lock);
    if (off < 4ull * c->nr_harts) { /* MSWI */
        struct aclint_hart *h = &c->hart[off / 4];
        if (a->is_write) {
            h->msip = (uint32_t)a->data & 1;
            irq_set(&h->msip_line, (int)h->msip);
        } else {
            a->data = h->msip;
        }
    } else if (off >= ACLINT_MTIMECMP_BASE && off < ACLINT_MTIMECMP_BASE + 8ull * c->nr_harts) {
        struct aclint_hart *h = &c->hart[(off - ACLINT_MTIMECMP_BASE) / 8];
        if (a->is_write) {
            h->mtimecmp = field_write(h->mtimecmp, off, a->size, a->data);
            update_mtip(c, h);
        } else {
            a->data = field_read(h->mtimecmp, off, a->size);
        }
    } else if (off >= ACLINT_MTIME && off < ACLINT_MTIME + 8) {
        if (a->is_write) {
            aclint_mtime_write(c, off, a->size, a->data);
            mtime_written = true;
        } else
            a->data = field_read(mtime_now(c), off, a->size);
    } else if (!a->is_write) {
        a->data = 0;
    }
    pthread_mutex_unlock(&c->lock);
    if (mtime_written && c->mtime_written)
        c->mtime_written(c->mtime_written_opaque);
}
