/* The console: polled writes to the virt board's NS16550A at 0x10000000 (reg-shift 0). */
#include "guest.h"

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void console_putc(char c)
{
    while (!(mmio_read8(VIRT_UART0_BASE + UART_LSR) & UART_LSR_THRE))
        ;
    mmio_write8(VIRT_UART0_BASE + UART_THR, (uint8_t)c);
}
