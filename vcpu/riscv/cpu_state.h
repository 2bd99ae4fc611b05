/* RISC-V architectural state boards exchange with accelerators (boot registers, mode). */
#ifndef KESTREL_VCPU_RISCV_CPU_STATE_H
#define KESTREL_VCPU_RISCV_CPU_STATE_H

#include <stdint.h>

enum riscv_priv { RISCV_PRIV_U = 0, RISCV_PRIV_S = 1, RISCV_PRIV_M = 3 };

struct riscv_cpu_state {
    uint64_t x[32]; /* x[0] reads as zero */
    uint64_t pc;
    uint64_t f[32];
    uint8_t priv;   /* enum riscv_priv */
};

#endif
