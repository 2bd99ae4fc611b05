/* rv64i: the base integer ISA, each instruction checked against answers from the spec. */
#include "guest.h"

/* One instruction on two registers, or a register and an immediate. */
#define RR(op, a, b)                                                                   \
    ({                                                                                 \
        uint64_t r_;                                                                   \
        __asm__ volatile(op " %0, %1, %2"                                              \
                         : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)));         \
        r_;                                                                            \
    })
#define RI(op, a, imm)                                                                 \
    ({                                                                                 \
        uint64_t r_;                                                                   \
        __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "i"(imm));  \
        r_;                                                                            \
    })

/* ---- register-register ALU ops (the expected values come from the spec's definitions) ---- */
typedef uint64_t rr_fn(uint64_t a, uint64_t b);
#define RR_FN(op) \
    static uint64_t op_##op(uint64_t a, uint64_t b) { return RR(#op, a, b); }
RR_FN(add) RR_FN(sub) RR_FN(xor) RR_FN(or) RR_FN(and) RR_FN(slt) RR_FN(sltu)
RR_FN(sll) RR_FN(srl) RR_FN(sra) RR_FN(addw) RR_FN(subw) RR_FN(sllw) RR_FN(srlw) RR_FN(sraw)

struct rr_case {
    const char *op;
    rr_fn *fn;
    uint64_t a, b, want;
};

/*
 * Register shift amounts use the low 6 bits of rs2 (low 5 for the W forms, so 32 shifts
 * by 0 and 33 by 1). W forms operate on the low 32 bits and sign-extend the 32-bit result.
 */
static const struct rr_case rr_cases[] = {
    {"add", op_add, 0x0ul, 0x0ul, 0x0ul},
    {"add", op_add, 0x1ul, 0xfffffffffffffffful, 0x0ul},
    {"add", op_add, 0xfffffffffffffffful, 0x1ul, 0x0ul},
    {"add", op_add, 0x7ffffffffffffffful, 0x1ul, 0x8000000000000000ul},
    {"add", op_add, 0x8000000000000000ul, 0xfffffffffffffffful, 0x7ffffffffffffffful},
    {"add", op_add, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x1111111111111100ul},
    {"add", op_add, 0xfffffffful, 0x1ul, 0x100000000ul},
    {"add", op_add, 0xffffffff80000000ul, 0x7ffffffful, 0xfffffffffffffffful},
    {"add", op_add, 0x2ul, 0x8000000000000000ul, 0x8000000000000002ul},
    {"add", op_add, 0xfedcba9876543210ul, 0xfedcba9876543210ul, 0xfdb97530eca86420ul},
    {"sub", op_sub, 0x0ul, 0x0ul, 0x0ul},
    {"sub", op_sub, 0x1ul, 0xfffffffffffffffful, 0x2ul},
    {"sub", op_sub, 0xfffffffffffffffful, 0x1ul, 0xfffffffffffffffeul},
    {"sub", op_sub, 0x7ffffffffffffffful, 0x1ul, 0x7ffffffffffffffeul},
    {"sub", op_sub, 0x8000000000000000ul, 0xfffffffffffffffful, 0x8000000000000001ul},
    {"sub", op_sub, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x13579be02468ace0ul},
    {"sub", op_sub, 0xfffffffful, 0x1ul, 0xfffffffeul},
    {"sub", op_sub, 0xffffffff80000000ul, 0x7ffffffful, 0xffffffff00000001ul},
    {"sub", op_sub, 0x2ul, 0x8000000000000000ul, 0x8000000000000002ul},
    {"sub", op_sub, 0xfedcba9876543210ul, 0xfedcba9876543210ul, 0x0ul},
    {"xor", op_xor, 0x0ul, 0x0ul, 0x0ul},
    {"xor", op_xor, 0x1ul, 0xfffffffffffffffful, 0xfffffffffffffffeul},
    {"xor", op_xor, 0xfffffffffffffffful, 0x1ul, 0xfffffffffffffffeul},
    {"xor", op_xor, 0x7ffffffffffffffful, 0x1ul, 0x7ffffffffffffffeul},
    {"xor", op_xor, 0x8000000000000000ul, 0xfffffffffffffffful, 0x7ffffffffffffffful},
    {"xor", op_xor, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0xece8ece0ece8ece0ul},
    {"xor", op_xor, 0xfffffffful, 0x1ul, 0xfffffffeul},
    {"xor", op_xor, 0xffffffff80000000ul, 0x7ffffffful, 0xfffffffffffffffful},
    {"xor", op_xor, 0x2ul, 0x8000000000000000ul, 0x8000000000000002ul},
    {"xor", op_xor, 0xfedcba9876543210ul, 0xfedcba9876543210ul, 0x0ul},
    {"or", op_or, 0x0ul, 0x0ul, 0x0ul},
    {"or", op_or, 0x1ul, 0xfffffffffffffffful, 0xfffffffffffffffful},
    {"or", op_or, 0xfffffffffffffffful, 0x1ul, 0xfffffffffffffffful},
    {"or", op_or, 0x7ffffffffffffffful, 0x1ul, 0x7ffffffffffffffful},
    {"or", op_or, 0x8000000000000000ul, 0xfffffffffffffffful, 0xfffffffffffffffful},
    {"or", op_or, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0xfefcfef8fefcfef0ul},
    {"or", op_or, 0xfffffffful, 0x1ul, 0xfffffffful},
    {"or", op_or, 0xffffffff80000000ul, 0x7ffffffful, 0xfffffffffffffffful},
    {"or", op_or, 0x2ul, 0x8000000000000000ul, 0x8000000000000002ul},
    {"or", op_or, 0xfedcba9876543210ul, 0xfedcba9876543210ul, 0xfedcba9876543210ul},
    {"and", op_and, 0x0ul, 0x0ul, 0x0ul},
    {"and", op_and, 0x1ul, 0xfffffffffffffffful, 0x1ul},
    {"and", op_and, 0xfffffffffffffffful, 0x1ul, 0x1ul},
    {"and", op_and, 0x7ffffffffffffffful, 0x1ul, 0x1ul},
    {"and", op_and, 0x8000000000000000ul, 0xfffffffffffffffful, 0x8000000000000000ul},
    {"and", op_and, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x1214121812141210ul},
    {"and", op_and, 0xfffffffful, 0x1ul, 0x1ul},
    {"and", op_and, 0xffffffff80000000ul, 0x7ffffffful, 0x0ul},
    {"and", op_and, 0x2ul, 0x8000000000000000ul, 0x0ul},
    {"and", op_and, 0xfedcba9876543210ul, 0xfedcba9876543210ul, 0xfedcba9876543210ul},
    {"slt", op_slt, 0x0ul, 0x0ul, 0x0ul},
    {"slt", op_slt, 0x1ul, 0xfffffffffffffffful, 0x0ul},
    {"slt", op_slt, 0xfffffffffffffffful, 0x1ul, 0x1ul},
    {"slt", op_slt, 0x7ffffffffffffffful, 0x1ul, 0x0ul},
    {"slt", op_slt, 0x8000000000000000ul, 0xfffffffffffffffful, 0x1ul},
    {"slt", op_slt, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x0ul},
    {"slt", op_slt, 0xfffffffful, 0x1ul, 0x0ul},
    {"slt", op_slt, 0xffffffff80000000ul, 0x7ffffffful, 0x1ul},
    {"slt", op_slt, 0x2ul, 0x8000000000000000ul, 0x0ul},
    {"slt", op_slt, 0xfedcba9876543210ul, 0xfedcba9876543210ul, 0x0ul},
    {"sltu", op_sltu, 0x0ul, 0x0ul, 0x0ul},
    {"sltu", op_sltu, 0x1ul, 0xfffffffffffffffful, 0x1ul},
    {"sltu", op_sltu, 0xfffffffffffffffful, 0x1ul, 0x0ul},
    {"sltu", op_sltu, 0x7ffffffffffffffful, 0x1ul, 0x0ul},
    {"sltu", op_sltu, 0x8000000000000000ul, 0xfffffffffffffffful, 0x1ul},
    {"sltu", op_sltu, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x1ul},
    {"sltu", op_sltu, 0xfffffffful, 0x1ul, 0x0ul},
    {"sltu", op_sltu, 0xffffffff80000000ul, 0x7ffffffful, 0x0ul},
    {"sltu", op_sltu, 0x2ul, 0x8000000000000000ul, 0x1ul},
    {"sltu", op_sltu, 0xfedcba9876543210ul, 0xfedcba9876543210ul, 0x0ul},
    {"slt", op_slt, 0xfffffffffffffffful, 0x0ul, 0x1ul},
    {"slt", op_slt, 0x0ul, 0xfffffffffffffffful, 0x0ul},
    {"slt", op_slt, 0x8000000000000000ul, 0x7ffffffffffffffful, 0x1ul},
    {"slt", op_slt, 0x7ffffffffffffffful, 0x8000000000000000ul, 0x0ul},
    {"slt", op_slt, 0x5ul, 0x5ul, 0x0ul},
    {"sltu", op_sltu, 0xfffffffffffffffful, 0x0ul, 0x0ul},
    {"sltu", op_sltu, 0x0ul, 0xfffffffffffffffful, 0x1ul},
    {"sltu", op_sltu, 0x8000000000000000ul, 0x7ffffffffffffffful, 0x0ul},
    {"sltu", op_sltu, 0x7ffffffffffffffful, 0x8000000000000000ul, 0x1ul},
    {"sltu", op_sltu, 0x5ul, 0x5ul, 0x0ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x0ul, 0x8000000000000001ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x1ul, 0x2ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x1ful, 0x80000000ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x20ul, 0x100000000ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x21ul, 0x200000000ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x3ful, 0x8000000000000000ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x40ul, 0x8000000000000001ul},
    {"sll", op_sll, 0x8000000000000001ul, 0x41ul, 0x2ul},
    {"sll", op_sll, 0x8000000000000001ul, 0xffffffffffffffc1ul, 0x2ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x0ul, 0x123456789abcdef0ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x1ul, 0x2468acf13579bde0ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x1ful, 0x4d5e6f7800000000ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x20ul, 0x9abcdef000000000ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x21ul, 0x3579bde000000000ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x3ful, 0x0ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x40ul, 0x123456789abcdef0ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0x41ul, 0x2468acf13579bde0ul},
    {"sll", op_sll, 0x123456789abcdef0ul, 0xffffffffffffffc1ul, 0x2468acf13579bde0ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x0ul, 0x8000000000000001ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x1ul, 0x4000000000000000ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x1ful, 0x100000000ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x20ul, 0x80000000ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x21ul, 0x40000000ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x3ful, 0x1ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x40ul, 0x8000000000000001ul},
    {"srl", op_srl, 0x8000000000000001ul, 0x41ul, 0x4000000000000000ul},
    {"srl", op_srl, 0x8000000000000001ul, 0xffffffffffffffc1ul, 0x4000000000000000ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x0ul, 0x123456789abcdef0ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x1ul, 0x91a2b3c4d5e6f78ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x1ful, 0x2468acf1ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x20ul, 0x12345678ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x21ul, 0x91a2b3cul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x3ful, 0x0ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x40ul, 0x123456789abcdef0ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0x41ul, 0x91a2b3c4d5e6f78ul},
    {"srl", op_srl, 0x123456789abcdef0ul, 0xffffffffffffffc1ul, 0x91a2b3c4d5e6f78ul},
    {"sra", op_sra, 0x8000000000000001ul, 0x0ul, 0x8000000000000001ul},
    {"sra", op_sra, 0x8000000000000001ul, 0x1ul, 0xc000000000000000ul},
    {"sra", op_sra, 0x8000000000000001ul, 0x1ful, 0xffffffff00000000ul},
    {"sra", op_sra, 0x8000000000000001ul, 0x20ul, 0xffffffff80000000ul},
    {"sra", op_sra, 0x8000000000000001ul, 0x21ul, 0xffffffffc0000000ul},
    {"sra", op_sra, 0x8000000000000001ul, 0x3ful, 0xfffffffffffffffful},
    {"sra", op_sra, 0x8000000000000001ul, 0x40ul, 0x8000000000000001ul},
    {"sra", op_sra, 0x8000000000000001ul, 0x41ul, 0xc000000000000000ul},
    {"sra", op_sra, 0x8000000000000001ul, 0xffffffffffffffc1ul, 0xc000000000000000ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x0ul, 0x123456789abcdef0ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x1ul, 0x91a2b3c4d5e6f78ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x1ful, 0x2468acf1ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x20ul, 0x12345678ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x21ul, 0x91a2b3cul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x3ful, 0x0ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x40ul, 0x123456789abcdef0ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0x41ul, 0x91a2b3c4d5e6f78ul},
    {"sra", op_sra, 0x123456789abcdef0ul, 0xffffffffffffffc1ul, 0x91a2b3c4d5e6f78ul},
    {"addw", op_addw, 0x7ffffffful, 0x1ul, 0xffffffff80000000ul},
    {"addw", op_addw, 0x80000000ul, 0x1ul, 0xffffffff80000001ul},
    {"addw", op_addw, 0xfffffffful, 0x1ul, 0x0ul},
    {"addw", op_addw, 0x123456789abcdef0ul, 0xfedcba9800000010ul, 0xffffffff9abcdf00ul},
    {"addw", op_addw, 0xdeadbeef00000000ul, 0x0ul, 0x0ul},
    {"addw", op_addw, 0x0ul, 0x80000000ul, 0xffffffff80000000ul},
    {"addw", op_addw, 0xffffffff00000005ul, 0xfffffffbul, 0x0ul},
    {"subw", op_subw, 0x7ffffffful, 0x1ul, 0x7ffffffeul},
    {"subw", op_subw, 0x80000000ul, 0x1ul, 0x7ffffffful},
    {"subw", op_subw, 0xfffffffful, 0x1ul, 0xfffffffffffffffeul},
    {"subw", op_subw, 0x123456789abcdef0ul, 0xfedcba9800000010ul, 0xffffffff9abcdee0ul},
    {"subw", op_subw, 0xdeadbeef00000000ul, 0x0ul, 0x0ul},
    {"subw", op_subw, 0x0ul, 0x80000000ul, 0xffffffff80000000ul},
    {"subw", op_subw, 0xffffffff00000005ul, 0xfffffffbul, 0xaul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0x0ul, 0xffffffff87654321ul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0x1ul, 0xeca8642ul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0x4ul, 0x76543210ul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0x1ful, 0xffffffff80000000ul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0x20ul, 0xffffffff87654321ul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0x21ul, 0xeca8642ul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0x3ful, 0xffffffff80000000ul},
    {"sllw", op_sllw, 0x1234567887654321ul, 0xffffffffffffffe4ul, 0x76543210ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0x0ul, 0x1ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0x1ul, 0x2ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0x4ul, 0x10ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0x1ful, 0xffffffff80000000ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0x20ul, 0x1ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0x21ul, 0x2ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0x3ful, 0xffffffff80000000ul},
    {"sllw", op_sllw, 0xffffffff00000001ul, 0xffffffffffffffe4ul, 0x10ul},
    {"sllw", op_sllw, 0x80000000ul, 0x0ul, 0xffffffff80000000ul},
    {"sllw", op_sllw, 0x80000000ul, 0x1ul, 0x0ul},
    {"sllw", op_sllw, 0x80000000ul, 0x4ul, 0x0ul},
    {"sllw", op_sllw, 0x80000000ul, 0x1ful, 0x0ul},
    {"sllw", op_sllw, 0x80000000ul, 0x20ul, 0xffffffff80000000ul},
    {"sllw", op_sllw, 0x80000000ul, 0x21ul, 0x0ul},
    {"sllw", op_sllw, 0x80000000ul, 0x3ful, 0x0ul},
    {"sllw", op_sllw, 0x80000000ul, 0xffffffffffffffe4ul, 0x0ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0x0ul, 0xffffffff87654321ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0x1ul, 0x43b2a190ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0x4ul, 0x8765432ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0x1ful, 0x1ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0x20ul, 0xffffffff87654321ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0x21ul, 0x43b2a190ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0x3ful, 0x1ul},
    {"srlw", op_srlw, 0x1234567887654321ul, 0xffffffffffffffe4ul, 0x8765432ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0x0ul, 0x1ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0x1ul, 0x0ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0x4ul, 0x0ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0x1ful, 0x0ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0x20ul, 0x1ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0x21ul, 0x0ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0x3ful, 0x0ul},
    {"srlw", op_srlw, 0xffffffff00000001ul, 0xffffffffffffffe4ul, 0x0ul},
    {"srlw", op_srlw, 0x80000000ul, 0x0ul, 0xffffffff80000000ul},
    {"srlw", op_srlw, 0x80000000ul, 0x1ul, 0x40000000ul},
    {"srlw", op_srlw, 0x80000000ul, 0x4ul, 0x8000000ul},
    {"srlw", op_srlw, 0x80000000ul, 0x1ful, 0x1ul},
    {"srlw", op_srlw, 0x80000000ul, 0x20ul, 0xffffffff80000000ul},
    {"srlw", op_srlw, 0x80000000ul, 0x21ul, 0x40000000ul},
    {"srlw", op_srlw, 0x80000000ul, 0x3ful, 0x1ul},
    {"srlw", op_srlw, 0x80000000ul, 0xffffffffffffffe4ul, 0x8000000ul},
    {"sraw", op_sraw, 0x1234567887654321ul, 0x0ul, 0xffffffff87654321ul},
    {"sraw", op_sraw, 0x1234567887654321ul, 0x1ul, 0xffffffffc3b2a190ul},
    {"sraw", op_sraw, 0x1234567887654321ul, 0x4ul, 0xfffffffff8765432ul},
    {"sraw", op_sraw, 0x1234567887654321ul, 0x1ful, 0xfffffffffffffffful},
    {"sraw", op_sraw, 0x1234567887654321ul, 0x20ul, 0xffffffff87654321ul},
    {"sraw", op_sraw, 0x1234567887654321ul, 0x21ul, 0xffffffffc3b2a190ul},
    {"sraw", op_sraw, 0x1234567887654321ul, 0x3ful, 0xfffffffffffffffful},
    {"sraw", op_sraw, 0x1234567887654321ul, 0xffffffffffffffe4ul, 0xfffffffff8765432ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0x0ul, 0x1ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0x1ul, 0x0ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0x4ul, 0x0ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0x1ful, 0x0ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0x20ul, 0x1ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0x21ul, 0x0ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0x3ful, 0x0ul},
    {"sraw", op_sraw, 0xffffffff00000001ul, 0xffffffffffffffe4ul, 0x0ul},
    {"sraw", op_sraw, 0x80000000ul, 0x0ul, 0xffffffff80000000ul},
    {"sraw", op_sraw, 0x80000000ul, 0x1ul, 0xffffffffc0000000ul},
    {"sraw", op_sraw, 0x80000000ul, 0x4ul, 0xfffffffff8000000ul},
    {"sraw", op_sraw, 0x80000000ul, 0x1ful, 0xfffffffffffffffful},
    {"sraw", op_sraw, 0x80000000ul, 0x20ul, 0xffffffff80000000ul},
    {"sraw", op_sraw, 0x80000000ul, 0x21ul, 0xffffffffc0000000ul},
    {"sraw", op_sraw, 0x80000000ul, 0x3ful, 0xfffffffffffffffful},
    {"sraw", op_sraw, 0x80000000ul, 0xffffffffffffffe4ul, 0xfffffffff8000000ul},
};

static void check_rr_table(void)
{
    char what[64];

    for (size_t i = 0; i < sizeof(rr_cases) / sizeof(rr_cases[0]); i++) {
        const struct rr_case *c = &rr_cases[i];
        snprintf(what, sizeof(what), "%s 0x%lx, 0x%lx", c->op, c->a, c->b);
        check(what, c->fn(c->a, c->b), c->want);
    }
}

/* One immediate op; the check is named after the instruction and its operands. */
#define CI(op, a, imm, want) check(op " " #a ", " #imm, RI(op, a, imm), want)

/* Immediates are 12-bit signed (sltiu compares against the sign-extended immediate). */
static void check_immediates(void)
{
    CI("addi", 0x0ul, 0, 0x0ul);
    CI("addi", 0x0ul, -1, 0xfffffffffffffffful);
    CI("addi", 0x0ul, 2047, 0x7fful);
    CI("addi", 0x0ul, -2048, 0xfffffffffffff800ul);
    CI("addi", 0xfffffffffffffffful, 1, 0x0ul);
    CI("addi", 0x7ffffffffffffffful, 1, 0x8000000000000000ul);
    CI("addi", 0x8000000000000000ul, -1, 0x7ffffffffffffffful);
    CI("addi", 0x123456789abcdef0ul, -1776, 0x123456789abcd800ul);
    CI("xori", 0x123456789abcdef0ul, -1, 0xedcba9876543210ful);
    CI("xori", 0x123456789abcdef0ul, 2047, 0x123456789abcd90ful);
    CI("xori", 0xfful, -2048, 0xfffffffffffff8fful);
    CI("xori", 0x0ul, -1, 0xfffffffffffffffful);
    CI("ori", 0x123456789abcdef0ul, -2048, 0xfffffffffffffef0ul);
    CI("ori", 0x100ul, 255, 0x1fful);
    CI("ori", 0x0ul, -1, 0xfffffffffffffffful);
    CI("andi", 0x123456789abcdef0ul, -16, 0x123456789abcdef0ul);
    CI("andi", 0x123456789abcdef0ul, 2047, 0x6f0ul);
    CI("andi", 0xfffffffffffffffful, -2048, 0xfffffffffffff800ul);
    CI("andi", 0xfffffffffffffffful, 0, 0x0ul);
    CI("slti", 0x0ul, 1, 0x1ul);
    CI("slti", 0x0ul, -1, 0x0ul);
    CI("slti", 0xfffffffffffffffful, 0, 0x1ul);
    CI("slti", 0xfffffffffffffffful, -1, 0x0ul);
    CI("slti", 0x8000000000000000ul, -2048, 0x1ul);
    CI("slti", 0x7fful, 2047, 0x0ul);
    CI("slti", 0x7ffffffffffffffful, -1, 0x0ul);
    CI("sltiu", 0x0ul, 1, 0x1ul);
    CI("sltiu", 0x1ul, 1, 0x0ul);
    CI("sltiu", 0x5ul, -1, 0x1ul);
    CI("sltiu", 0xfffffffffffffffful, -1, 0x0ul);
    CI("sltiu", 0xfffffffffffff800ul, -2048, 0x0ul);
    CI("sltiu", 0xfffffffffffff7fful, -2048, 0x1ul);
    CI("sltiu", 0x7feul, 2047, 0x1ul);
    CI("slli", 0x8000000000000001ul, 0, 0x8000000000000001ul);
    CI("slli", 0x8000000000000001ul, 1, 0x2ul);
    CI("slli", 0x123456789abcdef0ul, 31, 0x4d5e6f7800000000ul);
    CI("slli", 0x123456789abcdef0ul, 32, 0x9abcdef000000000ul);
    CI("slli", 0x123456789abcdef0ul, 63, 0x0ul);
    CI("slli", 0x1ul, 63, 0x8000000000000000ul);
    CI("srli", 0x8000000000000001ul, 0, 0x8000000000000001ul);
    CI("srli", 0x8000000000000001ul, 1, 0x4000000000000000ul);
    CI("srli", 0x8000000000000001ul, 32, 0x80000000ul);
    CI("srli", 0x8000000000000001ul, 63, 0x1ul);
    CI("srli", 0x123456789abcdef0ul, 36, 0x1234567ul);
    CI("srai", 0x8000000000000001ul, 0, 0x8000000000000001ul);
    CI("srai", 0x8000000000000001ul, 1, 0xc000000000000000ul);
    CI("srai", 0x8000000000000001ul, 32, 0xffffffff80000000ul);
    CI("srai", 0x8000000000000001ul, 63, 0xfffffffffffffffful);
    CI("srai", 0x723456789abcdef0ul, 36, 0x7234567ul);
    CI("addiw", 0x7ffffffful, 1, 0xffffffff80000000ul);
    CI("addiw", 0xffffffff00000000ul, -1, 0xfffffffffffffffful);
    CI("addiw", 0x123456789abcdef0ul, 0, 0xffffffff9abcdef0ul);
    CI("addiw", 0x80000000ul, -1, 0x7ffffffful);
    CI("addiw", 0x7ffff800ul, 2047, 0x7ffffffful);
    CI("slliw", 0x1234567887654321ul, 0, 0xffffffff87654321ul);
    CI("slliw", 0x1234567887654321ul, 1, 0xeca8642ul);
    CI("slliw", 0x1234567887654321ul, 4, 0x76543210ul);
    CI("slliw", 0x1234567800000001ul, 31, 0xffffffff80000000ul);
    CI("srliw", 0x1234567887654321ul, 0, 0xffffffff87654321ul);
    CI("srliw", 0x1234567887654321ul, 1, 0x43b2a190ul);
    CI("srliw", 0x1234567887654321ul, 31, 0x1ul);
    CI("srliw", 0x1234567807654321ul, 4, 0x765432ul);
    CI("sraiw", 0x1234567887654321ul, 0, 0xffffffff87654321ul);
    CI("sraiw", 0x1234567887654321ul, 1, 0xffffffffc3b2a190ul);
    CI("sraiw", 0x1234567887654321ul, 31, 0xfffffffffffffffful);
    CI("sraiw", 0x1234567807654321ul, 4, 0x765432ul);
}

/* ---- lui / auipc ---- */
static void check_upper_immediates(void)
{
    uint64_t r, here;

    __asm__ volatile("lui %0, 0x12345" : "=r"(r));
    check("lui 0x12345", r, 0x12345000);
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
    check("lui 0x7ffff", r, 0x7ffff000);
    /* RV64 sign-extends the 32-bit result. */
    __asm__ volatile("lui %0, 0x80000" : "=r"(r));
    check("lui 0x80000", r, 0xffffffff80000000ul);
    __asm__ volatile("lui %0, 0xfffff" : "=r"(r));
    check("lui 0xfffff", r, 0xfffffffffffff000ul);
    __asm__ volatile("1: auipc %0, 0\n\tla %1, 1b" : "=r"(r), "=r"(here));
    check("auipc 0", r - here, 0);
    __asm__ volatile("1: auipc %0, 0x12345\n\tla %1, 1b" : "=r"(r), "=r"(here));
    check("auipc 0x12345", r - here, 0x12345000);
    __asm__ volatile("1: auipc %0, 0x80000\n\tla %1, 1b" : "=r"(r), "=r"(here));
    check("auipc 0x80000", r - here, 0xffffffff80000000ul);
    __asm__ volatile("1: auipc %0, 0xfffff\n\tla %1, 1b" : "=r"(r), "=r"(here));
    check("auipc 0xfffff", r - here, 0xfffffffffffff000ul);
}

/* ---- branches: every kind, taken and not taken, forward and backward ---- */
typedef uint64_t br_fn(uint64_t a, uint64_t b);
#define BR_FNS(op)                                                                      \
    static uint64_t br_##op##_fwd(uint64_t a, uint64_t b)                               \
    {                                                                                   \
        uint64_t r;                                                                     \
        __asm__ volatile("li %0, 1\n\t" #op " %1, %2, 1f\n\tli %0, 0\n1:"              \
                         : "=&r"(r) : "r"(a), "r"(b));                                  \
        return r;                                                                       \
    }                                                                                   \
    static uint64_t br_##op##_bwd(uint64_t a, uint64_t b)                               \
    {                                                                                   \
        uint64_t r;                                                                     \
        __asm__ volatile("j 2f\n1:\tli %0, 1\n\tj 3f\n2:\t" #op " %1, %2, 1b\n\t"      \
                         "li %0, 0\n3:"                                                 \
                         : "=&r"(r) : "r"(a), "r"(b));                                  \
        return r;                                                                       \
    }
BR_FNS(beq) BR_FNS(bne) BR_FNS(blt) BR_FNS(bge) BR_FNS(bltu) BR_FNS(bgeu)

static const struct {
    const char *op;
    br_fn *fwd, *bwd;
    uint64_t a, b, taken;
} br_cases[] = {
    {"beq", br_beq_fwd, br_beq_bwd, 0x0ul, 0x0ul, 1},
    {"beq", br_beq_fwd, br_beq_bwd, 0x1ul, 0x2ul, 0},
    {"beq", br_beq_fwd, br_beq_bwd, 0x2ul, 0x1ul, 0},
    {"beq", br_beq_fwd, br_beq_bwd, 0xfffffffffffffffful, 0x1ul, 0},
    {"beq", br_beq_fwd, br_beq_bwd, 0x1ul, 0xfffffffffffffffful, 0},
    {"beq", br_beq_fwd, br_beq_bwd, 0x8000000000000000ul, 0x7ffffffffffffffful, 0},
    {"beq", br_beq_fwd, br_beq_bwd, 0x7ffffffffffffffful, 0x8000000000000000ul, 0},
    {"beq", br_beq_fwd, br_beq_bwd, 0xfffffffffffffffful, 0xfffffffffffffffful, 1},
    {"beq", br_beq_fwd, br_beq_bwd, 0x100000000ul, 0x0ul, 0},
    {"bne", br_bne_fwd, br_bne_bwd, 0x0ul, 0x0ul, 0},
    {"bne", br_bne_fwd, br_bne_bwd, 0x1ul, 0x2ul, 1},
    {"bne", br_bne_fwd, br_bne_bwd, 0x2ul, 0x1ul, 1},
    {"bne", br_bne_fwd, br_bne_bwd, 0xfffffffffffffffful, 0x1ul, 1},
    {"bne", br_bne_fwd, br_bne_bwd, 0x1ul, 0xfffffffffffffffful, 1},
    {"bne", br_bne_fwd, br_bne_bwd, 0x8000000000000000ul, 0x7ffffffffffffffful, 1},
    {"bne", br_bne_fwd, br_bne_bwd, 0x7ffffffffffffffful, 0x8000000000000000ul, 1},
    {"bne", br_bne_fwd, br_bne_bwd, 0xfffffffffffffffful, 0xfffffffffffffffful, 0},
    {"bne", br_bne_fwd, br_bne_bwd, 0x100000000ul, 0x0ul, 1},
    {"blt", br_blt_fwd, br_blt_bwd, 0x0ul, 0x0ul, 0},
    {"blt", br_blt_fwd, br_blt_bwd, 0x1ul, 0x2ul, 1},
    {"blt", br_blt_fwd, br_blt_bwd, 0x2ul, 0x1ul, 0},
    {"blt", br_blt_fwd, br_blt_bwd, 0xfffffffffffffffful, 0x1ul, 1},
    {"blt", br_blt_fwd, br_blt_bwd, 0x1ul, 0xfffffffffffffffful, 0},
    {"blt", br_blt_fwd, br_blt_bwd, 0x8000000000000000ul, 0x7ffffffffffffffful, 1},
    {"blt", br_blt_fwd, br_blt_bwd, 0x7ffffffffffffffful, 0x8000000000000000ul, 0},
    {"blt", br_blt_fwd, br_blt_bwd, 0xfffffffffffffffful, 0xfffffffffffffffful, 0},
    {"blt", br_blt_fwd, br_blt_bwd, 0x100000000ul, 0x0ul, 0},
    {"bge", br_bge_fwd, br_bge_bwd, 0x0ul, 0x0ul, 1},
    {"bge", br_bge_fwd, br_bge_bwd, 0x1ul, 0x2ul, 0},
    {"bge", br_bge_fwd, br_bge_bwd, 0x2ul, 0x1ul, 1},
    {"bge", br_bge_fwd, br_bge_bwd, 0xfffffffffffffffful, 0x1ul, 0},
    {"bge", br_bge_fwd, br_bge_bwd, 0x1ul, 0xfffffffffffffffful, 1},
    {"bge", br_bge_fwd, br_bge_bwd, 0x8000000000000000ul, 0x7ffffffffffffffful, 0},
    {"bge", br_bge_fwd, br_bge_bwd, 0x7ffffffffffffffful, 0x8000000000000000ul, 1},
    {"bge", br_bge_fwd, br_bge_bwd, 0xfffffffffffffffful, 0xfffffffffffffffful, 1},
    {"bge", br_bge_fwd, br_bge_bwd, 0x100000000ul, 0x0ul, 1},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0x0ul, 0x0ul, 0},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0x1ul, 0x2ul, 1},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0x2ul, 0x1ul, 0},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0xfffffffffffffffful, 0x1ul, 0},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0x1ul, 0xfffffffffffffffful, 1},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0x8000000000000000ul, 0x7ffffffffffffffful, 0},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0x7ffffffffffffffful, 0x8000000000000000ul, 1},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0xfffffffffffffffful, 0xfffffffffffffffful, 0},
    {"bltu", br_bltu_fwd, br_bltu_bwd, 0x100000000ul, 0x0ul, 0},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0x0ul, 0x0ul, 1},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0x1ul, 0x2ul, 0},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0x2ul, 0x1ul, 1},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0xfffffffffffffffful, 0x1ul, 1},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0x1ul, 0xfffffffffffffffful, 0},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0x8000000000000000ul, 0x7ffffffffffffffful, 1},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0x7ffffffffffffffful, 0x8000000000000000ul, 0},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0xfffffffffffffffful, 0xfffffffffffffffful, 1},
    {"bgeu", br_bgeu_fwd, br_bgeu_bwd, 0x100000000ul, 0x0ul, 1},
};

static void check_branches(void)
{
    char what[64];

    for (size_t i = 0; i < sizeof(br_cases) / sizeof(br_cases[0]); i++) {
        uint64_t a = br_cases[i].a, b = br_cases[i].b;
        snprintf(what, sizeof(what), "%s 0x%lx, 0x%lx forward", br_cases[i].op, a, b);
        check(what, br_cases[i].fwd(a, b), br_cases[i].taken);
        snprintf(what, sizeof(what), "%s 0x%lx, 0x%lx backward", br_cases[i].op, a, b);
        check(what, br_cases[i].bwd(a, b), br_cases[i].taken);
    }
    /*
     * Offsets near the ends of the B-type range (+-4 KiB): the skipped bytes are zero, an
     * illegal instruction, so landing anywhere but the target traps.
     */
    uint64_t r;
    __asm__ volatile("li %0, 0\n\tbeq zero, zero, 1f\n\t.skip 4000\n1:\tli %0, 1" : "=&r"(r));
    check("beq +4008", r, 1);
    __asm__ volatile("li %0, 0\n\tj 2f\n1:\tli %0, 1\n\tj 3f\n\t.skip 4072\n"
                     "2:\tbne %0, zero, 4f\n\tbeqz %0, 1b\n4:\tli %0, 2\n3:" : "=&r"(r));
    check("beqz -4084", r, 1);
}

/* ---- jal / jalr ---- */
static void check_jumps(void)
{
    uint64_t link, want, r;

    /* jal writes pc + 4 and jumps pc-relative; x0 as rd is a plain jump. */
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "jal %0, 1f\n2:\tli %0, 0\n1:\tla %1, 2b\n\t.option pop"
                     : "=&r"(link), "=&r"(want));
    check("jal link", link, want);
    /* A jal over 69 KiB exercises immediate bits 12..16. */
    __asm__ volatile("li %0, 0\n\tjal zero, 1f\n\t.skip 0x11000\n1:\tli %0, 1" : "=&r"(r));
    check("jal +0x11004", r, 1);
    __asm__ volatile("li %0, 0\n\tj 2f\n1:\tli %0, 1\n\tj 3f\n\t.skip 0x11000\n"
                     "2:\tjal zero, 1b\n3:" : "=&r"(r));
    check("jal -0x11008", r, 1);

    /* jalr clears bit 0 of the target; the link is the next instruction. */
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "la t0, 1f\n\taddi t0, t0, 1\n\tjalr %0, 0(t0)\n2:\tli %0, 0\n\t"
                     "1:\tla %1, 2b\n\t.option pop"
                     : "=&r"(link), "=&r"(want) : : "t0");
    check("jalr odd target link", link, want);
    /* A negative offset that makes the sum odd. */
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "li %0, 0\n\tla t0, 1f\n\taddi t0, t0, 5\n\tjalr zero, -4(t0)\n\t"
                     "li %0, 2\n1:\taddi %0, %0, 1\n\t.option pop"
                     : "=&r"(r) : : "t0");
    check("jalr -4 odd target", r, 1);
    /* rd == rs1: the target comes from the old value. */
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "la t0, 1f\n\tjalr t0, 0(t0)\n2:\tli t0, 0\n1:\tmv %0, t0\n\tla %1, 2b\n\t"
                     ".option pop"
                     : "=&r"(link), "=&r"(want) : : "t0");
    check("jalr t0, 0(t0)", link, want);
    /* A call through a register and a return through ra. */
    __asm__ volatile("la t0, 1f\n\tjalr ra, 0(t0)\n\tj 2f\n1:\tli %0, 7\n\tret\n2:"
                     : "=&r"(r) : : "t0", "ra");
    check("jalr ra / ret", r, 7);
}

/* ---- loads and stores of every width ---- */
static uint64_t mem[4] __attribute__((aligned(16)));

static void check_loads_stores(void)
{
    uint8_t *b = (uint8_t *)mem;
    uint64_t ba = (uint64_t)mem; /* for addresses outside mem, made in-range by the offset */
    uint64_t r;

    mem[0] = 0x8081828384858687ul; /* bytes 87 86 85 84 83 82 81 80 */
    mem[1] = 0x7f7e7d7c7b7a7978ul;
#define LOAD(op, off, base)                                                            \
    ({                                                                                 \
        uint64_t v_;                                                                   \
        __asm__ volatile(op " %0, %1(%2)" : "=r"(v_) : "i"(off), "r"(base) : "memory"); \
        v_;                                                                            \
    })
    check("lb 0x87", LOAD("lb", 0, b), 0xffffffffffffff87ul);
    check("lbu 0x87", LOAD("lbu", 0, b), 0x87);
    check("lb 0x78", LOAD("lb", 8, b), 0x78);
    check("lh 0x8687", LOAD("lh", 0, b), 0xffffffffffff8687ul);
    check("lhu 0x8687", LOAD("lhu", 0, b), 0x8687);
    check("lh 0x7978", LOAD("lh", 8, b), 0x7978);
    check("lw 0x84858687", LOAD("lw", 0, b), 0xffffffff84858687ul);
    check("lwu 0x84858687", LOAD("lwu", 0, b), 0x84858687);
    check("lw 0x7b7a7978", LOAD("lw", 8, b), 0x7b7a7978);
    check("lwu 0x80818283", LOAD("lwu", 4, b), 0x80818283);
    check("ld", LOAD("ld", 0, b), 0x8081828384858687ul);
    check("ld +8", LOAD("ld", 8, b), 0x7f7e7d7c7b7a7978ul);
    /* The offset is a sign-extended 12-bit immediate. */
    check("lbu -2048", LOAD("lbu", -2048, ba + 2048 + 7), 0x80);
    check("ld -2048", LOAD("ld", -2048, ba + 2048 + 8), 0x7f7e7d7c7b7a7978ul);
    check("lhu +2047", LOAD("lhu", 2047, ba - 2047 + 14), 0x7f7e);

#define STORE(op, v, off, base) \
    __asm__ volatile(op " %0, %1(%2)" : : "r"((uint64_t)(v)), "i"(off), "r"(base) : "memory")
    mem[2] = 0;
    STORE("sb", 0x1234567890abcdeful, 16, b);
    check("sb", mem[2], 0xef);
    STORE("sh", 0x1234567890abcdeful, 18, b);
    check("sh", mem[2], 0xcdef00ef);
    STORE("sw", 0x1234567890abcdeful, 20, b);
    check("sw", mem[2], 0x90abcdefcdef00eful);
    STORE("sd", 0x1122334455667788ul, 24, b);
    check("sd", mem[3], 0x1122334455667788ul);
    check("sd leaves its neighbour", mem[2], 0x90abcdefcdef00eful);
    STORE("sb", 0xaa, -2048, ba + 2048 + 31);
    check("sb -2048", mem[3], 0xaa22334455667788ul);
    STORE("sh", 0xbbcc, 2047, ba - 2047 + 16);
    check("sh +2047", mem[2], 0x90abcdefcdefbbccul);
    /* A store then loads of its parts. */
    STORE("sd", 0xfedcba9876543210ul, 0, b);
    r = LOAD("lb", 7, b);
    check("sd then lb", r, 0xfffffffffffffffeul);
    check("sd then lhu", LOAD("lhu", 2, b), 0x7654);
    check("sd then lw", LOAD("lw", 4, b), 0xfffffffffedcba98ul);
}

/* ---- x0: writes are ignored, reads are zero ---- */
static void check_x0(void)
{
    uint64_t r, s;

    __asm__ volatile("li t0, 5\n\tadd x0, t0, t0\n\tmv %0, x0" : "=r"(r) : : "t0");
    check("add x0", r, 0);
    __asm__ volatile("addi x0, x0, 5\n\tmv %0, x0" : "=r"(r));
    check("addi x0", r, 0);
    __asm__ volatile("lui x0, 0x12345\n\tmv %0, x0" : "=r"(r));
    check("lui x0", r, 0);
    __asm__ volatile("auipc x0, 0x12345\n\tmv %0, x0" : "=r"(r));
    check("auipc x0", r, 0);
    __asm__ volatile("ld x0, 0(%1)\n\tmv %0, x0" : "=r"(r) : "r"(mem) : "memory");
    check("ld x0", r, 0);
    __asm__ volatile("jal x0, 1f\n1:\tmv %0, x0" : "=r"(r));
    check("jal x0", r, 0);
    __asm__ volatile("li t0, 9\n\tsub %0, x0, t0\n\tor %1, x0, x0" : "=r"(r), "=r"(s) : : "t0");
    check("x0 as a source", r, 0xfffffffffffffff7ul);
    check("or x0, x0", s, 0);
}

void guest_main(void)
{
    check_rr_table();
    group_done("rv64i: register ALU ops, shifts and W forms");
    check_immediates();
    group_done("rv64i: immediate ALU ops");
    check_upper_immediates();
    group_done("rv64i: lui and auipc");
    check_branches();
    group_done("rv64i: branches");
    check_jumps();
    group_done("rv64i: jal and jalr");
    check_loads_stores();
    group_done("rv64i: loads and stores");
    check_x0();
    group_done("rv64i: x0");
}
