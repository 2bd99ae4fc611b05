/* x86-64 architectural CPU state, independent of the accelerator that runs it. */
#include "vcpu/x86/cpu_state.h"

struct x86_segment x86_flat32_segment(uint16_t selector, uint8_t type)
{
    return (struct x86_segment){
        .base = 0,
        .limit = 0xffffffff,
        .selector = selector,
        .type = type,
        .present = 1,
        .dpl = 0,
        .db = 1,
        .s = 1,
        .l = 0,
        .g = 1,
    };
}

static const char *const x86_gpr_names[X86_NR_GPRS] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const x86_seg_names[X86_NR_SEGS] = {
    "es", "cs", "ss", "ds", "fs", "gs", "tr", "ldtr",
};

void x86_cpu_state_dump(const struct x86_cpu_state *s, void (*print)(const char *fmt, ...))
{
    for (int i = 0; i < X86_NR_GPRS; i += 4)
        print("  %-3s=%016llx %-3s=%016llx %-3s=%016llx %-3s=%016llx\n",
              x86_gpr_names[i], (unsigned long long)s->gpr[i],
              x86_gpr_names[i + 1], (unsigned long long)s->gpr[i + 1],
              x86_gpr_names[i + 2], (unsigned long long)s->gpr[i + 2],
              x86_gpr_names[i + 3], (unsigned long long)s->gpr[i + 3]);
    print("  rip=%016llx rflags=%08llx\n", (unsigned long long)s->rip,
          (unsigned long long)s->rflags);
    for (int i = 0; i < X86_NR_SEGS; i++) {
        const struct x86_segment *g = &s->seg[i];
        print("  %-4s sel=%04x base=%016llx limit=%08x type=%x dpl=%u p=%u db=%u l=%u\n",
              x86_seg_names[i], g->selector, (unsigned long long)g->base, g->limit, g->type,
              g->dpl, g->present, g->db, g->l);
    }
    print("  gdt=%016llx/%04x idt=%016llx/%04x\n", (unsigned long long)s->gdt.base,
          s->gdt.limit, (unsigned long long)s->idt.base, s->idt.limit);
    print("  cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx efer=%016llx\n",
          (unsigned long long)s->cr0, (unsigned long long)s->cr2, (unsigned long long)s->cr3,
          (unsigned long long)s->cr4, (unsigned long long)s->efer);
}
