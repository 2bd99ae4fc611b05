/* Functions shared between the TCG core's files; not for frontends. */
#ifndef KESTREL_ACCEL_TCG_INTERNAL_H
#define KESTREL_ACCEL_TCG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct tcg_cpu;
struct tcg_layout;

/* Slow paths called from generated code (arguments in the backend's order). */
uint64_t tcg_load_slow(void *env, uint64_t addr, uint64_t memop_mmu, uintptr_t retaddr);
void tcg_store_slow(void *env, uint64_t addr, uint64_t value, uint64_t memop_mmu,
                    uintptr_t retaddr);

/* Write-protects a RAM page in the vCPU's TLB now that translated code lives there. */
void tlb_protect_code_page(struct tcg_cpu *cpu, uint64_t paddr_page);

/* The physical address of the instruction at pc; raises the fetch fault otherwise. */
uint64_t tcg_translate_fetch(struct tcg_cpu *cpu, uint64_t pc, unsigned mmu_idx);

/* Where struct tcg_cpu sits in the frontend's CPU structure (set at start-up). */
extern size_t tcg_cpu_offset_in_env;

void tb_abort_translation(struct tcg_cpu *cpu);
void tb_note_second_page(struct tcg_cpu *cpu, uint64_t paddr_page);
const struct tcg_layout *tcg_layout(void);

#endif
