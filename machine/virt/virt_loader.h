/*
 * What the virt board puts in RAM before the first instruction: firmware (-bios), the kernel
 * (an ELF program or a Linux Image), the initrd, the device tree, and OpenSBI's fw_dynamic
 * hand-over record. Placement follows QEMU's virt board, so the same files boot the same way.
 */
#ifndef KESTREL_MACHINE_VIRT_VIRT_LOADER_H
#define KESTREL_MACHINE_VIRT_VIRT_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/elf_loader.h"
#include "machine/virt/riscv_image.h"

struct guest_memory;
struct vm_config;

struct virt_blob {
    uint8_t *data;
    size_t len;
    bool is_elf;
    struct elf_image elf;
    uint64_t start, end; /* guest physical range it occupies once loaded */
};

struct virt_loader {
    uint64_t ram_base, ram_size;
    bool has_bios, has_kernel, has_initrd;
    struct virt_blob bios, kernel, initrd;
    struct riscv_image image; /* when the kernel is an Image */
    uint64_t kernel_entry;    /* where the firmware (or, without one, the hart) starts it */
    uint64_t fdt_addr;        /* the device tree's slot; it holds at most fdt_max bytes */
    uint64_t fdt_max;
    uint64_t dyn_info_addr;   /* fw_dynamic_info, just past the device tree's slot */
    uint64_t reset_pc;        /* the first instruction: firmware's, or the ELF program's */
};

/*
 * Reads -bios, -kernel and -initrd, checks them, and plans where each goes in RAM. Errors
 * are reported to the user, naming the file and what to do. 0 or -errno.
 */
int virt_loader_plan(struct virt_loader *l, const struct vm_config *cfg, uint64_t ram_base,
                     uint64_t ram_size, uint64_t fdt_max);

/* Copies everything but the device tree into guest RAM, with the fw_dynamic record. */
int virt_loader_load(const struct virt_loader *l, const struct guest_memory *mem);

void virt_loader_free(struct virt_loader *l);

#endif
