/* virtio-rng (virtio 1.2, section 5.4): one queue the driver fills with buffers to be filled
 * with random bytes, fed from the host's getrandom(). */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_RNG_H
#define KESTREL_HW_VIRTIO_VIRTIO_RNG_H

#include "hw/virtio/virtio_mmio.h"

#define VIRTIO_ID_RNG 4

struct virtio_rng {
    struct virtq_chain chain;
    uint64_t bytes_served;
};

extern const struct virtio_device_ops virtio_rng_ops;

#endif
