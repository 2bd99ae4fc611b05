/* The 8259 PICs, the 8254 PIT and the local APIC (timer, EOI, IPIs). */
#include "guest.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_GATE_PORT 0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */
#define PIT_CMD 0x43
#define PIT_HZ 1193182

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_DIV 0x3e0

void pic_init(void)
{
    outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, PIC_VECTOR_BASE);
    outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    outb(PIC1_DATA, 0x04); /* slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01); /* 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xfb); /* everything masked but the cascade */
    outb(PIC2_DATA, 0xff);
}

void pic_unmask(unsigned irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) & (uint8_t)~(1u << (irq & 7)));
}

void pic_mask(unsigned irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) | (uint8_t)(1u << (irq & 7)));
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}

void pit_start_periodic(unsigned hz)
{
    uint32_t div = PIT_HZ / hz;
    outb(PIT_CMD, 0x34); /* channel 0, lo/hi byte, mode 2 (rate generator) */
    outb(PIT_CH0, (uint8_t)div);
    outb(PIT_CH0, (uint8_t)(div >> 8));
}

void pit_stop(void)
{
    outb(PIT_CMD, 0x30); /* mode 0 with no count loaded: no further edges */
}

static uint32_t lapic_read(uint32_t reg) { return mmio_read32(LAPIC_BASE + reg); }
static void lapic_write(uint32_t reg, uint32_t v) { mmio_write32(LAPIC_BASE + reg, v); }

void lapic_enable(void)
{
    lapic_write(LAPIC_SVR, 0x100 | 0xff); /* software enable, spurious vector 0xff */
}

uint32_t lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

void lapic_timer_periodic(uint8_t vector, uint32_t initial_count)
{
    lapic_write(LAPIC_TIMER_DIV, 0xb); /* divide by 1 */
    lapic_write(LAPIC_LVT_TIMER, vector | (1u << 17));
    lapic_write(LAPIC_TIMER_INIT, initial_count);
}

void lapic_timer_stop(void)
{
    lapic_write(LAPIC_LVT_TIMER, 1u << 16); /* masked */
    lapic_write(LAPIC_TIMER_INIT, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, icr_low);
    while (lapic_read(LAPIC_ICR_LO) & (1u << 12)) /* delivery pending */
        cpu_relax();
}

uint64_t tsc_per_ms(void)
{
    const unsigned ms = 10, count = PIT_HZ / 1000 * ms;
    uint8_t gate = inb(PIT_GATE_PORT);

    outb(PIT_GATE_PORT, (uint8_t)((gate & ~0x02) | 0x01)); /* counting, speaker off */
    outb(PIT_CMD, 0xb0); /* channel 2, lo/hi byte, mode 0: output rises at zero */
    outb(PIT_CH2, (uint8_t)count);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    uint64_t start = rdtsc();
    /* Bounded in case the PIT never counts: 10^10 ticks is seconds at any TSC rate. */
    while (!(inb(PIT_GATE_PORT) & 0x20))
        if (rdtsc() - start > 10000000000ull)
            return 0;
    uint64_t ticks = rdtsc() - start;
    outb(PIT_GATE_PORT, gate);
    return ticks / ms;
}
