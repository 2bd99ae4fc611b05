/* rv64f: single precision, from the generated tables, plus NaN boxing and the fcsr. */
#include "fp_cases.h"

/* The spec's tininess rule, spelled out (the same cases are also in the tables). */
static void check_tininess(void)
{
    /*
     * (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150: rounded to 24 bits with an unbounded exponent it
     * is exact and below 2^-126, so it is tiny; the delivered result rounds (a tie, to even)
     * up to the smallest normal, inexactly: RNE gives 0x00800000 with UF and NX.
     */
    fp_check_result("fmul.s rne 2^-126 * (1 - 2^-24)", fmul_s_rne(0x00800000, 0x3f7fffff, 0),
                    0xffffffff00800000ul, FFLAG_UF | FFLAG_NX);
    fp_check_result("fmul.s rtz 2^-126 * (1 - 2^-24)", fmul_s_rtz(0x00800000, 0x3f7fffff, 0),
                    0xffffffff007ffffful, FFLAG_UF | FFLAG_NX);
    /*
     * 2^-126 - 2^-152 (a double): rounded to 24 bits with an unbounded exponent it becomes
     * 2^-126, so it is not tiny after rounding: RNE gives 0x00800000 with NX only. RTZ
     * truncates below 2^-126: tiny and inexact, UF and NX.
     */
    fp_check_result("fcvt.s.d rne 2^-126 - 2^-152", fcvt_s_d_rne(0x380ffffff8000000ul, 0, 0),
                    0xffffffff00800000ul, FFLAG_NX);
    fp_check_result("fcvt.s.d rtz 2^-126 - 2^-152", fcvt_s_d_rtz(0x380ffffff8000000ul, 0, 0),
                    0xffffffff007ffffful, FFLAG_UF | FFLAG_NX);
    /* 2^-126 - 2^-151: a tie at 24 bits that rounds to even, up to 2^-126: not tiny. */
    fp_check_result("fcvt.s.d rne 2^-126 - 2^-151", fcvt_s_d_rne(0x380ffffff0000000ul, 0, 0),
                    0xffffffff00800000ul, FFLAG_NX);
    /* inf * 0 + qNaN: NV even though the addend is a quiet NaN. */
    fp_check_result("fmadd.s inf * 0 + qNaN", fmadd_s_rne(0x7f800000, 0, 0x7fc00000),
                    0xffffffff7fc00000ul, FFLAG_NV);
    /* One rounding: MAX * 2 - MAX is exactly MAX; the product alone would overflow. */
    fp_check_result("fmadd.s MAX * 2 - MAX", fmadd_s_rne(0x7f7fffff, 0x40000000, 0xff7fffff),
                    0xffffffff7f7ffffful, 0);
}

/* Runs one instruction text on fa0..fa2 loaded from raw 64-bit images; returns fa0's image. */
#define F_OP(insn, a, b, c)                                                              \
    ({                                                                                   \
        struct fp_result r_;                                                             \
        __asm__ volatile("fmv.d.x fa0, %2\n\tfmv.d.x fa1, %3\n\tfmv.d.x fa2, %4\n\t"     \
                         "fsflags zero\n\t" insn "\n\tfrflags %1\n\tfmv.x.d %0, fa0"     \
                         : "=r"(r_.value), "=r"(r_.flags)                                \
                         : "r"((uint64_t)(a)), "r"((uint64_t)(b)), "r"((uint64_t)(c))    \
                         : "fa0", "fa1", "fa2");                                         \
        r_;                                                                              \
    })
/* The same, for an instruction whose result is the integer register a0 (written as %0). */
#define X_OP(insn, a, b)                                                                 \
    ({                                                                                   \
        struct fp_result r_;                                                             \
        __asm__ volatile("fmv.d.x fa0, %2\n\tfmv.d.x fa1, %3\n\t"                        \
                         "fsflags zero\n\t" insn "\n\tfrflags %1"                        \
                         : "=&r"(r_.value), "=&r"(r_.flags)                              \
                         : "r"((uint64_t)(a)), "r"((uint64_t)(b))                        \
                         : "fa0", "fa1");                                                \
        r_;                                                                              \
    })

#define BOXED(x) (0xffffffff00000000ul | (x))
#define UNBOXED_ONE 0x000000003f800000ul  /* 1.0f without its NaN box */

/*
 * NaN boxing: a single in a 64-bit register has its upper 32 bits all ones. Transfers in
 * (flw, fmv.w.x) box; transfers out (fsw, fmv.x.w) use the low 32 bits as they are; every
 * other single-precision op reads an unboxed register as the canonical NaN 0x7fc00000 (a
 * quiet NaN, so no NV unless the op signals on quiet NaNs).
 */
static void check_nan_boxing(void)
{
    static volatile uint32_t word = 0x3fc00000; /* 1.5f */
    static volatile uint32_t out;
    uint64_t r;

    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(&word) : "ft0");
    check("flw boxes", r, BOXED(0x3fc00000));
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r)
                     : "r"(0x1234567840490fdbul) : "ft0");
    check("fmv.w.x boxes (ignoring rs1[63:32])", r, BOXED(0x40490fdb));

    fp_check_result("fadd.s unboxed",
                    F_OP("fadd.s fa0, fa0, fa1", UNBOXED_ONE, BOXED(0x3f800000), 0),
                    BOXED(0x7fc00000), 0);
    fp_check_result("fadd.s upper bits 0xfffffffe",
                    F_OP("fadd.s fa0, fa0, fa0", 0xfffffffe3f800000ul, 0, 0), BOXED(0x7fc00000), 0);
    fp_check_result("fadd.s boxed", F_OP("fadd.s fa0, fa0, fa0", BOXED(0x3f800000), 0, 0),
                    BOXED(0x40000000), 0);
    fp_check_result("fmadd.s unboxed addend",
                    F_OP("fmadd.s fa0, fa0, fa1, fa2", BOXED(0x3f800000), BOXED(0x3f800000),
                         UNBOXED_ONE), BOXED(0x7fc00000), 0);
    fp_check_result("fsgnj.s unboxed rs1",
                    F_OP("fsgnj.s fa0, fa0, fa1", UNBOXED_ONE, BOXED(0xbf800000), 0),
                    BOXED(0xffc00000), 0);
    fp_check_result("fsgnj.s unboxed rs2 (the canonical NaN's sign: +)",
                    F_OP("fsgnj.s fa0, fa0, fa1", BOXED(0xbf800000), 0xbf800000ul, 0),
                    BOXED(0x3f800000), 0);
    fp_check_result("fmin.s unboxed, 1.0",
                    F_OP("fmin.s fa0, fa0, fa1", UNBOXED_ONE, BOXED(0x3f800000), 0),
                    BOXED(0x3f800000), 0);
    fp_check_result("fcvt.d.s unboxed", F_OP("fcvt.d.s fa0, fa0", UNBOXED_ONE, 0, 0),
                    0x7ff8000000000000ul, 0);
    fp_check_result("fsqrt.s unboxed", F_OP("fsqrt.s fa0, fa0", UNBOXED_ONE, 0, 0),
                    BOXED(0x7fc00000), 0);
    fp_check_result("fclass.s unboxed", X_OP("fclass.s %0, fa0", UNBOXED_ONE, 0), 0x200, 0);
    fp_check_result("feq.s unboxed (quiet)", X_OP("feq.s %0, fa0, fa1", UNBOXED_ONE,
                                                  BOXED(0x3f800000)), 0, 0);
    fp_check_result("flt.s unboxed (signals)", X_OP("flt.s %0, fa0, fa1", UNBOXED_ONE,
                                                    BOXED(0x3f800000)), 0, FFLAG_NV);
    fp_check_result("fcvt.w.s unboxed", X_OP("fcvt.w.s %0, fa0, rtz", UNBOXED_ONE, 0),
                    0x7fffffff, FFLAG_NV);
    /* Transfers out ignore the box. */
    fp_check_result("fmv.x.w unboxed", X_OP("fmv.x.w %0, fa0", 0x1234567887654321ul, 0),
                    0xffffffff87654321ul, 0);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)" : : "r"(&out), "r"(0x123456783f800000ul)
                     : "ft0", "memory");
    check("fsw unboxed", out, 0x3f800000);
}

/* fmv.x.w sign-extends bit 31 and never changes the bits (no NaN canonicalisation). */
static void check_moves(void)
{
    fp_check_result("fmv.x.w 0x80000000", X_OP("fmv.w.x fa0, %2\n\tfmv.x.w %0, fa0",
                                               0x80000000ul, 0) , 0xffffffff80000000ul, 0);
    fp_check_result("fmv.x.w 0x7f800001 (sNaN)",
                    X_OP("fmv.x.w %0, fa0", BOXED(0x7f800001), 0), 0x7f800001, 0);
    fp_check_result("fmv.x.w 0xff800001 (sNaN)",
                    X_OP("fmv.x.w %0, fa0", BOXED(0xff800001), 0), 0xffffffffff800001ul, 0);
    fp_check_result("fsgnj.s sNaN keeps its payload",
                    F_OP("fsgnjn.s fa0, fa0, fa0", BOXED(0x7f800001), 0, 0), BOXED(0xff800001), 0);
}

static uint64_t csr_fcsr_swap(uint64_t v)
{
    uint64_t old;
    __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(v));
    return old;
}

/* The fcsr and its two views, frm (bits 7:5) and fflags (bits 4:0). */
static void check_fcsr(void)
{
    uint64_t r;

    fscsr(0);
    check("fscsr returns the old fcsr", csr_fcsr_swap(0xff), 0);
    check("frcsr", frcsr(), 0xff);
    check("frrm", frrm(), 7);
    check("frflags", frflags(), 0x1f);
    /* Bits above 7 of the fcsr are reserved: writes are ignored, reads are zero. */
    fscsr(0xffffffff);
    check("fcsr bits 31:8", frcsr(), 0xff);
    __asm__ volatile("fsrm %0, %1" : "=r"(r) : "r"(3ul));
    check("fsrm returns the old frm", r, 7);
    check("fsrm leaves fflags", frcsr(), 0x7f);
    __asm__ volatile("fsflags %0, %1" : "=r"(r) : "r"(0ul));
    check("fsflags returns the old fflags", r, 0x1f);
    check("fsflags leaves frm", frcsr(), 0x60);
    __asm__ volatile("fsrmi %0, 1" : "=r"(r));
    check("fsrmi", r, 3);
    __asm__ volatile("fsflagsi %0, 0x5" : "=r"(r));
    check("fsflagsi", r, 0);
    check("fcsr after fsrmi/fsflagsi", frcsr(), 0x25);
    __asm__ volatile("csrs fflags, %0\n\tcsrc fflags, %1" : : "r"(0x18ul), "r"(0x1ul));
    check("csrs/csrc fflags", frflags(), 0x1c);
    __asm__ volatile("csrw frm, %0" : : "r"(0xfful));
    check("frm keeps 3 bits", frrm(), 7);

    /* The flags are sticky: an op ORs its flags in and never clears the others. */
    fscsr(FFLAG_NX);
    __asm__ volatile("fmv.w.x ft0, %0\n\tfmv.w.x ft1, zero\n\tfdiv.s ft0, ft0, ft1, rne\n\t"
                     "fadd.s ft0, ft1, ft1, rne" : : "r"(0x3f800000ul) : "ft0", "ft1");
    check("flags accumulate", frflags(), FFLAG_NX | FFLAG_DZ);
    fscsr(0);
}

/*
 * An op with rm = dyn when frm holds 5, 6 or 7, or with a reserved static rm (5, 6), is an
 * illegal instruction; ops without a rounding mode do not care what frm holds.
 */
static void check_rounding_mode_traps(void)
{
    char what[48];

    for (uint64_t frm = 5; frm <= 7; frm++) {
        fsrm(frm);
        EXPECT_TRAP("fadd.s ft0, ft0, ft0, dyn");
        snprintf(what, sizeof(what), "fadd.s dyn with frm=%lu", frm);
        /* mtval: the instruction bits (QEMU 7.2 writes them; see traps.c) */
        check_trap(what, CAUSE_ILLEGAL_INSTRUCTION, 0x00007053);
        EXPECT_TRAP("fsgnj.s ft0, ft1, ft2\n\tfmv.x.w t0, ft0\n\tfadd.s ft0, ft0, ft0, rne\n\t"
                    "fcvt.w.s t0, ft0, rtz");
        snprintf(what, sizeof(what), "ops without dyn, frm=%lu", frm);
        check_no_trap(what);
    }
    fsrm(0);
    /* fadd.s ft0, ft0, ft0 with rm = 5 and with rm = 6 */
    EXPECT_TRAP(".word 0x00005053");
    check_trap("fadd.s rm=5", CAUSE_ILLEGAL_INSTRUCTION, 0x00005053);
    EXPECT_TRAP(".word 0x00006053");
    check_trap("fadd.s rm=6", CAUSE_ILLEGAL_INSTRUCTION, 0x00006053);
}

void guest_main(void)
{
    fp_run_table("rv64f", fp_ops_s, sizeof(fp_ops_s) / sizeof(fp_ops_s[0]));
    check_tininess();
    group_done("rv64f: tininess after rounding, inf * 0 + qNaN, one rounding in fmadd");
    check_nan_boxing();
    group_done("rv64f: NaN boxing");
    check_moves();
    group_done("rv64f: fmv.x.w and sign injection keep the bits");
    check_fcsr();
    group_done("rv64f: fcsr, frm and fflags");
    check_rounding_mode_traps();
    group_done("rv64f: reserved rounding modes trap");
}
