/* smc: self-modifying code: patch instructions that already ran, fence.i, run them again. */
#include "guest.h"

extern uint64_t smc_near(void), smc_far(void), smc_inline(uint32_t insn);

#define PATCHES 1000

/* addi a0, zero, imm */
static uint32_t addi_a0(int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | (10 << 7) | 0x13;
}

/* An immediate that changes every time and covers the whole 12-bit range. */
static int32_t imm_for(int i)
{
    return (int32_t)((i * 1237) % 4096) - 2048;
}

static void patch(volatile uint32_t *at, uint32_t insn)
{
    *at = insn;
    fence_i();
}

static void check_patched(const char *name, uint64_t (*fn)(void))
{
    char what[64];

    check(name, fn(), 1); /* run (and translate) it before the first patch */
    for (int i = 0; i < PATCHES; i++) {
        int32_t imm = imm_for(i);
        patch((volatile uint32_t *)fn, addi_a0(imm));
        snprintf(what, sizeof(what), "%s patched to return %d", name, imm);
        check(what, fn(), (uint64_t)(int64_t)imm);
    }
    patch((volatile uint32_t *)fn, addi_a0(1));
    check(name, fn(), 1);
}

static void check_inline(void)
{
    char what[64];

    for (int i = 0; i < PATCHES; i++) {
        int32_t imm = imm_for(i + 7);
        snprintf(what, sizeof(what), "smc_inline patched to return %d", imm);
        check(what, smc_inline(addi_a0(imm)), (uint64_t)(int64_t)imm);
    }
}

/* A 32-bit instruction replaced by two 16-bit ones (c.li a0, 5; c.nop) and back. */
static void check_compressed_patch(void)
{
    volatile uint16_t *at = (volatile uint16_t *)smc_near;

    check("smc_near before", smc_near(), 1);
    at[0] = 0x4515; /* c.li a0, 5 */
    at[1] = 0x0001; /* c.nop */
    fence_i();
    check("smc_near as c.li a0, 5; c.nop", smc_near(), 5);
    at[0] = 0x557d; /* c.li a0, -1 */
    fence_i();
    check("smc_near as c.li a0, -1; c.nop", smc_near(), 0xfffffffffffffffful);
    patch((volatile uint32_t *)smc_near, addi_a0(77));
    check("smc_near as addi again", smc_near(), 77);
    patch((volatile uint32_t *)smc_near, addi_a0(1));
}

/* Code written into a data buffer and run from there: addi a0, a0, imm; ret. */
static uint32_t code_buf[64] __attribute__((aligned(64)));

static void check_generated(void)
{
    uint64_t (*fn)(uint64_t) = (uint64_t (*)(uint64_t))(uintptr_t)code_buf;
    char what[64];

    for (int i = 0; i < PATCHES; i++) {
        int32_t imm = imm_for(i + 13);
        /* the slot moves around, so old and new code overlap in different ways */
        uint32_t *at = &code_buf[(i * 2) % 62];
        at[0] = ((uint32_t)imm & 0xfff) << 20 | (10 << 15) | (10 << 7) | 0x13;
        at[1] = 0x00008067; /* ret */
        fence_i();
        fn = (uint64_t (*)(uint64_t))(uintptr_t)at;
        snprintf(what, sizeof(what), "generated addi a0, a0, %d", imm);
        check(what, fn(1000), (uint64_t)(1000 + imm));
    }
}

void guest_main(void)
{
    check_patched("smc_near", smc_near);
    group_done("smc: a function in a shared page, patched 1000 times");
    check("smc_far is page-aligned", (uint64_t)smc_far & 0xfff, 0);
    check_patched("smc_far", smc_far);
    group_done("smc: a function in its own page, patched 1000 times");
    check_inline();
    group_done("smc: the running block patches its own next instruction, 1000 times");
    check_compressed_patch();
    group_done("smc: a 32-bit instruction replaced by two compressed ones and back");
    check_generated();
    group_done("smc: code generated into a data buffer, 1000 times");
}
