/*
 * virtio-blk (virtio 1.2, section 5.2) on a raw image file. Requests run on the device's own
 * I/O thread, so a vCPU's notify costs no more than waking it; FLUSH is fdatasync, a
 * read-only drive refuses writes, and GET_ID returns the drive's serial number.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_BLK_H
#define KESTREL_HW_VIRTIO_VIRTIO_BLK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/virtio/virtio_mmio.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_BLK_SERIAL_LEN 20

struct virtio_blk {
    int fd;
    uint64_t sectors; /* capacity in 512-byte sectors */
    bool readonly;
    char serial[VIRTIO_BLK_SERIAL_LEN];

    struct virtio_mmio *transport;
    pthread_t thread;
    bool thread_started;
    int kick_fd;          /* an eventfd the I/O thread blocks on: notifies signal it */
    atomic_bool stopping;
    struct virtq_chain chain;
};

extern const struct virtio_device_ops virtio_blk_ops;
/* The ops to use: a read-only drive also offers VIRTIO_BLK_F_RO. */
const struct virtio_device_ops *virtio_blk_ops_for(bool readonly);

/*
 * Opens path (read-only when asked) and starts the I/O thread. Errors are reported to the
 * user, naming the file. 0 or -errno.
 */
int virtio_blk_init(struct virtio_blk *b, const char *path, bool readonly, const char *serial,
                    struct virtio_mmio *transport);
void virtio_blk_destroy(struct virtio_blk *b);

#endif
