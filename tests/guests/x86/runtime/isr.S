/* Interrupt entry stubs for all 256 vectors, the common save/restore path, ring-3 entry. */
#include "layout.h"

    .text
    .code64

/*
 * 256 stubs of 16 bytes each, so the stub for vector v is at isr_stubs + 16 * v.
 * Vectors 8, 10-14, 17, 21, 29 and 30 push an error code themselves; the rest push 0.
 */
    .align 16
    .global isr_stubs
isr_stubs:
    .set vec, 0
    .rept 256
    .align 16
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq $0
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

isr_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    cld
    call isr_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    iretq

/*
 * uint64_t user_enter(rip, rsp, rflags): runs ring-3 code until it calls the exit
 * system call, whose handler calls user_return(value); that value is returned here.
 */
    .global user_enter
user_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, user_saved_rsp(%rip)
    pushq $(SEL_UDATA | 3)
    pushq %rsi
    pushq %rdx
    pushq $(SEL_UCODE64 | 3)
    pushq %rdi
    iretq

/* Abandons the interrupt frame we are in and resumes after user_enter's call. */
    .global user_return
user_return:
    mov %rdi, %rax
    mov user_saved_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .section .bss
    .align 8
user_saved_rsp:
    .skip 8
