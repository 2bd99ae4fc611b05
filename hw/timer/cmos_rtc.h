/* The MC146818 CMOS real-time clock: host time (UTC), guest-settable, and 114 bytes of NVRAM. */
#ifndef KESTREL_HW_TIMER_CMOS_RTC_H
#define KESTREL_HW_TIMER_CMOS_RTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/io.h"
#include "core/irq.h"

#define CMOS_INDEX_PORT 0x70
#define CMOS_SIZE 128

enum cmos_reg {
    CMOS_SECONDS = 0x00, CMOS_SECONDS_ALARM = 0x01, CMOS_MINUTES = 0x02,
    CMOS_MINUTES_ALARM = 0x03, CMOS_HOURS = 0x04, CMOS_HOURS_ALARM = 0x05,
    CMOS_DAY_OF_WEEK = 0x06, CMOS_DAY_OF_MONTH = 0x07, CMOS_MONTH = 0x08, CMOS_YEAR = 0x09,
    CMOS_REG_A = 0x0a, CMOS_REG_B = 0x0b, CMOS_REG_C = 0x0c, CMOS_REG_D = 0x0d,
    CMOS_CENTURY = 0x32,
};

#define CMOS_A_UIP 0x80
#define CMOS_B_SET 0x80
#define CMOS_B_PIE 0x40
#define CMOS_B_AIE 0x20
#define CMOS_B_UIE 0x10
#define CMOS_B_BINARY 0x04
#define CMOS_B_24H 0x02
#define CMOS_C_IRQF 0x80
#define CMOS_C_UF 0x10
#define CMOS_D_VRT 0x80

struct cmos_rtc {
    pthread_mutex_t lock;
    struct irq_line irq; /* IRQ 8; interrupts are not generated yet */
    uint8_t index;
    uint8_t ram[CMOS_SIZE];
    int64_t offset_sec;  /* guest clock minus host clock */
    struct tm frozen;    /* the time while register B's SET bit holds the clock */
    int64_t last_c_read; /* host second of the last register C read, for UF */
    bool warned_irq;
    /* The host clock, replaceable by tests: nanoseconds since the epoch. */
    int64_t (*now_ns)(void);
};

void cmos_rtc_init(struct cmos_rtc *rtc, struct irq_line irq);
void cmos_rtc_reset(struct cmos_rtc *rtc);
/* Boards store their configuration bytes (memory sizes) in NVRAM. */
void cmos_rtc_set_byte(struct cmos_rtc *rtc, uint8_t index, uint8_t value);
/* Ports 0x70 (index, bit 7 masks NMI) and 0x71 (data), as one two-byte region. */
io_handler_fn cmos_rtc_io;

#endif
