/* ELF images as boards load them: validated program headers, placed in guest RAM. */
#ifndef KESTREL_MACHINE_ELF_LOADER_H
#define KESTREL_MACHINE_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct guest_memory;

#define ELF_MAX_SEGMENTS 64

struct elf_segment {
    uint64_t paddr;
    uint64_t vaddr;
    uint64_t offset; /* in the file */
    uint64_t filesz;
    uint64_t memsz;
};

struct elf_image {
    unsigned elf_class; /* 32 or 64 */
    uint16_t machine;   /* e_machine */
    uint64_t entry;     /* e_entry, as a virtual address */
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    unsigned nr_segs;
};

/*
 * Parses a little-endian ELF32/ELF64 executable held in buf. Every header and every
 * loadable segment must lie inside the file; sizes may not overflow. Returns 0, or
 * -ENOEXEC (not ELF) / -EINVAL (malformed) with *why saying what is wrong.
 */
int elf_parse(const uint8_t *buf, size_t len, struct elf_image *img, const char **why);

/* Lowest and one-past-highest physical address the loadable segments occupy. */
void elf_phys_extent(const struct elf_image *img, uint64_t *lo, uint64_t *hi);

/*
 * Copies the segments into guest RAM at their physical addresses and zeroes the rest of
 * each memsz. Returns 0, or -EFAULT naming the first segment that does not fit in RAM.
 */
int elf_load(const struct elf_image *img, const uint8_t *buf, const struct guest_memory *mem,
             const struct elf_segment **bad);

/* Translates a virtual address inside some segment to its physical address. */
int elf_virt_to_phys(const struct elf_image *img, uint64_t vaddr, uint64_t *paddr);

#endif
