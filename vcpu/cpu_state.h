/* Architectural CPU state exchanged with accelerators, tagged by ISA. */
#ifndef KESTREL_VCPU_CPU_STATE_H
#define KESTREL_VCPU_CPU_STATE_H

#include "vcpu/riscv/cpu_state.h"
#include "vcpu/x86/cpu_state.h"

enum cpu_arch {
    CPU_ARCH_X86_64,
    CPU_ARCH_RISCV64,
};

struct cpu_state {
    enum cpu_arch arch;
    union {
        struct x86_cpu_state x86;
        struct riscv_cpu_state riscv;
    };
};

#endif
