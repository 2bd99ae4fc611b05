/* COM1 output, polled, with LF -> CRLF. */
#include "guest.h"

#define COM1 0x3f8

void console_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0x07); /* FIFOs on and cleared */
    outb(COM1 + 4, 0x0b); /* DTR, RTS, OUT2 */
}

static void console_raw_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        cpu_relax();
    outb(COM1, (uint8_t)c);
}

void console_putc(char c)
{
    if (c == '\n')
        console_raw_putc('\r');
    console_raw_putc(c);
}
