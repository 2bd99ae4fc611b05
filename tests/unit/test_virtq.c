/*
 * Unit tests for hw/virtio/virtq: the split-ring walker fed well-formed and hostile rings.
 * A hostile ring must mark the queue broken with a reason, never touch memory outside guest
 * RAM, and never hang.
 */
#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "core/memory.h"
#include "hw/virtio/virtq.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (128ull << 20)
#define DESC (RAM_BASE + 0x0000)
#define AVAIL (RAM_BASE + 0x4000)
#define USED (RAM_BASE + 0x5000)
#define BUF (RAM_BASE + 0x10000)
#define INDIRECT (RAM_BASE + 0x8000)
#define NUM 8

struct fixture {
    struct guest_memory mem;
    struct virtq vq;
    struct virtq_chain chain;
    uint16_t avail_idx;
};

static uint8_t *host(struct fixture *f, uint64_t gpa)
{
    return gpa_to_host(&f->mem, gpa, 1);
}

static void put_desc(struct fixture *f, uint64_t table, unsigned i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
    uint8_t *d = host(f, table + 16ull * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

/* Makes head available, as a driver does: ring entry, then idx. */
static void offer(struct fixture *f, uint16_t head)
{
    memcpy(host(f, AVAIL + 4 + 2u * (f->avail_idx % NUM)), &head, 2);
    f->avail_idx++;
    memcpy(host(f, AVAIL + 2), &f->avail_idx, 2);
}

static uint16_t used_idx(struct fixture *f)
{
    uint16_t v;
    memcpy(&v, host(f, USED + 2), 2);
    return v;
}

static void setup(struct fixture *f, bool event_idx)
{
    memset(f, 0, sizeof(*f));
    g_assert_cmpint(guest_memory_add_ram(&f->mem, RAM_BASE, RAM_SIZE), ==, 0);
    f->vq.num = NUM;
    f->vq.desc_gpa = DESC;
    f->vq.avail_gpa = AVAIL;
    f->vq.used_gpa = USED;
    g_assert_cmpint(virtq_activate(&f->vq, &f->mem, 256, event_idx), ==, 0);
}

static void teardown(struct fixture *f)
{
    guest_memory_free(&f->mem);
}

/* Pops one chain that must be rejected, and checks the reason. */
static void expect_broken(struct fixture *f, const char *reason)
{
    g_assert_cmpint(virtq_pop(&f->vq, &f->mem, &f->chain), ==, -EIO);
    g_assert_true(f->vq.broken);
    g_assert_nonnull(f->vq.why);
    if (!strstr(f->vq.why, reason))
        g_error("why = '%s', expected it to mention '%s'", f->vq.why, reason);
    /* Once broken, the queue stays broken. */
    g_assert_cmpint(virtq_pop(&f->vq, &f->mem, &f->chain), ==, -EIO);
}

static void test_well_formed(void)
{
    struct fixture f;
    setup(&f, false);

    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 0); /* nothing offered */
    memcpy(host(&f, BUF), "request!", 8);
    put_desc(&f, DESC, 3, BUF, 8, VIRTQ_DESC_F_NEXT, 5);
    put_desc(&f, DESC, 5, BUF + 0x100, 0, VIRTQ_DESC_F_NEXT, 6); /* empty: ignored */
    put_desc(&f, DESC, 6, BUF + 0x1000, 32, VIRTQ_DESC_F_WRITE, 0);
    offer(&f, 3);
    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 1);
    g_assert_cmpuint(f.chain.head, ==, 3);
    g_assert_cmpuint(f.chain.nsegs, ==, 2);
    g_assert_cmpuint(f.chain.readable_bytes, ==, 8);
    g_assert_cmpuint(f.chain.writable_bytes, ==, 32);
    g_assert_true(f.chain.seg[0].host == host(&f, BUF));
    g_assert_true(f.chain.seg[1].device_writes);

    char got[8];
    g_assert_cmpuint(virtq_chain_read(&f.chain, 0, got, sizeof(got)), ==, 8);
    g_assert_cmpmem(got, 8, "request!", 8);
    g_assert_cmpuint(virtq_chain_read(&f.chain, 6, got, sizeof(got)), ==, 2);
    g_assert_cmpuint(virtq_chain_write(&f.chain, 30, "abcd", 4), ==, 2); /* capped at 32 */
    g_assert_cmpmem(host(&f, BUF + 0x1000 + 30), 2, "ab", 2);

    virtq_push(&f.vq, f.chain.head, 32);
    g_assert_cmpuint(used_idx(&f), ==, 1);
    uint32_t elem[2];
    memcpy(elem, host(&f, USED + 4), 8);
    g_assert_cmpuint(elem[0], ==, 3);
    g_assert_cmpuint(elem[1], ==, 32);
    g_assert_true(virtq_should_notify(&f.vq));
    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 0);

    /* NO_INTERRUPT without EVENT_IDX suppresses the interrupt. */
    uint16_t flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    memcpy(host(&f, AVAIL), &flags, 2);
    offer(&f, 6);
    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 1);
    virtq_push(&f.vq, f.chain.head, 0);
    g_assert_false(virtq_should_notify(&f.vq));
    teardown(&f);
}

static void test_indirect(void)
{
    struct fixture f;
    setup(&f, false);

    put_desc(&f, INDIRECT, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
    put_desc(&f, INDIRECT, 2, BUF + 0x100, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    put_desc(&f, INDIRECT, 1, BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
    put_desc(&f, DESC, 0, INDIRECT, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(&f, 0);
    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 1);
    g_assert_cmpuint(f.chain.nsegs, ==, 3);
    g_assert_cmpuint(f.chain.readable_bytes, ==, 16);
    g_assert_cmpuint(f.chain.writable_bytes, ==, 513);
    teardown(&f);
}

static void test_loops(void)
{
    struct fixture f;

    setup(&f, false);
    put_desc(&f, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    put_desc(&f, DESC, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
    offer(&f, 0);
    expect_broken(&f, "loops");
    teardown(&f);

    setup(&f, false); /* a descriptor naming itself */
    put_desc(&f, DESC, 4, BUF, 8, VIRTQ_DESC_F_NEXT, 4);
    offer(&f, 4);
    expect_broken(&f, "loops");
    teardown(&f);

    setup(&f, false); /* a loop inside an indirect table */
    put_desc(&f, INDIRECT, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    put_desc(&f, INDIRECT, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
    put_desc(&f, DESC, 0, INDIRECT, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(&f, 0);
    expect_broken(&f, "loops");
    teardown(&f);
}

static void test_indices_out_of_range(void)
{
    struct fixture f;

    setup(&f, false);
    offer(&f, NUM); /* head past the queue */
    expect_broken(&f, "past the queue");
    teardown(&f);

    setup(&f, false);
    put_desc(&f, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 0xffff);
    offer(&f, 0);
    expect_broken(&f, "next index");
    teardown(&f);

    setup(&f, false); /* next past an indirect table's end (the direct table is larger) */
    put_desc(&f, INDIRECT, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 2);
    put_desc(&f, DESC, 0, INDIRECT, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(&f, 0);
    expect_broken(&f, "next index");
    teardown(&f);

    setup(&f, false); /* the driver claims more new entries than the queue holds */
    uint16_t idx = NUM + 1;
    memcpy(host(&f, AVAIL + 2), &idx, 2);
    expect_broken(&f, "avail->idx");
    teardown(&f);
}

static void test_buffers_outside_ram(void)
{
    struct fixture f;
    const uint64_t end = RAM_BASE + RAM_SIZE;
    const struct {
        uint64_t addr;
        uint32_t len;
    } bad[] = {
        {end - 8, 16},                /* runs past RAM's end */
        {end, 1},                     /* just past it */
        {RAM_BASE - 4, 8},            /* starts below RAM */
        {UINT64_MAX - 7, 16},         /* (gpa, len) overflows */
        {0x1000, 8},                  /* a device's or nothing's address */
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        setup(&f, false);
        put_desc(&f, DESC, 0, bad[i].addr, bad[i].len, 0, 0);
        offer(&f, 0);
        expect_broken(&f, "outside guest RAM");
        teardown(&f);
    }

    setup(&f, false); /* an indirect table that crosses RAM's end */
    put_desc(&f, DESC, 0, end - 16, 4 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(&f, 0);
    expect_broken(&f, "indirect table lies outside");
    teardown(&f);
}

static void test_malformed_indirect(void)
{
    struct fixture f;

    setup(&f, false);
    put_desc(&f, INDIRECT, 0, INDIRECT + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
    put_desc(&f, DESC, 0, INDIRECT, 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(&f, 0);
    expect_broken(&f, "another indirect");
    teardown(&f);

    setup(&f, false);
    put_desc(&f, DESC, 0, INDIRECT, 20, VIRTQ_DESC_F_INDIRECT, 0); /* not a multiple of 16 */
    offer(&f, 0);
    expect_broken(&f, "multiple of 16");
    teardown(&f);

    setup(&f, false);
    put_desc(&f, DESC, 0, INDIRECT, 16 * (VIRTQ_MAX_SEGS + 1), VIRTQ_DESC_F_INDIRECT, 0);
    offer(&f, 0);
    expect_broken(&f, "limit");
    teardown(&f);

    setup(&f, false);
    put_desc(&f, DESC, 0, INDIRECT, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    offer(&f, 0);
    expect_broken(&f, "NEXT");
    teardown(&f);
}

static void test_order_and_caps(void)
{
    struct fixture f;

    setup(&f, false); /* readable after writable */
    put_desc(&f, DESC, 0, BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    put_desc(&f, DESC, 1, BUF, 8, 0, 0);
    offer(&f, 0);
    expect_broken(&f, "readable buffer follows");
    teardown(&f);

    setup(&f, false); /* 96 MiB of writable buffers: more than a chain may carry */
    put_desc(&f, DESC, 0, BUF, 48u << 20, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    put_desc(&f, DESC, 1, BUF, 48u << 20, VIRTQ_DESC_F_WRITE, 0);
    offer(&f, 0);
    expect_broken(&f, "more bytes");
    teardown(&f);
}

static void test_activate_checks(void)
{
    struct fixture f;
    setup(&f, false);
    const struct {
        uint16_t num;
        uint64_t desc, avail, used;
        const char *why;
    } bad[] = {
        {0, DESC, AVAIL, USED, "power of two"},
        {6, DESC, AVAIL, USED, "power of two"},
        {512, DESC, AVAIL, USED, "power of two"}, /* above the device's 256 */
        {8, DESC + 8, AVAIL, USED, "misaligned"},
        {8, DESC, AVAIL + 1, USED, "misaligned"},
        {8, DESC, AVAIL, USED + 2, "misaligned"},
        {8, RAM_BASE + RAM_SIZE - 64, AVAIL, USED, "outside guest RAM"}, /* 128 bytes */
        {8, DESC, 0x1000, USED, "outside guest RAM"},
        {8, DESC, AVAIL, UINT64_MAX - 3, "outside guest RAM"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        struct virtq vq = {.num = bad[i].num, .desc_gpa = bad[i].desc,
                           .avail_gpa = bad[i].avail, .used_gpa = bad[i].used};
        g_assert_cmpint(virtq_activate(&vq, &f.mem, 256, false), ==, -EINVAL);
        g_assert_false(vq.active);
        g_assert_nonnull(strstr(vq.why, bad[i].why));
        g_assert_cmpint(virtq_pop(&vq, &f.mem, &f.chain), ==, 0); /* inactive: nothing */
    }
    teardown(&f);
}

/* VIRTIO_F_EVENT_IDX: used_event decides interrupts, avail_event asks for notifications. */
static void test_event_idx(void)
{
    struct fixture f;
    setup(&f, true);

    put_desc(&f, DESC, 0, BUF, 8, 0, 0);
    uint16_t used_event = 0;
    memcpy(host(&f, AVAIL + 4 + 2 * NUM), &used_event, 2);
    for (int i = 0; i < 3; i++)
        offer(&f, 0);
    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 1);
    virtq_push(&f.vq, 0, 0);
    g_assert_true(virtq_should_notify(&f.vq)); /* used_event 0 passed: 0 -> 1 */
    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 1);
    virtq_push(&f.vq, 0, 0);
    g_assert_false(virtq_should_notify(&f.vq)); /* 1 -> 2 does not cross 0 */
    used_event = 2;
    memcpy(host(&f, AVAIL + 4 + 2 * NUM), &used_event, 2);
    g_assert_cmpint(virtq_pop(&f.vq, &f.mem, &f.chain), ==, 1);
    virtq_push(&f.vq, 0, 0);
    g_assert_true(virtq_should_notify(&f.vq)); /* 2 -> 3 crosses 2 */

    /* Arming writes avail_event = the next entry the device will take. */
    g_assert_false(virtq_arm_notify(&f.vq));
    uint16_t avail_event;
    memcpy(&avail_event, host(&f, USED + 4 + 8 * NUM), 2);
    g_assert_cmpuint(avail_event, ==, 3);
    offer(&f, 0);
    g_assert_true(virtq_arm_notify(&f.vq)); /* more arrived */
    teardown(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtq/well-formed", test_well_formed);
    g_test_add_func("/virtq/indirect", test_indirect);
    g_test_add_func("/virtq/loops", test_loops);
    g_test_add_func("/virtq/indices-out-of-range", test_indices_out_of_range);
    g_test_add_func("/virtq/buffers-outside-ram", test_buffers_outside_ram);
    g_test_add_func("/virtq/malformed-indirect", test_malformed_indirect);
    g_test_add_func("/virtq/order-and-caps", test_order_and_caps);
    g_test_add_func("/virtq/activate-checks", test_activate_checks);
    g_test_add_func("/virtq/event-idx", test_event_idx);
    return g_test_run();
}
