/* A sink: a claimed address range whose writes vanish and reads return all ones (port 0x80). */
#include "hw/misc/io_sink.h"

void io_sink_io(void *opaque, struct io_access *a)
{
    (void)opaque;
    if (!a->is_write)
        a->data = io_size_mask(a->size);
}
