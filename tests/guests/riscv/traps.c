/* traps: synchronous exceptions in M-mode: causes, mepc, mtval, and what does not trap. */
#include "guest.h"

static uint8_t data[8192] __attribute__((aligned(4096)));

/* Past the end of the default 128 MiB of RAM: nothing is mapped there on virt. */
#define UNMAPPED (VIRT_DRAM_BASE + 0x8000000ul)

/*
 * ecall and ebreak: mepc is the instruction itself. mtval: ecall must write 0; for ebreak the
 * spec allows 0 or the pc, and QEMU 7.2 writes 0, so kestrel does too. The trap saves MIE in
 * MPIE, clears MIE and sets MPP to M; mret restores MIE from MPIE, sets MPIE and sets MPP to
 * the least-privileged mode there is (U).
 */
static void check_ecall_ebreak(void)
{
    csr_clear(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
    EXPECT_TRAP("ecall");
    check_trap("ecall", CAUSE_MACHINE_ECALL, 0);
    check("ecall: mstatus.MPP in the handler", last_trap.mstatus & MSTATUS_MPP, MSTATUS_MPP);
    check("ecall: mstatus.MIE/MPIE in the handler",
          last_trap.mstatus & (MSTATUS_MIE | MSTATUS_MPIE), 0);
    check("after mret: MPP = U, MPIE = 1", csr_read(mstatus) & (MSTATUS_MPP | MSTATUS_MPIE),
          MSTATUS_MPIE);
    EXPECT_TRAP("ebreak");
    check_trap("ebreak", CAUSE_BREAKPOINT, 0);
    /* A 32-bit ebreak, so the resume point really is 4 bytes on. */
    EXPECT_TRAP(".option push\n\t.option norvc\n\tebreak\n\t.option pop");
    check_trap("ebreak (32-bit)", CAUSE_BREAKPOINT, 0);
}

/*
 * Illegal instructions: mtval holds the instruction's bits (16 of them for a compressed
 * encoding). The spec lets an implementation write 0 instead; QEMU 7.2 writes the bits, so
 * kestrel must too.
 */
static void check_illegal(void)
{
    EXPECT_TRAP(".word 0x0000000b");    /* custom-0: no such extension on this cpu */
    check_trap("custom-0", CAUSE_ILLEGAL_INSTRUCTION, 0x0000000b);
    EXPECT_TRAP(".word 0xfe000033");    /* OP with an undefined funct7 */
    check_trap("OP funct7 0x7f", CAUSE_ILLEGAL_INSTRUCTION, 0xfe000033);
    EXPECT_TRAP(".2byte 0x0000");       /* the all-zero parcel is defined illegal */
    check_trap("c.unimp (0x0000)", CAUSE_ILLEGAL_INSTRUCTION, 0);
    EXPECT_TRAP(".2byte 0x0004");       /* c.addi4spn with a zero immediate: reserved */
    check_trap("c.addi4spn 0", CAUSE_ILLEGAL_INSTRUCTION, 0x0004);
    EXPECT_TRAP(".2byte 0x8002");       /* c.jr x0: reserved */
    check_trap("c.jr x0", CAUSE_ILLEGAL_INSTRUCTION, 0x8002);
    EXPECT_TRAP(".2byte 0x4002");       /* c.lwsp x0: reserved */
    check_trap("c.lwsp x0", CAUSE_ILLEGAL_INSTRUCTION, 0x4002);
    EXPECT_TRAP(".2byte 0x6101");       /* c.addi16sp with a zero immediate: reserved */
    check_trap("c.addi16sp 0", CAUSE_ILLEGAL_INSTRUCTION, 0x6101);
    EXPECT_TRAP("csrr t0, 0x7c0");      /* a custom CSR nobody implements */
    check_trap("csrr 0x7c0", CAUSE_ILLEGAL_INSTRUCTION, 0x7c0022f3);
    EXPECT_TRAP(".word 0x302000f3");    /* mret with rd != 0 */
    check_trap("mret rd=x1", CAUSE_ILLEGAL_INSTRUCTION, 0x302000f3);
}

#define MLOAD(op, addr) \
    ({ uint64_t v_; __asm__ volatile(op " %0, 0(%1)" : "=r"(v_) : "r"(addr) : "memory"); v_; })

/*
 * Misaligned loads and stores: the spec lets the execution environment either perform them
 * or trap. QEMU 7.2 performs them in M-mode on virt (only LR/SC and AMOs check alignment),
 * so kestrel performs them too, including across an 8-byte and a 4 KiB boundary.
 */
static void check_misaligned_performed(void)
{
    uint64_t base = (uint64_t)data;

    for (int i = 0; i < 16; i++)
        data[i] = (uint8_t)(0x80 + i);
    for (int i = 0; i < 16; i++)
        data[4088 + i] = (uint8_t)(0x10 + i);
    EXPECT_TRAP("lh t0, 0(%0)\n\tlhu t0, 0(%0)\n\tlw t0, 0(%1)\n\tlwu t0, 0(%1)\n\t"
                "ld t0, 0(%2)\n\tld t0, 0(%3)", "r"(base + 1), "r"(base + 3), "r"(base + 5),
                "r"(base + 4093));
    check_no_trap("misaligned loads");
    check("lh +1", MLOAD("lh", base + 1), 0xffffffffffff8281ul);
    check("lhu +1", MLOAD("lhu", base + 1), 0x8281);
    check("lw +3", MLOAD("lw", base + 3), 0xffffffff86858483ul);
    check("lwu +3", MLOAD("lwu", base + 3), 0x86858483);
    check("ld +5", MLOAD("ld", base + 5), 0x8c8b8a8988878685ul);
    check("lw +6 (across 8 bytes)", MLOAD("lw", base + 6), 0xffffffff89888786ul);
    check("ld +4093 (across a page)", MLOAD("ld", base + 4093), 0x1c1b1a1918171615ul);
    check("lh +4095 (across a page)", MLOAD("lh", base + 4095), 0x1817);
    __asm__ volatile("sh %0, 0(%1)\n\tsw %0, 0(%2)\n\tsd %0, 0(%3)"
                     : : "r"(0x0102030405060708ul), "r"(base + 1), "r"(base + 7),
                         "r"(base + 4091) : "memory");
    check("sh +1", *(volatile uint64_t *)data, 0x0886858483070880ul);
    check("sw +7 (across 8 bytes)", *(volatile uint64_t *)(data + 8), 0x8f8e8d8c8b050607ul);
    check("sd +4091 (across a page): low page", *(volatile uint64_t *)(data + 4088),
          0x0405060708121110ul);
    check("sd +4091 (across a page): high page", *(volatile uint64_t *)(data + 4096),
          0x1f1e1d1c1b010203ul);
    uint64_t f;
    __asm__ volatile("fld ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(f) : "r"(base + 4093) : "ft0");
    check("fld +4093", f, 0x1c1b010203040506ul);
    __asm__ volatile("flw ft0, 0(%0)\n\tfsw ft0, 0(%1)" : : "r"(base + 3), "r"(base + 9)
                     : "ft0", "memory");
    check("flw +3 / fsw +9", *(volatile uint64_t *)(data + 8), 0x8f8e8d8685848307ul);
}

/*
 * Where QEMU 7.2 departs from the spec the guest prints what happened instead of checking
 * the cause, so the tcg case table can hold kestrel to the spec and still recognise QEMU's
 * output as QEMU's. mepc and mtval are checked either way.
 */
static void report_trap(const char *what, uint64_t addr)
{
    if (trap_expected) {
        trap_expected = 0;
        trap_resume_pc = 0;
        printf("traps: %s: no trap\n", what);
        return;
    }
    check("report: mepc", last_trap.mepc, trap_site);
    check("report: mtval", last_trap.mtval, addr);
    printf("traps: %s: cause %lu\n", what, last_trap.mcause);
}

/*
 * LR, SC and AMOs must be naturally aligned. LR is a load: load address misaligned (4). An
 * AMO is a store/AMO: store/AMO address misaligned (6) -- the spec also allows an access
 * fault (7), never a load cause; QEMU 7.2 reports 4 (its atomic helpers raise the load-side
 * fault). SC to a misaligned address must trap too (6 or 7); QEMU 7.2 does not, because its
 * SC compares the address with the reservation first and fails without touching memory.
 */
static void check_misaligned_atomics(void)
{
    uint64_t base = (uint64_t)data;

    EXPECT_TRAP("lr.w t0, (%0)", "r"(base + 2));
    check_trap("lr.w +2", CAUSE_MISALIGNED_LOAD, base + 2);
    EXPECT_TRAP("lr.d t0, (%0)", "r"(base + 4));
    check_trap("lr.d +4", CAUSE_MISALIGNED_LOAD, base + 4);
    uint64_t before = *(volatile uint64_t *)data;
    EXPECT_TRAP("amoadd.w t0, %1, (%0)", "r"(base + 2), "r"(1ul));
    report_trap("misaligned amoadd.w", base + 2);
    EXPECT_TRAP("amoswap.d t0, %1, (%0)", "r"(base + 4), "r"(1ul));
    report_trap("misaligned amoswap.d", base + 4);
    check("misaligned AMOs leave memory", *(volatile uint64_t *)data, before);
    EXPECT_TRAP("sc.w t0, %1, (%0)", "r"(base + 1), "r"(1ul));
    report_trap("misaligned sc.w", base + 1);
    check("misaligned sc.w leaves memory", *(volatile uint64_t *)data, before);
}

/*
 * Access faults: virt has nothing past the end of RAM (nor at 0), so a load faults with 5,
 * a store with 7 and a fetch with 1, mtval the address. An AMO must fault as a store/AMO
 * (7); QEMU 7.2 reports 5, as it does for misaligned AMOs.
 */
static void check_access_faults(void)
{
    uint64_t last = UNMAPPED - 8;

    *(volatile uint64_t *)last = 0x1122334455667788ul;
    check("the last doubleword of RAM", *(volatile uint64_t *)last, 0x1122334455667788ul);
    EXPECT_TRAP("ld t0, 0(%0)", "r"(UNMAPPED));
    check_trap("ld past RAM", CAUSE_LOAD_ACCESS, UNMAPPED);
    EXPECT_TRAP("lbu t0, 0(%0)", "r"(UNMAPPED + 0x123));
    check_trap("lbu past RAM", CAUSE_LOAD_ACCESS, UNMAPPED + 0x123);
    EXPECT_TRAP("sw zero, 0(%0)", "r"(UNMAPPED + 4));
    check_trap("sw past RAM", CAUSE_STORE_ACCESS, UNMAPPED + 4);
    EXPECT_TRAP("lw t0, 0(%0)", "r"(0ul));
    check_trap("lw at 0", CAUSE_LOAD_ACCESS, 0);
    EXPECT_TRAP("lr.d t0, (%0)", "r"(UNMAPPED));
    check_trap("lr.d past RAM", CAUSE_LOAD_ACCESS, UNMAPPED);
    EXPECT_TRAP("amoor.d t0, %1, (%0)", "r"(UNMAPPED), "r"(1ul));
    report_trap("amoor.d past RAM", UNMAPPED);
    check("amoor.d past RAM leaves RAM", *(volatile uint64_t *)last, 0x1122334455667788ul);
    /* A fetch fault: mepc and mtval are the target; the handler resumes at label 2. */
    EXPECT_TRAP("jr %0", "r"(UNMAPPED));
    if (trap_expected) {
        trap_expected = 0;
        check_failed("fetch past RAM: no trap");
    } else {
        check("fetch past RAM: mcause", last_trap.mcause, CAUSE_FETCH_ACCESS);
        check("fetch past RAM: mepc", last_trap.mepc, UNMAPPED);
        check("fetch past RAM: mtval", last_trap.mtval, UNMAPPED);
    }
}

/*
 * With C, instructions are 2-byte aligned and jalr clears bit 0 of its target, so no jump
 * can be misaligned: jalr to (2 mod 4) + 1 lands on the 2 mod 4 address. misa is read-only
 * in QEMU 7.2 (writes are ignored), so C cannot be turned off to make one either.
 */
static void check_no_misaligned_fetch(void)
{
    volatile uint64_t r = 0;

    EXPECT_TRAP(".balign 4\n\tla t0, 3f\n\taddi t0, t0, 1\n\tjr t0\n\t"
                "c.nop\n3:\tc.li t1, 1\n\tsd t1, 0(%0)", "r"(&r));
    check_no_trap("jalr to (2 mod 4) + 1");
    check("jalr to (2 mod 4) + 1 lands", r, 1);
    uint64_t misa = csr_read(misa);
    csr_write(misa, misa & ~(1ul << ('C' - 'A')));
    check("misa after trying to clear C", csr_read(misa), misa);
    EXPECT_TRAP(".balign 4\n\tla t0, 3f\n\tjr t0\n\tc.nop\n3:\tc.nop");
    check_no_trap("jump to 2 mod 4 after trying to clear misa.C");
}

/*
 * mtvec: in vectored mode (MODE 1) exceptions still enter at the base (slot 0). Writes with
 * the reserved modes 2 and 3 are ignored by QEMU 7.2 (mtvec is WARL), and by kestrel.
 */
static void check_mtvec_modes(void)
{
    uint64_t direct = (uint64_t)trap_entry, vectored = (uint64_t)trap_vector_table | 1;

    csr_write(mtvec, vectored);
    check("mtvec vectored", csr_read(mtvec), vectored);
    EXPECT_TRAP("ecall");
    check_trap("ecall, vectored", CAUSE_MACHINE_ECALL, 0);
    check("ecall, vectored: slot", last_trap.vector, 0);
    EXPECT_TRAP(".word 0x0000000b");
    check_trap("illegal, vectored", CAUSE_ILLEGAL_INSTRUCTION, 0xb);
    check("illegal, vectored: slot", last_trap.vector, 0);
    csr_write(mtvec, direct | 3);
    check("mtvec mode 3 ignored", csr_read(mtvec), vectored);
    csr_write(mtvec, direct | 2);
    check("mtvec mode 2 ignored", csr_read(mtvec), vectored);
    csr_write(mtvec, direct);
    EXPECT_TRAP("ecall");
    check_trap("ecall, direct", CAUSE_MACHINE_ECALL, 0);
    check("ecall, direct: entry", last_trap.vector, -1);
}

void guest_main(void)
{
    check_ecall_ebreak();
    group_done("traps: ecall and ebreak");
    check_illegal();
    group_done("traps: illegal instructions, mtval = the instruction");
    check_misaligned_performed();
    group_done("traps: misaligned loads and stores are performed");
    check_misaligned_atomics();
    group_done("traps: misaligned LR, SC and AMOs");
    check_access_faults();
    group_done("traps: access faults past the end of RAM and at 0");
    check_no_misaligned_fetch();
    group_done("traps: no misaligned fetch with C");
    check_mtvec_modes();
    group_done("traps: mtvec direct and vectored");
}
