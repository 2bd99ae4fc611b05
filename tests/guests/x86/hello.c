/* hello: the smallest guest; proves multiboot entry, long mode and the serial port. */
#include "runtime/guest.h"

void guest_main(void)
{
    printf("hello from a kestrel test guest (64-bit long mode)\n");
    printf("command line: '%s'\n", cmdline());
}
