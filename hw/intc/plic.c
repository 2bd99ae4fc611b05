/* The SiFive PLIC: priorities, pending, enables, thresholds, claim/complete. */
#include "hw/intc/plic.h"

#include <string.h>

#define PLIC_PRIORITY_BASE 0x0
#define PLIC_PENDING_BASE 0x1000
#define PLIC_ENABLE_BASE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_PRIORITY_MASK 7

static bool bit_get(const uint32_t *w, unsigned i)
{
    return (w[i / 32] >> (i % 32)) & 1;
}

static void bit_set(uint32_t *w, unsigned i, bool v)
{
    if (v)
        w[i / 32] |= 1u << (i % 32);
    else
        w[i / 32] &= ~(1u << (i % 32));
}

/* The highest-priority pending, enabled, unclaimed source above the threshold, or 0. */
static unsigned plic_best(const struct plic *p, unsigned ctx)
{
    unsigned best = 0;
    uint32_t best_prio = p->threshold[ctx];

    for (unsigned s = 1; s < PLIC_NUM_SOURCES; s++) {
        if (bit_get(p->pending, s) && bit_get(p->enable[ctx], s) && !bit_get(p->claimed, s) &&
            p->priority[s] > best_prio) {
            best = s;
            best_prio = p->priority[s];
        }
    }
    return best;
}

static void plic_update(struct plic *p)
{
    for (unsigned ctx = 0; ctx < p->nr_contexts; ctx++) {
        int level = plic_best(p, ctx) != 0;
        if (level != p->context_level[ctx]) {
            p->context_level[ctx] = level;
            irq_set(&p->context_line[ctx], level);
        }
    }
}

static void plic_set_source(void *opaque, uint32_t src, int level)
{
    struct plic *p = opaque;

    if (src == 0 || src >= PLIC_NUM_SOURCES)
        return;
    pthread_mutex_lock(&p->lock);
    bit_set(p->level, src, level);
    if (level)
        bit_set(p->pending, src, true); /* a level source is pending while its line is high */
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

void plic_reset(struct plic *p)
{
    pthread_mutex_lock(&p->lock);
    memset(p->priority, 0, sizeof(p->priority));
    memset(p->pending, 0, sizeof(p->pending));
    memset(p->claimed, 0, sizeof(p->claimed));
    memset(p->enable, 0, sizeof(p->enable));
    memset(p->threshold, 0, sizeof(p->threshold));
    memcpy(p->pending, p->level, sizeof(p->pending));
    for (unsigned ctx = 0; ctx < p->nr_contexts; ctx++) {
        p->context_level[ctx] = 0;
        irq_set(&p->context_line[ctx], 0);
    }
    pthread_mutex_unlock(&p->lock);
}

void plic_init(struct plic *p, unsigned nr_contexts, const struct irq_line *context_lines)
{
    memset(p, 0, sizeof(*p));
    pthread_mutex_init(&p->lock, NULL);
    p->nr_contexts = nr_contexts > PLIC_MAX_CONTEXTS ? PLIC_MAX_CONTEXTS : nr_contexts;
    for (unsigned i = 0; i < p->nr_contexts; i++)
        p->context_line[i] = context_lines[i];
    p->chip = (struct irq_chip){plic_set_source, p};
    plic_reset(p);
}

static uint32_t plic_claim(struct plic *p, unsigned ctx)
{
    unsigned s = plic_best(p, ctx);

    if (s) {
        bit_set(p->claimed, s, true);
        bit_set(p->pending, s, false);
    }
    return s;
}

static void plic_complete(struct plic *p, unsigned ctx, uint32_t s)
{
    if (s == 0 || s >= PLIC_NUM_SOURCES || !bit_get(p->enable[ctx], s))
        return; /* completing a source not enabled for this context is ignored */
    bit_set(p->claimed, s, false);
    if (bit_get(p->level, s))
        bit_set(p->pending, s, true); /* still asserted: pending again */
}

static void plic_context_access(struct plic *p, uint64_t off, struct io_access *a)
{
    unsigned ctx = (unsigned)((off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
    unsigned reg = (unsigned)(off % PLIC_CONTEXT_STRIDE);

    if (ctx >= p->nr_contexts)
        return;
    if (reg == 0) {
        if (a->is_write)
            p->threshold[ctx] = (uint32_t)a->data & PLIC_PRIORITY_MASK;
        else
            a->data = p->threshold[ctx];
    } else if (reg == 4) {
        if (a->is_write)
            plic_complete(p, ctx, (uint32_t)a->data);
        else
            a->data = plic_claim(p, ctx);
    }
}

void plic_io(void *opaque, struct io_access *a)
{
    struct plic *p = opaque;
    uint64_t off = a->offset & ~3ull;

    if (!a->is_write)
        a->data = 0;
    pthread_mutex_lock(&p->lock);
    if (off < PLIC_PENDING_BASE) {
        unsigned s = (unsigned)(off / 4);
        if (s < PLIC_NUM_SOURCES) {
            if (a->is_write && s)
                p->priority[s] = (uint32_t)a->data & PLIC_PRIORITY_MASK;
            else if (!a->is_write)
                a->data = p->priority[s];
        }
    } else if (off < PLIC_PENDING_BASE + 4 * PLIC_WORDS) {
        if (!a->is_write)
            a->data = p->pending[(off - PLIC_PENDING_BASE) / 4];
    } else if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
        unsigned ctx = (unsigned)((off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
        unsigned w = (unsigned)((off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) / 4;
        if (ctx < p->nr_contexts && w < PLIC_WORDS) {
            if (a->is_write)
                p->enable[ctx][w] = (uint32_t)a->data & (w == 0 ? ~1u : ~0u);
            else
                a->data = p->enable[ctx][w];
        }
    } else if (off >= PLIC_CONTEXT_BASE) {
        plic_context_access(p, off, a);
    }
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}
