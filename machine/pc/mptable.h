/*
 * The Intel MultiProcessor Specification 1.4 table: CPUs, the IOAPIC, ISA IRQ routing and
 * the virtio slots' pins.
 */
#ifndef KESTREL_MACHINE_PC_MPTABLE_H
#define KESTREL_MACHINE_PC_MPTABLE_H

#include <stdint.h>

struct guest_memory;

/*
 * Writes the floating pointer and configuration table at gpa; 0 or -EFAULT. nr_virtio
 * virtio-mmio slots get their IOAPIC pins (from PC_VIRTIO_IRQ_BASE), level-triggered and
 * active high.
 */
int pc_mptable_write(const struct guest_memory *mem, uint64_t gpa, unsigned nr_cpus,
                     unsigned nr_virtio);

/* Bytes the table needs for nr_cpus processors and nr_virtio virtio slots. */
uint64_t pc_mptable_size(unsigned nr_cpus, unsigned nr_virtio);

#endif
