/* The virtio-mmio transport; see virtio_mmio.h. */
#include "hw/virtio/virtio_mmio.h"

#include <inttypes.h>

#include "core/log.h"

void virtio_mmio_init_empty(struct virtio_mmio *t, const char *name)
{
    t->name = name;
    t->device_id = 0;
}

/* Drivers access the registers 32 bits at a time (4.2.2.2); anything else is logged. */
static bool access_ok(const struct virtio_mmio *t, const struct io_access *a)
{
    if (a->size == 4 && !(a->offset & 3))
        return true;
    if (log_enabled(LOG_GUEST_ERROR))
        log_debug("%s: %u-byte %s at offset 0x%" PRIx64 " ignored (registers are 32-bit)\n",
                  t->name, a->size, a->is_write ? "write" : "read", a->offset);
    return false;
}

void virtio_mmio_io(void *opaque, struct io_access *a)
{
    struct virtio_mmio *t = opaque;

    if (!access_ok(t, a) || a->is_write) {
        /* An empty slot has nothing a write could change. */
        a->data = 0;
        return;
    }
    switch (a->offset) {
    case VIRTIO_MMIO_MAGIC_VALUE: a->data = VIRTIO_MMIO_MAGIC; break;
    case VIRTIO_MMIO_VERSION_REG: a->data = VIRTIO_MMIO_VERSION; break;
    case VIRTIO_MMIO_DEVICE_ID: a->data = t->device_id; break;
    case VIRTIO_MMIO_VENDOR_ID: a->data = VIRTIO_MMIO_VENDOR; break;
    default: a->data = 0; break; /* no features, no queues, no status, no config space */
    }
}
