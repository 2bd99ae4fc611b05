#!/usr/bin/env python3
"""Writes fp_cases.h: the rv64f/rv64d guests' known answers, from the specifications.

Every expected result is computed here with exact rational arithmetic (fractions.Fraction)
and rounded by the rules of IEEE 754-2008 as the RISC-V F and D chapters apply them:

* one rounding of the exact result, in RNE, RTZ, RDN, RUP or RMM;
* overflow: the result rounded with an unbounded exponent exceeds the largest finite value
  (OF and NX; RTZ, and RDN/RUP away from their direction, give the largest finite value);
* underflow: tininess is detected AFTER rounding (the result rounded to the format's
  precision with an unbounded exponent is nonzero and below the smallest normal), and UF is
  raised only when the delivered result is also inexact;
* a NaN result is always the canonical NaN (0x7fc00000, 0x7ff8000000000000); NV for any
  signalling NaN input and for the invalid operations (inf - inf, 0 * inf, 0 / 0, inf / inf,
  sqrt of a negative number, fused multiply-add with inf * 0 even when the addend is a
  quiet NaN);
* fmin/fmax are IEEE 754-2019 minimumNumber/maximumNumber (F 2.2): one NaN input gives the
  other operand, -0 < +0, NV for a signalling NaN;
* feq is quiet (NV only for a signalling NaN); flt and fle signal NV for any NaN;
* fcvt to integers rounds, then clips out-of-range values with NV (and no NX): NaN and +inf
  give the largest value, -inf the smallest; the W forms sign-extend their 32-bit result.

Nothing here comes from running QEMU: the guests are checked against QEMU afterwards, as a
second opinion. Run this script from its folder to regenerate fp_cases.h.
"""
import math
import os
import random
from fractions import Fraction as Fr

RNE, RTZ, RDN, RUP, RMM = range(5)
NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16


class Fmt:
    def __init__(self, name, p, ebits):
        self.name, self.p, self.ebits = name, p, ebits
        self.bias = (1 << (ebits - 1)) - 1
        self.emin, self.emax = 1 - self.bias, self.bias
        self.nbits = 1 + ebits + p - 1
        self.canon = (((1 << ebits) - 1) << (p - 1)) | (1 << (p - 2))
        self.inf = ((1 << ebits) - 1) << (p - 1)
        self.sign = 1 << (self.nbits - 1)

    def max_finite(self):
        return Fr((1 << self.p) - 1) * Fr(2) ** (self.emax - self.p + 1)


F32, F64 = Fmt("s", 24, 8), Fmt("d", 53, 11)


def ilog2(a):
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while Fr(2) ** e > a:
        e -= 1
    while Fr(2) ** (e + 1) <= a:
        e += 1
    return e


def round_int(v, rm, neg):
    """Rounds v >= 0 to an integer; neg says the number v is the magnitude of is negative."""
    fl = v.numerator // v.denominator
    rem = v - fl
    if rem == 0:
        return fl
    if rm == RNE:
        return fl + (1 if rem > Fr(1, 2) or (rem == Fr(1, 2) and fl % 2) else 0)
    if rm == RTZ:
        return fl
    if rm == RDN:
        return fl + (1 if neg else 0)
    if rm == RUP:
        return fl + (0 if neg else 1)
    return fl + (1 if rem >= Fr(1, 2) else 0)  # RMM


def encode(f, sign, mag):
    """The bits of an exactly representable value."""
    s = f.sign if sign else 0
    if mag == 0:
        return s
    if mag < Fr(2) ** f.emin:
        m = mag / Fr(2) ** (f.emin - f.p + 1)
        assert m.denominator == 1
        return s | int(m)
    e = ilog2(mag)
    m = mag / Fr(2) ** (e - f.p + 1)
    assert m.denominator == 1 and (1 << (f.p - 1)) <= m < (1 << f.p) and e <= f.emax
    return s | ((e + f.bias) << (f.p - 1)) | (int(m) - (1 << (f.p - 1)))


def round_to(f, sign, mag, rm):
    """Rounds the exact nonzero value (-1)^sign * mag: (bits, flags)."""
    e = ilog2(mag)
    q = Fr(2) ** (e - f.p + 1)
    tiny = round_int(mag / q, rm, sign) * q < Fr(2) ** f.emin
    q = Fr(2) ** (max(e, f.emin) - f.p + 1)
    r = round_int(mag / q, rm, sign) * q
    if r >= Fr(2) ** (f.emax + 1):
        to_inf = rm in (RNE, RMM) or (rm == RUP and not sign) or (rm == RDN and sign)
        return ((f.sign if sign else 0) | f.inf if to_inf else encode(f, sign, f.max_finite()),
                OF | NX)
    flags = 0
    if r != mag:
        flags = NX | (UF if tiny else 0)
    return encode(f, sign, r), flags


def decode(f, bits):
    """('nan', quiet) / ('inf', sign) / ('num', sign, magnitude; 0 for zeros)."""
    sign = bits >> (f.nbits - 1) & 1
    e = bits >> (f.p - 1) & ((1 << f.ebits) - 1)
    m = bits & ((1 << (f.p - 1)) - 1)
    if e == (1 << f.ebits) - 1:
        return ("nan", bool(m >> (f.p - 2))) if m else ("inf", sign)
    if e == 0:
        return ("num", sign, Fr(m) * Fr(2) ** (f.emin - f.p + 1))
    return ("num", sign, Fr(m + (1 << (f.p - 1))) * Fr(2) ** (e - f.bias - f.p + 1))


def is_nan(x):
    return x[0] == "nan"


def is_snan(x):
    return x[0] == "nan" and not x[1]


def is_zero(x):
    return x[0] == "num" and x[2] == 0


def inf(f, sign):
    return (f.sign if sign else 0) | f.inf


def signed(x):
    return -x[2] if x[1] else x[2]


def exact_sum(f, rm, terms, zero_signs):
    """Rounds a sum of exact terms; zero_signs: the signs of the addends, for a zero sum."""
    s = sum(terms)
    if s != 0:
        return round_to(f, s < 0, abs(s), rm)
    # A zero sum: x + x keeps the sign of x for zeros; otherwise +0, or -0 when rounding down.
    if all(t == 0 for t in terms) and len(set(zero_signs)) == 1:
        return encode(f, zero_signs[0], 0), 0
    return encode(f, rm == RDN, 0), 0


def nan_result(f, *xs, invalid=False):
    return f.canon, NV if invalid or any(is_snan(x) for x in xs) else 0


def op_add(f, rm, a, b, negate_b=False):
    x, y = decode(f, a), decode(f, b)
    if negate_b and not is_nan(y):
        y = (y[0], 1 - y[1]) + y[2:]
    if is_nan(x) or is_nan(y):
        return nan_result(f, x, y)
    if x[0] == "inf" or y[0] == "inf":
        if x[0] == "inf" and y[0] == "inf" and x[1] != y[1]:
            return f.canon, NV
        return inf(f, x[1] if x[0] == "inf" else y[1]), 0
    return exact_sum(f, rm, [signed(x), signed(y)], [x[1], y[1]])


def op_mul(f, rm, a, b):
    x, y = decode(f, a), decode(f, b)
    if is_nan(x) or is_nan(y):
        return nan_result(f, x, y)
    sign = x[1] ^ y[1]
    if x[0] == "inf" or y[0] == "inf":
        if is_zero(x) or is_zero(y):
            return f.canon, NV
        return inf(f, sign), 0
    if is_zero(x) or is_zero(y):
        return encode(f, sign, 0), 0
    return round_to(f, sign, x[2] * y[2], rm)


def op_div(f, rm, a, b):
    x, y = decode(f, a), decode(f, b)
    if is_nan(x) or is_nan(y):
        return nan_result(f, x, y)
    sign = x[1] ^ y[1]
    if x[0] == "inf":
        return (f.canon, NV) if y[0] == "inf" else (inf(f, sign), 0)
    if y[0] == "inf":
        return encode(f, sign, 0), 0
    if is_zero(y):
        return (f.canon, NV) if is_zero(x) else (inf(f, sign), DZ)
    if is_zero(x):
        return encode(f, sign, 0), 0
    return round_to(f, sign, x[2] / y[2], rm)


def exact_sqrt(v):
    """sqrt(v) if rational, else a value strictly inside the same tiny interval (sticky)."""
    k = 200 + v.denominator.bit_length()
    r = math.isqrt((v.numerator << (2 * k)) // v.denominator)
    approx = Fr(r, 1 << k)
    if approx * approx == v:
        return approx
    return Fr(2 * r + 1, 1 << (k + 1))


def op_sqrt(f, rm, a):
    x = decode(f, a)
    if is_nan(x):
        return nan_result(f, x)
    if is_zero(x):
        return a, 0
    if x[1]:
        return f.canon, NV
    if x[0] == "inf":
        return a, 0
    return round_to(f, 0, exact_sqrt(x[2]), rm)


def op_fma(f, rm, a, b, c, neg_prod, neg_c):
    x, y, z = decode(f, a), decode(f, b), decode(f, c)
    inf_times_zero = ((x[0] == "inf" and is_zero(y)) or (is_zero(x) and y[0] == "inf"))
    if is_nan(x) or is_nan(y) or is_nan(z):
        return nan_result(f, x, y, z, invalid=inf_times_zero)
    if inf_times_zero:
        return f.canon, NV
    ps = x[1] ^ y[1] ^ neg_prod
    zs = z[1] ^ neg_c
    if x[0] == "inf" or y[0] == "inf":
        if z[0] == "inf" and zs != ps:
            return f.canon, NV
        return inf(f, ps), 0
    if z[0] == "inf":
        return inf(f, zs), 0
    p = x[2] * y[2] * (-1 if ps else 1)
    zc = z[2] * (-1 if zs else 1)
    return exact_sum(f, rm, [p, zc], [ps, zs])


def op_minmax(f, a, b, is_max):
    x, y = decode(f, a), decode(f, b)
    flags = NV if is_snan(x) or is_snan(y) else 0
    if is_nan(x) and is_nan(y):
        return f.canon, flags
    if is_nan(x):
        return b, flags
    if is_nan(y):
        return a, flags

    def key(v):  # total order of the non-NaN values with -0 < +0
        d = decode(f, v)
        if d[0] == "inf":
            return (Fr(-1) if d[1] else Fr(1)) * Fr(2) ** 20000, 0
        return signed(d), -1 if d[1] else 0
    ka, kb = key(a), key(b)
    return (a if (ka >= kb) == is_max else b), flags


def op_cmp(f, a, b, kind):
    x, y = decode(f, a), decode(f, b)
    if is_nan(x) or is_nan(y):
        quiet_ok = kind == "eq" and not is_snan(x) and not is_snan(y)
        return 0, 0 if quiet_ok else NV

    def val(d):
        if d[0] == "inf":
            return (Fr(-1) if d[1] else Fr(1)) * Fr(2) ** 20000
        return signed(d)
    va, vb = val(x), val(y)
    return int({"eq": va == vb, "lt": va < vb, "le": va <= vb}[kind]), 0


def op_class(f, a):
    x = decode(f, a)
    if x[0] == "nan":
        return 1 << (9 if x[1] else 8), 0
    if x[0] == "inf":
        return 1 << (0 if x[1] else 7), 0
    if x[2] == 0:
        return 1 << (3 if x[1] else 4), 0
    sub = x[2] < Fr(2) ** f.emin
    if x[1]:
        return 1 << (2 if sub else 1), 0
    return 1 << (5 if sub else 6), 0


def op_sgnj(f, a, b, kind):
    sa, sb = a & f.sign, b & f.sign
    s = {"j": sb, "jn": sb ^ f.sign, "jx": sa ^ sb}[kind]
    return (a & ~f.sign) | s, 0


INT_RANGE = {"w": (-(1 << 31), (1 << 31) - 1), "wu": (0, (1 << 32) - 1),
             "l": (-(1 << 63), (1 << 63) - 1), "lu": (0, (1 << 64) - 1)}
M64 = (1 << 64) - 1


def int_result(kind, v):
    """The destination register value: the W forms sign-extend their 32-bit result."""
    if kind in ("w", "wu"):
        v &= 0xffffffff
        if v >> 31:
            v |= 0xffffffff00000000
    return v & M64


def op_to_int(f, rm, a, kind):
    lo, hi = INT_RANGE[kind]
    x = decode(f, a)
    if x[0] == "nan":
        return int_result(kind, hi), NV
    if x[0] == "inf":
        return int_result(kind, lo if x[1] else hi), NV
    n = round_int(x[2], rm, x[1])
    v = -n if x[1] else n
    if v < lo or v > hi:
        return int_result(kind, lo if x[1] else hi), NV
    return int_result(kind, v), NX if v != signed(x) else 0


def op_from_int(f, rm, reg, kind):
    if kind == "w":
        v = reg & 0xffffffff
        v = v - (1 << 32) if v >> 31 else v
    elif kind == "wu":
        v = reg & 0xffffffff
    elif kind == "l":
        v = reg - (1 << 64) if reg >> 63 else reg
    else:
        v = reg
    if v == 0:
        return 0, 0
    return round_to(f, v < 0, Fr(abs(v)), rm)


def op_convert(src, dst, rm, a):
    x = decode(src, a)
    if is_nan(x):
        return dst.canon, NV if is_snan(x) else 0
    if x[0] == "inf":
        return inf(dst, x[1]), 0
    if x[2] == 0:
        return encode(dst, x[1], 0), 0
    return round_to(dst, x[1], x[2], rm)


# ---- the inputs ----

def val(f, x):
    """The bits of the exactly representable number x (a Fraction or int)."""
    x = Fr(x)
    return encode(f, x < 0, abs(x))


def consts(f):
    p, emin, emax = f.p, f.emin, f.emax
    two = Fr(2)
    c = dict(
        ONE=val(f, 1), TWO=val(f, 2), THREE=val(f, 3), FOUR=val(f, 4), HALF=val(f, Fr(1, 2)),
        M1=val(f, -1), M2=val(f, -2), M3=val(f, -3),
        ZERO=0, NZERO=f.sign, INF=f.inf, NINF=f.inf | f.sign,
        QNAN=f.canon, SNAN=f.inf | 1, NQNAN=f.canon | f.sign | 5, SNAN2=f.inf | f.sign | 0x123,
        MAX=encode(f, 0, f.max_finite()), NMAX=encode(f, 1, f.max_finite()),
        MINN=val(f, two ** emin), NMINN=val(f, -two ** emin), MINS=val(f, two ** (emin - p + 1)),
        NMINS=val(f, -two ** (emin - p + 1)),
        MAXSUB=val(f, two ** emin - two ** (emin - p + 1)),
        ONE_ULP=val(f, 1 + two ** (1 - p)),        # the number after 1
        NONE_ULP=val(f, -(1 + two ** (1 - p))),
        BELOW_ONE=val(f, 1 - two ** -p),          # the number before 1
        TIE=val(f, two ** -p),                    # half an ulp of 1
        NTIE=val(f, -two ** -p),
        QUARTER_ULP=val(f, two ** (-p - 1)),
        THREE_QUARTER_ULP=val(f, 3 * two ** (-p - 1)),
        NTHREE_QUARTER_ULP=val(f, -3 * two ** (-p - 1)),
        MAX_HALF_ULP=val(f, two ** (emax - p)),   # half an ulp of MAX
        TEN=val(f, 10), PI=round_to(f, 0, Fr(314159265358979323846, 10 ** 20), RNE)[0],
        E=round_to(f, 0, Fr(271828182845904523536, 10 ** 20), RNE)[0],
    )
    return c


def random_values(f, seed, n):
    """Finite numbers with random significands and exponents over a middle range."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        m = rnd.getrandbits(f.p - 1) | (1 << (f.p - 1))
        e = rnd.randint(-20, 20)
        out.append(encode(f, rnd.getrandbits(1), Fr(m) * Fr(2) ** (e - f.p + 1)))
    return out


def arith_inputs(f):
    """Operands for the arithmetic ops, the same shapes in both formats:

    * ties at half an ulp of 1, where RNE and RMM differ and the sign decides RDN and RUP;
    * overflow: MAX + MAX, and MAX + half an ulp of MAX, a tie that overflows in RNE only;
    * exact zero results: +0, or -0 when rounding down, and -0 + -0;
    * every invalid operation, and NaN inputs (the canonical NaN out, payloads dropped);
    * subnormal results, exact (no UF) and inexact;
    * tininess after rounding: MINN * BELOW_ONE is exact at p bits but below 2^emin, so it
      is tiny, and RNE delivers 2^emin with UF and NX;
    * the fused ops' single rounding (MAX * 2 - MAX) and inf * 0 + qNaN (NV);
    * a few seeded random operands.
    """
    c = consts(f)
    g = lambda *names: tuple(c[n] if isinstance(n, str) else n for n in names)
    r = random_values(f, 1 if f is F32 else 2, 12)
    add = [g("ONE", "TIE"), g("ONE", "THREE_QUARTER_ULP"), g("ONE", "QUARTER_ULP"),
           g("M1", "NTIE"), g("M1", "NTHREE_QUARTER_ULP"), g("ONE_ULP", "TIE"),
           g("MAX", "MAX"), g("NMAX", "NMAX"), g("MAX", "MAX_HALF_ULP"), g("ONE", "M1"),
           g("NZERO", "NZERO"), g("ZERO", "NZERO"), g("INF", "NINF"), g("INF", "ONE"),
           g("QNAN", "ONE"), g("SNAN", "ONE"), g("ONE", "NQNAN"), g("MINS", "MINS"),
           g("MINN", "NMINS"), g("PI", "E"), (r[0], r[1]), (r[2], r[3])]
    sub = [g("ONE", "QUARTER_ULP"), g("ONE", "TIE"), g("ONE", "ONE"), g("NZERO", "ZERO"),
           g("ZERO", "ZERO"), g("NMAX", "MAX"), g("INF", "INF"), g("NINF", "INF"),
           g("SNAN", "QNAN"), g("MINN", "MAXSUB"), g("M1", "TIE"), g("PI", "E"),
           (r[4], r[5]), (r[6], r[7])]
    mul = [g("ONE_ULP", "ONE_ULP"), g("NONE_ULP", "ONE_ULP"), g("ONE_ULP", "BELOW_ONE"),
           g("MAX", "TWO"), g("NMAX", "TWO"), g("MINN", "HALF"), g("MINN", "BELOW_ONE"),
           g("NMINN", "BELOW_ONE"), g("MINS", "HALF"), g("NMINS", "HALF"), g("MINS", "MINS"),
           g("ZERO", "INF"), g("NZERO", "THREE"), g("INF", "M2"), g("SNAN", "ZERO"),
           g("QNAN", "INF"), g("PI", "E"), (r[8], r[9]), (r[10], r[11])]
    div = [g("ONE", "THREE"), g("M1", "THREE"), g("TWO", "THREE"), g("ONE", "ZERO"),
           g("M1", "ZERO"), g("ONE", "NZERO"), g("ZERO", "ZERO"), g("INF", "INF"),
           g("ONE", "INF"), g("INF", "ZERO"), g("NZERO", "FOUR"), g("MAX", "HALF"),
           g("MINN", "THREE"), g("MINS", "TWO"), g("MINN", "ONE_ULP"), g("SNAN", "ONE"),
           g("PI", "E"), (r[0], r[11]), (r[1], r[10])]
    sqrt = [g("FOUR"), g("TWO"), g("THREE"), g("HALF"), g("MINS"), g("MAX"), g("NZERO"),
            g("ZERO"), g("M1"), g("NINF"), g("INF"), g("SNAN"), g("QNAN"), g("NMINS"),
            g("ONE_ULP"), g("BELOW_ONE"), g("PI"), (abs_bits(f, r[2]),), (abs_bits(f, r[3]),)]
    fma = [g("ONE", "ONE", "TIE"), g("ONE_ULP", "ONE_ULP", "M1"), g("INF", "ZERO", "QNAN"),
           g("ZERO", "INF", "ONE"), g("INF", "ZERO", "SNAN"), g("QNAN", "ONE", "ONE"),
           g("ONE", "ONE", "SNAN"), g("INF", "ONE", "NINF"), g("INF", "ONE", "ONE"),
           g("ONE", "ONE", "M1"), g("ZERO", "ONE", "NZERO"), g("NZERO", "ONE", "NZERO"),
           g("MAX", "TWO", "NMAX"), g("MAX", "MAX", "ZERO"), g("MINN", "BELOW_ONE", "ZERO"),
           g("MINN", "HALF", "MINS"), g("TWO", "THREE", "FOUR"), g("ONE", "TIE", "ONE"),
           g("PI", "E", "TEN"), (r[3], r[4], r[5]), (r[6], r[7], r[8])]
    return dict(add=add, sub=sub, mul=mul, div=div, sqrt=sqrt, fma=fma)


def abs_bits(f, b):
    return b & ~f.sign


def special_inputs(f):
    c = consts(f)
    g = lambda *names: tuple(c[n] for n in names)
    minmax = [g("ONE", "TWO"), g("TWO", "ONE"), g("NZERO", "ZERO"), g("ZERO", "NZERO"),
              g("QNAN", "ONE"), g("ONE", "QNAN"), g("SNAN", "ONE"), g("M1", "SNAN2"),
              g("QNAN", "QNAN"), g("SNAN", "QNAN"), g("NINF", "INF"), g("NQNAN", "M1"),
              g("M1", "M2"), g("MINS", "NMINS")]
    cmp = [g("ONE", "ONE"), g("ONE", "TWO"), g("TWO", "ONE"), g("NZERO", "ZERO"),
           g("ZERO", "NZERO"), g("QNAN", "ONE"), g("ONE", "QNAN"), g("SNAN", "ONE"),
           g("ONE", "SNAN"), g("INF", "INF"), g("NINF", "NMAX"), g("MINS", "ZERO"),
           g("M2", "M1")]
    fclass = [g(n) for n in ("NINF", "M1", "NMINS", "NZERO", "ZERO", "MINS", "ONE", "INF",
                             "SNAN", "QNAN", "NQNAN", "SNAN2", "MAX", "MINN", "MAXSUB")]
    sgnj = [g("ONE", "M2"), g("M1", "TWO"), g("M1", "M2"), g("ONE", "TWO"), g("QNAN", "M1"),
            g("SNAN", "NZERO"), g("NINF", "ZERO"), g("NQNAN", "NQNAN")]
    return dict(minmax=minmax, cmp=cmp, fclass=fclass, sgnj=sgnj)


def to_int_inputs(f):
    two = Fr(2)
    nums = [0, Fr(1, 2), Fr(3, 2), Fr(5, 2), Fr(-1, 2), Fr(-3, 2), Fr(-5, 2), Fr(37, 10),
            Fr(-37, 10), 1 - two ** -f.p, two ** 31 - 1, two ** 31 - Fr(1, 2), two ** 31,
            -two ** 31, -two ** 31 - Fr(1, 2), -two ** 31 - 1, two ** 32 - 1, two ** 32 - Fr(1, 2),
            two ** 32, two ** 63 - two ** 10, two ** 63, -two ** 63, -two ** 63 - two ** 11,
            two ** 64 - two ** 11, two ** 64, Fr(10) ** 30]
    out = []
    for x in nums:
        x = Fr(x)
        b, fl = round_to(f, x < 0, abs(x), RNE) if x else (0, 0)
        if fl == 0 and b not in out:   # only exactly representable inputs
            out.append(b)
    c = consts(f)
    out += [c["NZERO"], c["INF"], c["NINF"], c["QNAN"], c["SNAN"], c["NQNAN"], c["MINS"],
            c["NMINS"], c["MAX"], c["NMAX"]]
    return [(b,) for b in out]


def from_int_inputs(f):
    regs = [0, 1, M64, (1 << 24) + 1, (1 << 24) + 3, (1 << 31) - 1, 0xffffffff80000000,
            0xffffffff, 0x1234567800000005, 0x0000000180000001, (1 << 53) + 1,
            (1 << 63) - 1, 1 << 63, M64 - 1, (1 << 63) + 1, 0x0123456789abcdef]
    return [(r,) for r in regs]


def convert_inputs(src, dst):
    two = Fr(2)
    if src is F64:
        c = consts(F64)
        nums = [Fr(1, 3), 1 + two ** -24, 1 + two ** -24 + two ** -52, -(1 + two ** -24),
                F32.max_finite(), F32.max_finite() + two ** (127 - 24),
                F32.max_finite() + two ** (127 - 25), Fr(10) ** 300,
                two ** -126 * (1 - two ** -25), two ** -126 - two ** -152,
                two ** -126 - two ** -150, two ** -150, -two ** -150, two ** -149 * 3 / 2,
                Fr(1, 10) ** 300, Fr(-7, 5)]
        out = [round_to(F64, x < 0, abs(x), RNE)[0] for x in map(Fr, nums)]
        out += [c["SNAN"], c["NQNAN"], c["QNAN"], c["INF"], c["NINF"], c["NZERO"], c["MINS"],
                c["MAX"]]
    else:
        c = consts(F32)
        out = [val(F32, Fr(3, 2)), c["MINS"], c["MAXSUB"], c["MAX"], c["SNAN"], c["NQNAN"],
               c["QNAN"], c["NINF"], c["NZERO"], c["PI"]]
    return [(b,) for b in out]


# ---- the op table: name, C stub base name, whether it takes a rounding mode, the function ----

RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm"]


def build_ops():
    """(guest, name, takes a rounding mode, inputs, function) for every op in the tables."""
    ops = []
    for f in (F32, F64):
        s = f.name
        ins = arith_inputs(f)
        sp = special_inputs(f)
        fops = [
            ("fadd." + s, True, ins["add"], lambda rm, a, b, f=f: op_add(f, rm, a, b)),
            ("fsub." + s, True, ins["sub"],
             lambda rm, a, b, f=f: op_add(f, rm, a, b, negate_b=True)),
            ("fmul." + s, True, ins["mul"], lambda rm, a, b, f=f: op_mul(f, rm, a, b)),
            ("fdiv." + s, True, ins["div"], lambda rm, a, b, f=f: op_div(f, rm, a, b)),
            ("fsqrt." + s, True, ins["sqrt"], lambda rm, a, f=f: op_sqrt(f, rm, a)),
            # fmsub: a*b - c; fnmsub: -(a*b) + c; fnmadd: -(a*b) - c (the operands are
            # negated, not the result, which matters for the sign of an exact zero).
            ("fmadd." + s, True, ins["fma"],
             lambda rm, a, b, c, f=f: op_fma(f, rm, a, b, c, 0, 0)),
            ("fmsub." + s, True, ins["fma"],
             lambda rm, a, b, c, f=f: op_fma(f, rm, a, b, c, 0, 1)),
            ("fnmsub." + s, True, ins["fma"],
             lambda rm, a, b, c, f=f: op_fma(f, rm, a, b, c, 1, 0)),
            ("fnmadd." + s, True, ins["fma"],
             lambda rm, a, b, c, f=f: op_fma(f, rm, a, b, c, 1, 1)),
            ("fmin." + s, False, sp["minmax"], lambda a, b, f=f: op_minmax(f, a, b, False)),
            ("fmax." + s, False, sp["minmax"], lambda a, b, f=f: op_minmax(f, a, b, True)),
            ("feq." + s, False, sp["cmp"], lambda a, b, f=f: op_cmp(f, a, b, "eq")),
            ("flt." + s, False, sp["cmp"], lambda a, b, f=f: op_cmp(f, a, b, "lt")),
            ("fle." + s, False, sp["cmp"], lambda a, b, f=f: op_cmp(f, a, b, "le")),
            ("fclass." + s, False, sp["fclass"], lambda a, f=f: op_class(f, a)),
            ("fsgnj." + s, False, sp["sgnj"], lambda a, b, f=f: op_sgnj(f, a, b, "j")),
            ("fsgnjn." + s, False, sp["sgnj"], lambda a, b, f=f: op_sgnj(f, a, b, "jn")),
            ("fsgnjx." + s, False, sp["sgnj"], lambda a, b, f=f: op_sgnj(f, a, b, "jx")),
        ]
        for k in ("w", "wu", "l", "lu"):
            fops.append(("fcvt.%s.%s" % (k, s), True, to_int_inputs(f),
                         lambda rm, a, f=f, k=k: op_to_int(f, rm, a, k)))
        for k in ("w", "wu", "l", "lu"):
            # Conversions that are always exact take no rounding mode here.
            exact = f is F64 and k in ("w", "wu")
            fn = (lambda a, f=f, k=k: op_from_int(f, RNE, a, k)) if exact else \
                (lambda rm, a, f=f, k=k: op_from_int(f, rm, a, k))
            fops.append(("fcvt.%s.%s" % (s, k), not exact, from_int_inputs(f), fn))
        if f is F64:
            fops.append(("fcvt.s.d", True, convert_inputs(F64, F32),
                         lambda rm, a: op_convert(F64, F32, rm, a)))
            fops.append(("fcvt.d.s", False, convert_inputs(F32, F64),
                         lambda a: op_convert(F32, F64, RNE, a)))
        ops += [(f.name,) + op for op in fops]
    return ops


def result_fmt(name):
    """How a result comes back in a0: a NaN-boxed single (fmv.x.d), a double, an integer."""
    parts = name.split(".")
    if parts[0] in ("feq", "flt", "fle", "fclass"):
        return "int"
    if parts[0] == "fcvt":
        return {"s": "s", "d": "d"}.get(parts[1], "int")
    return parts[1]


def stub_name(name):
    return name.replace(".", "_")


def wrap(prefix, items, suffix, width=100):
    """prefix item, item, ... suffix, broken into lines no wider than width."""
    lines, line = [], prefix
    for i, item in enumerate(items):
        text = item + (", " if i < len(items) - 1 else suffix)
        if len(line) + len(text.rstrip()) > width:
            lines.append(line.rstrip())
            line = " " * len(prefix)
        line += text
    return lines + [line]


def emit():
    out = ["/* Generated by gen_fp_cases.py (IEEE 754 and RISC-V F/D rules): do not edit. */",
           "#ifndef FP_CASES_H", "#define FP_CASES_H", "", '#include "fp.h"', ""]
    ops = build_ops()
    for _, name, has_rm, _, _ in ops:
        out.append("FP_STUBS%s(%s);" % ("_RM" if has_rm else "", stub_name(name)))
    out.append("")
    for _, name, has_rm, inputs, fn in ops:
        rows = []
        for args in inputs:
            padded = list(args) + [0] * (3 - len(args))
            res = [fn(rm, *args) for rm in range(5)] if has_rm else [fn(*args)]
            rows += wrap("    {{", ["0x%x" % a for a in padded], "},")
            rows += wrap("     {", ["0x%x" % box(name, r) for r, _ in res], "},")
            rows += wrap("     {", ["0x%x" % fl for _, fl in res], "}},")
        out.append("static const struct fp_case %s_cases[] = {" % stub_name(name))
        out += rows
        out.append("};")
        out.append("")
    for guest in ("s", "d"):
        out.append("static const struct fp_op fp_ops_%s[] = {" % guest)
        for g, name, has_rm, inputs, _ in ops:
            if g != guest:
                continue
            st = stub_name(name)
            stubs = "FP_RM_STUBS(%s)" % st if has_rm else "{%s}" % st
            out.append('    {"%s", %s, %s, %s_cases, %d},' % (
                name, "true" if has_rm else "false", stubs, st, len(inputs)))
        out.append("};")
        out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"


def box(name, r):
    """The 64-bit register image of a result: singles are NaN-boxed (upper 32 bits ones)."""
    kind = result_fmt(name)
    if kind == "s":
        return 0xffffffff00000000 | r
    return r


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "fp_cases.h"), "w") as fh:
        fh.write(emit())
