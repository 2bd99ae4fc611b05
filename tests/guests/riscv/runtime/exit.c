/* Ending a test through the sifive_test finisher: status 0 for PASS, 1 for FAIL. */
#include "guest.h"

#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

uint64_t boot_hartid, boot_fdt;

void exit_code(uint32_t code)
{
    uint32_t v = code ? (code << 16) | FINISHER_FAIL : FINISHER_PASS;

    mmio_write32(VIRT_TEST_BASE, v);
    /* Without a finisher nothing stops us: sleep for good so the harness sees a hang. */
    csr_write(mie, 0);
    for (;;)
        wfi();
}

void pass(void)
{
    printf("PASS\n");
    exit_code(0);
}

void fail(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("FAIL: %s\n", buf);
    exit_code(1);
}
