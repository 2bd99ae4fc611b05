/* Device dispatch: port I/O and MMIO regions, found by address, behind one handler signature. */
#ifndef KESTREL_CORE_IO_H
#define KESTREL_CORE_IO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum io_space {
    IO_SPACE_PIO,
    IO_SPACE_MMIO,
};

/* One guest access as a device sees it. For reads the handler fills in data. */
struct io_access {
    uint64_t offset; /* from the region's base */
    uint32_t size;   /* 1, 2, 4 or 8 bytes */
    bool is_write;
    uint64_t data;   /* little-endian value, zero-extended */
};

/* The single handler signature shared by PIO and MMIO, KVM and TCG. */
typedef void io_handler_fn(void *opaque, struct io_access *access);

struct io_region {
    uint64_t base;
    uint64_t size;
    io_handler_fn *handler;
    void *opaque;
    const char *name;
};

/*
 * An address space of device regions. Regions are registered while the machine is
 * built, before any vCPU runs; dispatch then reads the sorted table without a lock.
 * Devices serialise their own state.
 */
struct io_bus {
    enum io_space space;
    struct io_region *regions;
    unsigned nr_regions;
    unsigned capacity;
    pthread_mutex_t unclaimed_lock;
    void *unclaimed_seen; /* GHashTable of addresses already logged under -d unimp */
};

void io_bus_init(struct io_bus *bus, enum io_space space);
void io_bus_destroy(struct io_bus *bus);

/* Registers [base, base + size); 0, -EINVAL (empty or wrapping) or -EEXIST (overlap). */
int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t size, io_handler_fn *handler,
                    void *opaque, const char *name);

/* Finds the region containing the whole access, or NULL. */
const struct io_region *io_bus_find(const struct io_bus *bus, uint64_t addr, uint32_t size);

/*
 * Performs one access. An access no region claims reads as all ones and its writes are
 * dropped; under -d unimp each such address is logged once.
 */
void io_bus_dispatch(struct io_bus *bus, uint64_t addr, uint32_t size, bool is_write,
                     uint64_t *data);

static inline uint64_t io_size_mask(uint32_t size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

#endif
