/*
 * Loading the virt board's boot files: firmware at the start of RAM, a Linux Image on the
 * next 2 MiB boundary (where OpenSBI's fw_jump expects it), the initrd just below the device
 * tree at the top of RAM, and the fw_dynamic record after the device tree.
 */
#include "machine/virt/virt_loader.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/file.h"
#include "core/log.h"
#include "core/memory.h"

#define EM_RISCV 243
#define MIB (1ull << 20)
#define KERNEL_ALIGN (2 * MIB) /* a 64-bit kernel's linear map wants 2 MiB alignment */
#define FDT_ALIGN (2 * MIB)
#define INITRD_ALIGN 4096ull
#define FDT_TOP_LIMIT 0xc0000000ull /* QEMU keeps the device tree below 3 GiB */

/* The firmware used without -bios: Debian's opensbi package (Architecture: all). */
#define DEFAULT_BIOS "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

/* OpenSBI's fw_dynamic hand-over record (include/sbi/fw_dynamic.h in OpenSBI). */
#define FW_DYNAMIC_MAGIC 0x4942534full /* "OSBI" */
#define FW_DYNAMIC_VERSION 2
#define FW_DYNAMIC_NEXT_MODE_S 1

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

static int read_blob(struct virt_blob *b, const char *what, const char *path, uint64_t max)
{
    return file_read_all(what, path, max, &b->data, &b->len);
}

/* Parses b as a 64-bit RISC-V ELF file: 1 if it is one, 0 if not ELF, -errno if bad. */
static int parse_riscv_elf(struct virt_blob *b, const char *what, const char *path)
{
    const char *why = NULL;
    int ret = elf_parse(b->data, b->len, &b->elf, &why);

    if (ret == -ENOEXEC)
        return 0;
    if (ret == 0 && (b->elf.elf_class != 64 || b->elf.machine != EM_RISCV)) {
        why = "an ELF file, but not 64-bit RISC-V";
        ret = -EINVAL;
    }
    if (ret < 0) {
        log_error("%s %s: cannot load: %s", what, path, why);
        return ret;
    }
    b->is_elf = true;
    elf_phys_extent(&b->elf, &b->start, &b->end);
    return 1;
}

static const char *bios_path(const struct vm_config *cfg)
{
    if (cfg->bios)
        return cfg->bios;
    return access(DEFAULT_BIOS, R_OK) == 0 ? DEFAULT_BIOS : NULL;
}

static int plan_bios(struct virt_loader *l, const struct vm_config *cfg)
{
    const char *path = bios_path(cfg);

    if (!path) {
        log_error("the virt machine needs firmware: pass -bios fw_jump.bin or -bios "
                  "fw_dynamic.bin (OpenSBI; Debian's opensbi package installs %s), or "
                  "-bios none -kernel PROG.elf for a bare-metal program", DEFAULT_BIOS);
        return -ENOENT;
    }
    if (strcmp(path, "none") == 0)
        return 0;
    l->has_bios = true;
    int ret = read_blob(&l->bios, "-bios", path, l->ram_size);
    if (ret < 0 || (ret = parse_riscv_elf(&l->bios, "-bios", path)) < 0)
        return ret;
    if (!l->bios.is_elf) {
        l->bios.start = l->ram_base;
        l->bios.end = l->ram_base + l->bios.len;
    }
    l->reset_pc = l->bios.is_elf ? l->bios.elf.entry : l->ram_base;
    return 0;
}

static int plan_image(struct virt_loader *l, const char *path)
{
    const char *why = NULL;
    int ret = riscv_image_parse(l->kernel.data, l->kernel.len, &l->image, &why);

    if (ret == -ENOEXEC) {
        log_error("-kernel %s: neither an ELF program nor a RISC-V Linux Image", path);
        return -EINVAL;
    }
    if (ret < 0) {
        log_error("-kernel %s: cannot load: %s", path, why);
        return ret;
    }
    if (!l->has_bios) {
        log_error("-kernel %s: a Linux Image is started by firmware; pass -bios fw_jump.bin "
                  "(OpenSBI) instead of -bios none", path);
        return -EINVAL;
    }
    /* Where QEMU puts it: the first 2 MiB boundary past the firmware (fw_jump's address). */
    l->kernel.start = align_up(l->bios.end, KERNEL_ALIGN);
    l->kernel.end = l->kernel.start + l->image.load_size;
    l->kernel_entry = l->kernel.start;
    return 0;
}

static int plan_kernel(struct virt_loader *l, const struct vm_config *cfg)
{
    const char *path = cfg->kernel;

    if (!path) {
        if (l->has_bios)
            return 0; /* the firmware runs on its own, as QEMU allows */
        log_error("no -kernel given: with -bios none the virt machine needs a program "
                  "(-kernel PROG.elf)");
        return -EINVAL;
    }
    l->has_kernel = true;
    int ret = read_blob(&l->kernel, "-kernel", path, l->ram_size);
    if (ret < 0 || (ret = parse_riscv_elf(&l->kernel, "-kernel", path)) < 0)
        return ret;
    if (!l->kernel.is_elf)
        return plan_image(l, path);
    l->kernel_entry = l->kernel.elf.entry;
    if (!l->has_bios)
        l->reset_pc = l->kernel_entry;
    return 0;
}

static bool overlaps(const struct virt_blob *a, const struct virt_blob *b)
{
    return a->start < b->end && b->start < a->end;
}

static int check_fits(const struct virt_loader *l, const char *what, const char *path,
                      const struct virt_blob *b)
{
    if (b->start < l->ram_base || b->end > l->fdt_addr || b->end < b->start) {
        log_error("%s %s: 0x%" PRIx64 "..0x%" PRIx64 " does not fit in RAM below the device "
                  "tree (RAM is 0x%" PRIx64 "..0x%" PRIx64 ", device tree at 0x%" PRIx64
                  "); try a larger -m", what, path, b->start, b->end, l->ram_base,
                  l->ram_base + l->ram_size, l->fdt_addr);
        return -EFBIG;
    }
    return 0;
}

static int plan_initrd(struct virt_loader *l, const struct vm_config *cfg)
{
    if (!cfg->initrd)
        return 0;
    if (!l->has_kernel) {
        log_error("-initrd %s: an initrd needs a kernel (-kernel)", cfg->initrd);
        return -EINVAL;
    }
    l->has_initrd = true;
    int ret = read_blob(&l->initrd, "-initrd", cfg->initrd, l->ram_size);
    if (ret < 0)
        return ret;
    /* High in RAM, right below the device tree, clear of whatever the kernel unpacks. */
    uint64_t lowest = l->kernel.end > l->bios.end ? l->kernel.end : l->bios.end;
    if (l->initrd.len > l->fdt_addr - lowest) {
        log_error("-initrd %s: %zu bytes do not fit between the kernel's end (0x%" PRIx64
                  ") and the device tree (0x%" PRIx64 "); try a larger -m",
                  cfg->initrd, l->initrd.len, lowest, l->fdt_addr);
        return -EFBIG;
    }
    l->initrd.start = align_down(l->fdt_addr - l->initrd.len, INITRD_ALIGN);
    l->initrd.end = l->initrd.start + l->initrd.len;
    if (l->initrd.start < lowest) {
        log_error("-initrd %s: does not fit above the kernel; try a larger -m", cfg->initrd);
        return -EFBIG;
    }
    return 0;
}

int virt_loader_plan(struct virt_loader *l, const struct vm_config *cfg, uint64_t ram_base,
                     uint64_t ram_size, uint64_t fdt_max)
{
    int ret;

    memset(l, 0, sizeof(*l));
    l->ram_base = ram_base;
    l->ram_size = ram_size;
    l->fdt_max = fdt_max;
    uint64_t top = ram_base + ram_size < FDT_TOP_LIMIT ? ram_base + ram_size : FDT_TOP_LIMIT;
    /* Where QEMU puts the device tree: the top of RAM below 3 GiB, 2 MiB aligned. */
    l->fdt_addr = align_down(top - fdt_max - sizeof(uint64_t) * 6, FDT_ALIGN);
    l->dyn_info_addr = l->fdt_addr + fdt_max;
    if ((ret = plan_bios(l, cfg)) < 0 || (ret = plan_kernel(l, cfg)) < 0)
        return ret;
    if (l->has_bios && (ret = check_fits(l, "-bios", cfg->bios ? cfg->bios : DEFAULT_BIOS,
                                         &l->bios)) < 0)
        return ret;
    if (l->has_kernel && (ret = check_fits(l, "-kernel", cfg->kernel, &l->kernel)) < 0)
        return ret;
    if (l->has_bios && l->has_kernel && overlaps(&l->bios, &l->kernel)) {
        log_error("-kernel %s: overlaps the firmware (-bios) at 0x%" PRIx64 "..0x%" PRIx64,
                  cfg->kernel, l->bios.start, l->bios.end);
        return -EINVAL;
    }
    return plan_initrd(l, cfg);
}

static int load_blob(const struct virt_blob *b, const struct guest_memory *mem)
{
    const struct elf_segment *bad = NULL;

    if (b->is_elf)
        return elf_load(&b->elf, b->data, mem, &bad);
    if (guest_memory_write(mem, b->start, b->data, b->len) < 0)
        return -EFAULT;
    /* An Image's bss, and anything a reboot left behind, start out zero. */
    return guest_memory_fill(mem, b->start + b->len, 0, b->end - b->start - b->len);
}

static int write_dyn_info(const struct virt_loader *l, const struct guest_memory *mem)
{
    uint64_t info[6] = {
        FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, l->has_kernel ? l->kernel_entry : 0,
        FW_DYNAMIC_NEXT_MODE_S, 0 /* options */, 0 /* boot hart */,
    };

    return guest_memory_write(mem, l->dyn_info_addr, info, sizeof(info));
}

int virt_loader_load(const struct virt_loader *l, const struct guest_memory *mem)
{
    if (l->has_bios && (load_blob(&l->bios, mem) < 0 || write_dyn_info(l, mem) < 0))
        return -EFAULT;
    if (l->has_kernel && load_blob(&l->kernel, mem) < 0)
        return -EFAULT;
    if (l->has_initrd && load_blob(&l->initrd, mem) < 0)
        return -EFAULT;
    return 0;
}

void virt_loader_free(struct virt_loader *l)
{
    free(l->bios.data);
    free(l->kernel.data);
    free(l->initrd.data);
    memset(l, 0, sizeof(*l));
}
