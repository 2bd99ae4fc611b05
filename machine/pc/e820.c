/* The PC's BIOS memory map (e820): what the guest may use, derived from the memory map. */
#include "machine/pc/e820.h"

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
