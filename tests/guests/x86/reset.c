/*
 * reset: counts boots in CMOS NVRAM, which survives a reset. Boot 1 triple-faults, boot 2
 * pulses the i8042 reset line, boot 3 passes. Under -no-reboot the first reset ends the VM.
 */
#include "runtime/guest.h"

#define BOOT_COUNTER 0x7e

static uint8_t cmos_read(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
    outb(0x70, idx);
    outb(0x71, v);
}

static void triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty = {0, 0};
    /* ud2 rather than int3: the emulator cannot deliver software interrupts (see docs). */
    __asm__ volatile("lidt %0; ud2" ::"m"(empty));
}

void guest_main(void)
{
    uint8_t boots = cmos_read(BOOT_COUNTER);

    printf("reset: boot %u\n", boots + 1);
    cmos_write(BOOT_COUNTER, boots + 1);
    switch (boots) {
    case 0:
        printf("reset: triple fault\n");
        triple_fault();
        break;
    case 1:
        printf("reset: i8042 reset line\n");
        outb(0x64, 0xfe);
        break;
    default:
        cmos_write(BOOT_COUNTER, 0);
        return;
    }
    for (;;)
        __asm__ volatile("pause");
}
