/* Functions the smc guest rewrites while it runs. All 32-bit code unless a test patches in
   compressed instructions. */
    .option norvc

/* smc_near(): returns 1 until patched; shares its page with other code. */
    .text
    .balign 4
    .globl smc_near
smc_near:
    addi a0, zero, 1
    ret

/*
 * smc_inline(insn): stores insn over the addi that follows the fence.i, in the very block
 * that is running, and returns what the new instruction puts in a0.
 */
    .balign 4
    .globl smc_inline
smc_inline:
    la t0, 1f
    sw a0, 0(t0)
    fence.i
1:  addi a0, zero, 1
    ret

/* smc_far(): the same as smc_near, alone in a page of its own. */
    .section .text.smc_far, "ax"
    .balign 4096
    .globl smc_far
smc_far:
    addi a0, zero, 1
    ret
    .balign 4096
