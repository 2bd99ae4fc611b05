/*
 * The virtio-mmio transport (virtio 1.2, section 4.2), version 2 register layout. Today every
 * slot is empty: DeviceID 0, which the specification reserves for "no device here", so a
 * driver probes the slot and moves on, as with QEMU's virt board. Devices come later.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_MMIO_H
#define KESTREL_HW_VIRTIO_VIRTIO_MMIO_H

#include <stdint.h>

#include "core/io.h"

#define VIRTIO_MMIO_SIZE 0x1000
#define VIRTIO_MMIO_MAGIC 0x74726976u  /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION 2u
#define VIRTIO_MMIO_VENDOR 0x4c54534bu /* "KSTL" */

enum virtio_mmio_reg {
    VIRTIO_MMIO_MAGIC_VALUE = 0x000,
    VIRTIO_MMIO_VERSION_REG = 0x004,
    VIRTIO_MMIO_DEVICE_ID = 0x008,
    VIRTIO_MMIO_VENDOR_ID = 0x00c,
};

struct virtio_mmio {
    const char *name; /* for -d guest_errors */
    uint32_t device_id;
};

/* An empty slot. */
void virtio_mmio_init_empty(struct virtio_mmio *t, const char *name);

io_handler_fn virtio_mmio_io;

#endif
