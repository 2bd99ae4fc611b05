/* The MC146818 CMOS real-time clock: host time (UTC), guest-settable, and 114 bytes of NVRAM. */
#include "hw/timer/cmos_rtc.h"

#include <string.h>

#include "core/log.h"

/* The update cycle: UIP is set for this long before each second ticks over. */
#define CMOS_UIP_NS 244000

static int64_t cmos_host_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool cmos_is_time_reg(uint8_t idx)
{
    return idx <= CMOS_YEAR ? (idx % 2 == 0 || idx == CMOS_DAY_OF_MONTH || idx == CMOS_YEAR)
                            : idx == CMOS_CENTURY;
}

static bool cmos_binary(const struct cmos_rtc *rtc)
{
    return rtc->ram[CMOS_REG_B] & CMOS_B_BINARY;
}

static uint8_t cmos_encode(const struct cmos_rtc *rtc, int v)
{
    return cmos_binary(rtc) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

static int cmos_decode(const struct cmos_rtc *rtc, uint8_t v)
{
    return cmos_binary(rtc) ? v : (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t cmos_encode_hour(const struct cmos_rtc *rtc, int hour)
{
    if (rtc->ram[CMOS_REG_B] & CMOS_B_24H)
        return cmos_encode(rtc, hour);
    int h12 = hour % 12 == 0 ? 12 : hour % 12;
    return cmos_encode(rtc, h12) | (hour >= 12 ? 0x80 : 0);
}

static int cmos_decode_hour(const struct cmos_rtc *rtc, uint8_t v)
{
    if (rtc->ram[CMOS_REG_B] & CMOS_B_24H)
        return cmos_decode(rtc, v);
    int h = cmos_decode(rtc, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* The guest-visible time now, broken down (UTC). */
static void cmos_current_tm(struct cmos_rtc *rtc, struct tm *tm)
{
    if (rtc->ram[CMOS_REG_B] & CMOS_B_SET) {
        *tm = rtc->frozen;
        return;
    }
    time_t t = (time_t)(rtc->now_ns() / 1000000000 + rtc->offset_sec);
    gmtime_r(&t, tm);
}

static uint8_t cmos_read_time(struct cmos_rtc *rtc, uint8_t idx)
{
    struct tm tm;

    cmos_current_tm(rtc, &tm);
    switch (idx) {
    case CMOS_SECONDS: return cmos_encode(rtc, tm.tm_sec);
    case CMOS_MINUTES: return cmos_encode(rtc, tm.tm_min);
    case CMOS_HOURS: return cmos_encode_hour(rtc, tm.tm_hour);
    case CMOS_DAY_OF_WEEK: return cmos_encode(rtc, tm.tm_wday + 1);
    case CMOS_DAY_OF_MONTH: return cmos_encode(rtc, tm.tm_mday);
    case CMOS_MONTH: return cmos_encode(rtc, tm.tm_mon + 1);
    case CMOS_YEAR: return cmos_encode(rtc, (tm.tm_year + 1900) % 100);
    default: return cmos_encode(rtc, (tm.tm_year + 1900) / 100);
    }
}

/* Sets one field of the clock; the others keep running from where they were. */
static void cmos_write_time(struct cmos_rtc *rtc, uint8_t idx, uint8_t v)
{
    struct tm tm;

    cmos_current_tm(rtc, &tm);
    int year = tm.tm_year + 1900;
    switch (idx) {
    case CMOS_SECONDS: tm.tm_sec = cmos_decode(rtc, v) % 60; break;
    case CMOS_MINUTES: tm.tm_min = cmos_decode(rtc, v) % 60; break;
    case CMOS_HOURS: tm.tm_hour = cmos_decode_hour(rtc, v) % 24; break;
    case CMOS_DAY_OF_WEEK: return; /* derived from the date */
    case CMOS_DAY_OF_MONTH: tm.tm_mday = cmos_decode(rtc, v); break;
    case CMOS_MONTH: tm.tm_mon = cmos_decode(rtc, v) - 1; break;
    case CMOS_YEAR: tm.tm_year = year / 100 * 100 + cmos_decode(rtc, v) % 100 - 1900; break;
    default: tm.tm_year = cmos_decode(rtc, v) * 100 + year % 100 - 1900; break;
    }
    time_t t = timegm(&tm); /* normalises out-of-range fields */
    if (rtc->ram[CMOS_REG_B] & CMOS_B_SET)
        gmtime_r(&t, &rtc->frozen);
    else
        rtc->offset_sec = (int64_t)t - rtc->now_ns() / 1000000000;
}

static uint8_t cmos_read_reg_a(struct cmos_rtc *rtc)
{
    uint8_t a = rtc->ram[CMOS_REG_A] & 0x7f;
    int64_t ns_in_second = rtc->now_ns() % 1000000000;

    if (!(rtc->ram[CMOS_REG_B] & CMOS_B_SET) && ns_in_second >= 1000000000 - CMOS_UIP_NS)
        a |= CMOS_A_UIP;
    return a;
}

static uint8_t cmos_read_reg_c(struct cmos_rtc *rtc)
{
    int64_t sec = rtc->now_ns() / 1000000000;
    uint8_t c = 0;

    /* Update-ended is polled: it is set once a second has ticked since the last read. */
    if (sec != rtc->last_c_read && !(rtc->ram[CMOS_REG_B] & CMOS_B_SET))
        c |= CMOS_C_UF;
    rtc->last_c_read = sec;
    if (c & rtc->ram[CMOS_REG_B] & CMOS_B_UIE)
        c |= CMOS_C_IRQF;
    return c;
}

static void cmos_write_reg_b(struct cmos_rtc *rtc, uint8_t v)
{
    uint8_t old = rtc->ram[CMOS_REG_B];

    if ((v & CMOS_B_SET) && !(old & CMOS_B_SET))
        cmos_current_tm(rtc, &rtc->frozen);
    rtc->ram[CMOS_REG_B] = v;
    if (!(v & CMOS_B_SET) && (old & CMOS_B_SET)) {
        struct tm tm = rtc->frozen;
        rtc->offset_sec = (int64_t)timegm(&tm) - rtc->now_ns() / 1000000000;
    }
    if ((v & (CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE)) && !rtc->warned_irq &&
        log_enabled(LOG_UNIMP)) {
        rtc->warned_irq = true;
        log_debug("unimp: cmos-rtc: periodic, alarm and update interrupts (IRQ 8) are not "
                  "generated yet; register C can be polled\n");
    }
}

static uint8_t cmos_read(struct cmos_rtc *rtc, uint8_t idx)
{
    if (cmos_is_time_reg(idx))
        return cmos_read_time(rtc, idx);
    switch (idx) {
    case CMOS_REG_A: return cmos_read_reg_a(rtc);
    case CMOS_REG_C: return cmos_read_reg_c(rtc);
    case CMOS_REG_D: return CMOS_D_VRT;
    default: return rtc->ram[idx];
    }
}

static void cmos_write(struct cmos_rtc *rtc, uint8_t idx, uint8_t v)
{
    if (cmos_is_time_reg(idx))
        cmos_write_time(rtc, idx, v);
    else if (idx == CMOS_REG_A)
        rtc->ram[idx] = v & 0x7f; /* UIP is read-only */
    else if (idx == CMOS_REG_B)
        cmos_write_reg_b(rtc, v);
    else if (idx != CMOS_REG_C && idx != CMOS_REG_D)
        rtc->ram[idx] = v;
}

void cmos_rtc_io(void *opaque, struct io_access *a)
{
    struct cmos_rtc *rtc = opaque;

    pthread_mutex_lock(&rtc->lock);
    if (a->offset == 0) {
        if (a->is_write)
            rtc->index = (uint8_t)a->data & 0x7f; /* bit 7 is the NMI mask; NMIs unused */
        else
            a->data = 0xff;
    } else if (a->is_write) {
        cmos_write(rtc, rtc->index, (uint8_t)a->data);
    } else {
        a->data = cmos_read(rtc, rtc->index);
    }
    pthread_mutex_unlock(&rtc->lock);
}

void cmos_rtc_reset(struct cmos_rtc *rtc)
{
    rtc->index = 0;
    rtc->ram[CMOS_REG_A] = 0x26; /* 32.768 kHz time base, 1024 Hz periodic rate */
    rtc->ram[CMOS_REG_B] = CMOS_B_24H;
    rtc->warned_irq = false;
}

void cmos_rtc_init(struct cmos_rtc *rtc, struct irq_line irq)
{
    memset(rtc, 0, sizeof(*rtc));
    pthread_mutex_init(&rtc->lock, NULL);
    rtc->irq = irq;
    rtc->now_ns = cmos_host_now_ns;
    cmos_rtc_reset(rtc);
}

void cmos_rtc_set_byte(struct cmos_rtc *rtc, uint8_t index, uint8_t value)
{
    if (index < CMOS_SIZE && index > CMOS_REG_D)
        rtc->ram[index] = value;
}
