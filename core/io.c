/* Device dispatch: port I/O and MMIO regions, found by address, behind one handler signature. */
#include "core/io.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdlib.h>

#include "core/log.h"

void io_bus_init(struct io_bus *bus, enum io_space space)
{
    *bus = (struct io_bus){.space = space};
    pthread_mutex_init(&bus->unclaimed_lock, NULL);
    bus->unclaimed_seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

void io_bus_destroy(struct io_bus *bus)
{
    g_hash_table_destroy(bus->unclaimed_seen);
    pthread_mutex_destroy(&bus->unclaimed_lock);
    free(bus->regions);
    bus->regions = NULL;
    bus->nr_regions = bus->capacity = 0;
}

static bool io_region_overlaps(const struct io_region *r, uint64_t base, uint64_t last)
{
    return base <= r->base + (r->size - 1) && r->base <= last;
}

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t size, io_handler_fn *handler,
                    void *opaque, const char *name)
{
    uint64_t last = base + (size - 1);

    if (size == 0 || last < base || !handler)
        return -EINVAL;
    for (unsigned i = 0; i < bus->nr_regions; i++)
        if (io_region_overlaps(&bus->regions[i], base, last))
            return -EEXIST;
    if (bus->nr_regions == bus->capacity) {
        unsigned cap = bus->capacity ? bus->capacity * 2 : 16;
        struct io_region *grown = realloc(bus->regions, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        bus->regions = grown;
        bus->capacity = cap;
    }
    unsigned i = bus->nr_regions;
    while (i > 0 && bus->regions[i - 1].base > base) {
        bus->regions[i] = bus->regions[i - 1];
        i--;
    }
    bus->regions[i] = (struct io_region){base, size, handler, opaque, name};
    bus->nr_regions++;
    return 0;
}

const struct io_region *io_bus_find(const struct io_bus *bus, uint64_t addr, uint32_t size)
{
    unsigned lo = 0, hi = bus->nr_regions;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const struct io_region *r = &bus->regions[mid];
        if (addr < r->base) {
            hi = mid;
        } else if (addr - r->base >= r->size) {
            lo = mid + 1;
        } else {
            /* The whole access must fit; a straddling access is unclaimed. */
            return size <= r->size - (addr - r->base) ? r : NULL;
        }
    }
    return NULL;
}

static void io_bus_log_unclaimed(struct io_bus *bus, uint64_t addr, uint32_t size,
                                 bool is_write, uint64_t data)
{
    gint64 key = (gint64)addr;

    pthread_mutex_lock(&bus->unclaimed_lock);
    bool seen = g_hash_table_contains(bus->unclaimed_seen, &key);
    if (!seen) {
        gint64 *stored = g_new(gint64, 1);
        *stored = key;
        g_hash_table_add(bus->unclaimed_seen, stored);
    }
    pthread_mutex_unlock(&bus->unclaimed_lock);
    if (seen)
        return;
    const char *space = bus->space == IO_SPACE_PIO ? "pio" : "mmio";
    if (is_write)
        log_debug("unimp: unclaimed %s write addr=0x%" PRIx64 " size=%u data=0x%" PRIx64
                  " (dropped; further accesses to this address not logged)\n",
                  space, addr, size, data);
    else
        log_debug("unimp: unclaimed %s read addr=0x%" PRIx64 " size=%u"
                  " (reads as all ones; further accesses to this address not logged)\n",
                  space, addr, size);
}

void io_bus_dispatch(struct io_bus *bus, uint64_t addr, uint32_t size, bool is_write,
                     uint64_t *data)
{
    const struct io_region *r = io_bus_find(bus, addr, size);

    if (!r) {
        if (log_enabled(LOG_UNIMP))
            io_bus_log_unclaimed(bus, addr, size, is_write, *data);
        if (!is_write)
            *data = io_size_mask(size);
        return;
    }
    struct io_access access = {
        .offset = addr - r->base,
        .size = size,
        .is_write = is_write,
        .data = is_write ? *data & io_size_mask(size) : 0,
    };
    r->handler(r->opaque, &access);
    if (!is_write)
        *data = access.data & io_size_mask(size);
}
