/* ELF images as boards load them: validated program headers, placed in guest RAM. */
#include "machine/elf_loader.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "core/memory.h"

/* True when [off, off + size) lies inside a buffer of len bytes, without overflow. */
static int elf_range_ok(size_t len, uint64_t off, uint64_t size)
{
    return off <= len && size <= len - off;
}

static int elf_add_segment(struct elf_image *img, uint64_t offset, uint64_t paddr,
                           uint64_t vaddr, uint64_t filesz, uint64_t memsz, size_t len,
                           const char **why)
{
    if (filesz > memsz) {
        *why = "a segment's file size exceeds its memory size";
        return -EINVAL;
    }
    if (!elf_range_ok(len, offset, filesz)) {
        *why = "a segment's data lies outside the file (truncated or corrupt)";
        return -EINVAL;
    }
    if (paddr + memsz < paddr) {
        *why = "a segment's physical address range overflows";
        return -EINVAL;
    }
    if (memsz == 0)
        return 0;
    if (img->nr_segs == ELF_MAX_SEGMENTS) {
        *why = "too many loadable segments";
        return -EINVAL;
    }
    img->seg[img->nr_segs++] = (struct elf_segment){paddr, vaddr, offset, filesz, memsz};
    return 0;
}

/* The fields kestrel needs from either header class, widened to 64 bits. */
struct elf_header_info {
    uint64_t phoff, entry;
    uint16_t phentsize, phnum, machine;
};

static void elf_read_header(const uint8_t *buf, unsigned cls, struct elf_header_info *h)
{
    if (cls == 32) {
        Elf32_Ehdr eh;
        memcpy(&eh, buf, sizeof(eh));
        *h = (struct elf_header_info){eh.e_phoff, eh.e_entry, eh.e_phentsize, eh.e_phnum,
                                      eh.e_machine};
    } else {
        Elf64_Ehdr eh;
        memcpy(&eh, buf, sizeof(eh));
        *h = (struct elf_header_info){eh.e_phoff, eh.e_entry, eh.e_phentsize, eh.e_phnum,
                                      eh.e_machine};
    }
}

static Elf64_Phdr elf_read_phdr(const uint8_t *p, unsigned cls)
{
    Elf64_Phdr ph;

    if (cls == 64) {
        memcpy(&ph, p, sizeof(ph));
        return ph;
    }
    Elf32_Phdr p32;
    memcpy(&p32, p, sizeof(p32));
    return (Elf64_Phdr){.p_type = p32.p_type, .p_offset = p32.p_offset,
                        .p_vaddr = p32.p_vaddr, .p_paddr = p32.p_paddr,
                        .p_filesz = p32.p_filesz, .p_memsz = p32.p_memsz};
}

static int elf_parse_class(const uint8_t *buf, size_t len, unsigned cls, struct elf_image *img,
                           const char **why)
{
    size_t phsize = cls == 32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
    struct elf_header_info h;

    elf_read_header(buf, cls, &h);
    if (h.phentsize != phsize || !elf_range_ok(len, h.phoff, (uint64_t)h.phnum * phsize)) {
        *why = "program headers lie outside the file or have the wrong size";
        return -EINVAL;
    }
    img->elf_class = cls;
    img->machine = h.machine;
    img->entry = h.entry;
    for (unsigned i = 0; i < h.phnum; i++) {
        Elf64_Phdr ph = elf_read_phdr(buf + h.phoff + i * phsize, cls);
        if (ph.p_type != PT_LOAD)
            continue;
        int ret = elf_add_segment(img, ph.p_offset, ph.p_paddr, ph.p_vaddr, ph.p_filesz,
                                  ph.p_memsz, len, why);
        if (ret < 0)
            return ret;
    }
    return 0;
}

int elf_parse(const uint8_t *buf, size_t len, struct elf_image *img, const char **why)
{
    memset(img, 0, sizeof(*img));
    if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0) {
        *why = "not an ELF file";
        return -ENOEXEC;
    }
    if (buf[EI_DATA] != ELFDATA2LSB) {
        *why = "not a little-endian ELF file";
        return -EINVAL;
    }
    int ret;
    if (buf[EI_CLASS] == ELFCLASS32 && len >= sizeof(Elf32_Ehdr)) {
        ret = elf_parse_class(buf, len, 32, img, why);
    } else if (buf[EI_CLASS] == ELFCLASS64 && len >= sizeof(Elf64_Ehdr)) {
        ret = elf_parse_class(buf, len, 64, img, why);
    } else {
        *why = "ELF header is truncated or has an unknown class";
        return -EINVAL;
    }
    if (ret == 0 && img->nr_segs == 0) {
        *why = "no loadable segments";
        return -EINVAL;
    }
    return ret;
}

void elf_phys_extent(const struct elf_image *img, uint64_t *lo, uint64_t *hi)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (unsigned i = 0; i < img->nr_segs; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->paddr < *lo)
            *lo = s->paddr;
        if (s->paddr + s->memsz > *hi)
            *hi = s->paddr + s->memsz;
    }
}

int elf_load(const struct elf_image *img, const uint8_t *buf, const struct guest_memory *mem,
             const struct elf_segment **bad)
{
    for (unsigned i = 0; i < img->nr_segs; i++) {
        const struct elf_segment *s = &img->seg[i];
        uint8_t *dst = gpa_to_host(mem, s->paddr, s->memsz);
        if (!dst) {
            *bad = s;
            return -EFAULT;
        }
        memcpy(dst, buf + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }
    return 0;
}

int elf_virt_to_phys(const struct elf_image *img, uint64_t vaddr, uint64_t *paddr)
{
    for (unsigned i = 0; i < img->nr_segs; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (vaddr >= s->vaddr && vaddr - s->vaddr < s->memsz) {
            *paddr = s->paddr + (vaddr - s->vaddr);
            return 0;
        }
    }
    return -ENOENT;
}
