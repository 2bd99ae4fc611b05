/*
 * echo: interrupt-driven serial input. Each line typed on the host comes back as
 * "echo: LINE"; the line "quit" ends the test. Exercises host stdin -> 16550 RX FIFO ->
 * IRQ 4 -> guest, including flow control when the host sends faster than the guest reads.
 */
#include "runtime/guest.h"

#define COM1 0x3f8
#define RING 4096

static volatile char ring[RING];
static volatile unsigned ring_head, ring_tail;

static void on_uart(struct trap_frame *f)
{
    (void)f;
    while (inb(COM1 + 5) & 0x01) { /* data ready */
        char c = (char)inb(COM1);
        if (ring_head - ring_tail < RING)
            ring[ring_head++ % RING] = c;
    }
    pic_eoi(4);
}

static int read_char(void)
{
    while (ring_head == ring_tail)
        wait_for_interrupt();
    return ring[ring_tail++ % RING];
}

static void read_line(char *line, size_t max)
{
    size_t n = 0;

    for (;;) {
        int c = read_char();
        if (c == '\r' || c == '\n') {
            if (n == 0)
                continue; /* CRLF, or an empty line */
            break;
        }
        if (n + 1 < max)
            line[n++] = (char)c;
    }
    line[n] = '\0';
}

void guest_main(void)
{
    char line[512];

    pic_init();
    idt_set_handler(PIC_VECTOR_BASE + 4, on_uart, 0);
    pic_unmask(4);
    outb(COM1 + 2, 0xc7); /* FIFOs on, trigger level 14 */
    outb(COM1 + 1, 0x01); /* receive interrupts */
    printf("echo: ready\n");
    for (;;) {
        read_line(line, sizeof(line));
        if (strncmp(line, "quit", 5) == 0)
            break;
        printf("echo: %s (%u bytes)\n", line, (unsigned)strlen(line));
    }
    outb(COM1 + 1, 0x00);
}
