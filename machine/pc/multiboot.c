/* Multiboot v1: finding the header, loading ELF or a.out-kludge kernels, the boot info. */
#include "machine/pc/multiboot.h"

#include <errno.h>
#include <string.h>

#include "core/memory.h"
#include "machine/pc/e820.h"
#include "machine/pc/pc_memmap.h"
#include "vcpu/x86/cpu_state.h"

#define MB_FLAG_PAGE_ALIGN (1u << 0)
#define MB_FLAG_MEMORY_INFO (1u << 1)
#define MB_FLAG_VIDEO_MODE (1u << 2)
#define MB_FLAG_ADDRESSES (1u << 16)
/* Bits 0-15 are requirements: a loader must refuse a kernel that asks for unknown ones. */
#define MB_REQUIRED_MASK 0x0000ffffu
#define MB_SUPPORTED (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | MB_FLAG_VIDEO_MODE)

#define MBI_FLAG_MEM (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS (1u << 3)
#define MBI_FLAG_MMAP (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)

#define MB_PAGE 4096u
#define MB_LOADER_NAME "kestrel"

struct multiboot_header {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
    uint32_t boot_loader_name, apm_table;
    uint32_t vbe[6];
};

struct multiboot_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

struct multiboot_mod_entry {
    uint32_t start, end, cmdline, reserved;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Finds a header whose checksum holds, 4-byte aligned in the first 8 KiB; offset or -1. */
static long multiboot_find_header(const uint8_t *file, size_t len, struct multiboot_header *h)
{
    size_t limit = len < MULTIBOOT_SEARCH_LEN ? len : MULTIBOOT_SEARCH_LEN;

    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t w[3];
        memcpy(w, file + off, sizeof(w));
        if (w[0] != MULTIBOOT_HEADER_MAGIC || (uint32_t)(w[0] + w[1] + w[2]) != 0)
            continue;
        memset(h, 0, sizeof(*h));
        memcpy(h, file + off, len - off < sizeof(*h) ? len - off : sizeof(*h));
        return (long)off;
    }
    return -1;
}

bool multiboot_has_header(const uint8_t *file, size_t len)
{
    struct multiboot_header h;

    return multiboot_find_header(file, len, &h) >= 0;
}

/* The a.out kludge: the header says where the file's bytes go and where to enter. */
static int multiboot_parse_addresses(const struct multiboot_header *h, long hdr_off, size_t len,
                                     struct multiboot_kernel *k, const char **why)
{
    if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > (uint64_t)hdr_off) {
        *why = "multiboot header addresses are inconsistent (header_addr below load_addr "
               "or before the file start)";
        return -EINVAL;
    }
    k->load_addr = h->load_addr;
    k->load_offset = (uint64_t)hdr_off - (h->header_addr - h->load_addr);
    k->load_size = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr
                                    : len - k->load_offset;
    if (h->load_end_addr && h->load_end_addr < h->load_addr) {
        *why = "multiboot load_end_addr is below load_addr";
        return -EINVAL;
    }
    if (k->load_offset > len || k->load_size > len - k->load_offset) {
        *why = "multiboot load range extends past the end of the file";
        return -EINVAL;
    }
    k->bss_end = h->bss_end_addr ? h->bss_end_addr : k->load_addr + k->load_size;
    if (k->bss_end < k->load_addr + k->load_size) {
        *why = "multiboot bss_end_addr is below the loaded image";
        return -EINVAL;
    }
    k->entry = h->entry_addr;
    k->phys_start = k->load_addr;
    k->phys_end = k->bss_end;
    return 0;
}

static int multiboot_parse_elf(const uint8_t *file, size_t len, struct multiboot_kernel *k,
                               const char **why)
{
    int ret = elf_parse(file, len, &k->elf, why);

    if (ret == -ENOEXEC) {
        *why = "multiboot kernel is neither ELF nor uses the header's address fields";
        return -EINVAL;
    }
    if (ret < 0)
        return ret;
    if (k->elf.machine != 3 /* EM_386 */ && k->elf.machine != 62 /* EM_X86_64 */) {
        *why = "ELF kernel is not built for x86";
        return -EINVAL;
    }
    /* Like GRUB: an entry given as a virtual address is translated through its segment. */
    if (elf_virt_to_phys(&k->elf, k->elf.entry, &k->entry) < 0)
        k->entry = k->elf.entry;
    elf_phys_extent(&k->elf, &k->phys_start, &k->phys_end);
    k->is_elf = true;
    return 0;
}

int multiboot_parse(const uint8_t *file, size_t len, struct multiboot_kernel *k,
                    const char **why)
{
    struct multiboot_header h;
    long off = multiboot_find_header(file, len, &h);

    memset(k, 0, sizeof(*k));
    if (off < 0) {
        *why = "no multiboot header in the first 8 KiB";
        return -ENOEXEC;
    }
    k->file = file;
    k->len = len;
    k->flags = h.flags;
    if (h.flags & MB_REQUIRED_MASK & ~MB_SUPPORTED) {
        *why = "kernel requires multiboot features kestrel does not provide";
        return -EINVAL;
    }
    int ret = (h.flags & MB_FLAG_ADDRESSES) ? multiboot_parse_addresses(&h, off, len, k, why)
                                            : multiboot_parse_elf(file, len, k, why);
    if (ret == 0 && (k->entry >> 32 || k->phys_end > PC_LOW_RAM_TOP_MAX)) {
        *why = "kernel must load and start below 3.25 GiB";
        return -EINVAL;
    }
    return ret;
}

/* Every byte the kernel occupies must be usable RAM: not the BIOS area, not a hole. */
static bool multiboot_kernel_in_ram(const struct multiboot_kernel *k,
                                    const struct e820_table *e820)
{
    if (!k->is_elf)
        return e820_is_ram(e820, k->load_addr, k->bss_end - k->load_addr);
    for (unsigned i = 0; i < k->elf.nr_segs; i++)
        if (!e820_is_ram(e820, k->elf.seg[i].paddr, k->elf.seg[i].memsz))
            return false;
    return true;
}

static int multiboot_load_kernel(const struct guest_memory *mem,
                                 const struct multiboot_kernel *k,
                                 const struct e820_table *e820, const char **why)
{
    if (!multiboot_kernel_in_ram(k, e820)) {
        *why = "the kernel loads outside usable RAM (into reserved memory, a hole, or past "
               "the end of RAM: try a larger -m)";
        return -EFAULT;
    }
    if (k->is_elf) {
        const struct elf_segment *bad;
        if (elf_load(&k->elf, k->file, mem, &bad) < 0) {
            *why = "an ELF segment lies outside guest RAM (try a larger -m)";
            return -EFAULT;
        }
        return 0;
    }
    if (guest_memory_write(mem, k->load_addr, k->file + k->load_offset, k->load_size) < 0 ||
        guest_memory_fill(mem, k->load_addr + k->load_size, 0,
                          k->bss_end - k->load_addr - k->load_size) < 0) {
        *why = "the kernel image lies outside guest RAM (try a larger -m)";
        return -EFAULT;
    }
    return 0;
}

/*
 * A bump allocator for modules and boot information: upwards from the kernel's end, only
 * in memory the e820 map calls usable, below 4 GiB (multiboot addresses are 32 bits).
 */
struct mb_alloc {
    const struct guest_memory *mem;
    const struct e820_table *e820;
    uint64_t next, end;
};

static int mb_place(struct mb_alloc *a, const void *data, uint64_t len, uint64_t align,
                    uint32_t *addr)
{
    uint64_t at;

    if (e820_find_ram(a->e820, a->next, len, align, a->end, &at) < 0)
        return -EFAULT;
    int ret = data ? guest_memory_write(a->mem, at, data, len)
                   : guest_memory_fill(a->mem, at, 0, len);
    if (ret < 0)
        return -EFAULT;
    *addr = (uint32_t)at;
    a->next = at + len;
    return 0;
}

static int mb_place_string(struct mb_alloc *a, const char *s, uint32_t *addr)
{
    return mb_place(a, s, strlen(s) + 1, 1, addr);
}

static int multiboot_place_modules(struct mb_alloc *a, const struct multiboot_boot *b,
                                   struct multiboot_mod_entry *mods)
{
    for (unsigned i = 0; i < b->nr_modules; i++) {
        const struct multiboot_module *m = &b->modules[i];
        uint32_t at;
        if (mb_place(a, m->data, m->len, MB_PAGE, &at) < 0)
            return -EFAULT;
        mods[i] = (struct multiboot_mod_entry){.start = at, .end = at + (uint32_t)m->len};
    }
    for (unsigned i = 0; i < b->nr_modules; i++)
        if (mb_place_string(a, b->modules[i].cmdline, &mods[i].cmdline) < 0)
            return -EFAULT;
    return 0;
}

static int multiboot_place_mmap(struct mb_alloc *a, const struct e820_table *e820,
                                struct multiboot_info *info)
{
    struct multiboot_mmap_entry entries[E820_MAX_ENTRIES];

    for (unsigned i = 0; i < e820->nr; i++)
        entries[i] = (struct multiboot_mmap_entry){
            .size = sizeof(entries[i]) - sizeof(uint32_t),
            .addr = e820->entry[i].addr,
            .len = e820->entry[i].size,
            .type = e820->entry[i].type,
        };
    info->mmap_length = e820->nr * (uint32_t)sizeof(entries[0]);
    info->flags |= MBI_FLAG_MMAP;
    return mb_place(a, entries, info->mmap_length, 8, &info->mmap_addr);
}

int multiboot_load(const struct guest_memory *mem, const struct multiboot_boot *b,
                   uint32_t *info_addr, const char **why)
{
    const struct multiboot_kernel *k = b->kernel;
    struct multiboot_mod_entry mods[MULTIBOOT_MAX_MODULES];
    struct multiboot_info info = {0};

    if (multiboot_load_kernel(mem, k, b->e820, why) < 0)
        return -EFAULT;
    uint64_t low_end = b->low_ram_end < (1ull << 32) ? b->low_ram_end : (1ull << 32);
    struct mb_alloc a = {mem, b->e820, align_up(k->phys_end, MB_PAGE), low_end};
    info.flags = MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_LOADER_NAME;
    info.mem_lower = (uint32_t)(PC_EBDA_BASE / 1024);
    info.mem_upper = (uint32_t)((b->low_ram_end - PC_HIGH_MEMORY_BASE) / 1024);
    if (b->nr_modules > MULTIBOOT_MAX_MODULES ||
        multiboot_place_modules(&a, b, mods) < 0) {
        *why = "the initrd modules do not fit in RAM after the kernel (try a larger -m)";
        return -EFAULT;
    }
    if ((b->nr_modules &&
         mb_place(&a, mods, b->nr_modules * sizeof(mods[0]), 4, &info.mods_addr) < 0) ||
        mb_place_string(&a, b->cmdline, &info.cmdline) < 0 ||
        mb_place_string(&a, MB_LOADER_NAME, &info.boot_loader_name) < 0 ||
        multiboot_place_mmap(&a, b->e820, &info) < 0) {
        *why = "the multiboot information does not fit in RAM after the kernel";
        return -EFAULT;
    }
    if (b->nr_modules) {
        info.flags |= MBI_FLAG_MODS;
        info.mods_count = b->nr_modules;
    }
    if (mb_place(&a, &info, sizeof(info), 8, info_addr) < 0) {
        *why = "the multiboot information does not fit in RAM after the kernel";
        return -EFAULT;
    }
    return 0;
}

void multiboot_entry_state(struct x86_cpu_state *s, uint32_t entry, uint32_t info_addr)
{
    memset(s->gpr, 0, sizeof(s->gpr));
    s->gpr[X86_RAX] = MULTIBOOT_BOOTLOADER_MAGIC;
    s->gpr[X86_RBX] = info_addr;
    s->rip = entry;
    s->rflags = X86_RFLAGS_RESERVED1; /* interrupts off */
    s->seg[X86_SEG_CS] = x86_flat32_segment(0x08, 0xb);
    for (int seg = X86_SEG_ES; seg <= X86_SEG_GS; seg++)
        if (seg != X86_SEG_CS)
            s->seg[seg] = x86_flat32_segment(0x10, 0x3);
    s->cr0 = (s->cr0 | X86_CR0_PE | X86_CR0_ET) & ~X86_CR0_PG;
    s->efer = 0;
}
