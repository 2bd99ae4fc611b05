/* AP start-up: copied to TRAMPOLINE_ADDR; real mode -> protected mode -> long mode. */
#include "layout.h"

#define REL(sym) ((sym) - trampoline_start + TRAMPOLINE_ADDR)

    .section .rodata
    .code16
    .global trampoline_start, trampoline_end
trampoline_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    lgdtl REL(tramp_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $SEL_KCODE32, $REL(tramp32)

    .code32
tramp32:
    mov $SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $REL(tramp_stack_top), %esp
    /* Absolute: this code runs from its copy, so a relative call would miss. */
    mov $enter_long_mode32, %eax
    call *%eax
    ljmp $SEL_KCODE64, $ap_long_entry

    .align 8
tramp_gdt_ptr:
    .word 0x47
    .long gdt
    .align 16
    .skip 64
tramp_stack_top:
trampoline_end:
