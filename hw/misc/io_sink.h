/* A sink: a claimed address range whose writes vanish and reads return all ones (port 0x80). */
#ifndef KESTREL_HW_MISC_IO_SINK_H
#define KESTREL_HW_MISC_IO_SINK_H

#include "core/io.h"

io_handler_fn io_sink_io;

#endif
