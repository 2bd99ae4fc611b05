/*
 * tbflush: more distinct code than a 1 MiB code cache holds. The guest writes a chain of
 * blocks (addi a0, a0, k; j next), each one chained to the next by the JIT, and runs the
 * chain several times: under -accel tcg,tb-size=1 the cache fills and is emptied while
 * blocks are running from one to the next, and the sum must still come out right.
 */
#include "guest.h"

#define BLOCKS 20000
#define PASSES 3

static uint32_t chain[2 * BLOCKS + 1] __attribute__((aligned(4096)));

static int32_t step(unsigned i)
{
    return (int32_t)((i * 37u) % 2000u) - 1000;
}

static uint32_t addi_a0(int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | 10u << 15 | 10u << 7 | 0x13; /* addi a0, a0, imm */
}

#define JAL_X0_PLUS4 0x0040006fu /* j .+4 */
#define RET 0x00008067u          /* jalr x0, 0(ra) */

static void write_chain(void)
{
    for (unsigned i = 0; i < BLOCKS; i++) {
        chain[2 * i] = addi_a0(step(i));
        chain[2 * i + 1] = JAL_X0_PLUS4;
    }
    chain[2 * BLOCKS] = RET;
    __asm__ volatile("fence.i" ::: "memory");
}

void guest_main(void)
{
    int64_t want = 0, got = 0;

    write_chain();
    for (unsigned i = 0; i < BLOCKS; i++)
        want += step(i);
    int64_t (*run_chain)(int64_t) = (int64_t (*)(int64_t))(uintptr_t)chain;
    for (unsigned p = 0; p < PASSES; p++)
        got = run_chain(got);
    printf("tbflush: %u blocks, %u passes, sum %ld\n", BLOCKS, PASSES, (long)got);
    check("the chain's sum", (uint64_t)got, (uint64_t)(want * PASSES));
    group_done("tbflush");
}
