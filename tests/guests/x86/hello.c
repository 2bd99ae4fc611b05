/* hello: the smallest guest; proves multiboot entry, long mode and the serial port. */
#include "runtime/guest.h"

void guest_main(void)
{
    printf("hello from a kestrel test guest (64-bit long mode)\n");
    printf("command line: '%s'\n", cmdline());
    /* The Bochs/QEMU debug console; nothing listens there unless -debugcon is given. */
    for (const char *p = "debugcon: hello from port 0xe9\n"; *p; p++)
        outb(0xe9, (uint8_t)*p);
}
