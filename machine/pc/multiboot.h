/* Multiboot v1: finding the header, loading ELF or a.out-kludge kernels, the boot info. */
#ifndef KESTREL_MACHINE_PC_MULTIBOOT_H
#define KESTREL_MACHINE_PC_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/elf_loader.h"

struct guest_memory;
struct e820_table;
struct x86_cpu_state;

#define MULTIBOOT_HEADER_MAGIC 0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define MULTIBOOT_SEARCH_LEN 8192
#define MULTIBOOT_MAX_MODULES 16

struct multiboot_module {
    const uint8_t *data;
    size_t len;
    const char *cmdline; /* "path args", as QEMU passes it */
};

/* A kernel checked once at start-up, loaded again on every boot. */
struct multiboot_kernel {
    const uint8_t *file;
    size_t len;
    uint32_t flags;
    bool is_elf;
    struct elf_image elf;
    /* a.out kludge (flag bit 16): where the file's bytes go */
    uint64_t load_addr, load_offset, load_size, bss_end;
    uint64_t entry;      /* physical */
    uint64_t phys_start; /* lowest physical address used */
    uint64_t phys_end;   /* one past the highest */
};

/* True when a header with a valid checksum sits in the first 8 KiB. */
bool multiboot_has_header(const uint8_t *file, size_t len);

/*
 * Validates a multiboot kernel image. Returns 0, -ENOEXEC if there is no multiboot header
 * in the first 8 KiB, or -EINVAL with *why for a header or ELF that cannot be loaded.
 */
int multiboot_parse(const uint8_t *file, size_t len, struct multiboot_kernel *k,
                    const char **why);

struct multiboot_boot {
    const struct multiboot_kernel *kernel;
    const char *cmdline;
    const struct multiboot_module *modules;
    unsigned nr_modules;
    const struct e820_table *e820;
    uint64_t low_ram_end; /* the end of RAM below 4 GiB */
};

/*
 * Loads the kernel, modules and boot information into guest RAM and returns the
 * information structure's address. -EFAULT with *why when something does not fit.
 */
int multiboot_load(const struct guest_memory *mem, const struct multiboot_boot *b,
                   uint32_t *info_addr, const char **why);

/* The machine state the specification promises at entry: flat 32-bit protected mode. */
void multiboot_entry_state(struct x86_cpu_state *s, uint32_t entry, uint32_t info_addr);

#endif
