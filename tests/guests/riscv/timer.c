/* timer: CLINT timer and software interrupts, wfi, mtvec modes, and a PLIC interrupt. */
#include "guest.h"

#define TICKS_PER_MS (TIMEBASE_HZ / 1000)
#define RUNS 5
#define PLIC_PRIORITY(src) (VIRT_PLIC_BASE + 4 * (src))
#define PLIC_ENABLE_CTX0 (VIRT_PLIC_BASE + 0x2000)     /* context 0: hart 0, M-mode */
#define PLIC_THRESHOLD_CTX0 (VIRT_PLIC_BASE + 0x200000)
#define PLIC_CLAIM_CTX0 (VIRT_PLIC_BASE + 0x200004)
#define UART_IER (VIRT_UART0_BASE + 1)
#define UART_IIR (VIRT_UART0_BASE + 2)
#define UART_IER_THRI 0x02

static uint64_t mtime(void)
{
    return mmio_read64(CLINT_MTIME);
}

static void set_mtimecmp(uint64_t v)
{
    mmio_write64(CLINT_MTIMECMP0, v);
}

/* What the interrupt handler saw, in order. */
static volatile unsigned irq_count;
static volatile uint64_t irq_causes[8];
static volatile int64_t irq_slots[8];
static volatile uint32_t plic_claimed;
static volatile uint8_t uart_iir;

static void on_irq(struct trap_frame *f)
{
    unsigned n = irq_count;

    if (n < 8) {
        irq_causes[n] = f->mcause;
        irq_slots[n] = f->vector;
    }
    irq_count = n + 1;
    switch (f->mcause & ~MCAUSE_INTERRUPT) {
    case IRQ_M_TIMER:
        /* Re-arm 1 ms ahead; the test disarms when it has counted enough. */
        set_mtimecmp(mtime() + TICKS_PER_MS);
        break;
    case IRQ_M_SOFT:
        mmio_write32(CLINT_MSIP0, 0);
        break;
    case IRQ_M_EXT:
        plic_claimed = mmio_read32(PLIC_CLAIM_CTX0);
        uart_iir = mmio_read8(UART_IIR);
        mmio_write8(UART_IER, 0);
        mmio_write32(PLIC_CLAIM_CTX0, plic_claimed);
        break;
    default:
        fail("unexpected interrupt: mcause=0x%lx", f->mcause);
    }
}

static void reset_irqs(void)
{
    irq_count = 0;
    for (int i = 0; i < 8; i++) {
        irq_causes[i] = 0;
        irq_slots[i] = -2;
    }
}

/* The CLINT's mtime and the time CSR are the same 10 MHz clock. */
static void check_clock(void)
{
    uint64_t t1 = mtime(), t2 = rdtime(), t3 = mtime();

    check("mtime <= time <= mtime", t1 <= t2 && t2 <= t3, true);
    uint64_t start = rdtime();
    while (rdtime() - start < TICKS_PER_MS)
        ;
    check("time advances by a millisecond", rdtime() - start >= TICKS_PER_MS, true);
}

/*
 * A pending bit may follow its source "within a bounded amount of time" (not instantly), so
 * these wait up to 100 ms for mip to show the expected bits.
 */
static bool mip_becomes(uint64_t mask, uint64_t want)
{
    uint64_t start = rdtime();

    while ((csr_read(mip) & mask) != want)
        if (rdtime() - start > 100 * TICKS_PER_MS)
            return false;
    return true;
}

/* With interrupts off, mip.MTIP follows mtime >= mtimecmp; wfi wakes on a pending MTIP. */
static void check_pending_bits(void)
{
    csr_write(mie, 0);
    set_mtimecmp(UINT64_MAX);
    check("MTIP clear with mtimecmp at max", mip_becomes(MIP_MTIP, 0), true);
    set_mtimecmp(0);
    check("MTIP set with mtimecmp at 0", mip_becomes(MIP_MTIP, MIP_MTIP), true);
    set_mtimecmp(UINT64_MAX);
    check("MTIP clear again", mip_becomes(MIP_MTIP, 0), true);
    mmio_write32(CLINT_MSIP0, 1);
    check("msip sets MSIP", mip_becomes(MIP_MSIP, MIP_MSIP), true);
    check("msip reads back", mmio_read32(CLINT_MSIP0), 1);
    mmio_write32(CLINT_MSIP0, 0);
    check("msip clears MSIP", mip_becomes(MIP_MSIP, 0), true);

    /*
     * wfi resumes when an interrupt is pending and enabled in mie, even with mstatus.MIE
     * clear; no trap is taken then.
     */
    reset_irqs();
    trap_set_irq_handler(on_irq);
    irq_disable();
    csr_write(mie, MIP_MTIP);
    set_mtimecmp(mtime() + TICKS_PER_MS);
    while (!(csr_read(mip) & MIP_MTIP))
        wfi();
    check("wfi with MIE clear: no trap", irq_count, 0);
    set_mtimecmp(UINT64_MAX);
    csr_write(mie, 0);
}

/* RUNS timer interrupts, each re-arming mtimecmp, waiting in wfi with interrupts on. */
static void run_timer(const char *mode, uint64_t mtvec, int64_t slot)
{
    char what[64];

    reset_irqs();
    csr_write(mtvec, mtvec);
    csr_write(mie, MIP_MTIP);
    set_mtimecmp(mtime() + TICKS_PER_MS);
    irq_enable();
    while (irq_count < RUNS)
        wfi();
    irq_disable();
    set_mtimecmp(UINT64_MAX);
    csr_write(mie, 0);
    csr_write(mtvec, (uint64_t)trap_entry);
    for (unsigned i = 0; i < RUNS; i++) {
        snprintf(what, sizeof(what), "%s timer interrupt %u: mcause", mode, i);
        check(what, irq_causes[i], MCAUSE_INTERRUPT | IRQ_M_TIMER);
        snprintf(what, sizeof(what), "%s timer interrupt %u: slot", mode, i);
        check(what, irq_slots[i], slot);
    }
    check("MIE clear after the run", csr_read(mstatus) & MSTATUS_MIE, 0);
}

/* Enables interrupts until n have been taken or 100 ms have passed. */
static void take_interrupts(unsigned n)
{
    uint64_t start = rdtime();

    irq_enable();
    while (irq_count < n && rdtime() - start < 100 * TICKS_PER_MS)
        ;
    irq_disable();
}

/*
 * A software interrupt through msip; then a software and a timer interrupt pending at once,
 * before interrupts are enabled: the write to mstatus.MIE must make the hart take them at
 * once, in M-mode priority order (external > software > timer), so software first.
 */
static void check_software(void)
{
    reset_irqs();
    csr_write(mtvec, (uint64_t)trap_vector_table | 1);
    csr_write(mie, MIP_MSIP);
    mmio_write32(CLINT_MSIP0, 1);
    take_interrupts(1);
    check("software interrupt taken", irq_count, 1);
    check("software interrupt mcause", irq_causes[0], MCAUSE_INTERRUPT | IRQ_M_SOFT);
    check("software interrupt slot", irq_slots[0], IRQ_M_SOFT);
    check("msip cleared by the handler", csr_read(mip) & MIP_MSIP, 0);

    reset_irqs();
    csr_write(mtvec, (uint64_t)trap_entry);
    csr_write(mie, MIP_MSIP | MIP_MTIP);
    mmio_write32(CLINT_MSIP0, 1);
    set_mtimecmp(0);
    check("both pending", mip_becomes(MIP_MSIP | MIP_MTIP, MIP_MSIP | MIP_MTIP), true);
    irq_enable();
    irq_disable();
    set_mtimecmp(UINT64_MAX);
    csr_write(mie, 0);
    check("two pending: both taken", irq_count >= 2, true);
    check("two pending: software first", irq_causes[0], MCAUSE_INTERRUPT | IRQ_M_SOFT);
    check("two pending: then the timer", irq_causes[1], MCAUSE_INTERRUPT | IRQ_M_TIMER);
}

/*
 * An external interrupt: the UART raises its THR-empty interrupt as soon as it is enabled;
 * the PLIC routes source 10 to context 0 (hart 0, M-mode); the handler claims, disables the
 * UART interrupt and completes. Nothing may be printed while the UART interrupt is on.
 */
static void check_plic(void)
{
    reset_irqs();
    plic_claimed = 0;
    mmio_write32(PLIC_PRIORITY(VIRT_UART0_IRQ), 1);
    mmio_write32(PLIC_ENABLE_CTX0, 1u << VIRT_UART0_IRQ);
    mmio_write32(PLIC_THRESHOLD_CTX0, 0);
    csr_write(mie, MIP_MEIP);
    mmio_write8(UART_IER, UART_IER_THRI);
    take_interrupts(1);
    csr_write(mie, 0);
    mmio_write8(UART_IER, 0);
    mmio_write32(PLIC_ENABLE_CTX0, 0);
    check("UART interrupt taken once", irq_count, 1);
    check("external interrupt mcause", irq_causes[0], MCAUSE_INTERRUPT | IRQ_M_EXT);
    check("PLIC claim is the UART's source", plic_claimed, VIRT_UART0_IRQ);
    check("UART IIR: THR empty", uart_iir & 0x0f, 0x02);
    check("nothing left to claim", mmio_read32(PLIC_CLAIM_CTX0), 0);
    check("MEIP clear", csr_read(mip) & MIP_MEIP, 0);
}

void guest_main(void)
{
    check_clock();
    group_done("timer: mtime and the time CSR");
    check_pending_bits();
    group_done("timer: MTIP and MSIP pending bits, wfi with MIE clear");
    run_timer("direct", (uint64_t)trap_entry, -1);
    group_done("timer: 5 timer interrupts, mtvec direct");
    run_timer("vectored", (uint64_t)trap_vector_table | 1, IRQ_M_TIMER);
    group_done("timer: 5 timer interrupts, mtvec vectored (slot 7)");
    check_software();
    group_done("timer: software interrupt through msip, priority over the timer");
    check_plic();
    group_done("timer: UART interrupt through the PLIC (source 10)");
}
