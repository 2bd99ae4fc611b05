/*
 * -kernel on the PC board: finding the image's boot protocol, checking the file once at
 * start-up, and loading it (with its modules and entry state) on every boot and reset.
 * Protocols sit in one table; the Linux boot protocol is a row that is not built yet.
 */
#ifndef KESTREL_MACHINE_PC_KERNEL_H
#define KESTREL_MACHINE_PC_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "machine/pc/multiboot.h"

struct e820_table;
struct guest_memory;
struct vm_config;
struct x86_cpu_state;

struct pc_boot_protocol;

struct pc_kernel {
    const struct pc_boot_protocol *protocol;
    const char *path;
    uint8_t *file;
    size_t len;
    char *cmdline; /* "PATH ARGS": the kernel's own name first, as GRUB and QEMU do */
    struct multiboot_kernel multiboot;
    uint8_t *module_files[MULTIBOOT_MAX_MODULES];
    char *module_cmdlines[MULTIBOOT_MAX_MODULES];
    struct multiboot_module modules[MULTIBOOT_MAX_MODULES];
    unsigned nr_modules;
};

/* Where the board's RAM is, for loaders. */
struct pc_boot_memory {
    const struct guest_memory *mem;
    const struct e820_table *e820;
    uint64_t low_ram_end;
};

/*
 * Reads -kernel and -initrd (files no larger than max_size), identifies the protocol and
 * validates the image. Errors are reported naming the option and file; 0 or -errno.
 */
int pc_kernel_open(struct pc_kernel *k, const struct vm_config *cfg, uint64_t max_size);

/* Adds words at the end of the kernel's command line (after -append), for the board. */
void pc_kernel_append_cmdline(struct pc_kernel *k, const char *words);

/* Places the image in RAM and fills in the boot CPU's entry state; 0 or -errno, reported. */
int pc_kernel_load(const struct pc_kernel *k, const struct pc_boot_memory *bm,
                   struct x86_cpu_state *bsp);

void pc_kernel_close(struct pc_kernel *k);

#endif
