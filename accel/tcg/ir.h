/*
 * The TCG intermediate representation: a small three-address, RISC-like IR of typed temps,
 * guest globals, labels, guest memory accesses, helper calls and block exits. Frontends
 * build it per translation block; the optimizer and the backend consume it.
 */
#ifndef KESTREL_ACCEL_TCG_IR_H
#define KESTREL_ACCEL_TCG_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tcg_type {
    TCG_I32,
    TCG_I64,
};

enum tcg_temp_kind {
    TEMP_LOCAL,  /* a value inside one translation block; may cross labels */
    TEMP_GLOBAL, /* guest state living in the CPU structure at mem_offset */
    TEMP_FIXED,  /* a host register owned by the backend (the env pointer) */
    TEMP_CONST,  /* an immutable constant */
};

/* Conditions for setcond, movcond and brcond. */
enum tcg_cond {
    TCG_COND_EQ, TCG_COND_NE,
    TCG_COND_LT, TCG_COND_GE, TCG_COND_LE, TCG_COND_GT,     /* signed */
    TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU, /* unsigned */
    TCG_COND_ALWAYS, TCG_COND_NEVER,
};

/* A guest memory access: size as log2 bytes, sign extension, and the MMU mode. */
enum tcg_memop {
    MO_8 = 0, MO_16 = 1, MO_32 = 2, MO_64 = 3, MO_SIZE = 3,
    MO_SIGN = 4,
    MO_ALIGN = 8, /* misaligned accesses fault instead of being performed */
};
#define TCG_MEMOP(memop, mmu_idx) ((int64_t)(memop) | ((int64_t)(mmu_idx) << 8))
#define TCG_MEMOP_OP(v) ((unsigned)((v) & 0xff))
#define TCG_MEMOP_MMU(v) ((unsigned)(((v) >> 8) & 0xff))

/* Opcodes. The table in ir.c says how many outputs, inputs and constants each has. */
enum tcg_opcode {
    OP_INSN_START, /* c: guest pc of the next guest instruction */
    OP_DISCARD,    /* i: temp whose value is no longer needed */
    OP_MOV,
    OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_OR, OP_XOR, OP_ANDC, OP_SHL, OP_SHR, OP_SAR,
    OP_ROTL, OP_ROTR,
    OP_MULSH, OP_MULUH, /* the high half of the full signed / unsigned product */
    OP_DIV, OP_DIVU, OP_REM, OP_REMU, /* host semantics: the frontend avoids /0 and overflow */
    OP_NEG, OP_NOT,
    OP_CLZ, OP_CTZ, OP_CPOP, /* count leading/trailing zeros, population; width if zero */
    OP_EXT8S, OP_EXT8U, OP_EXT16S, OP_EXT16U, OP_EXT32S, OP_EXT32U,
    OP_EXTRL,   /* i64 -> i32: the low half */
    OP_SETCOND, /* o = (a cond b) ? 1 : 0; c: cond */
    OP_MOVCOND, /* o = (a cond b) ? v1 : v2; c: cond */
    OP_BRCOND,  /* if (a cond b) goto label; c: cond, label */
    OP_BR,      /* c: label */
    OP_SET_LABEL, /* c: label */
    /* Host loads and stores relative to a base temp (the CPU state): c: offset. */
    OP_LD8U, OP_LD8S, OP_LD16U, OP_LD16S, OP_LD32U, OP_LD32S, OP_LD,
    OP_ST8, OP_ST16, OP_ST32, OP_ST,
    /* Guest memory through the soft MMU: c: TCG_MEMOP(memop, mmu_idx). */
    OP_GUEST_LD, /* o: value, i: address */
    OP_GUEST_ST, /* i: value, address */
    OP_CALL,     /* variable: see struct tcg_op */
    OP_GOTO_TB,  /* c: chain slot 0 or 1 */
    OP_EXIT_TB,  /* c: value returned to the execution loop */
    OP_LOOKUP_AND_GOTO, /* i: target pc; c: block flags. Jumps via the jump cache or exits. */
    OP_EXIT_CHECK, /* leaves (resuming at the block's start) if exit_request is set */
    /* Scalar IEEE floating point on bit patterns in integer temps; type I32 = binary32. */
    OP_FADD, OP_FSUB, OP_FMUL, OP_FDIV, OP_FSQRT,
    OP_FMADD, /* o = a * b + c, fused */
    OP_NB,
};

/* Op flags, from the op table. */
enum {
    OPF_BB_END = 1,       /* ends a basic block */
    OPF_SIDE_EFFECTS = 2, /* must not be removed even if its outputs are dead */
    OPF_COND_BRANCH = 4,
    OPF_TB_EXIT = 8,      /* leaves the block: every global must be in memory */
};

/* Helper flags. */
enum {
    HELPER_PURE = 1,           /* no side effects: the call may be removed if unused */
    HELPER_NO_READ_GLOBALS = 2,  /* globals need not be written back before the call */
    HELPER_NO_WRITE_GLOBALS = 4, /* globals stay valid in registers after the call */
    HELPER_MAY_RAISE = 8,        /* may leave through the exception path */
};

struct tcg_helper {
    const char *name;
    void *fn;
    uint8_t flags;
    uint8_t nb_args; /* up to TCG_MAX_CALL_ARGS, each an integer or pointer */
    bool has_ret;
};

#define TCG_MAX_CALL_ARGS 6
#define TCG_MAX_OP_ARGS 10

struct tcg_op {
    uint16_t opc;
    uint8_t type;    /* enum tcg_type for typed ops */
    uint8_t nb_o, nb_i, nb_c; /* outputs, inputs, constants (args in that order) */
    uint16_t life;   /* liveness: bit i set when input i dies here */
    int64_t args[TCG_MAX_OP_ARGS];
};

struct tcg_temp {
    uint8_t kind;  /* enum tcg_temp_kind */
    uint8_t type;  /* enum tcg_type */
    bool free;     /* a released local, ready for reuse */
    bool crosses_bb; /* liveness: used in more than one basic block */
    int8_t fixed_reg;  /* TEMP_FIXED, or a pinned TEMP_GLOBAL: its host register, else -1 */
    int32_t mem_offset; /* TEMP_GLOBAL: offset in the CPU structure */
    int64_t value;     /* TEMP_CONST */
    const char *name;  /* globals and fixed temps */
    /* Register allocator state (backend). */
    uint8_t val_type;
    int8_t reg;
    bool mem_coherent;
    bool mem_allocated;
    int32_t mem_slot; /* locals: frame offset once spilled */
};

#define TCG_MAX_TEMPS 1024
#define TCG_MAX_OPS 4096
#define TCG_MAX_LABELS 256

struct tcg_ctx {
    struct tcg_temp temps[TCG_MAX_TEMPS];
    unsigned nb_globals; /* temps[0..nb_globals) survive tcg_func_start */
    unsigned nb_temps;
    struct tcg_op ops[TCG_MAX_OPS];
    unsigned nb_ops;
    unsigned nb_labels; /* labels are numbered 0..nb_labels */
    bool overflow; /* too many ops, temps or labels: the frontend ends the block earlier */
    int env;       /* the fixed temp holding the CPU structure pointer */
};

void tcg_ctx_init(struct tcg_ctx *s);
/* Starts a new block: drops every op, label and non-global temp. */
void tcg_func_start(struct tcg_ctx *s);

int tcg_global_fixed_new(struct tcg_ctx *s, enum tcg_type type, int reg, const char *name);
int tcg_global_mem_new(struct tcg_ctx *s, enum tcg_type type, int32_t offset, const char *name);
/* Makes a global live in a host register across blocks; the backend owns the register. */
void tcg_global_pin(struct tcg_ctx *s, int global, int reg);
int tcg_temp_new(struct tcg_ctx *s, enum tcg_type type);
void tcg_temp_free(struct tcg_ctx *s, int t);
int tcg_const(struct tcg_ctx *s, enum tcg_type type, int64_t value);
int tcg_label_new(struct tcg_ctx *s);

static inline bool tcg_temp_is_const(const struct tcg_ctx *s, int t)
{
    return s->temps[t].kind == TEMP_CONST;
}

/* Appends an op; returns it (or a scratch op once the buffer is full, with overflow set). */
struct tcg_op *tcg_emit(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type type,
                        unsigned nb_o, unsigned nb_i, unsigned nb_c);

/* ---- builders ---- */
void tcg_gen_insn_start(struct tcg_ctx *s, uint64_t pc);
void tcg_gen_discard(struct tcg_ctx *s, int t);
void tcg_gen_mov(struct tcg_ctx *s, enum tcg_type ty, int d, int a);
void tcg_gen_movi(struct tcg_ctx *s, enum tcg_type ty, int d, int64_t v);
void tcg_gen_op2(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int a);
void tcg_gen_op3(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int a, int b);
/* d = a op imm, with the immediate as a constant temp. */
void tcg_gen_op3i(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int a,
                  int64_t imm);
void tcg_gen_setcond(struct tcg_ctx *s, enum tcg_type ty, enum tcg_cond c, int d, int a, int b);
void tcg_gen_movcond(struct tcg_ctx *s, enum tcg_type ty, enum tcg_cond c, int d, int a, int b,
                     int v1, int v2);
void tcg_gen_brcond(struct tcg_ctx *s, enum tcg_type ty, enum tcg_cond c, int a, int b,
                    int label);
void tcg_gen_br(struct tcg_ctx *s, int label);
void tcg_gen_set_label(struct tcg_ctx *s, int label);
void tcg_gen_ld(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int base,
                int32_t offset);
void tcg_gen_st(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int v, int base,
                int32_t offset);
void tcg_gen_guest_ld(struct tcg_ctx *s, enum tcg_type ty, int d, int addr, unsigned memop,
                      unsigned mmu_idx);
void tcg_gen_guest_st(struct tcg_ctx *s, enum tcg_type ty, int v, int addr, unsigned memop,
                      unsigned mmu_idx);
/* ret is -1 when the helper returns nothing. */
void tcg_gen_call(struct tcg_ctx *s, const struct tcg_helper *h, int ret, const int *args);
void tcg_gen_goto_tb(struct tcg_ctx *s, unsigned slot);
void tcg_gen_exit_tb(struct tcg_ctx *s, uintptr_t value);
void tcg_gen_lookup_and_goto(struct tcg_ctx *s, int target_pc, uint64_t flags);
/*
 * Loops inside a block: a back edge to the block's start must pass an exit check, so that
 * other threads can still stop the vCPU; on exit the guest resumes at the block's pc.
 */
void tcg_gen_exit_check(struct tcg_ctx *s);

const char *tcg_op_name(enum tcg_opcode opc);
unsigned tcg_op_flags(enum tcg_opcode opc);
/* Writes a readable listing of the block's ops (for -d op / op_opt). */
void tcg_dump_ops(const struct tcg_ctx *s, FILE *out);

/* ---- passes ---- */
void tcg_optimize(struct tcg_ctx *s);
/* Backward liveness: marks dying inputs and removes dead side-effect-free ops. */
void tcg_liveness(struct tcg_ctx *s);

#endif
