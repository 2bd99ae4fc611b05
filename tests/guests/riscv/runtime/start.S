/* Entry at 0x80000000 in M-mode (a0 = hartid, a1 = FDT): stack, gp, trap vector, FPU, bss. */
#include "csr.h"

    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    mv s0, a0
    mv s1, a1
    /* No interrupt may reach us before a test asks for one. */
    csrw mie, zero
    li t0, MSTATUS_MIE
    csrc mstatus, t0
    la t0, trap_entry
    csrw mtvec, t0
    /* The FPU starts Off (mstatus.FS = 0); every guest may use it, so make it Initial. */
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    fscsr zero
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la t0, boot_hartid
    sd s0, 0(t0)
    la t0, boot_fdt
    sd s1, 0(t0)
    call guest_main
    call pass
3:  j 3b
