/*
 * hello: the smallest guest; proves multiboot entry, long mode and the serial port. It also
 * lists its multiboot modules (-initrd) with a checksum of their bytes, and with "exit=N"
 * on its command line ends through isa-debug-exit with code N.
 */
#include "runtime/guest.h"

static uint32_t fnv1a(const uint8_t *p, uint32_t len)
{
    uint32_t h = 2166136261u;
    while (len--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

static void list_modules(void)
{
    struct boot_module mods[8];
    unsigned n = boot_modules(mods, 8);

    for (unsigned i = 0; i < n; i++)
        printf("module %u: '%s' %u bytes fnv1a=0x%08x\n", i, mods[i].cmdline, mods[i].len,
               fnv1a(mods[i].data, mods[i].len));
}

void guest_main(void)
{
    printf("hello from a kestrel test guest (64-bit long mode)\n");
    printf("command line: '%s'\n", cmdline());
    list_modules();
    /* The Bochs/QEMU debug console; nothing listens there unless -debugcon is given. */
    for (const char *p = "debugcon: hello from port 0xe9\n"; *p; p++)
        outb(0xe9, (uint8_t)*p);
    if (cmdline_uint("exit", 0))
        exit_code((uint32_t)cmdline_uint("exit", 0));
}
