/* Unit tests for hw/char/uart16550: registers, FIFOs, interrupt identification, loopback. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/io.h"
#include "core/irq.h"
#include "hw/char/uart16550.h"

/* An interrupt controller that remembers the last level driven on each pin. */
struct fake_irqchip {
    int level;
    uint32_t pin;
    unsigned calls;
};

static void fake_set_level(void *opaque, uint32_t pin, int level)
{
    struct fake_irqchip *c = opaque;

    c->pin = pin;
    c->level = level;
    c->calls++;
}

struct fixture {
    struct uart16550 u;
    struct chardev chr;
    struct fake_irqchip irqc;
    struct irq_chip chip;
    int pipe_fd[2]; /* the UART writes into [1]; the test reads [0] */
};

static void fixture_setup(struct fixture *f, gconstpointer data)
{
    (void)data;
    memset(f, 0, sizeof(*f));
    g_assert_cmpint(pipe2(f->pipe_fd, O_NONBLOCK | O_CLOEXEC), ==, 0);
    f->chip = (struct irq_chip){fake_set_level, &f->irqc};
    chardev_open_fds(&f->chr, "-serial", -1, f->pipe_fd[1]);
    uart16550_init(&f->u, &f->chr, irq_line_make(&f->chip, 4), 0);
}

static void fixture_teardown(struct fixture *f, gconstpointer data)
{
    (void)data;
    chardev_close(&f->chr);
    close(f->pipe_fd[0]);
    close(f->pipe_fd[1]);
}

static void uart_out(struct fixture *f, unsigned reg, uint8_t val)
{
    struct io_access a = {.offset = reg, .size = 1, .is_write = true, .data = val};

    uart16550_io(&f->u, &a);
}

static uint8_t uart_in(struct fixture *f, unsigned reg)
{
    struct io_access a = {.offset = reg, .size = 1, .is_write = false, .data = 0};

    uart16550_io(&f->u, &a);
    g_assert_cmphex(a.data, <=, 0xff);
    return (uint8_t)a.data;
}

/* Host input through the frontend uart16550_init installed, as the chardev delivers it. */
static size_t host_room(struct fixture *f)
{
    g_assert_true(f->chr.has_frontend);
    return f->chr.frontend.can_receive(f->chr.frontend.opaque);
}

static void host_send(struct fixture *f, const char *s)
{
    f->chr.frontend.receive(f->chr.frontend.opaque, (const uint8_t *)s, strlen(s));
}

static gssize pipe_read(struct fixture *f, char *buf, size_t len)
{
    ssize_t n = read(f->pipe_fd[0], buf, len);

    return n < 0 && errno == EAGAIN ? 0 : n;
}

static void test_reset_state(struct fixture *f, gconstpointer data)
{
    (void)data;
    g_assert_cmphex(uart_in(f, UART_LSR), ==, UART_LSR_THRE | UART_LSR_TEMT);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_NO_INT);
    g_assert_cmphex(uart_in(f, UART_IER_DLM), ==, 0);
    g_assert_cmphex(uart_in(f, UART_LCR), ==, 0);
    g_assert_cmphex(uart_in(f, UART_MCR), ==, 0);
    /* The host line is "up": carrier, data set ready, clear to send. */
    g_assert_cmphex(uart_in(f, UART_MSR), ==, UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    g_assert_cmpint(f->irqc.level, ==, 0);
    g_assert_cmpuint(f->irqc.pin, ==, 4);
}

static void test_transmit(struct fixture *f, gconstpointer data)
{
    char buf[16];

    (void)data;
    for (const char *p = "hi\n"; *p; p++) {
        uart_out(f, UART_RBR_THR_DLL, (uint8_t)*p);
        g_assert_cmphex(uart_in(f, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), ==,
                        UART_LSR_THRE | UART_LSR_TEMT);
    }
    g_assert_cmpint(pipe_read(f, buf, sizeof(buf)), ==, 3);
    g_assert_cmpmem(buf, 3, "hi\n", 3);
    /* Without THRI enabled, transmitting raises nothing. */
    g_assert_cmpint(f->irqc.level, ==, 0);
}

static void test_transmit_wide_access(struct fixture *f, gconstpointer data)
{
    struct io_access a = {.offset = UART_LCR, .size = 2, .is_write = true, .data = 0x0b03};
    char buf[4];

    (void)data;
    /* Two bytes at LCR reach LCR and MCR. */
    uart16550_io(&f->u, &a);
    g_assert_cmphex(uart_in(f, UART_LCR), ==, 0x03);
    g_assert_cmphex(uart_in(f, UART_MCR), ==, 0x0b);
    a = (struct io_access){.offset = UART_LCR, .size = 2, .is_write = false};
    uart16550_io(&f->u, &a);
    g_assert_cmphex(a.data, ==, 0x0b03);
    g_assert_cmpint(pipe_read(f, buf, sizeof(buf)), ==, 0);
}

static void test_thri(struct fixture *f, gconstpointer data)
{
    (void)data;
    /* Enabling THRI while the holding register is empty raises the interrupt at once. */
    uart_out(f, UART_IER_DLM, UART_IER_THRI);
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_THRI);
    /* Reading IIR acknowledged it. */
    g_assert_cmpint(f->irqc.level, ==, 0);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_NO_INT);

    /* A transmitted byte empties the holding register again: THRE fires again. */
    uart_out(f, UART_RBR_THR_DLL, 'x');
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_THRI);
    g_assert_cmpint(f->irqc.level, ==, 0);

    /* With FIFOs on, IIR carries 0xc0. */
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_NO_INT);
    uart_out(f, UART_IER_DLM, 0);
    uart_out(f, UART_IER_DLM, UART_IER_THRI);
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_THRI);
    g_assert_cmpint(f->irqc.level, ==, 0);

    /* Disabling THRI while pending lowers the line. */
    uart_out(f, UART_RBR_THR_DLL, 'y');
    g_assert_cmpint(f->irqc.level, ==, 1);
    uart_out(f, UART_IER_DLM, 0);
    g_assert_cmpint(f->irqc.level, ==, 0);
}

static void test_loopback(struct fixture *f, gconstpointer data)
{
    char buf[4];

    (void)data;
    uart_out(f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_OUT1 | UART_MCR_RTS |
                              UART_MCR_DTR);
    /* The modem outputs feed the inputs; RI rose, so no trailing-edge delta. */
    g_assert_cmphex(uart_in(f, UART_MSR), ==,
                    UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD);
    uart_out(f, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
    /* DSR, DCD fell and RI fell (trailing edge): delta bits for each. */
    g_assert_cmphex(uart_in(f, UART_MSR), ==,
                    UART_MSR_CTS | UART_MSR_DDSR | UART_MSR_DDCD | UART_MSR_TERI);
    /* Reading MSR cleared the deltas. */
    g_assert_cmphex(uart_in(f, UART_MSR), ==, UART_MSR_CTS);

    uart_out(f, UART_RBR_THR_DLL, 0x5a);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, UART_LSR_DR);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 0x5a);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, 0);
    /* Nothing reached the host. */
    g_assert_cmpint(pipe_read(f, buf, sizeof(buf)), ==, 0);
    /* Host input is not received while in loopback. */
    host_send(f, "z");
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, 0);

    /* Leaving loopback: the host line is up again and transmit reaches it. */
    uart_out(f, UART_MCR, 0);
    g_assert_cmphex(uart_in(f, UART_MSR) & 0xf0, ==,
                    UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    uart_out(f, UART_RBR_THR_DLL, 'q');
    g_assert_cmpint(pipe_read(f, buf, sizeof(buf)), ==, 1);
    g_assert_cmphex(buf[0], ==, 'q');
}

static void test_receive_capacity(struct fixture *f, gconstpointer data)
{
    (void)data;
    /* Without FIFOs the receiver holds one byte. */
    g_assert_cmpuint(host_room(f), ==, 1);
    host_send(f, "a");
    g_assert_cmpuint(host_room(f), ==, 0);
    g_assert_cmphex(uart_in(f, UART_LSR) & (UART_LSR_DR | UART_LSR_OE), ==, UART_LSR_DR);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'a');
    g_assert_cmpuint(host_room(f), ==, 1);

    /* With FIFOs on, sixteen. */
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE);
    g_assert_cmpuint(host_room(f), ==, UART_FIFO_SIZE);
    host_send(f, "0123456789abcdef");
    g_assert_cmpuint(host_room(f), ==, 0);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_OE, ==, 0);
    for (const char *p = "0123456789abcdef"; *p; p++) {
        g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, UART_LSR_DR);
        g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, (uint8_t)*p);
    }
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, 0);
    g_assert_cmpuint(host_room(f), ==, UART_FIFO_SIZE);

    /* FCR's clear-receiver bit empties the FIFO. */
    host_send(f, "xyz");
    g_assert_cmpuint(host_room(f), ==, UART_FIFO_SIZE - 3);
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
    g_assert_cmpuint(host_room(f), ==, UART_FIFO_SIZE);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, 0);
}

static void test_receive_through_chardev(struct fixture *f, gconstpointer data)
{
    static const uint8_t input[20] = "ABCDEFGHIJKLMNOPQRST";

    (void)data;
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE);
    /* The chardev hands over what fits and keeps the rest. */
    g_assert_false(chardev_feed_input(&f->chr, input, sizeof(input)));
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_OE, ==, 0);
    for (unsigned i = 0; i < UART_FIFO_SIZE; i++)
        g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, input[i]);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, 0);
}

static void test_rdi_cti_trigger(struct fixture *f, gconstpointer data)
{
    (void)data;
    /* Trigger level 4 (FCR bits 6-7 = 01). */
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE | 0x40);
    uart_out(f, UART_IER_DLM, UART_IER_RDI);
    g_assert_cmpint(f->irqc.level, ==, 0);

    /* Below the trigger level the line went idle: a character timeout. */
    host_send(f, "abc");
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_CTI);
    /* At the trigger level: received data available. */
    host_send(f, "d");
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_RDI);
    g_assert_cmpint(f->irqc.level, ==, 1);
    /* Draining below the trigger leaves a timeout; draining it all clears the interrupt. */
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'a');
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_CTI);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'b');
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'c');
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'd');
    g_assert_cmpint(f->irqc.level, ==, 0);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_NO_INT);

    /* Trigger level 14 (bits 6-7 = 11): 13 bytes time out, 14 trigger. */
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE | 0xc0);
    host_send(f, "0123456789abc");
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_CTI);
    host_send(f, "d");
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_RDI);

    /* Trigger level 8 (bits 6-7 = 10); clearing the FIFO drops the pending interrupt. */
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE | 0x80 | UART_FCR_CLEAR_RX);
    g_assert_cmpint(f->irqc.level, ==, 0);
    host_send(f, "01234567");
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_FIFO_ENABLED | UART_IIR_RDI);

    /* Without FIFOs, one byte is received data available. */
    uart_out(f, UART_IIR_FCR, 0);
    g_assert_cmpint(f->irqc.level, ==, 0);
    host_send(f, "z");
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_RDI);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'z');
    g_assert_cmpint(f->irqc.level, ==, 0);
}

static void test_rdi_over_thri(struct fixture *f, gconstpointer data)
{
    (void)data;
    uart_out(f, UART_IER_DLM, UART_IER_RDI | UART_IER_THRI);
    host_send(f, "k");
    /* Received data outranks the transmitter. */
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_RDI);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'k');
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_THRI);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_NO_INT);
    g_assert_cmpint(f->irqc.level, ==, 0);
}

static void test_overrun(struct fixture *f, gconstpointer data)
{
    (void)data;
    uart_out(f, UART_IER_DLM, UART_IER_RLSI);
    /* Non-FIFO mode: the second byte overruns. */
    host_send(f, "ab");
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_RLSI);
    g_assert_cmphex(uart_in(f, UART_LSR) & (UART_LSR_OE | UART_LSR_DR), ==,
                    UART_LSR_OE | UART_LSR_DR);
    /* Reading LSR cleared OE and the interrupt. */
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_OE, ==, 0);
    g_assert_cmpint(f->irqc.level, ==, 0);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 'a');

    /* FIFO mode: the seventeenth byte overruns, the first sixteen are kept. */
    uart_out(f, UART_IIR_FCR, UART_FCR_ENABLE);
    host_send(f, "0123456789abcdefX");
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_OE, ==, UART_LSR_OE);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_OE, ==, 0);
    for (const char *p = "0123456789abcdef"; *p; p++)
        g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, (uint8_t)*p);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_DR, ==, 0);
}

static void test_divisor_latch(struct fixture *f, gconstpointer data)
{
    char buf[4];

    (void)data;
    uart_out(f, UART_IER_DLM, UART_IER_RDI);
    uart_out(f, UART_LCR, UART_LCR_DLAB | 0x03);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 12); /* 9600 baud after reset */
    g_assert_cmphex(uart_in(f, UART_IER_DLM), ==, 0);
    uart_out(f, UART_RBR_THR_DLL, 0x34);
    uart_out(f, UART_IER_DLM, 0x12);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 0x34);
    g_assert_cmphex(uart_in(f, UART_IER_DLM), ==, 0x12);
    g_assert_cmphex(f->u.divisor, ==, 0x1234);
    /* Divisor writes transmit nothing and leave IER alone. */
    g_assert_cmpint(pipe_read(f, buf, sizeof(buf)), ==, 0);
    uart_out(f, UART_LCR, 0x03);
    g_assert_cmphex(uart_in(f, UART_LCR), ==, 0x03);
    g_assert_cmphex(uart_in(f, UART_IER_DLM), ==, UART_IER_RDI);
    uart_out(f, UART_LCR, UART_LCR_DLAB);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 0x34);
    g_assert_cmphex(uart_in(f, UART_IER_DLM), ==, 0x12);
}

static void test_scratch(struct fixture *f, gconstpointer data)
{
    (void)data;
    g_assert_cmphex(uart_in(f, UART_SCR), ==, 0);
    uart_out(f, UART_SCR, 0xa5);
    g_assert_cmphex(uart_in(f, UART_SCR), ==, 0xa5);
    uart_out(f, UART_SCR, 0x5a);
    g_assert_cmphex(uart_in(f, UART_SCR), ==, 0x5a);
    /* Read-only registers ignore writes. */
    uart_out(f, UART_LSR, 0x00);
    g_assert_cmphex(uart_in(f, UART_LSR), ==, UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_break(struct fixture *f, gconstpointer data)
{
    (void)data;
    uart_out(f, UART_IER_DLM, UART_IER_RLSI | UART_IER_RDI);
    g_assert_nonnull(f->chr.frontend.receive_break);
    f->chr.frontend.receive_break(f->chr.frontend.opaque);
    g_assert_cmpint(f->irqc.level, ==, 1);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_RLSI);
    uint8_t lsr = uart_in(f, UART_LSR);
    g_assert_cmphex(lsr & (UART_LSR_BI | UART_LSR_DR), ==, UART_LSR_BI | UART_LSR_DR);
    g_assert_cmphex(uart_in(f, UART_LSR) & UART_LSR_BI, ==, 0);
    /* After the line status, the break's zero byte is received data. */
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_RDI);
    g_assert_cmphex(uart_in(f, UART_RBR_THR_DLL), ==, 0);
    g_assert_cmpint(f->irqc.level, ==, 0);
}

static void test_reg_shift(void)
{
    struct uart16550 u;
    struct fake_irqchip irqc = {0};
    struct irq_chip chip = {fake_set_level, &irqc};

    /* Registers 4 bytes apart, as on MMIO UARTs; no backend at all. */
    uart16550_init(&u, NULL, irq_line_make(&chip, 10), 2);
    struct io_access a = {.offset = UART_SCR << 2, .size = 1, .is_write = true, .data = 0x77};
    uart16550_io(&u, &a);
    g_assert_cmphex(u.scr, ==, 0x77);
    a = (struct io_access){.offset = UART_LSR << 2, .size = 1};
    uart16550_io(&u, &a);
    g_assert_cmphex(a.data, ==, UART_LSR_THRE | UART_LSR_TEMT);
    a = (struct io_access){.offset = UART_RBR_THR_DLL, .size = 1, .is_write = true, .data = 'a'};
    uart16550_io(&u, &a); /* transmit with no backend: dropped, no crash */
    a = (struct io_access){.offset = UART_LSR << 2, .size = 1};
    uart16550_io(&u, &a);
    g_assert_cmphex(a.data, ==, UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_reset(struct fixture *f, gconstpointer data)
{
    (void)data;
    uart_out(f, UART_IER_DLM, UART_IER_THRI);
    uart_out(f, UART_SCR, 0x42);
    host_send(f, "r");
    g_assert_cmpint(f->irqc.level, ==, 1);
    uart16550_reset(&f->u);
    g_assert_cmpint(f->irqc.level, ==, 0);
    g_assert_cmphex(uart_in(f, UART_SCR), ==, 0);
    g_assert_cmphex(uart_in(f, UART_LSR), ==, UART_LSR_THRE | UART_LSR_TEMT);
    g_assert_cmphex(uart_in(f, UART_IIR_FCR), ==, UART_IIR_NO_INT);
}

#define ADD(path, fn) \
    g_test_add(path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/uart/reset_state", test_reset_state);
    ADD("/uart/reset", test_reset);
    ADD("/uart/transmit", test_transmit);
    ADD("/uart/transmit_wide_access", test_transmit_wide_access);
    ADD("/uart/thri", test_thri);
    ADD("/uart/loopback", test_loopback);
    ADD("/uart/receive/capacity", test_receive_capacity);
    ADD("/uart/receive/through_chardev", test_receive_through_chardev);
    ADD("/uart/receive/rdi_cti_trigger", test_rdi_cti_trigger);
    ADD("/uart/receive/rdi_over_thri", test_rdi_over_thri);
    ADD("/uart/receive/overrun", test_overrun);
    ADD("/uart/divisor_latch", test_divisor_latch);
    ADD("/uart/scratch", test_scratch);
    ADD("/uart/break", test_break);
    g_test_add_func("/uart/reg_shift", test_reg_shift);
    return g_test_run();
}
