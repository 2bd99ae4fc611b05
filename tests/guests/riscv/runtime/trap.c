/* The trap handler: expected exceptions are recorded and resumed, interrupts go to a hook. */
#include "guest.h"

volatile struct trap_record last_trap;
volatile uint64_t trap_site, trap_resume_pc;
volatile int trap_expected;
static irq_handler *irq_hook;
static int trap_depth;

void trap_set_irq_handler(irq_handler *h)
{
    irq_hook = h;
}

/* The length of the instruction at pc: 2 for compressed encodings, else 4. */
static uint64_t insn_length(uint64_t pc)
{
    return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

void trap_dispatch(struct trap_frame *f);

void trap_dispatch(struct trap_frame *f)
{
    /* A trap inside this handler would recurse forever: stop at once instead. */
    if (trap_depth++)
        exit_code(2);
    if (f->mepc == (uint64_t)run_lower_ecall &&
        (f->mcause == CAUSE_SUPERVISOR_ECALL || f->mcause == CAUSE_USER_ECALL)) {
        /* run_lower's function has returned: carry on after the ecall, in M-mode. */
        csr_set(mstatus, MSTATUS_MPP);
        f->mepc += 4;
    } else if (f->mcause & MCAUSE_INTERRUPT) {
        if (!irq_hook)
            fail("unexpected interrupt: mcause=0x%lx mepc=0x%lx", f->mcause, f->mepc);
        irq_hook(f);
    } else {
        if (!trap_expected)
            fail("unexpected trap: mcause=%lu mepc=0x%lx mtval=0x%lx", f->mcause, f->mepc,
                 f->mtval);
        trap_expected = 0;
        last_trap.mcause = f->mcause;
        last_trap.mepc = f->mepc;
        last_trap.mtval = f->mtval;
        last_trap.mstatus = csr_read(mstatus);
        last_trap.vector = f->vector;
        f->mepc = trap_resume_pc ? trap_resume_pc : f->mepc + insn_length(f->mepc);
        trap_resume_pc = 0;
    }
    trap_depth--;
}

void check_trap(const char *what, uint64_t cause, uint64_t mtval)
{
    trap_resume_pc = 0;
    if (trap_expected) {
        trap_expected = 0;
        check_failed("%s: no trap, want cause %lu", what, cause);
        return;
    }
    if (last_trap.mcause != cause || last_trap.mepc != trap_site || last_trap.mtval != mtval)
        check_failed("%s: trap cause %lu mepc 0x%lx mtval 0x%lx, want cause %lu mepc 0x%lx "
                     "mtval 0x%lx", what, last_trap.mcause, last_trap.mepc, last_trap.mtval,
                     cause, trap_site, mtval);
    else
        check_count++;
}

void check_no_trap(const char *what)
{
    trap_resume_pc = 0;
    if (!trap_expected) {
        check_failed("%s: trap cause %lu mepc 0x%lx mtval 0x%lx, want none", what,
                     last_trap.mcause, last_trap.mepc, last_trap.mtval);
        return;
    }
    trap_expected = 0;
    check_count++;
}
