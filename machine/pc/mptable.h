/* The Intel MultiProcessor Specification 1.4 table: CPUs, the IOAPIC and ISA IRQ routing. */
#ifndef KESTREL_MACHINE_PC_MPTABLE_H
#define KESTREL_MACHINE_PC_MPTABLE_H

#include <stdint.h>

struct guest_memory;

/* Writes the floating pointer and configuration table at gpa; 0 or -EFAULT. */
int pc_mptable_write(const struct guest_memory *mem, uint64_t gpa, unsigned nr_cpus);

/* Bytes the table needs for nr_cpus processors. */
uint64_t pc_mptable_size(unsigned nr_cpus);

#endif
