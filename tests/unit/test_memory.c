/* Unit tests for core/memory: RAM regions and the checked gpa -> host translation. */
#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "core/memory.h"

#define MiB (1ull << 20)

static void test_add_ram_rejects(void)
{
    struct guest_memory mem = {0};

    g_assert_cmpint(guest_memory_add_ram(&mem, 0, 0), ==, -EINVAL);
    g_assert_cmpint(guest_memory_add_ram(&mem, 0x800, MiB), ==, -EINVAL);
    g_assert_cmpint(guest_memory_add_ram(&mem, 0, MiB + 1), ==, -EINVAL);
    g_assert_cmpint(guest_memory_add_ram(&mem, UINT64_MAX - 0xfff, 0x2000), ==, -EINVAL);
    g_assert_cmpuint(mem.nr_regions, ==, 0);

    g_assert_cmpint(guest_memory_add_ram(&mem, 2 * MiB, MiB), ==, 0);
    /* Overlaps: identical, head, tail, containing, contained. */
    g_assert_cmpint(guest_memory_add_ram(&mem, 2 * MiB, MiB), ==, -EINVAL);
    g_assert_cmpint(guest_memory_add_ram(&mem, MiB + 4096, MiB), ==, -EINVAL);
    g_assert_cmpint(guest_memory_add_ram(&mem, 3 * MiB - 4096, MiB), ==, -EINVAL);
    g_assert_cmpint(guest_memory_add_ram(&mem, MiB, 4 * MiB), ==, -EINVAL);
    g_assert_cmpint(guest_memory_add_ram(&mem, 2 * MiB + 4096, 4096), ==, -EINVAL);
    g_assert_cmpuint(mem.nr_regions, ==, 1);
    /* Adjacent on both sides is fine. */
    g_assert_cmpint(guest_memory_add_ram(&mem, MiB, MiB), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&mem, 3 * MiB, MiB), ==, 0);
    g_assert_cmpuint(mem.nr_regions, ==, 3);
    guest_memory_free(&mem);
    g_assert_cmpuint(mem.nr_regions, ==, 0);
}

static void test_add_ram_too_many(void)
{
    struct guest_memory mem = {0};

    for (unsigned i = 0; i < GUEST_RAM_MAX_REGIONS; i++)
        g_assert_cmpint(guest_memory_add_ram(&mem, i * 2 * 4096ull, 4096), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&mem, 1ull << 32, 4096), ==, -EINVAL);
    g_assert_cmpuint(mem.nr_regions, ==, GUEST_RAM_MAX_REGIONS);
    guest_memory_free(&mem);
}

static void test_add_ram_sorted(void)
{
    struct guest_memory mem = {0};
    static const uint64_t order[] = {8 * MiB, 0, 4 * MiB, 1ull << 32, 2 * MiB};

    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++)
        g_assert_cmpint(guest_memory_add_ram(&mem, order[i], MiB), ==, 0);
    g_assert_cmpuint(mem.nr_regions, ==, G_N_ELEMENTS(order));
    for (unsigned i = 1; i < mem.nr_regions; i++)
        g_assert_cmphex(mem.region[i - 1].gpa, <, mem.region[i].gpa);
    g_assert_cmphex(mem.region[0].gpa, ==, 0);
    g_assert_cmphex(mem.region[4].gpa, ==, 1ull << 32);
    for (unsigned i = 0; i < mem.nr_regions; i++) {
        g_assert_nonnull(mem.region[i].host);
        g_assert_cmphex(mem.region[i].size, ==, MiB);
    }
    g_assert_cmpuint(guest_memory_size(&mem), ==, 5 * MiB);
    guest_memory_free(&mem);
}

/* Regions at 0 (1 MiB) and 2 MiB (1 MiB), with a hole between. */
static void two_regions(struct guest_memory *mem)
{
    *mem = (struct guest_memory){0};
    g_assert_cmpint(guest_memory_add_ram(mem, 2 * MiB, MiB), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(mem, 0, MiB), ==, 0);
}

static void test_gpa_to_host(void)
{
    struct guest_memory mem;

    two_regions(&mem);
    const struct guest_ram_region *lo = &mem.region[0], *hi = &mem.region[1];
    g_assert_cmphex(lo->gpa, ==, 0);
    g_assert_true(gpa_to_host(&mem, 0, 1) == lo->host);
    g_assert_true(gpa_to_host(&mem, 0x1234, 8) == lo->host + 0x1234);
    g_assert_true(gpa_to_host(&mem, 2 * MiB + 16, 4) == hi->host + 16);
    /* A range ending exactly at a region's end. */
    g_assert_true(gpa_to_host(&mem, MiB - 8, 8) == lo->host + MiB - 8);
    g_assert_true(gpa_to_host(&mem, 0, MiB) == lo->host);
    g_assert_true(gpa_to_host(&mem, 3 * MiB - 1, 1) == hi->host + MiB - 1);
    g_assert_true(gpa_to_host(&mem, 2 * MiB, MiB) == hi->host);
    /* One byte too far. */
    g_assert_null(gpa_to_host(&mem, MiB - 8, 9));
    g_assert_null(gpa_to_host(&mem, 0, MiB + 1));
    g_assert_null(gpa_to_host(&mem, 3 * MiB - 1, 2));
    /* len 0 and overflow. */
    g_assert_null(gpa_to_host(&mem, 0, 0));
    g_assert_null(gpa_to_host(&mem, 4096, 0));
    g_assert_null(gpa_to_host(&mem, UINT64_MAX - 1, 4));
    g_assert_null(gpa_to_host(&mem, UINT64_MAX, 1));
    g_assert_null(gpa_to_host(&mem, 16, UINT64_MAX));
    g_assert_null(gpa_to_host(&mem, 2 * MiB + 16, UINT64_MAX - 8));
    /* Outside RAM: in the hole, above everything. */
    g_assert_null(gpa_to_host(&mem, MiB, 1));
    g_assert_null(gpa_to_host(&mem, 2 * MiB - 1, 1));
    g_assert_null(gpa_to_host(&mem, 3 * MiB, 1));
    g_assert_null(gpa_to_host(&mem, 1ull << 40, 4096));
    /* Spanning the hole, or both regions. */
    g_assert_null(gpa_to_host(&mem, MiB - 8, 16));
    g_assert_null(gpa_to_host(&mem, 2 * MiB - 8, 16));
    g_assert_null(gpa_to_host(&mem, 0, 3 * MiB));
    guest_memory_free(&mem);
}

static void test_gpa_to_host_adjacent(void)
{
    struct guest_memory mem = {0};

    /* Two regions that touch are still two mappings: a range may not cross between them. */
    g_assert_cmpint(guest_memory_add_ram(&mem, 0, MiB), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&mem, MiB, MiB), ==, 0);
    g_assert_nonnull(gpa_to_host(&mem, MiB - 4, 4));
    g_assert_nonnull(gpa_to_host(&mem, MiB, 4));
    g_assert_null(gpa_to_host(&mem, MiB - 4, 8));
    guest_memory_free(&mem);
}

static void test_read_write_fill(void)
{
    struct guest_memory mem;
    uint8_t buf[64], out[64];

    two_regions(&mem);
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    g_assert_cmpint(guest_memory_write(&mem, 0x1000, buf, sizeof(buf)), ==, 0);
    memset(out, 0, sizeof(out));
    g_assert_cmpint(guest_memory_read(&mem, 0x1000, out, sizeof(out)), ==, 0);
    g_assert_cmpmem(out, sizeof(out), buf, sizeof(buf));
    /* The bytes are where gpa_to_host says. */
    g_assert_cmpmem(gpa_to_host(&mem, 0x1000, sizeof(buf)), sizeof(buf), buf, sizeof(buf));

    g_assert_cmpint(guest_memory_write(&mem, 3 * MiB - sizeof(buf), buf, sizeof(buf)), ==, 0);
    g_assert_cmpint(guest_memory_read(&mem, 3 * MiB - sizeof(buf), out, sizeof(out)), ==, 0);
    g_assert_cmpmem(out, sizeof(out), buf, sizeof(buf));

    g_assert_cmpint(guest_memory_fill(&mem, 0x1010, 0xa5, 16), ==, 0);
    g_assert_cmpint(guest_memory_read(&mem, 0x1000, out, sizeof(out)), ==, 0);
    for (unsigned i = 0; i < sizeof(out); i++)
        g_assert_cmphex(out[i], ==, i >= 16 && i < 32 ? 0xa5 : buf[i]);

    /* Failures leave RAM and the host buffer alone. */
    memset(out, 0x5c, sizeof(out));
    g_assert_cmpint(guest_memory_read(&mem, MiB - 8, out, 16), ==, -EFAULT);
    g_assert_cmphex(out[0], ==, 0x5c);
    g_assert_cmpint(guest_memory_write(&mem, MiB - 8, buf, 16), ==, -EFAULT);
    g_assert_cmpint(guest_memory_read(&mem, MiB - 8, out, 8), ==, 0);
    for (unsigned i = 0; i < 8; i++)
        g_assert_cmphex(out[i], ==, 0);
    g_assert_cmpint(guest_memory_fill(&mem, 3 * MiB - 4, 0xff, 8), ==, -EFAULT);
    g_assert_cmpint(guest_memory_read(&mem, 3 * MiB - 4, out, 4), ==, 0);
    g_assert_cmpmem(out, 4, buf + sizeof(buf) - 4, 4);
    /* An empty copy succeeds wherever it points: there is nothing to check. */
    g_assert_cmpint(guest_memory_write(&mem, UINT64_MAX, buf, 0), ==, 0);
    g_assert_cmpint(guest_memory_fill(&mem, UINT64_MAX - 1, 0, 4), ==, -EFAULT);
    guest_memory_free(&mem);
}

static void test_fresh_ram_is_zero(void)
{
    struct guest_memory mem = {0};

    g_assert_cmpint(guest_memory_add_ram(&mem, 0, MiB), ==, 0);
    const uint8_t *p = gpa_to_host(&mem, 0, MiB);
    g_assert_nonnull(p);
    for (uint64_t i = 0; i < MiB; i += 4093)
        g_assert_cmphex(p[i], ==, 0);
    guest_memory_free(&mem);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/add_ram/rejects", test_add_ram_rejects);
    g_test_add_func("/memory/add_ram/too_many", test_add_ram_too_many);
    g_test_add_func("/memory/add_ram/sorted", test_add_ram_sorted);
    g_test_add_func("/memory/add_ram/zeroed", test_fresh_ram_is_zero);
    g_test_add_func("/memory/gpa_to_host/bounds", test_gpa_to_host);
    g_test_add_func("/memory/gpa_to_host/adjacent", test_gpa_to_host_adjacent);
    g_test_add_func("/memory/read_write_fill", test_read_write_fill);
    return g_test_run();
}
