/* Software binary32/binary64 arithmetic with exact RISC-V F/D semantics, for the JIT slow paths. */
#ifndef KESTREL_VCPU_RISCV_SOFTFLOAT_H
#define KESTREL_VCPU_RISCV_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Conventions, shared by every function below:
 *
 * - Values are raw IEEE 754 bit patterns: uint32_t for binary32 (sf32_*), uint64_t for
 *   binary64 (sf64_*). NaN-boxing of single-precision values in the 64-bit FP registers is the
 *   caller's business; these functions see only the 32 low bits.
 * - `rm` is the static or already-resolved dynamic rounding mode. The caller rejects the
 *   reserved encodings 5 and 6 (illegal instruction) and resolves DYN (7) from frm first; any
 *   other value is treated as SF_RNE. Functions that are always exact still take `rm`, so every
 *   conversion has the same shape; they ignore it.
 * - Exceptions are ORed into `*flags` in fflags bit order; nothing is ever cleared.
 * - Every NaN result is the canonical NaN (RISC-V does not propagate payloads). Signaling NaN
 *   inputs raise NV wherever the operation consumes them.
 * - Tininess is detected after rounding; UF is raised only for a tiny *and* inexact result.
 *   Subnormals are fully supported on input and output.
 *
 * Nothing here allocates, touches global state or uses host floating point.
 */

enum sf_rounding { SF_RNE = 0, SF_RTZ = 1, SF_RDN = 2, SF_RUP = 3, SF_RMM = 4 };

/* Accrued exception flags, in the fflags bit order. */
enum { SF_NX = 1, SF_UF = 2, SF_OF = 4, SF_DZ = 8, SF_NV = 16 };

#define SF_F32_CANONICAL_NAN 0x7fc00000u
#define SF_F64_CANONICAL_NAN 0x7ff8000000000000ull

/* fclass result bits. */
enum {
    SF_CLASS_NEG_INF = 1 << 0,
    SF_CLASS_NEG_NORMAL = 1 << 1,
    SF_CLASS_NEG_SUBNORMAL = 1 << 2,
    SF_CLASS_NEG_ZERO = 1 << 3,
    SF_CLASS_POS_ZERO = 1 << 4,
    SF_CLASS_POS_SUBNORMAL = 1 << 5,
    SF_CLASS_POS_NORMAL = 1 << 6,
    SF_CLASS_POS_INF = 1 << 7,
    SF_CLASS_SNAN = 1 << 8,
    SF_CLASS_QNAN = 1 << 9,
};

/* fadd, fsub, fmul, fdiv, fsqrt. */
uint32_t sf32_add(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_sub(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_mul(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_div(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_sqrt(uint32_t a, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_add(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_sub(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_mul(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_div(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_sqrt(uint64_t a, enum sf_rounding rm, uint32_t *flags);

/*
 * Fused multiply-add, one rounding, with the four RISC-V instructions as four functions:
 *   fmadd  =  (a*b) + c      fmsub  =  (a*b) - c
 *   fnmsub = -(a*b) + c      fnmadd = -(a*b) - c
 * The negations are exact sign flips of the product and of the addend before the sum, which
 * decides the sign of an exact zero result. inf*0 raises NV even when c is a quiet NaN.
 */
uint32_t sf32_fmadd(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_fmsub(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_fnmsub(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_fnmadd(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_fmadd(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_fmsub(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_fnmsub(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_fnmadd(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags);

/*
 * fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): one NaN operand yields the other
 * operand, two yield the canonical NaN, any signaling NaN raises NV, and -0 < +0.
 */
uint32_t sf32_min(uint32_t a, uint32_t b, uint32_t *flags);
uint32_t sf32_max(uint32_t a, uint32_t b, uint32_t *flags);
uint64_t sf64_min(uint64_t a, uint64_t b, uint32_t *flags);
uint64_t sf64_max(uint64_t a, uint64_t b, uint32_t *flags);

/*
 * feq is quiet (NV only for a signaling NaN); flt and fle are signaling (NV for any NaN).
 * Any NaN operand makes the result false. +0 and -0 compare equal.
 */
bool sf32_eq(uint32_t a, uint32_t b, uint32_t *flags);
bool sf32_lt(uint32_t a, uint32_t b, uint32_t *flags);
bool sf32_le(uint32_t a, uint32_t b, uint32_t *flags);
bool sf64_eq(uint64_t a, uint64_t b, uint32_t *flags);
bool sf64_lt(uint64_t a, uint64_t b, uint32_t *flags);
bool sf64_le(uint64_t a, uint64_t b, uint32_t *flags);

/* fclass: exactly one SF_CLASS_* bit. Raises nothing. */
uint32_t sf32_classify(uint32_t a);
uint32_t sf64_classify(uint64_t a);

/* fcvt.s.d (rounds) and fcvt.d.s (exact; rm unused). NaNs become canonical; sNaN raises NV. */
uint32_t sf32_from_f64(uint64_t a, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_from_f32(uint32_t a, enum sf_rounding rm, uint32_t *flags);

/*
 * fcvt.{w,wu,l,lu}.{s,d}. A result that is out of range after rounding, or an infinity or a
 * NaN, raises NV (and never NX) and saturates: NaN and positive values give the type's
 * maximum, negative values its minimum (0 for the unsigned types). A negative value that
 * rounds to 0 is in range for the unsigned types (NX only). In-range inexact results raise NX.
 * The 32-bit results are returned as their C types; the JIT sign-extends both (including
 * fcvt.wu) into the 64-bit destination as the ISA requires.
 */
int32_t sf32_to_i32(uint32_t a, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_to_u32(uint32_t a, enum sf_rounding rm, uint32_t *flags);
int64_t sf32_to_i64(uint32_t a, enum sf_rounding rm, uint32_t *flags);
uint64_t sf32_to_u64(uint32_t a, enum sf_rounding rm, uint32_t *flags);
int32_t sf64_to_i32(uint64_t a, enum sf_rounding rm, uint32_t *flags);
uint32_t sf64_to_u32(uint64_t a, enum sf_rounding rm, uint32_t *flags);
int64_t sf64_to_i64(uint64_t a, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_to_u64(uint64_t a, enum sf_rounding rm, uint32_t *flags);

/* fcvt.{s,d}.{w,wu,l,lu}: only NX is possible. 32-bit sources into f64 are exact. */
uint32_t sf32_from_i32(int32_t v, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_from_u32(uint32_t v, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_from_i64(int64_t v, enum sf_rounding rm, uint32_t *flags);
uint32_t sf32_from_u64(uint64_t v, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_from_i32(int32_t v, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_from_u32(uint32_t v, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_from_i64(int64_t v, enum sf_rounding rm, uint32_t *flags);
uint64_t sf64_from_u64(uint64_t v, enum sf_rounding rm, uint32_t *flags);

#endif
