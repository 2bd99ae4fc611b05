/* The PC's BIOS memory map (e820): what the guest may use, derived from the memory map. */
#ifndef KESTREL_MACHINE_PC_E820_H
#define KESTREL_MACHINE_PC_E820_H

#include <stdbool.h>
#include <stdint.h>

#define E820_MAX_ENTRIES 16

enum e820_type {
    E820_RAM = 1,
    E820_RESERVED = 2,
};

struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct e820_table {
    struct e820_entry entry[E820_MAX_ENTRIES];
    unsigned nr;
};

/* Builds the map for low_ram_end bytes of RAM from 0 and high_ram_size bytes at 4 GiB. */
void pc_e820_build(struct e820_table *t, uint64_t low_ram_end, uint64_t high_ram_size);

/* True when [addr, addr + len) lies inside one usable (E820_RAM) entry. */
bool e820_is_ram(const struct e820_table *t, uint64_t addr, uint64_t len);

/*
 * The lowest align-aligned address >= from where len bytes fit in one usable entry and end
 * at or below limit; 0 on success with *addr set, -ENOMEM when nothing fits.
 */
int e820_find_ram(const struct e820_table *t, uint64_t from, uint64_t len, uint64_t align,
                  uint64_t limit, uint64_t *addr);

#endif
