/* Guest physical memory: RAM regions and the one checked gpa -> host translation. */
#ifndef KESTREL_CORE_MEMORY_H
#define KESTREL_CORE_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_RAM_MAX_REGIONS 8

struct guest_ram_region {
    uint64_t gpa;
    uint64_t size;
    uint8_t *host;
};

/*
 * The guest-physical RAM layout. Regions are sorted by gpa and never overlap.
 * Regions are added before any vCPU starts and never change while they run,
 * so lookups take no lock.
 */
struct guest_memory {
    struct guest_ram_region region[GUEST_RAM_MAX_REGIONS];
    unsigned nr_regions;
};

/*
 * Adds a RAM region backed by an anonymous MAP_NORESERVE mapping.
 * Returns 0, -EINVAL (misaligned, overlapping, too many regions) or -ENOMEM.
 */
int guest_memory_add_ram(struct guest_memory *mem, uint64_t gpa, uint64_t size);
void guest_memory_free(struct guest_memory *mem);

/*
 * The one checked translation. Returns the host address of [gpa, gpa + len) when the
 * whole range lies inside a single RAM region, else NULL: on overflow, on any part
 * outside RAM, and on a range that spans a hole between regions. len 0 is rejected.
 */
void *gpa_to_host(const struct guest_memory *mem, uint64_t gpa, uint64_t len);

/* Copies between guest RAM and host buffers through gpa_to_host; 0 or -EFAULT. An empty
 * copy succeeds without looking at gpa. */
int guest_memory_write(const struct guest_memory *mem, uint64_t gpa, const void *src,
                       uint64_t len);
int guest_memory_read(const struct guest_memory *mem, uint64_t gpa, void *dst, uint64_t len);
int guest_memory_fill(const struct guest_memory *mem, uint64_t gpa, int byte, uint64_t len);

/* Total bytes of RAM across regions. */
uint64_t guest_memory_size(const struct guest_memory *mem);

#endif
