/* What each guest ISA registers with the TCG accelerator: its frontend and CPU objects. */
#ifndef KESTREL_ACCEL_TCG_TCG_ARCH_H
#define KESTREL_ACCEL_TCG_TCG_ARCH_H

#include "vcpu/cpu_state.h"

struct tcg_cpu;
struct tcg_frontend;

struct tcg_arch {
    enum cpu_arch arch;
    const char *name;
    const struct tcg_frontend *fe;
    /* Allocates a CPU structure in its reset state; returns its embedded struct tcg_cpu. */
    struct tcg_cpu *(*cpu_new)(unsigned index);
    void (*cpu_free)(struct tcg_cpu *cpu);
    int (*get_state)(struct tcg_cpu *cpu, struct cpu_state *state);
    int (*set_state)(struct tcg_cpu *cpu, const struct cpu_state *state);
    /* Drives one of the hart's interrupt inputs (any thread). */
    void (*set_irq)(struct tcg_cpu *cpu, unsigned irq, int level);
};

/* The architectures TCG can run, or NULL. */
const struct tcg_arch *tcg_arch_find(enum cpu_arch arch);

#endif
