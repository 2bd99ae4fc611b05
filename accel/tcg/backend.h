/*
 * The code generator's contract: how a block's IR becomes host code, and the fixed layout
 * (prologue, epilogue, CPU-structure offsets, TLB geometry) that generated code relies on.
 */
#ifndef KESTREL_ACCEL_TCG_BACKEND_H
#define KESTREL_ACCEL_TCG_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accel/tcg/ir.h"

/* The host register holding the (biased) CPU structure pointer in generated code: rbp. */
#define RBP_ENV_REG 5

/* The CPU structure pointer is kept biased so that its first 256 bytes use 1-byte offsets. */
#define TCG_ENV_BIAS 128

/* How a block left generated code: the low bits of the value returned to the exec loop. */
enum tcg_exit_kind {
    TCG_EXIT_CHAIN0 = 0,    /* goto_tb slot 0 was not chained: value is the block | 0 */
    TCG_EXIT_CHAIN1 = 1,    /* goto_tb slot 1 was not chained */
    TCG_EXIT_REQUESTED = 2, /* exit_request was set at block entry; nothing executed */
    TCG_EXIT_NOCHAIN = 3,   /* an indirect jump missed the jump cache, or exit_tb(0) */
};
#define TCG_EXIT_KIND_MASK 3

/* Where generated code finds what it needs; all offsets relative to the unbiased CPU pointer. */
struct tcg_layout {
    int32_t exit_request;  /* int32_t, nonzero asks every block to leave at entry */
    int32_t tlb;           /* struct tlb_entry[nb_mmu_modes][1 << tlb_bits] */
    unsigned tlb_bits;
    unsigned page_bits;    /* guest page size */
    int32_t jmp_cache;     /* struct tb *[1 << jmp_cache_bits] */
    unsigned jmp_cache_bits;
    /* Offsets inside struct tb, for the inline jump-cache lookup. */
    int32_t tb_pc, tb_flags, tb_code;
    /* Slow paths: uint64_t load(env, addr, memop_mmu, retaddr); void store(env, addr, value,
     * memop_mmu, retaddr). Loads return the value already sign- or zero-extended. */
    void *load_slow;
    void *store_slow;
};

/* Per-block results the TB layer needs. */
struct tcg_gen_result {
    uint32_t code_size;
    int32_t jmp_field[2]; /* offset of goto_tb slot n's rel32, or -1 */
    int32_t jmp_reset[2]; /* where slot n points when unchained */
    uint32_t nb_insns;
    uint32_t *insn_end;   /* host offset where guest instruction i's code ends */
    uint64_t *insn_pc;    /* guest pc of instruction i */
};

/* Generates the shared prologue and epilogue at buf; returns bytes used (0 if too small). */
size_t tcg_backend_gen_prologue(const struct tcg_layout *layout, const struct tcg_ctx *s,
                                uint8_t *buf, size_t size);
/* Enters generated code: returns the exit value (block pointer | enum tcg_exit_kind). */
uintptr_t tcg_backend_enter(void *env, const void *code);

/*
 * Generates the block's code at buf. tb is the block's address (encoded into its exits).
 * Returns 0, or -ENOSPC when the buffer is too small. listing receives -d out_asm text
 * when non-NULL (caller frees).
 */
int tcg_backend_gen(struct tcg_ctx *s, const struct tcg_layout *layout, uint8_t *buf,
                    size_t size, uintptr_t tb, struct tcg_gen_result *res, char **listing);

/* Points goto_tb slot n of a block at target (or back at its reset path). */
void tcg_backend_patch_jump(uint8_t *code, int32_t jmp_field, const void *target);

/* The host registers pinned guest globals may use (callee-saved, survive helper calls). */
extern const int tcg_pinnable_regs[];
extern const unsigned tcg_nb_pinnable_regs;

#endif
