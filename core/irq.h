/* Interrupt lines: a device drives a level on a pin of the board's interrupt controller. */
#ifndef KESTREL_CORE_IRQ_H
#define KESTREL_CORE_IRQ_H

#include <stdint.h>

/*
 * The controller behind a line: KVM's in-kernel irqchip, or later a userspace model.
 * set_level must be callable from any thread.
 */
struct irq_chip {
    void (*set_level)(void *opaque, uint32_t pin, int level);
    void *opaque;
};

struct irq_line {
    const struct irq_chip *chip;
    uint32_t pin;
};

static inline struct irq_line irq_line_make(const struct irq_chip *chip, uint32_t pin)
{
    return (struct irq_line){chip, pin};
}

/* Drives the line to level (0 or 1). An unconnected line does nothing. */
static inline void irq_set(const struct irq_line *line, int level)
{
    if (line->chip)
        line->chip->set_level(line->chip->opaque, line->pin, level);
}

#endif
