/*
 * Unit tests for vcpu/riscv/hostfp, both lanes: every result and every flag equal to
 * softfloat's, on operands chosen to reach the differences between x86 and RISC-V (NaN
 * payloads and signs, signaling NaNs, inf * 0 in fused multiply-adds) and the rounding edges
 * (subnormals, overflow, ties, cancellation), in the four rounding modes x86 has.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "vcpu/riscv/hostfp.h"
#include "vcpu/riscv/softfloat.h"

#define CASES_PER_OP 200000

static const char *const op_names[] = {"add", "sub", "mul", "div", "sqrt",
                                       "fmadd", "fmsub", "fnmsub", "fnmadd"};
static const char *const rm_names[] = {"rne", "rtz", "rdn", "rup", "rmm"};

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* A float of the given format: exponent bits eb, fraction bits fb. */
struct fmt {
    unsigned eb, fb;
};

static const struct fmt F32 = {8, 23}, F64 = {11, 52};

static uint64_t pack(struct fmt f, bool sign, uint64_t exp, uint64_t frac)
{
    uint64_t emax = (1ull << f.eb) - 1;

    return (uint64_t)sign << (f.eb + f.fb) | (exp & emax) << f.fb | (frac & ((1ull << f.fb) - 1));
}

/* Mostly ordinary numbers, often the special values and the edges of the range. */
static uint64_t gen_operand(struct fmt f)
{
    uint64_t emax = (1ull << f.eb) - 1, bias = emax >> 1, qbit = 1ull << (f.fb - 1);
    bool s = rnd() & 1;
    uint64_t frac = rnd();

    switch (rnd_below(16)) {
    case 0: return pack(f, s, 0, 0);                          /* zero */
    case 1: return pack(f, s, emax, 0);                       /* infinity */
    case 2: return pack(f, s, emax, qbit | frac);             /* quiet NaN, any payload */
    case 3: return pack(f, s, emax, (frac & ~qbit) | 1);      /* signaling NaN */
    case 4: return pack(f, s, 0, frac);                       /* subnormal */
    case 5: return pack(f, s, 1 + rnd_below(3), frac);        /* smallest normals */
    case 6: return pack(f, s, emax - 1 - rnd_below(3), frac); /* largest finite */
    case 7: return pack(f, s, bias + rnd_below(3), rnd_below(2) ? 0 : frac >> 40); /* ~1 */
    case 8: /* half way between neighbours at some precision: ties */
        return pack(f, s, bias - 8 + rnd_below(16), (frac >> 20 << 20) | 1ull << 19);
    default: return pack(f, s, bias - 40 + rnd_below(80), frac); /* ordinary */
    }
}

/* The fused multiply-add's addend: often close to the product's magnitude, to cancel it. */
static uint64_t gen_addend(struct fmt f, uint64_t a, uint64_t b)
{
    uint64_t emax = (1ull << f.eb) - 1, bias = emax >> 1;
    int64_t ea = (int64_t)((a >> f.fb) & emax), eb = (int64_t)((b >> f.fb) & emax);
    int64_t e = ea + eb - (int64_t)bias + (int64_t)rnd_below(5) - 2;

    if (rnd_below(2) || e <= 0 || e >= (int64_t)emax)
        return gen_operand(f);
    return pack(f, rnd() & 1, (uint64_t)e, rnd());
}

static uint32_t soft_f32(enum hostfp_op op, uint32_t a, uint32_t b, uint32_t c,
                         enum sf_rounding rm, uint32_t *fl)
{
    switch (op) {
    case HOSTFP_ADD: return sf32_add(a, b, rm, fl);
    case HOSTFP_SUB: return sf32_sub(a, b, rm, fl);
    case HOSTFP_MUL: return sf32_mul(a, b, rm, fl);
    case HOSTFP_DIV: return sf32_div(a, b, rm, fl);
    case HOSTFP_SQRT: return sf32_sqrt(a, rm, fl);
    case HOSTFP_FMADD: return sf32_fmadd(a, b, c, rm, fl);
    case HOSTFP_FMSUB: return sf32_fmsub(a, b, c, rm, fl);
    case HOSTFP_FNMSUB: return sf32_fnmsub(a, b, c, rm, fl);
    default: return sf32_fnmadd(a, b, c, rm, fl);
    }
}

static uint64_t soft_f64(enum hostfp_op op, uint64_t a, uint64_t b, uint64_t c,
                         enum sf_rounding rm, uint32_t *fl)
{
    switch (op) {
    case HOSTFP_ADD: return sf64_add(a, b, rm, fl);
    case HOSTFP_SUB: return sf64_sub(a, b, rm, fl);
    case HOSTFP_MUL: return sf64_mul(a, b, rm, fl);
    case HOSTFP_DIV: return sf64_div(a, b, rm, fl);
    case HOSTFP_SQRT: return sf64_sqrt(a, rm, fl);
    case HOSTFP_FMADD: return sf64_fmadd(a, b, c, rm, fl);
    case HOSTFP_FMSUB: return sf64_fmsub(a, b, c, rm, fl);
    case HOSTFP_FNMSUB: return sf64_fnmsub(a, b, c, rm, fl);
    default: return sf64_fnmadd(a, b, c, rm, fl);
    }
}

struct counts {
    unsigned long cases, host_declined, mismatches;
};

/* Compares one operation; returns false (after printing it) on a difference. */
static bool check_one(bool dbl, enum hostfp_op op, uint64_t a, uint64_t b, uint64_t c,
                      enum sf_rounding rm, struct counts *n)
{
    uint32_t hf = 0, sf = 0;
    uint64_t hr, sr;
    bool ok;

    n->cases++;
    if (dbl) {
        ok = hostfp_f64(op, a, b, c, rm, &hr, &hf);
        sr = soft_f64(op, a, b, c, rm, &sf);
    } else {
        uint32_t h32;
        ok = hostfp_f32(op, (uint32_t)a, (uint32_t)b, (uint32_t)c, rm, &h32, &hf);
        hr = h32;
        sr = soft_f32(op, (uint32_t)a, (uint32_t)b, (uint32_t)c, rm, &sf);
    }
    if (!ok) {
        n->host_declined++;
        return true;
    }
    if (hr == sr && hf == sf)
        return true;
    if (n->mismatches++ < 20)
        g_test_message("f%d %s %s a=%#" G_GINT64_MODIFIER "x b=%#" G_GINT64_MODIFIER
                       "x c=%#" G_GINT64_MODIFIER "x: host %#" G_GINT64_MODIFIER
                       "x flags %#x, softfloat %#" G_GINT64_MODIFIER "x flags %#x",
                       dbl ? 64 : 32, op_names[op], rm_names[rm], a, b, c, hr, hf, sr, sf);
    return false;
}

/*
 * The fast lane answers only when softfloat, in RNE, gives the same bits and raises nothing
 * but NX (which the lane's caller knows is already set).
 */
static void check_fast_lane(bool dbl, enum hostfp_op op, uint64_t a, uint64_t b, uint64_t c,
                            unsigned long *taken, unsigned long *bad)
{
    uint32_t sf = 0;
    uint64_t hr, sr;
    bool ok;

    if (dbl) {
        ok = hostfp_fast_f64(op, a, b, c, &hr);
        sr = soft_f64(op, a, b, c, SF_RNE, &sf);
    } else {
        uint32_t h32 = 0;
        ok = hostfp_fast_f32(op, (uint32_t)a, (uint32_t)b, (uint32_t)c, &h32);
        hr = h32;
        sr = soft_f32(op, (uint32_t)a, (uint32_t)b, (uint32_t)c, SF_RNE, &sf);
    }
    if (!ok)
        return;
    (*taken)++;
    if (hr == sr && !(sf & ~(uint32_t)SF_NX))
        return;
    if ((*bad)++ < 20)
        g_test_message("fast lane f%d %s a=%#" G_GINT64_MODIFIER "x b=%#" G_GINT64_MODIFIER
                       "x c=%#" G_GINT64_MODIFIER "x: lane %#" G_GINT64_MODIFIER
                       "x, softfloat %#" G_GINT64_MODIFIER "x flags %#x",
                       dbl ? 64 : 32, op_names[op], a, b, c, hr, sr, sf);
}

static void run_fast_lane(bool dbl)
{
    struct fmt f = dbl ? F64 : F32;
    unsigned long taken = 0, bad = 0, cases = 0;

    for (unsigned op = HOSTFP_ADD; op <= HOSTFP_FNMADD; op++) {
        for (unsigned i = 0; i < CASES_PER_OP; i++) {
            uint64_t a = gen_operand(f), b = gen_operand(f);
            uint64_t c = op >= HOSTFP_FMADD ? gen_addend(f, a, b) : 0;
            cases++;
            check_fast_lane(dbl, (enum hostfp_op)op, a, b, c, &taken, &bad);
        }
    }
    g_test_message("fast lane f%d: %lu cases, %lu taken, %lu wrong", dbl ? 64 : 32, cases, taken,
                   bad);
    g_assert_cmpuint(bad, ==, 0);
    /* Ordinary operands are most of the mix: the lane must take a good share of them. */
    g_assert_cmpuint(taken, >, cases / 4);
}

static void test_fast_lane_f32(void)
{
    run_fast_lane(false);
}

static void test_fast_lane_f64(void)
{
    run_fast_lane(true);
}

static void run_format(bool dbl)
{
    struct fmt f = dbl ? F64 : F32;
    struct counts n = {0};

    for (unsigned op = HOSTFP_ADD; op <= HOSTFP_FNMADD; op++) {
        for (unsigned i = 0; i < CASES_PER_OP; i++) {
            uint64_t a = gen_operand(f), b = gen_operand(f);
            uint64_t c = op >= HOSTFP_FMADD ? gen_addend(f, a, b) : 0;
            check_one(dbl, (enum hostfp_op)op, a, b, c, (enum sf_rounding)rnd_below(4), &n);
        }
    }
    g_test_message("f%d: %lu cases, %lu left to softfloat, %lu mismatches", dbl ? 64 : 32,
                   n.cases, n.host_declined, n.mismatches);
    g_assert_cmpuint(n.mismatches, ==, 0);
    /* The host path must actually run: only FMA on a host without it may decline. */
    if (__builtin_cpu_supports("fma"))
        g_assert_cmpuint(n.host_declined, ==, 0);
    else
        g_assert_cmpuint(n.host_declined, <=, 4ul * CASES_PER_OP);
}

static void test_f32(void)
{
    run_format(false);
}

static void test_f64(void)
{
    run_format(true);
}

/* The cases x86 answers differently, patched up by hostfp: checked by value, by hand. */
static void test_riscv_differences(void)
{
    uint32_t fl = 0, r32 = 0;
    uint64_t r64 = 0;

    /* A NaN operand's payload and sign do not propagate: the canonical NaN comes back. */
    g_assert_true(hostfp_f32(HOSTFP_ADD, 0xffc01234u, 0x3f800000u, 0, SF_RNE, &r32, &fl));
    g_assert_cmphex(r32, ==, SF_F32_CANONICAL_NAN);
    g_assert_cmphex(fl, ==, 0);
    /* A signaling NaN raises NV. */
    g_assert_true(hostfp_f64(HOSTFP_MUL, 0x7ff0000000000001ull, 0x4000000000000000ull, 0,
                             SF_RTZ, &r64, &fl));
    g_assert_cmphex(r64, ==, SF_F64_CANONICAL_NAN);
    g_assert_cmphex(fl, ==, SF_NV);
    if (__builtin_cpu_supports("fma")) {
        /* inf * 0 + qNaN raises NV on RISC-V, not on x86. */
        fl = 0;
        g_assert_true(hostfp_f64(HOSTFP_FMADD, 0x7ff0000000000000ull, 0, 0x7ff8000000000000ull,
                                 SF_RNE, &r64, &fl));
        g_assert_cmphex(r64, ==, SF_F64_CANONICAL_NAN);
        g_assert_cmphex(fl, ==, SF_NV);
        fl = 0;
        g_assert_true(hostfp_f32(HOSTFP_FNMADD, 0x80000000u, 0xff800000u, 0x7fc00001u, SF_RUP,
                                 &r32, &fl));
        g_assert_cmphex(r32, ==, SF_F32_CANONICAL_NAN);
        g_assert_cmphex(fl, ==, SF_NV);
    }
    /* 1/3 in each direction: inexact, and the last bit follows the mode. */
    uint64_t third[4];
    for (unsigned rm = SF_RNE; rm <= SF_RUP; rm++) {
        fl = 0;
        g_assert_true(hostfp_f64(HOSTFP_DIV, 0x3ff0000000000000ull, 0x4008000000000000ull, 0,
                                 (enum sf_rounding)rm, &third[rm], &fl));
        g_assert_cmphex(fl, ==, SF_NX);
    }
    g_assert_cmphex(third[SF_RNE], ==, 0x3fd5555555555555ull);
    g_assert_cmphex(third[SF_RTZ], ==, 0x3fd5555555555555ull);
    g_assert_cmphex(third[SF_RDN], ==, 0x3fd5555555555555ull);
    g_assert_cmphex(third[SF_RUP], ==, 0x3fd5555555555556ull);
}

/* RMM does not exist on x86: the host path declines it and leaves the flags alone. */
static void test_rmm_declined(void)
{
    uint32_t fl = 0, r32 = 0x1234;

    g_assert_false(hostfp_f32(HOSTFP_ADD, 0x3f800000u, 0x33800000u, 0, SF_RMM, &r32, &fl));
    g_assert_cmphex(r32, ==, 0x1234);
    g_assert_cmphex(fl, ==, 0);
}

/* After any mode, C code on the thread computes in round-to-nearest again. */
static void test_mxcsr_restored(void)
{
    uint32_t fl = 0;
    uint64_t r;
    volatile double one = 1.0, three = 3.0;

    g_assert_true(hostfp_f64(HOSTFP_DIV, 0x3ff0000000000000ull, 0x4008000000000000ull, 0, SF_RUP,
                             &r, &fl));
    double q = one / three;
    uint64_t bits;
    memcpy(&bits, &q, sizeof(bits));
    g_assert_cmphex(bits, ==, 0x3fd5555555555555ull);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!hostfp_enabled()) {
        /* Built with -Driscv_fp=soft: there is no host path to compare. Say so, do not pass. */
        g_test_add_func("/hostfp/disabled", test_rmm_declined);
        return g_test_run();
    }
    g_test_add_func("/hostfp/f32", test_f32);
    g_test_add_func("/hostfp/f64", test_f64);
    g_test_add_func("/hostfp/fast-lane-f32", test_fast_lane_f32);
    g_test_add_func("/hostfp/fast-lane-f64", test_fast_lane_f64);
    g_test_add_func("/hostfp/riscv-differences", test_riscv_differences);
    g_test_add_func("/hostfp/rmm-declined", test_rmm_declined);
    g_test_add_func("/hostfp/mxcsr-restored", test_mxcsr_restored);
    return g_test_run();
}
