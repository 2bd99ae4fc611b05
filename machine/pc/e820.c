/* The PC's BIOS memory map (e820): what the guest may use, derived from the memory map. */
#include "machine/pc/e820.h"

#include <errno.h>

#include "machine/pc/pc_memmap.h"

static void e820_add(struct e820_table *t, uint64_t addr, uint64_t size, uint32_t type)
{
    if (size && t->nr < E820_MAX_ENTRIES)
        t->entry[t->nr++] = (struct e820_entry){addr, size, type};
}

void pc_e820_build(struct e820_table *t, uint64_t low_ram_end, uint64_t high_ram_size)
{
    t->nr = 0;
    e820_add(t, 0, PC_EBDA_BASE, E820_RAM);
    e820_add(t, PC_EBDA_BASE, PC_ISA_HOLE_BASE - PC_EBDA_BASE, E820_RESERVED);
    e820_add(t, PC_BIOS_AREA_BASE, PC_HIGH_MEMORY_BASE - PC_BIOS_AREA_BASE, E820_RESERVED);
    if (low_ram_end > PC_HIGH_MEMORY_BASE)
        e820_add(t, PC_HIGH_MEMORY_BASE, low_ram_end - PC_HIGH_MEMORY_BASE, E820_RAM);
    /* KVM's private pages must never be handed out, even though they are not RAM. */
    e820_add(t, PC_KVM_IDENTITY_MAP, PC_KVM_PRIVATE_END - PC_KVM_IDENTITY_MAP, E820_RESERVED);
    e820_add(t, PC_HIGH_RAM_BASE, high_ram_size, E820_RAM);
}

bool e820_is_ram(const struct e820_table *t, uint64_t addr, uint64_t len)
{
    if (addr + len < addr)
        return false;
    for (unsigned i = 0; i < t->nr; i++) {
        const struct e820_entry *e = &t->entry[i];
        if (e->type == E820_RAM && addr >= e->addr && addr - e->addr <= e->size &&
            len <= e->size - (addr - e->addr))
            return true;
    }
    return false;
}

int e820_find_ram(const struct e820_table *t, uint64_t from, uint64_t len, uint64_t align,
                  uint64_t limit, uint64_t *addr)
{
    uint64_t best = UINT64_MAX;

    for (unsigned i = 0; i < t->nr; i++) {
        const struct e820_entry *e = &t->entry[i];
        uint64_t start = e->addr > from ? e->addr : from;
        start = (start + align - 1) & ~(align - 1);
        uint64_t end = e->addr + e->size < limit ? e->addr + e->size : limit;
        if (e->type == E820_RAM && start <= end && len <= end - start && start < best)
            best = start;
    }
    if (best == UINT64_MAX)
        return -ENOMEM;
    *addr = best;
    return 0;
}
