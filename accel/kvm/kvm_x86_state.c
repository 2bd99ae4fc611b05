/* Converts between KVM's x86 register structures and kestrel's x86_cpu_state. */
#include <errno.h>
#include <string.h>

#include "accel/kvm/kvm_internal.h"
#include "vcpu/vcpu.h"

static void kvm_seg_to_x86(const struct kvm_segment *k, struct x86_segment *s)
{
    *s = (struct x86_segment){
        .base = k->base, .limit = k->limit, .selector = k->selector, .type = k->type,
        .present = k->present, .dpl = k->dpl, .db = k->db, .s = k->s, .l = k->l, .g = k->g,
        .avl = k->avl, .unusable = k->unusable,
    };
}

static void x86_seg_to_kvm(const struct x86_segment *s, struct kvm_segment *k)
{
    *k = (struct kvm_segment){
        .base = s->base, .limit = s->limit, .selector = s->selector, .type = s->type,
        .present = s->present, .dpl = s->dpl, .db = s->db, .s = s->s, .l = s->l, .g = s->g,
        .avl = s->avl, .unusable = s->unusable,
    };
}

/* The kvm_sregs segment fields in x86_seg order. */
static struct kvm_segment *kvm_sregs_seg(struct kvm_sregs *sr, enum x86_seg seg)
{
    switch (seg) {
    case X86_SEG_ES: return &sr->es;
    case X86_SEG_CS: return &sr->cs;
    case X86_SEG_SS: return &sr->ss;
    case X86_SEG_DS: return &sr->ds;
    case X86_SEG_FS: return &sr->fs;
    case X86_SEG_GS: return &sr->gs;
    case X86_SEG_TR: return &sr->tr;
    default: return &sr->ldt;
    }
}

static void kvm_regs_to_x86(const struct kvm_regs *r, struct x86_cpu_state *s)
{
    const uint64_t gpr[X86_NR_GPRS] = {
        r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
        r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
    };
    memcpy(s->gpr, gpr, sizeof(gpr));
    s->rip = r->rip;
    s->rflags = r->rflags;
}

static void x86_to_kvm_regs(const struct x86_cpu_state *s, struct kvm_regs *r)
{
    const uint64_t *g = s->gpr;

    *r = (struct kvm_regs){
        .rax = g[X86_RAX], .rcx = g[X86_RCX], .rdx = g[X86_RDX], .rbx = g[X86_RBX],
        .rsp = g[X86_RSP], .rbp = g[X86_RBP], .rsi = g[X86_RSI], .rdi = g[X86_RDI],
        .r8 = g[X86_R8], .r9 = g[X86_R9], .r10 = g[X86_R10], .r11 = g[X86_R11],
        .r12 = g[X86_R12], .r13 = g[X86_R13], .r14 = g[X86_R14], .r15 = g[X86_R15],
        .rip = s->rip, .rflags = s->rflags,
    };
}

int kvm_x86_get_state(struct vcpu *vcpu, struct cpu_state *state)
{
    struct kvm_vcpu *kv = vcpu->accel_priv;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    int ret;

    if ((ret = kvm_ioctl(kv->fd, KVM_GET_REGS, &regs)) < 0 ||
        (ret = kvm_ioctl(kv->fd, KVM_GET_SREGS, &sregs)) < 0)
        return ret;
    state->arch = CPU_ARCH_X86_64;
    struct x86_cpu_state *s = &state->x86;
    kvm_regs_to_x86(&regs, s);
    for (int i = 0; i < X86_NR_SEGS; i++)
        kvm_seg_to_x86(kvm_sregs_seg(&sregs, i), &s->seg[i]);
    s->gdt = (struct x86_dtable){sregs.gdt.base, sregs.gdt.limit};
    s->idt = (struct x86_dtable){sregs.idt.base, sregs.idt.limit};
    s->cr0 = sregs.cr0;
    s->cr2 = sregs.cr2;
    s->cr3 = sregs.cr3;
    s->cr4 = sregs.cr4;
    s->cr8 = sregs.cr8;
    s->efer = sregs.efer;
    s->apic_base = sregs.apic_base;
    return 0;
}

int kvm_x86_set_state(struct vcpu *vcpu, const struct cpu_state *state)
{
    struct kvm_vcpu *kv = vcpu->accel_priv;
    const struct x86_cpu_state *s = &state->x86;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    int ret;

    if (state->arch != CPU_ARCH_X86_64)
        return -EINVAL;
    /* Start from KVM's copy so fields kestrel does not model (interrupt bitmap) survive. */
    if ((ret = kvm_ioctl(kv->fd, KVM_GET_SREGS, &sregs)) < 0)
        return ret;
    for (int i = 0; i < X86_NR_SEGS; i++)
        x86_seg_to_kvm(&s->seg[i], kvm_sregs_seg(&sregs, i));
    sregs.gdt = (struct kvm_dtable){.base = s->gdt.base, .limit = s->gdt.limit};
    sregs.idt = (struct kvm_dtable){.base = s->idt.base, .limit = s->idt.limit};
    sregs.cr0 = s->cr0;
    sregs.cr2 = s->cr2;
    sregs.cr3 = s->cr3;
    sregs.cr4 = s->cr4;
    sregs.cr8 = s->cr8;
    sregs.efer = s->efer;
    sregs.apic_base = s->apic_base;
    if ((ret = kvm_ioctl(kv->fd, KVM_SET_SREGS, &sregs)) < 0)
        return ret;
    x86_to_kvm_regs(s, &regs);
    return kvm_ioctl(kv->fd, KVM_SET_REGS, &regs);
}
