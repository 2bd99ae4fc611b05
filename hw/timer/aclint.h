/*
 * The RISC-V ACLINT as QEMU's virt board lays it out (the SiFive CLINT layout): per-hart
 * MSWI software-interrupt bits, MTIMER mtimecmp registers, and the shared mtime counter.
 */
#ifndef KESTREL_HW_TIMER_ACLINT_H
#define KESTREL_HW_TIMER_ACLINT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/io.h"
#include "core/irq.h"

#define ACLINT_MAX_HARTS 64
#define ACLINT_SIZE 0x10000
#define ACLINT_MTIMECMP_BASE 0x4000
#define ACLINT_MTIME 0xbff8

struct host_timer;

struct aclint_hart {
    struct irq_line msip_line; /* to the hart's machine software interrupt input */
    struct irq_line mtip_line; /* to its machine timer interrupt input */
    uint32_t msip;
    uint64_t mtimecmp;
    struct host_timer *timer;
    struct aclint *owner;
};

struct aclint {
    pthread_mutex_t lock;
    unsigned nr_harts;
    uint64_t timebase_hz;
    /* mtime's origin: a seqlock lets readers on any thread see the pair consistently
     * without the lock (every rdtime reads it); writers hold the lock. */
    unsigned origin_seq;
    int64_t base_ns;    /* host time at which mtime read mtime_offset */
    uint64_t mtime_offset;
    /* Told after software writes mtime, outside the lock (a hart's Sstc compares with it). */
    void (*mtime_written)(void *opaque);
    void *mtime_written_opaque;
    struct aclint_hart hart[ACLINT_MAX_HARTS];
};

/* lines: per hart, its MSIP and MTIP inputs. */
int aclint_init(struct aclint *c, unsigned nr_harts, uint64_t timebase_hz,
                const struct irq_line *msip, const struct irq_line *mtip);
void aclint_destroy(struct aclint *c);
void aclint_reset(struct aclint *c);
void aclint_set_mtime_listener(struct aclint *c, void (*fn)(void *opaque), void *opaque);
uint64_t aclint_read_mtime(void *opaque);
/* The host CLOCK_MONOTONIC nanosecond at which mtime reaches a value. */
int64_t aclint_deadline_ns(void *opaque, uint64_t mtime);
io_handler_fn aclint_io;

#endif
