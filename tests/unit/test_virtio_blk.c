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

#include "hw/virtio/virtio_blk.h"
#include "tests/unit/virtio_driver.h"

#define HDR VD_BUF(0)
#define DATA VD_BUF(1)
#define STATUS VD_BUF(2)
#define SECTORS 64

enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8 };

struct rig {
    struct vdrv d;
    struct virtio_blk blk;
    char path[256];
};

static void *ram(struct rig *r, uint64_t gpa)
{
    return vdrv_ram(&r->d, gpa);
}

static uint32_t rd(struct rig *r, uint64_t reg, unsigned size)
{
    return vdrv_rd(&r->d, reg, size);
}

static void rig_init(struct rig *r, bool readonly)
{
    memset(r, 0, sizeof(*r));
    char *dir = g_dir_make_tmp("kestrel-blk-XXXXXX", NULL);
    snprintf(r->path, sizeof(r->path), "%s/disk.img", dir);
    g_free(dir);
    uint8_t image[SECTORS * 512];
    for (unsigned i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i * 7 + i / 512);
    g_assert_true(g_file_set_contents(r->path, (const char *)image, sizeof(image), NULL));
    vdrv_init(&r->d, virtio_blk_ops_for(readonly), &r->blk);
    g_assert_cmpint(virtio_blk_init(&r->blk, r->path, readonly, "SERIAL-1234", &r->d.t), ==, 0);
    vdrv_start(&r->d, 1);
}

static void rig_free(struct rig *r)
{
    virtio_blk_destroy(&r->blk);
    g_unlink(r->path);
    char *dir = g_path_get_dirname(r->path);
    g_rmdir(dir);
    g_free(dir);
    vdrv_free(&r->d);
}

/* Submits header + data (len bytes, device-writable for reads) + status; waits for the
 * answer; returns the status byte and the used length in *written. */
static uint8_t request(struct rig *r, uint32_t type, uint64_t sector, uint32_t len,
                       uint32_t *written)
{
    uint8_t hdr[16] = {0};
    uint32_t id;
    memcpy(hdr, &type, 4);
    memcpy(hdr + 8, &sector, 8);
    memcpy(ram(r, HDR), hdr, 16);
    *(uint8_t *)ram(r, STATUS) = 0xee;
    bool device_writes = type != T_OUT;
    vdrv_desc(&r->d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, len ? 1 : 2);
    vdrv_desc(&r->d, 0, 1, DATA, len,
              VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0), 2);
    vdrv_desc(&r->d, 0, 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    vdrv_offer(&r->d, 0, 0);
    vdrv_wr(&r->d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    bool answered = false;
    for (int i = 0; i < 5000 && !(answered = vdrv_take_used(&r->d, 0, &id, written)); i++)
        g_usleep(1000); /* the I/O thread answers */
    g_assert_true(answered);
    g_assert_cmpuint(id, ==, 0);
    uint32_t more_id, more_len;
    g_assert_false(vdrv_take_used(&r->d, 0, &more_id, &more_len)); /* one answer, no more */
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
