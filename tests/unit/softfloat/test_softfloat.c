/* Unit tests for vcpu/riscv/softfloat: results and flags against host SSE, RMM, and by hand. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcpu/riscv/softfloat.h"

/*
 * How the oracle works.
 *
 * RNE/RTZ/RDN/RUP: every operation is run on the host with one SSE/FMA/AVX-512 instruction in
 * an inline asm block that loads MXCSR (rounding control, all exceptions masked, FTZ/DAZ off),
 * executes, and stores MXCSR back, so the compiler can neither fold nor reorder it. The
 * MXCSR flags map onto fflags (PE->NX, UE->UF, OE->OF, ZE->DZ, IE->NV; DE has no RISC-V
 * counterpart and is ignored). Host NaN results carry payloads, so they only mean "ours must
 * be the canonical NaN". Float-to-integer results are compared only in range; out of range,
 * the RISC-V saturation table is applied by the test (host_expect).
 *
 * RMM: RMM and RNE round every value to the same number except an exact tie, which RMM rounds
 * away from zero, exactly as RUP (positive) or RDN (negative) do; the flags then follow (see
 * rmm_expect). So the expectation is the host's RNE result, or at a tie the host's directed
 * result, and the only thing the test decides itself is "is the exact result a tie": from a
 * binary64 host computation for binary32 operations (exact if the host says so), from an x87
 * computation with a 64-bit significand for binary64 add/sub/mul/div/sqrt, and from exact
 * big-integer arithmetic for binary64 fused multiply-add.
 */

/* ---- Bit helpers. ---- */

struct fmt {
    int p, eb; /* significand bits including the hidden one; exponent bits */
};

static const struct fmt FMT32 = {24, 8}, FMT64 = {53, 11};

static uint64_t fmt_frac_mask(struct fmt f)
{
    return (UINT64_C(1) << (f.p - 1)) - 1;
}

static int fmt_emax_field(struct fmt f)
{
    return (1 << f.eb) - 1;
}

static int fmt_bias(struct fmt f)
{
    return (1 << (f.eb - 1)) - 1;
}

static uint64_t fmt_sign_bit(struct fmt f)
{
    return UINT64_C(1) << (f.p - 1 + f.eb);
}

static uint64_t fmt_pack(struct fmt f, bool sign, int field, uint64_t frac)
{
    return (sign ? fmt_sign_bit(f) : 0) | (uint64_t)field << (f.p - 1) | (frac & fmt_frac_mask(f));
}

static int fmt_field(struct fmt f, uint64_t bits)
{
    return (int)(bits >> (f.p - 1)) & fmt_emax_field(f);
}

static bool fmt_is_nan(struct fmt f, uint64_t bits)
{
    return fmt_field(f, bits) == fmt_emax_field(f) && (bits & fmt_frac_mask(f));
}

static bool fmt_is_snan(struct fmt f, uint64_t bits)
{
    return fmt_is_nan(f, bits) && !((bits >> (f.p - 2)) & 1);
}

static uint64_t fmt_canonical_nan(struct fmt f)
{
    return f.p == 24 ? SF_F32_CANONICAL_NAN : SF_F64_CANONICAL_NAN;
}

/*
 * A finite non-zero float as m * 2^(e - 63) with bit 63 of m set (e is the exponent of the
 * leading bit). False for zeros, infinities and NaNs.
 */
static bool fmt_decode(struct fmt f, uint64_t bits, uint64_t *m, int *e)
{
    int field = fmt_field(f, bits);
    uint64_t frac = bits & fmt_frac_mask(f);

    if (field == fmt_emax_field(f) || (!field && !frac))
        return false;
    int e0 = field ? field - fmt_bias(f) - (f.p - 1) : 1 - fmt_bias(f) - (f.p - 1);
    uint64_t sig = field ? frac | UINT64_C(1) << (f.p - 1) : frac;
    int lz = __builtin_clzll(sig);
    *m = sig << lz;
    *e = e0 + 63 - lz;
    return true;
}

static float f32_of(uint64_t bits)
{
    uint32_t b = (uint32_t)bits;
    float v;
    memcpy(&v, &b, 4);
    return v;
}

static double f64_of(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, 8);
    return v;
}

static uint64_t bits_f32(float v)
{
    uint32_t b;
    memcpy(&b, &v, 4);
    return b;
}

static uint64_t bits_f64(double v)
{
    uint64_t b;
    memcpy(&b, &v, 8);
    return b;
}

/*
 * Whether m * 2^(e - 63) (plus something non-zero below m if `sticky`) lies exactly halfway
 * between two multiples of 2^lsb.
 */
static bool tie_at(uint64_t m, int e, bool sticky, int lsb)
{
    int kept = e - lsb + 1;

    if (sticky || kept < 0 || kept >= 64)
        return false;
    uint64_t half = UINT64_C(1) << (63 - kept);
    uint64_t below = kept == 0 ? UINT64_MAX : (half << 1) - 1;
    return (m & below) == half;
}

/* A tie when rounding to format f (normal or subnormal precision). */
static bool tie_in_fmt(struct fmt f, uint64_t m, int e, bool sticky)
{
    int emin = 1 - fmt_bias(f);
    int lsb = e - (f.p - 1);

    if (lsb < emin - (f.p - 1))
        lsb = emin - (f.p - 1);
    return tie_at(m, e, sticky, lsb);
}

/* ---- The operations under test. ---- */

enum ty { T_F32, T_F64, T_I32, T_U32, T_I64, T_U64, T_BOOL };

enum kind { K_ARITH, K_SQRT, K_FMA, K_CVT_FF, K_CVT_FI, K_CVT_IF, K_CMP, K_MINMAX, K_CLASS };

#define FOR_EACH_FORMAT_OP(X, S, s, T)                                                             \
    X(S##_ADD, #s "_add", K_ARITH, T, T)                                                           \
    X(S##_SUB, #s "_sub", K_ARITH, T, T)                                                           \
    X(S##_MUL, #s "_mul", K_ARITH, T, T)                                                           \
    X(S##_DIV, #s "_div", K_ARITH, T, T)                                                           \
    X(S##_SQRT, #s "_sqrt", K_SQRT, T, T)                                                          \
    X(S##_FMADD, #s "_fmadd", K_FMA, T, T)                                                         \
    X(S##_FMSUB, #s "_fmsub", K_FMA, T, T)                                                         \
    X(S##_FNMSUB, #s "_fnmsub", K_FMA, T, T)                                                       \
    X(S##_FNMADD, #s "_fnmadd", K_FMA, T, T)                                                       \
    X(S##_TO_I32, #s "_to_i32", K_CVT_FI, T, T_I32)                                                \
    X(S##_TO_U32, #s "_to_u32", K_CVT_FI, T, T_U32)                                                \
    X(S##_TO_I64, #s "_to_i64", K_CVT_FI, T, T_I64)                                                \
    X(S##_TO_U64, #s "_to_u64", K_CVT_FI, T, T_U64)                                                \
    X(S##_FROM_I32, #s "_from_i32", K_CVT_IF, T_I32, T)                                            \
    X(S##_FROM_U32, #s "_from_u32", K_CVT_IF, T_U32, T)                                            \
    X(S##_FROM_I64, #s "_from_i64", K_CVT_IF, T_I64, T)                                            \
    X(S##_FROM_U64, #s "_from_u64", K_CVT_IF, T_U64, T)                                            \
    X(S##_EQ, #s "_eq", K_CMP, T, T_BOOL)                                                          \
    X(S##_LT, #s "_lt", K_CMP, T, T_BOOL)                                                          \
    X(S##_LE, #s "_le", K_CMP, T, T_BOOL)                                                          \
    X(S##_MIN, #s "_min", K_MINMAX, T, T)                                                          \
    X(S##_MAX, #s "_max", K_MINMAX, T, T)                                                          \
    X(S##_CLASS, #s "_classify", K_CLASS, T, T_U32)

#define FOR_EACH_OP(X)                                                                             \
    FOR_EACH_FORMAT_OP(X, F32, f32, T_F32)                                                         \
    FOR_EACH_FORMAT_OP(X, F64, f64, T_F64)                                                         \
    X(F32_TO_F64, "f32_to_f64", K_CVT_FF, T_F32, T_F64)                                            \
    X(F64_TO_F32, "f64_to_f32", K_CVT_FF, T_F64, T_F32)

#define AS_ENUM(id, name, kind, src, dst) OP_##id,
enum op { FOR_EACH_OP(AS_ENUM) OP_COUNT };

struct op_info {
    const char *name;
    enum kind kind;
    enum ty src, dst;
};

#define AS_INFO(id, name, kind, src, dst) [OP_##id] = {name, kind, src, dst},
static const struct op_info ops[OP_COUNT] = {FOR_EACH_OP(AS_INFO)};

static struct fmt fmt_of(enum ty t)
{
    return t == T_F32 ? FMT32 : FMT64;
}

static bool ty_is_float(enum ty t)
{
    return t == T_F32 || t == T_F64;
}

/* Integer results are compared as 64-bit patterns: signed sign-extended, unsigned zero-extended. */
static uint64_t int_max(enum ty t)
{
    switch (t) {
    case T_I32: return INT32_MAX;
    case T_U32: return UINT32_MAX;
    case T_I64: return INT64_MAX;
    default: return UINT64_MAX;
    }
}

static uint64_t int_min(enum ty t)
{
    switch (t) {
    case T_I32: return (uint64_t)(int64_t)INT32_MIN;
    case T_I64: return (uint64_t)INT64_MIN;
    default: return 0;
    }
}

static uint64_t soft_run(enum op op, uint64_t a, uint64_t b, uint64_t c, int rmi, uint32_t *fl)
{
    enum sf_rounding rm = (enum sf_rounding)rmi;
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c;

    switch (op) {
    case OP_F32_ADD: return sf32_add(a32, b32, rm, fl);
    case OP_F32_SUB: return sf32_sub(a32, b32, rm, fl);
    case OP_F32_MUL: return sf32_mul(a32, b32, rm, fl);
    case OP_F32_DIV: return sf32_div(a32, b32, rm, fl);
    case OP_F32_SQRT: return sf32_sqrt(a32, rm, fl);
    case OP_F32_FMADD: return sf32_fmadd(a32, b32, c32, rm, fl);
    case OP_F32_FMSUB: return sf32_fmsub(a32, b32, c32, rm, fl);
    case OP_F32_FNMSUB: return sf32_fnmsub(a32, b32, c32, rm, fl);
    case OP_F32_FNMADD: return sf32_fnmadd(a32, b32, c32, rm, fl);
    case OP_F32_TO_I32: return (uint64_t)(int64_t)sf32_to_i32(a32, rm, fl);
    case OP_F32_TO_U32: return sf32_to_u32(a32, rm, fl);
    case OP_F32_TO_I64: return (uint64_t)sf32_to_i64(a32, rm, fl);
    case OP_F32_TO_U64: return sf32_to_u64(a32, rm, fl);
    case OP_F32_FROM_I32: return sf32_from_i32((int32_t)a, rm, fl);
    case OP_F32_FROM_U32: return sf32_from_u32(a32, rm, fl);
    case OP_F32_FROM_I64: return sf32_from_i64((int64_t)a, rm, fl);
    case OP_F32_FROM_U64: return sf32_from_u64(a, rm, fl);
    case OP_F32_EQ: return sf32_eq(a32, b32, fl);
    case OP_F32_LT: return sf32_lt(a32, b32, fl);
    case OP_F32_LE: return sf32_le(a32, b32, fl);
    case OP_F32_MIN: return sf32_min(a32, b32, fl);
    case OP_F32_MAX: return sf32_max(a32, b32, fl);
    case OP_F32_CLASS: return sf32_classify(a32);
    case OP_F64_ADD: return sf64_add(a, b, rm, fl);
    case OP_F64_SUB: return sf64_sub(a, b, rm, fl);
    case OP_F64_MUL: return sf64_mul(a, b, rm, fl);
    case OP_F64_DIV: return sf64_div(a, b, rm, fl);
    case OP_F64_SQRT: return sf64_sqrt(a, rm, fl);
    case OP_F64_FMADD: return sf64_fmadd(a, b, c, rm, fl);
    case OP_F64_FMSUB: return sf64_fmsub(a, b, c, rm, fl);
    case OP_F64_FNMSUB: return sf64_fnmsub(a, b, c, rm, fl);
    case OP_F64_FNMADD: return sf64_fnmadd(a, b, c, rm, fl);
    case OP_F64_TO_I32: return (uint64_t)(int64_t)sf64_to_i32(a, rm, fl);
    case OP_F64_TO_U32: return sf64_to_u32(a, rm, fl);
    case OP_F64_TO_I64: return (uint64_t)sf64_to_i64(a, rm, fl);
    case OP_F64_TO_U64: return sf64_to_u64(a, rm, fl);
    case OP_F64_FROM_I32: return sf64_from_i32((int32_t)a, rm, fl);
    case OP_F64_FROM_U32: return sf64_from_u32(a32, rm, fl);
    case OP_F64_FROM_I64: return sf64_from_i64((int64_t)a, rm, fl);
    case OP_F64_FROM_U64: return sf64_from_u64(a, rm, fl);
    case OP_F64_EQ: return sf64_eq(a, b, fl);
    case OP_F64_LT: return sf64_lt(a, b, fl);
    case OP_F64_LE: return sf64_le(a, b, fl);
    case OP_F64_MIN: return sf64_min(a, b, fl);
    case OP_F64_MAX: return sf64_max(a, b, fl);
    case OP_F64_CLASS: return sf64_classify(a);
    case OP_F32_TO_F64: return sf64_from_f32(a32, rm, fl);
    case OP_F64_TO_F32: return sf32_from_f64(a, rm, fl);
    default: g_assert_not_reached();
    }
}

/* ---- The host: one SSE instruction per operation, under an explicit MXCSR. ---- */

static bool have_fma, have_avx512;

struct sse_env {
    uint32_t csr, save, out;
};

/* MXCSR: all exceptions masked, FTZ and DAZ off, RC from the RISC-V mode RNE/RTZ/RDN/RUP. */
static uint32_t mxcsr_for(int rm)
{
    static const uint32_t rc[4] = {0, 3, 1, 2};

    return 0x1f80 | rc[rm] << 13;
}

static uint32_t flags_of_mxcsr(uint32_t csr)
{
    return (csr & 0x01 ? SF_NV : 0) | (csr & 0x04 ? SF_DZ : 0) | (csr & 0x08 ? SF_OF : 0) |
           (csr & 0x10 ? SF_UF : 0) | (csr & 0x20 ? SF_NX : 0);
}

#define SSE_PRE "stmxcsr %[save]\n\tldmxcsr %[csr]\n\t"
#define SSE_POST "\n\tstmxcsr %[out]\n\tldmxcsr %[save]"
#define SSE_OUT [save] "=m"(env.save), [out] "=m"(env.out)
#define SSE_IN [csr] "m"(env.csr)
/* The macro parameters are named v_*: bare names would replace the [x] operand names. */
/* x = x op y */
#define SSE2(insn, v_x, v_y)                                                                       \
    __asm__ volatile(SSE_PRE insn " %[y], %[x]" SSE_POST                                           \
                     : [x] "+x"(v_x), SSE_OUT                                                      \
                     : [y] "x"(v_y), SSE_IN)
/* FMA 213 form: x = (+-)(y * x) (+-) z */
#define SSE3(insn, v_x, v_y, v_z)                                                                  \
    __asm__ volatile(SSE_PRE insn " %[z], %[y], %[x]" SSE_POST                                     \
                     : [x] "+x"(v_x), SSE_OUT                                                      \
                     : [y] "x"(v_y), [z] "x"(v_z), SSE_IN)
/* r = convert(x), r a general register of r's size */
#define SSE_TO_GPR(insn, v_r, v_x)                                                                 \
    __asm__ volatile(SSE_PRE insn " %[x], %[r]" SSE_POST                                           \
                     : [r] "=r"(v_r), SSE_OUT                                                      \
                     : [x] "x"(v_x), SSE_IN)
/* x = convert(i) */
#define SSE_FROM_GPR(insn, v_x, v_i)                                                               \
    __asm__ volatile(SSE_PRE insn " %[i], %[x]" SSE_POST                                           \
                     : [x] "+x"(v_x), SSE_OUT                                                      \
                     : [i] "r"(v_i), SSE_IN)
#define AVX512_FROM_GPR(insn, v_x, v_i)                                                            \
    __asm__ volatile(SSE_PRE insn " %[i], %[x], %[x]" SSE_POST                                     \
                     : [x] "+x"(v_x), SSE_OUT                                                      \
                     : [i] "r"(v_i), SSE_IN)

/* The result of a host operation, from the variable its destination type was written to. */
static uint64_t host_result(enum op op, uint64_t fp, int32_t i32, int64_t i64, uint64_t u64)
{
    switch (ops[op].dst) {
    case T_I32: return (uint64_t)(int64_t)i32;
    case T_U32: /* vcvts?2usi into i64, or the 64-bit signed form (host_expect checks the range) */
    case T_I64: return (uint64_t)i64;
    case T_U64: return u64;
    default: return fp; /* floats, and comparison masks */
    }
}

/* x86 FNMADD is -(a*b)+c (RISC-V fnmsub); x86 FNMSUB is -(a*b)-c (RISC-V fnmadd). */
static uint64_t host_f32(enum op op, float a, float b, float c, struct sse_env *e)
{
    struct sse_env env = *e;
    double d = 0;
    int32_t i32 = 0;
    int64_t i64 = 0;
    uint64_t u64 = 0;

    switch (op) {
    case OP_F32_ADD: SSE2("addss", a, b); break;
    case OP_F32_SUB: SSE2("subss", a, b); break;
    case OP_F32_MUL: SSE2("mulss", a, b); break;
    case OP_F32_DIV: SSE2("divss", a, b); break;
    case OP_F32_SQRT: SSE2("sqrtss", a, a); break;
    case OP_F32_FMADD: SSE3("vfmadd213ss", a, b, c); break;
    case OP_F32_FMSUB: SSE3("vfmsub213ss", a, b, c); break;
    case OP_F32_FNMSUB: SSE3("vfnmadd213ss", a, b, c); break;
    case OP_F32_FNMADD: SSE3("vfnmsub213ss", a, b, c); break;
    case OP_F32_TO_F64: SSE2("cvtss2sd", d, a); break;
    case OP_F32_TO_I32: SSE_TO_GPR("cvtss2si", i32, a); break;
    case OP_F32_TO_U32:
        if (!have_avx512) {
            SSE_TO_GPR("cvtss2si", i64, a);
            break;
        }
        SSE_TO_GPR("vcvtss2usi", i32, a);
        i64 = (uint32_t)i32;
        break;
    case OP_F32_TO_I64: SSE_TO_GPR("cvtss2si", i64, a); break;
    case OP_F32_TO_U64: SSE_TO_GPR("vcvtss2usi", u64, a); break;
    case OP_F32_EQ: SSE2("cmpeqss", a, b); break;
    case OP_F32_LT: SSE2("cmpltss", a, b); break;
    case OP_F32_LE: SSE2("cmpless", a, b); break;
    default: g_assert_not_reached();
    }
    *e = env;
    return host_result(op, op == OP_F32_TO_F64 ? bits_f64(d) : bits_f32(a), i32, i64, u64);
}

static uint64_t host_f64(enum op op, double a, double b, double c, struct sse_env *e)
{
    struct sse_env env = *e;
    float f = 0;
    int32_t i32 = 0;
    int64_t i64 = 0;
    uint64_t u64 = 0;

    switch (op) {
    case OP_F64_ADD: SSE2("addsd", a, b); break;
    case OP_F64_SUB: SSE2("subsd", a, b); break;
    case OP_F64_MUL: SSE2("mulsd", a, b); break;
    case OP_F64_DIV: SSE2("divsd", a, b); break;
    case OP_F64_SQRT: SSE2("sqrtsd", a, a); break;
    case OP_F64_FMADD: SSE3("vfmadd213sd", a, b, c); break;
    case OP_F64_FMSUB: SSE3("vfmsub213sd", a, b, c); break;
    case OP_F64_FNMSUB: SSE3("vfnmadd213sd", a, b, c); break;
    case OP_F64_FNMADD: SSE3("vfnmsub213sd", a, b, c); break;
    case OP_F64_TO_F32: SSE2("cvtsd2ss", f, a); break;
    case OP_F64_TO_I32: SSE_TO_GPR("cvtsd2si", i32, a); break;
    case OP_F64_TO_U32:
        if (!have_avx512) {
            SSE_TO_GPR("cvtsd2si", i64, a);
            break;
        }
        SSE_TO_GPR("vcvtsd2usi", i32, a);
        i64 = (uint32_t)i32;
        break;
    case OP_F64_TO_I64: SSE_TO_GPR("cvtsd2si", i64, a); break;
    case OP_F64_TO_U64: SSE_TO_GPR("vcvtsd2usi", u64, a); break;
    case OP_F64_EQ: SSE2("cmpeqsd", a, b); break;
    case OP_F64_LT: SSE2("cmpltsd", a, b); break;
    case OP_F64_LE: SSE2("cmplesd", a, b); break;
    default: g_assert_not_reached();
    }
    *e = env;
    return host_result(op, op == OP_F64_TO_F32 ? bits_f32(f) : bits_f64(a), i32, i64, u64);
}

static uint64_t host_from_int(enum op op, uint64_t v, struct sse_env *e)
{
    struct sse_env env = *e;
    float f = 0;
    double d = 0;
    int32_t i32 = (int32_t)v;
    int64_t i64 = (int64_t)v, u32 = (uint32_t)v; /* u32 via the exact 64-bit signed form */

    switch (op) {
    case OP_F32_FROM_I32: SSE_FROM_GPR("cvtsi2ssl", f, i32); break;
    case OP_F32_FROM_U32: SSE_FROM_GPR("cvtsi2ssq", f, u32); break;
    case OP_F32_FROM_I64: SSE_FROM_GPR("cvtsi2ssq", f, i64); break;
    case OP_F32_FROM_U64: AVX512_FROM_GPR("vcvtusi2ssq", f, v); break;
    case OP_F64_FROM_I32: SSE_FROM_GPR("cvtsi2sdl", d, i32); break;
    case OP_F64_FROM_U32: SSE_FROM_GPR("cvtsi2sdq", d, u32); break;
    case OP_F64_FROM_I64: SSE_FROM_GPR("cvtsi2sdq", d, i64); break;
    case OP_F64_FROM_U64: AVX512_FROM_GPR("vcvtusi2sdq", d, v); break;
    default: g_assert_not_reached();
    }
    *e = env;
    return ops[op].dst == T_F32 ? bits_f32(f) : bits_f64(d);
}

/* The raw host result of `op` in mode rm (RNE..RUP), flags mapped to fflags. */
static uint64_t host_raw(enum op op, uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags)
{
    struct sse_env env = {.csr = mxcsr_for(rm)};
    const struct op_info *in = &ops[op];
    uint64_t r;

    if (in->kind == K_CVT_IF)
        r = host_from_int(op, a, &env);
    else if (in->src == T_F32)
        r = host_f32(op, f32_of(a), f32_of(b), f32_of(c), &env);
    else
        r = host_f64(op, f64_of(a), f64_of(b), f64_of(c), &env);
    *flags = flags_of_mxcsr(env.out);
    if (in->kind == K_CMP)
        r &= 1;
    return r;
}

/* ---- Where the host and RISC-V part ways, as measured by this test. ---- */

struct tally {
    uint64_t cases;        /* comparisons made */
    uint64_t nan_payload;  /* host NaN result that is not the canonical NaN */
    uint64_t int_value;    /* out-of-range conversion: host value is not RISC-V's saturation */
    uint64_t int_flags;    /* out-of-range conversion: host flags are not NV alone */
    uint64_t fma_qnan_inv; /* fma(inf, 0, qNaN): host raised no NV */
    uint64_t ties;         /* RMM cases whose exact result was a tie */
    uint64_t flagged[5];   /* expectations raising NX, UF, OF, DZ, NV */
    uint64_t mismatches;
};

/*
 * The host result turned into the RISC-V expectation. The differences are:
 * - NaN results: the host propagates a payload (and sign); RISC-V returns the canonical NaN.
 *   The flags agree.
 * - float -> integer out of range or NaN: the host returns the "integer indefinite" value
 *   (0x80..0 for signed, all ones for the AVX-512 unsigned forms) with IE alone; RISC-V
 *   raises NV alone too, but saturates per its table (so NaN and positive overflow differ for
 *   the signed forms, negative overflow for the unsigned ones).
 * - fma(inf, 0, qNaN) and fma(0, inf, qNaN): the host returns the qNaN without raising IE
 *   (IEEE leaves this to the implementation); RISC-V requires NV.
 */
static uint64_t host_expect(enum op op, uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags,
                            struct tally *t)
{
    const struct op_info *in = &ops[op];
    uint64_t r = host_raw(op, a, b, c, rm, flags);

    if (in->kind == K_CVT_FI) {
        struct fmt f = fmt_of(in->src);
        bool nan = fmt_is_nan(f, a), neg = a & fmt_sign_bit(f);
        bool invalid = nan || (*flags & SF_NV);
        if (in->dst == T_U32)
            invalid |= (int64_t)r < 0 || (int64_t)r > (int64_t)UINT32_MAX;
        if (invalid) {
            uint64_t want = nan || !neg ? int_max(in->dst) : int_min(in->dst);
            t->int_value += r != want;
            t->int_flags += *flags != SF_NV;
            *flags = SF_NV;
            return want;
        }
        return r;
    }
    if (!ty_is_float(in->dst))
        return r;
    struct fmt f = fmt_of(in->dst);
    if (!fmt_is_nan(f, r))
        return r;
    if (in->kind == K_FMA && !(*flags & SF_NV)) {
        struct fmt g = fmt_of(in->src);
        bool ainf = fmt_field(g, a) == fmt_emax_field(g) && !(a & fmt_frac_mask(g));
        bool binf = fmt_field(g, b) == fmt_emax_field(g) && !(b & fmt_frac_mask(g));
        bool azero = !(a & ~fmt_sign_bit(g)), bzero = !(b & ~fmt_sign_bit(g));
        if ((ainf && bzero) || (azero && binf)) {
            t->fma_qnan_inv++;
            *flags |= SF_NV;
        }
    }
    t->nan_payload += r != fmt_canonical_nan(f);
    return fmt_canonical_nan(f);
}

/* ---- Exact results, to find the ties that RMM rounds differently from RNE. ---- */

/* The x87 control word: all masked, 64-bit significand, round to nearest. */
static const uint16_t x87_cw = 0x037f;

/*
 * a op b (or sqrt a) for binary64 operands on the x87 with a 64-bit significand; false if the
 * x87 rounded, in which case the exact value has more than 64 significant bits and cannot be a
 * binary64 tie (54 bits at most). The x87 exponent range covers every binary64 result.
 */
static bool x87_exact(enum op op, uint64_t ua, uint64_t ub, uint64_t *m, int *e)
{
    double a = f64_of(ua), b = f64_of(ub);
    uint16_t sw, cw_save;
    unsigned char r[16];

#define X87(body)                                                                                  \
    __asm__ volatile("fnstcw %[cws]\n\tfldcw %[cw]\n\tfnclex\n\t" body                             \
                     "\n\tfnstsw %[sw]\n\tfldcw %[cws]"                                            \
                     : [r] "=m"(r), [sw] "=m"(sw), [cws] "=m"(cw_save)                             \
                     : [a] "m"(a), [b] "m"(b), [cw] "m"(x87_cw)                                    \
                     : "st", "st(1)")
    /* st = a, st(1) = b; the "op %st(1), %st" forms compute st = st op st(1). */
#define X87_BINARY(insn)                                                                           \
    "fldl %[b]\n\tfldl %[a]\n\t" insn " %%st(1), %%st\n\tfstpt %[r]\n\tfstp %%st(0)"
    switch (op) {
    case OP_F64_ADD: X87(X87_BINARY("fadd")); break;
    case OP_F64_SUB: X87(X87_BINARY("fsub")); break;
    case OP_F64_MUL: X87(X87_BINARY("fmul")); break;
    case OP_F64_DIV: X87(X87_BINARY("fdiv")); break;
    case OP_F64_SQRT: X87("fldl %[a]\n\tfsqrt\n\tfstpt %[r]"); break;
    default: g_assert_not_reached();
    }
#undef X87_BINARY
#undef X87
    if (sw & 0x20)
        return false;
    uint16_t se;
    memcpy(m, r, 8);
    memcpy(&se, r + 8, 2);
    if (!(*m >> 63) || (se & 0x7fff) == 0x7fff)
        return false; /* zero, or not finite */
    *e = (se & 0x7fff) - 16383;
    return true;
}

/* Fixed-point integers wide enough for a*b + c over binary64, in units of 2^-2148. */
#define BIG_WORDS 72
#define BIG_SCALE 2148

static void big_add(uint64_t *w, unsigned __int128 v, int shift, bool negative)
{
    int limb = shift / 64, bit = shift % 64;
    uint64_t lo = (uint64_t)v, hi = (uint64_t)(v >> 64), t[3];
    unsigned carry = 0;

    t[0] = lo << bit;
    t[1] = bit ? hi << bit | lo >> (64 - bit) : hi;
    t[2] = bit ? hi >> (64 - bit) : 0;
    for (int i = limb; i < BIG_WORDS; i++) {
        uint64_t x = i - limb < 3 ? t[i - limb] : 0, old = w[i];
        if (!negative) {
            w[i] = old + x + carry;
            carry = w[i] < old || (carry && w[i] == old);
        } else {
            w[i] = old - x - carry;
            carry = old < x || (carry && old == x);
        }
    }
}

/* A binary64 as integer * 2^exp with exp >= -1074. */
static void f64_integer(uint64_t bits, uint64_t *mant, int *exp)
{
    int field = (int)(bits >> 52) & 0x7ff;
    uint64_t frac = bits & fmt_frac_mask(FMT64);

    *mant = field ? frac | UINT64_C(1) << 52 : frac;
    *exp = (field ? field : 1) - 1075;
}

/* Whether (+-a*b) + (+-c) is a binary64 tie, for finite a, b, c, by exact arithmetic. */
static bool fma_tie_f64(uint64_t a, uint64_t b, uint64_t c, bool neg_p, bool neg_c)
{
    uint64_t w[BIG_WORDS] = {0}, ma, mb, mc;
    int ea, eb, ec;

    f64_integer(a, &ma, &ea);
    f64_integer(b, &mb, &eb);
    f64_integer(c, &mc, &ec);
    big_add(w, (unsigned __int128)ma * mb, ea + eb + BIG_SCALE, (a ^ b) >> 63 ^ neg_p);
    big_add(w, mc, ec + BIG_SCALE, c >> 63 ^ neg_c);
    if (w[BIG_WORDS - 1] >> 63) {
        uint64_t zero[BIG_WORDS] = {0};
        for (int i = 0; i < BIG_WORDS; i++) /* w = 0 - w */
            zero[i] = ~w[i];
        memcpy(w, zero, sizeof(zero));
        big_add(w, 1, 0, false);
    }
    int top = BIG_WORDS - 1;
    while (top >= 0 && !w[top])
        top--;
    if (top < 0)
        return false;
    int lead = top * 64 + 63 - __builtin_clzll(w[top]);
    uint64_t m;
    bool sticky = false;
    if (lead < 63) {
        m = w[0] << (63 - lead);
    } else {
        int s = lead - 63, limb = s / 64, bit = s % 64;
        m = w[limb] >> bit;
        if (bit)
            m |= w[limb + 1] << (64 - bit);
        sticky = bit && (w[limb] << (64 - bit));
        for (int i = 0; i < limb; i++)
            sticky |= w[i] != 0;
    }
    return tie_in_fmt(FMT64, m, lead - BIG_SCALE, sticky);
}

static enum op f32_to_f64_op(enum op op)
{
    return op - OP_F32_ADD + OP_F64_ADD;
}

static bool fma_negates_product(enum op op)
{
    return op == OP_F32_FNMSUB || op == OP_F32_FNMADD || op == OP_F64_FNMSUB || op == OP_F64_FNMADD;
}

static bool fma_negates_addend(enum op op)
{
    return op == OP_F32_FMSUB || op == OP_F32_FNMADD || op == OP_F64_FMSUB || op == OP_F64_FNMADD;
}

/* Whether the exact result of an inexact operation is a tie at the destination's precision. */
static bool exact_is_tie(enum op op, uint64_t a, uint64_t b, uint64_t c)
{
    const struct op_info *in = &ops[op];
    uint64_t m;
    int e;
    uint32_t fl;

    switch (in->kind) {
    case K_CVT_FI: /* rounding to an integer: the last kept bit has weight 2^0 */
        return fmt_decode(fmt_of(in->src), a, &m, &e) && tie_at(m, e, false, 0);
    case K_CVT_IF: {
        uint64_t mag = a;
        if ((in->src == T_I32 || in->src == T_I64) && (int64_t)a < 0)
            mag = -a;
        if (!mag)
            return false;
        int lz = __builtin_clzll(mag);
        return tie_in_fmt(fmt_of(in->dst), mag << lz, 63 - lz, false);
    }
    case K_CVT_FF:
        return in->dst == T_F32 && fmt_decode(FMT64, a, &m, &e) && tie_in_fmt(FMT32, m, e, false);
    default: break;
    }
    if (in->src == T_F32) {
        /* binary64 holds every binary32 tie exactly, and no f32 operation leaves its range. */
        uint64_t da = host_raw(OP_F32_TO_F64, a, 0, 0, SF_RNE, &fl);
        uint64_t db = host_raw(OP_F32_TO_F64, b, 0, 0, SF_RNE, &fl);
        uint64_t dc = host_raw(OP_F32_TO_F64, c, 0, 0, SF_RNE, &fl);
        uint64_t d = host_raw(f32_to_f64_op(op), da, db, dc, SF_RNE, &fl);
        return !(fl & SF_NX) && fmt_decode(FMT64, d, &m, &e) && tie_in_fmt(FMT32, m, e, false);
    }
    if (in->kind == K_FMA)
        return fma_tie_f64(a, b, c, fma_negates_product(op), fma_negates_addend(op));
    return x87_exact(op, a, b, &m, &e) && tie_in_fmt(FMT64, m, e, false);
}

/* Whether the value an operation rounds is negative (it is finite and non-zero at a tie). */
static bool exact_is_negative(enum op op, uint64_t a, uint64_t rne_result)
{
    const struct op_info *in = &ops[op];

    if (in->kind == K_CVT_FI)
        return a & fmt_sign_bit(fmt_of(in->src));
    return rne_result & fmt_sign_bit(fmt_of(in->dst));
}

/*
 * RMM from the host: RMM rounds like RNE except at an exact tie, where it rounds away from
 * zero like RUP (or RDN for a negative value). The flags follow the rounded value: overflow
 * and tininess (after rounding) are decided on the same rounded value, and inexactness is the
 * same for every mode; for conversions to integers the range check is too.
 */
static uint64_t rmm_expect(enum op op, uint64_t a, uint64_t b, uint64_t c, uint32_t *flags,
                           struct tally *t)
{
    uint64_t r = host_expect(op, a, b, c, SF_RNE, flags, t);

    if (!(*flags & SF_NX) || !exact_is_tie(op, a, b, c))
        return r;
    t->ties++;
    bool neg = exact_is_negative(op, a, r);
    return host_expect(op, a, b, c, neg ? SF_RDN : SF_RUP, flags, t);
}

/* ---- Random operands, biased toward the edges. ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int rnd_int(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

static uint64_t gen_frac(struct fmt f)
{
    uint64_t m = fmt_frac_mask(f), r = rnd() & m;

    switch (rnd_int(8)) {
    case 0: return 0;
    case 1: return m;
    case 2: return m >> rnd_int(f.p);                        /* low ones */
    case 3: return (m << rnd_int(f.p)) & m;                  /* high ones */
    case 4: return UINT64_C(1) << rnd_int(f.p - 1);          /* one bit */
    case 5: return r & ~((UINT64_C(1) << rnd_int(f.p)) - 1); /* a zero tail */
    case 6: return r | ((UINT64_C(1) << rnd_int(f.p)) - 1);  /* a ones tail */
    default: return r;
    }
}

static int clamp_field(struct fmt f, int field)
{
    return field < 0 ? 0 : field > fmt_emax_field(f) - 1 ? fmt_emax_field(f) - 1 : field;
}

/* Integers, half-integers and quarters around the conversion boundaries 2^31, 2^32, 2^63, 2^64. */
static uint64_t gen_intlike(struct fmt f, bool sign)
{
    static const int hot[] = {0, 1, 30, 31, 32, 33, 62, 63, 64};
    int e = rnd_int(2) ? hot[rnd_int(9)] : rnd_int(68) - 2;
    uint64_t frac = rnd_int(4) ? gen_frac(f) : fmt_frac_mask(f);
    int cut = f.p - 3 - e; /* fraction bits below weight 2^-2 */

    if (cut >= f.p - 1)
        frac = 0;
    else if (cut > 0)
        frac &= ~((UINT64_C(1) << cut) - 1);
    return fmt_pack(f, sign, e + fmt_bias(f), frac);
}

static uint64_t gen_float(struct fmt f)
{
    bool s = rnd() & 1;
    int emax = fmt_emax_field(f), bias = fmt_bias(f);
    uint64_t frac = gen_frac(f), qbit = UINT64_C(1) << (f.p - 2);

    switch (rnd_int(16)) {
    case 0: return fmt_pack(f, s, 0, 0);
    case 1:
    case 2: return fmt_pack(f, s, 0, frac);
    case 3: return fmt_pack(f, s, 1 + rnd_int(3), frac);
    case 4: return fmt_pack(f, s, emax - 1 - rnd_int(3), frac);
    case 5: return fmt_pack(f, s, emax, 0);
    case 6: return fmt_pack(f, s, emax, frac | qbit);
    case 7: frac &= ~qbit; return fmt_pack(f, s, emax, frac ? frac : 1);
    case 8: return gen_intlike(f, s);
    case 9: return rnd() & (fmt_sign_bit(f) * 2 - 1);
    case 10: return fmt_pack(f, s, 1 + rnd_int(emax - 1), frac);
    default: return fmt_pack(f, s, bias - 40 + rnd_int(80), frac);
    }
}

/* b for a binary operation on a: often placed so that the result is near an edge. */
static uint64_t gen_partner(struct fmt f, enum op op, uint64_t a)
{
    enum op base = ops[op].src == T_F32 ? op : op - OP_F64_ADD + OP_F32_ADD;
    int emax = fmt_emax_field(f), bias = fmt_bias(f), fa = fmt_field(f, a);
    /* A target result exponent: deep subnormal to just above emin, or around overflow. */
    int target = rnd_int(2) ? rnd_int(f.p + 6) - f.p : emax - 3 + rnd_int(5);
    bool s = rnd() & 1;

    switch (rnd_int(6)) {
    case 0: /* near a or -a: cancellation, equality */
        return a ^ (rnd_int(2) ? fmt_sign_bit(f) : 0) ^ (rnd_int(2) ? rnd() & 0xf : 0);
    case 1:
    case 2:
        if (fa == emax)
            break;
        if (base == OP_F32_MUL || (base >= OP_F32_FMADD && base <= OP_F32_FNMADD))
            return fmt_pack(f, s, clamp_field(f, target - fa + bias), gen_frac(f));
        if (base == OP_F32_DIV)
            return fmt_pack(f, s, clamp_field(f, fa - target + bias), gen_frac(f));
        /* add/sub: exponents a little apart, around the precision */
        return fmt_pack(f, s, clamp_field(f, fa - rnd_int(f.p + 4)), gen_frac(f));
    default: break;
    }
    return gen_float(f);
}

/* c for a fused multiply-add: often cancelling the product or close to it. */
static uint64_t gen_addend(struct fmt f, enum op op, uint64_t a, uint64_t b)
{
    uint32_t fl;
    enum op mul = ops[op].src == T_F32 ? OP_F32_MUL : OP_F64_MUL;

    switch (rnd_int(3)) {
    case 0: {
        uint64_t p = host_raw(mul, a, b, 0, rnd_int(4), &fl);
        return p ^ (rnd_int(2) ? fmt_sign_bit(f) : 0) ^ (rnd_int(2) ? rnd() & 0x7 : 0);
    }
    case 1: {
        int pe = fmt_field(f, a) + fmt_field(f, b) - fmt_bias(f);
        int field = clamp_field(f, pe + rnd_int(4 * f.p + 8) - 2 * f.p - 4);
        return fmt_pack(f, rnd() & 1, field, gen_frac(f));
    }
    default: return gen_float(f);
    }
}

/* binary64 values around binary32's edges and rounding points. */
static uint64_t gen_f64_for_f32(void)
{
    bool s = rnd() & 1;
    uint64_t frac = gen_frac(FMT64);

    switch (rnd_int(4)) {
    case 0: return gen_float(FMT64);
    case 1: { /* the 29 bits below binary32's precision set to a tie, or next to one */
        uint64_t tail = UINT64_C(1) << 28;
        tail += (uint64_t)(rnd_int(3) - 1);
        frac = (frac & ~((UINT64_C(1) << 29) - 1)) | (tail & ((UINT64_C(1) << 29) - 1));
        break;
    }
    default: break;
    }
    /* exponents from below binary32's smallest subnormal to above its overflow */
    int e = rnd_int(2) ? rnd_int(34) - 155 : rnd_int(2) ? 125 + rnd_int(5) : rnd_int(60) - 30;
    return fmt_pack(FMT64, s, e + fmt_bias(FMT64), frac);
}

static uint64_t gen_int(enum ty t)
{
    uint64_t r = rnd();
    int k = rnd_int(64);

    switch (rnd_int(6)) {
    case 0: r >>= k; break;
    case 1: /* a leading bit and a bit near the binary32/binary64 rounding point */
        r = UINT64_C(1) << k;
        if (k >= 24)
            r |= UINT64_C(1) << (k - 24 + rnd_int(3) - 1 + (k == 24));
        if (k >= 53 && rnd_int(2))
            r = UINT64_C(1) << k | UINT64_C(1) << (k - 53 + rnd_int(2));
        if (rnd_int(2))
            r |= rnd() & ((UINT64_C(1) << (k >= 56 ? k - 55 : 0)) - 1);
        break;
    case 2: r = (uint64_t)(rnd_int(17) - 8); break;
    case 3: {
        static const uint64_t edge[] = {
            0,          1,         UINT64_MAX,         INT32_MAX, (uint64_t)INT32_MIN,
            UINT32_MAX, INT64_MAX, (uint64_t)INT64_MIN};
        r = edge[rnd_int(8)];
        break;
    }
    default: break;
    }
    if (rnd_int(4) == 0)
        r = -r;
    switch (t) {
    case T_I32: return (uint64_t)(int64_t)(int32_t)r;
    case T_U32: return (uint32_t)r;
    default: return r;
    }
}

static void gen_operands(enum op op, uint64_t *a, uint64_t *b, uint64_t *c)
{
    const struct op_info *in = &ops[op];
    struct fmt f = fmt_of(in->src);

    *b = *c = 0;
    switch (in->kind) {
    case K_CVT_IF: *a = gen_int(in->src); return;
    case K_CVT_FF: *a = in->src == T_F64 ? gen_f64_for_f32() : gen_float(f); return;
    case K_CVT_FI: *a = rnd_int(4) ? gen_intlike(f, rnd() & 1) : gen_float(f); return;
    case K_SQRT:
        *a = gen_float(f);
        if (rnd_int(4))
            *a &= ~fmt_sign_bit(f);
        return;
    default: break;
    }
    *a = gen_float(f);
    *b = gen_partner(f, op, *a);
    if (rnd_int(2)) { /* either order */
        uint64_t t = *a;
        *a = *b, *b = t;
    }
    if (in->kind == K_FMA)
        *c = gen_addend(f, op, *a, *b);
}

/* ---- Random comparison against the host. ---- */

static const char *const rm_names[] = {"rne", "rtz", "rdn", "rup", "rmm"};

static uint64_t total_cases;

static unsigned random_iterations(enum kind k)
{
    return k == K_ARITH || k == K_SQRT || k == K_FMA ? 100000 : 40000;
}

static void report_mismatch(struct tally *t, enum op op, int rm, uint64_t a, uint64_t b, uint64_t c,
                            uint64_t want, uint32_t wflags, uint64_t got, uint32_t gflags)
{
    if (t->mismatches++ < 20)
        g_test_message("%s %s a=%#" G_GINT64_MODIFIER "x b=%#" G_GINT64_MODIFIER
                       "x c=%#" G_GINT64_MODIFIER "x: want %#" G_GINT64_MODIFIER
                       "x flags %#x, got %#" G_GINT64_MODIFIER "x flags %#x",
                       ops[op].name, rm_names[rm], a, b, c, want, wflags, got, gflags);
}

static void test_random_op(gconstpointer data)
{
    enum op op = (enum op)GPOINTER_TO_INT(data);
    const struct op_info *in = &ops[op];
    struct tally t = {0};
    int modes = in->kind == K_CMP ? 1 : 5; /* comparisons ignore the rounding mode */

    if (in->kind == K_FMA && !have_fma) {
        g_test_skip("the host has no FMA");
        return;
    }
    if ((op == OP_F32_FROM_U64 || op == OP_F64_FROM_U64 || op == OP_F32_TO_U64 ||
         op == OP_F64_TO_U64) &&
        !have_avx512) {
        g_test_skip("the host has no AVX-512F (unsigned 64-bit conversions)");
        return;
    }
    rng_state = UINT64_C(0x5eed0000) + (uint64_t)op;
    for (int rm = 0; rm < modes; rm++) {
        unsigned n = random_iterations(in->kind);
        for (unsigned i = 0; i < n; i++) {
            uint64_t a, b, c, want, got;
            uint32_t wflags = 0, gflags = 0;
            gen_operands(op, &a, &b, &c);
            if (rm == SF_RMM)
                want = rmm_expect(op, a, b, c, &wflags, &t);
            else
                want = host_expect(op, a, b, c, rm, &wflags, &t);
            got = soft_run(op, a, b, c, rm, &gflags);
            t.cases++;
            for (int f = 0; f < 5; f++)
                t.flagged[f] += (wflags >> f) & 1;
            if (got != want || gflags != wflags)
                report_mismatch(&t, op, rm, a, b, c, want, wflags, got, gflags);
        }
    }
    total_cases += t.cases;
    g_test_message("%s: %" G_GUINT64_FORMAT " cases (NX %" G_GUINT64_FORMAT " UF %" G_GUINT64_FORMAT
                   " OF %" G_GUINT64_FORMAT " DZ %" G_GUINT64_FORMAT " NV %" G_GUINT64_FORMAT
                   ", RMM ties %" G_GUINT64_FORMAT
                   "); host needed fixing for: NaN payload %" G_GUINT64_FORMAT
                   ", int saturation value %" G_GUINT64_FORMAT " flags %" G_GUINT64_FORMAT
                   ", fma(inf,0,qNaN) NV %" G_GUINT64_FORMAT,
                   in->name, t.cases, t.flagged[0], t.flagged[1], t.flagged[2], t.flagged[3],
                   t.flagged[4], t.ties, t.nan_payload, t.int_value, t.int_flags, t.fma_qnan_inv);
    g_assert_cmpuint(t.mismatches, ==, 0);
}

/*
 * min/max: x86 MINSS/MAXSD return the second operand when either is a NaN or both are zeros,
 * and raise IE for quiet NaNs, so the host is no oracle. The reference is written from the
 * spec with host comparisons; the count of MINSS/MAXSS disagreements is only reported.
 */
static uint64_t ref_minmax(struct fmt f, uint64_t a, uint64_t b, bool want_max, uint32_t *fl)
{
    bool an = fmt_is_nan(f, a), bn = fmt_is_nan(f, b);

    if (fmt_is_snan(f, a) || fmt_is_snan(f, b))
        *fl |= SF_NV;
    if (an && bn)
        return fmt_canonical_nan(f);
    if (an || bn)
        return an ? b : a;
    double x = f.p == 24 ? (double)f32_of(a) : f64_of(a);
    double y = f.p == 24 ? (double)f32_of(b) : f64_of(b);
    if (x == y && a != b) /* +0 and -0 */
        return !(a & fmt_sign_bit(f)) == want_max ? a : b;
    return (x < y) != want_max ? a : b;
}

static uint64_t host_minmax(struct fmt f, uint64_t a, uint64_t b, bool want_max, uint32_t *fl)
{
    struct sse_env env = {.csr = mxcsr_for(SF_RNE)};
    uint64_t r;

    if (f.p == 24) {
        float x = f32_of(a), y = f32_of(b);
        if (want_max)
            SSE2("maxss", x, y);
        else
            SSE2("minss", x, y);
        r = bits_f32(x);
    } else {
        double x = f64_of(a), y = f64_of(b);
        if (want_max)
            SSE2("maxsd", x, y);
        else
            SSE2("minsd", x, y);
        r = bits_f64(x);
    }
    *fl = flags_of_mxcsr(env.out);
    return r;
}

static void test_random_minmax(gconstpointer data)
{
    enum op op = (enum op)GPOINTER_TO_INT(data);
    struct fmt f = fmt_of(ops[op].src);
    bool want_max = op == OP_F32_MAX || op == OP_F64_MAX;
    struct tally t = {0};
    uint64_t host_differs = 0;
    unsigned n = random_iterations(K_MINMAX);

    rng_state = UINT64_C(0x5eed0000) + (uint64_t)op;
    for (unsigned i = 0; i < n; i++) {
        uint64_t a = gen_float(f), b = gen_partner(f, OP_F32_ADD, a), want, got, h;
        uint32_t wflags = 0, gflags = 0, hflags = 0;
        want = ref_minmax(f, a, b, want_max, &wflags);
        got = soft_run(op, a, b, 0, SF_RNE, &gflags);
        h = host_minmax(f, a, b, want_max, &hflags);
        host_differs += h != want || hflags != wflags;
        t.cases++;
        if (got != want || gflags != wflags)
            report_mismatch(&t, op, SF_RNE, a, b, 0, want, wflags, got, gflags);
    }
    total_cases += t.cases;
    g_test_message("%s: %" G_GUINT64_FORMAT
                   " cases; host MIN/MAX instruction differs in %" G_GUINT64_FORMAT,
                   ops[op].name, t.cases, host_differs);
    g_assert_cmpuint(t.mismatches, ==, 0);
}

/* ---- Hand-written cases. ---- */

#define ALL_RM (-1)

struct hcase {
    enum op op;
    int rm; /* ALL_RM: the same answer in every mode */
    uint64_t a, b, c, want;
    uint32_t flags;
};

/* binary64 */
#define D0 UINT64_C(0)
#define DN0 UINT64_C(0x8000000000000000)
#define D1 UINT64_C(0x3ff0000000000000)
#define DN1 UINT64_C(0xbff0000000000000)
#define D2 UINT64_C(0x4000000000000000)
#define DN2 UINT64_C(0xc000000000000000)
#define D3 UINT64_C(0x4008000000000000)
#define D6 UINT64_C(0x4018000000000000)
#define DHALF UINT64_C(0x3fe0000000000000)
#define DINF UINT64_C(0x7ff0000000000000)
#define DNINF UINT64_C(0xfff0000000000000)
#define DQNAN UINT64_C(0x7ff8000000000000)
#define DQNANP UINT64_C(0xfff8000000012345) /* negative, with a payload */
#define DSNAN UINT64_C(0x7ff0000000000001)
#define DSNANN UINT64_C(0xfff4000000000000)
#define DMAX UINT64_C(0x7fefffffffffffff)
#define DNMAX UINT64_C(0xffefffffffffffff)
#define DMINSUB UINT64_C(0x0000000000000001)
#define DMAXSUB UINT64_C(0x000fffffffffffff)
#define DMINNORM UINT64_C(0x0010000000000000)
#define DCN SF_F64_CANONICAL_NAN
/* binary32 */
#define S0 UINT64_C(0)
#define SN0 UINT64_C(0x80000000)
#define S1 UINT64_C(0x3f800000)
#define SN1 UINT64_C(0xbf800000)
#define S2 UINT64_C(0x40000000)
#define SHALF UINT64_C(0x3f000000)
#define SINF UINT64_C(0x7f800000)
#define SNINF UINT64_C(0xff800000)
#define SQNAN UINT64_C(0x7fc00000)
#define SQNANP UINT64_C(0xffc00123)
#define SSNAN UINT64_C(0x7f800001)
#define SMAX UINT64_C(0x7f7fffff)
#define SMINSUB UINT64_C(0x00000001)
#define SMAXSUB UINT64_C(0x007fffff)
#define SMINNORM UINT64_C(0x00800000)
#define SCN ((uint64_t)SF_F32_CANONICAL_NAN)

#define I32MIN ((uint64_t)(int64_t)INT32_MIN)
#define I64MIN ((uint64_t)INT64_MIN)

#define NX SF_NX
#define UF SF_UF
#define OF SF_OF
#define DZ SF_DZ
#define NV SF_NV

static void run_cases(const struct hcase *cases, size_t n)
{
    unsigned failures = 0, checks = 0;

    for (size_t i = 0; i < n; i++) {
        const struct hcase *k = &cases[i];
        for (int rm = 0; rm < 5; rm++) {
            if (k->rm != ALL_RM && k->rm != rm)
                continue;
            uint32_t fl = 0;
            uint64_t got = soft_run(k->op, k->a, k->b, k->c, rm, &fl);
            checks++;
            if (got == k->want && fl == k->flags)
                continue;
            failures++;
            g_test_message("case %zu: %s %s a=%#" G_GINT64_MODIFIER "x b=%#" G_GINT64_MODIFIER
                           "x c=%#" G_GINT64_MODIFIER "x: want %#" G_GINT64_MODIFIER
                           "x flags %#x, got %#" G_GINT64_MODIFIER "x flags %#x",
                           i, ops[k->op].name, rm_names[rm], k->a, k->b, k->c, k->want, k->flags,
                           got, fl);
        }
    }
    total_cases += checks;
    g_assert_cmpuint(failures, ==, 0);
}

#define RUN_CASES(table) run_cases(table, G_N_ELEMENTS(table))

static void test_nan_rules(void)
{
    static const struct hcase cases[] = {
        /* quiet NaNs in: canonical NaN out, no flags, payload and sign dropped */
        {OP_F64_ADD, ALL_RM, DQNANP, D1, 0, DCN, 0},
        {OP_F64_SUB, ALL_RM, D1, DQNANP, 0, DCN, 0},
        {OP_F64_MUL, ALL_RM, DQNANP, DINF, 0, DCN, 0},
        {OP_F64_MUL, ALL_RM, D0, DQNAN, 0, DCN, 0},  /* 0 * NaN is not invalid */
        {OP_F64_DIV, ALL_RM, DQNANP, D0, 0, DCN, 0}, /* nor a division by zero */
        {OP_F64_SQRT, ALL_RM, DQNANP, 0, 0, DCN, 0},
        {OP_F32_ADD, ALL_RM, SQNANP, S1, 0, SCN, 0},
        {OP_F32_DIV, ALL_RM, S1, SQNANP, 0, SCN, 0},
        {OP_F32_SQRT, ALL_RM, SQNANP, 0, 0, SCN, 0},
        /* signaling NaNs: NV */
        {OP_F64_ADD, ALL_RM, DSNAN, D1, 0, DCN, NV},
        {OP_F64_MUL, ALL_RM, DQNAN, DSNANN, 0, DCN, NV},
        {OP_F64_DIV, ALL_RM, DSNAN, D0, 0, DCN, NV},
        {OP_F64_SQRT, ALL_RM, DSNANN, 0, 0, DCN, NV},
        {OP_F32_SUB, ALL_RM, SSNAN, SINF, 0, SCN, NV},
        {OP_F32_SQRT, ALL_RM, SSNAN, 0, 0, SCN, NV},
        {OP_F64_FMADD, ALL_RM, D1, D1, DSNAN, DCN, NV},
        {OP_F64_FMADD, ALL_RM, DQNAN, D1, D1, DCN, 0},
        {OP_F32_FNMADD, ALL_RM, S1, SSNAN, SQNAN, SCN, NV},
        /* conversions between formats */
        {OP_F64_TO_F32, ALL_RM, DQNANP, 0, 0, SCN, 0},
        {OP_F64_TO_F32, ALL_RM, DSNAN, 0, 0, SCN, NV},
        {OP_F32_TO_F64, ALL_RM, SQNANP, 0, 0, DCN, 0},
        {OP_F32_TO_F64, ALL_RM, SSNAN, 0, 0, DCN, NV},
        {OP_F32_TO_F64, ALL_RM, UINT64_C(0x7fffffff), 0, 0, DCN, 0},
    };
    RUN_CASES(cases);
}

static void test_invalid_and_dz(void)
{
    static const struct hcase cases[] = {
        {OP_F64_ADD, ALL_RM, DINF, DNINF, 0, DCN, NV},
        {OP_F64_SUB, ALL_RM, DINF, DINF, 0, DCN, NV},
        {OP_F64_ADD, ALL_RM, DINF, DINF, 0, DINF, 0},
        {OP_F64_SUB, ALL_RM, DNINF, DINF, 0, DNINF, 0},
        {OP_F64_ADD, ALL_RM, DMAX, DNINF, 0, DNINF, 0},
        {OP_F64_MUL, ALL_RM, D0, DINF, 0, DCN, NV},
        {OP_F64_MUL, ALL_RM, DNINF, DN0, 0, DCN, NV},
        {OP_F64_MUL, ALL_RM, DNINF, DMINSUB, 0, DNINF, 0},
        {OP_F64_DIV, ALL_RM, D0, DN0, 0, DCN, NV},
        {OP_F64_DIV, ALL_RM, DINF, DNINF, 0, DCN, NV},
        {OP_F64_DIV, ALL_RM, D1, D0, 0, DINF, DZ},
        {OP_F64_DIV, ALL_RM, DN1, D0, 0, DNINF, DZ},
        {OP_F64_DIV, ALL_RM, DMINSUB, DN0, 0, DNINF, DZ},
        {OP_F64_DIV, ALL_RM, DINF, D0, 0, DINF, 0}, /* inf / 0 is exact, not DZ */
        {OP_F64_DIV, ALL_RM, D1, DNINF, 0, DN0, 0},
        {OP_F64_DIV, ALL_RM, DN0, D3, 0, DN0, 0},
        {OP_F32_DIV, ALL_RM, SN1, S0, 0, SNINF, DZ},
        {OP_F32_DIV, ALL_RM, S0, S0, 0, SCN, NV},
        {OP_F32_MUL, ALL_RM, SINF, S0, 0, SCN, NV},
        {OP_F32_ADD, ALL_RM, SNINF, SINF, 0, SCN, NV},
        /* sqrt */
        {OP_F64_SQRT, ALL_RM, DN1, 0, 0, DCN, NV},
        {OP_F64_SQRT, ALL_RM, DNINF, 0, 0, DCN, NV},
        {OP_F64_SQRT, ALL_RM, DMINSUB | DN0, 0, 0, DCN, NV},
        {OP_F64_SQRT, ALL_RM, DN0, 0, 0, DN0, 0},
        {OP_F64_SQRT, ALL_RM, D0, 0, 0, D0, 0},
        {OP_F64_SQRT, ALL_RM, DINF, 0, 0, DINF, 0},
        {OP_F64_SQRT, ALL_RM, UINT64_C(0x4010000000000000), 0, 0, D2, 0},
        {OP_F64_SQRT, ALL_RM, DMINSUB, 0, 0, UINT64_C(0x1e60000000000000), 0}, /* 2^-537 */
        {OP_F32_SQRT, ALL_RM, SN0, 0, 0, SN0, 0},
        {OP_F32_SQRT, ALL_RM, SN1, 0, 0, SCN, NV},
        {OP_F32_SQRT, SF_RNE, SMINSUB, 0, 0, UINT64_C(0x1a3504f3), NX},
        {OP_F32_SQRT, SF_RUP, SMINSUB, 0, 0, UINT64_C(0x1a3504f4), NX},
        {OP_F32_SQRT, SF_RUP, S2, 0, 0, UINT64_C(0x3fb504f4), NX},
        {OP_F32_SQRT, SF_RNE, S2, 0, 0, UINT64_C(0x3fb504f3), NX},
        /* fused multiply-add */
        {OP_F64_FMADD, ALL_RM, DINF, D0, DQNAN, DCN, NV}, /* RISC-V: NV even with a qNaN */
        {OP_F64_FMADD, ALL_RM, DN0, DNINF, DQNANP, DCN, NV},
        {OP_F64_FNMADD, ALL_RM, D0, DINF, D1, DCN, NV},
        {OP_F64_FMADD, ALL_RM, DINF, D1, DNINF, DCN, NV},
        {OP_F64_FMSUB, ALL_RM, DINF, D1, DINF, DCN, NV},
        {OP_F64_FNMSUB, ALL_RM, DINF, D1, DINF, DCN, NV},
        {OP_F64_FNMADD, ALL_RM, DINF, D1, DINF, DNINF, 0},
        {OP_F64_FMADD, ALL_RM, DINF, D1, DINF, DINF, 0},
        {OP_F64_FMADD, ALL_RM, DMAX, DMAX, DNINF, DNINF, 0},
        {OP_F64_FMADD, ALL_RM, DINF, DQNAN, D1, DCN, 0},
        {OP_F32_FMADD, ALL_RM, SINF, S0, SQNAN, SCN, NV},
        {OP_F32_FNMSUB, ALL_RM, S0, SINF, SQNANP, SCN, NV},
        {OP_F32_FMSUB, ALL_RM, SINF, S1, SINF, SCN, NV},
    };
    RUN_CASES(cases);
}

static void test_zero_signs(void)
{
    static const struct hcase cases[] = {
        {OP_F64_ADD, SF_RNE, D0, DN0, 0, D0, 0},
        {OP_F64_ADD, SF_RTZ, D0, DN0, 0, D0, 0},
        {OP_F64_ADD, SF_RUP, D0, DN0, 0, D0, 0},
        {OP_F64_ADD, SF_RMM, D0, DN0, 0, D0, 0},
        {OP_F64_ADD, SF_RDN, D0, DN0, 0, DN0, 0},
        {OP_F64_ADD, ALL_RM, DN0, DN0, 0, DN0, 0},
        {OP_F64_SUB, SF_RNE, D0, D0, 0, D0, 0},
        {OP_F64_SUB, SF_RDN, D0, D0, 0, DN0, 0},
        {OP_F64_SUB, ALL_RM, DN0, D0, 0, DN0, 0},
        {OP_F64_ADD, SF_RNE, D1, DN1, 0, D0, 0},
        {OP_F64_ADD, SF_RDN, D1, DN1, 0, DN0, 0},
        {OP_F64_SUB, SF_RMM, DMINSUB, DMINSUB, 0, D0, 0},
        {OP_F64_SUB, SF_RDN, DMINSUB, DMINSUB, 0, DN0, 0},
        {OP_F64_ADD, ALL_RM, DN0, D3, 0, D3, 0},
        {OP_F64_ADD, ALL_RM, DMINSUB, DN0, 0, DMINSUB, 0},
        {OP_F64_SUB, ALL_RM, D0, DMINSUB, 0, DMINSUB | DN0, 0},
        {OP_F64_MUL, ALL_RM, DN0, D3, 0, DN0, 0},
        {OP_F64_MUL, ALL_RM, DN0, DN1, 0, D0, 0},
        {OP_F32_ADD, SF_RDN, S0, SN0, 0, SN0, 0},
        {OP_F32_ADD, SF_RUP, SN0, S0, 0, S0, 0},
        {OP_F32_SUB, SF_RDN, S1, S1, 0, SN0, 0},
        {OP_F32_SUB, SF_RTZ, S1, S1, 0, S0, 0},
        /* fma: the product and addend are negated before the sum */
        {OP_F64_FMADD, SF_RNE, D0, D1, DN0, D0, 0}, /* +0 + -0 */
        {OP_F64_FMADD, SF_RDN, D0, D1, DN0, DN0, 0},
        {OP_F64_FMADD, ALL_RM, DN0, D1, DN0, DN0, 0}, /* -0 + -0 */
        {OP_F64_FMSUB, ALL_RM, DN0, D1, D0, DN0, 0},  /* -0 - +0 */
        {OP_F64_FMSUB, SF_RNE, D0, D1, D0, D0, 0},    /* +0 - +0 */
        {OP_F64_FMSUB, SF_RDN, D0, D1, D0, DN0, 0},
        {OP_F64_FNMADD, ALL_RM, D0, D1, D0, DN0, 0}, /* -0 - +0 */
        {OP_F64_FNMADD, SF_RUP, D0, D1, DN0, D0, 0}, /* -0 + +0 */
        {OP_F64_FNMADD, SF_RDN, D0, D1, DN0, DN0, 0},
        {OP_F64_FNMSUB, SF_RNE, D0, D1, D0, D0, 0}, /* -0 + +0 */
        {OP_F64_FNMSUB, SF_RDN, D0, D1, D0, DN0, 0},
        {OP_F64_FNMSUB, ALL_RM, DN0, D1, D0, D0, 0},     /* +0 + +0 */
        {OP_F64_FNMSUB, ALL_RM, D0, D1, DN0, DN0, 0},    /* -0 + -0 */
        {OP_F64_FMADD, SF_RNE, D2, D3, DN0 | D6, D0, 0}, /* exact cancellation */
        {OP_F64_FMADD, SF_RDN, D2, D3, DN0 | D6, DN0, 0},
        {OP_F64_FNMADD, SF_RTZ, D2, D3, DN0 | D6, D0, 0},
        {OP_F64_FNMADD, SF_RDN, D2, D3, DN0 | D6, DN0, 0},
        {OP_F64_FMADD, ALL_RM, D0, D3, D1, D1, 0},
        {OP_F64_FNMADD, ALL_RM, D0, D3, D1, DN1, 0},
        {OP_F64_FMADD, ALL_RM, D3, D2, DN0, D6, 0},
        {OP_F32_FNMADD, ALL_RM, S0, S1, S0, SN0, 0},
        {OP_F32_FMADD, SF_RDN, S0, SN1, S0, SN0, 0},
        {OP_F32_FMADD, SF_RUP, S0, SN1, S0, S0, 0},
        /* a tiny product plus zero rounds like a multiplication */
        {OP_F64_FMADD, SF_RNE, DMINSUB, DHALF, D0, D0, UF | NX},
        {OP_F64_FMADD, SF_RMM, DMINSUB, DHALF, DN0, DMINSUB, UF | NX},
        {OP_F64_FMADD, SF_RUP, DMINSUB, DHALF, DN0, DMINSUB, UF | NX},
        {OP_F64_FNMADD, SF_RDN, DMINSUB, DHALF, D0, DMINSUB | DN0, UF | NX},
        {OP_F64_FNMADD, SF_RUP, DMINSUB, DHALF, D0, DN0, UF | NX},
        /* conversions keep the sign of zero */
        {OP_F64_TO_F32, ALL_RM, DN0, 0, 0, SN0, 0},
        {OP_F32_TO_F64, ALL_RM, SN0, 0, 0, DN0, 0},
        {OP_F64_TO_F32, SF_RNE, DMINSUB | DN0, 0, 0, SN0, UF | NX},
        {OP_F64_TO_F32, SF_RDN, DMINSUB | DN0, 0, 0, SN0 | SMINSUB, UF | NX},
        {OP_F64_FROM_I64, ALL_RM, 0, 0, 0, D0, 0},
    };
    RUN_CASES(cases);
}

static void test_overflow(void)
{
    static const struct hcase cases[] = {
        {OP_F64_MUL, SF_RNE, DMAX, D2, 0, DINF, OF | NX},
        {OP_F64_MUL, SF_RMM, DMAX, D2, 0, DINF, OF | NX},
        {OP_F64_MUL, SF_RUP, DMAX, D2, 0, DINF, OF | NX},
        {OP_F64_MUL, SF_RTZ, DMAX, D2, 0, DMAX, OF | NX},
        {OP_F64_MUL, SF_RDN, DMAX, D2, 0, DMAX, OF | NX},
        {OP_F64_MUL, SF_RNE, DNMAX, D2, 0, DNINF, OF | NX},
        {OP_F64_MUL, SF_RMM, DNMAX, D2, 0, DNINF, OF | NX},
        {OP_F64_MUL, SF_RDN, DNMAX, D2, 0, DNINF, OF | NX},
        {OP_F64_MUL, SF_RUP, DNMAX, D2, 0, DNMAX, OF | NX},
        {OP_F64_MUL, SF_RTZ, DNMAX, D2, 0, DNMAX, OF | NX},
        /* max + half an ulp: a tie that rounds out of range in RNE (max is odd) and RMM */
        {OP_F64_ADD, SF_RNE, DMAX, UINT64_C(0x7c90000000000000), 0, DINF, OF | NX},
        {OP_F64_ADD, SF_RMM, DMAX, UINT64_C(0x7c90000000000000), 0, DINF, OF | NX},
        {OP_F64_ADD, SF_RTZ, DMAX, UINT64_C(0x7c90000000000000), 0, DMAX, NX},
        {OP_F64_ADD, SF_RDN, DMAX, UINT64_C(0x7c90000000000000), 0, DMAX, NX},
        {OP_F64_ADD, SF_RUP, DMAX, UINT64_C(0x7c90000000000000), 0, DINF, OF | NX},
        /* max + a quarter ulp: no overflow when rounding to nearest */
        {OP_F64_ADD, SF_RNE, DMAX, UINT64_C(0x7c80000000000000), 0, DMAX, NX},
        {OP_F64_ADD, SF_RMM, DMAX, UINT64_C(0x7c80000000000000), 0, DMAX, NX},
        /* max minus the smallest subnormal */
        {OP_F64_ADD, SF_RNE, DMAX, DMINSUB | DN0, 0, DMAX, NX},
        {OP_F64_ADD, SF_RMM, DMAX, DMINSUB | DN0, 0, DMAX, NX},
        {OP_F64_ADD, SF_RUP, DMAX, DMINSUB | DN0, 0, DMAX, NX},
        {OP_F64_ADD, SF_RTZ, DMAX, DMINSUB | DN0, 0, DMAX - 1, NX},
        {OP_F64_ADD, SF_RDN, DMAX, DMINSUB | DN0, 0, DMAX - 1, NX},
        {OP_F64_DIV, SF_RNE, DMAX, DHALF, 0, DINF, OF | NX},
        {OP_F64_DIV, SF_RTZ, D1, DMINSUB, 0, DMAX, OF | NX},
        {OP_F64_FMADD, SF_RNE, DMAX, D2, DNMAX, DMAX, 0}, /* the exact sum is in range */
        {OP_F64_FMADD, SF_RMM, DMAX, DMAX, DNINF, DNINF, 0},
        {OP_F64_FMADD, SF_RDN, DMAX, DMAX, D1, DMAX, OF | NX},
        {OP_F64_FNMSUB, SF_RMM, DMAX, DMAX, D1, DNINF, OF | NX},
        {OP_F32_MUL, SF_RNE, SMAX, S2, 0, SINF, OF | NX},
        {OP_F32_MUL, SF_RMM, SMAX, S2, 0, SINF, OF | NX},
        {OP_F32_MUL, SF_RTZ, SMAX, S2, 0, SMAX, OF | NX},
        {OP_F32_ADD, SF_RMM, SMAX, UINT64_C(0x73000000), 0, SINF, OF | NX}, /* max + ulp/2 */
        {OP_F32_ADD, SF_RNE, SMAX, UINT64_C(0x72800000), 0, SMAX, NX},      /* max + ulp/4 */
        {OP_F64_TO_F32, SF_RNE, UINT64_C(0x47f0000000000000), 0, 0, SINF, OF | NX}, /* 2^128 */
        {OP_F64_TO_F32, SF_RTZ, UINT64_C(0x47f0000000000000), 0, 0, SMAX, OF | NX},
        /* binary32 max + half its ulp, from binary64 */
        {OP_F64_TO_F32, SF_RMM, UINT64_C(0x47effffff0000000), 0, 0, SINF, OF | NX},
        {OP_F64_TO_F32, SF_RNE, UINT64_C(0x47effffff0000000), 0, 0, SINF, OF | NX},
        {OP_F64_TO_F32, SF_RTZ, UINT64_C(0x47effffff0000000), 0, 0, SMAX, NX},
        {OP_F64_TO_F32, SF_RDN, UINT64_C(0xc7effffff0000000), 0, 0, SINF | SN0, OF | NX},
        {OP_F64_TO_F32, SF_RUP, UINT64_C(0xc7effffff0000000), 0, 0, SMAX | SN0, NX},
        /* the largest integers round to 2^64 in binary32: in range */
        {OP_F32_FROM_U64, SF_RNE, UINT64_MAX, 0, 0, UINT64_C(0x5f800000), NX},
        {OP_F32_FROM_U64, SF_RMM, UINT64_MAX, 0, 0, UINT64_C(0x5f800000), NX},
        {OP_F32_FROM_U64, SF_RUP, UINT64_MAX, 0, 0, UINT64_C(0x5f800000), NX},
        {OP_F32_FROM_U64, SF_RTZ, UINT64_MAX, 0, 0, UINT64_C(0x5f7fffff), NX},
        {OP_F32_FROM_U64, SF_RDN, UINT64_MAX, 0, 0, UINT64_C(0x5f7fffff), NX},
    };
    RUN_CASES(cases);
}

/*
 * Underflow: tininess after rounding, UF only when also inexact. The product
 * (1 - 2^-52) * 2^-1022 * (1 + 2^-52) = 2^-1022 * (1 - 2^-104) lies just below 2^-1022: it rounds
 * to 2^-1022 at full precision in RNE/RMM/RUP (not tiny: NX only) and stays below in RTZ/RDN
 * (tiny: the largest subnormal with UF).
 */
static void test_underflow(void)
{
    static const uint64_t below_one = UINT64_C(0x3feffffffffffffe);
    static const uint64_t minnorm_up = UINT64_C(0x0010000000000001);
    static const struct hcase cases[] = {
        {OP_F64_MUL, SF_RNE, below_one, minnorm_up, 0, DMINNORM, NX},
        {OP_F64_MUL, SF_RMM, below_one, minnorm_up, 0, DMINNORM, NX},
        {OP_F64_MUL, SF_RUP, below_one, minnorm_up, 0, DMINNORM, NX},
        {OP_F64_MUL, SF_RTZ, below_one, minnorm_up, 0, DMAXSUB, UF | NX},
        {OP_F64_MUL, SF_RDN, below_one, minnorm_up, 0, DMAXSUB, UF | NX},
        /* exactly tiny results raise nothing */
        {OP_F64_MUL, ALL_RM, DMINSUB * 8, DHALF, 0, DMINSUB * 4, 0},
        {OP_F64_SUB, ALL_RM, DMINNORM, DMINSUB, 0, DMAXSUB, 0},
        {OP_F64_ADD, ALL_RM, DMAXSUB, DMINSUB, 0, DMINNORM, 0},
        {OP_F64_DIV, ALL_RM, DMINNORM, UINT64_C(0x4330000000000000), 0, DMINSUB, 0}, /* /2^52 */
        {OP_F32_MUL, ALL_RM, SMINNORM, SHALF, 0, UINT64_C(0x00400000), 0},
        {OP_F64_TO_F32, ALL_RM, UINT64_C(0x36a0000000000000), 0, 0, SMINSUB, 0}, /* 2^-149 */
        /* the smallest subnormal halved: a tie with zero */
        {OP_F64_MUL, SF_RNE, DMINSUB, DHALF, 0, D0, UF | NX},
        {OP_F64_MUL, SF_RMM, DMINSUB, DHALF, 0, DMINSUB, UF | NX},
        {OP_F64_MUL, SF_RTZ, DMINSUB, DHALF, 0, D0, UF | NX},
        {OP_F64_MUL, SF_RDN, DMINSUB, DHALF, 0, D0, UF | NX},
        {OP_F64_MUL, SF_RUP, DMINSUB, DHALF, 0, DMINSUB, UF | NX},
        {OP_F64_MUL, SF_RDN, DMINSUB | DN0, DHALF, 0, DMINSUB | DN0, UF | NX},
        {OP_F64_MUL, SF_RMM, DMINSUB | DN0, DHALF, 0, DMINSUB | DN0, UF | NX},
        {OP_F64_MUL, SF_RNE, DMINSUB | DN0, DHALF, 0, DN0, UF | NX},
        /* 1.5 and 2.5 smallest subnormals: RNE to 2 and 2, RMM to 2 and 3 */
        {OP_F64_MUL, SF_RNE, DMINSUB * 3, DHALF, 0, DMINSUB * 2, UF | NX},
        {OP_F64_MUL, SF_RMM, DMINSUB * 3, DHALF, 0, DMINSUB * 2, UF | NX},
        {OP_F64_MUL, SF_RTZ, DMINSUB * 3, DHALF, 0, DMINSUB, UF | NX},
        {OP_F64_MUL, SF_RDN, DMINSUB * 3, DHALF, 0, DMINSUB, UF | NX},
        {OP_F64_MUL, SF_RUP, DMINSUB * 3, DHALF, 0, DMINSUB * 2, UF | NX},
        {OP_F64_DIV, SF_RNE, DMINSUB * 5, D2, 0, DMINSUB * 2, UF | NX},
        {OP_F64_DIV, SF_RMM, DMINSUB * 5, D2, 0, DMINSUB * 3, UF | NX},
        {OP_F64_DIV, SF_RTZ, DMINSUB * 5, D2, 0, DMINSUB * 2, UF | NX},
        {OP_F64_DIV, SF_RUP, DMINSUB * 5, D2, 0, DMINSUB * 3, UF | NX},
        {OP_F32_MUL, SF_RNE, SMINSUB * 5, SHALF, 0, SMINSUB * 2, UF | NX},
        {OP_F32_MUL, SF_RMM, SMINSUB * 5, SHALF, 0, SMINSUB * 3, UF | NX},
        {OP_F32_MUL, SF_RMM, SMINSUB, SHALF, 0, SMINSUB, UF | NX},
        {OP_F32_MUL, SF_RNE, SMINSUB, SHALF, 0, S0, UF | NX},
        /*
         * 2^-126 * (1 - 2^-25) from binary64: at full precision it rounds to 2^-126 in RNE
         * (not tiny), at the subnormal precision too: NX only. In RTZ: the largest subnormal.
         */
        {OP_F64_TO_F32, SF_RNE, UINT64_C(0x380ffffff0000000), 0, 0, SMINNORM, NX},
        {OP_F64_TO_F32, SF_RMM, UINT64_C(0x380ffffff0000000), 0, 0, SMINNORM, NX},
        {OP_F64_TO_F32, SF_RTZ, UINT64_C(0x380ffffff0000000), 0, 0, SMAXSUB, UF | NX},
        /*
         * 2^-126 * (1 - 2^-24) has 24 bits, so it is tiny even after rounding, but at the
         * subnormal precision it is a tie that RNE rounds up to 2^-126: 2^-126 with UF.
         */
        {OP_F64_TO_F32, SF_RNE, UINT64_C(0x380fffffe0000000), 0, 0, SMINNORM, UF | NX},
        {OP_F64_TO_F32, SF_RMM, UINT64_C(0x380fffffe0000000), 0, 0, SMINNORM, UF | NX},
        {OP_F64_TO_F32, SF_RUP, UINT64_C(0x380fffffe0000000), 0, 0, SMINNORM, UF | NX},
        {OP_F64_TO_F32, SF_RDN, UINT64_C(0x380fffffe0000000), 0, 0, SMAXSUB, UF | NX},
        /* 2^-150 is a tie between 0 and the smallest subnormal */
        {OP_F64_TO_F32, SF_RNE, UINT64_C(0x3690000000000000), 0, 0, S0, UF | NX},
        {OP_F64_TO_F32, SF_RMM, UINT64_C(0x3690000000000000), 0, 0, SMINSUB, UF | NX},
        {OP_F64_TO_F32, SF_RUP, UINT64_C(0x3690000000000000), 0, 0, SMINSUB, UF | NX},
    };
    RUN_CASES(cases);
}

/* RMM ties with known answers, in normal, subnormal and overflow ranges. */
static void test_rmm(void)
{
    static const uint64_t ulp_half = UINT64_C(0x3ca0000000000000); /* 2^-53 */
    static const struct hcase cases[] = {
        /* 1 + 2^-53: RNE to 1 (even), RMM away */
        {OP_F64_ADD, SF_RNE, D1, ulp_half, 0, D1, NX},
        {OP_F64_ADD, SF_RMM, D1, ulp_half, 0, D1 + 1, NX},
        {OP_F64_SUB, SF_RMM, DN1, ulp_half, 0, DN1 + 1, NX},
        {OP_F64_ADD, SF_RMM, D1 + 1, ulp_half, 0, D1 + 2, NX},
        {OP_F64_ADD, SF_RNE, D1 + 1, ulp_half, 0, D1 + 2, NX},
        {OP_F64_ADD, SF_RMM, D1, UINT64_C(0x3c9fffffffffffff), 0, D1, NX}, /* below the tie */
        /* (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104: not a tie */
        {OP_F64_MUL, SF_RMM, D1 + 1, D1 + 1, 0, D1 + 2, NX},
        /* 3 * (1 + 2^-52) * ... : 1.5 * (1 + 2^-52) = 1.5 + 1.5 * 2^-52 (tie at 2^-52 ulp) */
        {OP_F64_MUL, SF_RNE, UINT64_C(0x3ff8000000000000), D1 + 1, 0, UINT64_C(0x3ff8000000000002),
         NX},
        {OP_F64_MUL, SF_RMM, UINT64_C(0x3ff8000000000000), D1 + 1, 0, UINT64_C(0x3ff8000000000002),
         NX},
        {OP_F64_MUL, SF_RTZ, UINT64_C(0x3ff8000000000000), D1 + 1, 0, UINT64_C(0x3ff8000000000001),
         NX},
        /* fma: 1 * 1 + 2^-53 */
        {OP_F64_FMADD, SF_RMM, D1, D1, ulp_half, D1 + 1, NX},
        {OP_F64_FMADD, SF_RNE, D1, D1, ulp_half, D1, NX},
        {OP_F64_FNMADD, SF_RMM, D1, D1, ulp_half, DN1 + 1, NX},
        {OP_F32_ADD, SF_RMM, S1, UINT64_C(0x33800000), 0, S1 + 1, NX}, /* 1 + 2^-24 */
        {OP_F32_ADD, SF_RNE, S1, UINT64_C(0x33800000), 0, S1, NX},
        {OP_F32_FMSUB, SF_RMM, S1, S1, UINT64_C(0xb3800000), S1 + 1, NX},
        {OP_F64_TO_F32, SF_RMM, UINT64_C(0x3ff0000010000000), 0, 0, S1 + 1, NX},
        {OP_F64_TO_F32, SF_RNE, UINT64_C(0x3ff0000010000000), 0, 0, S1, NX},
        {OP_F64_TO_F32, SF_RMM, UINT64_C(0xbff0000010000000), 0, 0, SN1 + 1, NX},
        /* integers */
        {OP_F64_FROM_I64, SF_RMM, (UINT64_C(1) << 53) + 1, 0, 0, UINT64_C(0x4340000000000001), NX},
        {OP_F64_FROM_I64, SF_RNE, (UINT64_C(1) << 53) + 1, 0, 0, UINT64_C(0x4340000000000000), NX},
        {OP_F64_FROM_I64, SF_RMM, -((UINT64_C(1) << 53) + 1), 0, 0, UINT64_C(0xc340000000000001),
         NX},
        {OP_F32_FROM_I32, SF_RMM, (1u << 24) + 1, 0, 0, UINT64_C(0x4b800001), NX},
        {OP_F32_FROM_I32, SF_RNE, (1u << 24) + 1, 0, 0, UINT64_C(0x4b800000), NX},
        {OP_F32_FROM_U32, SF_RMM, UINT32_MAX, 0, 0, UINT64_C(0x4f800000), NX},
        /* to integers: halves go away from zero */
        {OP_F64_TO_I32, SF_RMM, UINT64_C(0x4004000000000000), 0, 0, 3, NX}, /* 2.5 */
        {OP_F64_TO_I32, SF_RNE, UINT64_C(0x4004000000000000), 0, 0, 2, NX},
        {OP_F64_TO_I32, SF_RMM, UINT64_C(0xc004000000000000), 0, 0, (uint64_t)-3, NX},
        {OP_F64_TO_I64, SF_RMM, DHALF, 0, 0, 1, NX},
        {OP_F64_TO_I64, SF_RMM, DHALF | DN0, 0, 0, (uint64_t)-1, NX},
        {OP_F64_TO_I64, SF_RNE, DHALF | DN0, 0, 0, 0, NX},
        {OP_F64_TO_U64, SF_RMM, DHALF | DN0, 0, 0, 0, NV},
        {OP_F64_TO_U64, SF_RNE, DHALF | DN0, 0, 0, 0, NX},
        {OP_F32_TO_U32, SF_RMM, UINT64_C(0x3fc00000), 0, 0, 2, NX}, /* 1.5 */
        {OP_F32_TO_I32, SF_RMM, UINT64_C(0xbfc00000), 0, 0, (uint64_t)-2, NX},
        {OP_F32_TO_I32, SF_RMM, UINT64_C(0x3f000001), 0, 0, 1, NX},
        {OP_F32_TO_I32, SF_RMM, UINT64_C(0x3effffff), 0, 0, 0, NX},
        /* -2^31 - 0.5: RNE to -2^31 (even, in range), RMM out of range */
        {OP_F64_TO_I32, SF_RNE, UINT64_C(0xc1e0000000100000), 0, 0, I32MIN, NX},
        {OP_F64_TO_I32, SF_RMM, UINT64_C(0xc1e0000000100000), 0, 0, I32MIN, NV},
        /* 2^31 - 1.5: RNE to 2^31 - 2, RMM to 2^31 - 1 */
        {OP_F64_TO_I32, SF_RNE, UINT64_C(0x41dfffffffa00000), 0, 0, INT32_MAX - 1, NX},
        {OP_F64_TO_I32, SF_RMM, UINT64_C(0x41dfffffffa00000), 0, 0, INT32_MAX, NX},
        /* 2^32 - 0.5 to u32: out of range in RNE and RMM, in range in RTZ */
        {OP_F64_TO_U32, SF_RMM, UINT64_C(0x41effffffff00000), 0, 0, UINT32_MAX, NV},
        {OP_F64_TO_U32, SF_RNE, UINT64_C(0x41effffffff00000), 0, 0, UINT32_MAX, NV},
        {OP_F64_TO_U32, SF_RTZ, UINT64_C(0x41effffffff00000), 0, 0, UINT32_MAX, NX},
        /* sqrt never ties; a square root of an exact square is exact */
        {OP_F64_SQRT, SF_RMM, UINT64_C(0x4022000000000000), 0, 0, D3, 0},
    };
    RUN_CASES(cases);
}

static void test_minmax(void)
{
    static const struct hcase cases[] = {
        {OP_F64_MIN, ALL_RM, D1, D2, 0, D1, 0},
        {OP_F64_MAX, ALL_RM, D1, D2, 0, D2, 0},
        {OP_F64_MIN, ALL_RM, DN1, DN2, 0, DN2, 0},
        {OP_F64_MAX, ALL_RM, DN1, DN2, 0, DN1, 0},
        {OP_F64_MIN, ALL_RM, DN0, D0, 0, DN0, 0},
        {OP_F64_MIN, ALL_RM, D0, DN0, 0, DN0, 0},
        {OP_F64_MAX, ALL_RM, DN0, D0, 0, D0, 0},
        {OP_F64_MAX, ALL_RM, D0, DN0, 0, D0, 0},
        {OP_F64_MIN, ALL_RM, DQNAN, D1, 0, D1, 0},
        {OP_F64_MIN, ALL_RM, D1, DQNANP, 0, D1, 0},
        {OP_F64_MAX, ALL_RM, DQNANP, DN2, 0, DN2, 0},
        {OP_F64_MIN, ALL_RM, DSNAN, D1, 0, D1, NV},
        {OP_F64_MAX, ALL_RM, DN0, DSNANN, 0, DN0, NV},
        {OP_F64_MIN, ALL_RM, DQNAN, DQNANP, 0, DCN, 0},
        {OP_F64_MAX, ALL_RM, DQNANP, DQNANP, 0, DCN, 0},
        {OP_F64_MIN, ALL_RM, DSNAN, DQNAN, 0, DCN, NV},
        {OP_F64_MAX, ALL_RM, DQNAN, DSNANN, 0, DCN, NV},
        {OP_F64_MIN, ALL_RM, DNINF, DNMAX, 0, DNINF, 0},
        {OP_F64_MAX, ALL_RM, DINF, DQNAN, 0, DINF, 0},
        {OP_F64_MIN, ALL_RM, DMINSUB, DN0, 0, DN0, 0},
        {OP_F64_MAX, ALL_RM, DMINSUB | DN0, D0, 0, D0, 0},
        {OP_F64_MIN, ALL_RM, DMINSUB, DMINSUB + 1, 0, DMINSUB, 0},
        {OP_F32_MIN, ALL_RM, SN0, S0, 0, SN0, 0},
        {OP_F32_MAX, ALL_RM, SN0, S0, 0, S0, 0},
        {OP_F32_MIN, ALL_RM, SQNANP, S2, 0, S2, 0},
        {OP_F32_MIN, ALL_RM, SSNAN, S2, 0, S2, NV},
        {OP_F32_MAX, ALL_RM, SSNAN, SQNAN, 0, SCN, NV},
        {OP_F32_MAX, ALL_RM, SNINF, SN1, 0, SN1, 0},
        {OP_F32_MIN, ALL_RM, S1, SHALF, 0, SHALF, 0},
    };
    RUN_CASES(cases);
}

static void test_compare(void)
{
    static const struct hcase cases[] = {
        {OP_F64_EQ, ALL_RM, D1, D1, 0, 1, 0},
        {OP_F64_EQ, ALL_RM, D1, D2, 0, 0, 0},
        {OP_F64_EQ, ALL_RM, D0, DN0, 0, 1, 0},
        {OP_F64_EQ, ALL_RM, DQNAN, DQNAN, 0, 0, 0},
        {OP_F64_EQ, ALL_RM, D1, DQNANP, 0, 0, 0},
        {OP_F64_EQ, ALL_RM, DSNAN, D1, 0, 0, NV},
        {OP_F64_EQ, ALL_RM, DQNAN, DSNANN, 0, 0, NV},
        {OP_F64_EQ, ALL_RM, DINF, DINF, 0, 1, 0},
        {OP_F64_EQ, ALL_RM, DINF, DNINF, 0, 0, 0},
        {OP_F64_LT, ALL_RM, D1, D2, 0, 1, 0},
        {OP_F64_LT, ALL_RM, D2, D1, 0, 0, 0},
        {OP_F64_LT, ALL_RM, D1, D1, 0, 0, 0},
        {OP_F64_LT, ALL_RM, DN2, DN1, 0, 1, 0},
        {OP_F64_LT, ALL_RM, DN1, DN2, 0, 0, 0},
        {OP_F64_LT, ALL_RM, DN1, D1, 0, 1, 0},
        {OP_F64_LT, ALL_RM, DN0, D0, 0, 0, 0},
        {OP_F64_LT, ALL_RM, D0, DN0, 0, 0, 0},
        {OP_F64_LT, ALL_RM, DN0, DMINSUB, 0, 1, 0},
        {OP_F64_LT, ALL_RM, DMINSUB | DN0, D0, 0, 1, 0},
        {OP_F64_LT, ALL_RM, DNINF, DINF, 0, 1, 0},
        {OP_F64_LT, ALL_RM, DMAX, DINF, 0, 1, 0},
        {OP_F64_LT, ALL_RM, DQNAN, D1, 0, 0, NV},
        {OP_F64_LT, ALL_RM, D1, DSNAN, 0, 0, NV},
        {OP_F64_LE, ALL_RM, D1, D1, 0, 1, 0},
        {OP_F64_LE, ALL_RM, D0, DN0, 0, 1, 0},
        {OP_F64_LE, ALL_RM, DN0, D0, 0, 1, 0},
        {OP_F64_LE, ALL_RM, D2, D1, 0, 0, 0},
        {OP_F64_LE, ALL_RM, DN2, DN1, 0, 1, 0},
        {OP_F64_LE, ALL_RM, DN1, DN2, 0, 0, 0},
        {OP_F64_LE, ALL_RM, D1, DQNANP, 0, 0, NV},
        {OP_F64_LE, ALL_RM, DQNAN, DQNAN, 0, 0, NV},
        {OP_F64_LE, ALL_RM, DINF, DINF, 0, 1, 0},
        {OP_F32_EQ, ALL_RM, SN0, S0, 0, 1, 0},
        {OP_F32_EQ, ALL_RM, SQNAN, S1, 0, 0, 0},
        {OP_F32_EQ, ALL_RM, SSNAN, SSNAN, 0, 0, NV},
        {OP_F32_LT, ALL_RM, SQNANP, S1, 0, 0, NV},
        {OP_F32_LT, ALL_RM, SN1, SN0, 0, 1, 0},
        {OP_F32_LT, ALL_RM, SMINSUB, SMINSUB + 1, 0, 1, 0},
        {OP_F32_LE, ALL_RM, SNINF, SNINF, 0, 1, 0},
        {OP_F32_LE, ALL_RM, S1, SQNAN, 0, 0, NV},
        {OP_F32_LE, ALL_RM, S0, SN0, 0, 1, 0},
    };
    RUN_CASES(cases);
}

static void test_classify(void)
{
    static const struct hcase cases[] = {
        {OP_F64_CLASS, ALL_RM, DNINF, 0, 0, SF_CLASS_NEG_INF, 0},
        {OP_F64_CLASS, ALL_RM, DN1, 0, 0, SF_CLASS_NEG_NORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DNMAX, 0, 0, SF_CLASS_NEG_NORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DMINNORM | DN0, 0, 0, SF_CLASS_NEG_NORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DMAXSUB | DN0, 0, 0, SF_CLASS_NEG_SUBNORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DMINSUB | DN0, 0, 0, SF_CLASS_NEG_SUBNORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DN0, 0, 0, SF_CLASS_NEG_ZERO, 0},
        {OP_F64_CLASS, ALL_RM, D0, 0, 0, SF_CLASS_POS_ZERO, 0},
        {OP_F64_CLASS, ALL_RM, DMINSUB, 0, 0, SF_CLASS_POS_SUBNORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DMAXSUB, 0, 0, SF_CLASS_POS_SUBNORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DMINNORM, 0, 0, SF_CLASS_POS_NORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DMAX, 0, 0, SF_CLASS_POS_NORMAL, 0},
        {OP_F64_CLASS, ALL_RM, DINF, 0, 0, SF_CLASS_POS_INF, 0},
        {OP_F64_CLASS, ALL_RM, DSNAN, 0, 0, SF_CLASS_SNAN, 0},
        {OP_F64_CLASS, ALL_RM, DSNANN, 0, 0, SF_CLASS_SNAN, 0},
        {OP_F64_CLASS, ALL_RM, UINT64_C(0x7ff7ffffffffffff), 0, 0, SF_CLASS_SNAN, 0},
        {OP_F64_CLASS, ALL_RM, DQNAN, 0, 0, SF_CLASS_QNAN, 0},
        {OP_F64_CLASS, ALL_RM, DQNANP, 0, 0, SF_CLASS_QNAN, 0},
        {OP_F32_CLASS, ALL_RM, SNINF, 0, 0, SF_CLASS_NEG_INF, 0},
        {OP_F32_CLASS, ALL_RM, SN1, 0, 0, SF_CLASS_NEG_NORMAL, 0},
        {OP_F32_CLASS, ALL_RM, SMAXSUB | SN0, 0, 0, SF_CLASS_NEG_SUBNORMAL, 0},
        {OP_F32_CLASS, ALL_RM, SN0, 0, 0, SF_CLASS_NEG_ZERO, 0},
        {OP_F32_CLASS, ALL_RM, S0, 0, 0, SF_CLASS_POS_ZERO, 0},
        {OP_F32_CLASS, ALL_RM, SMINSUB, 0, 0, SF_CLASS_POS_SUBNORMAL, 0},
        {OP_F32_CLASS, ALL_RM, SMINNORM, 0, 0, SF_CLASS_POS_NORMAL, 0},
        {OP_F32_CLASS, ALL_RM, SMAX, 0, 0, SF_CLASS_POS_NORMAL, 0},
        {OP_F32_CLASS, ALL_RM, SINF, 0, 0, SF_CLASS_POS_INF, 0},
        {OP_F32_CLASS, ALL_RM, SSNAN, 0, 0, SF_CLASS_SNAN, 0},
        {OP_F32_CLASS, ALL_RM, UINT64_C(0x7fbfffff), 0, 0, SF_CLASS_SNAN, 0},
        {OP_F32_CLASS, ALL_RM, SQNAN, 0, 0, SF_CLASS_QNAN, 0},
        {OP_F32_CLASS, ALL_RM, SQNANP, 0, 0, SF_CLASS_QNAN, 0},
    };
    RUN_CASES(cases);
}

/* The RISC-V saturation table for fcvt.{w,wu,l,lu}.{s,d}, and the range edges. */
static void test_saturation(void)
{
    static const struct {
        enum op f64_op, f32_op;
        enum ty t;
    } conv[] = {
        {OP_F64_TO_I32, OP_F32_TO_I32, T_I32},
        {OP_F64_TO_U32, OP_F32_TO_U32, T_U32},
        {OP_F64_TO_I64, OP_F32_TO_I64, T_I64},
        {OP_F64_TO_U64, OP_F32_TO_U64, T_U64},
    };
    GArray *cases = g_array_new(FALSE, FALSE, sizeof(struct hcase));
    for (size_t i = 0; i < G_N_ELEMENTS(conv); i++) {
        enum ty t = conv[i].t;
        const struct hcase rows[] = {
            {conv[i].f64_op, ALL_RM, DQNAN, 0, 0, int_max(t), NV},
            {conv[i].f64_op, ALL_RM, DQNANP, 0, 0, int_max(t), NV}, /* negative NaN: max */
            {conv[i].f64_op, ALL_RM, DSNANN, 0, 0, int_max(t), NV},
            {conv[i].f64_op, ALL_RM, DINF, 0, 0, int_max(t), NV},
            {conv[i].f64_op, ALL_RM, DNINF, 0, 0, int_min(t), NV},
            {conv[i].f64_op, ALL_RM, DMAX, 0, 0, int_max(t), NV},
            {conv[i].f64_op, ALL_RM, DNMAX, 0, 0, int_min(t), NV},
            {conv[i].f64_op, ALL_RM, UINT64_C(0x43f0000000000000), 0, 0, int_max(t), NV}, /* 2^64 */
            {conv[i].f64_op, ALL_RM, D0, 0, 0, 0, 0},
            {conv[i].f64_op, ALL_RM, DN0, 0, 0, 0, 0},
            {conv[i].f64_op, ALL_RM, D1, 0, 0, 1, 0},
            {conv[i].f64_op, SF_RTZ, DMINSUB, 0, 0, 0, NX},
            {conv[i].f64_op, SF_RUP, DMINSUB, 0, 0, 1, NX},
            {conv[i].f64_op, SF_RTZ, UINT64_C(0xbfeccccccccccccd), 0, 0, 0, NX}, /* -0.9 */
            {conv[i].f64_op, SF_RUP, UINT64_C(0xbfeccccccccccccd), 0, 0, 0, NX},
            {conv[i].f32_op, ALL_RM, SQNAN, 0, 0, int_max(t), NV},
            {conv[i].f32_op, ALL_RM, SQNANP, 0, 0, int_max(t), NV},
            {conv[i].f32_op, ALL_RM, SSNAN, 0, 0, int_max(t), NV},
            {conv[i].f32_op, ALL_RM, SINF, 0, 0, int_max(t), NV},
            {conv[i].f32_op, ALL_RM, SNINF, 0, 0, int_min(t), NV},
            {conv[i].f32_op, ALL_RM, SMAX, 0, 0, int_max(t), NV},
            {conv[i].f32_op, ALL_RM, SMAX | SN0, 0, 0, int_min(t), NV},
            {conv[i].f32_op, ALL_RM, SN0, 0, 0, 0, 0},
            {conv[i].f32_op, SF_RDN, SMINSUB, 0, 0, 0, NX},
        };
        g_array_append_vals(cases, rows, G_N_ELEMENTS(rows));
    }
    static const struct hcase edges[] = {
        /* -1 is out of range for the unsigned types, -0.9 rounding down to -1 too */
        {OP_F64_TO_U32, ALL_RM, DN1, 0, 0, 0, NV},
        {OP_F64_TO_U64, ALL_RM, DN1, 0, 0, 0, NV},
        {OP_F32_TO_U32, ALL_RM, SN1, 0, 0, 0, NV},
        {OP_F64_TO_U32, SF_RDN, UINT64_C(0xbfeccccccccccccd), 0, 0, 0, NV},
        {OP_F64_TO_U64, SF_RNE, UINT64_C(0xbfeccccccccccccd), 0, 0, 0, NV},
        {OP_F64_TO_I32, SF_RDN, UINT64_C(0xbfeccccccccccccd), 0, 0, (uint64_t)-1, NX},
        /* int32 */
        {OP_F64_TO_I32, ALL_RM, UINT64_C(0x41dfffffffc00000), 0, 0, INT32_MAX, 0},
        {OP_F64_TO_I32, ALL_RM, UINT64_C(0x41e0000000000000), 0, 0, INT32_MAX, NV},
        {OP_F64_TO_I32, ALL_RM, UINT64_C(0xc1e0000000000000), 0, 0, I32MIN, 0},
        {OP_F64_TO_I32, ALL_RM, UINT64_C(0xc1e0000000200000), 0, 0, I32MIN, NV},
        {OP_F64_TO_I32, SF_RNE, UINT64_C(0x41dfffffffe00000), 0, 0, INT32_MAX, NV}, /* 2^31-.5 */
        {OP_F64_TO_I32, SF_RTZ, UINT64_C(0x41dfffffffe00000), 0, 0, INT32_MAX, NX},
        {OP_F64_TO_I32, SF_RUP, UINT64_C(0x41dfffffffe00000), 0, 0, INT32_MAX, NV},
        {OP_F64_TO_I32, SF_RUP, UINT64_C(0xc1e0000000100000), 0, 0, I32MIN, NX},
        {OP_F64_TO_I32, SF_RDN, UINT64_C(0xc1e0000000100000), 0, 0, I32MIN, NV},
        {OP_F32_TO_I32, ALL_RM, UINT64_C(0x4f000000), 0, 0, INT32_MAX, NV}, /* 2^31 */
        {OP_F32_TO_I32, ALL_RM, UINT64_C(0xcf000000), 0, 0, I32MIN, 0},     /* -2^31 */
        {OP_F32_TO_I32, ALL_RM, UINT64_C(0x4effffff), 0, 0, 0x7fffff80, 0},
        /* uint32 */
        {OP_F64_TO_U32, ALL_RM, UINT64_C(0x41efffffffe00000), 0, 0, UINT32_MAX, 0},
        {OP_F64_TO_U32, ALL_RM, UINT64_C(0x41f0000000000000), 0, 0, UINT32_MAX, NV},
        {OP_F32_TO_U32, ALL_RM, UINT64_C(0x4f800000), 0, 0, UINT32_MAX, NV}, /* 2^32 */
        {OP_F32_TO_U32, ALL_RM, UINT64_C(0x4f7fffff), 0, 0, 0xffffff00, 0},
        /* int64 */
        {OP_F64_TO_I64, ALL_RM, UINT64_C(0x43e0000000000000), 0, 0, INT64_MAX, NV}, /* 2^63 */
        {OP_F64_TO_I64, ALL_RM, UINT64_C(0x43dfffffffffffff), 0, 0, UINT64_C(0x7ffffffffffffc00),
         0},
        {OP_F64_TO_I64, ALL_RM, UINT64_C(0xc3e0000000000000), 0, 0, I64MIN, 0},
        {OP_F64_TO_I64, ALL_RM, UINT64_C(0xc3e0000000000001), 0, 0, I64MIN, NV},
        {OP_F32_TO_I64, ALL_RM, UINT64_C(0xdf000000), 0, 0, I64MIN, 0},
        {OP_F32_TO_I64, ALL_RM, UINT64_C(0x5f000000), 0, 0, INT64_MAX, NV},
        /* uint64 */
        {OP_F64_TO_U64, ALL_RM, UINT64_C(0x43efffffffffffff), 0, 0, UINT64_C(0xfffffffffffff800),
         0},
        {OP_F64_TO_U64, ALL_RM, UINT64_C(0x43e0000000000000), 0, 0, UINT64_C(1) << 63, 0},
        {OP_F32_TO_U64, ALL_RM, UINT64_C(0x5f800000), 0, 0, UINT64_MAX, NV}, /* 2^64 */
        {OP_F32_TO_U64, ALL_RM, UINT64_C(0x5f7fffff), 0, 0, UINT64_C(0xffffff0000000000), 0},
        /* in-range inexact */
        {OP_F64_TO_I64, SF_RNE, UINT64_C(0x400c000000000000), 0, 0, 4, NX}, /* 3.5 */
        {OP_F64_TO_I64, SF_RDN, UINT64_C(0xc00c000000000000), 0, 0, (uint64_t)-4, NX},
        {OP_F64_TO_I64, SF_RTZ, UINT64_C(0xc00c000000000000), 0, 0, (uint64_t)-3, NX},
        {OP_F64_TO_U64, SF_RUP, UINT64_C(0x4004000000000000), 0, 0, 3, NX},
    };
    g_array_append_vals(cases, edges, G_N_ELEMENTS(edges));
    run_cases((const struct hcase *)(void *)cases->data, cases->len);
    g_array_free(cases, TRUE);
}

static void test_conversions(void)
{
    static const struct hcase cases[] = {
        {OP_F32_TO_F64, ALL_RM, S1, 0, 0, D1, 0},
        {OP_F32_TO_F64, ALL_RM, SMINSUB, 0, 0, UINT64_C(0x36a0000000000000), 0},
        {OP_F32_TO_F64, ALL_RM, SMAX, 0, 0, UINT64_C(0x47efffffe0000000), 0},
        {OP_F32_TO_F64, ALL_RM, SNINF, 0, 0, DNINF, 0},
        {OP_F64_TO_F32, ALL_RM, D1, 0, 0, S1, 0},
        {OP_F64_TO_F32, ALL_RM, DNINF, 0, 0, SNINF, 0},
        {OP_F64_TO_F32, SF_RNE, DMINSUB, 0, 0, S0, UF | NX},
        {OP_F64_TO_F32, SF_RUP, DMINSUB, 0, 0, SMINSUB, UF | NX},
        {OP_F64_TO_F32, SF_RNE, UINT64_C(0x3fd5555555555555), 0, 0, UINT64_C(0x3eaaaaab), NX},
        {OP_F64_TO_F32, SF_RTZ, UINT64_C(0x3fd5555555555555), 0, 0, UINT64_C(0x3eaaaaaa), NX},
        {OP_F64_FROM_I32, ALL_RM, (uint64_t)(int64_t)INT32_MIN, 0, 0, UINT64_C(0xc1e0000000000000),
         0},
        {OP_F64_FROM_U32, ALL_RM, UINT32_MAX, 0, 0, UINT64_C(0x41efffffffe00000), 0},
        {OP_F64_FROM_I64, ALL_RM, (uint64_t)INT64_MIN, 0, 0, UINT64_C(0xc3e0000000000000), 0},
        {OP_F64_FROM_I64, SF_RNE, INT64_MAX, 0, 0, UINT64_C(0x43e0000000000000), NX},
        {OP_F64_FROM_I64, SF_RTZ, INT64_MAX, 0, 0, UINT64_C(0x43dfffffffffffff), NX},
        {OP_F64_FROM_U64, SF_RNE, UINT64_MAX, 0, 0, UINT64_C(0x43f0000000000000), NX},
        {OP_F64_FROM_U64, SF_RDN, UINT64_MAX, 0, 0, UINT64_C(0x43efffffffffffff), NX},
        {OP_F64_FROM_I64, SF_RDN, (uint64_t)-INT64_MAX, 0, 0, UINT64_C(0xc3e0000000000000), NX},
        {OP_F32_FROM_I32, SF_RNE, INT32_MAX, 0, 0, UINT64_C(0x4f000000), NX},
        {OP_F32_FROM_I32, SF_RTZ, INT32_MAX, 0, 0, UINT64_C(0x4effffff), NX},
        {OP_F32_FROM_I32, ALL_RM, (uint64_t)-1, 0, 0, SN1, 0},
        {OP_F32_FROM_U32, ALL_RM, 0, 0, 0, S0, 0},
        {OP_F32_FROM_I64, SF_RUP, 1 | UINT64_C(1) << 40, 0, 0, UINT64_C(0x53800001), NX},
    };
    RUN_CASES(cases);
}

/*
 * What the JIT's SSE fast paths rely on, checked on this host: tininess after rounding (the
 * product from test_underflow) and no UF for an exact tiny result, as the SSE architecture
 * specifies. fma(inf, 0, qNaN) is only reported: IEEE leaves its NV to the implementation, this
 * host's FMA unit does not raise it while RISC-V does, and host_expect copes with either.
 */
static void test_host_properties(void)
{
    uint32_t fl;
    uint64_t r;

    r = host_raw(OP_F64_MUL, UINT64_C(0x3feffffffffffffe), UINT64_C(0x0010000000000001), 0, SF_RNE,
                 &fl);
    g_assert_cmphex(r, ==, DMINNORM);
    g_assert_cmphex(fl, ==, NX);
    r = host_raw(OP_F64_MUL, UINT64_C(0x3feffffffffffffe), UINT64_C(0x0010000000000001), 0, SF_RTZ,
                 &fl);
    g_assert_cmphex(r, ==, DMAXSUB);
    g_assert_cmphex(fl, ==, UF | NX);
    r = host_raw(OP_F64_MUL, DMINSUB * 8, DHALF, 0, SF_RNE, &fl);
    g_assert_cmphex(r, ==, DMINSUB * 4);
    g_assert_cmphex(fl, ==, 0);
    if (!have_fma)
        return;
    r = host_raw(OP_F64_FMADD, DINF, D0, DQNAN, SF_RNE, &fl);
    g_test_message("host vfmadd(inf, 0, qNaN) = %#" G_GINT64_MODIFIER "x, flags %#x "
                   "(RISC-V: canonical NaN, NV)",
                   r, fl);
}

static void add_random_tests(void)
{
    for (int op = 0; op < OP_COUNT; op++) {
        enum kind k = ops[op].kind;
        if (k == K_CLASS)
            continue;
        char *path = g_strdup_printf("/softfloat/random/%s", ops[op].name);
        if (k == K_MINMAX)
            g_test_add_data_func(path, GINT_TO_POINTER(op), test_random_minmax);
        else
            g_test_add_data_func(path, GINT_TO_POINTER(op), test_random_op);
        g_free(path);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions(); /* report every failing test, not just the first */
    __builtin_cpu_init();
    have_fma = __builtin_cpu_supports("fma");
    have_avx512 = __builtin_cpu_supports("avx512f");

    g_test_add_func("/softfloat/host_properties", test_host_properties);
    g_test_add_func("/softfloat/nan_rules", test_nan_rules);
    g_test_add_func("/softfloat/invalid_and_dz", test_invalid_and_dz);
    g_test_add_func("/softfloat/zero_signs", test_zero_signs);
    g_test_add_func("/softfloat/overflow", test_overflow);
    g_test_add_func("/softfloat/underflow", test_underflow);
    g_test_add_func("/softfloat/rmm", test_rmm);
    g_test_add_func("/softfloat/minmax", test_minmax);
    g_test_add_func("/softfloat/compare", test_compare);
    g_test_add_func("/softfloat/classify", test_classify);
    g_test_add_func("/softfloat/saturation", test_saturation);
    g_test_add_func("/softfloat/conversions", test_conversions);
    add_random_tests();
    int rc = g_test_run();
    g_test_message("%" G_GUINT64_FORMAT " checks in total", total_cases);
    return rc;
}
