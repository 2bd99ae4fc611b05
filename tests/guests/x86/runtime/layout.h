/* Selectors, stack sizes and fixed addresses shared by the runtime's C and assembly. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define SEL_KCODE64 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x18
#define SEL_UCODE64 0x20
#define SEL_TSS 0x28
#define SEL_KCODE32 0x38

#define BOOT_STACK_SIZE 16384
#define TRAMPOLINE_ADDR 0x8000

#endif
