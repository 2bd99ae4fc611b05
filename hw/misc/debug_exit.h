/* isa-debug-exit: a guest write ends kestrel with status (value << 1) | 1, as in QEMU. */
#ifndef KESTREL_HW_MISC_DEBUG_EXIT_H
#define KESTREL_HW_MISC_DEBUG_EXIT_H

#include "core/io.h"

struct runstate;

struct debug_exit {
    struct runstate *runstate;
};

io_handler_fn debug_exit_io;

/* The process status a written value produces: the low 8 bits of (value << 1) | 1. */
static inline int debug_exit_status(uint64_t value)
{
    return (int)(((value << 1) | 1) & 0xff);
}

#endif
