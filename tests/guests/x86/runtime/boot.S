/* Multiboot entry: 32-bit protected mode -> long mode with 4 GiB identity-mapped. */
#include "layout.h"

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003 /* page-align modules, memory information */

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .section .text.boot, "ax"
    .code32
    .global _start
_start:
    cli
    mov %eax, mb_magic
    mov %ebx, mb_info
    mov $boot_stack_top, %esp /* the loader leaves no stack */
    call enter_long_mode32
    ljmp $SEL_KCODE64, $bsp_long_entry

/* Shared by the BSP and APs (from the trampoline): paging, PAE, LME, SSE. */
    .global enter_long_mode32
enter_long_mode32:
    lgdt gdt_ptr
    mov %cr4, %eax
    or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    and $~CR0_EM, %eax
    or $(CR0_PE | CR0_MP | CR0_PG), %eax
    mov %eax, %cr0
    ret

    .code64
bsp_long_entry:
    mov $SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call runtime_start
1:  cli
    hlt
    jmp 1b

    .global ap_long_entry
ap_long_entry:
    mov $SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov ap_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call ap_runtime_start
1:  cli
    hlt
    jmp 1b

/* The GDT: ring 0 and ring 3 flat segments, the TSS (filled at run time), 32-bit code. */
    .section .data
    .align 16
    .global gdt
gdt:
    .quad 0                     /* null */
    .quad 0x00af9a000000ffff    /* SEL_KCODE64 0x08 */
    .quad 0x00cf92000000ffff    /* SEL_KDATA   0x10 */
    .quad 0x00cff2000000ffff    /* SEL_UDATA   0x18 */
    .quad 0x00affa000000ffff    /* SEL_UCODE64 0x20 */
    .global gdt_tss
gdt_tss:
    .quad 0, 0                  /* SEL_TSS     0x28 */
    .quad 0x00cf9a000000ffff    /* SEL_KCODE32 0x38 */
gdt_end:
    .global gdt_ptr
gdt_ptr:
    .word gdt_end - gdt - 1
    .quad gdt

    .global mb_magic, mb_info
mb_magic: .long 0
mb_info: .long 0

/* Identity map of the first 4 GiB with 2 MiB pages, user-accessible, built at assembly time. */
    .align 4096
    .global pml4
pml4:
    .quad pdpt + 0x7
    .fill 511, 8, 0
pdpt:
    .quad pd + 0x0007
    .quad pd + 0x1007
    .quad pd + 0x2007
    .quad pd + 0x3007
    .fill 508, 8, 0
pd:
    .set addr, 0
    .rept 2048
    .quad addr + 0x87           /* present, writable, user, 2 MiB */
    .set addr, addr + 0x200000
    .endr

    .section .bss
    .align 16
    .global boot_stack_top
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:
