/* The Bochs/QEMU debug console: bytes written to its port go to a chardev. */
#include "hw/misc/debugcon.h"

#include "core/chardev.h"

void debugcon_io(void *opaque, struct io_access *a)
{
    struct debugcon *dev = opaque;

    if (!a->is_write) {
        a->data = DEBUGCON_READBACK;
        return;
    }
    uint8_t byte = (uint8_t)a->data;
    chardev_write(dev->chr, &byte, 1);
}
