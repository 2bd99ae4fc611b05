/* Unit tests for hw/timer/cmos_rtc: the clock in BCD/binary/12-hour, SET, UIP, NVRAM. */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "hw/timer/cmos_rtc.h"

#define NS 1000000000ll
/* 2026-11-21 13:45:07 UTC, a Saturday. */
#define T0 1795268707ll

static int64_t fake_ns;

static int64_t fake_now_ns(void)
{
    return fake_ns;
}

static void rtc_setup(struct cmos_rtc *rtc)
{
    cmos_rtc_init(rtc, irq_line_make(NULL, 8));
    rtc->now_ns = fake_now_ns;
    fake_ns = T0 * NS + NS / 2;
}

static void cmos_out(struct cmos_rtc *rtc, uint8_t index, uint8_t val)
{
    struct io_access a = {.offset = 0, .size = 1, .is_write = true, .data = index};

    cmos_rtc_io(rtc, &a);
    a = (struct io_access){.offset = 1, .size = 1, .is_write = true, .data = val};
    cmos_rtc_io(rtc, &a);
}

static uint8_t cmos_in(struct cmos_rtc *rtc, uint8_t index)
{
    struct io_access a = {.offset = 0, .size = 1, .is_write = true, .data = index};

    cmos_rtc_io(rtc, &a);
    a = (struct io_access){.offset = 1, .size = 1, .is_write = false};
    cmos_rtc_io(rtc, &a);
    g_assert_cmphex(a.data, <=, 0xff);
    return (uint8_t)a.data;
}

struct rtc_time {
    uint8_t sec, min, hour, wday, mday, mon, year, century;
};

static struct rtc_time read_time(struct cmos_rtc *rtc)
{
    return (struct rtc_time){
        cmos_in(rtc, CMOS_SECONDS), cmos_in(rtc, CMOS_MINUTES), cmos_in(rtc, CMOS_HOURS),
        cmos_in(rtc, CMOS_DAY_OF_WEEK), cmos_in(rtc, CMOS_DAY_OF_MONTH),
        cmos_in(rtc, CMOS_MONTH), cmos_in(rtc, CMOS_YEAR), cmos_in(rtc, CMOS_CENTURY),
    };
}

static void assert_time(struct cmos_rtc *rtc, const struct rtc_time *want)
{
    struct rtc_time t = read_time(rtc);

    g_assert_cmphex(t.sec, ==, want->sec);
    g_assert_cmphex(t.min, ==, want->min);
    g_assert_cmphex(t.hour, ==, want->hour);
    g_assert_cmphex(t.wday, ==, want->wday);
    g_assert_cmphex(t.mday, ==, want->mday);
    g_assert_cmphex(t.mon, ==, want->mon);
    g_assert_cmphex(t.year, ==, want->year);
    g_assert_cmphex(t.century, ==, want->century);
}

static void test_bcd(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_B), ==, CMOS_B_24H); /* BCD, 24-hour after reset */
    assert_time(&rtc, &(struct rtc_time){0x07, 0x45, 0x13, 7, 0x21, 0x11, 0x26, 0x20});
    /* The clock follows the host clock. */
    fake_ns += 60 * NS;
    assert_time(&rtc, &(struct rtc_time){0x07, 0x46, 0x13, 7, 0x21, 0x11, 0x26, 0x20});
    fake_ns += 11 * 3600 * NS; /* past midnight: Sunday the 22nd */
    assert_time(&rtc, &(struct rtc_time){0x07, 0x46, 0x00, 1, 0x22, 0x11, 0x26, 0x20});
}

static void test_binary(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_BINARY);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_B), ==, CMOS_B_24H | CMOS_B_BINARY);
    assert_time(&rtc, &(struct rtc_time){7, 45, 13, 7, 21, 11, 26, 20});
}

static void test_12_hour(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    cmos_out(&rtc, CMOS_REG_B, 0); /* BCD, 12-hour */
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x81); /* 1 PM */
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_BINARY);
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x81);
    fake_ns = (T0 - 13 * 3600) * NS; /* 00:45: 12 AM */
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 12);
    fake_ns = (T0 - 3600) * NS;      /* 12:45: 12 PM */
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x80 | 12);
    cmos_out(&rtc, CMOS_REG_B, 0);
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x92);
    fake_ns = (T0 + 9 * 3600) * NS;  /* 22:45: 10 PM */
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x90);
    fake_ns = (T0 - 4 * 3600) * NS;  /* 09:45: 9 AM */
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x09);

    /* Writing in 12-hour mode: 7 PM. */
    cmos_out(&rtc, CMOS_HOURS, 0x87);
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H);
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x19);
    /* 12 AM is hour 0. */
    cmos_out(&rtc, CMOS_REG_B, 0);
    cmos_out(&rtc, CMOS_HOURS, 0x12);
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H);
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x00);
}

static void test_set_and_run(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    cmos_out(&rtc, CMOS_HOURS, 0x08);
    cmos_out(&rtc, CMOS_MINUTES, 0x30);
    cmos_out(&rtc, CMOS_SECONDS, 0x00);
    cmos_out(&rtc, CMOS_DAY_OF_MONTH, 0x01);
    cmos_out(&rtc, CMOS_MONTH, 0x02);
    cmos_out(&rtc, CMOS_YEAR, 0x27);
    /* The clock stands still while SET is held. */
    fake_ns += 10 * NS;
    assert_time(&rtc, &(struct rtc_time){0x00, 0x30, 0x08, 2, 0x01, 0x02, 0x27, 0x20});
    /* Released, it runs on from the value written. */
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H);
    g_assert_cmphex(cmos_in(&rtc, CMOS_SECONDS), ==, 0x00);
    fake_ns += 5 * NS;
    assert_time(&rtc, &(struct rtc_time){0x05, 0x30, 0x08, 2, 0x01, 0x02, 0x27, 0x20});
    fake_ns += 3600 * NS;
    g_assert_cmphex(cmos_in(&rtc, CMOS_HOURS), ==, 0x09);
}

static void test_write_while_running(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    /* Without SET, a write sets that field; the clock keeps running. */
    cmos_out(&rtc, CMOS_SECONDS, 0x50);
    g_assert_cmphex(cmos_in(&rtc, CMOS_SECONDS), ==, 0x50);
    g_assert_cmphex(cmos_in(&rtc, CMOS_MINUTES), ==, 0x45);
    fake_ns += 15 * NS;
    g_assert_cmphex(cmos_in(&rtc, CMOS_SECONDS), ==, 0x05);
    g_assert_cmphex(cmos_in(&rtc, CMOS_MINUTES), ==, 0x46);
    /* Binary writes. */
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_BINARY);
    cmos_out(&rtc, CMOS_MINUTES, 59);
    g_assert_cmpuint(cmos_in(&rtc, CMOS_MINUTES), ==, 59);
    g_assert_cmpuint(cmos_in(&rtc, CMOS_HOURS), ==, 13);
}

static void test_century_rollover(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    cmos_out(&rtc, CMOS_CENTURY, 0x20);
    cmos_out(&rtc, CMOS_YEAR, 0x99);
    cmos_out(&rtc, CMOS_MONTH, 0x12);
    cmos_out(&rtc, CMOS_DAY_OF_MONTH, 0x31);
    cmos_out(&rtc, CMOS_HOURS, 0x23);
    cmos_out(&rtc, CMOS_MINUTES, 0x59);
    cmos_out(&rtc, CMOS_SECONDS, 0x59);
    /* 2099-12-31 was a Thursday. */
    assert_time(&rtc, &(struct rtc_time){0x59, 0x59, 0x23, 5, 0x31, 0x12, 0x99, 0x20});
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H);
    fake_ns += NS;
    assert_time(&rtc, &(struct rtc_time){0x00, 0x00, 0x00, 6, 0x01, 0x01, 0x00, 0x21});
    /* The century register is writable too. */
    cmos_out(&rtc, CMOS_CENTURY, 0x19);
    g_assert_cmphex(cmos_in(&rtc, CMOS_CENTURY), ==, 0x19);
    g_assert_cmphex(cmos_in(&rtc, CMOS_YEAR), ==, 0x00);
}

static void test_uip(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    fake_ns = T0 * NS;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A), ==, 0x26);
    fake_ns = T0 * NS + 500000000;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A) & CMOS_A_UIP, ==, 0);
    fake_ns = T0 * NS + NS - 244000 - 1;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A) & CMOS_A_UIP, ==, 0);
    fake_ns = T0 * NS + NS - 244000;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A), ==, CMOS_A_UIP | 0x26);
    fake_ns = T0 * NS + NS - 1;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A) & CMOS_A_UIP, ==, CMOS_A_UIP);
    fake_ns = (T0 + 1) * NS;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A) & CMOS_A_UIP, ==, 0);
    /* No updates while SET holds the clock. */
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    fake_ns = T0 * NS + NS - 1000;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A) & CMOS_A_UIP, ==, 0);
    /* UIP is read-only; the rest of register A is the guest's. */
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H);
    fake_ns = T0 * NS;
    cmos_out(&rtc, CMOS_REG_A, 0xa6);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A), ==, 0x26);
}

static void test_regs_c_d(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_D), ==, CMOS_D_VRT);
    cmos_out(&rtc, CMOS_REG_D, 0);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_D), ==, CMOS_D_VRT);
    /* Update-ended: set once per second that ticked since the last read. */
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_C) & CMOS_C_UF, ==, CMOS_C_UF);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_C), ==, 0);
    fake_ns += NS;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_C), ==, CMOS_C_UF);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_C), ==, 0);
    /* With UIE on, IRQF accompanies UF. */
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
    fake_ns += NS;
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_C), ==, CMOS_C_UF | CMOS_C_IRQF);
}

static void test_nvram(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    for (unsigned i = 0x0e; i < CMOS_SIZE; i++) {
        if (i == CMOS_CENTURY)
            continue;
        cmos_out(&rtc, (uint8_t)i, (uint8_t)(i ^ 0xa5));
    }
    for (unsigned i = 0x0e; i < CMOS_SIZE; i++) {
        if (i == CMOS_CENTURY)
            continue;
        g_assert_cmphex(cmos_in(&rtc, (uint8_t)i), ==, i ^ 0xa5);
    }
    /* The alarm registers are plain storage. */
    cmos_out(&rtc, CMOS_MINUTES_ALARM, 0x33);
    g_assert_cmphex(cmos_in(&rtc, CMOS_MINUTES_ALARM), ==, 0x33);
    /* Index bit 7 masks NMI and is not part of the index. */
    cmos_out(&rtc, 0x80 | 0x40, 0x77);
    g_assert_cmphex(cmos_in(&rtc, 0x40), ==, 0x77);
    g_assert_cmphex(cmos_in(&rtc, 0x80 | 0x40), ==, 0x77);
    /* The index port reads as all ones. */
    struct io_access a = {.offset = 0, .size = 1};
    cmos_rtc_io(&rtc, &a);
    g_assert_cmphex(a.data, ==, 0xff);
    /* NVRAM survives a reset; the control registers do not. */
    cmos_out(&rtc, CMOS_REG_B, CMOS_B_BINARY);
    cmos_rtc_reset(&rtc);
    g_assert_cmphex(cmos_in(&rtc, 0x40), ==, 0x77);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_B), ==, CMOS_B_24H);
}

static void test_set_byte(void)
{
    struct cmos_rtc rtc;

    rtc_setup(&rtc);
    cmos_rtc_set_byte(&rtc, 0x15, 0x80);
    cmos_rtc_set_byte(&rtc, 0x16, 0x02);
    cmos_rtc_set_byte(&rtc, 0x7f, 0xee);
    g_assert_cmphex(cmos_in(&rtc, 0x15), ==, 0x80);
    g_assert_cmphex(cmos_in(&rtc, 0x16), ==, 0x02);
    g_assert_cmphex(cmos_in(&rtc, 0x7f), ==, 0xee);
    /* The clock and control registers are not configuration bytes. */
    cmos_rtc_set_byte(&rtc, CMOS_REG_B, CMOS_B_SET);
    cmos_rtc_set_byte(&rtc, CMOS_REG_A, 0);
    cmos_rtc_set_byte(&rtc, CMOS_SECONDS, 0x99);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_B), ==, CMOS_B_24H);
    g_assert_cmphex(cmos_in(&rtc, CMOS_REG_A), ==, 0x26);
    g_assert_cmphex(cmos_in(&rtc, CMOS_SECONDS), ==, 0x07);
    /* Out of range: ignored. */
    cmos_rtc_set_byte(&rtc, 0x80, 1);
    cmos_rtc_set_byte(&rtc, 0xff, 1);
    g_assert_cmphex(cmos_in(&rtc, 0x7f), ==, 0xee);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cmos/bcd", test_bcd);
    g_test_add_func("/cmos/binary", test_binary);
    g_test_add_func("/cmos/12_hour", test_12_hour);
    g_test_add_func("/cmos/set_and_run", test_set_and_run);
    g_test_add_func("/cmos/write_while_running", test_write_while_running);
    g_test_add_func("/cmos/century_rollover", test_century_rollover);
    g_test_add_func("/cmos/uip", test_uip);
    g_test_add_func("/cmos/regs_c_d", test_regs_c_d);
    g_test_add_func("/cmos/nvram", test_nvram);
    g_test_add_func("/cmos/set_byte", test_set_byte);
    return g_test_run();
}
