/* Unit tests for hw/virtio/virtio_mmio: what a driver probing an empty slot reads. */
#include <glib.h>
#include <stdint.h>

#include "hw/virtio/virtio_mmio.h"

static uint64_t rd(struct virtio_mmio *t, uint64_t offset, uint32_t size)
{
    struct io_access a = {.offset = offset, .size = size, .is_write = false, .data = 0xdead};

    virtio_mmio_io(t, &a);
    return a.data;
}

static void wr(struct virtio_mmio *t, uint64_t offset, uint64_t value)
{
    struct io_access a = {.offset = offset, .size = 4, .is_write = true, .data = value};

    virtio_mmio_io(t, &a);
}

static void test_empty_slot_identity(void)
{
    struct virtio_mmio t;

    virtio_mmio_init_empty(&t, "virtio-mmio@test");
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_MAGIC_VALUE, 4), ==, 0x74726976);
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_VERSION_REG, 4), ==, 2);
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_DEVICE_ID, 4), ==, 0); /* no device */
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_VENDOR_ID, 4), ==, VIRTIO_MMIO_VENDOR);
}

static void test_empty_slot_is_inert(void)
{
    struct virtio_mmio t;

    virtio_mmio_init_empty(&t, "virtio-mmio@test");
    /* DeviceFeatures, QueueNumMax, Status, InterruptStatus, ConfigGeneration, config */
    static const uint64_t regs[] = {0x010, 0x034, 0x070, 0x060, 0x0fc, 0x100, 0xffc};
    for (unsigned i = 0; i < G_N_ELEMENTS(regs); i++)
        g_assert_cmphex(rd(&t, regs[i], 4), ==, 0);
    wr(&t, 0x070, 0xf);  /* Status: ACKNOWLEDGE | DRIVER | DRIVER_OK | FAILED */
    wr(&t, 0x008, 0x12); /* DeviceID is read-only */
    g_assert_cmphex(rd(&t, 0x070, 4), ==, 0);
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_DEVICE_ID, 4), ==, 0);
}

/* Registers are 32-bit: narrower, wider or misaligned reads return 0, never a register. */
static void test_non_word_access(void)
{
    struct virtio_mmio t;

    virtio_mmio_init_empty(&t, "virtio-mmio@test");
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_MAGIC_VALUE, 1), ==, 0);
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_MAGIC_VALUE, 2), ==, 0);
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_MAGIC_VALUE, 8), ==, 0);
    g_assert_cmphex(rd(&t, VIRTIO_MMIO_MAGIC_VALUE + 2, 4), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio_mmio/empty-slot-identity", test_empty_slot_identity);
    g_test_add_func("/virtio_mmio/empty-slot-inert", test_empty_slot_is_inert);
    g_test_add_func("/virtio_mmio/non-word-access", test_non_word_access);
    return g_test_run();
}
