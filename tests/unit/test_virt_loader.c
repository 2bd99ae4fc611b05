/*
 * Unit tests for machine/virt/riscv_image and virt_loader: the Linux Image header as hostile
 * input, and where firmware, kernel, initrd, device tree and fw_dynamic record land in RAM.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/memory.h"
#include "machine/virt/riscv_image.h"
#include "machine/virt/virt_loader.h"

#define RAM_BASE 0x80000000ull
#define MIB (1ull << 20)
#define FDT_MAX (64ull << 10)

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A 4 KiB file with an Image header: text_offset 2 MiB and the given image_size. */
static void make_image(uint8_t *buf, size_t len, uint64_t image_size)
{
    memset(buf, 0, len);
    buf[0] = 'M';
    buf[1] = 'Z';
    put64(buf + 0x08, 0x200000);
    put64(buf + 0x10, image_size);
    memcpy(buf + 0x30, "RISCV\0\0\0", 8);
    memcpy(buf + 0x38, "RSC\x05", 4);
    for (size_t i = 64; i < len; i++)
        buf[i] = (uint8_t)i;
}

static void test_image_header(void)
{
    uint8_t buf[4096];
    struct riscv_image img;
    const char *why = NULL;

    make_image(buf, sizeof(buf), 0x1e6b000);
    g_assert_cmpint(riscv_image_parse(buf, sizeof(buf), &img, &why), ==, 0);
    g_assert_cmphex(img.text_offset, ==, 0x200000);
    g_assert_cmphex(img.load_size, ==, 0x1e6b000);
    g_assert_true(img.has_pe_header);

    /* image_size 0 (old headers): the file's own length. */
    make_image(buf, sizeof(buf), 0);
    g_assert_cmpint(riscv_image_parse(buf, sizeof(buf), &img, &why), ==, 0);
    g_assert_cmphex(img.load_size, ==, sizeof(buf));

    /* Only the deprecated magic: still an Image. */
    make_image(buf, sizeof(buf), 8192);
    memset(buf + 0x38, 0, 4);
    g_assert_cmpint(riscv_image_parse(buf, sizeof(buf), &img, &why), ==, 0);
}

static void test_image_hostile(void)
{
    uint8_t buf[4096];
    struct riscv_image img;
    const char *why = NULL;

    make_image(buf, sizeof(buf), 8192);
    g_assert_cmpint(riscv_image_parse(buf, 63, &img, &why), ==, -ENOEXEC); /* too short */
    g_assert_cmpint(riscv_image_parse(buf, 0, &img, &why), ==, -ENOEXEC);

    memset(buf + 0x30, 0, 12); /* no magic at all */
    g_assert_cmpint(riscv_image_parse(buf, sizeof(buf), &img, &why), ==, -ENOEXEC);

    make_image(buf, sizeof(buf), 1ull << 40); /* image_size beyond belief */
    g_assert_cmpint(riscv_image_parse(buf, sizeof(buf), &img, &why), ==, -EINVAL);
    g_assert_nonnull(strstr(why, "image_size"));

    make_image(buf, sizeof(buf), 8192);
    put64(buf + 0x08, 0x200123); /* text_offset not page aligned */
    g_assert_cmpint(riscv_image_parse(buf, sizeof(buf), &img, &why), ==, -EINVAL);

    buf[0] = 0x1f; /* gzip */
    buf[1] = 0x8b;
    g_assert_cmpint(riscv_image_parse(buf, sizeof(buf), &img, &why), ==, -EINVAL);
    g_assert_nonnull(strstr(why, "gunzip"));
}

/* Temporary files for -bios, -kernel and -initrd. */
struct files {
    char *dir;
    char path[3][512];
};

static const char *write_file(struct files *f, int i, const void *data, size_t len)
{
    snprintf(f->path[i], sizeof(f->path[i]), "%s/file%d", f->dir, i);
    g_assert_true(g_file_set_contents(f->path[i], data, (gssize)len, NULL));
    return f->path[i];
}

static void files_init(struct files *f)
{
    f->dir = g_dir_make_tmp("kestrel-virt-loader-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
}

static void files_free(struct files *f)
{
    for (int i = 0; i < 3; i++)
        if (f->path[i][0])
            g_unlink(f->path[i]);
    g_rmdir(f->dir);
    g_free(f->dir);
}

static void test_plan_linux(void)
{
    struct files f = {0};
    static uint8_t bios[300 * 1024], image[4096], initrd[1 * MIB + 123];
    struct virt_loader l;
    struct vm_config cfg = {0};

    files_init(&f);
    memset(bios, 0x13, sizeof(bios));
    make_image(image, sizeof(image), 30 * MIB);
    memset(initrd, 0x5a, sizeof(initrd));
    cfg.bios = write_file(&f, 0, bios, sizeof(bios));
    cfg.kernel = write_file(&f, 1, image, sizeof(image));
    cfg.initrd = write_file(&f, 2, initrd, sizeof(initrd));

    g_assert_cmpint(virt_loader_plan(&l, &cfg, RAM_BASE, 512 * MIB, FDT_MAX), ==, 0);
    /* Firmware at the base; the kernel on the next 2 MiB boundary, where fw_jump jumps. */
    g_assert_cmphex(l.reset_pc, ==, RAM_BASE);
    g_assert_cmphex(l.bios.start, ==, RAM_BASE);
    g_assert_cmphex(l.kernel.start, ==, RAM_BASE + 2 * MIB);
    g_assert_cmphex(l.kernel_entry, ==, RAM_BASE + 2 * MIB);
    g_assert_cmphex(l.kernel.end, ==, RAM_BASE + 32 * MIB);
    /* The device tree at the top 2 MiB boundary; the initrd right below it, page aligned. */
    g_assert_cmphex(l.fdt_addr, ==, RAM_BASE + 510 * MIB);
    g_assert_cmphex(l.dyn_info_addr, ==, l.fdt_addr + FDT_MAX);
    g_assert_cmphex(l.initrd.end, <=, l.fdt_addr);
    g_assert_cmphex(l.initrd.start & 0xfff, ==, 0);
    g_assert_cmphex(l.initrd.end - l.initrd.start, ==, sizeof(initrd));

    /* Loaded: the bytes are where the plan says, and the fw_dynamic record names the kernel. */
    struct guest_memory mem = {0};
    g_assert_cmpint(guest_memory_add_ram(&mem, RAM_BASE, 512 * MIB), ==, 0);
    g_assert_cmpint(virt_loader_load(&l, &mem), ==, 0);
    uint8_t b[16];
    g_assert_cmpint(guest_memory_read(&mem, l.initrd.start, b, 1), ==, 0);
    g_assert_cmpuint(b[0], ==, 0x5a);
    g_assert_cmpint(guest_memory_read(&mem, l.kernel.start + 100, b, 1), ==, 0);
    g_assert_cmpuint(b[0], ==, 100);
    uint64_t info[6];
    g_assert_cmpint(guest_memory_read(&mem, l.dyn_info_addr, info, sizeof(info)), ==, 0);
    g_assert_cmphex(info[0], ==, 0x4942534f); /* "OSBI" */
    g_assert_cmpuint(info[1], ==, 2);
    g_assert_cmphex(info[2], ==, RAM_BASE + 2 * MIB);
    g_assert_cmpuint(info[3], ==, 1); /* next mode: S */
    guest_memory_free(&mem);
    virt_loader_free(&l);
    files_free(&f);
}

static void test_plan_refusals(void)
{
    struct files f = {0};
    static uint8_t bios[64 * 1024], image[4096], initrd[200 * MIB / 100];
    struct virt_loader l;
    struct vm_config cfg = {0};

    files_init(&f);
    make_image(image, sizeof(image), 30 * MIB);
    cfg.bios = write_file(&f, 0, bios, sizeof(bios));
    cfg.kernel = write_file(&f, 1, image, sizeof(image));

    /* A kernel whose image_size runs past the device tree: refused, not truncated. */
    g_assert_cmpint(virt_loader_plan(&l, &cfg, RAM_BASE, 32 * MIB, FDT_MAX), ==, -EFBIG);
    virt_loader_free(&l);

    /* An initrd that cannot fit between the kernel and the device tree. */
    cfg.initrd = write_file(&f, 2, initrd, sizeof(initrd));
    g_assert_cmpint(virt_loader_plan(&l, &cfg, RAM_BASE, 34 * MIB, FDT_MAX), ==, -EFBIG);
    virt_loader_free(&l);

    /* An Image without firmware. */
    cfg.bios = "none";
    cfg.initrd = NULL;
    g_assert_cmpint(virt_loader_plan(&l, &cfg, RAM_BASE, 512 * MIB, FDT_MAX), ==, -EINVAL);
    virt_loader_free(&l);

    /* An initrd without a kernel. */
    cfg.bios = f.path[0];
    cfg.kernel = NULL;
    cfg.initrd = f.path[2];
    g_assert_cmpint(virt_loader_plan(&l, &cfg, RAM_BASE, 512 * MIB, FDT_MAX), ==, -EINVAL);
    virt_loader_free(&l);

    /* Firmware alone is fine: it runs by itself, as under QEMU. */
    cfg.initrd = NULL;
    g_assert_cmpint(virt_loader_plan(&l, &cfg, RAM_BASE, 512 * MIB, FDT_MAX), ==, 0);
    g_assert_false(l.has_kernel);
    virt_loader_free(&l);
    files_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virt_loader/image-header", test_image_header);
    g_test_add_func("/virt_loader/image-hostile", test_image_hostile);
    g_test_add_func("/virt_loader/plan-linux", test_plan_linux);
    g_test_add_func("/virt_loader/plan-refusals", test_plan_refusals);
    return g_test_run();
}
