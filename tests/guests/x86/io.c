/* io: port I/O and MMIO round trips through kestrel's device dispatch (pc-testdev, UART, CMOS). */
#include "runtime/guest.h"

#define TESTDEV_PORT 0xe0
#define TESTDEV_BYTE_PORT 0xe8
#define TESTDEV_IOMEM 0xff000000ull
#define COM1 0x3f8
#define UNCLAIMED_PORT 0x3e0

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

static void test_port_widths(void)
{
    outl(TESTDEV_PORT, 0x12345678);
    CHECK(inl(TESTDEV_PORT) == 0x12345678, "outl/inl: 0x%x", inl(TESTDEV_PORT));
    CHECK(inw(TESTDEV_PORT + 2) == 0x1234, "inw at +2: 0x%x", inw(TESTDEV_PORT + 2));
    CHECK(inb(TESTDEV_PORT + 1) == 0x56, "inb at +1: 0x%x", inb(TESTDEV_PORT + 1));
    outb(TESTDEV_PORT + 3, 0xab);
    outw(TESTDEV_PORT, 0xcdef);
    CHECK(inl(TESTDEV_PORT) == 0xab34cdef, "mixed widths: 0x%x", inl(TESTDEV_PORT));
    printf("pio: 8/16/32-bit round trips through pc-testdev\n");
}

static void test_string_io(void)
{
    static const char out[4] = {'w', 'x', 'y', 'z'};
    uint16_t in[3] = {0};

    const char *src = out;
    uint16_t *dst = in;
    uint64_t count = 4;

    outl(TESTDEV_PORT, 0);
    /* Each byte lands on the same register: the last one stays. */
    __asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(count) : "d"(TESTDEV_BYTE_PORT)
                     : "memory");
    CHECK(inb(TESTDEV_PORT) == 'z', "rep outsb left 0x%x", inb(TESTDEV_PORT));
    outw(TESTDEV_PORT, 0xbeef);
    count = 3;
    __asm__ volatile("cld; rep insw" : "+D"(dst), "+c"(count) : "d"(TESTDEV_PORT) : "memory");
    CHECK(in[0] == 0xbeef && in[1] == 0xbeef && in[2] == 0xbeef, "rep insw read %x %x %x",
          in[0], in[1], in[2]);
    printf("pio: rep outsb / rep insw repeat on one port\n");
}

static void test_mmio(void)
{
    mmio_write64(TESTDEV_IOMEM + 0x100, 0x0123456789abcdefull);
    CHECK(mmio_read64(TESTDEV_IOMEM + 0x100) == 0x0123456789abcdefull, "64-bit MMIO");
    CHECK(mmio_read32(TESTDEV_IOMEM + 0x104) == 0x01234567, "32-bit MMIO at +4");
    CHECK(mmio_read16(TESTDEV_IOMEM + 0x102) == 0x89ab, "16-bit MMIO at +2");
    CHECK(mmio_read8(TESTDEV_IOMEM + 0x101) == 0xcd, "8-bit MMIO at +1");
    mmio_write8(TESTDEV_IOMEM + 0xffff, 0x5a);
    CHECK(mmio_read8(TESTDEV_IOMEM + 0xffff) == 0x5a, "last MMIO byte");
    for (uint32_t i = 0; i < 64; i++)
        mmio_write32(TESTDEV_IOMEM + 0x1000 + 4 * i, i * 0x01010101u);
    for (uint32_t i = 0; i < 64; i++)
        CHECK(mmio_read32(TESTDEV_IOMEM + 0x1000 + 4 * i) == i * 0x01010101u, "MMIO word %u",
              i);
    printf("mmio: 8/16/32/64-bit round trips through pc-testdev\n");
}

static void test_uart_and_cmos(void)
{
    outb(COM1 + 7, 0xa5);
    CHECK(inb(COM1 + 7) == 0xa5, "UART scratch register");
    outb(COM1 + 3, 0x83); /* DLAB: the divisor latch shares offsets 0 and 1 */
    outb(COM1 + 0, 0x34);
    outb(COM1 + 1, 0x12);
    CHECK(inb(COM1 + 0) == 0x34 && inb(COM1 + 1) == 0x12, "UART divisor latch");
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    printf("pio: UART scratch and divisor registers\n");

    cmos_write(0x7d, 0x3c);
    CHECK(cmos_read(0x7d) == 0x3c, "CMOS NVRAM byte");
    uint8_t b = cmos_read(0x0b), year = cmos_read(0x09), mon = cmos_read(0x08);
    if (!(b & 0x04)) { /* BCD */
        year = (uint8_t)((year >> 4) * 10 + (year & 0xf));
        mon = (uint8_t)((mon >> 4) * 10 + (mon & 0xf));
    }
    CHECK(year >= 24 && mon >= 1 && mon <= 12, "CMOS clock reads %u-%u", year, mon);
    printf("pio: CMOS NVRAM round trip, clock plausible\n");
}

static void test_unclaimed(void)
{
    CHECK(inb(UNCLAIMED_PORT) == 0xff, "unclaimed inb");
    CHECK(inw(UNCLAIMED_PORT) == 0xffff, "unclaimed inw");
    CHECK(inl(UNCLAIMED_PORT) == 0xffffffff, "unclaimed inl");
    outb(UNCLAIMED_PORT, 1); /* dropped */
    printf("pio: unclaimed ports read as all ones\n");
}

void guest_main(void)
{
    test_port_widths();
    test_string_io();
    test_mmio();
    test_uart_and_cmos();
    test_unclaimed();
}
