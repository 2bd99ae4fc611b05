/* interrupts: PIT ticks through the 8259 PIC, LAPIC timer ticks, a UART interrupt on IRQ 4. */
#include "runtime/guest.h"

#define TICKS 10
#define LAPIC_TIMER_VECTOR 0x40
#define COM1 0x3f8

static volatile unsigned pit_ticks, lapic_ticks, uart_interrupts;
static volatile uint8_t uart_iir;

static void on_pit(struct trap_frame *f)
{
    (void)f;
    pit_ticks++;
    pic_eoi(0);
}

static void on_lapic_timer(struct trap_frame *f)
{
    (void)f;
    lapic_ticks++;
    lapic_eoi();
}

static void on_uart(struct trap_frame *f)
{
    (void)f;
    uart_iir = inb(COM1 + 2);
    outb(COM1 + 1, 0); /* THRE would fire again on every byte: turn it off */
    uart_interrupts++;
    pic_eoi(4);
}

static void test_pit(void)
{
    idt_set_handler(PIC_VECTOR_BASE + 0, on_pit, 0);
    pit_start_periodic(100);
    pic_unmask(0);
    while (pit_ticks < TICKS)
        wait_for_interrupt();
    pic_mask(0);
    pit_stop();
    printf("pit: %u ticks through the PIC on IRQ 0\n", TICKS);
}

static void test_lapic_timer(void)
{
    idt_set_handler(LAPIC_TIMER_VECTOR, on_lapic_timer, 0);
    lapic_enable();
    lapic_timer_periodic(LAPIC_TIMER_VECTOR, 1000000);
    while (lapic_ticks < TICKS)
        wait_for_interrupt();
    lapic_timer_stop();
    printf("lapic timer: %u periodic ticks on vector 0x%x\n", TICKS, LAPIC_TIMER_VECTOR);
}

static void test_uart_interrupt(void)
{
    idt_set_handler(PIC_VECTOR_BASE + 4, on_uart, 0);
    pic_unmask(4);
    outb(COM1 + 1, 0x02); /* THRI: the empty transmitter interrupts at once */
    while (!uart_interrupts)
        wait_for_interrupt();
    pic_mask(4);
    CHECK((uart_iir & 0x0f) == 0x02, "IIR was 0x%x, expected a THRE interrupt", uart_iir);
    printf("serial: THRE interrupt on IRQ 4 (IIR=0x%x)\n", uart_iir);
}

void guest_main(void)
{
    pic_init();
    test_pit();
    test_lapic_timer();
    test_uart_interrupt();
}
