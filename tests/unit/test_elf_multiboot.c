/* Unit tests for machine/elf_loader and machine/pc/multiboot: parsing, loading, hostile input. */
#include <elf.h>
#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/memory.h"
#include "machine/elf_loader.h"
#include "machine/pc/e820.h"
#include "machine/pc/multiboot.h"
#include "vcpu/x86/cpu_state.h"

#define MiB (1ull << 20)
#define KERNEL_LEN 0x3000u
#define MB_HDR_OFF 0x1000u   /* the multiboot header opens the first segment */
#define HIGH_HALF 0xffffffff80000000ull

/* ---- building ELF images in memory ---- */

struct seg {
    uint32_t type;
    uint64_t offset, paddr, vaddr, filesz, memsz;
};

struct elf_spec {
    unsigned cls;
    uint16_t machine;
    uint64_t entry;
    uint64_t phoff;
    uint16_t phentsize;
    uint16_t phnum;
    unsigned nsegs;
    struct seg segs[ELF_MAX_SEGMENTS + 2];
    bool mb_header;
    uint32_t mb_flags;
};

/* The standard test kernel: text+bss at 1 MiB, data at 1 MiB + 16 KiB, a note, an empty load. */
static struct elf_spec kernel_spec(unsigned cls)
{
    uint64_t v = cls == 64 ? HIGH_HALF : 0;
    struct elf_spec s = {
        .cls = cls,
        .machine = cls == 64 ? EM_X86_64 : EM_386,
        .entry = v + 0x100020,
        .phoff = cls == 64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr),
        .phentsize = cls == 64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr),
        .phnum = 4,
        .nsegs = 4,
        .segs = {
            {PT_LOAD, 0x1000, 0x100000, v + 0x100000, 0x1000, 0x3000},
            {PT_NOTE, 0x2800, 0, 0, 0x10, 0x10},
            {PT_LOAD, 0x2000, 0x104000, v + 0x104000, 0x800, 0x800},
            {PT_LOAD, 0x2800, 0x105000, v + 0x105000, 0, 0},
        },
        .mb_header = true,
        .mb_flags = 0x3, /* page-align modules, memory information */
    };
    return s;
}

static uint8_t file_byte(size_t i)
{
    return (uint8_t)(i * 13 + 7);
}

static void put_mb_header(uint8_t *buf, size_t off, uint32_t flags, const uint32_t *addrs)
{
    uint32_t h[8] = {MULTIBOOT_HEADER_MAGIC, flags, -(MULTIBOOT_HEADER_MAGIC + flags)};

    if (addrs)
        memcpy(&h[3], addrs, 5 * sizeof(uint32_t));
    memcpy(buf + off, h, addrs ? sizeof(h) : 12);
}

/* A KERNEL_LEN-byte image; segment bytes hold file_byte(offset). */
static uint8_t *build_elf(const struct elf_spec *s)
{
    uint8_t *buf = g_malloc0(KERNEL_LEN);

    for (size_t i = 0x1000; i < KERNEL_LEN; i++)
        buf[i] = file_byte(i);
    if (s->cls == 64) {
        Elf64_Ehdr eh = {
            .e_type = ET_EXEC, .e_machine = s->machine, .e_version = EV_CURRENT,
            .e_entry = s->entry, .e_phoff = s->phoff, .e_ehsize = sizeof(eh),
            .e_phentsize = s->phentsize, .e_phnum = s->phnum,
        };
        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(buf, &eh, sizeof(eh));
        for (unsigned i = 0; i < s->nsegs; i++) {
            const struct seg *g = &s->segs[i];
            Elf64_Phdr ph = {
                .p_type = g->type, .p_flags = PF_R | PF_W | PF_X, .p_offset = g->offset,
                .p_vaddr = g->vaddr, .p_paddr = g->paddr, .p_filesz = g->filesz,
                .p_memsz = g->memsz, .p_align = 0x1000,
            };
            g_assert_cmpuint(sizeof(eh) + (i + 1) * sizeof(ph), <=, MB_HDR_OFF);
            memcpy(buf + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
        }
    } else {
        Elf32_Ehdr eh = {
            .e_type = ET_EXEC, .e_machine = s->machine, .e_version = EV_CURRENT,
            .e_entry = (uint32_t)s->entry, .e_phoff = (uint32_t)s->phoff,
            .e_ehsize = sizeof(eh), .e_phentsize = s->phentsize, .e_phnum = s->phnum,
        };
        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS32;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(buf, &eh, sizeof(eh));
        for (unsigned i = 0; i < s->nsegs; i++) {
            const struct seg *g = &s->segs[i];
            Elf32_Phdr ph = {
                .p_type = g->type, .p_offset = (uint32_t)g->offset,
                .p_vaddr = (uint32_t)g->vaddr, .p_paddr = (uint32_t)g->paddr,
                .p_filesz = (uint32_t)g->filesz, .p_memsz = (uint32_t)g->memsz,
                .p_flags = PF_R | PF_W | PF_X, .p_align = 0x1000,
            };
            g_assert_cmpuint(sizeof(eh) + (i + 1) * sizeof(ph), <=, MB_HDR_OFF);
            memcpy(buf + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
        }
    }
    if (s->mb_header)
        put_mb_header(buf, MB_HDR_OFF, s->mb_flags, NULL);
    return buf;
}

/* Parses a copy exactly len bytes long, so a sanitizer build catches any read past it. */
static int parse_exact(const uint8_t *buf, size_t len, struct elf_image *img, const char **why)
{
    uint8_t *copy = g_malloc(len ? len : 1);

    memcpy(copy, buf, len);
    *why = NULL;
    int ret = elf_parse(copy, len, img, why);
    g_free(copy);
    return ret;
}

static void expect_elf_rejected(const struct elf_spec *s, size_t len, int expect)
{
    uint8_t *buf = build_elf(s);
    struct elf_image img;
    const char *why;

    g_assert_cmpint(parse_exact(buf, len, &img, &why), ==, expect);
    g_assert_nonnull(why);
    g_free(buf);
}

/* ---- elf_parse / elf_load ---- */

static void check_standard_image(const struct elf_image *img, unsigned cls)
{
    uint64_t v = cls == 64 ? HIGH_HALF : 0;

    g_assert_cmpuint(img->elf_class, ==, cls);
    g_assert_cmpuint(img->machine, ==, cls == 64 ? EM_X86_64 : EM_386);
    g_assert_cmphex(img->entry, ==, v + 0x100020);
    /* The note and the empty load are not kept. */
    g_assert_cmpuint(img->nr_segs, ==, 2);
    g_assert_cmphex(img->seg[0].paddr, ==, 0x100000);
    g_assert_cmphex(img->seg[0].vaddr, ==, v + 0x100000);
    g_assert_cmphex(img->seg[0].offset, ==, 0x1000);
    g_assert_cmphex(img->seg[0].filesz, ==, 0x1000);
    g_assert_cmphex(img->seg[0].memsz, ==, 0x3000);
    g_assert_cmphex(img->seg[1].paddr, ==, 0x104000);
    g_assert_cmphex(img->seg[1].offset, ==, 0x2000);
    g_assert_cmphex(img->seg[1].filesz, ==, 0x800);

    uint64_t lo, hi, pa = 0;
    elf_phys_extent(img, &lo, &hi);
    g_assert_cmphex(lo, ==, 0x100000);
    g_assert_cmphex(hi, ==, 0x104800);
    g_assert_cmpint(elf_virt_to_phys(img, v + 0x102fff, &pa), ==, 0); /* in the bss */
    g_assert_cmphex(pa, ==, 0x102fff);
    g_assert_cmpint(elf_virt_to_phys(img, v + 0x104010, &pa), ==, 0);
    g_assert_cmphex(pa, ==, 0x104010);
    g_assert_cmpint(elf_virt_to_phys(img, v + 0x103000, &pa), ==, -ENOENT);
    g_assert_cmpint(elf_virt_to_phys(img, v + 0x104800, &pa), ==, -ENOENT);
}

static void test_elf_parse_valid(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    struct elf_spec s = kernel_spec(cls);
    uint8_t *buf = build_elf(&s);
    struct elf_image img;
    const char *why;

    g_assert_cmpint(parse_exact(buf, KERNEL_LEN, &img, &why), ==, 0);
    check_standard_image(&img, cls);
    g_free(buf);
}

static void test_elf_load(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    struct elf_spec s = kernel_spec(cls);
    uint8_t *buf = build_elf(&s);
    struct guest_memory mem = {0};
    struct elf_image img;
    const struct elf_segment *bad = NULL;
    const char *why;

    g_assert_cmpint(elf_parse(buf, KERNEL_LEN, &img, &why), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&mem, 0, 4 * MiB), ==, 0);
    /* Dirty RAM, so the bss zeroing is visible. */
    g_assert_cmpint(guest_memory_fill(&mem, 0, 0xcc, 4 * MiB), ==, 0);
    g_assert_cmpint(elf_load(&img, buf, &mem, &bad), ==, 0);
    const uint8_t *ram = gpa_to_host(&mem, 0, 4 * MiB);
    for (size_t i = 0; i < 0x1000; i++)
        g_assert_cmphex(ram[0x100000 + i], ==, buf[0x1000 + i]);
    for (size_t i = 0x1000; i < 0x3000; i++)
        g_assert_cmphex(ram[0x100000 + i], ==, 0);
    g_assert_cmphex(ram[0x103000], ==, 0xcc); /* past memsz: untouched */
    for (size_t i = 0; i < 0x800; i++)
        g_assert_cmphex(ram[0x104000 + i], ==, file_byte(0x2000 + i));
    g_assert_cmphex(ram[0x104800], ==, 0xcc);
    g_assert_cmphex(ram[0xfffff], ==, 0xcc);
    guest_memory_free(&mem);
    g_free(buf);
}

static void expect_load_fault(const struct elf_spec *s, uint64_t ram, unsigned bad_seg)
{
    uint8_t *buf = build_elf(s);
    struct guest_memory mem = {0};
    struct elf_image img;
    const struct elf_segment *bad = NULL;
    const char *why;

    g_assert_cmpint(elf_parse(buf, KERNEL_LEN, &img, &why), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&mem, 0, ram), ==, 0);
    g_assert_cmpint(elf_load(&img, buf, &mem, &bad), ==, -EFAULT);
    g_assert_true(bad == &img.seg[bad_seg]);
    guest_memory_free(&mem);
    g_free(buf);
}

static void test_elf_load_outside_ram(void)
{
    struct elf_spec s = kernel_spec(32);

    /* The second segment lies wholly past the end of RAM. */
    expect_load_fault(&s, 0x104000, 1);
    /* It starts inside RAM and runs past the end. */
    s.segs[2].paddr = s.segs[2].vaddr = 0x103c00;
    expect_load_fault(&s, 0x104000, 1);
    /* The first segment's bss alone crosses the end. */
    s = kernel_spec(32);
    expect_load_fault(&s, 0x102000, 0);
    /* A segment far past the end of RAM. */
    s = kernel_spec(64);
    s.segs[2].paddr = 0x200000;
    expect_load_fault(&s, 0x104000 + 0x1000, 1);
}

static void test_elf_not_elf(void)
{
    static const uint8_t junk[64] = "MZ this is not an ELF file";
    static const uint8_t short_magic[3] = {0x7f, 'E', 'L'};
    struct elf_image img;
    const char *why;

    g_assert_cmpint(parse_exact(junk, sizeof(junk), &img, &why), ==, -ENOEXEC);
    g_assert_nonnull(why);
    g_assert_cmpint(parse_exact(short_magic, sizeof(short_magic), &img, &why), ==, -ENOEXEC);
    g_assert_cmpint(parse_exact(junk, 0, &img, &why), ==, -ENOEXEC);
}

static void test_elf_bad_ident(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    struct elf_spec s = kernel_spec(cls);
    uint8_t *buf = build_elf(&s);
    struct elf_image img;
    const char *why;

    buf[EI_DATA] = ELFDATA2MSB;
    g_assert_cmpint(parse_exact(buf, KERNEL_LEN, &img, &why), ==, -EINVAL);
    g_assert_nonnull(why);
    buf[EI_DATA] = ELFDATA2LSB;
    buf[EI_CLASS] = 3;
    g_assert_cmpint(parse_exact(buf, KERNEL_LEN, &img, &why), ==, -EINVAL);
    buf[EI_CLASS] = ELFCLASSNONE;
    g_assert_cmpint(parse_exact(buf, KERNEL_LEN, &img, &why), ==, -EINVAL);
    g_free(buf);
}

static void test_elf_truncated_header(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    struct elf_spec s = kernel_spec(cls);
    size_t ehsize = cls == 64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);

    expect_elf_rejected(&s, EI_NIDENT, -EINVAL);
    expect_elf_rejected(&s, ehsize - 1, -EINVAL);
    /* The header is whole but the program headers it names are cut off. */
    expect_elf_rejected(&s, ehsize, -EINVAL);
    expect_elf_rejected(&s, ehsize + s.phentsize * 2 + 3, -EINVAL);
    /* The data of the segments is cut off. */
    expect_elf_rejected(&s, 0x2400, -EINVAL);
}

static void test_elf_bad_phdrs(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    struct elf_spec s;

    s = kernel_spec(cls);
    s.phoff = KERNEL_LEN + 8;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s.phoff = cls == 64 ? UINT64_MAX - 8 : 0xfffffff8u;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s.phoff = KERNEL_LEN - s.phentsize; /* one header fits; four do not */
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);

    s = kernel_spec(cls);
    s.phnum = 0xffff; /* phnum * phentsize overruns the file */
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);

    s = kernel_spec(cls);
    s.phentsize = cls == 64 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s.phentsize = 0;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s.phentsize = (cls == 64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) + 8;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);

    s = kernel_spec(cls);
    s.phnum = 0; /* nothing to load */
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s = kernel_spec(cls);
    s.segs[0].type = PT_NULL;
    s.segs[2].type = PT_DYNAMIC;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
}

static void test_elf_bad_segments(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    uint64_t max = cls == 64 ? UINT64_MAX : UINT32_MAX;
    struct elf_spec s;

    s = kernel_spec(cls);
    s.segs[2].offset = KERNEL_LEN - 0x10; /* offset + filesz past the end */
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s.segs[2].offset = KERNEL_LEN + 1;
    s.segs[2].filesz = 0;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s.segs[2].offset = max - 0xf; /* offset + filesz wraps */
    s.segs[2].filesz = 0x20;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    s.segs[2].offset = 0x10;
    s.segs[2].filesz = max;
    s.segs[2].memsz = max;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);

    s = kernel_spec(cls);
    s.segs[2].filesz = s.segs[2].memsz + 1;
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);

    if (cls == 64) {
        s = kernel_spec(cls);
        s.segs[0].paddr = UINT64_MAX - 0xfff; /* paddr + memsz wraps */
        expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    }
}

static void test_elf_segment_limit(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    struct elf_spec s = kernel_spec(cls);
    struct elf_image img;
    const char *why;

    s.nsegs = s.phnum = ELF_MAX_SEGMENTS;
    for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++)
        s.segs[i] = (struct seg){PT_LOAD, 0x1000 + i * 0x10, 0x100000 + i * 0x1000,
                                 0x100000 + i * 0x1000, 0x10, 0x10};
    uint8_t *buf = build_elf(&s);
    g_assert_cmpint(parse_exact(buf, KERNEL_LEN, &img, &why), ==, 0);
    g_assert_cmpuint(img.nr_segs, ==, ELF_MAX_SEGMENTS);
    g_free(buf);

    s.nsegs = s.phnum = ELF_MAX_SEGMENTS + 1;
    s.segs[ELF_MAX_SEGMENTS] = (struct seg){PT_LOAD, 0x2000, 0x200000, 0x200000, 0x10, 0x10};
    expect_elf_rejected(&s, KERNEL_LEN, -EINVAL);
    /* Non-loadable headers do not count. */
    s.segs[ELF_MAX_SEGMENTS].type = PT_NOTE;
    buf = build_elf(&s);
    g_assert_cmpint(parse_exact(buf, KERNEL_LEN, &img, &why), ==, 0);
    g_assert_cmpuint(img.nr_segs, ==, ELF_MAX_SEGMENTS);
    g_free(buf);
}

/* ---- multiboot_parse ---- */

static int mb_parse_exact(const uint8_t *buf, size_t len, struct multiboot_kernel *k,
                          uint8_t **copy, const char **why)
{
    *copy = g_malloc(len);
    memcpy(*copy, buf, len);
    *why = NULL;
    return multiboot_parse(*copy, len, k, why);
}

static void expect_mb_rejected(const uint8_t *buf, size_t len, int expect)
{
    struct multiboot_kernel k;
    const char *why;
    uint8_t *copy;

    g_assert_cmpint(mb_parse_exact(buf, len, &k, &copy, &why), ==, expect);
    g_assert_nonnull(why);
    g_free(copy);
}

static void test_mb_parse_elf(gconstpointer data)
{
    unsigned cls = GPOINTER_TO_UINT(data);
    struct elf_spec s = kernel_spec(cls);
    uint8_t *buf = build_elf(&s), *copy;
    struct multiboot_kernel k;
    const char *why;

    g_assert_cmpint(mb_parse_exact(buf, KERNEL_LEN, &k, &copy, &why), ==, 0);
    g_assert_true(k.is_elf);
    g_assert_cmphex(k.flags, ==, 0x3);
    /* The ELF64 entry is virtual (high half): translated through its segment. */
    g_assert_cmphex(k.entry, ==, 0x100020);
    g_assert_cmphex(k.phys_start, ==, 0x100000);
    g_assert_cmphex(k.phys_end, ==, 0x104800);
    check_standard_image(&k.elf, cls);
    g_free(copy);
    g_free(buf);
}

static void test_mb_parse_rejects(void)
{
    struct elf_spec s;
    uint8_t *buf;

    /* No header at all. */
    s = kernel_spec(32);
    s.mb_header = false;
    buf = build_elf(&s);
    expect_mb_rejected(buf, KERNEL_LEN, -ENOEXEC);
    /* A header whose checksum does not hold is not a header. */
    put_mb_header(buf, MB_HDR_OFF, 0x3, NULL);
    buf[MB_HDR_OFF + 8] ^= 1;
    expect_mb_rejected(buf, KERNEL_LEN, -ENOEXEC);
    g_free(buf);

    /* Not 4-byte aligned. */
    s = kernel_spec(32);
    s.mb_header = false;
    buf = build_elf(&s);
    put_mb_header(buf, MB_HDR_OFF + 2, 0x3, NULL);
    expect_mb_rejected(buf, KERNEL_LEN, -ENOEXEC);
    g_free(buf);

    /* Past the first 8 KiB. */
    buf = g_malloc0(0x3000);
    put_mb_header(buf, MULTIBOOT_SEARCH_LEN, 0x3, NULL);
    expect_mb_rejected(buf, 0x3000, -ENOEXEC);
    /* ... but just inside is found (and then fails: neither ELF nor a.out kludge). */
    put_mb_header(buf, MULTIBOOT_SEARCH_LEN - 12, 0x3, NULL);
    expect_mb_rejected(buf, 0x3000, -EINVAL);
    g_free(buf);

    /* Tiny files. */
    buf = g_malloc0(16);
    expect_mb_rejected(buf, 11, -ENOEXEC);
    put_mb_header(buf, 0, 0, NULL);
    expect_mb_rejected(buf, 12, -EINVAL);
    g_free(buf);
}

static void test_mb_parse_required_flags(void)
{
    static const uint32_t bad_flags[] = {1u << 3, 1u << 4, 1u << 15, 0x3 | (1u << 8)};

    for (unsigned i = 0; i < G_N_ELEMENTS(bad_flags); i++) {
        struct elf_spec s = kernel_spec(32);
        s.mb_flags = bad_flags[i];
        uint8_t *buf = build_elf(&s);
        expect_mb_rejected(buf, KERNEL_LEN, -EINVAL);
        g_free(buf);
    }
    /* Optional bits (16-31, except the address bit's meaning) do not stop the load. */
    struct elf_spec s = kernel_spec(32);
    struct multiboot_kernel k;
    const char *why;
    uint8_t *copy;
    s.mb_flags = 0x7 | (1u << 20);
    uint8_t *buf = build_elf(&s);
    g_assert_cmpint(mb_parse_exact(buf, KERNEL_LEN, &k, &copy, &why), ==, 0);
    g_free(copy);
    g_free(buf);
}

static void test_mb_parse_elf_rejects(void)
{
    struct elf_spec s;
    uint8_t *buf;

    /* Not x86. */
    s = kernel_spec(32);
    s.machine = EM_ARM;
    buf = build_elf(&s);
    expect_mb_rejected(buf, KERNEL_LEN, -EINVAL);
    g_free(buf);
    /* A malformed ELF behind a good header. */
    s = kernel_spec(64);
    s.segs[2].filesz = s.segs[2].memsz + 1;
    buf = build_elf(&s);
    expect_mb_rejected(buf, KERNEL_LEN, -EINVAL);
    g_free(buf);
    /* Loads above the hole at 3.25 GiB. */
    s = kernel_spec(64);
    s.segs[2].paddr = 0x100000000ull;
    buf = build_elf(&s);
    expect_mb_rejected(buf, KERNEL_LEN, -EINVAL);
    g_free(buf);
    s = kernel_spec(32);
    s.segs[2].paddr = 0xcffff900u; /* ends past 0xd0000000 */
    buf = build_elf(&s);
    expect_mb_rejected(buf, KERNEL_LEN, -EINVAL);
    g_free(buf);
    /* An entry point above 4 GiB that no segment translates. */
    s = kernel_spec(64);
    s.entry = 0x100000000ull;
    buf = build_elf(&s);
    expect_mb_rejected(buf, KERNEL_LEN, -EINVAL);
    g_free(buf);
}

/* ---- the a.out kludge (flag bit 16) ---- */

#define AOUT_HDR_OFF 0x40u
#define AOUT_LEN 0x2000u

static uint8_t *build_aout(uint32_t header_addr, uint32_t load_addr, uint32_t load_end,
                           uint32_t bss_end, uint32_t entry)
{
    uint8_t *buf = g_malloc(AOUT_LEN);
    const uint32_t addrs[5] = {header_addr, load_addr, load_end, bss_end, entry};

    for (size_t i = 0; i < AOUT_LEN; i++)
        buf[i] = file_byte(i);
    put_mb_header(buf, AOUT_HDR_OFF, (1u << 16) | 0x3, addrs);
    return buf;
}

static void test_mb_aout(void)
{
    /* The file from offset 0 goes to 1 MiB; 0x1800 bytes of it, then bss to 1 MiB + 16 KiB. */
    uint8_t *buf = build_aout(0x100000 + AOUT_HDR_OFF, 0x100000, 0x101800, 0x104000, 0x100080);
    struct multiboot_kernel k;
    struct guest_memory mem = {0};
    struct e820_table e820;
    const char *why;
    uint8_t *copy;
    uint32_t info;

    g_assert_cmpint(mb_parse_exact(buf, AOUT_LEN, &k, &copy, &why), ==, 0);
    g_assert_false(k.is_elf);
    g_assert_cmphex(k.load_addr, ==, 0x100000);
    g_assert_cmphex(k.load_offset, ==, 0);
    g_assert_cmphex(k.load_size, ==, 0x1800);
    g_assert_cmphex(k.bss_end, ==, 0x104000);
    g_assert_cmphex(k.entry, ==, 0x100080);
    g_assert_cmphex(k.phys_start, ==, 0x100000);
    g_assert_cmphex(k.phys_end, ==, 0x104000);

    g_assert_cmpint(guest_memory_add_ram(&mem, 0, 8 * MiB), ==, 0);
    g_assert_cmpint(guest_memory_fill(&mem, 0, 0xcc, 8 * MiB), ==, 0);
    pc_e820_build(&e820, 8 * MiB, 0);
    struct multiboot_boot b = {.kernel = &k, .cmdline = "", .e820 = &e820,
                               .low_ram_end = 8 * MiB};
    g_assert_cmpint(multiboot_load(&mem, &b, &info, &why), ==, 0);
    const uint8_t *ram = gpa_to_host(&mem, 0, 8 * MiB);
    g_assert_cmpmem(ram + 0x100000, 0x1800, buf, 0x1800);
    for (size_t i = 0x101800; i < 0x104000; i++)
        g_assert_cmphex(ram[i], ==, 0);
    g_assert_cmphex(info, >=, 0x104000);
    guest_memory_free(&mem);
    g_free(copy);

    /* The header is not at the start of what is loaded: load_offset follows. */
    g_free(buf);
    buf = build_aout(0x200010, 0x200000, 0, 0, 0x200000);
    g_assert_cmpint(mb_parse_exact(buf, AOUT_LEN, &k, &copy, &why), ==, 0);
    g_assert_cmphex(k.load_offset, ==, AOUT_HDR_OFF - 0x10);
    g_assert_cmphex(k.load_size, ==, AOUT_LEN - (AOUT_HDR_OFF - 0x10)); /* to the file end */
    g_assert_cmphex(k.bss_end, ==, 0x200000 + k.load_size);
    g_free(copy);
    g_free(buf);
}

static void test_mb_aout_inconsistent(void)
{
    static const struct {
        uint32_t header_addr, load_addr, load_end, bss_end, entry;
    } cases[] = {
        /* header_addr below load_addr */
        {0x100000, 0x100040, 0, 0, 0x100080},
        /* the load start would be before the file's start */
        {0x100040, 0x100000 - 0x1000, 0, 0, 0x100080},
        /* load_end_addr below load_addr */
        {0x100040, 0x100000, 0xff000, 0, 0x100080},
        /* load range past the end of the file */
        {0x100040, 0x100000, 0x100000 + AOUT_LEN + 1, 0, 0x100080},
        /* bss_end_addr below the loaded image */
        {0x100040, 0x100000, 0x101000, 0x100800, 0x100080},
        /* loads into the hole below 4 GiB */
        {0xe0000040, 0xe0000000, 0, 0, 0xe0000080},
        /* bss runs past 3.25 GiB */
        {0x100040, 0x100000, 0, 0xd0001000, 0x100080},
        /* everything wrapping */
        {0xffffffff, 0xfffffff0, 0xffffffff, 0xffffffff, 0},
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint8_t *buf = build_aout(cases[i].header_addr, cases[i].load_addr,
                                  cases[i].load_end, cases[i].bss_end, cases[i].entry);
        expect_mb_rejected(buf, AOUT_LEN, -EINVAL);
        g_free(buf);
    }
}

static void test_mb_aout_truncated_header(void)
{
    /* A bit-16 header in the last 12 bytes: its address fields lie past the file's end. */
    uint8_t *buf = g_malloc0(0x100);
    struct multiboot_kernel k;
    const char *why;
    uint8_t *copy;

    put_mb_header(buf, 0x100 - 12, 1u << 16, NULL);
    int ret = mb_parse_exact(buf, 0x100, &k, &copy, &why);
    /* Whatever it decides, it may not describe bytes the file does not have. */
    g_assert_true(ret == 0 || ret == -EINVAL);
    if (ret == 0) {
        g_assert_cmpuint(k.load_offset, <=, 0x100);
        g_assert_cmpuint(k.load_size, <=, 0x100 - k.load_offset);
    }
    g_free(copy);
    g_free(buf);
}

/* ---- multiboot_load ---- */

/* The information structure's fields, by their offsets in the specification. */
enum {
    MBI_FLAGS = 0, MBI_MEM_LOWER = 4, MBI_MEM_UPPER = 8, MBI_CMDLINE = 16,
    MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24, MBI_MMAP_LENGTH = 44, MBI_MMAP_ADDR = 48,
    MBI_LOADER_NAME = 64, MBI_SIZE = 88,
};

static uint32_t rd32(const struct guest_memory *mem, uint64_t gpa)
{
    uint32_t v;

    g_assert_cmpint(guest_memory_read(mem, gpa, &v, sizeof(v)), ==, 0);
    return v;
}

static uint64_t rd64(const struct guest_memory *mem, uint64_t gpa)
{
    uint64_t v;

    g_assert_cmpint(guest_memory_read(mem, gpa, &v, sizeof(v)), ==, 0);
    return v;
}

static gchar *guest_string(const struct guest_memory *mem, uint64_t gpa)
{
    GString *s = g_string_new(NULL);

    for (unsigned i = 0; i < 4096; i++) {
        const uint8_t *p = gpa_to_host(mem, gpa + i, 1);
        g_assert_nonnull(p);
        if (!*p)
            return g_string_free(s, FALSE);
        g_string_append_c(s, (char)*p);
    }
    g_assert_not_reached();
    return NULL;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

struct mb_setup {
    struct guest_memory mem;
    struct e820_table e820;
    struct multiboot_kernel k;
    uint8_t *file;
    uint8_t *mod_data[3];
    struct multiboot_module mods[3];
};

static void mb_setup_init(struct mb_setup *m, uint64_t ram)
{
    struct elf_spec s = kernel_spec(32);
    const char *why;
    static const size_t mod_len[3] = {5000, 3, 4096};
    static const char *const mod_cmd[3] = {"/boot/mod1 arg=1", "/boot/mod2", "m3"};

    memset(m, 0, sizeof(*m));
    m->file = build_elf(&s);
    g_assert_cmpint(multiboot_parse(m->file, KERNEL_LEN, &m->k, &why), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&m->mem, 0, ram), ==, 0);
    g_assert_cmpint(guest_memory_fill(&m->mem, 0, 0xee, ram), ==, 0);
    pc_e820_build(&m->e820, ram, 0);
    for (unsigned i = 0; i < 3; i++) {
        m->mod_data[i] = g_malloc(mod_len[i]);
        for (size_t j = 0; j < mod_len[i]; j++)
            m->mod_data[i][j] = (uint8_t)(j * (i + 3) + i);
        m->mods[i] = (struct multiboot_module){m->mod_data[i], mod_len[i], mod_cmd[i]};
    }
}

static void mb_setup_free(struct mb_setup *m)
{
    for (unsigned i = 0; i < 3; i++)
        g_free(m->mod_data[i]);
    g_free(m->file);
    guest_memory_free(&m->mem);
}

static void test_mb_load_info(void)
{
    struct mb_setup m;
    const char *why = NULL;
    uint32_t info = 0;
    const uint64_t ram = 32 * MiB;

    mb_setup_init(&m, ram);
    struct multiboot_boot b = {
        .kernel = &m.k, .cmdline = "console=ttyS0 quiet", .modules = m.mods,
        .nr_modules = 3, .e820 = &m.e820, .low_ram_end = ram,
    };
    g_assert_cmpint(multiboot_load(&m.mem, &b, &info, &why), ==, 0);

    /* The kernel is in place. */
    const uint8_t *k = gpa_to_host(&m.mem, 0x100000, 0x3000);
    g_assert_cmpmem(k, 0x1000, m.file + 0x1000, 0x1000);
    g_assert_cmphex(k[0x2fff], ==, 0);

    /* The information structure: after the kernel, inside RAM, aligned. */
    g_assert_cmphex(info % 4, ==, 0);
    g_assert_cmphex(info, >=, 0x104800);
    g_assert_cmphex((uint64_t)info + MBI_SIZE, <=, ram);
    uint32_t flags = rd32(&m.mem, info + MBI_FLAGS);
    g_assert_cmphex(flags & 0x1, ==, 0x1);     /* mem_lower/mem_upper */
    g_assert_cmphex(flags & 0x4, ==, 0x4);     /* cmdline */
    g_assert_cmphex(flags & 0x8, ==, 0x8);     /* mods */
    g_assert_cmphex(flags & 0x40, ==, 0x40);   /* mmap */
    g_assert_cmphex(flags & 0x200, ==, 0x200); /* boot_loader_name */
    g_assert_cmphex(flags & 0x30, ==, 0);      /* no symbol tables claimed */
    g_assert_cmpuint(rd32(&m.mem, info + MBI_MEM_LOWER), ==, 639);
    g_assert_cmpuint(rd32(&m.mem, info + MBI_MEM_UPPER), ==, (ram - MiB) / 1024);

    gchar *str = guest_string(&m.mem, rd32(&m.mem, info + MBI_CMDLINE));
    g_assert_cmpstr(str, ==, "console=ttyS0 quiet");
    g_free(str);
    str = guest_string(&m.mem, rd32(&m.mem, info + MBI_LOADER_NAME));
    g_assert_cmpstr(str, ==, "kestrel");
    g_free(str);

    /* Modules: page-aligned, contents intact, clear of the kernel and of each other. */
    g_assert_cmpuint(rd32(&m.mem, info + MBI_MODS_COUNT), ==, 3);
    uint32_t mods = rd32(&m.mem, info + MBI_MODS_ADDR);
    uint32_t prev_end = 0;
    for (unsigned i = 0; i < 3; i++) {
        uint32_t start = rd32(&m.mem, mods + i * 16), end = rd32(&m.mem, mods + i * 16 + 4);
        g_assert_cmphex(start % 4096, ==, 0);
        g_assert_cmphex(end - start, ==, m.mods[i].len);
        g_assert_cmphex(start, >=, 0x104800);
        g_assert_cmphex(start, >=, prev_end);
        g_assert_cmphex(end, <=, ram);
        const void *p = gpa_to_host(&m.mem, start, end - start);
        g_assert_nonnull(p);
        g_assert_cmpmem(p, end - start, m.mod_data[i], m.mods[i].len);
        str = guest_string(&m.mem, rd32(&m.mem, mods + i * 16 + 8));
        g_assert_cmpstr(str, ==, m.mods[i].cmdline);
        g_free(str);
        g_assert_false(ranges_overlap(info, MBI_SIZE, start, end - start));
        prev_end = end;
    }

    /* The memory map matches the e820 table entry by entry. */
    uint32_t mmap_len = rd32(&m.mem, info + MBI_MMAP_LENGTH);
    uint32_t mmap = rd32(&m.mem, info + MBI_MMAP_ADDR);
    unsigned n = 0;
    for (uint32_t off = 0; off < mmap_len; n++) {
        uint32_t size = rd32(&m.mem, mmap + off);
        g_assert_cmpuint(size, >=, 20);
        g_assert_cmpuint(n, <, m.e820.nr);
        g_assert_cmphex(rd64(&m.mem, mmap + off + 4), ==, m.e820.entry[n].addr);
        g_assert_cmphex(rd64(&m.mem, mmap + off + 12), ==, m.e820.entry[n].size);
        g_assert_cmpuint(rd32(&m.mem, mmap + off + 20), ==, m.e820.entry[n].type);
        off += size + 4;
        g_assert_cmpuint(off, <=, mmap_len);
    }
    g_assert_cmpuint(n, ==, m.e820.nr);
    g_assert_cmpuint(n, >=, 4);
    g_assert_false(ranges_overlap(info, MBI_SIZE, mmap, mmap_len));
    mb_setup_free(&m);
}

static void test_mb_load_no_modules(void)
{
    struct mb_setup m;
    const char *why = NULL;
    uint32_t info = 0;

    mb_setup_init(&m, 4 * MiB);
    struct multiboot_boot b = {.kernel = &m.k, .cmdline = "", .e820 = &m.e820,
                               .low_ram_end = 4 * MiB};
    g_assert_cmpint(multiboot_load(&m.mem, &b, &info, &why), ==, 0);
    g_assert_cmphex(rd32(&m.mem, info + MBI_FLAGS) & 0x8, ==, 0);
    g_assert_cmpuint(rd32(&m.mem, info + MBI_MODS_COUNT), ==, 0);
    g_assert_cmpuint(rd32(&m.mem, info + MBI_MEM_UPPER), ==, 3 * 1024);
    gchar *str = guest_string(&m.mem, rd32(&m.mem, info + MBI_CMDLINE));
    g_assert_cmpstr(str, ==, "");
    g_free(str);
    mb_setup_free(&m);
}

static void test_mb_load_does_not_fit(void)
{
    struct mb_setup m;
    const char *why;
    uint32_t info;

    /* The kernel itself lies past the end of RAM. */
    mb_setup_init(&m, MiB);
    struct multiboot_boot b = {.kernel = &m.k, .cmdline = "", .e820 = &m.e820,
                               .low_ram_end = MiB};
    why = NULL;
    g_assert_cmpint(multiboot_load(&m.mem, &b, &info, &why), ==, -EFAULT);
    g_assert_nonnull(why);
    mb_setup_free(&m);

    /* A module larger than the RAM left after the kernel. */
    mb_setup_init(&m, 2 * MiB);
    uint8_t *big = g_malloc0(MiB);
    struct multiboot_module mod = {big, MiB, "big"};
    b = (struct multiboot_boot){.kernel = &m.k, .cmdline = "", .modules = &mod,
                                .nr_modules = 1, .e820 = &m.e820, .low_ram_end = 2 * MiB};
    why = NULL;
    g_assert_cmpint(multiboot_load(&m.mem, &b, &info, &why), ==, -EFAULT);
    g_assert_nonnull(why);

    /* More modules than the information structure can list. */
    struct multiboot_module many[MULTIBOOT_MAX_MODULES + 1];
    for (unsigned i = 0; i < G_N_ELEMENTS(many); i++)
        many[i] = (struct multiboot_module){big, 16, "m"};
    b.modules = many;
    b.nr_modules = G_N_ELEMENTS(many);
    why = NULL;
    g_assert_cmpint(multiboot_load(&m.mem, &b, &info, &why), ==, -EFAULT);
    g_assert_nonnull(why);
    b.nr_modules = MULTIBOOT_MAX_MODULES;
    g_assert_cmpint(multiboot_load(&m.mem, &b, &info, &why), ==, 0);
    g_assert_cmpuint(rd32(&m.mem, info + MBI_MODS_COUNT), ==, MULTIBOOT_MAX_MODULES);
    g_free(big);
    mb_setup_free(&m);
}

static bool test_range_is_ram(const struct e820_table *t, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < t->nr; i++)
        if (t->entry[i].type == E820_RAM && addr >= t->entry[i].addr &&
            addr + len <= t->entry[i].addr + t->entry[i].size)
            return true;
    return false;
}

static void test_mb_load_placement_in_ram(void)
{
    /* A kernel loaded low (64 KiB) with a 1 MiB module: what the loader places must lie in
     * memory its own memory map calls RAM, not in the EBDA/VGA/BIOS area (where the board
     * also writes the MP table). */
    uint8_t *buf = build_aout(0x10000 + AOUT_HDR_OFF, 0x10000, 0, 0x13000, 0x10080);
    struct multiboot_kernel k;
    struct guest_memory mem = {0};
    struct e820_table e820;
    const char *why = NULL;
    uint32_t info;

    g_assert_cmpint(multiboot_parse(buf, AOUT_LEN, &k, &why), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&mem, 0, 32 * MiB), ==, 0);
    pc_e820_build(&e820, 32 * MiB, 0);
    uint8_t *big = g_malloc0(MiB);
    struct multiboot_module mod = {big, MiB, "big"};
    struct multiboot_boot b = {.kernel = &k, .cmdline = "", .modules = &mod, .nr_modules = 1,
                               .e820 = &e820, .low_ram_end = 32 * MiB};
    g_assert_cmpint(multiboot_load(&mem, &b, &info, &why), ==, 0);
    uint32_t mods = rd32(&mem, info + MBI_MODS_ADDR);
    uint32_t start = rd32(&mem, mods), end = rd32(&mem, mods + 4);
    uint32_t mmap = rd32(&mem, info + MBI_MMAP_ADDR);
    uint32_t mmap_len = rd32(&mem, info + MBI_MMAP_LENGTH);
    g_assert_cmpuint(end - start, ==, MiB);
    bool ok = test_range_is_ram(&e820, start, end - start) && test_range_is_ram(&e820, info, MBI_SIZE) &&
              test_range_is_ram(&e820, mods, 16) && test_range_is_ram(&e820, mmap, mmap_len);
    g_assert_true(ok);
    g_free(big);
    g_free(buf);
    guest_memory_free(&mem);
}

/* An a.out-kludge kernel without bss (bss_end_addr 0, or equal to load_end_addr). */
static void test_mb_aout_no_bss(void)
{
    static const uint32_t bss_end[] = {0, 0x101800};

    for (unsigned i = 0; i < G_N_ELEMENTS(bss_end); i++) {
        uint8_t *buf = build_aout(0x100000 + AOUT_HDR_OFF, 0x100000, 0x101800, bss_end[i],
                                  0x100080);
        struct multiboot_kernel k;
        struct guest_memory mem = {0};
        struct e820_table e820;
        const char *why = NULL;
        uint32_t info;

        g_assert_cmpint(multiboot_parse(buf, AOUT_LEN, &k, &why), ==, 0);
        g_assert_cmphex(k.bss_end, ==, 0x101800);
        g_assert_cmpint(guest_memory_add_ram(&mem, 0, 8 * MiB), ==, 0);
        pc_e820_build(&e820, 8 * MiB, 0);
        struct multiboot_boot b = {.kernel = &k, .cmdline = "", .e820 = &e820,
                                   .low_ram_end = 8 * MiB};
        g_assert_cmpint(multiboot_load(&mem, &b, &info, &why), ==, 0);
        g_assert_cmpmem(gpa_to_host(&mem, 0x100000, 0x1800), 0x1800, buf, 0x1800);
        guest_memory_free(&mem);
        g_free(buf);
    }
}

/* An empty module file (e.g. -initrd on an empty file) is a valid, empty module. */
static void test_mb_load_empty_module(void)
{
    struct mb_setup m;
    const char *why = NULL;
    uint32_t info = 0;
    static const uint8_t nothing[1];

    mb_setup_init(&m, 4 * MiB);
    struct multiboot_module mods[2] = {{nothing, 0, "empty"}, m.mods[1]};
    struct multiboot_boot b = {.kernel = &m.k, .cmdline = "", .modules = mods,
                               .nr_modules = 2, .e820 = &m.e820, .low_ram_end = 4 * MiB};
    g_assert_cmpint(multiboot_load(&m.mem, &b, &info, &why), ==, 0);
    uint32_t mods_addr = rd32(&m.mem, info + MBI_MODS_ADDR);
    g_assert_cmpuint(rd32(&m.mem, info + MBI_MODS_COUNT), ==, 2);
    g_assert_cmphex(rd32(&m.mem, mods_addr), ==, rd32(&m.mem, mods_addr + 4));
    uint32_t start = rd32(&m.mem, mods_addr + 16), end = rd32(&m.mem, mods_addr + 20);
    g_assert_cmpuint(end - start, ==, m.mods[1].len);
    g_assert_cmpmem(gpa_to_host(&m.mem, start, end - start), end - start, m.mod_data[1],
                    m.mods[1].len);
    mb_setup_free(&m);
}

/* ---- entry state ---- */

static void test_mb_entry_state(void)
{
    struct x86_cpu_state s;

    memset(&s, 0xa5, sizeof(s)); /* garbage, PG and LME included */
    s.cr0 |= X86_CR0_PG;
    multiboot_entry_state(&s, 0x100020, 0x9000);
    g_assert_cmphex(s.gpr[X86_RAX], ==, 0x2BADB002);
    g_assert_cmphex(s.gpr[X86_RBX], ==, 0x9000);
    for (int r = 0; r < X86_NR_GPRS; r++)
        if (r != X86_RAX && r != X86_RBX)
            g_assert_cmphex(s.gpr[r], ==, 0);
    g_assert_cmphex(s.rip, ==, 0x100020);
    g_assert_cmphex(s.cr0 & X86_CR0_PE, ==, X86_CR0_PE);
    g_assert_cmphex(s.cr0 & X86_CR0_PG, ==, 0);
    g_assert_cmphex(s.efer, ==, 0);
    g_assert_cmphex(s.rflags & (1u << 9), ==, 0); /* IF clear */
    g_assert_cmphex(s.rflags & (1u << 17), ==, 0); /* VM clear */
    g_assert_cmphex(s.rflags & X86_RFLAGS_RESERVED1, ==, X86_RFLAGS_RESERVED1);

    const struct x86_segment *cs = &s.seg[X86_SEG_CS];
    g_assert_cmphex(cs->base, ==, 0);
    g_assert_cmphex(cs->limit, ==, 0xffffffff);
    g_assert_cmpuint(cs->type & 0x8, ==, 0x8); /* code */
    g_assert_cmpuint(cs->present, ==, 1);
    g_assert_cmpuint(cs->s, ==, 1);
    g_assert_cmpuint(cs->db, ==, 1); /* 32-bit */
    g_assert_cmpuint(cs->l, ==, 0);
    g_assert_cmpuint(cs->dpl, ==, 0);
    g_assert_cmpuint(cs->unusable, ==, 0);
    for (int i = X86_SEG_ES; i <= X86_SEG_GS; i++) {
        if (i == X86_SEG_CS)
            continue;
        const struct x86_segment *d = &s.seg[i];
        g_assert_cmphex(d->base, ==, 0);
        g_assert_cmphex(d->limit, ==, 0xffffffff);
        g_assert_cmpuint(d->type, ==, 0x3); /* read/write data, accessed */
        g_assert_cmpuint(d->present, ==, 1);
        g_assert_cmpuint(d->db, ==, 1);
        g_assert_cmpuint(d->unusable, ==, 0);
        g_assert_cmphex(d->selector & 3, ==, 0);
    }
}

#define ADD_CLASSES(path, fn)                                          \
    do {                                                               \
        g_test_add_data_func(path "/elf32", GUINT_TO_POINTER(32), fn); \
        g_test_add_data_func(path "/elf64", GUINT_TO_POINTER(64), fn); \
    } while (0)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD_CLASSES("/elf/parse_valid", test_elf_parse_valid);
    ADD_CLASSES("/elf/load", test_elf_load);
    g_test_add_func("/elf/load_outside_ram", test_elf_load_outside_ram);
    g_test_add_func("/elf/not_elf", test_elf_not_elf);
    ADD_CLASSES("/elf/bad_ident", test_elf_bad_ident);
    ADD_CLASSES("/elf/truncated_header", test_elf_truncated_header);
    ADD_CLASSES("/elf/bad_phdrs", test_elf_bad_phdrs);
    ADD_CLASSES("/elf/bad_segments", test_elf_bad_segments);
    ADD_CLASSES("/elf/segment_limit", test_elf_segment_limit);
    ADD_CLASSES("/multiboot/parse/elf", test_mb_parse_elf);
    g_test_add_func("/multiboot/parse/rejects", test_mb_parse_rejects);
    g_test_add_func("/multiboot/parse/required_flags", test_mb_parse_required_flags);
    g_test_add_func("/multiboot/parse/elf_rejects", test_mb_parse_elf_rejects);
    g_test_add_func("/multiboot/aout/valid", test_mb_aout);
    g_test_add_func("/multiboot/aout/inconsistent", test_mb_aout_inconsistent);
    g_test_add_func("/multiboot/aout/truncated_header", test_mb_aout_truncated_header);
    g_test_add_func("/multiboot/aout/no_bss", test_mb_aout_no_bss);
    g_test_add_func("/multiboot/load/info", test_mb_load_info);
    g_test_add_func("/multiboot/load/no_modules", test_mb_load_no_modules);
    g_test_add_func("/multiboot/load/does_not_fit", test_mb_load_does_not_fit);
    g_test_add_func("/multiboot/load/empty_module", test_mb_load_empty_module);
    g_test_add_func("/multiboot/load/placement_in_ram", test_mb_load_placement_in_ram);
    g_test_add_func("/multiboot/entry_state", test_mb_entry_state);
    return g_test_run();
}
