/* Unit tests for hw/virtio/virtio_mmio: what a driver probing an empty slot reads. */
#include <glib.h>
#include <stdint.h>

#include <string.h>

#include "core/memory.h"
#include "hw/virtio/virtio_mmio.h"
#include "hw/virtio/virtio_rng.h"

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

/* ---- a device behind the transport, driven as a driver would ---- */

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define Q_DESC (RAM_BASE + 0x1000)
#define Q_AVAIL (RAM_BASE + 0x2000)
#define Q_USED (RAM_BASE + 0x3000)
#define Q_BUF (RAM_BASE + 0x8000)

struct fake_irq {
    struct irq_chip chip;
    int level;
    unsigned raised;
};

static void fake_set_level(void *opaque, uint32_t pin, int level)
{
    struct fake_irq *f = opaque;
    (void)pin;
    if (level && !f->level)
        f->raised++;
    f->level = level;
}

struct rig {
    struct guest_memory mem;
    struct fake_irq irq;
    struct virtio_rng rng;
    struct virtio_mmio t;
    uint16_t avail_idx;
};

static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof(*r));
    g_assert_cmpint(guest_memory_add_ram(&r->mem, RAM_BASE, RAM_SIZE), ==, 0);
    r->irq.chip = (struct irq_chip){fake_set_level, &r->irq};
    virtio_mmio_init(&r->t, "virtio-mmio@test", &virtio_rng_ops, &r->rng, &r->mem,
                     irq_line_make(&r->irq.chip, 1));
}

static void *ram(struct rig *r, uint64_t gpa)
{
    return gpa_to_host(&r->mem, gpa, 1);
}

/* The driver's side of initialisation (3.1.1), with queue 0 at the given addresses. */
static void driver_setup(struct rig *r, uint16_t num, uint64_t desc, uint64_t avail,
                         uint64_t used, bool event_idx)
{
    wr(&r->t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(&r->t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(&r->t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    g_assert_cmphex(rd(&r->t, VIRTIO_MMIO_DEVICE_FEATURES, 4) & 1, ==, 1); /* VERSION_1 */
    wr(&r->t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(&r->t, VIRTIO_MMIO_DRIVER_FEATURES, event_idx ? (uint32_t)VIRTIO_F_EVENT_IDX : 0);
    wr(&r->t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(&r->t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(&r->t, VIRTIO_MMIO_STATUS, 0x0b);
    g_assert_cmphex(rd(&r->t, VIRTIO_MMIO_STATUS, 4), ==, 0x0b); /* FEATURES_OK kept */
    wr(&r->t, VIRTIO_MMIO_QUEUE_SEL, 0);
    g_assert_cmpuint(rd(&r->t, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), ==, 256);
    wr(&r->t, VIRTIO_MMIO_QUEUE_NUM, num);
    wr(&r->t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(&r->t, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(&r->t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(&r->t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wr(&r->t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(&r->t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    wr(&r->t, VIRTIO_MMIO_QUEUE_READY, 1);
    wr(&r->t, VIRTIO_MMIO_STATUS, 0x0f);
}

/* Offers descriptor 0 (len bytes at Q_BUF, device-writable, or with next pointing at
 * itself when looping) and notifies. */
static void driver_offer(struct rig *r, uint32_t len, bool looping)
{
    uint64_t addr = Q_BUF;
    uint16_t flags = VIRTQ_DESC_F_WRITE | (looping ? VIRTQ_DESC_F_NEXT : 0), next = 0;
    uint8_t *d = ram(r, Q_DESC);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    uint16_t head = 0;
    memcpy(ram(r, Q_AVAIL + 4 + 2u * (r->avail_idx % 8)), &head, 2);
    r->avail_idx++;
    memcpy(ram(r, Q_AVAIL + 2), &r->avail_idx, 2);
    wr(&r->t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static void test_rng_through_transport(void)
{
    struct rig r;
    rig_init(&r);
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_DEVICE_ID, 4), ==, VIRTIO_ID_RNG);
    driver_setup(&r, 8, Q_DESC, Q_AVAIL, Q_USED, true);
    g_assert_cmpuint(rd(&r.t, VIRTIO_MMIO_QUEUE_READY, 4), ==, 1);

    driver_offer(&r, 256, false);
    uint16_t used_idx;
    uint32_t elem[2];
    memcpy(&used_idx, ram(&r, Q_USED + 2), 2);
    memcpy(elem, ram(&r, Q_USED + 4), 8);
    g_assert_cmpuint(used_idx, ==, 1);
    g_assert_cmpuint(elem[0], ==, 0);
    g_assert_cmpuint(elem[1], ==, 256);
    static const uint8_t zeros[256];
    g_assert_true(memcmp(ram(&r, Q_BUF), zeros, 256) != 0); /* random, not left zero */
    g_assert_cmpuint(rd(&r.t, VIRTIO_MMIO_INTERRUPT_STATUS, 4), ==, VIRTIO_MMIO_INT_VRING);
    g_assert_cmpint(r.irq.level, ==, 1);
    wr(&r.t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    g_assert_cmpint(r.irq.level, ==, 0);
    uint16_t avail_event;
    memcpy(&avail_event, ram(&r, Q_USED + 4 + 8 * 8), 2);
    g_assert_cmpuint(avail_event, ==, 1); /* EVENT_IDX: notify me at entry 1 */

    /* Status 0 resets everything. */
    wr(&r.t, VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(rd(&r.t, VIRTIO_MMIO_STATUS, 4), ==, 0);
    g_assert_cmpuint(rd(&r.t, VIRTIO_MMIO_QUEUE_READY, 4), ==, 0);
    guest_memory_free(&r.mem);
}

/*
 * A device that does I/O between pop and push (virtio-blk) may find the queue switched off,
 * resized to 0 or redone meanwhile: the push does nothing on an inactive queue, and the
 * epoch tells the device its chain is stale.
 */
static void test_push_after_queue_switched_off(void)
{
    struct rig r;
    struct virtq_chain c;
    rig_init(&r);
    driver_setup(&r, 8, Q_DESC, Q_AVAIL, Q_USED, false);
    uint64_t addr = Q_BUF;
    uint32_t len = 64;
    uint16_t flags = VIRTQ_DESC_F_WRITE, head = 0;
    memcpy(ram(&r, Q_DESC), &addr, 8);
    memcpy(ram(&r, Q_DESC + 8), &len, 4);
    memcpy(ram(&r, Q_DESC + 12), &flags, 2);
    memcpy(ram(&r, Q_AVAIL + 4), &head, 2);
    r.avail_idx = 1;
    memcpy(ram(&r, Q_AVAIL + 2), &r.avail_idx, 2); /* offered, not notified */

    pthread_mutex_lock(&r.t.lock);
    g_assert_cmpint(virtio_mmio_pop(&r.t, 0, &c), ==, 1);
    uint32_t epoch = virtio_mmio_queue_epoch(&r.t, 0);
    pthread_mutex_unlock(&r.t.lock);

    wr(&r.t, VIRTIO_MMIO_QUEUE_READY, 0);
    wr(&r.t, VIRTIO_MMIO_QUEUE_NUM, 0);
    pthread_mutex_lock(&r.t.lock);
    g_assert_cmpuint(virtio_mmio_queue_epoch(&r.t, 0), !=, epoch);
    virtio_mmio_push(&r.t, 0, &c, 64); /* no ring: nothing happens */
    pthread_mutex_unlock(&r.t.lock);
    uint16_t used_idx;
    memcpy(&used_idx, ram(&r, Q_USED + 2), 2);
    g_assert_cmpuint(used_idx, ==, 0);
    g_assert_cmpint(r.irq.level, ==, 0);

    /* On again, with the same addresses: a new epoch again, so the old chain stays out. */
    wr(&r.t, VIRTIO_MMIO_QUEUE_NUM, 8);
    wr(&r.t, VIRTIO_MMIO_QUEUE_READY, 1);
    g_assert_cmpuint(virtio_mmio_queue_epoch(&r.t, 0), !=, epoch);
    uint32_t on = virtio_mmio_queue_epoch(&r.t, 0);
    wr(&r.t, VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(virtio_mmio_queue_epoch(&r.t, 0), !=, on); /* a reset too */
    guest_memory_free(&r.mem);
}

/* A ring that breaks after DRIVER_OK: NEEDS_RESET, a config interrupt, and nothing more. */
static void test_malformed_ring_needs_reset(void)
{
    struct rig r;
    rig_init(&r);
    driver_setup(&r, 8, Q_DESC, Q_AVAIL, Q_USED, false);
    driver_offer(&r, 64, true); /* descriptor 0 chains to itself */
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, ==,
                    VIRTIO_STATUS_NEEDS_RESET);
    g_assert_cmpuint(rd(&r.t, VIRTIO_MMIO_INTERRUPT_STATUS, 4), ==, VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpint(r.irq.level, ==, 1);
    uint16_t used_idx;
    memcpy(&used_idx, ram(&r, Q_USED + 2), 2);
    g_assert_cmpuint(used_idx, ==, 0);
    /* The driver cannot clear NEEDS_RESET short of a reset; a fixed ring is still ignored. */
    wr(&r.t, VIRTIO_MMIO_STATUS, 0x0f);
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
    driver_offer(&r, 64, false);
    memcpy(&used_idx, ram(&r, Q_USED + 2), 2);
    g_assert_cmpuint(used_idx, ==, 0);
    /* After a reset and a fresh set-up, the device works again. */
    wr(&r.t, VIRTIO_MMIO_STATUS, 0);
    memset(ram(&r, Q_AVAIL), 0, 0x1000);
    r.avail_idx = 0;
    driver_setup(&r, 8, Q_DESC, Q_AVAIL, Q_USED, false);
    driver_offer(&r, 64, false);
    memcpy(&used_idx, ram(&r, Q_USED + 2), 2);
    g_assert_cmpuint(used_idx, ==, 1);
    guest_memory_free(&r.mem);
}

/* Queues outside RAM are caught at QueueReady / DRIVER_OK, never used. */
static void test_bad_queue_setup(void)
{
    struct rig r;
    rig_init(&r);
    driver_setup(&r, 8, RAM_BASE + RAM_SIZE - 64, Q_AVAIL, Q_USED, false);
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
    driver_offer(&r, 64, false); /* writes only inside RAM; the device must not act */
    uint16_t used_idx;
    memcpy(&used_idx, ram(&r, Q_USED + 2), 2);
    g_assert_cmpuint(used_idx, ==, 0);
    wr(&r.t, VIRTIO_MMIO_STATUS, 0);

    /* A queue size that is not a power of two, and one above QueueNumMax. */
    driver_setup(&r, 6, Q_DESC, Q_AVAIL, Q_USED, false);
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
    wr(&r.t, VIRTIO_MMIO_STATUS, 0);
    driver_setup(&r, 512, Q_DESC, Q_AVAIL, Q_USED, false);
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
    guest_memory_free(&r.mem);
}

/* Features the device did not offer, or no VERSION_1: FEATURES_OK does not stick. */
static void test_feature_negotiation(void)
{
    struct rig r;
    rig_init(&r);
    wr(&r.t, VIRTIO_MMIO_STATUS, 3);
    wr(&r.t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(&r.t, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* bit 0: not offered by virtio-rng */
    wr(&r.t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(&r.t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(&r.t, VIRTIO_MMIO_STATUS, 0x0b);
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_FEATURES_OK, ==, 0);
    wr(&r.t, VIRTIO_MMIO_STATUS, 0);
    wr(&r.t, VIRTIO_MMIO_STATUS, 3); /* legacy-only driver: no VERSION_1 */
    wr(&r.t, VIRTIO_MMIO_STATUS, 0x0b);
    g_assert_cmphex(rd(&r.t, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_FEATURES_OK, ==, 0);
    guest_memory_free(&r.mem);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio_mmio/empty-slot-identity", test_empty_slot_identity);
    g_test_add_func("/virtio_mmio/empty-slot-inert", test_empty_slot_is_inert);
    g_test_add_func("/virtio_mmio/non-word-access", test_non_word_access);
    g_test_add_func("/virtio_mmio/rng-through-transport", test_rng_through_transport);
    g_test_add_func("/virtio_mmio/malformed-ring-needs-reset", test_malformed_ring_needs_reset);
    g_test_add_func("/virtio_mmio/push-after-queue-switched-off",
                    test_push_after_queue_switched_off);
    g_test_add_func("/virtio_mmio/bad-queue-setup", test_bad_queue_setup);
    g_test_add_func("/virtio_mmio/feature-negotiation", test_feature_negotiation);
    return g_test_run();
}
