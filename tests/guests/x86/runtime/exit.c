/* Ending a test through isa-debug-exit: status (code << 1) | 1 in both QEMU and kestrel. */
#include "guest.h"

void exit_code(uint32_t code)
{
    outl(DEBUG_EXIT_PORT, code);
    /* Without the device nothing stops us: halt for good so the harness sees a hang. */
    for (;;)
        __asm__ volatile("cli; hlt");
}

void pass(void)
{
    printf("PASS\n");
    exit_code(0);
}

void fail(const char *why, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, why);
    vsnprintf(buf, sizeof(buf), why, ap);
    va_end(ap);
    printf("FAIL: %s\n", buf);
    exit_code(1);
}
