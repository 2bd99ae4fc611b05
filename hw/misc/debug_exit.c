/* isa-debug-exit: a guest write ends kestrel with status (value << 1) | 1, as in QEMU. */
#include "hw/misc/debug_exit.h"

#include "core/runstate.h"

void debug_exit_io(void *opaque, struct io_access *a)
{
    struct debug_exit *dev = opaque;

    if (a->is_write)
        runstate_request_exit(dev->runstate, debug_exit_status(a->data));
    else
        a->data = 0;
}
