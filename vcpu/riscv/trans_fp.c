/*
 * Translation of the F and D extensions. Arithmetic runs in helpers, bit-exact with the
 * specification: add, sub, mul, div, sqrt and the fused multiply-adds on the host's SSE unit
 * (hostfp.c) where it gives RISC-V's answer, everything else over the softfloat library. Sign
 * injection, moves, loads and stores are inline. f32 values live NaN-boxed in 64-bit registers.
 */
#include "vcpu/riscv/hostfp.h"
#include "vcpu/riscv/softfloat.h"
#include "vcpu/riscv/translate.h"

#define S (d->s)

#define BOX32 0xffffffff00000000ull
#define RM_DYN 7

/* A helper's operation code: op | fmt << 6 | rm << 8 | instruction << 32 (for mtval). */
#define FP_CODE(op, dbl, rm, insn)                                                          \
    ((int64_t)((uint64_t)(op) | ((uint64_t)(dbl) << 6) | ((uint64_t)(rm) << 8) |           \
               ((uint64_t)(insn) << 32)))
#define CODE_OP(c) ((unsigned)((c) & 63))
#define CODE_DBL(c) ((unsigned)((c) >> 6) & 1)
#define CODE_RM(c) ((unsigned)((c) >> 8) & 7)

enum fp_op {
    FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MIN, FOP_MAX, FOP_SQRT,
    FOP_FMADD, FOP_FMSUB, FOP_FNMSUB, FOP_FNMADD,
    FOP_EQ, FOP_LT, FOP_LE, FOP_CLASS,
    FOP_TO_W, FOP_TO_WU, FOP_TO_L, FOP_TO_LU,
    FOP_FROM_W, FOP_FROM_WU, FOP_FROM_L, FOP_FROM_LU,
    FOP_TO_OTHER, /* fcvt.s.d from double, fcvt.d.s from single */
};

/* An f32 operand: anything not properly NaN-boxed reads as the canonical NaN. */
static uint32_t unbox32(uint64_t v)
{
    return (v & BOX32) == BOX32 ? (uint32_t)v : SF_F32_CANONICAL_NAN;
}

static enum sf_rounding fp_rm(struct riscv_cpu *env, uint64_t code, uintptr_t ra)
{
    unsigned rm = CODE_RM(code);

    if (rm == RM_DYN)
        rm = env->frm;
    if (rm > SF_RMM)
        riscv_raise(env, EXCP_ILLEGAL_INSN, code >> 32, ra);
    return (enum sf_rounding)rm;
}

static uint64_t fop2_single(unsigned op, uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *f)
{
    switch (op) {
    case FOP_ADD: return BOX32 | sf32_add(a, b, rm, f);
    case FOP_SUB: return BOX32 | sf32_sub(a, b, rm, f);
    case FOP_MUL: return BOX32 | sf32_mul(a, b, rm, f);
    case FOP_DIV: return BOX32 | sf32_div(a, b, rm, f);
    case FOP_MIN: return BOX32 | sf32_min(a, b, f);
    case FOP_MAX: return BOX32 | sf32_max(a, b, f);
    case FOP_EQ: return sf32_eq(a, b, f);
    case FOP_LT: return sf32_lt(a, b, f);
    default: return sf32_le(a, b, f);
    }
}

static uint64_t fop2_double(unsigned op, uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *f)
{
    switch (op) {
    case FOP_ADD: return sf64_add(a, b, rm, f);
    case FOP_SUB: return sf64_sub(a, b, rm, f);
    case FOP_MUL: return sf64_mul(a, b, rm, f);
    case FOP_DIV: return sf64_div(a, b, rm, f);
    case FOP_MIN: return sf64_min(a, b, f);
    case FOP_MAX: return sf64_max(a, b, f);
    case FOP_EQ: return sf64_eq(a, b, f);
    case FOP_LT: return sf64_lt(a, b, f);
    default: return sf64_le(a, b, f);
    }
}

static bool op_uses_rm(unsigned op)
{
    return op <= FOP_DIV || op == FOP_SQRT || (op >= FOP_FMADD && op <= FOP_FNMADD) ||
           (op >= FOP_TO_W && op <= FOP_TO_OTHER);
}

__attribute__((noinline)) static uint64_t helper_fop2(struct riscv_cpu *env, uint64_t a,
                                                      uint64_t b, uint64_t code)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    unsigned op = CODE_OP(code);
    enum sf_rounding rm = op_uses_rm(op) ? fp_rm(env, code, ra) : SF_RNE;
    uint32_t flags = 0;
    uint64_t r = CODE_DBL(code) ? fop2_double(op, a, b, rm, &flags)
                                : fop2_single(op, unbox32(a), unbox32(b), rm, &flags);

    env->fflags |= flags;
    return r;
}

static uint64_t fma_single(unsigned op, uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm,
                           uint32_t *f)
{
    switch (op) {
    case FOP_FMADD: return BOX32 | sf32_fmadd(a, b, c, rm, f);
    case FOP_FMSUB: return BOX32 | sf32_fmsub(a, b, c, rm, f);
    case FOP_FNMSUB: return BOX32 | sf32_fnmsub(a, b, c, rm, f);
    default: return BOX32 | sf32_fnmadd(a, b, c, rm, f);
    }
}

static uint64_t fma_double(unsigned op, uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm,
                           uint32_t *f)
{
    switch (op) {
    case FOP_FMADD: return sf64_fmadd(a, b, c, rm, f);
    case FOP_FMSUB: return sf64_fmsub(a, b, c, rm, f);
    case FOP_FNMSUB: return sf64_fnmsub(a, b, c, rm, f);
    default: return sf64_fnmadd(a, b, c, rm, f);
    }
}

static uint64_t sext32(uint32_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

static uint64_t fop1_single(unsigned op, uint64_t raw, enum sf_rounding rm, uint32_t *f)
{
    uint32_t a = unbox32(raw);

    switch (op) {
    case FOP_SQRT: return BOX32 | sf32_sqrt(a, rm, f);
    case FOP_CLASS: return sf32_classify(a);
    case FOP_TO_W: return (uint64_t)(int64_t)sf32_to_i32(a, rm, f);
    case FOP_TO_WU: return sext32(sf32_to_u32(a, rm, f));
    case FOP_TO_L: return (uint64_t)sf32_to_i64(a, rm, f);
    case FOP_TO_LU: return sf32_to_u64(a, rm, f);
    case FOP_FROM_W: return BOX32 | sf32_from_i32((int32_t)raw, rm, f);
    case FOP_FROM_WU: return BOX32 | sf32_from_u32((uint32_t)raw, rm, f);
    case FOP_FROM_L: return BOX32 | sf32_from_i64((int64_t)raw, rm, f);
    case FOP_FROM_LU: return BOX32 | sf32_from_u64(raw, rm, f);
    default: return BOX32 | sf32_from_f64(raw, rm, f); /* fcvt.s.d */
    }
}

static uint64_t fop1_double(unsigned op, uint64_t a, enum sf_rounding rm, uint32_t *f)
{
    switch (op) {
    case FOP_SQRT: return sf64_sqrt(a, rm, f);
    case FOP_CLASS: return sf64_classify(a);
    case FOP_TO_W: return (uint64_t)(int64_t)sf64_to_i32(a, rm, f);
    case FOP_TO_WU: return sext32(sf64_to_u32(a, rm, f));
    case FOP_TO_L: return (uint64_t)sf64_to_i64(a, rm, f);
    case FOP_TO_LU: return sf64_to_u64(a, rm, f);
    case FOP_FROM_W: return sf64_from_i32((int32_t)a, rm, f);
    case FOP_FROM_WU: return sf64_from_u32((uint32_t)a, rm, f);
    case FOP_FROM_L: return sf64_from_i64((int64_t)a, rm, f);
    case FOP_FROM_LU: return sf64_from_u64(a, rm, f);
    default: return sf64_from_f32(unbox32(a), rm, f); /* fcvt.d.s */
    }
}

__attribute__((noinline)) static uint64_t helper_fop1(struct riscv_cpu *env, uint64_t a,
                                                      uint64_t code)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    unsigned op = CODE_OP(code);
    enum sf_rounding rm = op_uses_rm(op) ? fp_rm(env, code, ra) : SF_RNE;
    uint32_t flags = 0;
    uint64_t r = CODE_DBL(code) ? fop1_double(op, a, rm, &flags) : fop1_single(op, a, rm, &flags);

    env->fflags |= flags;
    return r;
}

/* ---- add, sub, mul, div, sqrt and the fused multiply-adds: one helper each ---- */

/* fop2_single/double and friends for the arithmetic operations, by hostfp_op. */
static uint64_t soft_arith(enum hostfp_op op, bool dbl, uint64_t a, uint64_t b, uint64_t c,
                           enum sf_rounding rm, uint32_t *f)
{
    static const enum fp_op fop[] = {
        [HOSTFP_ADD] = FOP_ADD, [HOSTFP_SUB] = FOP_SUB, [HOSTFP_MUL] = FOP_MUL,
        [HOSTFP_DIV] = FOP_DIV, [HOSTFP_SQRT] = FOP_SQRT, [HOSTFP_FMADD] = FOP_FMADD,
        [HOSTFP_FMSUB] = FOP_FMSUB, [HOSTFP_FNMSUB] = FOP_FNMSUB, [HOSTFP_FNMADD] = FOP_FNMADD,
    };

    if (op == HOSTFP_SQRT)
        return dbl ? fop1_double(FOP_SQRT, a, rm, f) : fop1_single(FOP_SQRT, a, rm, f);
    if (op >= HOSTFP_FMADD)
        return dbl ? fma_double(fop[op], a, b, c, rm, f)
                   : fma_single(fop[op], unbox32(a), unbox32(b), unbox32(c), rm, f);
    return dbl ? fop2_double(fop[op], a, b, rm, f)
               : fop2_single(fop[op], unbox32(a), unbox32(b), rm, f);
}

/* Any operands, any mode: the host through MXCSR where it can, softfloat otherwise. */
__attribute__((noinline)) static uint64_t arith_general(struct riscv_cpu *env, enum hostfp_op op,
                                                        bool dbl, uint64_t a, uint64_t b,
                                                        uint64_t c, uint64_t code, uintptr_t ra)
{
    enum sf_rounding rm = fp_rm(env, code, ra);
    uint32_t flags = 0, r32;
    uint64_t r;

    if (dbl ? hostfp_f64(op, a, b, c, rm, &r, &flags)
            : hostfp_f32(op, unbox32(a), unbox32(b), unbox32(c), rm, &r32, &flags)) {
        if (!dbl)
            r = BOX32 | r32;
    } else {
        r = soft_arith(op, dbl, a, b, c, rm, &flags);
    }
    env->fflags |= flags;
    return r;
}

/* The fast lane applies: round to nearest even (static or dynamic), NX already raised. */
static bool fast_lane_mode(const struct riscv_cpu *env, uint64_t code)
{
    unsigned rm = CODE_RM(code);

    return (rm == SF_RNE || (rm == RM_DYN && env->frm == SF_RNE)) && (env->fflags & SF_NX);
}

static uint64_t arith_f32(struct riscv_cpu *env, enum hostfp_op op, uint64_t a, uint64_t b,
                          uint64_t c, uint64_t code, uintptr_t ra)
{
    uint32_t r;

    if (fast_lane_mode(env, code) && hostfp_fast_f32(op, unbox32(a), unbox32(b), unbox32(c), &r))
        return BOX32 | r;
    return arith_general(env, op, false, a, b, c, code, ra);
}

static uint64_t arith_f64(struct riscv_cpu *env, enum hostfp_op op, uint64_t a, uint64_t b,
                          uint64_t c, uint64_t code, uintptr_t ra)
{
    uint64_t r;

    if (fast_lane_mode(env, code) && hostfp_fast_f64(op, a, b, c, &r))
        return r;
    return arith_general(env, op, true, a, b, c, code, ra);
}

/* The helpers generated code calls, one per operation and format (code: rm, instruction). */
#define ARITH_HELPERS(name, op)                                                              \
    __attribute__((noinline)) static uint64_t helper_##name##_s(                             \
        struct riscv_cpu *env, uint64_t a, uint64_t b, uint64_t c, uint64_t code)           \
    {                                                                                        \
        return arith_f32(env, op, a, b, c, code, (uintptr_t)__builtin_return_address(0));    \
    }                                                                                        \
    __attribute__((noinline)) static uint64_t helper_##name##_d(                             \
        struct riscv_cpu *env, uint64_t a, uint64_t b, uint64_t c, uint64_t code)           \
    {                                                                                        \
        return arith_f64(env, op, a, b, c, code, (uintptr_t)__builtin_return_address(0));    \
    }

ARITH_HELPERS(fadd, HOSTFP_ADD)
ARITH_HELPERS(fsub, HOSTFP_SUB)
ARITH_HELPERS(fmul, HOSTFP_MUL)
ARITH_HELPERS(fdiv, HOSTFP_DIV)
ARITH_HELPERS(fsqrt, HOSTFP_SQRT)
ARITH_HELPERS(fmadd, HOSTFP_FMADD)
ARITH_HELPERS(fmsub, HOSTFP_FMSUB)
ARITH_HELPERS(fnmsub, HOSTFP_FNMSUB)
ARITH_HELPERS(fnmadd, HOSTFP_FNMADD)
#undef ARITH_HELPERS

/*
 * Descriptors, [op][double][dynamic rm]. A static rounding mode was validated when
 * translating, so only the dynamic one can raise (frm holding a reserved value). None touches
 * TCG globals: frm and fflags are plain fields.
 */
#define ARITH_NO_RAISE (HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS)
#define ARITH_DYN (HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS)
#define ARITH_DESCS(name, op)                                                                \
    [op] = {{{#name ".s", (void *)helper_##name##_s, ARITH_NO_RAISE, 5, true},               \
             {#name ".s", (void *)helper_##name##_s, ARITH_DYN, 5, true}},                   \
            {{#name ".d", (void *)helper_##name##_d, ARITH_NO_RAISE, 5, true},               \
             {#name ".d", (void *)helper_##name##_d, ARITH_DYN, 5, true}}}

static const struct tcg_helper arith_helpers[HOSTFP_FNMADD + 1][2][2] = {
    ARITH_DESCS(fadd, HOSTFP_ADD),     ARITH_DESCS(fsub, HOSTFP_SUB),
    ARITH_DESCS(fmul, HOSTFP_MUL),     ARITH_DESCS(fdiv, HOSTFP_DIV),
    ARITH_DESCS(fsqrt, HOSTFP_SQRT),   ARITH_DESCS(fmadd, HOSTFP_FMADD),
    ARITH_DESCS(fmsub, HOSTFP_FMSUB),  ARITH_DESCS(fnmsub, HOSTFP_FNMSUB),
    ARITH_DESCS(fnmadd, HOSTFP_FNMADD),
};
#undef ARITH_DESCS

/* They read frm and write fflags, which are not TCG globals; a bad frm raises. */
#define FP_HELPER_FLAGS (HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS)
static const struct tcg_helper fop1_helper = {"fop1", (void *)helper_fop1, FP_HELPER_FLAGS, 3,
                                              true};
static const struct tcg_helper fop2_helper = {"fop2", (void *)helper_fop2, FP_HELPER_FLAGS, 4,
                                              true};

/* ---- translation ---- */

/* Every F/D instruction needs mstatus.FS on; those that change FP state make it dirty. */
static bool fp_enabled(struct dc *d)
{
    return d->fs != FS_OFF;
}

static void mark_fs_dirty(struct dc *d)
{
    if (d->fs == FS_DIRTY)
        return;
    int t = tmp64(d);
    tcg_gen_ld(S, OP_LD, TCG_I64, t, S->env, (int32_t)offsetof(struct riscv_cpu, mstatus));
    tcg_gen_op3i(S, OP_OR, TCG_I64, t, t, (int64_t)MSTATUS_FS);
    tcg_gen_st(S, OP_ST, TCG_I64, t, S->env, (int32_t)offsetof(struct riscv_cpu, mstatus));
    d->fs = FS_DIRTY;
}

static bool rm_valid(unsigned rm)
{
    return rm <= SF_RMM || rm == RM_DYN;
}

static bool trans_fload(struct dc *d)
{
    unsigned f3 = FUNCT3(d->insn);
    int addr = tmp64(d);

    if (!fp_enabled(d) || (f3 != 2 && f3 != 3) || (f3 == 3 && !(d->env->misa & MISA_EXT('D'))))
        return false;
    tcg_gen_op3i(S, OP_ADD, TCG_I64, addr, gpr_src(d, RS1(d->insn)), IMM_I(d->insn));
    int v = tmp64(d);
    tcg_gen_guest_ld(S, TCG_I64, v, addr, f3 == 3 ? MO_64 : MO_32, d->mmu_idx);
    if (f3 == 2)
        tcg_gen_op3i(S, OP_OR, TCG_I64, v, v, (int64_t)BOX32);
    tcg_gen_mov(S, TCG_I64, cpu_f[RD(d->insn)], v);
    mark_fs_dirty(d);
    return true;
}

static bool trans_fstore(struct dc *d)
{
    unsigned f3 = FUNCT3(d->insn);
    int addr = tmp64(d);

    if (!fp_enabled(d) || (f3 != 2 && f3 != 3) || (f3 == 3 && !(d->env->misa & MISA_EXT('D'))))
        return false;
    tcg_gen_op3i(S, OP_ADD, TCG_I64, addr, gpr_src(d, RS1(d->insn)), IMM_S(d->insn));
    tcg_gen_guest_st(S, TCG_I64, cpu_f[RS2(d->insn)], addr, f3 == 3 ? MO_64 : MO_32, d->mmu_idx);
    return true;
}

/* fmt field (bits 26:25): 0 single, 1 double; others reserved. */
static bool fmt_ok(struct dc *d, unsigned fmt)
{
    return fmt == 0 || (fmt == 1 && (d->env->misa & MISA_EXT('D')));
}

static void gen_fop_to_fpr(struct dc *d, const struct tcg_helper *h, unsigned rd, int a, int b,
                           int64_t code)
{
    int r = tmp64(d);
    int args[TCG_MAX_CALL_ARGS] = {S->env, a, b, -1};

    args[h == &fop1_helper ? 2 : 3] = tcg_const(S, TCG_I64, code);
    tcg_gen_call(S, h, r, args);
    tcg_gen_mov(S, TCG_I64, cpu_f[rd], r);
    mark_fs_dirty(d);
}

/* rd = op(a, b, c) in fmt with rounding mode rm (unused operands are -1). */
static void gen_arith(struct dc *d, enum hostfp_op op, unsigned fmt, unsigned rm, unsigned rd,
                      int a, int b, int c)
{
    const struct tcg_helper *h = &arith_helpers[op][fmt][rm == RM_DYN];
    int zero = tcg_const(S, TCG_I64, 0), r = tmp64(d);
    int args[TCG_MAX_CALL_ARGS] = {S->env, a, b >= 0 ? b : zero, c >= 0 ? c : zero,
                                   tcg_const(S, TCG_I64, FP_CODE(0, fmt, rm, d->raw))};

    tcg_gen_call(S, h, r, args);
    tcg_gen_mov(S, TCG_I64, cpu_f[rd], r);
    mark_fs_dirty(d);
}

static bool trans_fma(struct dc *d)
{
    static const enum hostfp_op ops[4] = {HOSTFP_FMADD, HOSTFP_FMSUB, HOSTFP_FNMSUB,
                                          HOSTFP_FNMADD};
    unsigned fmt = (d->insn >> 25) & 3, rm = FUNCT3(d->insn);

    if (!fp_enabled(d) || !fmt_ok(d, fmt) || !rm_valid(rm))
        return false;
    gen_arith(d, ops[(d->insn >> 2) & 3], fmt, rm, RD(d->insn), cpu_f[RS1(d->insn)],
              cpu_f[RS2(d->insn)], cpu_f[RS3(d->insn)]);
    return true;
}

/* fsgnj, fsgnjn, fsgnjx: exact bit operations on the sign. */
static bool gen_sign_inject(struct dc *d, unsigned fmt)
{
    unsigned f3 = FUNCT3(d->insn);
    int64_t sign = fmt ? INT64_MIN : (int64_t)0x80000000ull;
    int a = tmp64(d), b = tmp64(d), r = tmp64(d);

    if (f3 > 2)
        return false;
    tcg_gen_mov(S, TCG_I64, a, cpu_f[RS1(d->insn)]);
    tcg_gen_mov(S, TCG_I64, b, cpu_f[RS2(d->insn)]);
    if (!fmt) { /* unboxed operands become the canonical NaN first */
        for (int i = 0; i < 2; i++) {
            int t = i ? b : a, hi = tmp64(d);
            tcg_gen_op3i(S, OP_SHR, TCG_I64, hi, t, 32);
            tcg_gen_movcond(S, TCG_I64, TCG_COND_NE, t, hi, tcg_const(S, TCG_I64, 0xffffffff),
                            tcg_const(S, TCG_I64, (int64_t)(BOX32 | SF_F32_CANONICAL_NAN)), t);
        }
    }
    if (f3 == 2) { /* jx: xor the signs */
        tcg_gen_op3i(S, OP_AND, TCG_I64, b, b, sign);
        tcg_gen_op3(S, OP_XOR, TCG_I64, r, a, b);
    } else {
        if (f3 == 1)
            tcg_gen_op2(S, OP_NOT, TCG_I64, b, b);
        tcg_gen_op3i(S, OP_AND, TCG_I64, b, b, sign);
        tcg_gen_op3i(S, OP_AND, TCG_I64, r, a, ~sign);
        tcg_gen_op3(S, OP_OR, TCG_I64, r, r, b);
    }
    tcg_gen_mov(S, TCG_I64, cpu_f[RD(d->insn)], r);
    mark_fs_dirty(d);
    return true;
}

static bool gen_fcvt_int(struct dc *d, unsigned fmt, bool to_int)
{
    unsigned rs2 = RS2(d->insn), rm = FUNCT3(d->insn);

    if (rs2 > 3 || !rm_valid(rm))
        return false;
    if (to_int) {
        int r = gpr_dst(d, RD(d->insn));
        int args[TCG_MAX_CALL_ARGS] = {S->env, cpu_f[RS1(d->insn)],
                                       tcg_const(S, TCG_I64, FP_CODE(FOP_TO_W + rs2, fmt, rm, d->raw))};
        tcg_gen_call(S, &fop1_helper, r, args);
        mark_fs_dirty(d); /* the flags changed */
        return true;
    }
    gen_fop_to_fpr(d, &fop1_helper, RD(d->insn), gpr_src(d, RS1(d->insn)), -1,
                   FP_CODE(FOP_FROM_W + rs2, fmt, rm, d->raw));
    return true;
}

static bool gen_fcmp_class(struct dc *d, unsigned fmt, bool cmp)
{
    unsigned f3 = FUNCT3(d->insn);
    int r = gpr_dst(d, RD(d->insn));
    int args[TCG_MAX_CALL_ARGS] = {S->env, cpu_f[RS1(d->insn)], -1, -1};

    if (cmp) {
        static const int ops[3] = {FOP_LE, FOP_LT, FOP_EQ};
        if (f3 > 2)
            return false;
        args[2] = cpu_f[RS2(d->insn)];
        args[3] = tcg_const(S, TCG_I64, FP_CODE(ops[f3], fmt, 0, d->raw));
        tcg_gen_call(S, &fop2_helper, r, args);
        mark_fs_dirty(d);
        return true;
    }
    if (RS2(d->insn))
        return false;
    if (f3 == 1) { /* fclass */
        args[2] = tcg_const(S, TCG_I64, FP_CODE(FOP_CLASS, fmt, 0, d->raw));
        tcg_gen_call(S, &fop1_helper, r, args);
        return true;
    }
    if (f3 != 0)
        return false;
    /* fmv.x.w sign-extends the low word; fmv.x.d copies. */
    tcg_gen_op2(S, fmt ? OP_MOV : OP_EXT32S, TCG_I64, r, cpu_f[RS1(d->insn)]);
    return true;
}

static bool gen_fmv_to_fpr(struct dc *d, unsigned fmt)
{
    if (RS2(d->insn) || FUNCT3(d->insn))
        return false;
    int t = tmp64(d);
    if (fmt)
        tcg_gen_mov(S, TCG_I64, t, gpr_src(d, RS1(d->insn)));
    else
        tcg_gen_op3i(S, OP_OR, TCG_I64, t, gpr_src(d, RS1(d->insn)), (int64_t)BOX32);
    tcg_gen_mov(S, TCG_I64, cpu_f[RD(d->insn)], t);
    mark_fs_dirty(d);
    return true;
}

static bool trans_op_fp(struct dc *d)
{
    unsigned f5 = d->insn >> 27, fmt = (d->insn >> 25) & 3, rm = FUNCT3(d->insn);
    unsigned rd = RD(d->insn);
    int a = cpu_f[RS1(d->insn)], b = cpu_f[RS2(d->insn)];

    if (!fp_enabled(d) || !fmt_ok(d, fmt))
        return false;
    switch (f5) {
    case 0x00: case 0x01: case 0x02: case 0x03: /* add sub mul div */
        if (!rm_valid(rm))
            return false;
        gen_arith(d, (enum hostfp_op)(HOSTFP_ADD + f5), fmt, rm, rd, a, b, -1);
        return true;
    case 0x0b: /* fsqrt */
        if (RS2(d->insn) || !rm_valid(rm))
            return false;
        gen_arith(d, HOSTFP_SQRT, fmt, rm, rd, a, -1, -1);
        return true;
    case 0x04: return gen_sign_inject(d, fmt);
    case 0x05: /* fmin, fmax */
        if (rm > 1)
            return false;
        gen_fop_to_fpr(d, &fop2_helper, rd, a, b,
                       FP_CODE(rm ? FOP_MAX : FOP_MIN, fmt, 0, d->raw));
        return true;
    case 0x08: /* fcvt.s.d (fmt 0, rs2 1) and fcvt.d.s (fmt 1, rs2 0) */
        if (RS2(d->insn) != (fmt ^ 1) || !rm_valid(rm) || !(d->env->misa & MISA_EXT('D')))
            return false;
        gen_fop_to_fpr(d, &fop1_helper, rd, a, -1, FP_CODE(FOP_TO_OTHER, fmt, rm, d->raw));
        return true;
    case 0x14: return gen_fcmp_class(d, fmt, true);
    case 0x18: return gen_fcvt_int(d, fmt, true);
    case 0x1a: return gen_fcvt_int(d, fmt, false);
    case 0x1c: return gen_fcmp_class(d, fmt, false);
    case 0x1e: return gen_fmv_to_fpr(d, fmt);
    default: return false;
    }
}

const struct insn_pattern riscv_fp_patterns[] = {
    {0x0000007f, 0x00000007, trans_fload, "fload", 'F'},
    {0x0000007f, 0x00000027, trans_fstore, "fstore", 'F'},
    {0x0000007f, 0x00000043, trans_fma, "fmadd", 'F'},
    {0x0000007f, 0x00000047, trans_fma, "fmsub", 'F'},
    {0x0000007f, 0x0000004b, trans_fma, "fnmsub", 'F'},
    {0x0000007f, 0x0000004f, trans_fma, "fnmadd", 'F'},
    {0x0000007f, 0x00000053, trans_op_fp, "op-fp", 'F'},
};
const unsigned riscv_nb_fp_patterns = sizeof(riscv_fp_patterns) / sizeof(riscv_fp_patterns[0]);
