/* rvc: each compressed instruction written out explicitly, and 32-bit code at 2-byte offsets. */
#include "guest.h"

extern uint64_t rvc_cross_page(void), rvc_odd_entry(void);

/* A compressed op on a0 (x10), starting from a0 = in; a1 = in2 where the op needs it. */
#define C_A0(insn, in)                                                              \
    ({                                                                              \
        register uint64_t a0_ __asm__("a0") = (in);                                 \
        __asm__ volatile(insn : "+r"(a0_));                                         \
        a0_;                                                                        \
    })
#define C_A0_A1(insn, in, in2)                                                      \
    ({                                                                              \
        register uint64_t a0_ __asm__("a0") = (in);                                 \
        register uint64_t a1_ __asm__("a1") = (in2);                                \
        __asm__ volatile(insn : "+r"(a0_) : "r"(a1_));                              \
        a0_;                                                                        \
    })

static void check_alu(void)
{
    check("c.li a0, -32", C_A0("c.li a0, -32", 0), 0xffffffffffffffe0ul);
    check("c.li a0, 31", C_A0("c.li a0, 31", 0), 31);
    check("c.addi a0, -32", C_A0("c.addi a0, -32", 100), 68);
    check("c.addi a0, 31", C_A0("c.addi a0, 31", 0xffffffffffffffffl), 30);
    check("c.addiw a0, 1", C_A0("c.addiw a0, 1", 0x7fffffff), 0xffffffff80000000ul);
    check("c.addiw a0, 0 (sext.w)", C_A0("c.addiw a0, 0", 0x1234567887654321ul),
          0xffffffff87654321ul);
    check("c.addiw a0, -1", C_A0("c.addiw a0, -1", 0x100000000ul), 0xfffffffffffffffful);
    check("c.lui a0, 1", C_A0("c.lui a0, 1", 0), 0x1000);
    check("c.lui a0, 31", C_A0("c.lui a0, 31", 0), 0x1f000);
    check("c.lui a0, 0xfffe0", C_A0("c.lui a0, 0xfffe0", 0), 0xfffffffffffe0000ul);
    check("c.lui a0, 0xfffff", C_A0("c.lui a0, 0xfffff", 0), 0xfffffffffffff000ul);
    check("c.slli a0, 1", C_A0("c.slli a0, 1", 0x8000000000000001ul), 2);
    check("c.slli a0, 63", C_A0("c.slli a0, 63", 3), 0x8000000000000000ul);
    check("c.slli a0, 32", C_A0("c.slli a0, 32", 0x87654321), 0x8765432100000000ul);
    check("c.srli a0, 1", C_A0("c.srli a0, 1", 0x8000000000000001ul), 0x4000000000000000ul);
    check("c.srli a0, 63", C_A0("c.srli a0, 63", 0x8000000000000000ul), 1);
    check("c.srai a0, 4", C_A0("c.srai a0, 4", 0x8000000000000010ul), 0xf800000000000001ul);
    check("c.srai a0, 32", C_A0("c.srai a0, 32", 0x8765432112345678ul), 0xffffffff87654321ul);
    check("c.andi a0, -32", C_A0("c.andi a0, -32", 0x123456789abcdefful), 0x123456789abcdee0ul);
    check("c.andi a0, 31", C_A0("c.andi a0, 31", 0x123456789abcdefful), 0x1f);
    check("c.andi a0, 0", C_A0("c.andi a0, 0", 0x123456789abcdefful), 0);
    check("c.mv a0, a1", C_A0_A1("c.mv a0, a1", 1, 0xfedcba9876543210ul), 0xfedcba9876543210ul);
    check("c.add a0, a1", C_A0_A1("c.add a0, a1", 0xffffffffffffffffl, 2), 1);
    check("c.sub a0, a1", C_A0_A1("c.sub a0, a1", 1, 2), 0xfffffffffffffffful);
    check("c.xor a0, a1", C_A0_A1("c.xor a0, a1", 0xff00ff00ff00ff00ul, 0x0ff00ff00ff00ff0ul),
          0xf0f0f0f0f0f0f0f0ul);
    check("c.or a0, a1", C_A0_A1("c.or a0, a1", 0xff00ff00ff00ff00ul, 0x0ff00ff00ff00ff0ul),
          0xfff0fff0fff0fff0ul);
    check("c.and a0, a1", C_A0_A1("c.and a0, a1", 0xff00ff00ff00ff00ul, 0x0ff00ff00ff00ff0ul),
          0x0f000f000f000f00ul);
    check("c.subw a0, a1", C_A0_A1("c.subw a0, a1", 0x80000000, 1), 0x7fffffff);
    check("c.subw a0, a1 (sign)", C_A0_A1("c.subw a0, a1", 0x1234567800000000ul, 1),
          0xfffffffffffffffful);
    check("c.addw a0, a1", C_A0_A1("c.addw a0, a1", 0x7fffffff, 1), 0xffffffff80000000ul);
    check("c.nop", C_A0("c.nop", 77), 77);

    /* c.addi16sp and c.addi4spn: sp-relative, scaled immediates at the ends of their ranges. */
    uint64_t d1, d2, a, b;
    __asm__ volatile("mv t0, sp\n\tc.addi16sp sp, -512\n\tsub %0, t0, sp\n\t"
                     "c.addi16sp sp, 496\n\tsub %1, t0, sp\n\tc.addi16sp sp, 16"
                     : "=r"(d1), "=r"(d2) : : "t0", "memory");
    check("c.addi16sp sp, -512", d1, 512);
    check("c.addi16sp sp, 496", d2, 16);
    __asm__ volatile("c.addi4spn a0, sp, 4\n\tsub %0, a0, sp\n\t"
                     "c.addi4spn a0, sp, 1020\n\tsub %1, a0, sp"
                     : "=r"(a), "=r"(b) : : "a0");
    check("c.addi4spn 4", a, 4);
    check("c.addi4spn 1020", b, 1020);
}

static void check_control(void)
{
    uint64_t r, link, want;

    __asm__ volatile("li %0, 0\n\tc.j 1f\n\tli %0, 9\n1:\taddi %0, %0, 1" : "=&r"(r));
    check("c.j forward", r, 1);
    __asm__ volatile("li %0, 0\n\tc.j 2f\n1:\taddi %0, %0, 1\n\tc.j 3f\n2:\tc.j 1b\n3:"
                     : "=&r"(r));
    check("c.j backward", r, 1);
    for (uint64_t v = 0; v < 2; v++) {
        register uint64_t s0 __asm__("s0") = v;
        __asm__ volatile("li %0, 1\n\tc.beqz s0, 1f\n\tli %0, 0\n1:" : "=&r"(r) : "r"(s0));
        check(v ? "c.beqz not taken" : "c.beqz taken", r, v == 0);
        s0 = v;
        __asm__ volatile("li %0, 1\n\tc.bnez s0, 1f\n\tli %0, 0\n1:" : "=&r"(r) : "r"(s0));
        check(v ? "c.bnez taken" : "c.bnez not taken", r, v != 0);
        s0 = v;
        __asm__ volatile("li %0, 0\n\tc.j 2f\n1:\tli %0, 1\n\tc.j 3f\n2:\tc.bnez s0, 1b\n3:"
                         : "=&r"(r) : "r"(s0));
        check(v ? "c.bnez backward taken" : "c.bnez backward not taken", r, v != 0);
    }
    /* c.jr and c.jalr; c.jalr links pc + 2. */
    __asm__ volatile("la a0, 1f\n\tli %0, 0\n\tc.jr a0\n\tli %0, 9\n1:\taddi %0, %0, 1"
                     : "=&r"(r) : : "a0");
    check("c.jr", r, 1);
    __asm__ volatile("la a0, 1f\n\tc.jalr a0\n2:\tnop\n1:\tmv %0, ra\n\tla %1, 2b"
                     : "=r"(link), "=r"(want) : : "a0", "ra");
    check("c.jalr links pc + 2", link, want);
}

static uint64_t buf[40] __attribute__((aligned(8)));

static void check_loads_stores(void)
{
    /* CL/CS formats reach only x8..x15: pin every operand there. */
    register uint64_t *s0 __asm__("s0") = buf;
    register uint64_t a1 __asm__("a1"), a2 __asm__("a2"), a3 __asm__("a3");
    uint64_t r1, r2, r3;

    buf[0] = 0x1111111180000001ul;
    buf[15] = 0x7fffffff00000000ul;
    buf[31] = 0x7ffffffffffffff0ul;
    __asm__ volatile("c.lw a1, 0(s0)\n\tc.lw a2, 124(s0)\n\tc.ld a3, 248(s0)"
                     : "=r"(a1), "=r"(a2), "=r"(a3) : "r"(s0) : "memory");
    /* (register variables live only as asm operands: copy them before any call) */
    r1 = a1, r2 = a2, r3 = a3;
    check("c.lw sign-extends", r1, 0xffffffff80000001ul);
    check("c.lw 124", r2, 0x7fffffff);
    check("c.ld 248", r3, 0x7ffffffffffffff0ul);
    register uint64_t a0 __asm__("a0") = 0x0123456789abcdeful;
    s0 = buf;
    __asm__ volatile("c.sw a0, 4(s0)\n\tc.sd a0, 240(s0)" : : "r"(s0), "r"(a0) : "memory");
    check("c.sw 4", buf[0], 0x89abcdef80000001ul);
    check("c.sd 240", buf[30], 0x0123456789abcdeful);

    /* The sp forms, on a frame of their own; offsets at the ends of their ranges. */
    __asm__ volatile("addi sp, sp, -512\n\t"
                     "c.sdsp %3, 504(sp)\n\tc.swsp %3, 252(sp)\n\tc.sdsp %3, 0(sp)\n\t"
                     "c.ldsp %0, 504(sp)\n\tc.lwsp %1, 252(sp)\n\tc.lwsp %2, 4(sp)\n\t"
                     "addi sp, sp, 512"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3) : "r"(0x8877665544332211ul) : "memory");
    check("c.sdsp/c.ldsp 504", r1, 0x8877665544332211ul);
    check("c.swsp/c.lwsp 252", r2, 0x44332211);
    check("c.sdsp 0 / c.lwsp 4", r3, 0xffffffff88776655ul);

    /* The FP forms: c.fld/c.fsd (fs0..fa5 only) and c.fldsp/c.fsdsp. */
    buf[1] = 0x400921fb54442d18ul;
    s0 = buf;
    __asm__ volatile("c.fld fa0, 8(s0)\n\tc.fsd fa0, 232(s0)\n\t"
                     "addi sp, sp, -512\n\tc.fsdsp fa0, 504(sp)\n\tc.fldsp ft1, 504(sp)\n\t"
                     "addi sp, sp, 512\n\tfmv.x.d %0, ft1"
                     : "=r"(r1) : "r"(s0) : "fa0", "ft1", "memory");
    check("c.fld/c.fsd", buf[29], 0x400921fb54442d18ul);
    check("c.fsdsp/c.fldsp", r1, 0x400921fb54442d18ul);
}

static void check_ebreak_and_placement(void)
{
    EXPECT_TRAP("c.ebreak");
    check_trap("c.ebreak", CAUSE_BREAKPOINT, 0);
    /* The trap handler resumes after the 2-byte instruction. */
    EXPECT_TRAP("c.ebreak\n\tc.nop");
    check_trap("c.ebreak then c.nop", CAUSE_BREAKPOINT, 0);

    uint64_t r, at;
    __asm__ volatile(".balign 4\n\tc.li %0, 3\n1:\t.option push\n\t.option norvc\n\t"
                     "addi %0, %0, 4\n\t.option pop\n\tla %1, 1b"
                     : "=&r"(r), "=&r"(at));
    check("32-bit addi at 2 mod 4", r, 7);
    check("its address is 2 mod 4", at & 3, 2);
    check("call into a 2 mod 4 entry", rvc_odd_entry(), 42);
    check("rvc_odd_entry is 2 mod 4", (uint64_t)rvc_odd_entry & 3, 2);
    check("32-bit instruction across a page boundary", rvc_cross_page(), 42);
    check("it straddles the boundary", ((uint64_t)rvc_cross_page + 2) & 0xfff, 0xffe);
}

void guest_main(void)
{
    check_alu();
    group_done("rvc: integer ops");
    check_control();
    group_done("rvc: jumps and branches");
    check_loads_stores();
    group_done("rvc: loads and stores");
    check_ebreak_and_placement();
    group_done("rvc: c.ebreak and 32-bit code at 2-byte offsets");
}
