/* The Bochs/QEMU debug console: bytes written to its port go to a chardev. */
#ifndef KESTREL_HW_MISC_DEBUGCON_H
#define KESTREL_HW_MISC_DEBUGCON_H

#include "core/io.h"

struct chardev;

#define DEBUGCON_DEFAULT_PORT 0xe9
/* Reads return this value so guests can detect the device, as QEMU's readback does. */
#define DEBUGCON_READBACK 0xe9

struct debugcon {
    struct chardev *chr;
};

io_handler_fn debugcon_io;

#endif
