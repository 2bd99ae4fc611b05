/*
 * The SiFive PLIC as on QEMU's virt board: per-source priorities and pending bits, per-
 * context enables, thresholds and claim/complete; level-triggered sources. Context 2n is
 * hart n's M mode, context 2n+1 its S mode.
 */
#ifndef KESTREL_HW_INTC_PLIC_H
#define KESTREL_HW_INTC_PLIC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/io.h"
#include "core/irq.h"

#define PLIC_NUM_SOURCES 96 /* source 0 does not exist */
#define PLIC_MAX_CONTEXTS 16
#define PLIC_SIZE 0x600000
#define PLIC_WORDS ((PLIC_NUM_SOURCES + 31) / 32)

struct plic {
    pthread_mutex_t lock;
    unsigned nr_contexts;
    uint32_t priority[PLIC_NUM_SOURCES];
    uint32_t pending[PLIC_WORDS];
    uint32_t claimed[PLIC_WORDS];
    uint32_t level[PLIC_WORDS]; /* the input lines as devices drive them */
    uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
    uint32_t threshold[PLIC_MAX_CONTEXTS];
    struct irq_line context_line[PLIC_MAX_CONTEXTS]; /* to MEIP/SEIP of a hart */
    int context_level[PLIC_MAX_CONTEXTS];
    struct irq_chip chip; /* devices' lines come in here; pin = source number */
};

void plic_init(struct plic *p, unsigned nr_contexts, const struct irq_line *context_lines);
void plic_reset(struct plic *p);
io_handler_fn plic_io;

#endif
