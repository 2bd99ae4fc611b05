/* The RISC-V translator's shared pieces: the per-block context, operand helpers, the table. */
#ifndef KESTREL_VCPU_RISCV_TRANSLATE_H
#define KESTREL_VCPU_RISCV_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/tcg/ir.h"
#include "accel/tcg/tb.h"
#include "vcpu/riscv/cpu.h"

enum disas_state {
    DISAS_NEXT,     /* keep translating */
    DISAS_UPDATE,   /* end the block after this instruction: pc = next, back to the loop */
    DISAS_NORETURN, /* the instruction already ended the block */
};

/* The translation context of one block. */
struct dc {
    struct tcg_ctx *s;
    struct tcg_cpu *cpu;
    struct riscv_cpu *env;
    struct tb *tb;
    uint64_t pc;      /* this instruction */
    uint64_t pc_next; /* the next one */
    uint32_t insn;    /* the 32-bit form (compressed ones expanded) */
    uint32_t raw;     /* the instruction as fetched, for mtval */
    unsigned len;     /* 2 or 4 */
    unsigned priv;
    unsigned mmu_idx; /* for loads and stores */
    unsigned fs;      /* mstatus.FS as this block was translated */
    int loop_head;    /* label at the block's start, for branches back to it */
    enum disas_state state;
};

/* Instruction fields. */
#define RD(i) (((i) >> 7) & 31)
#define RS1(i) (((i) >> 15) & 31)
#define RS2(i) (((i) >> 20) & 31)
#define RS3(i) ((i) >> 27)
#define FUNCT3(i) (((i) >> 12) & 7)
#define FUNCT7(i) ((i) >> 25)
#define IMM_I(i) ((int64_t)(int32_t)(i) >> 20)
#define IMM_S(i) ((int64_t)(((int32_t)(i) >> 25) * 32) | (int64_t)(((i) >> 7) & 31))
#define IMM_U(i) ((int64_t)(int32_t)((i) & 0xfffff000u))
int64_t imm_b(uint32_t insn);
int64_t imm_j(uint32_t insn);

/* The globals of the guest state, created once. */
extern int cpu_x[32]; /* cpu_x[0] is unused: x0 reads as the constant 0 */
extern int cpu_f[32];
extern int cpu_pc;
extern int cpu_load_res, cpu_load_val;

/* x[r] for reading; a temp for writing x[r] (a scratch for x0); the write itself. */
int gpr_src(struct dc *d, unsigned r);
int gpr_dst(struct dc *d, unsigned r);
void gpr_set(struct dc *d, unsigned r, int t);
int tmp64(struct dc *d);

/* Leaving the block: to dest through chain slot n, or back to the block's own start. */
void gen_goto(struct dc *d, unsigned slot, uint64_t dest);
void gen_raise(struct dc *d, uint64_t cause, uint64_t tval);
void gen_raise_illegal(struct dc *d);
/* A helper call; args are temps. ret < 0 for none. */
void gen_helper(struct dc *d, const struct tcg_helper *h, int ret, int a0, int a1, int a2,
                int a3);

typedef bool trans_fn(struct dc *d);

/* One instruction pattern: (insn & mask) == match. ext: the misa letter it needs, or 0. */
struct insn_pattern {
    uint32_t mask;
    uint32_t match;
    trans_fn *trans;
    const char *name;
    char ext;
};

extern const struct insn_pattern riscv_base_patterns[];
extern const unsigned riscv_nb_base_patterns;
extern const struct insn_pattern riscv_atomic_patterns[];
extern const unsigned riscv_nb_atomic_patterns;
extern const struct insn_pattern riscv_fp_patterns[];
extern const unsigned riscv_nb_fp_patterns;

#endif
