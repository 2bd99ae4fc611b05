/* rv64d: double precision, from the generated tables, plus moves, loads and stores. */
#include "fp_cases.h"

#define F_OP(insn, a, b)                                                                 \
    ({                                                                                   \
        struct fp_result r_;                                                             \
        __asm__ volatile("fmv.d.x fa0, %2\n\tfmv.d.x fa1, %3\n\t"                        \
                         "fsflags zero\n\t" insn "\n\tfrflags %1\n\tfmv.x.d %0, fa0"     \
                         : "=r"(r_.value), "=r"(r_.flags)                                \
                         : "r"((uint64_t)(a)), "r"((uint64_t)(b))                        \
                         : "fa0", "fa1");                                                \
        r_;                                                                              \
    })

/* The tininess rule and the fused multiply-add's single rounding, in double precision. */
static void check_tininess(void)
{
    /* (1 - 2^-53) * 2^-1022: tiny after rounding (exact at 53 bits), delivered as 2^-1022. */
    fp_check_result("fmul.d rne 2^-1022 * (1 - 2^-53)",
                    fmul_d_rne(0x0010000000000000ul, 0x3fefffffffffffff, 0),
                    0x0010000000000000ul, FFLAG_UF | FFLAG_NX);
    fp_check_result("fmul.d rup 2^-1022 * (1 - 2^-53)",
                    fmul_d_rup(0x0010000000000000ul, 0x3fefffffffffffff, 0),
                    0x0010000000000000ul, FFLAG_UF | FFLAG_NX);
    fp_check_result("fmul.d rdn 2^-1022 * (1 - 2^-53)",
                    fmul_d_rdn(0x0010000000000000ul, 0x3fefffffffffffff, 0),
                    0x000ffffffffffffful, FFLAG_UF | FFLAG_NX);
    fp_check_result("fmadd.d inf * 0 + qNaN",
                    fmadd_d_rne(0x7ff0000000000000ul, 0, 0x7ff8000000000000ul),
                    0x7ff8000000000000ul, FFLAG_NV);
    fp_check_result("fmadd.d MAX * 2 - MAX",
                    fmadd_d_rne(0x7feffffffffffffful, 0x4000000000000000ul, 0xffeffffffffffffful),
                    0x7feffffffffffffful, 0);
}

/*
 * Transfers never look at the bits: fld/fsd and fmv.d.x/fmv.x.d keep signalling NaNs and
 * payloads, raise no flags.
 */
static void check_transfers(void)
{
    static volatile uint64_t in = 0x7ff0000000000001ul, out;
    uint64_t r, fl;

    __asm__ volatile("fsflags zero\n\tfld ft0, 0(%2)\n\tfsd ft0, 0(%3)\n\tfmv.x.d %0, ft0\n\t"
                     "frflags %1" : "=r"(r), "=r"(fl) : "r"(&in), "r"(&out) : "ft0", "memory");
    check("fld/fmv.x.d sNaN", r, 0x7ff0000000000001ul);
    check("fld/fsd sNaN", out, 0x7ff0000000000001ul);
    check("fld/fsd flags", fl, 0);
    fp_check_result("fmv.d.x/fmv.x.d payload",
                    F_OP("fsgnj.d fa0, fa0, fa0", 0xfff123456789abcdul, 0),
                    0xfff123456789abcdul, 0);
    /* A boxed single read as a double is a (negative, quiet) NaN. */
    fp_check_result("fadd.d of a boxed single",
                    F_OP("fmv.w.x fa0, %3\n\tfadd.d fa0, fa0, fa0", 0, 0x3f800000ul),
                    0x7ff8000000000000ul, 0);
    fp_check_result("fcvt.s.d boxes its result", F_OP("fcvt.s.d fa0, fa0", 0x3ff8000000000000ul, 0),
                    0xffffffff3fc00000ul, 0);
    fp_check_result("fsgnjx.d", F_OP("fsgnjx.d fa0, fa0, fa1", 0xbff0000000000000ul,
                                     0x8000000000000000ul), 0x3ff0000000000000ul, 0);
}

static void check_rounding_mode_traps(void)
{
    char what[48];

    for (uint64_t frm = 5; frm <= 7; frm++) {
        fsrm(frm);
        EXPECT_TRAP("fmul.d ft0, ft0, ft0, dyn");
        snprintf(what, sizeof(what), "fmul.d dyn with frm=%lu", frm);
        check_trap(what, CAUSE_ILLEGAL_INSTRUCTION, 0x12007053);
        EXPECT_TRAP("fsgnj.d ft0, ft1, ft2\n\tfmv.x.d t0, ft0\n\tfsqrt.d ft0, ft0, rtz");
        snprintf(what, sizeof(what), "ops without dyn, frm=%lu", frm);
        check_no_trap(what);
    }
    fsrm(0);
}

void guest_main(void)
{
    fp_run_table("rv64d", fp_ops_d, sizeof(fp_ops_d) / sizeof(fp_ops_d[0]));
    check_tininess();
    group_done("rv64d: tininess after rounding, inf * 0 + qNaN, one rounding in fmadd");
    check_transfers();
    group_done("rv64d: loads, stores and moves keep the bits");
    check_rounding_mode_traps();
    group_done("rv64d: reserved rounding modes trap");
}
