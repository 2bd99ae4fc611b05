/* Unit tests for hw/misc/i8042: controller commands, the keyboard's answers, the reset line. */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "core/irq.h"
#include "core/runstate.h"
#include "hw/misc/i8042.h"

#define ST_OBF 0x01
#define ST_SYS 0x04

struct fake_irqchip {
    int level;
    unsigned raises;
};

static void fake_set_level(void *opaque, uint32_t pin, int level)
{
    struct fake_irqchip *c = opaque;

    g_assert_cmpuint(pin, ==, 1);
    if (level && !c->level)
        c->raises++;
    c->level = level;
}

struct fixture {
    struct i8042 k;
    struct runstate rs;
    struct fake_irqchip irqc;
    struct irq_chip chip;
};

static void fixture_setup(struct fixture *f, gconstpointer data)
{
    (void)data;
    memset(f, 0, sizeof(*f));
    runstate_init(&f->rs, false);
    f->chip = (struct irq_chip){fake_set_level, &f->irqc};
    i8042_init(&f->k, &f->rs, irq_line_make(&f->chip, 1));
}

static void fixture_teardown(struct fixture *f, gconstpointer data)
{
    (void)f;
    (void)data;
}

static void kbc_cmd(struct fixture *f, uint8_t cmd)
{
    struct io_access a = {.offset = 0, .size = 1, .is_write = true, .data = cmd};

    i8042_cmd_io(&f->k, &a);
}

static void kbc_data_out(struct fixture *f, uint8_t val)
{
    struct io_access a = {.offset = 0, .size = 1, .is_write = true, .data = val};

    i8042_data_io(&f->k, &a);
}

static uint8_t kbc_status(struct fixture *f)
{
    struct io_access a = {.offset = 0, .size = 1};

    i8042_cmd_io(&f->k, &a);
    g_assert_cmphex(a.data, <=, 0xff);
    return (uint8_t)a.data;
}

static uint8_t kbc_data_in(struct fixture *f)
{
    struct io_access a = {.offset = 0, .size = 1};

    i8042_data_io(&f->k, &a);
    g_assert_cmphex(a.data, <=, 0xff);
    return (uint8_t)a.data;
}

/* Reads one byte the way a driver does: OBF must be set first. */
static uint8_t kbc_read(struct fixture *f)
{
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, ST_OBF);
    return kbc_data_in(f);
}

static enum runstate_request pending(struct fixture *f)
{
    int status;

    return runstate_pending(&f->rs, &status);
}

static void test_initial(struct fixture *f, gconstpointer data)
{
    (void)data;
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, 0);
    g_assert_cmphex(kbc_status(f) & ST_SYS, ==, ST_SYS);
    g_assert_cmpint(f->irqc.level, ==, 0);
    g_assert_cmpint(pending(f), ==, RUNSTATE_RUN);
}

static void test_self_test(struct fixture *f, gconstpointer data)
{
    (void)data;
    kbc_cmd(f, 0xaa);
    g_assert_cmphex(kbc_read(f), ==, 0x55);
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, 0);
    /* Interface tests pass. */
    kbc_cmd(f, 0xab);
    g_assert_cmphex(kbc_read(f), ==, 0x00);
    kbc_cmd(f, 0xa9);
    g_assert_cmphex(kbc_read(f), ==, 0x00);
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, 0);
}

static void test_command_byte(struct fixture *f, gconstpointer data)
{
    (void)data;
    kbc_cmd(f, 0x20);
    uint8_t cb = kbc_read(f);
    g_assert_cmphex(cb & 0x01, ==, 0x01); /* keyboard interrupt on */
    g_assert_cmphex(cb & 0x40, ==, 0x40); /* translation on */
    /* A byte in the buffer with the keyboard interrupt enabled raised IRQ 1. */
    g_assert_cmpuint(f->irqc.raises, ==, 1);
    g_assert_cmpint(f->irqc.level, ==, 0);

    kbc_cmd(f, 0x60);
    kbc_data_out(f, 0x44); /* interrupts off */
    kbc_cmd(f, 0x20);
    g_assert_cmpint(f->irqc.level, ==, 0);
    g_assert_cmphex(kbc_read(f), ==, 0x44);
    g_assert_cmpuint(f->irqc.raises, ==, 1);

    /* 0xad/0xae and 0xa7/0xa8 toggle the disable bits. */
    kbc_cmd(f, 0xad);
    kbc_cmd(f, 0xa7);
    kbc_cmd(f, 0x20);
    g_assert_cmphex(kbc_read(f), ==, 0x44 | 0x10 | 0x20);
    kbc_cmd(f, 0xae);
    kbc_cmd(f, 0xa8);
    kbc_cmd(f, 0x20);
    g_assert_cmphex(kbc_read(f), ==, 0x44);
    g_assert_cmpint(pending(f), ==, RUNSTATE_RUN);
}

static void test_reset_pulse(struct fixture *f, gconstpointer data)
{
    (void)data;
    /* Pulsing output bits other than the reset line does nothing. */
    kbc_cmd(f, 0xff);
    kbc_cmd(f, 0xfd);
    g_assert_cmpint(pending(f), ==, RUNSTATE_RUN);
    kbc_cmd(f, 0xfe);
    g_assert_cmpint(pending(f), ==, RUNSTATE_RESET);
}

static void test_reset_pulse_no_reboot(void)
{
    struct fixture f;
    int status = -1;

    memset(&f, 0, sizeof(f));
    runstate_init(&f.rs, true);
    i8042_init(&f.k, &f.rs, irq_line_make(NULL, 1));
    kbc_cmd(&f, 0xfe);
    /* Under -no-reboot a reset ends the machine with status 0. */
    g_assert_cmpint(runstate_pending(&f.rs, &status), ==, RUNSTATE_EXIT);
    g_assert_cmpint(status, ==, 0);
}

static void test_output_port(struct fixture *f, gconstpointer data)
{
    (void)data;
    kbc_cmd(f, 0xd0);
    uint8_t port = kbc_read(f);
    g_assert_cmphex(port & 0x03, ==, 0x03); /* not in reset, A20 on */
    /* Writing it with bit 0 set keeps the CPU running. */
    kbc_cmd(f, 0xd1);
    kbc_data_out(f, 0x03);
    g_assert_cmpint(pending(f), ==, RUNSTATE_RUN);
    /* The data byte went to the controller, not the keyboard: no answer. */
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, 0);
    kbc_cmd(f, 0xd1);
    kbc_data_out(f, 0x02);
    g_assert_cmpint(pending(f), ==, RUNSTATE_RESET);
}

static void test_keyboard_reset(struct fixture *f, gconstpointer data)
{
    (void)data;
    kbc_data_out(f, 0xff);
    g_assert_cmphex(kbc_read(f), ==, 0xfa);
    g_assert_cmphex(kbc_read(f), ==, 0xaa);
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, 0);
    g_assert_cmpint(pending(f), ==, RUNSTATE_RUN);
    /* Identify and echo. */
    kbc_data_out(f, 0xf2);
    g_assert_cmphex(kbc_read(f), ==, 0xfa);
    g_assert_cmphex(kbc_read(f), ==, 0xab);
    g_assert_cmphex(kbc_read(f), ==, 0x83);
    kbc_data_out(f, 0xee);
    g_assert_cmphex(kbc_read(f), ==, 0xee);
    /* Anything else is acknowledged. */
    kbc_data_out(f, 0xf4);
    g_assert_cmphex(kbc_read(f), ==, 0xfa);
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, 0);
    /* 0xd2 puts a byte in the buffer as if the keyboard sent it. */
    kbc_cmd(f, 0xd2);
    kbc_data_out(f, 0x1c);
    g_assert_cmphex(kbc_read(f), ==, 0x1c);
}

static void test_queue_bounded(struct fixture *f, gconstpointer data)
{
    (void)data;
    /* More answers than the queue holds: the excess is dropped, nothing else breaks. */
    for (unsigned i = 0; i < I8042_QUEUE_SIZE; i++)
        kbc_data_out(f, 0xff);
    unsigned n = 0;
    while (kbc_status(f) & ST_OBF) {
        uint8_t b = kbc_data_in(f);
        g_assert_cmphex(b, ==, n % 2 ? 0xaa : 0xfa);
        n++;
        g_assert_cmpuint(n, <=, I8042_QUEUE_SIZE);
    }
    g_assert_cmpuint(n, ==, I8042_QUEUE_SIZE);
    /* An empty buffer reads as 0. */
    g_assert_cmphex(kbc_data_in(f), ==, 0);
}

static void test_reset_clears(struct fixture *f, gconstpointer data)
{
    (void)data;
    kbc_cmd(f, 0x60);
    kbc_data_out(f, 0x00);
    kbc_data_out(f, 0xee);
    i8042_reset(&f->k);
    g_assert_cmphex(kbc_status(f) & ST_OBF, ==, 0);
    kbc_cmd(f, 0x20);
    g_assert_cmphex(kbc_read(f) & 0x01, ==, 0x01);
}

#define ADD(path, fn) \
    g_test_add(path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/i8042/initial", test_initial);
    ADD("/i8042/self_test", test_self_test);
    ADD("/i8042/command_byte", test_command_byte);
    ADD("/i8042/reset_pulse", test_reset_pulse);
    g_test_add_func("/i8042/reset_pulse_no_reboot", test_reset_pulse_no_reboot);
    ADD("/i8042/output_port", test_output_port);
    ADD("/i8042/keyboard_reset", test_keyboard_reset);
    ADD("/i8042/queue_bounded", test_queue_bounded);
    ADD("/i8042/reset_clears", test_reset_clears);
    return g_test_run();
}
