/*
 * Unit tests for hw/virtio/virtio_blk behind the virtio-mmio transport: requests as a driver
 * builds them, and hostile ones (past the end, overflowing sectors, partial sectors, unknown
 * types, no status byte), checked against the image file on the host.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "core/memory.h"
#include "hw/virtio/virtio_blk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define Q_DESC (RAM_BASE + 0x1000)
#define Q_AVAIL (RAM_BASE + 0x2000)
#define Q_USED (RAM_BASE + 0x3000)
#define HDR (RAM_BASE + 0x8000)
#define DATA (RAM_BASE + 0x9000)
#define STATUS (RAM_BASE + 0xa000)
#define NUM 8
#define SECTORS 64

enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8 };

struct rig {
    struct guest_memory mem;
    struct irq_chip chip;
    struct virtio_mmio t;
    struct virtio_blk blk;
    char path[256];
    uint16_t avail_idx;
};

static void no_irq(void *opaque, uint32_t pin, int level)
{
    (void)opaque, (void)pin, (void)level;
}

static void *ram(struct rig *r, uint64_t gpa)
{
    return gpa_to_host(&r->mem, gpa, 1);
}

static void wr(struct rig *r, uint64_t reg, uint32_t v)
{
    struct io_access a = {.offset = reg, .size = 4, .is_write = true, .data = v};
    virtio_mmio_io(&r->t, &a);
}

static uint32_t rd(struct rig *r, uint64_t reg, unsigned size)
{
    struct io_access a = {.offset = reg, .size = size, .is_write = false};
    virtio_mmio_io(&r->t, &a);
    return (uint32_t)a.data;
}

static void rig_init(struct rig *r, bool readonly)
{
    memset(r, 0, sizeof(*r));
    g_assert_cmpint(guest_memory_add_ram(&r->mem, RAM_BASE, RAM_SIZE), ==, 0);
    char *dir = g_dir_make_tmp("kestrel-blk-XXXXXX", NULL);
    snprintf(r->path, sizeof(r->path), "%s/disk.img", dir);
    g_free(dir);
    uint8_t image[SECTORS * 512];
    for (unsigned i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i * 7 + i / 512);
    g_assert_true(g_file_set_contents(r->path, (const char *)image, sizeof(image), NULL));
    r->chip = (struct irq_chip){no_irq, NULL};
    virtio_mmio_init(&r->t, "virtio-blk@test", virtio_blk_ops_for(readonly), &r->blk, &r->mem,
                     irq_line_make(&r->chip, 1));
    g_assert_cmpint(virtio_blk_init(&r->blk, r->path, readonly, "SERIAL-1234", &r->t), ==, 0);
    /* Driver initialisation with queue 0. */
    wr(r, VIRTIO_MMIO_STATUS, 3);
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(r, VIRTIO_MMIO_STATUS, 0x0b);
    wr(r, VIRTIO_MMIO_QUEUE_NUM, NUM);
    wr(r, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)Q_DESC);
    wr(r, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(Q_DESC >> 32));
    wr(r, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)Q_AVAIL);
    wr(r, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(Q_AVAIL >> 32));
    wr(r, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)Q_USED);
    wr(r, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(Q_USED >> 32));
    wr(r, VIRTIO_MMIO_QUEUE_READY, 1);
    wr(r, VIRTIO_MMIO_STATUS, 0x0f);
}

static void rig_free(struct rig *r)
{
    virtio_blk_destroy(&r->blk);
    g_unlink(r->path);
    char *dir = g_path_get_dirname(r->path);
    g_rmdir(dir);
    g_free(dir);
    guest_memory_free(&r->mem);
}

static void put_desc(struct rig *r, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint8_t *d = ram(r, Q_DESC + 16ull * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static uint16_t used_idx(struct rig *r)
{
    return __atomic_load_n((uint16_t *)ram(r, Q_USED + 2), __ATOMIC_ACQUIRE);
}

/* Submits header + data (len bytes, device-writable for reads) + status; waits for the
 * answer; returns the status byte and the used length in *written. */
static uint8_t request(struct rig *r, uint32_t type, uint64_t sector, uint32_t len,
                       uint32_t *written)
{
    uint8_t hdr[16] = {0};
    memcpy(hdr, &type, 4);
    memcpy(hdr + 8, &sector, 8);
    memcpy(ram(r, HDR), hdr, 16);
    *(uint8_t *)ram(r, STATUS) = 0xee;
    bool device_writes = type != T_OUT;
    put_desc(r, 0, HDR, 16, VIRTQ_DESC_F_NEXT, len ? 1 : 2);
    put_desc(r, 1, DATA, len, VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0), 2);
    put_desc(r, 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    uint16_t head = 0, before = used_idx(r);
    memcpy(ram(r, Q_AVAIL + 4 + 2u * (r->avail_idx % NUM)), &head, 2);
    r->avail_idx++;
    __atomic_store_n((uint16_t *)ram(r, Q_AVAIL + 2), r->avail_idx, __ATOMIC_RELEASE);
    wr(r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    for (int i = 0; i < 5000 && used_idx(r) == before; i++)
        g_usleep(1000); /* the I/O thread answers */
    g_assert_cmpuint(used_idx(r), ==, (uint16_t)(before + 1));
    memcpy(written, ram(r, Q_USED + 4 + 8u * (before % NUM) + 4), 4);
    return *(uint8_t *)ram(r, STATUS);
}

static void file_bytes(struct rig *r, uint64_t off, void *buf, size_t len)
{
    gchar *contents;
    gsize size;
    g_assert_true(g_file_get_contents(r->path, &contents, &size, NULL));
    g_assert_cmpuint(off + len, <=, size);
    memcpy(buf, contents + off, len);
    g_free(contents);
}

static void test_read_write_flush_id(void)
{
    struct rig r;
    uint32_t written;
    uint8_t want[1024], got[1024];
    rig_init(&r, false);

    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_DEVICE_ID, 4), ==, VIRTIO_ID_BLOCK);
    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_CONFIG, 4), ==, SECTORS); /* capacity, low half */
    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_CONFIG + 20, 4), ==, 512); /* blk_size */

    g_assert_cmpuint(request(&r, T_IN, 3, 1024, &written), ==, 0);
    g_assert_cmpuint(written, ==, 1025); /* data and the status byte */
    file_bytes(&r, 3 * 512, want, sizeof(want));
    g_assert_cmpmem(ram(&r, DATA), 1024, want, 1024);

    memset(ram(&r, DATA), 0xa5, 512);
    g_assert_cmpuint(request(&r, T_OUT, SECTORS - 1, 512, &written), ==, 0);
    g_assert_cmpuint(written, ==, 1);
    file_bytes(&r, (SECTORS - 1) * 512, got, 512);
    memset(want, 0xa5, 512);
    g_assert_cmpmem(got, 512, want, 512);

    g_assert_cmpuint(request(&r, T_FLUSH, 0, 0, &written), ==, 0);
    g_assert_cmpuint(request(&r, T_GET_ID, 0, 20, &written), ==, 0);
    g_assert_cmpmem(ram(&r, DATA), 11, "SERIAL-1234", 11);
    rig_free(&r);
}

static void test_hostile_requests(void)
{
    struct rig r;
    uint32_t written;
    uint8_t before[SECTORS * 512], after[SECTORS * 512];
    rig_init(&r, false);
    file_bytes(&r, 0, before, sizeof(before));

    memset(ram(&r, DATA), 0x5a, 1024);
    g_assert_cmpuint(request(&r, T_OUT, SECTORS, 512, &written), ==, 1);      /* past the end */
    g_assert_cmpuint(request(&r, T_OUT, SECTORS - 1, 1024, &written), ==, 1); /* runs past it */
    g_assert_cmpuint(request(&r, T_OUT, UINT64_MAX, 512, &written), ==, 1);   /* overflows */
    g_assert_cmpuint(request(&r, T_OUT, UINT64_MAX / 512 + 1, 512, &written), ==, 1);
    g_assert_cmpuint(request(&r, T_OUT, 0, 100, &written), ==, 1);            /* partial sector */
    g_assert_cmpuint(request(&r, T_IN, SECTORS, 512, &written), ==, 1);
    g_assert_cmpuint(request(&r, 99, 0, 512, &written), ==, 2);               /* unknown type */
    file_bytes(&r, 0, after, sizeof(after));
    g_assert_cmpmem(after, sizeof(after), before, sizeof(before)); /* nothing written */
    g_assert_cmphex(rd(&r, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, ==, 0);
    rig_free(&r);
}

static void test_readonly(void)
{
    struct rig r;
    uint32_t written;
    uint8_t before[512], after[512];
    rig_init(&r, true);

    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_DEVICE_FEATURES, 4) & (1u << 5), !=, 0); /* F_RO */
    file_bytes(&r, 512, before, sizeof(before));
    memset(ram(&r, DATA), 0x11, 512);
    g_assert_cmpuint(request(&r, T_OUT, 1, 512, &written), ==, 1);
    file_bytes(&r, 512, after, sizeof(after));
    g_assert_cmpmem(after, 512, before, 512);
    g_assert_cmpuint(request(&r, T_IN, 1, 512, &written), ==, 0); /* reads still work */
    g_assert_cmpmem(ram(&r, DATA), 512, before, 512);
    rig_free(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio_blk/read-write-flush-id", test_read_write_flush_id);
    g_test_add_func("/virtio_blk/hostile-requests", test_hostile_requests);
    g_test_add_func("/virtio_blk/readonly", test_readonly);
    return g_test_run();
}
