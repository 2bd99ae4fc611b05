/* x86-64 architectural CPU state, independent of the accelerator that runs it. */
#ifndef KESTREL_VCPU_X86_CPU_STATE_H
#define KESTREL_VCPU_X86_CPU_STATE_H

#include <stdbool.h>
#include <stdint.h>

enum x86_gpr {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NR_GPRS,
};

/* A segment register with its hidden descriptor cache. */
struct x86_segment {
    uint64_t base;
    uint32_t limit;
    uint16_t selector;
    uint8_t type;
    uint8_t present, dpl, db, s, l, g, avl;
    uint8_t unusable;
};

struct x86_dtable {
    uint64_t base;
    uint16_t limit;
};

enum x86_seg {
    X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
    X86_SEG_TR, X86_SEG_LDTR, X86_NR_SEGS,
};

struct x86_cpu_state {
    uint64_t gpr[X86_NR_GPRS];
    uint64_t rip;
    uint64_t rflags;
    struct x86_segment seg[X86_NR_SEGS];
    struct x86_dtable gdt, idt;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer;
    uint64_t apic_base;
};

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_NE (1ull << 5)
#define X86_CR0_PG (1ull << 31)
#define X86_RFLAGS_RESERVED1 (1ull << 1)
#define X86_APIC_BASE_DEFAULT 0xfee00000ull
#define X86_APIC_BASE_ENABLE (1ull << 11)
#define X86_APIC_BASE_BSP (1ull << 8)

/* A flat 4 GiB segment for 32-bit protected mode: code (type 0xb) or data (type 0x3). */
struct x86_segment x86_flat32_segment(uint16_t selector, uint8_t type);

/* Writes a one-line-per-group dump of the state, for fatal-error reports. */
void x86_cpu_state_dump(const struct x86_cpu_state *s, void (*print)(const char *fmt, ...));

#endif
