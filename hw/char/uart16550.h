/* The 16550A UART: registers, 16-byte FIFOs, interrupt identification, loopback. */
#ifndef KESTREL_HW_CHAR_UART16550_H
#define KESTREL_HW_CHAR_UART16550_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/io.h"
#include "core/irq.h"

struct chardev;

#define UART_FIFO_SIZE 16

struct uart16550 {
    pthread_mutex_t lock;
    struct chardev *chr;
    struct irq_line irq;
    unsigned reg_shift; /* register stride is 1 << reg_shift bytes */
    uint16_t divisor;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint8_t rx_fifo[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    bool thre_pending;    /* transmitter-empty interrupt armed */
    bool timeout_pending; /* character timeout: input went idle below the trigger level */
    int irq_level;
};

/* Connects the UART to its backend and interrupt line and resets it. */
void uart16550_init(struct uart16550 *u, struct chardev *chr, struct irq_line irq,
                    unsigned reg_shift);
/* Power-on state; the backend and line stay. */
void uart16550_reset(struct uart16550 *u);
/* The register window: 8 registers, for io_bus_register. */
io_handler_fn uart16550_io;

/* Register offsets and bits, from the 16550A data sheet. */
enum uart_reg {
    UART_RBR_THR_DLL = 0, UART_IER_DLM = 1, UART_IIR_FCR = 2, UART_LCR = 3,
    UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_CTI 0x0c
#define UART_IIR_FIFO_ENABLED 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_FIFO_ERR 0x80

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

#endif
