/* virtio-rng: every writable buffer the driver offers comes back full of getrandom() bytes. */
#include "hw/virtio/virtio_rng.h"

#include <sys/random.h>

/* At most this much per request: a guest asking for more gets a short answer, as allowed. */
#define RNG_MAX_REQUEST 65536

static uint32_t fill_chain(const struct virtq_chain *c)
{
    uint8_t buf[4096];
    uint64_t want = c->writable_bytes < RNG_MAX_REQUEST ? c->writable_bytes : RNG_MAX_REQUEST;
    uint32_t done = 0;

    while (done < want) {
        size_t n = want - done < sizeof(buf) ? (size_t)(want - done) : sizeof(buf);
        ssize_t got = getrandom(buf, n, 0);
        if (got <= 0)
            break; /* the host has no randomness to give: return what we have */
        done += (uint32_t)virtq_chain_write(c, done, buf, (size_t)got);
    }
    return done;
}

static void rng_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
    struct virtio_rng *rng = dev;

    while (virtio_mmio_pop(t, q, &rng->chain) == 1) {
        uint32_t n = fill_chain(&rng->chain);
        rng->bytes_served += n;
        virtio_mmio_push(t, q, &rng->chain, n);
    }
}

const struct virtio_device_ops virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
    .features = 0,
    .nr_queues = 1,
    .queue_max = 256,
    .notify = rng_notify,
};
