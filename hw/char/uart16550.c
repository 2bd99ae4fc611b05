/* The 16550A UART: registers, 16-byte FIFOs, interrupt identification, loopback. */
#include "hw/char/uart16550.h"

#include <string.h>

#include "core/chardev.h"

static const unsigned uart_trigger_levels[4] = {1, 4, 8, 14};

static bool uart_fifo_enabled(const struct uart16550 *u)
{
    return u->fcr & UART_FCR_ENABLE;
}

static unsigned uart_rx_capacity(const struct uart16550 *u)
{
    return uart_fifo_enabled(u) ? UART_FIFO_SIZE : 1;
}

static unsigned uart_rx_trigger(const struct uart16550 *u)
{
    return uart_fifo_enabled(u) ? uart_trigger_levels[u->fcr >> 6] : 1;
}

/* The highest-priority pending interrupt, as IIR reports it. */
static uint8_t uart_pending_iir(const struct uart16550 *u)
{
    if ((u->ier & UART_IER_RLSI) && (u->lsr & (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE |
                                                UART_LSR_BI)))
        return UART_IIR_RLSI;
    if ((u->ier & UART_IER_RDI) && u->rx_count >= uart_rx_trigger(u))
        return UART_IIR_RDI;
    if ((u->ier & UART_IER_RDI) && u->rx_count && u->timeout_pending)
        return UART_IIR_CTI;
    if ((u->ier & UART_IER_THRI) && u->thre_pending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_MSI) && (u->msr & 0x0f))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

static void uart_update_irq(struct uart16550 *u)
{
    int level = uart_pending_iir(u) != UART_IIR_NO_INT;

    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

static void uart_update_lsr_dr(struct uart16550 *u)
{
    if (u->rx_count)
        u->lsr |= UART_LSR_DR;
    else
        u->lsr &= ~UART_LSR_DR;
}

static void uart_rx_clear(struct uart16550 *u)
{
    u->rx_head = u->rx_count = 0;
    u->timeout_pending = false;
    uart_update_lsr_dr(u);
}

static void uart_rx_push(struct uart16550 *u, uint8_t byte)
{
    if (u->rx_count >= uart_rx_capacity(u)) {
        u->lsr |= UART_LSR_OE; /* the new byte is lost, as on the chip */
        return;
    }
    u->rx_fifo[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
    uart_update_lsr_dr(u);
}

static uint8_t uart_rx_pop(struct uart16550 *u)
{
    if (!u->rx_count)
        return 0;
    uint8_t byte = u->rx_fifo[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    uart_update_lsr_dr(u);
    return byte;
}

/* In loopback the modem outputs feed the modem inputs; otherwise the host line is "up". */
static uint8_t uart_modem_inputs(const struct uart16550 *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    uint8_t in = 0;
    if (u->mcr & UART_MCR_RTS)
        in |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)
        in |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1)
        in |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2)
        in |= UART_MSR_DCD;
    return in;
}

static void uart_update_msr(struct uart16550 *u)
{
    uint8_t old = u->msr & 0xf0, now = uart_modem_inputs(u);
    uint8_t changed = old ^ now;

    if (changed & UART_MSR_CTS)
        u->msr |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        u->msr |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD)
        u->msr |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
        u->msr |= UART_MSR_TERI; /* trailing edge of ring indicator */
    u->msr = (u->msr & 0x0f) | now;
}

void uart16550_reset(struct uart16550 *u)
{
    u->divisor = 12; /* 9600 baud from the 1.8432 MHz clock */
    u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
    u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    u->msr = uart_modem_inputs(u);
    u->thre_pending = false;
    uart_rx_clear(u);
    u->irq_level = 0;
    irq_set(&u->irq, 0);
}


static void uart_transmit(struct uart16550 *u, uint8_t byte)
{
    if (u->mcr & UART_MCR_LOOP) {
        uart_rx_push(u, byte);
        u->timeout_pending = true;
    } else if (u->chr) {
        chardev_write(u->chr, &byte, 1);
    }
    /* Transmission is instant: the holding register is empty again. */
    u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    u->thre_pending = true;
}

static void uart_write_fcr(struct uart16550 *u, uint8_t val)
{
    /* Toggling the enable bit resets both FIFOs. */
    if ((val ^ u->fcr) & UART_FCR_ENABLE)
        val |= UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX;
    u->fcr = val & (UART_FCR_ENABLE | 0xc0);
    if (val & UART_FCR_CLEAR_RX) {
        uart_rx_clear(u);
        if (u->chr)
            chardev_accept_input(u->chr); /* room again for input held back */
    }
}

static void uart_write_reg(struct uart16550 *u, unsigned reg, uint8_t val)
{
    bool dlab = u->lcr & UART_LCR_DLAB;

    switch (reg) {
    case UART_RBR_THR_DLL:
        if (dlab) {
            u->divisor = (u->divisor & 0xff00) | val;
        } else {
            u->thre_pending = false;
            uart_transmit(u, val);
        }
        break;
    case UART_IER_DLM:
        if (dlab) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (val << 8));
        } else {
            /* Enabling THRI while the holding register is empty raises it at once. */
            if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI) && (u->lsr & UART_LSR_THRE))
                u->thre_pending = true;
            u->ier = val & 0x0f;
        }
        break;
    case UART_IIR_FCR:
        uart_write_fcr(u, val);
        break;
    case UART_LCR:
        u->lcr = val;
        break;
    case UART_MCR:
        u->mcr = val & 0x1f;
        uart_update_msr(u);
        break;
    case UART_SCR:
        u->scr = val;
        break;
    default: /* LSR and MSR are read-only */
        break;
    }
}

static uint8_t uart_read_iir(struct uart16550 *u)
{
    uint8_t iir = uart_pending_iir(u);

    /* Reading IIR acknowledges a THRE interrupt when that is what it reports. */
    if (iir == UART_IIR_THRI)
        u->thre_pending = false;
    return iir | (uart_fifo_enabled(u) ? UART_IIR_FIFO_ENABLED : 0);
}

static uint8_t uart_read_rbr(struct uart16550 *u)
{
    uint8_t byte = uart_rx_pop(u);

    /* Data left below the trigger level times out again while the line stays idle. */
    u->timeout_pending = u->rx_count > 0;
    if (u->chr)
        chardev_accept_input(u->chr);
    return byte;
}

static uint8_t uart_read_reg(struct uart16550 *u, unsigned reg)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    uint8_t val;

    switch (reg) {
    case UART_RBR_THR_DLL:
        return dlab ? (uint8_t)u->divisor : uart_read_rbr(u);
    case UART_IER_DLM:
        return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
    case UART_IIR_FCR:
        return uart_read_iir(u);
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        val = u->lsr;
        u->lsr &= ~(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI | UART_LSR_FIFO_ERR);
        return val;
    case UART_MSR:
        val = u->msr;
        u->msr &= 0xf0;
        return val;
    default:
        return u->scr;
    }
}

void uart16550_io(void *opaque, struct io_access *a)
{
    struct uart16550 *u = opaque;

    pthread_mutex_lock(&u->lock);
    /* Wider accesses act byte by byte on consecutive registers, as QEMU does. */
    for (uint32_t i = 0; i < a->size; i++) {
        unsigned reg = (unsigned)(((a->offset >> u->reg_shift) + i) & 7);
        if (a->is_write)
            uart_write_reg(u, reg, (uint8_t)(a->data >> (8 * i)));
        else
            a->data |= (uint64_t)uart_read_reg(u, reg) << (8 * i);
    }
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
}

static size_t uart_can_receive(void *opaque)
{
    struct uart16550 *u = opaque;

    pthread_mutex_lock(&u->lock);
    size_t room = uart_rx_capacity(u) - u->rx_count;
    pthread_mutex_unlock(&u->lock);
    return room;
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct uart16550 *u = opaque;

    pthread_mutex_lock(&u->lock);
    if (!(u->mcr & UART_MCR_LOOP)) {
        for (size_t i = 0; i < len; i++)
            uart_rx_push(u, buf[i]);
        /* Input arrives in host-sized batches; after one, the line is idle. */
        u->timeout_pending = true;
        uart_update_irq(u);
    }
    pthread_mutex_unlock(&u->lock);
}

static void uart_receive_break(void *opaque)
{
    struct uart16550 *u = opaque;

    pthread_mutex_lock(&u->lock);
    uart_rx_push(u, 0);
    u->lsr |= UART_LSR_BI | UART_LSR_FE;
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
}

void uart16550_init(struct uart16550 *u, struct chardev *chr, struct irq_line irq,
                    unsigned reg_shift)
{
    memset(u, 0, sizeof(*u));
    pthread_mutex_init(&u->lock, NULL);
    u->chr = chr;
    u->irq = irq;
    u->reg_shift = reg_shift;
    uart16550_reset(u);
    if (chr) {
        struct chardev_frontend fe = {.can_receive = uart_can_receive, .receive = uart_receive,
                                      .receive_break = uart_receive_break, .opaque = u};
        chardev_set_frontend(chr, &fe);
    }
}
