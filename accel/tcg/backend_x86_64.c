/*
 * The x86-64 backend: register allocation driven by liveness, instruction selection, the
 * inline soft-MMU fast path with out-of-line slow paths, and block exits and chaining.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tlb.h"
#include "accel/tcg/x86_64_asm.h"

/* Scratch registers the allocator never hands out: the TLB path and shuffles use them. */
#define TMP0 R11
#define TMP1 R10
#define ENV RBP

#define REG_BIT(r) (1u << (r))
#define CALLER_SAVED                                                                        \
    (REG_BIT(RAX) | REG_BIT(RCX) | REG_BIT(RDX) | REG_BIT(RSI) | REG_BIT(RDI) | REG_BIT(R8) | \
     REG_BIT(R9) | REG_BIT(R10) | REG_BIT(R11))
#define ALLOCATABLE                                                                           \
    (REG_BIT(RAX) | REG_BIT(RCX) | REG_BIT(RDX) | REG_BIT(RSI) | REG_BIT(RDI) | REG_BIT(R8) |  \
     REG_BIT(R9) | REG_BIT(RBX) | REG_BIT(R12) | REG_BIT(R13) | REG_BIT(R14) | REG_BIT(R15))

const int tcg_pinnable_regs[] = {RBX, R12, R13, R14, R15};
const unsigned tcg_nb_pinnable_regs = sizeof(tcg_pinnable_regs) / sizeof(tcg_pinnable_regs[0]);

static const int call_arg_regs[TCG_MAX_CALL_ARGS] = {RDI, RSI, RDX, RCX, R8, R9};

/* The frame below the saved registers: a save area for the slow paths, then spill slots. */
#define FRAME_SAVE_AREA 0    /* 16 x 8 bytes, indexed by register number */
#define FRAME_SPILL_BASE 128
#define FRAME_SPILL_SLOTS 256
#define FRAME_SIZE (FRAME_SPILL_BASE + FRAME_SPILL_SLOTS * 8 + 8) /* keeps rsp 16-aligned */

enum { VAL_DEAD, VAL_REG, VAL_MEM, VAL_CONST };

static uint8_t *tcg_prologue_code;
static uint8_t *tcg_epilogue_code;

/* A slow path, captured at the access and emitted after the block's body. */
struct slow_path {
    bool is_exit; /* an exit check: write globals back and leave */
    bool is_store;
    int addr_reg;
    int val_reg;    /* load: destination; store: value (or -1 with a constant) */
    int64_t val_const;
    int64_t memop_mmu;
    uint8_t *jne_field; /* the fast path's branch to here */
    size_t resume;      /* offset after the fast path */
    uint32_t save_mask; /* caller-saved registers holding values needed after the access */
    unsigned nb_syncs;
    struct { int reg; int32_t offset; } syncs[32]; /* dirty globals to write back first */
};

#define MAX_SLOW_PATHS 512
#define MAX_LABEL_REFS 1024

struct label_ref {
    int label;
    uint8_t *field;
};

struct backend {
    struct tcg_ctx *s;
    const struct tcg_layout *layout;
    struct x86_asm a;
    int reg_to_temp[16];
    uint32_t fixed_regs;     /* pinned globals' registers: never allocated */
    unsigned next_slot;
    const struct tcg_op *op; /* the op being generated */
    int32_t label_offset[TCG_MAX_LABELS];
    struct label_ref refs[MAX_LABEL_REFS];
    unsigned nb_refs;
    struct slow_path slow[MAX_SLOW_PATHS];
    unsigned nb_slow;
    uint8_t *exit_stub_field; /* block entry's branch to the exit-request stub */
    uintptr_t tb;
    /* Block-local pinning: in a block that loops on itself, its busiest globals stay in
     * these registers for the whole block and are written back at its exits. */
    uint32_t tb_pinned_regs;
    int tb_pinned[4];
    unsigned nb_tb_pinned;
    bool tb_pinned_used; /* the last attempt pinned some: a retry without may succeed */
    bool failed;
    struct tcg_gen_result *res;
    unsigned insn_cap;
};

static void emit_exit(struct backend *b, uintptr_t value);

/* ---- temps and registers ---- */

static struct tcg_temp *T(struct backend *b, int t)
{
    return &b->s->temps[t];
}

static bool is_pinned(const struct tcg_temp *tp)
{
    return tp->kind == TEMP_GLOBAL && tp->fixed_reg >= 0;
}

/* Pinned for this block only (a loop block's busiest globals), in a caller-saved register. */
static bool is_tb_pinned(const struct backend *b, const struct tcg_temp *tp)
{
    return is_pinned(tp) && (b->tb_pinned_regs & REG_BIT(tp->fixed_reg));
}

static struct x86_mem temp_mem(struct backend *b, struct tcg_temp *tp)
{
    if (tp->kind == TEMP_GLOBAL)
        return x86_mem_base(ENV, tp->mem_offset - TCG_ENV_BIAS);
    if (!tp->mem_allocated) {
        if (b->next_slot == FRAME_SPILL_SLOTS) {
            b->failed = true;
            b->next_slot = 0;
        }
        tp->mem_slot = FRAME_SPILL_BASE + 8 * (int32_t)b->next_slot++;
        tp->mem_allocated = true;
    }
    return x86_mem_base(RSP, tp->mem_slot);
}

static bool w64(const struct tcg_temp *tp)
{
    return tp->type == TCG_I64;
}

/* Writes a register-held value back to its memory home if memory is stale. */
static void temp_sync(struct backend *b, int t)
{
    struct tcg_temp *tp = T(b, t);

    if (tp->val_type == VAL_REG && !tp->mem_coherent) {
        x86_store(&b->a, temp_mem(b, tp), tp->reg, w64(tp) ? 8 : 4);
        tp->mem_coherent = true;
    }
}

/* Leaves a temp only in memory (or dead), freeing its register. */
static void temp_spill(struct backend *b, int t)
{
    struct tcg_temp *tp = T(b, t);

    if (is_pinned(tp) || tp->val_type != VAL_REG)
        return;
    temp_sync(b, t);
    b->reg_to_temp[tp->reg] = -1;
    tp->val_type = VAL_MEM;
    tp->reg = -1;
}

static void temp_dead(struct backend *b, int t)
{
    struct tcg_temp *tp = T(b, t);

    if (tp->kind != TEMP_LOCAL)
        return;
    if (tp->val_type == VAL_REG)
        b->reg_to_temp[tp->reg] = -1;
    tp->val_type = VAL_DEAD;
    tp->reg = -1;
}

/* Frees reg, spilling whatever lives there. */
static void reg_evict(struct backend *b, int reg)
{
    int t = b->reg_to_temp[reg];

    if (t >= 0)
        temp_spill(b, t);
}

/* A free register from mask, spilling a victim if none is free. */
static int reg_alloc(struct backend *b, uint32_t mask)
{
    mask &= ALLOCATABLE & ~b->fixed_regs;
    for (int r = 0; r < 16; r++)
        if ((mask & REG_BIT(r)) && b->reg_to_temp[r] < 0)
            return r;
    for (int r = 0; r < 16; r++) {
        if (mask & REG_BIT(r)) {
            reg_evict(b, r);
            return r;
        }
    }
    b->failed = true; /* no register fits the constraint: a backend bug */
    return RAX;
}

/* Registers the current op reads: the allocator must not hand them out as scratch. */
static uint32_t op_input_regs(struct backend *b)
{
    uint32_t m = 0;
    const struct tcg_op *op = b->op;

    for (unsigned i = 0; i < op->nb_i; i++) {
        struct tcg_temp *tp = T(b, (int)op->args[op->nb_o + i]);
        if (tp->val_type == VAL_REG)
            m |= REG_BIT(tp->reg);
    }
    return m;
}

/* Puts temp t in a register from mask (any register when mask is 0). */
static int temp_load(struct backend *b, int t, uint32_t mask, uint32_t avoid)
{
    struct tcg_temp *tp = T(b, t);

    if (!mask)
        mask = ALLOCATABLE;
    if (tp->val_type == VAL_REG && (mask & REG_BIT(tp->reg)))
        return tp->reg;
    if (tp->kind == TEMP_FIXED)
        return tp->fixed_reg;
    int r = reg_alloc(b, mask & ~avoid);
    switch (tp->kind == TEMP_CONST ? VAL_CONST : tp->val_type) {
    case VAL_CONST:
        x86_mov_ri(&b->a, r, w64(tp) ? (uint64_t)tp->value : (uint32_t)tp->value);
        return r; /* a constant is not tracked in a register */
    case VAL_REG:
        x86_mov_rr(&b->a, true, r, tp->reg);
        if (is_pinned(tp))
            return r; /* a copy in a scratch register */
        b->reg_to_temp[tp->reg] = -1;
        break;
    case VAL_MEM:
        x86_load(&b->a, r, temp_mem(b, tp), w64(tp) ? 8 : 4, false);
        tp->mem_coherent = true;
        break;
    default: /* reading a dead temp: the frontend read an unset temp; give it zero */
        x86_mov_ri(&b->a, r, 0);
        tp->mem_coherent = false;
        break;
    }
    tp->val_type = VAL_REG;
    tp->reg = (int8_t)r;
    b->reg_to_temp[r] = t;
    return r;
}

/* Puts a copy of t's value in reg, leaving t where it is. */
static void temp_copy_to(struct backend *b, int t, int reg)
{
    struct tcg_temp *tp = T(b, t);

    if (tp->kind == TEMP_CONST)
        x86_mov_ri(&b->a, reg, w64(tp) ? (uint64_t)tp->value : (uint32_t)tp->value);
    else if (tp->kind == TEMP_FIXED || is_pinned(tp))
        x86_mov_rr(&b->a, true, reg, tp->fixed_reg);
    else if (tp->val_type == VAL_REG)
        x86_mov_rr(&b->a, true, reg, tp->reg);
    else if (tp->val_type == VAL_MEM)
        x86_load(&b->a, reg, temp_mem(b, tp), w64(tp) ? 8 : 4, false);
    else
        x86_mov_ri(&b->a, reg, 0); /* an unset temp reads as zero, as in temp_load */
}

/* The register an output goes to; the temp now lives there with memory stale. */
static void temp_set_reg(struct backend *b, int t, int r)
{
    struct tcg_temp *tp = T(b, t);

    if (is_pinned(tp)) {
        if (r != tp->fixed_reg)
            x86_mov_rr(&b->a, true, tp->fixed_reg, r);
        tp->mem_coherent = false;
        return;
    }
    if (tp->val_type == VAL_REG && tp->reg != r)
        b->reg_to_temp[tp->reg] = -1;
    if (b->reg_to_temp[r] >= 0 && b->reg_to_temp[r] != t)
        temp_spill(b, b->reg_to_temp[r]);
    tp->val_type = VAL_REG;
    tp->reg = (int8_t)r;
    tp->mem_coherent = false;
    b->reg_to_temp[r] = t;
}

static bool input_dies(struct backend *b, unsigned i)
{
    return (b->op->life >> i) & 1;
}

static void free_dead_inputs(struct backend *b)
{
    for (unsigned i = 0; i < b->op->nb_i; i++)
        if (input_dies(b, i))
            temp_dead(b, (int)b->op->args[b->op->nb_o + i]);
}

/*
 * The register for output d of a two-address operation whose first source is input 0.
 * Reuses input 0's register when that value dies here; otherwise a fresh one.
 */
static int out_reg_for(struct backend *b, int d, int src, unsigned src_index, uint32_t avoid)
{
    struct tcg_temp *dp = T(b, d), *sp = T(b, src);

    if (is_pinned(dp) && !(avoid & REG_BIT(dp->fixed_reg)))
        return dp->fixed_reg;
    if (sp->val_type == VAL_REG && !is_pinned(sp) && sp->kind == TEMP_LOCAL &&
        input_dies(b, src_index) && !(avoid & REG_BIT(sp->reg)))
        return sp->reg;
    if (d == src && dp->val_type == VAL_REG && !(avoid & REG_BIT(dp->reg)))
        return dp->reg;
    return reg_alloc(b, ALLOCATABLE & ~avoid & ~op_input_regs(b));
}

static bool const_fits32(struct backend *b, int t)
{
    const struct tcg_temp *tp = T(b, t);
    return tp->kind == TEMP_CONST && tp->value >= INT32_MIN && tp->value <= INT32_MAX;
}

/* ---- labels ---- */

static void label_ref(struct backend *b, int label, uint8_t *field)
{
    if (b->nb_refs == MAX_LABEL_REFS) {
        b->failed = true;
        return;
    }
    b->refs[b->nb_refs++] = (struct label_ref){label, field};
}

static void resolve_labels(struct backend *b)
{
    for (unsigned i = 0; i < b->nb_refs; i++) {
        int32_t off = b->label_offset[b->refs[i].label];
        if (off < 0) {
            b->failed = true;
            continue;
        }
        x86_patch_rel32(b->refs[i].field, b->a.buf + off);
    }
}

/* ---- basic block boundaries ---- */

/* Writes back every dirty global (pinned ones too when pinned is set). */
static void sync_globals(struct backend *b, bool pinned)
{
    for (unsigned t = 0; t < b->s->nb_globals; t++) {
        struct tcg_temp *tp = T(b, (int)t);
        if (tp->kind != TEMP_GLOBAL)
            continue;
        if (is_pinned(tp)) {
            if (pinned && !tp->mem_coherent) {
                x86_store(&b->a, temp_mem(b, tp), tp->fixed_reg, w64(tp) ? 8 : 4);
                tp->mem_coherent = true;
            }
            continue;
        }
        temp_sync(b, (int)t);
    }
}

/* Block-local pinned globals leave the block in memory, like any unpinned one. */
static void sync_tb_pinned(struct backend *b)
{
    for (unsigned i = 0; i < b->nb_tb_pinned; i++) {
        struct tcg_temp *tp = T(b, b->tb_pinned[i]);
        if (!tp->mem_coherent) {
            x86_store(&b->a, temp_mem(b, tp), tp->fixed_reg, w64(tp) ? 8 : 4);
            tp->mem_coherent = true;
        }
    }
}

static void sync_for_exit(struct backend *b)
{
    sync_globals(b, false);
    sync_tb_pinned(b);
}

/* At a label or branch: every value goes to memory so all paths agree on where it is. */
static void bb_end(struct backend *b)
{
    sync_globals(b, false);
    for (unsigned t = 0; t < b->s->nb_temps; t++) {
        struct tcg_temp *tp = T(b, (int)t);
        if (tp->kind == TEMP_GLOBAL && !is_pinned(tp))
            temp_sync(b, (int)t);
        else if (tp->kind == TEMP_LOCAL && tp->crosses_bb && tp->val_type == VAL_REG)
            temp_sync(b, (int)t);
    }
}

/* After the boundary: nothing is assumed to be in a register any more. */
static void bb_forget(struct backend *b)
{
    for (unsigned t = 0; t < b->s->nb_temps; t++) {
        struct tcg_temp *tp = T(b, (int)t);
        /* A label may be reached by a path that changed a pinned global (block-pinned or
         * not) without writing it back: its memory copy is stale whatever this path did. */
        if (is_pinned(tp))
            tp->mem_coherent = false;
        if (is_pinned(tp) || tp->kind == TEMP_FIXED || tp->kind == TEMP_CONST)
            continue;
        if (tp->val_type == VAL_REG) {
            b->reg_to_temp[tp->reg] = -1;
            tp->reg = -1;
            tp->val_type = (tp->kind == TEMP_GLOBAL || tp->crosses_bb) ? VAL_MEM : VAL_DEAD;
        } else if (tp->val_type == VAL_DEAD && tp->crosses_bb && tp->mem_allocated) {
            /* Dead on the path just generated (discarded), but an earlier branch to a
             * label may still carry it: it was written back there. */
            tp->val_type = VAL_MEM;
        }
    }
}

/* ---- arithmetic ---- */

static enum x86_cond x86_cond_of(enum tcg_cond c)
{
    static const enum x86_cond map[] = {
        [TCG_COND_EQ] = CC_E, [TCG_COND_NE] = CC_NE, [TCG_COND_LT] = CC_L,
        [TCG_COND_GE] = CC_GE, [TCG_COND_LE] = CC_LE, [TCG_COND_GT] = CC_G,
        [TCG_COND_LTU] = CC_B, [TCG_COND_GEU] = CC_AE, [TCG_COND_LEU] = CC_BE,
        [TCG_COND_GTU] = CC_A,
    };
    return map[c];
}

static enum tcg_cond swap_cond(enum tcg_cond c)
{
    switch (c) {
    case TCG_COND_LT: return TCG_COND_GT;
    case TCG_COND_GT: return TCG_COND_LT;
    case TCG_COND_LE: return TCG_COND_GE;
    case TCG_COND_GE: return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LEU;
    default: return c;
    }
}

/* Emits "cmp a, b" (swapping if only a is a constant) and returns the condition to test. */
static enum x86_cond emit_compare(struct backend *b, enum tcg_cond c, int a, int bb, bool w,
                                  uint32_t avoid)
{
    if (c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        /* No x86 condition is constant: compare a register with itself and test "equal". */
        int r = temp_load(b, a, 0, avoid);
        x86_alu_rr(&b->a, ALU_CMP, w, r, r);
        return c == TCG_COND_ALWAYS ? CC_E : CC_NE;
    }
    if (const_fits32(b, a) && !tcg_temp_is_const(b->s, bb)) {
        int t = a;
        a = bb;
        bb = t;
        c = swap_cond(c);
    }
    int ra = temp_load(b, a, 0, avoid);
    if (const_fits32(b, bb))
        x86_alu_ri(&b->a, ALU_CMP, w, ra, (int32_t)T(b, bb)->value);
    else
        x86_alu_rr(&b->a, ALU_CMP, w, ra, temp_load(b, bb, 0, avoid | REG_BIT(ra)));
    return x86_cond_of(c);
}

static void gen_mov(struct backend *b, int d, int s)
{
    struct tcg_temp *dp = T(b, d), *sp = T(b, s);

    if (is_pinned(dp)) {
        if (sp->kind == TEMP_CONST)
            x86_mov_ri(&b->a, dp->fixed_reg, w64(dp) ? (uint64_t)sp->value : (uint32_t)sp->value);
        else
            x86_mov_rr(&b->a, true, dp->fixed_reg, temp_load(b, s, 0, 0));
        dp->mem_coherent = false;
        return;
    }
    if (sp->kind == TEMP_CONST || sp->kind == TEMP_FIXED || is_pinned(sp) || !input_dies(b, 0)) {
        /* Load the source first, so the output's register cannot be chosen over it. */
        int rs = sp->kind == TEMP_CONST ? -1 : temp_load(b, s, 0, 0);
        int r = out_reg_for(b, d, s, 0, rs >= 0 ? REG_BIT(rs) : 0);
        if (sp->kind == TEMP_CONST)
            x86_mov_ri(&b->a, r, w64(dp) ? (uint64_t)sp->value : (uint32_t)sp->value);
        else
            x86_mov_rr(&b->a, true, r, rs);
        temp_set_reg(b, d, r);
        return;
    }
    /* The source dies here: the output takes over its register. */
    int r = temp_load(b, s, 0, 0);
    temp_dead(b, s);
    temp_set_reg(b, d, r);
}

static void gen_alu(struct backend *b, enum x86_alu alu, bool commutative)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s1 = (int)op->args[1], s2 = (int)op->args[2];
    bool w = op->type == TCG_I64;

    if (commutative && tcg_temp_is_const(b->s, s1) && !tcg_temp_is_const(b->s, s2)) {
        int t = s1;
        s1 = s2;
        s2 = t;
    }
    /* Three-address add through lea when the first source must survive. */
    if (alu == ALU_ADD && !(T(b, s1)->kind == TEMP_LOCAL && input_dies(b, 0)) &&
        !is_pinned(T(b, d)) && d != s1) {
        int r1 = temp_load(b, s1, 0, 0);
        int rd = reg_alloc(b, ALLOCATABLE & ~op_input_regs(b) & ~REG_BIT(r1));
        if (const_fits32(b, s2))
            x86_lea(&b->a, w, rd, x86_mem_base(r1, (int32_t)T(b, s2)->value));
        else
            x86_lea(&b->a, w, rd,
                    x86_mem_index(r1, temp_load(b, s2, 0, REG_BIT(r1) | REG_BIT(rd)), 0));
        free_dead_inputs(b);
        temp_set_reg(b, d, rd);
        return;
    }
    /* Inputs first: then the output register cannot be picked over an input. */
    int r1 = temp_load(b, s1, 0, 0);
    int r2 = const_fits32(b, s2) ? -1 : temp_load(b, s2, 0, REG_BIT(r1));
    int rd = out_reg_for(b, d, s1, 0, (s2 == s1 || r2 < 0) ? 0 : REG_BIT(r2));
    if (rd != r1)
        x86_mov_rr(&b->a, w, rd, r1);
    if (r2 < 0)
        x86_alu_ri(&b->a, alu, w, rd, (int32_t)T(b, s2)->value);
    else
        x86_alu_rr(&b->a, alu, w, rd, s2 == s1 ? rd : r2);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_andc(struct backend *b)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s1 = (int)op->args[1], s2 = (int)op->args[2];
    bool w = op->type == TCG_I64;
    int rt = reg_alloc(b, ALLOCATABLE & ~op_input_regs(b));

    x86_mov_rr(&b->a, w, rt, temp_load(b, s2, 0, REG_BIT(rt)));
    x86_unary(&b->a, UNARY_NOT, w, rt);
    x86_alu_rr(&b->a, ALU_AND, w, rt, temp_load(b, s1, 0, REG_BIT(rt)));
    free_dead_inputs(b);
    temp_set_reg(b, d, rt);
}

static void gen_sub(struct backend *b)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s2 = (int)op->args[2];
    bool w = op->type == TCG_I64;

    if (tcg_temp_is_const(b->s, op->args[1]) && T(b, (int)op->args[1])->value == 0) {
        int r2 = temp_load(b, s2, 0, 0);
        int rd = out_reg_for(b, d, s2, 1, 0);
        if (rd != r2)
            x86_mov_rr(&b->a, w, rd, r2);
        x86_unary(&b->a, UNARY_NEG, w, rd);
        free_dead_inputs(b);
        temp_set_reg(b, d, rd);
        return;
    }
    gen_alu(b, ALU_SUB, false);
}

static void gen_shift(struct backend *b, enum x86_shift sh)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s1 = (int)op->args[1], s2 = (int)op->args[2];
    bool w = op->type == TCG_I64;

    if (tcg_temp_is_const(b->s, s2)) {
        int r1 = temp_load(b, s1, 0, 0);
        int rd = out_reg_for(b, d, s1, 0, 0);
        if (rd != r1)
            x86_mov_rr(&b->a, w, rd, r1);
        x86_shift_ri(&b->a, sh, w, rd, (unsigned)T(b, s2)->value & (w ? 63 : 31));
        free_dead_inputs(b);
        temp_set_reg(b, d, rd);
        return;
    }
    /* The count must be in cl. */
    if (b->reg_to_temp[RCX] >= 0 && b->reg_to_temp[RCX] != s2)
        reg_evict(b, RCX);
    temp_load(b, s2, REG_BIT(RCX), 0);
    int r1 = temp_load(b, s1, 0, REG_BIT(RCX));
    int rd = out_reg_for(b, d, s1, 0, REG_BIT(RCX));
    if (rd != r1)
        x86_mov_rr(&b->a, w, rd, r1);
    x86_shift_rcl(&b->a, sh, w, rd);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_mul(struct backend *b)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s1 = (int)op->args[1], s2 = (int)op->args[2];
    bool w = op->type == TCG_I64;

    if (tcg_temp_is_const(b->s, s1)) {
        int t = s1;
        s1 = s2;
        s2 = t;
    }
    if (const_fits32(b, s2)) {
        int r1 = temp_load(b, s1, 0, 0);
        int rd = out_reg_for(b, d, s1, s1 == (int)op->args[1] ? 0 : 1, 0);
        x86_imul_rri(&b->a, w, rd, r1, (int32_t)T(b, s2)->value);
        free_dead_inputs(b);
        temp_set_reg(b, d, rd);
        return;
    }
    int r1 = temp_load(b, s1, 0, 0);
    int r2 = temp_load(b, s2, 0, REG_BIT(r1));
    int rd = out_reg_for(b, d, s1, 0, s1 == s2 ? 0 : REG_BIT(r2));
    if (rd != r1)
        x86_mov_rr(&b->a, w, rd, r1);
    x86_imul_rr(&b->a, w, rd, s1 == s2 ? rd : r2);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

/* mulsh/muluh/div/divu/rem/remu: rdx:rax based, result in rax or rdx. */
static void gen_rax_rdx_op(struct backend *b, enum x86_unary u, bool is_div, int result_reg)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s1 = (int)op->args[1], s2 = (int)op->args[2];
    bool w = op->type == TCG_I64;

    reg_evict(b, RAX);
    reg_evict(b, RDX);
    int r2 = temp_load(b, s2, ALLOCATABLE & ~(REG_BIT(RAX) | REG_BIT(RDX)), 0);
    /* The first source goes straight to rax: no third register, nothing to clobber r2. */
    temp_copy_to(b, s1, RAX);
    if (is_div) {
        if (u == UNARY_IDIV)
            x86_cqo(&b->a, w);
        else
            x86_mov_ri(&b->a, RDX, 0);
    }
    x86_unary(&b->a, u, w, r2);
    free_dead_inputs(b);
    temp_set_reg(b, d, result_reg);
}

static void gen_unary(struct backend *b, enum x86_unary u)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s = (int)op->args[1];
    bool w = op->type == TCG_I64;
    int rs = temp_load(b, s, 0, 0);
    int rd = out_reg_for(b, d, s, 0, 0);

    if (rd != rs)
        x86_mov_rr(&b->a, w, rd, rs);
    x86_unary(&b->a, u, w, rd);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_bitcount(struct backend *b, uint8_t opcode)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s = (int)op->args[1];
    bool w = op->type == TCG_I64;
    int rs = temp_load(b, s, 0, 0);
    int rd = out_reg_for(b, d, s, 0, 0);

    x86_bitcount(&b->a, opcode, w, rd, rs);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_ext(struct backend *b, unsigned from, bool sign)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], s = (int)op->args[1];
    int rs = temp_load(b, s, 0, 0);
    int rd = out_reg_for(b, d, s, 0, 0);

    if (sign)
        x86_movsx(&b->a, rd, rs, from);
    else
        x86_movzx(&b->a, rd, rs, from);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_setcond(struct backend *b)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0];
    bool w = op->type == TCG_I64;
    /* The output is zeroed before the compare, so it must not hold an input. */
    int rd = reg_alloc(b, ALLOCATABLE & ~op_input_regs(b));

    x86_mov_ri(&b->a, rd, 0);
    enum x86_cond cc = emit_compare(b, (enum tcg_cond)op->args[3], (int)op->args[1],
                                    (int)op->args[2], w, REG_BIT(rd));
    x86_setcc(&b->a, cc, rd);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_movcond(struct backend *b)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], v1 = (int)op->args[3], v2 = (int)op->args[4];
    bool w = op->type == TCG_I64;
    int rd = reg_alloc(b, ALLOCATABLE & ~op_input_regs(b));

    int r2 = temp_load(b, v2, 0, REG_BIT(rd));
    x86_mov_rr(&b->a, true, rd, r2);
    int r1 = temp_load(b, v1, 0, REG_BIT(rd));
    enum x86_cond cc = emit_compare(b, (enum tcg_cond)op->args[5], (int)op->args[1],
                                    (int)op->args[2], w, REG_BIT(rd) | REG_BIT(r1));
    x86_cmov(&b->a, cc, true, rd, r1);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_brcond(struct backend *b)
{
    const struct tcg_op *op = b->op;
    bool w = op->type == TCG_I64;

    bb_end(b);
    enum x86_cond cc = emit_compare(b, (enum tcg_cond)op->args[2], (int)op->args[0],
                                    (int)op->args[1], w, 0);
    label_ref(b, (int)op->args[3], x86_jcc32(&b->a, cc, NULL));
    free_dead_inputs(b);
    bb_forget(b);
}

/* ---- host loads and stores (CPU structure fields) ---- */

static struct x86_mem host_mem(struct backend *b, int base, int32_t offset, int *base_reg)
{
    struct tcg_temp *bp = T(b, base);

    if (bp->kind == TEMP_FIXED && bp->fixed_reg == ENV) {
        *base_reg = ENV;
        return x86_mem_base(ENV, offset - TCG_ENV_BIAS);
    }
    *base_reg = temp_load(b, base, 0, 0);
    return x86_mem_base(*base_reg, offset);
}

static void gen_host_ld(struct backend *b, unsigned size, bool sign)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0], base_reg;
    struct x86_mem m = host_mem(b, (int)op->args[1], (int32_t)op->args[2], &base_reg);
    int rd = reg_alloc(b, ALLOCATABLE & ~REG_BIT(base_reg) & ~op_input_regs(b));

    x86_load(&b->a, rd, m, size, sign && size < 8);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_host_st(struct backend *b, unsigned size)
{
    const struct tcg_op *op = b->op;
    int v = (int)op->args[0], base_reg;
    struct x86_mem m = host_mem(b, (int)op->args[1], (int32_t)op->args[2], &base_reg);

    if (const_fits32(b, v))
        x86_store_imm(&b->a, m, (int32_t)T(b, v)->value, size);
    else
        x86_store(&b->a, m, temp_load(b, v, 0, REG_BIT(base_reg)), size);
    free_dead_inputs(b);
}

/* ---- guest memory: the inline TLB fast path ---- */

static void record_slow_path_state(struct backend *b, struct slow_path *sp, int exclude)
{
    sp->nb_syncs = 0;
    sp->save_mask = 0;
    for (unsigned t = 0; t < b->s->nb_globals; t++) {
        struct tcg_temp *tp = T(b, (int)t);
        if (tp->kind != TEMP_GLOBAL || tp->mem_coherent)
            continue;
        int reg = is_pinned(tp) ? tp->fixed_reg : tp->val_type == VAL_REG ? tp->reg : -1;
        if (reg < 0 || sp->nb_syncs == 32)
            continue;
        sp->syncs[sp->nb_syncs].reg = reg;
        sp->syncs[sp->nb_syncs++].offset = tp->mem_offset - TCG_ENV_BIAS;
    }
    if (sp->nb_syncs == 32)
        b->failed = true; /* too many dirty globals to describe */
    for (int r = 0; r < 16; r++)
        if ((CALLER_SAVED & REG_BIT(r)) && (b->reg_to_temp[r] >= 0 ||
                                            (b->tb_pinned_regs & REG_BIT(r))) && r != exclude)
            sp->save_mask |= REG_BIT(r);
}

/*
 * Emits the TLB lookup for addr_reg; leaves the host address's addend in TMP0 and returns
 * the slow path record. The access itself follows.
 */
static struct slow_path *emit_tlb_lookup(struct backend *b, int addr_reg, int64_t memop_mmu,
                                         bool is_store)
{
    const struct tcg_layout *l = b->layout;
    unsigned memop = TCG_MEMOP_OP(memop_mmu), mmu = TCG_MEMOP_MMU(memop_mmu);
    unsigned size = 1u << (memop & MO_SIZE);
    int32_t entry_base = l->tlb + (int32_t)(mmu * (sizeof(struct tlb_entry) << l->tlb_bits)) -
                         TCG_ENV_BIAS;
    int32_t cmp_off = is_store ? offsetof(struct tlb_entry, addr_write)
                               : offsetof(struct tlb_entry, addr_read);
    uint64_t page_mask = ~(((uint64_t)1 << l->page_bits) - 1);

    if (b->nb_slow == MAX_SLOW_PATHS) {
        b->failed = true;
        b->nb_slow = 0;
    }
    struct slow_path *sp = &b->slow[b->nb_slow++];
    memset(sp, 0, sizeof(*sp)); /* the slot may hold an earlier block's exit check */
    x86_mov_rr(&b->a, true, TMP0, addr_reg);
    x86_shift_ri(&b->a, SHIFT_SHR, true, TMP0, l->page_bits - TLB_ENTRY_BITS);
    x86_alu_ri(&b->a, ALU_AND, false, TMP0,
               (int32_t)(((1u << l->tlb_bits) - 1) << TLB_ENTRY_BITS));
    /* The last byte's page must match too, unless an aligned access cannot cross one. */
    if ((memop & MO_ALIGN) || size == 1) {
        x86_mov_rr(&b->a, true, TMP1, addr_reg);
        x86_alu_ri(&b->a, ALU_AND, true, TMP1, (int32_t)(page_mask | (size - 1)));
    } else {
        x86_lea(&b->a, true, TMP1, x86_mem_base(addr_reg, (int32_t)size - 1));
        x86_alu_ri(&b->a, ALU_AND, true, TMP1, (int32_t)page_mask);
    }
    x86_alu_rm(&b->a, ALU_CMP, true, TMP1, (struct x86_mem){ENV, TMP0, 0, entry_base + cmp_off});
    sp->jne_field = x86_jcc32(&b->a, CC_NE, NULL);
    x86_load(&b->a, TMP0,
             (struct x86_mem){ENV, TMP0, 0, entry_base + (int32_t)offsetof(struct tlb_entry, addend)},
             8, false);
    sp->is_store = is_store;
    sp->addr_reg = addr_reg;
    sp->memop_mmu = memop_mmu;
    return sp;
}

static void gen_guest_ld(struct backend *b)
{
    const struct tcg_op *op = b->op;
    int d = (int)op->args[0];
    unsigned memop = TCG_MEMOP_OP(op->args[2]);
    unsigned size = 1u << (memop & MO_SIZE);
    int ra = temp_load(b, (int)op->args[1], 0, 0);
    int rd = (T(b, (int)op->args[1])->kind == TEMP_LOCAL && input_dies(b, 0) &&
              !is_pinned(T(b, d)))
                 ? ra
                 : is_pinned(T(b, d)) ? T(b, d)->fixed_reg
                                      : reg_alloc(b, ALLOCATABLE & ~REG_BIT(ra));
    /* Values live across the access must survive the slow path's call, except rd's own. */
    if (rd != ra && b->reg_to_temp[rd] >= 0)
        reg_evict(b, rd);
    struct slow_path *sp = emit_tlb_lookup(b, ra, op->args[2], false);
    record_slow_path_state(b, sp, rd);
    bool sign = (memop & MO_SIGN) && size < 8;
    x86_load(&b->a, rd, x86_mem_index(ra, TMP0, 0), size,
             sign || (size == 4 && op->type == TCG_I64 && (memop & MO_SIGN)));
    sp->val_reg = rd;
    sp->resume = x86_asm_offset(&b->a);
    free_dead_inputs(b);
    temp_set_reg(b, d, rd);
}

static void gen_guest_st(struct backend *b)
{
    const struct tcg_op *op = b->op;
    int v = (int)op->args[0];
    unsigned size = 1u << (TCG_MEMOP_OP(op->args[2]) & MO_SIZE);
    int ra = temp_load(b, (int)op->args[1], 0, 0);
    bool imm = const_fits32(b, v) && size <= 4;
    int rv = imm ? -1 : temp_load(b, v, 0, REG_BIT(ra));

    struct slow_path *sp = emit_tlb_lookup(b, ra, op->args[2], true);
    record_slow_path_state(b, sp, -1);
    if (imm)
        x86_store_imm(&b->a, x86_mem_index(ra, TMP0, 0), (int32_t)T(b, v)->value, size);
    else
        x86_store(&b->a, x86_mem_index(ra, TMP0, 0), rv, size);
    sp->val_reg = rv;
    sp->val_const = imm ? T(b, v)->value : 0;
    sp->resume = x86_asm_offset(&b->a);
    free_dead_inputs(b);
}

static void emit_call_abs(struct backend *b, const void *fn)
{
    if (!x86_call_abs(&b->a, fn)) {
        x86_mov_ri(&b->a, RAX, (uint64_t)(uintptr_t)fn);
        x86_call_r(&b->a, RAX);
    }
}

static void emit_slow_path(struct backend *b, struct slow_path *sp)
{
    struct x86_asm *a = &b->a;

    x86_patch_rel32(sp->jne_field, a->ptr);
    /* An exception taken in the helper must find every guest register in memory. */
    for (unsigned i = 0; i < sp->nb_syncs; i++)
        x86_store(a, x86_mem_base(ENV, sp->syncs[i].offset), sp->syncs[i].reg, 8);
    if (sp->is_exit) {
        emit_exit(b, b->tb | TCG_EXIT_REQUESTED);
        return;
    }
    for (int r = 0; r < 16; r++)
        if (sp->save_mask & REG_BIT(r))
            x86_store(a, x86_mem_base(RSP, FRAME_SAVE_AREA + 8 * r), r, 8);
    /* Arguments: env, addr, [value], memop_mmu, retaddr; the address goes first since the
     * value or address may sit in an argument register about to be overwritten. */
    x86_mov_rr(a, true, TMP1, sp->addr_reg);
    if (sp->is_store) {
        if (sp->val_reg >= 0)
            x86_mov_rr(a, true, RDX, sp->val_reg);
        else
            x86_mov_ri(a, RDX, (uint64_t)sp->val_const);
    }
    x86_mov_rr(a, true, RSI, TMP1);
    x86_lea(a, true, RDI, x86_mem_base(ENV, -TCG_ENV_BIAS));
    x86_mov_ri(a, sp->is_store ? RCX : RDX, (uint64_t)sp->memop_mmu);
    x86_mov_ri(a, sp->is_store ? R8 : RCX, (uint64_t)(uintptr_t)(a->buf + sp->resume));
    emit_call_abs(b, sp->is_store ? b->layout->store_slow : b->layout->load_slow);
    if (!sp->is_store && sp->val_reg != RAX)
        x86_mov_rr(a, true, sp->val_reg, RAX);
    for (int r = 0; r < 16; r++)
        if (sp->save_mask & REG_BIT(r))
            x86_load(a, r, x86_mem_base(RSP, FRAME_SAVE_AREA + 8 * r), 8, false);
    x86_jmp32(a, a->buf + sp->resume);
}

/* ---- helper calls ---- */

static void gen_call(struct backend *b)
{
    const struct tcg_op *op = b->op;
    const struct tcg_helper *h = (const void *)(uintptr_t)op->args[op->nb_o + op->nb_i];
    /* A helper that may change globals must find them current too, or the reload after the
     * call would bring back stale values. */
    bool sync = !(h->flags & HELPER_NO_READ_GLOBALS) || (h->flags & HELPER_MAY_RAISE) ||
                !(h->flags & HELPER_NO_WRITE_GLOBALS);

    if (sync)
        sync_globals(b, true);
    else
        sync_tb_pinned(b); /* they live in caller-saved registers */
    /* Nothing stays in a caller-saved register; then arguments load without conflicts. */
    for (int r = 0; r < 16; r++)
        if ((CALLER_SAVED & REG_BIT(r)) && b->reg_to_temp[r] >= 0)
            temp_spill(b, b->reg_to_temp[r]);
    for (unsigned i = 0; i < op->nb_i; i++) {
        int t = (int)op->args[op->nb_o + i];
        struct tcg_temp *tp = T(b, t);
        int r = call_arg_regs[i];
        if (tp->kind == TEMP_FIXED && tp->fixed_reg == ENV)
            x86_lea(&b->a, true, r, x86_mem_base(ENV, -TCG_ENV_BIAS));
        else if (tp->kind == TEMP_CONST)
            x86_mov_ri(&b->a, r, (uint64_t)tp->value);
        else if (is_tb_pinned(b, tp))
            /* Its register is an argument register an earlier argument may have taken;
             * memory is current, written back above. */
            x86_load(&b->a, r, temp_mem(b, tp), 8, false);
        else if (is_pinned(tp) || tp->val_type == VAL_REG)
            x86_mov_rr(&b->a, true, r, is_pinned(tp) ? tp->fixed_reg : tp->reg);
        else if (tp->val_type == VAL_MEM)
            x86_load(&b->a, r, temp_mem(b, tp), 8, false);
        else
            x86_mov_ri(&b->a, r, 0);
    }
    free_dead_inputs(b);
    emit_call_abs(b, h->fn);
    bool writes = !(h->flags & HELPER_NO_WRITE_GLOBALS);
    /* Reload what the call may have changed or clobbered: block-pinned ones always. */
    for (unsigned t = 0; t < b->s->nb_globals; t++) {
        struct tcg_temp *tp = T(b, (int)t);
        if (is_pinned(tp) && (writes || is_tb_pinned(b, tp)))
            x86_load(&b->a, tp->fixed_reg, temp_mem(b, tp), 8, false);
        else if (writes && tp->kind == TEMP_GLOBAL && tp->val_type == VAL_REG)
            temp_spill(b, (int)t);
    }
    if (op->nb_o)
        temp_set_reg(b, (int)op->args[0], RAX);
}

/* ---- block exits ---- */

static void emit_exit(struct backend *b, uintptr_t value)
{
    x86_mov_ri(&b->a, RAX, value);
    x86_jmp32(&b->a, tcg_epilogue_code);
}

static void gen_goto_tb(struct backend *b, uintptr_t tb)
{
    unsigned slot = (unsigned)b->op->args[0];

    sync_for_exit(b);
    /* The rel32 must be 4-byte aligned so that patching it is one atomic store. */
    size_t field = x86_asm_offset(&b->a) + 1;
    if (field & 3)
        x86_nop(&b->a, 4 - (unsigned)(field & 3));
    uint8_t *disp = x86_jmp32(&b->a, NULL);
    b->res->jmp_field[slot] = (int32_t)(disp - b->a.buf);
    b->res->jmp_reset[slot] = (int32_t)x86_asm_offset(&b->a);
    emit_exit(b, tb | slot);
}

static void gen_lookup_and_goto(struct backend *b)
{
    const struct tcg_layout *l = b->layout;
    int pc = (int)b->op->args[0];
    int64_t flags = b->op->args[1];

    sync_for_exit(b);
    /* Past here the block is leaving: every non-pinned register is free to use. */
    int rpc = temp_load(b, pc, 0, 0);
    /* tb_jmp_cache_hash: x = pc ^ (pc >> O); page part (x >> 12) << O; offset (x >> 1). */
    unsigned off_bits = TB_JMP_OFFSET_BITS(l->jmp_cache_bits);
    unsigned page_bits = l->jmp_cache_bits / 2;
    x86_mov_rr(&b->a, true, TMP0, rpc);
    x86_shift_ri(&b->a, SHIFT_SHR, true, TMP0, off_bits);
    x86_alu_rr(&b->a, ALU_XOR, true, TMP0, rpc);
    x86_mov_rr(&b->a, true, TMP1, TMP0);
    x86_shift_ri(&b->a, SHIFT_SHR, true, TMP0, TB_JMP_PAGE_SHIFT - off_bits);
    x86_alu_ri(&b->a, ALU_AND, false, TMP0, (int32_t)(((1u << page_bits) - 1) << off_bits));
    x86_shift_ri(&b->a, SHIFT_SHR, true, TMP1, 1);
    x86_alu_ri(&b->a, ALU_AND, false, TMP1, (int32_t)((1u << off_bits) - 1));
    x86_alu_rr(&b->a, ALU_OR, false, TMP0, TMP1);
    x86_load(&b->a, TMP0, (struct x86_mem){ENV, TMP0, 3, l->jmp_cache - TCG_ENV_BIAS}, 8, false);
    x86_test_rr(&b->a, true, TMP0, TMP0);
    uint8_t *miss1 = x86_jcc32(&b->a, CC_E, NULL);
    x86_alu_rm(&b->a, ALU_CMP, true, rpc, x86_mem_base(TMP0, l->tb_pc));
    uint8_t *miss2 = x86_jcc32(&b->a, CC_NE, NULL);
    x86_mov_ri(&b->a, TMP1, (uint64_t)flags);
    x86_alu_rm(&b->a, ALU_CMP, true, TMP1, x86_mem_base(TMP0, l->tb_flags));
    uint8_t *miss3 = x86_jcc32(&b->a, CC_NE, NULL);
    x86_jmp_m(&b->a, x86_mem_base(TMP0, l->tb_code));
    x86_patch_rel32(miss1, b->a.ptr);
    x86_patch_rel32(miss2, b->a.ptr);
    x86_patch_rel32(miss3, b->a.ptr);
    emit_exit(b, TCG_EXIT_NOCHAIN);
    free_dead_inputs(b);
}

/* A loop's back edge: leave, with every global in memory, if the vCPU must stop. */
static void gen_exit_check(struct backend *b)
{
    if (b->nb_slow == MAX_SLOW_PATHS) {
        b->failed = true;
        return;
    }
    struct slow_path *sp = &b->slow[b->nb_slow++];
    memset(sp, 0, sizeof(*sp));
    sp->is_exit = true;
    x86_alu_mi(&b->a, ALU_CMP, false,
               x86_mem_base(ENV, b->layout->exit_request - TCG_ENV_BIAS), 0, 4);
    sp->jne_field = x86_jcc32(&b->a, CC_NE, NULL);
    /* Every dirty global, pinned or cached, is written back on that path. */
    record_slow_path_state(b, sp, -1);
}

/* ---- the op dispatcher ---- */

static void record_insn(struct backend *b, uint64_t pc)
{
    struct tcg_gen_result *res = b->res;

    if (res->nb_insns > 0)
        res->insn_end[res->nb_insns - 1] = (uint32_t)x86_asm_offset(&b->a);
    if (res->nb_insns == b->insn_cap) {
        unsigned cap = b->insn_cap ? b->insn_cap * 2 : 64;
        uint32_t *e = realloc(res->insn_end, cap * sizeof(*e));
        uint64_t *p = realloc(res->insn_pc, cap * sizeof(*p));
        if (e)
            res->insn_end = e;
        if (p)
            res->insn_pc = p;
        if (!e || !p) {
            b->failed = true;
            return;
        }
        b->insn_cap = cap;
    }
    res->insn_pc[res->nb_insns] = pc;
    res->insn_end[res->nb_insns++] = 0;
}

static void gen_op(struct backend *b, uintptr_t tb)
{
    const struct tcg_op *op = b->op;
    bool w = op->type == TCG_I64;

    switch (op->opc) {
    case OP_INSN_START: record_insn(b, (uint64_t)op->args[0]); break;
    case OP_MOV: gen_mov(b, (int)op->args[0], (int)op->args[1]); break;
    case OP_ADD: gen_alu(b, ALU_ADD, true); break;
    case OP_SUB: gen_sub(b); break;
    case OP_AND: gen_alu(b, ALU_AND, true); break;
    case OP_OR: gen_alu(b, ALU_OR, true); break;
    case OP_XOR: gen_alu(b, ALU_XOR, true); break;
    case OP_ANDC: gen_andc(b); break;
    case OP_SHL: gen_shift(b, SHIFT_SHL); break;
    case OP_SHR: gen_shift(b, SHIFT_SHR); break;
    case OP_SAR: gen_shift(b, SHIFT_SAR); break;
    case OP_ROTL: gen_shift(b, SHIFT_ROL); break;
    case OP_ROTR: gen_shift(b, SHIFT_ROR); break;
    case OP_MUL: gen_mul(b); break;
    case OP_MULSH: gen_rax_rdx_op(b, UNARY_IMUL, false, RDX); break;
    case OP_MULUH: gen_rax_rdx_op(b, UNARY_MUL, false, RDX); break;
    case OP_DIV: gen_rax_rdx_op(b, UNARY_IDIV, true, RAX); break;
    case OP_DIVU: gen_rax_rdx_op(b, UNARY_DIV, true, RAX); break;
    case OP_REM: gen_rax_rdx_op(b, UNARY_IDIV, true, RDX); break;
    case OP_REMU: gen_rax_rdx_op(b, UNARY_DIV, true, RDX); break;
    case OP_NEG: gen_unary(b, UNARY_NEG); break;
    case OP_NOT: gen_unary(b, UNARY_NOT); break;
    case OP_CLZ: gen_bitcount(b, 0xbd); break;
    case OP_CTZ: gen_bitcount(b, 0xbc); break;
    case OP_CPOP: gen_bitcount(b, 0xb8); break;
    case OP_EXT8S: gen_ext(b, 1, true); break;
    case OP_EXT8U: gen_ext(b, 1, false); break;
    case OP_EXT16S: gen_ext(b, 2, true); break;
    case OP_EXT16U: gen_ext(b, 2, false); break;
    case OP_EXT32S: gen_ext(b, 4, true); break;
    case OP_EXT32U: gen_ext(b, 4, false); break;
    case OP_EXTRL: gen_ext(b, 4, false); break;
    case OP_SETCOND: gen_setcond(b); break;
    case OP_MOVCOND: gen_movcond(b); break;
    case OP_BRCOND: gen_brcond(b); break;
    case OP_BR:
        bb_end(b);
        label_ref(b, (int)op->args[0], x86_jmp32(&b->a, NULL));
        bb_forget(b);
        break;
    case OP_SET_LABEL:
        bb_end(b);
        bb_forget(b);
        b->label_offset[op->args[0]] = (int32_t)x86_asm_offset(&b->a);
        break;
    case OP_LD8U: gen_host_ld(b, 1, false); break;
    case OP_LD8S: gen_host_ld(b, 1, true); break;
    case OP_LD16U: gen_host_ld(b, 2, false); break;
    case OP_LD16S: gen_host_ld(b, 2, true); break;
    case OP_LD32U: gen_host_ld(b, 4, false); break;
    case OP_LD32S: gen_host_ld(b, 4, true); break;
    case OP_LD: gen_host_ld(b, w ? 8 : 4, false); break;
    case OP_ST8: gen_host_st(b, 1); break;
    case OP_ST16: gen_host_st(b, 2); break;
    case OP_ST32: gen_host_st(b, 4); break;
    case OP_ST: gen_host_st(b, w ? 8 : 4); break;
    case OP_GUEST_LD: gen_guest_ld(b); break;
    case OP_GUEST_ST: gen_guest_st(b); break;
    case OP_CALL: gen_call(b); break;
    case OP_GOTO_TB: gen_goto_tb(b, tb); break;
    case OP_EXIT_TB:
        sync_for_exit(b);
        emit_exit(b, (uintptr_t)op->args[0]);
        break;
    case OP_EXIT_CHECK: gen_exit_check(b); break;
    case OP_LOOKUP_AND_GOTO: gen_lookup_and_goto(b); break;
    default:
        b->failed = true; /* an op this backend does not implement */
        break;
    }
}

/* True when some branch goes back to a label placed before it: the block loops. */
static bool block_loops(const struct tcg_ctx *s)
{
    static __thread int label_pos[TCG_MAX_LABELS];

    for (unsigned i = 0; i < s->nb_labels; i++)
        label_pos[i] = -1;
    for (unsigned i = 0; i < s->nb_ops; i++) {
        const struct tcg_op *op = &s->ops[i];
        if (op->opc == OP_SET_LABEL)
            label_pos[op->args[0]] = (int)i;
        else if ((op->opc == OP_BR && label_pos[op->args[0]] >= 0) ||
                 (op->opc == OP_BRCOND && label_pos[op->args[3]] >= 0))
            return true;
    }
    return false;
}

/*
 * Picks the block-local pinned globals: in a block that loops on itself, the most used
 * unpinned globals get registers no op needs for itself (not rax, rcx or rdx).
 */
static void choose_tb_pinned(struct backend *b, struct tcg_ctx *s)
{
    static const int regs[4] = {RSI, RDI, R8, R9};
    static __thread unsigned uses[TCG_MAX_TEMPS];

    if (!block_loops(s))
        return;
    memset(uses, 0, sizeof(uses[0]) * s->nb_globals);
    for (unsigned i = 0; i < s->nb_ops; i++) {
        const struct tcg_op *op = &s->ops[i];
        for (unsigned a = 0; a < (unsigned)op->nb_o + op->nb_i; a++) {
            int t = (int)op->args[a];
            if (t < (int)s->nb_globals && s->temps[t].kind == TEMP_GLOBAL &&
                s->temps[t].fixed_reg < 0)
                uses[t]++;
        }
    }
    while (b->nb_tb_pinned < 4) {
        int best = -1;
        for (unsigned t = 0; t < s->nb_globals; t++)
            if (uses[t] >= 2 && (best < 0 || uses[t] > uses[best]))
                best = (int)t;
        if (best < 0)
            break;
        uses[best] = 0;
        s->temps[best].fixed_reg = (int8_t)regs[b->nb_tb_pinned];
        b->tb_pinned_regs |= REG_BIT(regs[b->nb_tb_pinned]);
        b->tb_pinned[b->nb_tb_pinned++] = best;
    }
}

/* Loads block-pinned globals at block entry. */
static void load_tb_pinned(struct backend *b)
{
    for (unsigned i = 0; i < b->nb_tb_pinned; i++) {
        struct tcg_temp *tp = T(b, b->tb_pinned[i]);
        x86_load(&b->a, tp->fixed_reg, temp_mem(b, tp), 8, false);
        tp->mem_coherent = true;
    }
}

static void unpin_tb_pinned(struct backend *b)
{
    b->tb_pinned_used = b->nb_tb_pinned > 0;
    for (unsigned i = 0; i < b->nb_tb_pinned; i++)
        T(b, b->tb_pinned[i])->fixed_reg = -1;
    b->nb_tb_pinned = 0;
    b->tb_pinned_regs = 0;
}

static void backend_reset(struct backend *b, struct tcg_ctx *s, const struct tcg_layout *l,
                          struct tcg_gen_result *res)
{
    b->s = s;
    b->layout = l;
    b->nb_refs = b->nb_slow = 0;
    b->next_slot = 0;
    b->failed = false;
    b->res = res;
    b->insn_cap = 0;
    b->fixed_regs = 0;
    for (int r = 0; r < 16; r++)
        b->reg_to_temp[r] = -1;
    for (unsigned i = 0; i < s->nb_labels; i++)
        b->label_offset[i] = -1;
    for (unsigned t = 0; t < s->nb_temps; t++) {
        struct tcg_temp *tp = &s->temps[t];
        tp->mem_allocated = false;
        tp->reg = -1;
        tp->mem_coherent = true;
        switch (tp->kind) {
        case TEMP_CONST: tp->val_type = VAL_CONST; break;
        case TEMP_FIXED: tp->val_type = VAL_REG; tp->reg = tp->fixed_reg; break;
        case TEMP_GLOBAL:
            tp->val_type = is_pinned(tp) ? VAL_REG : VAL_MEM;
            if (is_pinned(tp)) {
                tp->reg = tp->fixed_reg;
                b->fixed_regs |= REG_BIT(tp->fixed_reg);
                /* Chained blocks never write pinned registers back: memory may be stale. */
                tp->mem_coherent = false;
            }
            break;
        default: tp->val_type = VAL_DEAD; break;
        }
    }
    memset(res, 0, sizeof(*res));
    res->jmp_field[0] = res->jmp_field[1] = -1;
    res->jmp_reset[0] = res->jmp_reset[1] = -1;
}

/* One attempt at generating the block; block_pinning allows block-local pinned globals. */
static int backend_gen_once(struct backend *b, struct tcg_ctx *s, const struct tcg_layout *layout,
                            uint8_t *buf, size_t size, uintptr_t tb, struct tcg_gen_result *res,
                            char **listing, bool block_pinning)
{
    b->tb = tb;
    b->nb_tb_pinned = 0;
    b->tb_pinned_regs = 0;
    if (block_pinning)
        choose_tb_pinned(b, s);
    backend_reset(b, s, layout, res);
    x86_asm_init(&b->a, buf, size);
    if (listing)
        x86_asm_enable_listing(&b->a);
    /* Block entry: leave at once if another thread asked this vCPU to stop. */
    x86_alu_mi(&b->a, ALU_CMP, false, x86_mem_base(ENV, layout->exit_request - TCG_ENV_BIAS),
               0, 4);
    b->exit_stub_field = x86_jcc32(&b->a, CC_NE, NULL);
    load_tb_pinned(b);
    for (unsigned i = 0; i < s->nb_ops && !b->failed; i++) {
        b->op = &s->ops[i];
        gen_op(b, tb);
    }
    if (res->nb_insns)
        res->insn_end[res->nb_insns - 1] = (uint32_t)x86_asm_offset(&b->a);
    x86_patch_rel32(b->exit_stub_field, b->a.ptr);
    emit_exit(b, tb | TCG_EXIT_REQUESTED);
    for (unsigned i = 0; i < b->nb_slow; i++)
        emit_slow_path(b, &b->slow[i]);
    resolve_labels(b);
    unpin_tb_pinned(b);
    res->code_size = (uint32_t)x86_asm_offset(&b->a);
    if (listing)
        *listing = b->a.listing;
    else
        x86_asm_free_listing(&b->a);
    if (b->a.overflow)
        return -ENOSPC;
    return b->failed ? -EINVAL : 0;
}

int tcg_backend_gen(struct tcg_ctx *s, const struct tcg_layout *layout, uint8_t *buf,
                    size_t size, uintptr_t tb, struct tcg_gen_result *res, char **listing)
{
    static __thread struct backend b;

    int ret = backend_gen_once(&b, s, layout, buf, size, tb, res, listing, true);
    if (ret == -EINVAL && b.tb_pinned_used) {
        /* Block-local pins left too few registers for some op: do without them. */
        if (listing)
            free(*listing);
        free(res->insn_end);
        free(res->insn_pc);
        ret = backend_gen_once(&b, s, layout, buf, size, tb, res, listing, false);
    }
    return ret;
}

void tcg_backend_patch_jump(uint8_t *code, int32_t jmp_field, const void *target)
{
    x86_patch_rel32(code + jmp_field, target);
}

/* ---- prologue and epilogue ---- */

static const int saved_regs[] = {RBP, RBX, R12, R13, R14, R15};

size_t tcg_backend_gen_prologue(const struct tcg_layout *layout, const struct tcg_ctx *s,
                                uint8_t *buf, size_t size)
{
    struct x86_asm a;

    (void)layout;
    x86_asm_init(&a, buf, size);
    tcg_prologue_code = a.ptr;
    for (unsigned i = 0; i < sizeof(saved_regs) / sizeof(saved_regs[0]); i++)
        x86_push(&a, saved_regs[i]);
    x86_alu_ri(&a, ALU_SUB, true, RSP, FRAME_SIZE);
    x86_lea(&a, true, ENV, x86_mem_base(RDI, TCG_ENV_BIAS));
    for (unsigned t = 0; t < s->nb_globals; t++)
        if (is_pinned(&s->temps[t]))
            x86_load(&a, s->temps[t].fixed_reg,
                     x86_mem_base(ENV, s->temps[t].mem_offset - TCG_ENV_BIAS), 8, false);
    x86_jmp_r(&a, RSI);
    x86_nop(&a, (unsigned)((16 - (x86_asm_offset(&a) & 15)) & 15));
    tcg_epilogue_code = a.ptr;
    for (unsigned t = 0; t < s->nb_globals; t++)
        if (is_pinned(&s->temps[t]))
            x86_store(&a, x86_mem_base(ENV, s->temps[t].mem_offset - TCG_ENV_BIAS),
                      s->temps[t].fixed_reg, 8);
    x86_alu_ri(&a, ALU_ADD, true, RSP, FRAME_SIZE);
    for (int i = (int)(sizeof(saved_regs) / sizeof(saved_regs[0])) - 1; i >= 0; i--)
        x86_pop(&a, saved_regs[i]);
    x86_ret(&a);
    return a.overflow ? 0 : x86_asm_offset(&a);
}

uintptr_t tcg_backend_enter(void *env, const void *code)
{
    uintptr_t (*enter)(void *, const void *) = (uintptr_t(*)(void *, const void *))(
        void *)tcg_prologue_code;
    return enter(env, code);
}
