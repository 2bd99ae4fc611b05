/* The IDT: every vector goes to isr_dispatch, which runs a registered handler or fails. */
#include "guest.h"
#include "layout.h"

struct idt_gate {
    uint16_t offset0, selector;
    uint8_t ist, type_attr;
    uint16_t offset1;
    uint32_t offset2, reserved;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static trap_handler *handlers[256];
uint64_t trap_resume_rip; /* set by trap_expect or by inline asm before a faulting instruction */
volatile struct trap_record last_trap;
extern char isr_stubs[];

static void idt_set_gate(unsigned vector, int dpl)
{
    uint64_t addr = (uint64_t)(uintptr_t)(isr_stubs + 16 * vector);

    idt[vector] = (struct idt_gate){
        .offset0 = (uint16_t)addr,
        .selector = SEL_KCODE64,
        .type_attr = (uint8_t)(0x8e | (dpl << 5)), /* present, 64-bit interrupt gate */
        .offset1 = (uint16_t)(addr >> 16),
        .offset2 = (uint32_t)(addr >> 32),
    };
}

void idt_load(void);
void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(ptr));
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set_gate(v, 0);
    idt_load();
}

void idt_set_handler(uint8_t vector, trap_handler *h, int dpl)
{
    handlers[vector] = h;
    idt_set_gate(vector, dpl);
}

void trap_expect(uint64_t resume_rip)
{
    last_trap.taken = false;
    trap_resume_rip = resume_rip;
}

void isr_dispatch(struct trap_frame *f);
bool (*trap_syscall_hook)(struct trap_frame *f);

void isr_dispatch(struct trap_frame *f)
{
    if (trap_syscall_hook && trap_syscall_hook(f))
        return;
    if (handlers[f->vector]) {
        handlers[f->vector](f);
        return;
    }
    if (f->vector < 32 && trap_resume_rip) {
        last_trap.vector = f->vector;
        last_trap.error_code = f->error_code;
        last_trap.cr2 = read_cr2();
        last_trap.rip = f->rip;
        last_trap.taken = true;
        f->rip = trap_resume_rip;
        trap_resume_rip = 0;
        return;
    }
    fail("unexpected %s: vector=%lu error=0x%lx rip=0x%lx cr2=0x%lx",
         f->vector < 32 ? "exception" : "interrupt", f->vector, f->error_code, f->rip,
         read_cr2());
}
