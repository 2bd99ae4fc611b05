/* RVC: each 16-bit compressed instruction expanded to the 32-bit instruction it stands for. */
#ifndef KESTREL_VCPU_RISCV_RVC_H
#define KESTREL_VCPU_RISCV_RVC_H

#include <stdint.h>

/* Returned for reserved and illegal encodings (an all-zero 32-bit word is never legal). */
#define RVC_ILLEGAL 0u

/* The RV64 expansion of a compressed instruction (low two bits != 3), or RVC_ILLEGAL. */
uint32_t rvc_expand(uint16_t insn);

#endif
