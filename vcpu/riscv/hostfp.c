/*
 * F and D arithmetic on the host's SSE unit, the general lane (see hostfp.h for what is
 * covered and why it is exact; the fast lane is inline there). Each operation loads MXCSR with
 * the guest's rounding mode and all exceptions masked, runs one instruction, and reads the
 * exception flags back.
 */
#include "vcpu/riscv/hostfp.h"

#include <string.h>

/* All exceptions masked, FTZ and DAZ off, round to nearest: what C code on this thread expects. */
#define MXCSR_DEFAULT 0x1f80u
#define MXCSR_RC_SHIFT 13

enum {
    MXCSR_IE = 1 << 0,
    MXCSR_ZE = 1 << 2,
    MXCSR_OE = 1 << 3,
    MXCSR_UE = 1 << 4,
    MXCSR_PE = 1 << 5,
};

bool hostfp_has_fma;

__attribute__((constructor)) static void hostfp_detect(void)
{
    hostfp_has_fma = __builtin_cpu_supports("fma");
}

/* MXCSR for a RISC-V rounding mode; false for RMM, which x86 does not have. */
static bool mxcsr_for(enum sf_rounding rm, uint32_t *mxcsr)
{
    /* x86 RC: 0 nearest even, 1 down, 2 up, 3 toward zero. */
    static const uint32_t rc[4] = {[SF_RNE] = 0, [SF_RTZ] = 3, [SF_RDN] = 1, [SF_RUP] = 2};

    if ((unsigned)rm > SF_RUP)
        return false;
    *mxcsr = MXCSR_DEFAULT | rc[rm] << MXCSR_RC_SHIFT;
    return true;
}

/* The denormal-operand flag (DE) has no RISC-V counterpart and is dropped. */
static uint32_t fflags_of(uint32_t mxcsr)
{
    return (mxcsr & MXCSR_IE ? SF_NV : 0) | (mxcsr & MXCSR_ZE ? SF_DZ : 0) |
           (mxcsr & MXCSR_OE ? SF_OF : 0) | (mxcsr & MXCSR_UE ? SF_UF : 0) |
           (mxcsr & MXCSR_PE ? SF_NX : 0);
}

/* Leaves MXCSR as other code on this thread expects it (the flags left in it are harmless). */
static void mxcsr_restore(uint32_t used)
{
    uint32_t def = MXCSR_DEFAULT;

    if (used != MXCSR_DEFAULT)
        __asm__ volatile("ldmxcsr %0" : : "m"(def));
}

/* x = x op y, with MXCSR = csr around it; out receives MXCSR after. */
#define SSE_BINARY(insn, x, y, csr, out)                                                    \
    __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[yv], %[xv]\n\tstmxcsr %[o]"                 \
                     : [xv] "+x"(x), [o] "=m"(out)                                          \
                     : [yv] "x"(y), [c] "m"(csr))
/* x = +-(y * x) +- z, the 213 form. */
#define SSE_FMA(insn, x, y, z, csr, out)                                                    \
    __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[zv], %[yv], %[xv]\n\tstmxcsr %[o]"         \
                     : [xv] "+x"(x), [o] "=m"(out)                                          \
                     : [yv] "x"(y), [zv] "x"(z), [c] "m"(csr))

static float f32_of(uint32_t v)
{
    float f;
    memcpy(&f, &v, sizeof(f));
    return f;
}

static uint32_t bits_of_f32(float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof(v));
    return v;
}

static double f64_of(uint64_t v)
{
    double f;
    memcpy(&f, &v, sizeof(f));
    return f;
}

static uint64_t bits_of_f64(double f)
{
    uint64_t v;
    memcpy(&v, &f, sizeof(v));
    return v;
}

/* The x86 instruction for op, run on x = a with y = b (z = c); false if the host lacks it. */
static bool run_f32(enum hostfp_op op, float *x, float y, float z, uint32_t csr, uint32_t *out)
{
    switch (op) {
    case HOSTFP_ADD: SSE_BINARY("addss", *x, y, csr, *out); return true;
    case HOSTFP_SUB: SSE_BINARY("subss", *x, y, csr, *out); return true;
    case HOSTFP_MUL: SSE_BINARY("mulss", *x, y, csr, *out); return true;
    case HOSTFP_DIV: SSE_BINARY("divss", *x, y, csr, *out); return true;
    case HOSTFP_SQRT: {
        float v = *x;
        SSE_BINARY("sqrtss", *x, v, csr, *out);
        return true;
    }
    default: break;
    }
    if (!hostfp_has_fma)
        return false;
    switch (op) {
    case HOSTFP_FMADD: SSE_FMA("vfmadd213ss", *x, y, z, csr, *out); return true;
    case HOSTFP_FMSUB: SSE_FMA("vfmsub213ss", *x, y, z, csr, *out); return true;
    case HOSTFP_FNMSUB: SSE_FMA("vfnmadd213ss", *x, y, z, csr, *out); return true;
    default: SSE_FMA("vfnmsub213ss", *x, y, z, csr, *out); return true;
    }
}

static bool run_f64(enum hostfp_op op, double *x, double y, double z, uint32_t csr,
                    uint32_t *out)
{
    switch (op) {
    case HOSTFP_ADD: SSE_BINARY("addsd", *x, y, csr, *out); return true;
    case HOSTFP_SUB: SSE_BINARY("subsd", *x, y, csr, *out); return true;
    case HOSTFP_MUL: SSE_BINARY("mulsd", *x, y, csr, *out); return true;
    case HOSTFP_DIV: SSE_BINARY("divsd", *x, y, csr, *out); return true;
    case HOSTFP_SQRT: {
        double v = *x;
        SSE_BINARY("sqrtsd", *x, v, csr, *out);
        return true;
    }
    default: break;
    }
    if (!hostfp_has_fma)
        return false;
    switch (op) {
    case HOSTFP_FMADD: SSE_FMA("vfmadd213sd", *x, y, z, csr, *out); return true;
    case HOSTFP_FMSUB: SSE_FMA("vfmsub213sd", *x, y, z, csr, *out); return true;
    case HOSTFP_FNMSUB: SSE_FMA("vfnmadd213sd", *x, y, z, csr, *out); return true;
    default: SSE_FMA("vfnmsub213sd", *x, y, z, csr, *out); return true;
    }
}

static bool is_fma(enum hostfp_op op)
{
    return op >= HOSTFP_FMADD;
}

/* RISC-V raises NV for inf * 0 in a fused multiply-add even when the addend is a quiet NaN. */
static bool inf_times_zero(bool a_inf, bool a_zero, bool b_inf, bool b_zero)
{
    return (a_inf && b_zero) || (a_zero && b_inf);
}

bool hostfp_f32(enum hostfp_op op, uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm,
                uint32_t *result, uint32_t *flags)
{
    uint32_t csr, out = 0;
    float x = f32_of(a);

    if (!hostfp_enabled() || !mxcsr_for(rm, &csr) || !run_f32(op, &x, f32_of(b), f32_of(c), csr,
                                                              &out))
        return false;
    mxcsr_restore(csr);
    uint32_t r = bits_of_f32(x), f = fflags_of(out);
    if ((r & 0x7fffffffu) > 0x7f800000u) {
        r = SF_F32_CANONICAL_NAN;
        if (is_fma(op) && inf_times_zero((a & 0x7fffffffu) == 0x7f800000u, !(a & 0x7fffffffu),
                                         (b & 0x7fffffffu) == 0x7f800000u, !(b & 0x7fffffffu)))
            f |= SF_NV;
    }
    *result = r;
    *flags |= f;
    return true;
}

bool hostfp_f64(enum hostfp_op op, uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm,
                uint64_t *result, uint32_t *flags)
{
    const uint64_t abs = ~(1ull << 63), inf = 0x7ff0000000000000ull;
    uint32_t csr, out = 0;
    double x = f64_of(a);

    if (!hostfp_enabled() || !mxcsr_for(rm, &csr) || !run_f64(op, &x, f64_of(b), f64_of(c), csr,
                                                              &out))
        return false;
    mxcsr_restore(csr);
    uint64_t r = bits_of_f64(x);
    uint32_t f = fflags_of(out);
    if ((r & abs) > inf) {
        r = SF_F64_CANONICAL_NAN;
        if (is_fma(op) && inf_times_zero((a & abs) == inf, !(a & abs), (b & abs) == inf,
                                         !(b & abs)))
            f |= SF_NV;
    }
    *result = r;
    *flags |= f;
    return true;
}
