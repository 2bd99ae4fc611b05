/* Software binary32/binary64 arithmetic with exact RISC-V F/D semantics, in integer code only. */
#include "vcpu/riscv/softfloat.h"

/*
 * One generic implementation serves both formats. Each format is a pair of compile-time
 * constants, P (significand bits including the hidden one) and EB (exponent bits), and every
 * generic function is forced inline so the compiler specialises it per format.
 *
 * Inside, a finite non-zero number is (sign, sig, exp) with value sig * 2^exp and sig
 * normalised so that bit 63 is set. Operations produce an exact or "sticky" significand
 * (a lost non-zero tail is ORed into bit 0, far below the rounding position) and hand it to
 * sf_round_pack, the only place that rounds.
 */

#define SF_INLINE static inline __attribute__((always_inline))

#define F32 24, 8
#define F64 53, 11

enum sf_class { SFC_ZERO, SFC_FINITE, SFC_INF, SFC_QNAN, SFC_SNAN };

struct sf_num {
    uint64_t sig; /* SFC_FINITE: bit 63 set */
    int32_t exp;  /* SFC_FINITE: value = sig * 2^exp */
    bool sign;
    uint8_t cls;
};

SF_INLINE int sf_bias(int eb)
{
    return (1 << (eb - 1)) - 1;
}

SF_INLINE uint64_t sf_sign_bit(int p, int eb, bool sign)
{
    return (uint64_t)sign << (p - 1 + eb);
}

SF_INLINE uint64_t sf_inf(int p, int eb, bool sign)
{
    return sf_sign_bit(p, eb, sign) | ((((uint64_t)1 << eb) - 1) << (p - 1));
}

SF_INLINE uint64_t sf_zero(int p, int eb, bool sign)
{
    return sf_sign_bit(p, eb, sign);
}

SF_INLINE uint64_t sf_default_nan(int p, int eb)
{
    return sf_inf(p, eb, false) | (uint64_t)1 << (p - 2);
}

SF_INLINE uint64_t sf_mag_mask(int p, int eb)
{
    return ((uint64_t)1 << (p - 1 + eb)) - 1;
}

SF_INLINE bool sf_is_nan(int p, int eb, uint64_t bits)
{
    return (bits & sf_mag_mask(p, eb)) > sf_inf(p, eb, false);
}

SF_INLINE bool sf_is_snan(int p, int eb, uint64_t bits)
{
    return sf_is_nan(p, eb, bits) && !((bits >> (p - 2)) & 1);
}

SF_INLINE struct sf_num sf_unpack(int p, int eb, uint64_t bits)
{
    uint64_t frac = bits & (((uint64_t)1 << (p - 1)) - 1);
    uint32_t e = (uint32_t)(bits >> (p - 1)) & ((1u << eb) - 1);
    struct sf_num n = {.sign = (bits >> (p - 1 + eb)) & 1};

    if (e == (1u << eb) - 1) {
        n.cls = !frac ? SFC_INF : (frac >> (p - 2)) & 1 ? SFC_QNAN : SFC_SNAN;
        return n;
    }
    if (e == 0) {
        if (!frac) {
            n.cls = SFC_ZERO;
            return n;
        }
        e = 1; /* subnormal: same scale as the smallest normal, no hidden bit */
    } else {
        frac |= (uint64_t)1 << (p - 1);
    }
    int lz = __builtin_clzll(frac);
    n.cls = SFC_FINITE;
    n.sig = frac << lz;
    n.exp = (int32_t)e - sf_bias(eb) - (p - 1) - lz;
    return n;
}

/* x >> n with every bit shifted out ORed into bit 0. */
SF_INLINE uint64_t sf_shr_jam64(uint64_t x, int32_t n)
{
    if (n <= 0)
        return x;
    if (n >= 64)
        return x != 0;
    return (x >> n) | ((x << (64 - n)) != 0);
}

SF_INLINE unsigned __int128 sf_shr_jam128(unsigned __int128 x, int32_t n)
{
    if (n <= 0)
        return x;
    if (n >= 128)
        return x != 0;
    return (x >> n) | ((x << (128 - n)) != 0);
}

/*
 * Whether to add one unit to `kept`, given the discarded bits `rem` (`half` being the weight of
 * the first discarded bit). The mode is predictable, the data is not: no short-circuits.
 */
SF_INLINE bool sf_round_up(uint64_t kept, uint64_t rem, uint64_t half, enum sf_rounding rm,
                           bool sign)
{
    switch (rm) {
    case SF_RTZ: return false;
    case SF_RDN: return sign & (rem != 0);
    case SF_RUP: return !sign & (rem != 0);
    case SF_RMM: return rem >= half;
    default: return (rem > half) | ((rem == half) & (bool)(kept & 1));
    }
}

/* Overflow: infinity, or the largest finite number when rounding toward zero from it. */
SF_INLINE uint64_t sf_overflow(int p, int eb, bool sign, enum sf_rounding rm, uint32_t *flags)
{
    bool to_max = rm == SF_RTZ || (rm == SF_RDN && !sign) || (rm == SF_RUP && sign);

    *flags |= SF_OF | SF_NX;
    return sf_inf(p, eb, sign) - to_max;
}

/*
 * The tiny path: the exponent is below emin before rounding (biased exponent `be` <= 0).
 * Tininess is decided after rounding, as RISC-V requires: the value is tiny unless rounding
 * it to full precision with an unbounded exponent reaches 2^emin, which is only possible from
 * be == 0. Then the value is denormalised and rounded at the subnormal precision; a round-up
 * that carries into the hidden bit yields the smallest normal naturally.
 */
SF_INLINE uint64_t sf_round_tiny(int p, int eb, bool sign, int32_t be, uint64_t sig,
                                 enum sf_rounding rm, uint32_t *flags)
{
    int drop = 64 - p;
    uint64_t half = (uint64_t)1 << (drop - 1), mask = ((uint64_t)1 << drop) - 1;
    bool tiny = true;

    if (be == 0) {
        uint64_t kept = sig >> drop;
        kept += sf_round_up(kept, sig & mask, half, rm, sign);
        tiny = !(kept >> p);
    }
    sig = sf_shr_jam64(sig, 1 - be);
    uint64_t kept = sig >> drop, rem = sig & mask;
    kept += sf_round_up(kept, rem, half, rm, sign);
    if (rem)
        *flags |= tiny ? SF_NX | SF_UF : SF_NX;
    return sf_sign_bit(p, eb, sign) | kept;
}

/* Rounds sign * sig * 2^exp (sig != 0) to the format and packs it. */
SF_INLINE uint64_t sf_round_pack(int p, int eb, bool sign, int32_t exp, uint64_t sig,
                                 enum sf_rounding rm, uint32_t *flags)
{
    int drop = 64 - p;
    int32_t emax_field = (1 << eb) - 1;
    uint64_t half = (uint64_t)1 << (drop - 1), mask = ((uint64_t)1 << drop) - 1;
    int lz = __builtin_clzll(sig);

    sig <<= lz;
    int32_t be = exp - lz + 63 + sf_bias(eb); /* biased exponent of bit 63 */
    if (be <= 0)
        return sf_round_tiny(p, eb, sign, be, sig, rm, flags);
    if (be >= emax_field)
        return sf_overflow(p, eb, sign, rm, flags);
    uint64_t kept = sig >> drop, rem = sig & mask;
    kept += sf_round_up(kept, rem, half, rm, sign);
    /* kept includes the hidden bit, so a carry out of the significand bumps the exponent. */
    uint64_t mag = ((uint64_t)(be - 1) << (p - 1)) + kept;
    if (mag >= sf_inf(p, eb, false))
        return sf_overflow(p, eb, sign, rm, flags);
    if (rem)
        *flags |= SF_NX;
    return sf_sign_bit(p, eb, sign) | mag;
}

/* The canonical NaN for an operation with a NaN operand; NV if any operand is signaling. */
SF_INLINE uint64_t sf_nan_result(int p, int eb, bool signaling, uint32_t *flags)
{
    if (signaling)
        *flags |= SF_NV;
    return sf_default_nan(p, eb);
}

SF_INLINE uint64_t sf_invalid(int p, int eb, uint32_t *flags)
{
    *flags |= SF_NV;
    return sf_default_nan(p, eb);
}

SF_INLINE bool sf_any_nan(struct sf_num a, struct sf_num b)
{
    return a.cls >= SFC_QNAN || b.cls >= SFC_QNAN;
}

SF_INLINE bool sf_any_snan(struct sf_num a, struct sf_num b)
{
    return a.cls == SFC_SNAN || b.cls == SFC_SNAN;
}

/* Exact-zero sum of opposite-signed values: +0, except -0 when rounding down. */
SF_INLINE bool sf_cancel_sign(enum sf_rounding rm)
{
    return rm == SF_RDN;
}

/* a + b for finite non-zero a and b. */
SF_INLINE uint64_t sf_add_finite(int p, int eb, struct sf_num a, struct sf_num b,
                                 enum sf_rounding rm, uint32_t *flags)
{
    /* Bit 63 is kept free for the carry; the shift loses nothing (at least 11 low zeros). */
    uint64_t sa = a.sig >> 1, sb = b.sig >> 1;

    if (a.exp < b.exp || (a.exp == b.exp && sa < sb)) {
        struct sf_num t = a;
        uint64_t ts = sa;
        a = b, b = t;
        sa = sb, sb = ts;
    }
    sb = sf_shr_jam64(sb, a.exp - b.exp);
    uint64_t sum;
    if (a.sign == b.sign) {
        sum = sa + sb;
    } else {
        sum = sa - sb;
        if (!sum)
            return sf_zero(p, eb, sf_cancel_sign(rm));
    }
    return sf_round_pack(p, eb, a.sign, a.exp + 1, sum, rm, flags);
}

SF_INLINE uint64_t sf_add(int p, int eb, uint64_t abits, uint64_t bbits, bool negate_b,
                          enum sf_rounding rm, uint32_t *flags)
{
    struct sf_num a = sf_unpack(p, eb, abits), b = sf_unpack(p, eb, bbits);

    b.sign ^= negate_b;
    if (a.cls == SFC_FINITE && b.cls == SFC_FINITE)
        return sf_add_finite(p, eb, a, b, rm, flags);
    if (sf_any_nan(a, b))
        return sf_nan_result(p, eb, sf_any_snan(a, b), flags);
    if (a.cls == SFC_INF) {
        if (b.cls == SFC_INF && a.sign != b.sign)
            return sf_invalid(p, eb, flags);
        return sf_inf(p, eb, a.sign);
    }
    if (b.cls == SFC_INF)
        return sf_inf(p, eb, b.sign);
    if (a.cls == SFC_ZERO && b.cls == SFC_ZERO)
        return sf_zero(p, eb, a.sign == b.sign ? a.sign : sf_cancel_sign(rm));
    if (a.cls == SFC_ZERO)
        return bbits ^ sf_sign_bit(p, eb, negate_b);
    return abits;
}

SF_INLINE uint64_t sf_mul(int p, int eb, uint64_t abits, uint64_t bbits, enum sf_rounding rm,
                          uint32_t *flags)
{
    struct sf_num a = sf_unpack(p, eb, abits), b = sf_unpack(p, eb, bbits);
    bool sign = a.sign ^ b.sign;

    if (a.cls == SFC_FINITE && b.cls == SFC_FINITE) {
        unsigned __int128 prod = (unsigned __int128)a.sig * b.sig;
        uint64_t hi = (uint64_t)(prod >> 64), lo = (uint64_t)prod;
        return sf_round_pack(p, eb, sign, a.exp + b.exp + 64, hi | (lo != 0), rm, flags);
    }
    if (sf_any_nan(a, b))
        return sf_nan_result(p, eb, sf_any_snan(a, b), flags);
    if (a.cls == SFC_INF || b.cls == SFC_INF) {
        if (a.cls == SFC_ZERO || b.cls == SFC_ZERO)
            return sf_invalid(p, eb, flags);
        return sf_inf(p, eb, sign);
    }
    return sf_zero(p, eb, sign);
}

/* (hi:lo) / d, for hi < d; the quotient fits 64 bits. */
SF_INLINE uint64_t sf_div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %[d]" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), [d] "rm"(d) : "cc");
    *rem = r;
    return q;
#else
    unsigned __int128 n = ((unsigned __int128)hi << 64) | lo;
    *rem = (uint64_t)(n % d);
    return (uint64_t)(n / d);
#endif
}

SF_INLINE uint64_t sf_div(int p, int eb, uint64_t abits, uint64_t bbits, enum sf_rounding rm,
                          uint32_t *flags)
{
    struct sf_num a = sf_unpack(p, eb, abits), b = sf_unpack(p, eb, bbits);
    bool sign = a.sign ^ b.sign;

    if (a.cls == SFC_FINITE && b.cls == SFC_FINITE) {
        /* A 64-bit quotient with bit 63 set: sa/sb is in (1/2, 2). */
        bool ge = a.sig >= b.sig;
        uint64_t rem, q;
        if (ge)
            q = sf_div128(a.sig >> 1, a.sig << 63, b.sig, &rem);
        else
            q = sf_div128(a.sig, 0, b.sig, &rem);
        return sf_round_pack(p, eb, sign, a.exp - b.exp - 64 + ge, q | (rem != 0), rm, flags);
    }
    if (sf_any_nan(a, b))
        return sf_nan_result(p, eb, sf_any_snan(a, b), flags);
    if (a.cls == SFC_INF) {
        if (b.cls == SFC_INF)
            return sf_invalid(p, eb, flags);
        return sf_inf(p, eb, sign);
    }
    if (b.cls == SFC_INF)
        return sf_zero(p, eb, sign);
    if (b.cls == SFC_ZERO) {
        if (a.cls == SFC_ZERO)
            return sf_invalid(p, eb, flags);
        *flags |= SF_DZ;
        return sf_inf(p, eb, sign);
    }
    return sf_zero(p, eb, sign);
}

/*
 * Integer square roots by Heron's iteration x' = floor((x + floor(n / x)) / 2). Whatever x is,
 * x' is never below floor(sqrt(n)) (AM-GM), so a final downward correction suffices. The
 * start is the AM-GM bound sqrt(m) <= (m + 2) / (2 sqrt 2) for the significand m = n / 2^k in
 * [1, 4), at most 6.1% high; each step squares the relative error and halves it, giving
 * 2^-9, 2^-19, 2^-39, 2^-79: three steps for a 32-bit root, four for a 64-bit one.
 */

/* floor(sqrt(n)) for n in [2^61, 2^63); *inexact if n is not a square. */
static inline uint64_t sf_isqrt64(uint64_t n, uint64_t *inexact)
{
    uint64_t x = (n >> 32) + ((uint64_t)1 << 30); /* (m + 2) * 2^29 with m = n / 2^61 */

    for (int i = 0; i < 3; i++)
        x = (x + n / x) >> 1;
    while (x * x > n)
        x--;
    *inexact = x * x != n;
    return x;
}

/* floor(sqrt(n)) for n in [2^125, 2^127); *inexact if n is not a square. */
static inline uint64_t sf_isqrt128(unsigned __int128 n, uint64_t *inexact)
{
    uint64_t hi = (uint64_t)(n >> 64), lo = (uint64_t)n, rem;
    uint64_t x = hi + ((uint64_t)1 << 62); /* (m + 2) * 2^61 with m = n / 2^125 */

    /* x > hi throughout (x >= floor(sqrt(n)) > n / 2^64), as the division needs. */
    for (int i = 0; i < 4; i++) {
        uint64_t q = sf_div128(hi, lo, x, &rem);
        x = (uint64_t)(((unsigned __int128)x + q) >> 1);
    }
    while ((unsigned __int128)x * x > n)
        x--;
    *inexact = (unsigned __int128)x * x != n;
    return x;
}

SF_INLINE uint64_t sf_sqrt(int p, int eb, uint64_t abits, enum sf_rounding rm, uint32_t *flags)
{
    struct sf_num a = sf_unpack(p, eb, abits);

    if (a.cls == SFC_FINITE && !a.sign) {
        /*
         * Scale the significand to [2^61, 2^63) (binary32) or [2^125, 2^127) (binary64) by a
         * shift that leaves an even exponent: sqrt(n * 2^(2k)) = sqrt(n) * 2^k. Both shifts
         * are exact, and the roots have at least 31 bits, enough for rounding either format.
         */
        bool odd = a.exp & 1;
        uint64_t root, inexact;
        int32_t exp;
        if (p <= 31) {
            root = sf_isqrt64(a.sig >> (2 - odd), &inexact);
            exp = a.exp + 2 - odd;
        } else {
            root = sf_isqrt128((unsigned __int128)a.sig << (62 + odd), &inexact);
            exp = a.exp - 62 - odd;
        }
        return sf_round_pack(p, eb, false, exp / 2, root | inexact, rm, flags);
    }
    if (a.cls >= SFC_QNAN)
        return sf_nan_result(p, eb, a.cls == SFC_SNAN, flags);
    if (a.cls == SFC_ZERO)
        return abits; /* sqrt(-0) = -0 */
    if (a.sign)
        return sf_invalid(p, eb, flags);
    return abits; /* +inf */
}

static inline int sf_clz128(unsigned __int128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);

    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/*
 * (+-a*b) + (+-c) for finite non-zero a*b and c. Both terms are placed with their leading bit
 * at bit 126 of a 128-bit integer, so comparing exponents orders them by magnitude; the
 * smaller is aligned with a sticky shift. A lossy shift only happens when the exponents differ
 * by more than the zero tail of the smaller term, and then the result keeps its leading bit
 * near 126, far above the sticky bit.
 */
SF_INLINE uint64_t sf_fma_finite(int p, int eb, bool psign, unsigned __int128 prod, int32_t pexp,
                                 struct sf_num c, enum sf_rounding rm, uint32_t *flags)
{
    if (prod >> 127) {
        prod >>= 1; /* exact: the product of two significands has >= 22 low zeros */
        pexp++;
    }
    unsigned __int128 big = prod, small = (unsigned __int128)c.sig << 63;
    int32_t bexp = pexp, sexp = c.exp - 63;
    bool sign = psign;

    if (bexp < sexp || (bexp == sexp && big < small)) {
        unsigned __int128 t = big;
        int32_t te = bexp;
        big = small, small = t;
        bexp = sexp, sexp = te;
        sign = c.sign;
    }
    small = sf_shr_jam128(small, bexp - sexp);
    unsigned __int128 sum;
    if (psign == c.sign) {
        sum = big + small;
    } else {
        sum = big - small;
        if (!sum)
            return sf_zero(p, eb, sf_cancel_sign(rm));
    }
    int lz = sf_clz128(sum);
    sum <<= lz;
    uint64_t hi = (uint64_t)(sum >> 64), lo = (uint64_t)sum;
    return sf_round_pack(p, eb, sign, bexp - lz + 64, hi | (lo != 0), rm, flags);
}

SF_INLINE uint64_t sf_fma(int p, int eb, uint64_t abits, uint64_t bbits, uint64_t cbits,
                          bool negate_product, bool negate_addend, enum sf_rounding rm,
                          uint32_t *flags)
{
    struct sf_num a = sf_unpack(p, eb, abits), b = sf_unpack(p, eb, bbits);
    struct sf_num c = sf_unpack(p, eb, cbits);
    bool psign = a.sign ^ b.sign ^ negate_product;

    c.sign ^= negate_addend;
    if (a.cls == SFC_FINITE && b.cls == SFC_FINITE) {
        unsigned __int128 prod = (unsigned __int128)a.sig * b.sig;
        int32_t pexp = a.exp + b.exp;
        if (c.cls == SFC_FINITE)
            return sf_fma_finite(p, eb, psign, prod, pexp, c, rm, flags);
        if (c.cls == SFC_ZERO) {
            uint64_t hi = (uint64_t)(prod >> 64), lo = (uint64_t)prod;
            return sf_round_pack(p, eb, psign, pexp + 64, hi | (lo != 0), rm, flags);
        }
    }
    /* RISC-V: inf * 0 is invalid even when the addend is a quiet NaN. */
    bool inf_zero =
        (a.cls == SFC_INF && b.cls == SFC_ZERO) || (a.cls == SFC_ZERO && b.cls == SFC_INF);
    if (inf_zero || sf_any_nan(a, b) || c.cls >= SFC_QNAN)
        return sf_nan_result(p, eb, inf_zero || sf_any_snan(a, b) || c.cls == SFC_SNAN, flags);
    if (a.cls == SFC_INF || b.cls == SFC_INF) {
        if (c.cls == SFC_INF && c.sign != psign)
            return sf_invalid(p, eb, flags);
        return sf_inf(p, eb, psign);
    }
    if (c.cls == SFC_INF)
        return sf_inf(p, eb, c.sign);
    /* The product is an exact zero here (the finite * finite cases returned above). */
    if (c.cls == SFC_ZERO)
        return sf_zero(p, eb, psign == c.sign ? psign : sf_cancel_sign(rm));
    return cbits ^ sf_sign_bit(p, eb, negate_addend);
}

/* a < b in the total order of non-NaN values where -0 < +0. */
SF_INLINE bool sf_less_signed_zero(int p, int eb, uint64_t a, uint64_t b)
{
    bool sa = (a >> (p - 1 + eb)) & 1, sb = (b >> (p - 1 + eb)) & 1;

    if (sa != sb)
        return sa;
    return a != b && (sa ^ (a < b));
}

SF_INLINE uint64_t sf_minmax(int p, int eb, uint64_t a, uint64_t b, bool want_max, uint32_t *flags)
{
    bool an = sf_is_nan(p, eb, a), bn = sf_is_nan(p, eb, b);

    if (__builtin_expect(an || bn, 0)) {
        if (sf_is_snan(p, eb, a) || sf_is_snan(p, eb, b))
            *flags |= SF_NV;
        if (an && bn)
            return sf_default_nan(p, eb);
        return an ? b : a;
    }
    return sf_less_signed_zero(p, eb, a, b) ^ want_max ? a : b;
}

SF_INLINE bool sf_eq(int p, int eb, uint64_t a, uint64_t b, uint32_t *flags)
{
    if (sf_is_nan(p, eb, a) || sf_is_nan(p, eb, b)) {
        if (sf_is_snan(p, eb, a) || sf_is_snan(p, eb, b))
            *flags |= SF_NV;
        return false;
    }
    return a == b || !((a | b) & sf_mag_mask(p, eb));
}

SF_INLINE bool sf_lt(int p, int eb, uint64_t a, uint64_t b, bool or_equal, uint32_t *flags)
{
    if (sf_is_nan(p, eb, a) || sf_is_nan(p, eb, b)) {
        *flags |= SF_NV;
        return false;
    }
    if (!((a | b) & sf_mag_mask(p, eb)))
        return or_equal; /* +-0 vs +-0 */
    return sf_less_signed_zero(p, eb, a, b) || (or_equal && a == b);
}

SF_INLINE uint32_t sf_classify(int p, int eb, uint64_t bits)
{
    struct sf_num a = sf_unpack(p, eb, bits);
    bool subnormal = a.cls == SFC_FINITE && !((bits >> (p - 1)) & (((uint64_t)1 << eb) - 1));

    switch (a.cls) {
    case SFC_SNAN: return SF_CLASS_SNAN;
    case SFC_QNAN: return SF_CLASS_QNAN;
    case SFC_INF: return a.sign ? SF_CLASS_NEG_INF : SF_CLASS_POS_INF;
    case SFC_ZERO: return a.sign ? SF_CLASS_NEG_ZERO : SF_CLASS_POS_ZERO;
    default:
        if (subnormal)
            return a.sign ? SF_CLASS_NEG_SUBNORMAL : SF_CLASS_POS_SUBNORMAL;
        return a.sign ? SF_CLASS_NEG_NORMAL : SF_CLASS_POS_NORMAL;
    }
}

/* Conversion between formats (p1, eb1) -> (p2, eb2). */
SF_INLINE uint64_t sf_convert(int p1, int eb1, int p2, int eb2, uint64_t bits, enum sf_rounding rm,
                              uint32_t *flags)
{
    struct sf_num a = sf_unpack(p1, eb1, bits);

    switch (a.cls) {
    case SFC_FINITE: return sf_round_pack(p2, eb2, a.sign, a.exp, a.sig, rm, flags);
    case SFC_ZERO: return sf_zero(p2, eb2, a.sign);
    case SFC_INF: return sf_inf(p2, eb2, a.sign);
    default: return sf_nan_result(p2, eb2, a.cls == SFC_SNAN, flags);
    }
}

/*
 * Float to a `width`-bit integer, returned as the two's complement bit pattern. The range
 * check is made on the rounded magnitude; an out-of-range result raises NV only.
 */
SF_INLINE uint64_t sf_to_int(int p, int eb, uint64_t bits, bool is_signed, int width,
                             enum sf_rounding rm, uint32_t *flags)
{
    struct sf_num a = sf_unpack(p, eb, bits);
    uint64_t umax = width == 64 ? UINT64_MAX : ((uint64_t)1 << width) - 1;
    uint64_t smax = ((uint64_t)1 << (width - 1)) - 1;
    uint64_t hi = is_signed ? smax : umax, lo = is_signed ? -(smax + 1) : 0;

    if (a.cls == SFC_ZERO)
        return 0;
    if (a.cls >= SFC_QNAN)
        goto invalid_nan;
    if (a.cls == SFC_INF || a.exp > 0)
        goto invalid; /* |a| >= 2^64 */

    uint64_t mag, rem;
    int32_t n = -a.exp; /* fraction bits */
    if (n == 0) {
        mag = a.sig, rem = 0;
    } else if (n < 64) {
        mag = a.sig >> n, rem = a.sig << (64 - n);
    } else {
        mag = 0, rem = n == 64 ? a.sig : 1; /* beyond 1/2 ulp only the stickiness matters */
    }
    if (sf_round_up(mag, rem, (uint64_t)1 << 63, rm, a.sign) && !++mag)
        goto invalid;
    if (is_signed ? mag > smax + a.sign : a.sign ? mag != 0 : mag > umax)
        goto invalid;
    if (rem)
        *flags |= SF_NX;
    return a.sign ? -mag : mag;

invalid_nan:
    *flags |= SF_NV;
    return hi;
invalid:
    *flags |= SF_NV;
    return a.sign ? lo : hi;
}

SF_INLINE uint64_t sf_from_int(int p, int eb, bool negative, uint64_t mag, enum sf_rounding rm,
                               uint32_t *flags)
{
    if (!mag)
        return 0;
    return sf_round_pack(p, eb, negative, 0, mag, rm, flags);
}

SF_INLINE uint64_t sf_abs64(int64_t v)
{
    return v < 0 ? -(uint64_t)v : (uint64_t)v;
}

/* ---- The public entry points: binary32. ---- */

uint32_t sf32_add(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_add(F32, a, b, false, rm, flags);
}

uint32_t sf32_sub(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_add(F32, a, b, true, rm, flags);
}

uint32_t sf32_mul(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_mul(F32, a, b, rm, flags);
}

uint32_t sf32_div(uint32_t a, uint32_t b, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_div(F32, a, b, rm, flags);
}

uint32_t sf32_sqrt(uint32_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_sqrt(F32, a, rm, flags);
}

uint32_t sf32_fmadd(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_fma(F32, a, b, c, false, false, rm, flags);
}

uint32_t sf32_fmsub(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_fma(F32, a, b, c, false, true, rm, flags);
}

uint32_t sf32_fnmsub(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_fma(F32, a, b, c, true, false, rm, flags);
}

uint32_t sf32_fnmadd(uint32_t a, uint32_t b, uint32_t c, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_fma(F32, a, b, c, true, true, rm, flags);
}

uint32_t sf32_min(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t)sf_minmax(F32, a, b, false, flags);
}

uint32_t sf32_max(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t)sf_minmax(F32, a, b, true, flags);
}

bool sf32_eq(uint32_t a, uint32_t b, uint32_t *flags)
{
    return sf_eq(F32, a, b, flags);
}

bool sf32_lt(uint32_t a, uint32_t b, uint32_t *flags)
{
    return sf_lt(F32, a, b, false, flags);
}

bool sf32_le(uint32_t a, uint32_t b, uint32_t *flags)
{
    return sf_lt(F32, a, b, true, flags);
}

uint32_t sf32_classify(uint32_t a)
{
    return sf_classify(F32, a);
}

uint32_t sf32_from_f64(uint64_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_convert(F64, F32, a, rm, flags);
}

int32_t sf32_to_i32(uint32_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (int32_t)sf_to_int(F32, a, true, 32, rm, flags);
}

uint32_t sf32_to_u32(uint32_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_to_int(F32, a, false, 32, rm, flags);
}

int64_t sf32_to_i64(uint32_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (int64_t)sf_to_int(F32, a, true, 64, rm, flags);
}

uint64_t sf32_to_u64(uint32_t a, enum sf_rounding rm, uint32_t *flags)
{
    return sf_to_int(F32, a, false, 64, rm, flags);
}

uint32_t sf32_from_i32(int32_t v, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_from_int(F32, v < 0, sf_abs64(v), rm, flags);
}

uint32_t sf32_from_u32(uint32_t v, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_from_int(F32, false, v, rm, flags);
}

uint32_t sf32_from_i64(int64_t v, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_from_int(F32, v < 0, sf_abs64(v), rm, flags);
}

uint32_t sf32_from_u64(uint64_t v, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_from_int(F32, false, v, rm, flags);
}

/* ---- The public entry points: binary64. ---- */

uint64_t sf64_add(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags)
{
    return sf_add(F64, a, b, false, rm, flags);
}

uint64_t sf64_sub(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags)
{
    return sf_add(F64, a, b, true, rm, flags);
}

uint64_t sf64_mul(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags)
{
    return sf_mul(F64, a, b, rm, flags);
}

uint64_t sf64_div(uint64_t a, uint64_t b, enum sf_rounding rm, uint32_t *flags)
{
    return sf_div(F64, a, b, rm, flags);
}

uint64_t sf64_sqrt(uint64_t a, enum sf_rounding rm, uint32_t *flags)
{
    return sf_sqrt(F64, a, rm, flags);
}

uint64_t sf64_fmadd(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags)
{
    return sf_fma(F64, a, b, c, false, false, rm, flags);
}

uint64_t sf64_fmsub(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags)
{
    return sf_fma(F64, a, b, c, false, true, rm, flags);
}

uint64_t sf64_fnmsub(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags)
{
    return sf_fma(F64, a, b, c, true, false, rm, flags);
}

uint64_t sf64_fnmadd(uint64_t a, uint64_t b, uint64_t c, enum sf_rounding rm, uint32_t *flags)
{
    return sf_fma(F64, a, b, c, true, true, rm, flags);
}

uint64_t sf64_min(uint64_t a, uint64_t b, uint32_t *flags)
{
    return sf_minmax(F64, a, b, false, flags);
}

uint64_t sf64_max(uint64_t a, uint64_t b, uint32_t *flags)
{
    return sf_minmax(F64, a, b, true, flags);
}

bool sf64_eq(uint64_t a, uint64_t b, uint32_t *flags)
{
    return sf_eq(F64, a, b, flags);
}

bool sf64_lt(uint64_t a, uint64_t b, uint32_t *flags)
{
    return sf_lt(F64, a, b, false, flags);
}

bool sf64_le(uint64_t a, uint64_t b, uint32_t *flags)
{
    return sf_lt(F64, a, b, true, flags);
}

uint32_t sf64_classify(uint64_t a)
{
    return sf_classify(F64, a);
}

uint64_t sf64_from_f32(uint32_t a, enum sf_rounding rm, uint32_t *flags)
{
    return sf_convert(F32, F64, a, rm, flags);
}

int32_t sf64_to_i32(uint64_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (int32_t)sf_to_int(F64, a, true, 32, rm, flags);
}

uint32_t sf64_to_u32(uint64_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (uint32_t)sf_to_int(F64, a, false, 32, rm, flags);
}

int64_t sf64_to_i64(uint64_t a, enum sf_rounding rm, uint32_t *flags)
{
    return (int64_t)sf_to_int(F64, a, true, 64, rm, flags);
}

uint64_t sf64_to_u64(uint64_t a, enum sf_rounding rm, uint32_t *flags)
{
    return sf_to_int(F64, a, false, 64, rm, flags);
}

uint64_t sf64_from_i32(int32_t v, enum sf_rounding rm, uint32_t *flags)
{
    return sf_from_int(F64, v < 0, sf_abs64(v), rm, flags);
}

uint64_t sf64_from_u32(uint32_t v, enum sf_rounding rm, uint32_t *flags)
{
    return sf_from_int(F64, false, v, rm, flags);
}

uint64_t sf64_from_i64(int64_t v, enum sf_rounding rm, uint32_t *flags)
{
    return sf_from_int(F64, v < 0, sf_abs64(v), rm, flags);
}

uint64_t sf64_from_u64(uint64_t v, enum sf_rounding rm, uint32_t *flags)
{
    return sf_from_int(F64, false, v, rm, flags);
}
