/*
 * F and D arithmetic on the host's SSE unit, for the operations where x86 and RISC-V agree
 * bit for bit once two differences are patched up: a NaN result becomes RISC-V's canonical
 * NaN, and fma(inf, 0, qNaN) raises NV as RISC-V requires (x86 leaves it quiet).
 *
 * Covered: add, sub, mul, div, sqrt, and the four fused multiply-adds when the host has FMA,
 * in the rounding modes x86 has (RNE, RTZ, RDN, RUP). Everything else (RMM, conversions,
 * compares, min/max) stays with softfloat. Each function returns false when it cannot do the
 * operation exactly; the caller then uses softfloat.
 *
 * Two lanes: a fast one that never touches MXCSR (round to nearest, NX already set, ordinary
 * operands and result: the common case) and a general one that loads the guest's rounding
 * mode into MXCSR and reads the exception flags back.
 *
 * tests/unit/softfloat checks softfloat against this same hardware, and test_hostfp checks
 * these functions against softfloat.
 */
#ifndef KESTREL_VCPU_RISCV_HOSTFP_H
#define KESTREL_VCPU_RISCV_HOSTFP_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu/riscv/softfloat.h"

enum hostfp_op {
    HOSTFP_ADD, HOSTFP_SUB, HOSTFP_MUL, HOSTFP_DIV, HOSTFP_SQRT, /* sqrt ignores b */
    HOSTFP_FMADD,  /*  a * b + c */
    HOSTFP_FMSUB,  /*  a * b - c */
    HOSTFP_FNMSUB, /* -(a * b) + c */
    HOSTFP_FNMADD, /* -(a * b) - c */
};

/* Whether the build uses the host path at all (meson option riscv_fp). */
static inline bool hostfp_enabled(void)
{
#ifdef KESTREL_RISCV_SOFT_FP
    return false;
#else
    return true;
#endif
}

/* Whether the host has FMA3 (set once at start-up). */
extern bool hostfp_has_fma;

/*
 * The fast lane, for the common case: round to nearest even, and the guest's NX flag already
 * set, so an inexact result changes no flag. With zero-or-normal operands and a normal (or
 * provably exact zero) result no other flag can arise either, and the host computes in its
 * default mode without touching MXCSR. Anything else returns false: use the functions below.
 */
static inline bool hostfp_f64_normal(uint64_t v)
{
    return ((v >> 52) & 0x7ff) - 1u < 0x7feu;
}

static inline bool hostfp_f64_zero(uint64_t v)
{
    return !(v << 1);
}

static inline bool hostfp_f32_normal(uint32_t v)
{
    return ((v >> 23) & 0xff) - 1u < 0xfeu;
}

static inline bool hostfp_f32_zero(uint32_t v)
{
    return !(v << 1);
}

#define HOSTFP_FAST_LANE(T, BITS, FLOAT, SQRT_INSN, FMA_INSN)                                  \
    static inline bool hostfp_fast_f##BITS(enum hostfp_op op, T a, T b, T c, T *r)            \
    {                                                                                        \
        bool a_zero = hostfp_f##BITS##_zero(a), b_zero = hostfp_f##BITS##_zero(b);           \
        FLOAT x, y, z, v;                                                                    \
                                                                                             \
        if (!hostfp_enabled() || !(hostfp_f##BITS##_normal(a) || a_zero))                   \
            return false;                                                                    \
        if (op != HOSTFP_SQRT && !(hostfp_f##BITS##_normal(b) || b_zero))                   \
            return false;                                                                    \
        __builtin_memcpy(&x, &a, sizeof(x));                                                 \
        __builtin_memcpy(&y, &b, sizeof(y));                                                 \
        __builtin_memcpy(&z, &c, sizeof(z));                                                 \
        bool zero_ok; /* a zero result is exact, not an underflow */                         \
        switch (op) {                                                                        \
        case HOSTFP_ADD: v = x + y; zero_ok = true; break;                                   \
        case HOSTFP_SUB: v = x - y; zero_ok = true; break;                                   \
        case HOSTFP_MUL: v = x * y; zero_ok = a_zero || b_zero; break;                       \
        case HOSTFP_DIV:                                                                     \
            if (b_zero)                                                                      \
                return false;                                                                \
            v = x / y;                                                                       \
            zero_ok = a_zero;                                                                \
            break;                                                                           \
        case HOSTFP_SQRT:                                                                    \
            if ((a >> (BITS - 1)) && !a_zero)                                                \
                return false;                                                                \
            __asm__(SQRT_INSN " %[xv], %[vv]" : [vv] "=x"(v) : [xv] "x"(x));                 \
            zero_ok = true;                                                                  \
            break;                                                                           \
        default:                                                                             \
            if (!hostfp_has_fma || !(hostfp_f##BITS##_normal(c) || hostfp_f##BITS##_zero(c))) \
                return false;                                                                \
            if (op == HOSTFP_FMSUB || op == HOSTFP_FNMADD)                                   \
                z = -z;                                                                      \
            if (op == HOSTFP_FNMSUB || op == HOSTFP_FNMADD)                                  \
                x = -x;                                                                      \
            __asm__ volatile(FMA_INSN " %[zv], %[yv], %[xv]"                                 \
                             : [xv] "+x"(x)                                                  \
                             : [yv] "x"(y), [zv] "x"(z));                                    \
            v = x;                                                                           \
            zero_ok = a_zero || b_zero;                                                      \
            break;                                                                           \
        }                                                                                    \
        T bits;                                                                              \
        __builtin_memcpy(&bits, &v, sizeof(bits));                                           \
        if (!hostfp_f##BITS##_normal(bits) && !(zero_ok && hostfp_f##BITS##_zero(bits)))    \
            return false;                                                                    \
        *r = bits;                                                                           \
        return true;                                                                         \
    }

HOSTFP_FAST_LANE(uint32_t, 32, float, "sqrtss", "vfmadd213ss")
HOSTFP_FAST_LANE(uint64_t, 64, double, "sqrtsd", "vfmadd213sd")
#undef HOSTFP_FAST_LANE

/* The general path: any operands and flags, in RNE/RTZ/RDN/RUP, through MXCSR. */

/* a, b, c are binary32 in the low bits (already unboxed); flags accumulate SF_* bits. */
bool hostfp_f32(enum hostfp_op op, uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm,
                uint32_t *result, uint32_t *flags);
bool hostfp_f64(enum hostfp_op op, uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm,
                uint64_t *result, uint32_t *flags);

#endif
