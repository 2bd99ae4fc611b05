/* virtio-blk on a raw image; see virtio_blk.h. */
#include "hw/virtio/virtio_blk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/log.h"

#define SECTOR 512u
#define BLK_SEG_MAX 254u /* what we tell the driver; the walker allows more */

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)

/* Request types and status values (5.2.6). */
enum { BLK_T_IN = 0, BLK_T_OUT = 1, BLK_T_FLUSH = 4, BLK_T_GET_ID = 8 };
enum { BLK_S_OK = 0, BLK_S_IOERR = 1, BLK_S_UNSUPP = 2 };

#define BLK_HEADER 16 /* type u32, reserved u32, sector u64 */

/* ---- configuration space (5.2.4): capacity, size_max, seg_max, geometry, blk_size ---- */

static uint64_t blk_config_read(void *dev, uint64_t off, unsigned size)
{
    const struct virtio_blk *b = dev;
    uint8_t cfg[24] = {0};
    uint32_t seg_max = BLK_SEG_MAX, blk_size = SECTOR;
    uint64_t v = 0;

    memcpy(cfg, &b->sectors, 8);
    memcpy(cfg + 12, &seg_max, 4);
    memcpy(cfg + 20, &blk_size, 4);
    if (off < sizeof(cfg) && size <= sizeof(cfg) - off)
        memcpy(&v, cfg + off, size);
    return v;
}

/* ---- one request ---- */

/* Moves len bytes at byte offset pos between the file and the chain, all of it or fail. */
static bool blk_rw(struct virtio_blk *b, const struct virtq_chain *c, bool is_read,
                   uint64_t data_off, uint64_t len, uint64_t pos)
{
    struct iovec iov[VIRTQ_MAX_SEGS];
    int n = (int)virtq_chain_iov(c, is_read, data_off, len, iov);

    while (len) {
        ssize_t done = is_read ? preadv(b->fd, iov, n, (off_t)pos)
                               : pwritev(b->fd, iov, n, (off_t)pos);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return false;
        len -= (uint64_t)done;
        pos += (uint64_t)done;
        /* Short transfer: skip what was done and go on with the rest. */
        while (n && (size_t)done >= iov[0].iov_len) {
            done -= (ssize_t)iov[0].iov_len;
            memmove(iov, iov + 1, sizeof(iov[0]) * (size_t)--n);
        }
        if (n) {
            iov[0].iov_base = (uint8_t *)iov[0].iov_base + done;
            iov[0].iov_len -= (size_t)done;
        }
    }
    return true;
}

/* Runs one request; returns the status byte. *written counts bytes given to the driver. */
static uint8_t blk_request(struct virtio_blk *b, const struct virtq_chain *c, uint32_t *written)
{
    uint8_t hdr[BLK_HEADER];
    uint32_t type;
    uint64_t sector;

    *written = 0;
    if (virtq_chain_read(c, 0, hdr, sizeof(hdr)) != sizeof(hdr))
        return BLK_S_IOERR;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    uint64_t out_data = c->readable_bytes - BLK_HEADER; /* bytes after the header */
    uint64_t in_data = c->writable_bytes - 1;           /* bytes before the status byte */
    switch (type) {
    case BLK_T_IN:
    case BLK_T_OUT: {
        bool is_read = type == BLK_T_IN;
        uint64_t len = is_read ? in_data : out_data;
        if (!is_read && b->readonly)
            return BLK_S_IOERR;
        if (len % SECTOR || sector > b->sectors || len / SECTOR > b->sectors - sector)
            return BLK_S_IOERR;
        if (!blk_rw(b, c, is_read, is_read ? 0 : BLK_HEADER, len, sector * SECTOR))
            return BLK_S_IOERR;
        *written = is_read ? (uint32_t)len : 0;
        return BLK_S_OK;
    }
    case BLK_T_FLUSH:
        return fdatasync(b->fd) == 0 ? BLK_S_OK : BLK_S_IOERR;
    case BLK_T_GET_ID: {
        size_t n = in_data < VIRTIO_BLK_SERIAL_LEN ? (size_t)in_data : VIRTIO_BLK_SERIAL_LEN;
        *written = (uint32_t)virtq_chain_write(c, 0, b->serial, n);
        return BLK_S_OK;
    }
    default:
        return BLK_S_UNSUPP;
    }
}

/* ---- the I/O thread ---- */

static void blk_run_queue(struct virtio_blk *b)
{
    struct virtio_mmio *t = b->transport;

    for (;;) {
        pthread_mutex_lock(&t->lock);
        int got = virtio_mmio_pop(t, 0, &b->chain);
        uint32_t epoch = virtio_mmio_queue_epoch(t, 0);
        pthread_mutex_unlock(&t->lock);
        if (got != 1)
            return;
        uint32_t written = 0;
        uint8_t status = BLK_S_IOERR;
        /* A request needs its header and a status byte to answer in. */
        if (b->chain.readable_bytes >= BLK_HEADER && b->chain.writable_bytes >= 1)
            status = blk_request(b, &b->chain, &written);
        if (b->chain.writable_bytes >= 1)
            virtq_chain_write(&b->chain, b->chain.writable_bytes - 1, &status, 1);
        pthread_mutex_lock(&t->lock);
        /* Not if the driver reset the device or redid the queue meanwhile. */
        if (epoch == virtio_mmio_queue_epoch(t, 0))
            virtio_mmio_push(t, 0, &b->chain, written + (b->chain.writable_bytes ? 1 : 0));
        pthread_mutex_unlock(&t->lock);
    }
}

static void *blk_thread(void *opaque)
{
    struct virtio_blk *b = opaque;
    eventfd_t count;

    for (;;) {
        /* Blocks until a notify, from the transport or straight from an ioeventfd. */
        if (eventfd_read(b->kick_fd, &count) < 0 && errno != EINTR)
            break;
        if (atomic_load(&b->stopping))
            break;
        blk_run_queue(b);
    }
    return NULL;
}

/* Wakes the I/O thread; a failure means the counter is saturated: it is awake anyway. */
static void blk_kick(struct virtio_blk *b)
{
    eventfd_write(b->kick_fd, 1);
}

/* Called with the transport's lock held: only wakes the I/O thread. */
static void blk_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
    (void)t, (void)q;
    blk_kick(dev);
}

/* The I/O thread waits on this eventfd itself: a fast path may let the guest's QueueNotify
 * signal it directly. */
static int blk_queue_eventfd(void *dev, unsigned q)
{
    const struct virtio_blk *b = dev;

    return q == 0 ? b->kick_fd : -1;
}

const struct virtio_device_ops virtio_blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH,
    .nr_queues = 1,
    .queue_max = 256,
    .config_read = blk_config_read,
    .notify = blk_notify,
    .queue_eventfd = blk_queue_eventfd,
};

/* The read-only variant offers VIRTIO_BLK_F_RO too. */
static struct virtio_device_ops virtio_blk_ro_ops;

int virtio_blk_init(struct virtio_blk *b, const char *path, bool readonly, const char *serial,
                    struct virtio_mmio *transport)
{
    struct stat st;

    memset(b, 0, sizeof(*b));
    b->fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (b->fd < 0) {
        int err = errno;
        log_error("-drive file=%s: cannot open: %s%s", path, strerror(err),
                  err == EACCES || err == EROFS ? " (add readonly=on to use it read-only)" : "");
        return -err;
    }
    if (fstat(b->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size % SECTOR) {
        log_error("-drive file=%s: not a regular file whose size is a multiple of 512 bytes",
                  path);
        close(b->fd);
        b->fd = -1;
        return -EINVAL;
    }
    b->sectors = (uint64_t)st.st_size / SECTOR;
    b->readonly = readonly;
    if (serial) /* 20 bytes, NUL-padded, not NUL-terminated when all 20 are used (5.2.6) */
        memcpy(b->serial, serial, strnlen(serial, sizeof(b->serial)));
    b->transport = transport;
    atomic_init(&b->stopping, false);
    b->kick_fd = eventfd(0, EFD_CLOEXEC);
    if (b->kick_fd < 0 || pthread_create(&b->thread, NULL, blk_thread, b) != 0) {
        log_error("-drive file=%s: cannot start its I/O thread", path);
        if (b->kick_fd >= 0)
            close(b->kick_fd);
        b->kick_fd = -1;
        close(b->fd);
        b->fd = -1;
        return -EAGAIN;
    }
    b->thread_started = true;
    return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
    if (b->thread_started) {
        atomic_store(&b->stopping, true);
        blk_kick(b);
        pthread_join(b->thread, NULL);
        close(b->kick_fd);
        b->thread_started = false;
    }
    if (b->fd >= 0)
        close(b->fd);
    b->fd = -1;
}

const struct virtio_device_ops *virtio_blk_ops_for(bool readonly)
{
    if (!readonly)
        return &virtio_blk_ops;
    virtio_blk_ro_ops = virtio_blk_ops;
    virtio_blk_ro_ops.features |= VIRTIO_BLK_F_RO;
    return &virtio_blk_ro_ops;
}
