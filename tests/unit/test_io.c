/* Unit tests for core/io: region registration, lookup, dispatch and -d unimp logging. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "core/log.h"

/* A device that records the last access and answers reads with a fixed pattern. */
struct fake_dev {
    unsigned calls;
    struct io_access last;
    uint64_t read_value;
};

static void fake_handler(void *opaque, struct io_access *a)
{
    struct fake_dev *d = opaque;

    d->calls++;
    d->last = *a; /* as the device saw it: for reads, data starts at 0 */
    if (!a->is_write)
        a->data = d->read_value;
}

static void test_register(void)
{
    struct io_bus bus;
    struct fake_dev d = {0};

    io_bus_init(&bus, IO_SPACE_PIO);
    g_assert_cmpint(io_bus_register(&bus, 0x3f8, 8, fake_handler, &d, "uart"), ==, 0);
    g_assert_cmpint(io_bus_register(&bus, 0x3f8, 8, fake_handler, &d, "dup"), ==, -EEXIST);
    g_assert_cmpint(io_bus_register(&bus, 0x3f0, 9, fake_handler, &d, "head"), ==, -EEXIST);
    g_assert_cmpint(io_bus_register(&bus, 0x3ff, 1, fake_handler, &d, "tail"), ==, -EEXIST);
    g_assert_cmpint(io_bus_register(&bus, 0x3fa, 1, fake_handler, &d, "inside"), ==, -EEXIST);
    g_assert_cmpint(io_bus_register(&bus, 0x300, 0x200, fake_handler, &d, "around"), ==,
                    -EEXIST);
    g_assert_cmpint(io_bus_register(&bus, 0x500, 0, fake_handler, &d, "empty"), ==, -EINVAL);
    g_assert_cmpint(io_bus_register(&bus, 0, 0, fake_handler, &d, "empty0"), ==, -EINVAL);
    g_assert_cmpint(io_bus_register(&bus, UINT64_MAX, 2, fake_handler, &d, "wrap"), ==,
                    -EINVAL);
    g_assert_cmpint(io_bus_register(&bus, 0x500, 4, NULL, &d, "nohandler"), ==, -EINVAL);
    g_assert_cmpuint(bus.nr_regions, ==, 1);
    /* Adjacent regions are fine; a region may end at the top of the space. */
    g_assert_cmpint(io_bus_register(&bus, 0x3f0, 8, fake_handler, &d, "below"), ==, 0);
    g_assert_cmpint(io_bus_register(&bus, 0x400, 8, fake_handler, &d, "above"), ==, 0);
    g_assert_cmpint(io_bus_register(&bus, UINT64_MAX, 1, fake_handler, &d, "top"), ==, 0);
    g_assert_cmpint(io_bus_register(&bus, 0, 1, fake_handler, &d, "bottom"), ==, 0);
    g_assert_cmpuint(bus.nr_regions, ==, 5);
    for (unsigned i = 1; i < bus.nr_regions; i++)
        g_assert_cmphex(bus.regions[i - 1].base, <, bus.regions[i].base);
    io_bus_destroy(&bus);
}

static void test_register_many(void)
{
    struct io_bus bus;
    struct fake_dev d = {0};

    /* More than the initial capacity, in descending order, so the table grows and sorts. */
    io_bus_init(&bus, IO_SPACE_MMIO);
    for (unsigned i = 0; i < 100; i++)
        g_assert_cmpint(io_bus_register(&bus, 0x10000 - (i + 1) * 0x100, 0x80, fake_handler,
                                        &d, "dev"), ==, 0);
    g_assert_cmpuint(bus.nr_regions, ==, 100);
    for (unsigned i = 0; i < 100; i++) {
        uint64_t base = 0x10000 - (i + 1) * 0x100;
        const struct io_region *r = io_bus_find(&bus, base + 0x7f, 1);
        g_assert_nonnull(r);
        g_assert_cmphex(r->base, ==, base);
        g_assert_null(io_bus_find(&bus, base + 0x80, 1));
    }
    io_bus_destroy(&bus);
}

static void test_find(void)
{
    struct io_bus bus;
    struct fake_dev a = {0}, b = {0};

    io_bus_init(&bus, IO_SPACE_PIO);
    g_assert_cmpint(io_bus_register(&bus, 0x60, 1, fake_handler, &a, "a"), ==, 0);
    g_assert_cmpint(io_bus_register(&bus, 0x70, 2, fake_handler, &b, "b"), ==, 0);
    const struct io_region *r = io_bus_find(&bus, 0x60, 1);
    g_assert_nonnull(r);
    g_assert_true(r->opaque == &a);
    g_assert_cmpstr(r->name, ==, "a");
    r = io_bus_find(&bus, 0x71, 1);
    g_assert_nonnull(r);
    g_assert_true(r->opaque == &b);
    g_assert_nonnull(io_bus_find(&bus, 0x70, 2));
    /* Straddling a region's end, or starting before it. */
    g_assert_null(io_bus_find(&bus, 0x60, 2));
    g_assert_null(io_bus_find(&bus, 0x71, 2));
    g_assert_null(io_bus_find(&bus, 0x70, 4));
    g_assert_null(io_bus_find(&bus, 0x6f, 2));
    g_assert_null(io_bus_find(&bus, 0x5f, 1));
    g_assert_null(io_bus_find(&bus, 0x72, 1));
    g_assert_null(io_bus_find(&bus, UINT64_MAX, 8));
    io_bus_destroy(&bus);

    io_bus_init(&bus, IO_SPACE_PIO);
    g_assert_null(io_bus_find(&bus, 0, 1)); /* empty bus */
    io_bus_destroy(&bus);
}

static void test_dispatch_handler(void)
{
    struct io_bus bus;
    struct fake_dev d = {.read_value = 0x1122334455667788ull};
    uint64_t data;

    io_bus_init(&bus, IO_SPACE_MMIO);
    g_assert_cmpint(io_bus_register(&bus, 0x1000, 0x100, fake_handler, &d, "dev"), ==, 0);

    data = 0xdeadbeefcafef00dull;
    io_bus_dispatch(&bus, 0x1010, 2, true, &data);
    g_assert_cmpuint(d.calls, ==, 1);
    g_assert_true(d.last.is_write);
    g_assert_cmphex(d.last.offset, ==, 0x10);
    g_assert_cmpuint(d.last.size, ==, 2);
    g_assert_cmphex(d.last.data, ==, 0xf00d); /* masked to the access size */

    data = 0xdeadbeefcafef00dull;
    io_bus_dispatch(&bus, 0x10f8, 8, true, &data);
    g_assert_cmphex(d.last.offset, ==, 0xf8);
    g_assert_cmphex(d.last.data, ==, 0xdeadbeefcafef00dull);

    static const struct {
        uint32_t size;
        uint64_t expect;
    } reads[] = {
        {1, 0x88}, {2, 0x7788}, {4, 0x55667788}, {8, 0x1122334455667788ull},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(reads); i++) {
        data = 0xaaaaaaaaaaaaaaaaull;
        io_bus_dispatch(&bus, 0x1004, reads[i].size, false, &data);
        g_assert_false(d.last.is_write);
        g_assert_cmphex(d.last.offset, ==, 4);
        g_assert_cmpuint(d.last.size, ==, reads[i].size);
        g_assert_cmphex(d.last.data, ==, 0);
        g_assert_cmphex(data, ==, reads[i].expect);
    }
    g_assert_cmpuint(d.calls, ==, 2 + G_N_ELEMENTS(reads));
    io_bus_destroy(&bus);
}

/* A handler that leaves data alone on reads: the bus must start it at zero. */
static void silent_handler(void *opaque, struct io_access *a)
{
    (void)opaque;
    (void)a;
}

static void test_dispatch_read_starts_zero(void)
{
    struct io_bus bus;
    uint64_t data = ~0ull;

    io_bus_init(&bus, IO_SPACE_PIO);
    g_assert_cmpint(io_bus_register(&bus, 0x80, 1, silent_handler, NULL, "sink"), ==, 0);
    io_bus_dispatch(&bus, 0x80, 1, false, &data);
    g_assert_cmphex(data, ==, 0);
    io_bus_destroy(&bus);
}

static void test_dispatch_unclaimed(void)
{
    struct io_bus bus;
    struct fake_dev d = {0};
    uint64_t data;

    io_bus_init(&bus, IO_SPACE_PIO);
    g_assert_cmpint(io_bus_register(&bus, 0x100, 4, fake_handler, &d, "dev"), ==, 0);
    static const struct {
        uint32_t size;
        uint64_t ones;
    } sizes[] = {{1, 0xff}, {2, 0xffff}, {4, 0xffffffff}, {8, ~0ull}};
    for (unsigned i = 0; i < G_N_ELEMENTS(sizes); i++) {
        data = 0x1234;
        io_bus_dispatch(&bus, 0x200, sizes[i].size, false, &data);
        g_assert_cmphex(data, ==, sizes[i].ones);
        /* Straddling the device's end is unclaimed too. */
        if (sizes[i].size > 1) {
            data = 0;
            io_bus_dispatch(&bus, 0x103, sizes[i].size, false, &data);
            g_assert_cmphex(data, ==, sizes[i].ones);
        }
    }
    data = 0x55;
    io_bus_dispatch(&bus, 0x200, 1, true, &data);
    io_bus_dispatch(&bus, 0x102, 4, true, &data);
    g_assert_cmphex(data, ==, 0x55); /* a dropped write leaves the value alone */
    g_assert_cmpuint(d.calls, ==, 0);
    io_bus_destroy(&bus);
}

static unsigned count_lines_containing(const char *text, const char *needle)
{
    unsigned n = 0;
    gchar **lines = g_strsplit(text, "\n", -1);

    for (gchar **l = lines; *l; l++)
        if (strstr(*l, needle))
            n++;
    g_strfreev(lines);
    return n;
}

static void test_unimp_log_once(void)
{
    struct io_bus bus;
    GError *err = NULL;
    gchar *path = NULL;
    gchar *text = NULL;
    uint64_t data;

    int fd = g_file_open_tmp("kestrel-unimp-XXXXXX", &path, &err);
    g_assert_no_error(err);
    close(fd);
    g_assert_cmpint(log_set_file(path), ==, 0);
    log_set_mask(LOG_UNIMP);

    io_bus_init(&bus, IO_SPACE_PIO);
    for (unsigned i = 0; i < 5; i++) {
        data = 0;
        io_bus_dispatch(&bus, 0x2f8, 1, i % 2, &data);
        data = 0;
        io_bus_dispatch(&bus, 0xcf8, 4, false, &data);
    }
    log_set_mask(0);
    io_bus_dispatch(&bus, 0x3000, 1, false, &data); /* logging off: not logged */
    log_close();

    g_assert_true(g_file_get_contents(path, &text, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(count_lines_containing(text, "addr=0x2f8 "), ==, 1);
    g_assert_cmpuint(count_lines_containing(text, "addr=0xcf8 "), ==, 1);
    g_assert_cmpuint(count_lines_containing(text, "addr=0x3000 "), ==, 0);
    g_assert_cmpuint(count_lines_containing(text, "unimp"), ==, 2);
    g_assert_nonnull(strstr(text, "pio"));
    g_free(text);
    io_bus_destroy(&bus);
    g_unlink(path);
    g_free(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/io/register", test_register);
    g_test_add_func("/io/register_many", test_register_many);
    g_test_add_func("/io/find", test_find);
    g_test_add_func("/io/dispatch/handler", test_dispatch_handler);
    g_test_add_func("/io/dispatch/read_starts_zero", test_dispatch_read_starts_zero);
    g_test_add_func("/io/dispatch/unclaimed", test_dispatch_unclaimed);
    g_test_add_func("/io/unimp_log_once", test_unimp_log_once);
    return g_test_run();
}
