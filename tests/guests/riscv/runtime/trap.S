/* Trap entry (direct mode and a vectored table, both saving a full frame), and run_lower. */
#include "csr.h"

    .text
    .balign 4
    .globl trap_entry
trap_entry:
    addi sp, sp, -TF_SIZE
    sd t0, TF_X(5)(sp)
    li t0, -1                   /* vector index: -1 means the direct-mode entry */
    j trap_save

/*
 * Vectored mode: exceptions enter at the base, interrupt n at base + 4 * n. Each slot
 * records its own index, so a test can check which slot the hart chose.
 */
    .balign 256
    .globl trap_vector_table
trap_vector_table:
    .option push
    .option norvc
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j trap_vector_\n
    .endr
    .option pop

    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
trap_vector_\n:
    addi sp, sp, -TF_SIZE
    sd t0, TF_X(5)(sp)
    li t0, \n
    j trap_save
    .endr

trap_save:
    sd t0, TF_VECTOR(sp)
    sd x1, TF_X(1)(sp)
    addi t0, sp, TF_SIZE
    sd t0, TF_X(2)(sp)
    sd x3, TF_X(3)(sp)
    sd x4, TF_X(4)(sp)
    .irp n, 6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\n, TF_X(\n)(sp)
    .endr
    csrr t0, mcause
    sd t0, TF_MCAUSE(sp)
    csrr t0, mepc
    sd t0, TF_MEPC(sp)
    csrr t0, mtval
    sd t0, TF_MTVAL(sp)
    mv a0, sp
    call trap_dispatch
    ld t0, TF_MEPC(sp)
    csrw mepc, t0
    ld x1, TF_X(1)(sp)
    ld x3, TF_X(3)(sp)
    ld x4, TF_X(4)(sp)
    .irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\n, TF_X(\n)(sp)
    .endr
    addi sp, sp, TF_SIZE
    mret

/*
 * run_lower(fn, mpp): calls fn in the mode MPP names (MSTATUS_MPP_S or MSTATUS_MPP_U) and
 * returns in M-mode once fn has returned. fn's traps still reach trap_entry in M-mode (with
 * medeleg 0), so EXPECT_TRAP works inside it; the ecall at run_lower_ecall is how fn's
 * return comes back, and trap_dispatch resumes it in M-mode at the next instruction. All
 * registers survive the ecall, so sp and ra are those run_lower saved.
 */
    .text
    .globl run_lower, run_lower_ecall
run_lower:
    addi sp, sp, -16
    sd ra, 0(sp)
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    csrs mstatus, a1
    la t0, 1f
    csrw mepc, t0
    mret
1:  jalr a0
run_lower_ecall:
    ecall
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
