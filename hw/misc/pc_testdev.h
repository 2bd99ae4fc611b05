/*
 * pc-testdev: QEMU's x86 test device, so test guests run under both VMMs. A 32-bit
 * scratch port (0xe0, byte-wise again at 0xe8), interrupt lines driven from port 0x2000+n,
 * and 64 KiB of scratch MMIO at 0xff000000.
 */
#ifndef KESTREL_HW_MISC_PC_TESTDEV_H
#define KESTREL_HW_MISC_PC_TESTDEV_H

#include <pthread.h>
#include <stdint.h>

#include "core/io.h"
#include "core/irq.h"

struct guest_memory;

#define PC_TESTDEV_PORT 0xe0
#define PC_TESTDEV_FLUSH_PORT 0xe4
#define PC_TESTDEV_BYTE_PORT 0xe8
#define PC_TESTDEV_IRQ_PORT 0x2000
#define PC_TESTDEV_NR_IRQS 24
#define PC_TESTDEV_IOMEM_BASE 0xff000000ull
#define PC_TESTDEV_IOMEM_SIZE 0x10000

struct pc_testdev {
    pthread_mutex_t lock;
    uint32_t port_data;
    struct irq_line irq[PC_TESTDEV_NR_IRQS];
    const struct guest_memory *mem;
    uint8_t iomem[PC_TESTDEV_IOMEM_SIZE];
};

void pc_testdev_init(struct pc_testdev *t, const struct irq_chip *chip,
                     const struct guest_memory *mem);
void pc_testdev_reset(struct pc_testdev *t);
io_handler_fn pc_testdev_port_io;  /* 0xe0 and 0xe8, 4 bytes each */
io_handler_fn pc_testdev_flush_io; /* 0xe4 */
io_handler_fn pc_testdev_irq_io;   /* 0x2000, 24 bytes */
io_handler_fn pc_testdev_iomem_io; /* 0xff000000, 64 KiB */

#endif
