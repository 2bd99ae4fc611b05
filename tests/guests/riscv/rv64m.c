/* rv64m: multiply and divide, with the spec's divide-by-zero and overflow results. */
#include "guest.h"

typedef uint64_t m_fn(uint64_t a, uint64_t b);
#define M_FN(op)                                                                        \
    static uint64_t op_##op(uint64_t a, uint64_t b)                                     \
    {                                                                                   \
        uint64_t r;                                                                     \
        __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));                \
        return r;                                                                       \
    }
M_FN(mul) M_FN(mulh) M_FN(mulhsu) M_FN(mulhu) M_FN(mulw)
M_FN(div) M_FN(divu) M_FN(rem) M_FN(remu) M_FN(divw) M_FN(divuw) M_FN(remw) M_FN(remuw)

struct m_case {
    const char *op;
    m_fn *fn;
    uint64_t a, b, want;
};

/*
 * The known answers follow the M chapter: mulh* return the high 64 bits of the 128-bit
 * product (mulhsu: rs1 signed, rs2 unsigned); division truncates toward zero; x / 0 gives a
 * quotient of all ones and a remainder of x; the most negative value / -1 gives itself with
 * remainder 0. The W forms use the low 32 bits of each source and sign-extend the 32-bit
 * result, also for divide by zero (remuw x, 0 is x[31:0] sign-extended).
 */
static const struct m_case mul_cases[] = {
    {"mul", op_mul, 0x0ul, 0x0ul, 0x0ul},
    {"mul", op_mul, 0x3ul, 0x7ul, 0x15ul},
    {"mul", op_mul, 0xfffffffffffffffful, 0xfffffffffffffffful, 0x1ul},
    {"mul", op_mul, 0xfffffffffffffffful, 0x1ul, 0xfffffffffffffffful},
    {"mul", op_mul, 0x8000000000000000ul, 0x8000000000000000ul, 0x0ul},
    {"mul", op_mul, 0x8000000000000000ul, 0xfffffffffffffffful, 0x8000000000000000ul},
    {"mul", op_mul, 0x7ffffffffffffffful, 0x7ffffffffffffffful, 0x1ul},
    {"mul", op_mul, 0x7ffffffffffffffful, 0x8000000000000000ul, 0x8000000000000000ul},
    {"mul", op_mul, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x236d88fe5618cf00ul},
    {"mul", op_mul, 0xfffffffful, 0xfffffffful, 0xfffffffe00000001ul},
    {"mul", op_mul, 0x2ul, 0x8000000000000000ul, 0x0ul},
    {"mul", op_mul, 0xfffffffffffffffful, 0x2ul, 0xfffffffffffffffeul},
    {"mulh", op_mulh, 0x0ul, 0x0ul, 0x0ul},
    {"mulh", op_mulh, 0x3ul, 0x7ul, 0x0ul},
    {"mulh", op_mulh, 0xfffffffffffffffful, 0xfffffffffffffffful, 0x0ul},
    {"mulh", op_mulh, 0xfffffffffffffffful, 0x1ul, 0xfffffffffffffffful},
    {"mulh", op_mulh, 0x8000000000000000ul, 0x8000000000000000ul, 0x4000000000000000ul},
    {"mulh", op_mulh, 0x8000000000000000ul, 0xfffffffffffffffful, 0x0ul},
    {"mulh", op_mulh, 0x7ffffffffffffffful, 0x7ffffffffffffffful, 0x3ffffffffffffffful},
    {"mulh", op_mulh, 0x7ffffffffffffffful, 0x8000000000000000ul, 0xc000000000000000ul},
    {"mulh", op_mulh, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0xffeb49923cc09532ul},
    {"mulh", op_mulh, 0xfffffffful, 0xfffffffful, 0x0ul},
    {"mulh", op_mulh, 0x2ul, 0x8000000000000000ul, 0xfffffffffffffffful},
    {"mulh", op_mulh, 0xfffffffffffffffful, 0x2ul, 0xfffffffffffffffful},
    {"mulhsu", op_mulhsu, 0x0ul, 0x0ul, 0x0ul},
    {"mulhsu", op_mulhsu, 0x3ul, 0x7ul, 0x0ul},
    {"mulhsu", op_mulhsu, 0xfffffffffffffffful, 0xfffffffffffffffful, 0xfffffffffffffffful},
    {"mulhsu", op_mulhsu, 0xfffffffffffffffful, 0x1ul, 0xfffffffffffffffful},
    {"mulhsu", op_mulhsu, 0x8000000000000000ul, 0x8000000000000000ul, 0xc000000000000000ul},
    {"mulhsu", op_mulhsu, 0x8000000000000000ul, 0xfffffffffffffffful, 0x8000000000000000ul},
    {"mulhsu", op_mulhsu, 0x7ffffffffffffffful, 0x7ffffffffffffffful, 0x3ffffffffffffffful},
    {"mulhsu", op_mulhsu, 0x7ffffffffffffffful, 0x8000000000000000ul, 0x3ffffffffffffffful},
    {"mulhsu", op_mulhsu, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x121fa00ad77d7422ul},
    {"mulhsu", op_mulhsu, 0xfffffffful, 0xfffffffful, 0x0ul},
    {"mulhsu", op_mulhsu, 0x2ul, 0x8000000000000000ul, 0x1ul},
    {"mulhsu", op_mulhsu, 0xfffffffffffffffful, 0x2ul, 0xfffffffffffffffful},
    {"mulhu", op_mulhu, 0x0ul, 0x0ul, 0x0ul},
    {"mulhu", op_mulhu, 0x3ul, 0x7ul, 0x0ul},
    {"mulhu", op_mulhu, 0xfffffffffffffffful, 0xfffffffffffffffful, 0xfffffffffffffffeul},
    {"mulhu", op_mulhu, 0xfffffffffffffffful, 0x1ul, 0x0ul},
    {"mulhu", op_mulhu, 0x8000000000000000ul, 0x8000000000000000ul, 0x4000000000000000ul},
    {"mulhu", op_mulhu, 0x8000000000000000ul, 0xfffffffffffffffful, 0x7ffffffffffffffful},
    {"mulhu", op_mulhu, 0x7ffffffffffffffful, 0x7ffffffffffffffful, 0x3ffffffffffffffful},
    {"mulhu", op_mulhu, 0x7ffffffffffffffful, 0x8000000000000000ul, 0x3ffffffffffffffful},
    {"mulhu", op_mulhu, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x121fa00ad77d7422ul},
    {"mulhu", op_mulhu, 0xfffffffful, 0xfffffffful, 0x0ul},
    {"mulhu", op_mulhu, 0x2ul, 0x8000000000000000ul, 0x1ul},
    {"mulhu", op_mulhu, 0xfffffffffffffffful, 0x2ul, 0x1ul},
    {"mulw", op_mulw, 0x3ul, 0x7ul, 0x15ul},
    {"mulw", op_mulw, 0x7ffffffful, 0x2ul, 0xfffffffffffffffeul},
    {"mulw", op_mulw, 0x1234567880000000ul, 0x1ul, 0xffffffff80000000ul},
    {"mulw", op_mulw, 0xfffffffffffffffful, 0xfffffffffffffffful, 0x1ul},
    {"mulw", op_mulw, 0xffff00010000ul, 0xffff000000010000ul, 0x0ul},
    {"mulw", op_mulw, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x5618cf00ul},
    {"mulw", op_mulw, 0x80000000ul, 0x80000000ul, 0x0ul},
};

static const struct m_case div_cases[] = {
    {"div", op_div, 0x14ul, 0x6ul, 0x3ul},
    {"div", op_div, 0xffffffffffffffecul, 0x6ul, 0xfffffffffffffffdul},
    {"div", op_div, 0x14ul, 0xfffffffffffffffaul, 0xfffffffffffffffdul},
    {"div", op_div, 0xffffffffffffffecul, 0xfffffffffffffffaul, 0x3ul},
    {"div", op_div, 0x7ul, 0x0ul, 0xfffffffffffffffful},
    {"div", op_div, 0xfffffffffffffff9ul, 0x0ul, 0xfffffffffffffffful},
    {"div", op_div, 0x0ul, 0x0ul, 0xfffffffffffffffful},
    {"div", op_div, 0x8000000000000000ul, 0xfffffffffffffffful, 0x8000000000000000ul},
    {"div", op_div, 0x8000000000000000ul, 0x1ul, 0x8000000000000000ul},
    {"div", op_div, 0x7ffffffffffffffful, 0xfffffffffffffffful, 0x8000000000000001ul},
    {"div", op_div, 0x8000000000000000ul, 0x8000000000000000ul, 0x1ul},
    {"div", op_div, 0x1ul, 0x8000000000000000ul, 0x0ul},
    {"div", op_div, 0x123456789abcdef0ul, 0x1234ul, 0x10004c016906bul},
    {"div", op_div, 0xfffffffffffffffful, 0xfffffffffffffffful, 0x1ul},
    {"divu", op_divu, 0x14ul, 0x6ul, 0x3ul},
    {"divu", op_divu, 0xffffffffffffffecul, 0x6ul, 0x2aaaaaaaaaaaaaa7ul},
    {"divu", op_divu, 0x14ul, 0xfffffffffffffffaul, 0x0ul},
    {"divu", op_divu, 0xffffffffffffffecul, 0xfffffffffffffffaul, 0x0ul},
    {"divu", op_divu, 0x7ul, 0x0ul, 0xfffffffffffffffful},
    {"divu", op_divu, 0xfffffffffffffff9ul, 0x0ul, 0xfffffffffffffffful},
    {"divu", op_divu, 0x0ul, 0x0ul, 0xfffffffffffffffful},
    {"divu", op_divu, 0x8000000000000000ul, 0xfffffffffffffffful, 0x0ul},
    {"divu", op_divu, 0x8000000000000000ul, 0x1ul, 0x8000000000000000ul},
    {"divu", op_divu, 0x7ffffffffffffffful, 0xfffffffffffffffful, 0x0ul},
    {"divu", op_divu, 0x8000000000000000ul, 0x8000000000000000ul, 0x1ul},
    {"divu", op_divu, 0x1ul, 0x8000000000000000ul, 0x0ul},
    {"divu", op_divu, 0x123456789abcdef0ul, 0x1234ul, 0x10004c016906bul},
    {"divu", op_divu, 0xfffffffffffffffful, 0xfffffffffffffffful, 0x1ul},
    {"rem", op_rem, 0x14ul, 0x6ul, 0x2ul},
    {"rem", op_rem, 0xffffffffffffffecul, 0x6ul, 0xfffffffffffffffeul},
    {"rem", op_rem, 0x14ul, 0xfffffffffffffffaul, 0x2ul},
    {"rem", op_rem, 0xffffffffffffffecul, 0xfffffffffffffffaul, 0xfffffffffffffffeul},
    {"rem", op_rem, 0x7ul, 0x0ul, 0x7ul},
    {"rem", op_rem, 0xfffffffffffffff9ul, 0x0ul, 0xfffffffffffffff9ul},
    {"rem", op_rem, 0x0ul, 0x0ul, 0x0ul},
    {"rem", op_rem, 0x8000000000000000ul, 0xfffffffffffffffful, 0x0ul},
    {"rem", op_rem, 0x8000000000000000ul, 0x1ul, 0x0ul},
    {"rem", op_rem, 0x7ffffffffffffffful, 0xfffffffffffffffful, 0x0ul},
    {"rem", op_rem, 0x8000000000000000ul, 0x8000000000000000ul, 0x0ul},
    {"rem", op_rem, 0x1ul, 0x8000000000000000ul, 0x1ul},
    {"rem", op_rem, 0x123456789abcdef0ul, 0x1234ul, 0x334ul},
    {"rem", op_rem, 0xfffffffffffffffful, 0xfffffffffffffffful, 0x0ul},
    {"remu", op_remu, 0x14ul, 0x6ul, 0x2ul},
    {"remu", op_remu, 0xffffffffffffffecul, 0x6ul, 0x2ul},
    {"remu", op_remu, 0x14ul, 0xfffffffffffffffaul, 0x14ul},
    {"remu", op_remu, 0xffffffffffffffecul, 0xfffffffffffffffaul, 0xffffffffffffffecul},
    {"remu", op_remu, 0x7ul, 0x0ul, 0x7ul},
    {"remu", op_remu, 0xfffffffffffffff9ul, 0x0ul, 0xfffffffffffffff9ul},
    {"remu", op_remu, 0x0ul, 0x0ul, 0x0ul},
    {"remu", op_remu, 0x8000000000000000ul, 0xfffffffffffffffful, 0x8000000000000000ul},
    {"remu", op_remu, 0x8000000000000000ul, 0x1ul, 0x0ul},
    {"remu", op_remu, 0x7ffffffffffffffful, 0xfffffffffffffffful, 0x7ffffffffffffffful},
    {"remu", op_remu, 0x8000000000000000ul, 0x8000000000000000ul, 0x0ul},
    {"remu", op_remu, 0x1ul, 0x8000000000000000ul, 0x1ul},
    {"remu", op_remu, 0x123456789abcdef0ul, 0x1234ul, 0x334ul},
    {"remu", op_remu, 0xfffffffffffffffful, 0xfffffffffffffffful, 0x0ul},
};

static const struct m_case divw_cases[] = {
    {"divw", op_divw, 0x14ul, 0x6ul, 0x3ul},
    {"divw", op_divw, 0xffffffecul, 0x6ul, 0xfffffffffffffffdul},
    {"divw", op_divw, 0x14ul, 0xfffffffaul, 0xfffffffffffffffdul},
    {"divw", op_divw, 0xffffffecul, 0xfffffffaul, 0x3ul},
    {"divw", op_divw, 0x7ul, 0x0ul, 0xfffffffffffffffful},
    {"divw", op_divw, 0x12345678fffffff9ul, 0x0ul, 0xfffffffffffffffful},
    {"divw", op_divw, 0x80000000ul, 0xfffffffful, 0xffffffff80000000ul},
    {"divw", op_divw, 0x80000000ul, 0x0ul, 0xfffffffffffffffful},
    {"divw", op_divw, 0x1234567880000000ul, 0xabcdef00fffffffful, 0xffffffff80000000ul},
    {"divw", op_divw, 0xffffffff00000007ul, 0x100000002ul, 0x3ul},
    {"divw", op_divw, 0x7ffffffful, 0x7ffffffful, 0x1ul},
    {"divw", op_divw, 0xfffffffful, 0x1ul, 0xfffffffffffffffful},
    {"divw", op_divw, 0x80000001ul, 0x2ul, 0xffffffffc0000001ul},
    {"divuw", op_divuw, 0x14ul, 0x6ul, 0x3ul},
    {"divuw", op_divuw, 0xffffffecul, 0x6ul, 0x2aaaaaa7ul},
    {"divuw", op_divuw, 0x14ul, 0xfffffffaul, 0x0ul},
    {"divuw", op_divuw, 0xffffffecul, 0xfffffffaul, 0x0ul},
    {"divuw", op_divuw, 0x7ul, 0x0ul, 0xfffffffffffffffful},
    {"divuw", op_divuw, 0x12345678fffffff9ul, 0x0ul, 0xfffffffffffffffful},
    {"divuw", op_divuw, 0x80000000ul, 0xfffffffful, 0x0ul},
    {"divuw", op_divuw, 0x80000000ul, 0x0ul, 0xfffffffffffffffful},
    {"divuw", op_divuw, 0x1234567880000000ul, 0xabcdef00fffffffful, 0x0ul},
    {"divuw", op_divuw, 0xffffffff00000007ul, 0x100000002ul, 0x3ul},
    {"divuw", op_divuw, 0x7ffffffful, 0x7ffffffful, 0x1ul},
    {"divuw", op_divuw, 0xfffffffful, 0x1ul, 0xfffffffffffffffful},
    {"divuw", op_divuw, 0x80000001ul, 0x2ul, 0x40000000ul},
    {"remw", op_remw, 0x14ul, 0x6ul, 0x2ul},
    {"remw", op_remw, 0xffffffecul, 0x6ul, 0xfffffffffffffffeul},
    {"remw", op_remw, 0x14ul, 0xfffffffaul, 0x2ul},
    {"remw", op_remw, 0xffffffecul, 0xfffffffaul, 0xfffffffffffffffeul},
    {"remw", op_remw, 0x7ul, 0x0ul, 0x7ul},
    {"remw", op_remw, 0x12345678fffffff9ul, 0x0ul, 0xfffffffffffffff9ul},
    {"remw", op_remw, 0x80000000ul, 0xfffffffful, 0x0ul},
    {"remw", op_remw, 0x80000000ul, 0x0ul, 0xffffffff80000000ul},
    {"remw", op_remw, 0x1234567880000000ul, 0xabcdef00fffffffful, 0x0ul},
    {"remw", op_remw, 0xffffffff00000007ul, 0x100000002ul, 0x1ul},
    {"remw", op_remw, 0x7ffffffful, 0x7ffffffful, 0x0ul},
    {"remw", op_remw, 0xfffffffful, 0x1ul, 0x0ul},
    {"remw", op_remw, 0x80000001ul, 0x2ul, 0xfffffffffffffffful},
    {"remuw", op_remuw, 0x14ul, 0x6ul, 0x2ul},
    {"remuw", op_remuw, 0xffffffecul, 0x6ul, 0x2ul},
    {"remuw", op_remuw, 0x14ul, 0xfffffffaul, 0x14ul},
    {"remuw", op_remuw, 0xffffffecul, 0xfffffffaul, 0xffffffffffffffecul},
    {"remuw", op_remuw, 0x7ul, 0x0ul, 0x7ul},
    {"remuw", op_remuw, 0x12345678fffffff9ul, 0x0ul, 0xfffffffffffffff9ul},
    {"remuw", op_remuw, 0x80000000ul, 0xfffffffful, 0xffffffff80000000ul},
    {"remuw", op_remuw, 0x80000000ul, 0x0ul, 0xffffffff80000000ul},
    {"remuw", op_remuw, 0x1234567880000000ul, 0xabcdef00fffffffful, 0xffffffff80000000ul},
    {"remuw", op_remuw, 0xffffffff00000007ul, 0x100000002ul, 0x1ul},
    {"remuw", op_remuw, 0x7ffffffful, 0x7ffffffful, 0x0ul},
    {"remuw", op_remuw, 0xfffffffful, 0x1ul, 0x0ul},
    {"remuw", op_remuw, 0x80000001ul, 0x2ul, 0x1ul},
};

static void check_table(const struct m_case *c, size_t n)
{
    char what[64];

    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "%s 0x%lx, 0x%lx", c[i].op, c[i].a, c[i].b);
        check(what, c[i].fn(c[i].a, c[i].b), c[i].want);
    }
}

/* The spec's recommended fused sequences: mulh then mul, div then rem, on the same sources. */
static void check_sequences(void)
{
    uint64_t hi, lo, q, r;
    uint64_t a = 0x123456789abcdef0ul, b = 0xfedcba9876543210ul;

    __asm__ volatile("mulh %0, %2, %3\n\tmul %1, %2, %3" : "=&r"(hi), "=&r"(lo) : "r"(a), "r"(b));
    check("mulh+mul high", hi, 0xffeb49923cc09532ul);
    check("mulh+mul low", lo, 0x236d88fe5618cf00ul);
    __asm__ volatile("mulhu %0, %2, %3\n\tmul %1, %2, %3" : "=&r"(hi), "=&r"(lo) : "r"(a), "r"(b));
    check("mulhu+mul high", hi, 0x121fa00ad77d7422ul);
    check("mulhu+mul low", lo, 0x236d88fe5618cf00ul);
    __asm__ volatile("div %0, %2, %3\n\trem %1, %2, %3" : "=&r"(q), "=&r"(r)
                     : "r"(0xfffffffffffff000ul), "r"(7ul));
    check("div+rem quotient", q, 0xfffffffffffffdb7ul);
    check("div+rem remainder", r, 0xfffffffffffffffful);
    /* The destination is also a source: the second op must see the original value. */
    __asm__ volatile("mv %0, %1\n\tdivu %0, %0, %2" : "=&r"(q) : "r"(100ul), "r"(7ul));
    check("divu rd == rs1", q, 14);
}

void guest_main(void)
{
    check_table(mul_cases, sizeof(mul_cases) / sizeof(mul_cases[0]));
    group_done("rv64m: mul, mulh, mulhsu, mulhu, mulw");
    check_table(div_cases, sizeof(div_cases) / sizeof(div_cases[0]));
    group_done("rv64m: div, divu, rem, remu");
    check_table(divw_cases, sizeof(divw_cases) / sizeof(divw_cases[0]));
    group_done("rv64m: divw, divuw, remw, remuw");
    check_sequences();
    group_done("rv64m: mulh/mul and div/rem pairs");
}
