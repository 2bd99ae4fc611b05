/* Unit tests for machine/virt/virt_fdt: the device tree the virt board hands its harts. */
#include <glib.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/intc/plic.h"
#include "hw/virtio/virtio_mmio.h"
#include "machine/virt/virt_fdt.h"
#include "machine/virt/virt_memmap.h"

static void *build_initrd(unsigned harts, uint64_t ram, const char *bootargs,
                          uint64_t initrd_start, uint64_t initrd_end)
{
    static const uint8_t seed[VIRT_RNG_SEED_SIZE] = {1, 2, 3, 4, [31] = 0x55};
    struct virt_fdt_params p = {VIRT_DRAM_BASE, ram, harts, bootargs, initrd_start, initrd_end,
                                seed};
    size_t size = 0;
    void *fdt = virt_fdt_build(&p, &size);

    g_assert_nonnull(fdt);
    g_assert_cmpint(fdt_check_full(fdt, size), ==, 0);
    g_assert_cmpuint(fdt_totalsize(fdt), ==, size);
    return fdt;
}

static void *build(unsigned harts, uint64_t ram, const char *bootargs)
{
    return build_initrd(harts, ram, bootargs, 0, 0);
}

static int node(const void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);

    if (off < 0)
        g_error("no node %s: %s", path, fdt_strerror(off));
    return off;
}

static const char *str_prop(const void *fdt, const char *path, const char *prop)
{
    const char *s = fdt_getprop(fdt, node(fdt, path), prop, NULL);

    if (!s)
        g_error("%s has no %s", path, prop);
    return s;
}

static uint32_t u32_prop(const void *fdt, const char *path, const char *prop)
{
    int len = 0;
    const fdt32_t *v = fdt_getprop(fdt, node(fdt, path), prop, &len);

    g_assert_nonnull(v);
    g_assert_cmpint(len, ==, 4);
    return fdt32_to_cpu(*v);
}

/* A two-cell address, two-cell size reg. */
static void assert_reg(const void *fdt, const char *path, uint64_t base, uint64_t size)
{
    int len = 0;
    const fdt32_t *v = fdt_getprop(fdt, node(fdt, path), "reg", &len);

    g_assert_nonnull(v);
    g_assert_cmpint(len, ==, 16);
    g_assert_cmphex((uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]), ==, base);
    g_assert_cmphex((uint64_t)fdt32_to_cpu(v[2]) << 32 | fdt32_to_cpu(v[3]), ==, size);
}

static void test_root_chosen_memory(void)
{
    void *fdt = build(1, 256ull << 20, "console=ttyS0 quiet");

    g_assert_cmpstr(str_prop(fdt, "/", "compatible"), ==, "riscv-virtio");
    g_assert_cmpuint(u32_prop(fdt, "/", "#address-cells"), ==, 2);
    g_assert_cmpstr(str_prop(fdt, "/chosen", "bootargs"), ==, "console=ttyS0 quiet");
    g_assert_cmpstr(str_prop(fdt, "/chosen", "stdout-path"), ==, "/soc/serial@10000000");
    assert_reg(fdt, "/memory@80000000", VIRT_DRAM_BASE, 256ull << 20);
    g_assert_cmpstr(str_prop(fdt, "/memory@80000000", "device_type"), ==, "memory");
    g_assert_null(fdt_getprop(fdt, node(fdt, "/chosen"), "linux,initrd-start", NULL));
    int len = 0;
    const uint8_t *seed = fdt_getprop(fdt, node(fdt, "/chosen"), "rng-seed", &len);
    g_assert_cmpint(len, ==, VIRT_RNG_SEED_SIZE);
    g_assert_cmpuint(seed[3], ==, 4);
    g_assert_cmpuint(seed[31], ==, 0x55);
    free(fdt);

    fdt = build(1, 64ull << 20, NULL);
    g_assert_cmpstr(str_prop(fdt, "/chosen", "bootargs"), ==, "");
    free(fdt);
}

/* Linux finds the initrd through two 64-bit /chosen properties. */
static void test_initrd(void)
{
    void *fdt = build_initrd(1, 512ull << 20, NULL, 0x9f000000, 0x9f0fe123);
    int len = 0;
    const fdt64_t *start = fdt_getprop(fdt, node(fdt, "/chosen"), "linux,initrd-start", &len);

    g_assert_nonnull(start);
    g_assert_cmpint(len, ==, 8);
    g_assert_cmphex(fdt64_ld(start), ==, 0x9f000000);
    const fdt64_t *end = fdt_getprop(fdt, node(fdt, "/chosen"), "linux,initrd-end", &len);
    g_assert_nonnull(end);
    g_assert_cmpint(len, ==, 8);
    g_assert_cmphex(fdt64_ld(end), ==, 0x9f0fe123);
    free(fdt);
}

static void test_cpus(void)
{
    void *fdt = build(3, 128ull << 20, NULL);
    char path[64];

    g_assert_cmpuint(u32_prop(fdt, "/cpus", "timebase-frequency"), ==, VIRT_TIMEBASE_HZ);
    for (unsigned i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
        g_assert_cmpuint(u32_prop(fdt, path, "reg"), ==, i);
        g_assert_cmpstr(str_prop(fdt, path, "riscv,isa"), ==, "rv64imafdc_zicntr_zicsr_zifencei_sstc");
        g_assert_cmpstr(str_prop(fdt, path, "riscv,isa-base"), ==, "rv64i");
        int len = 0;
        const char *ext = fdt_getprop(fdt, node(fdt, path), "riscv,isa-extensions", &len);
        static const char want_ext[] = "i\0m\0a\0f\0d\0c\0zicntr\0zicsr\0zifencei\0sstc";
        g_assert_cmpint(len, ==, sizeof(want_ext));
        g_assert_cmpmem(ext, len, want_ext, sizeof(want_ext));
        g_assert_cmpstr(str_prop(fdt, path, "device_type"), ==, "cpu");
        snprintf(path, sizeof(path), "/cpus/cpu@%u/interrupt-controller", i);
        g_assert_cmpstr(str_prop(fdt, path, "compatible"), ==, "riscv,cpu-intc");
    }
    g_assert_cmpint(fdt_path_offset(fdt, "/cpus/cpu@3"), <, 0);
    free(fdt);
}

/* The CLINT and PLIC wire each hart's M and S inputs through interrupts-extended. */
static void test_interrupt_wiring(void)
{
    void *fdt = build(2, 128ull << 20, NULL);
    int len = 0;
    uint32_t intc0 = u32_prop(fdt, "/cpus/cpu@0/interrupt-controller", "phandle");
    uint32_t intc1 = u32_prop(fdt, "/cpus/cpu@1/interrupt-controller", "phandle");
    const fdt32_t *v = fdt_getprop(fdt, node(fdt, "/soc/clint@2000000"), "interrupts-extended",
                                   &len);

    g_assert_nonnull(v);
    g_assert_cmpint(len, ==, 2 * 4 * 4);
    uint32_t want_clint[8] = {intc0, 3, intc0, 7, intc1, 3, intc1, 7}; /* MSI, MTI */
    for (unsigned i = 0; i < 8; i++)
        g_assert_cmpuint(fdt32_to_cpu(v[i]), ==, want_clint[i]);
    v = fdt_getprop(fdt, node(fdt, "/soc/plic@c000000"), "interrupts-extended", &len);
    g_assert_nonnull(v);
    uint32_t want_plic[8] = {intc0, 11, intc0, 9, intc1, 11, intc1, 9}; /* MEI, SEI */
    for (unsigned i = 0; i < 8; i++)
        g_assert_cmpuint(fdt32_to_cpu(v[i]), ==, want_plic[i]);
    assert_reg(fdt, "/soc/plic@c000000", VIRT_PLIC_BASE, PLIC_SIZE);
    g_assert_cmpuint(u32_prop(fdt, "/soc/plic@c000000", "riscv,ndev"), ==, PLIC_NUM_SOURCES - 1);
    free(fdt);
}

static void test_devices(void)
{
    void *fdt = build(1, 128ull << 20, NULL);
    uint32_t plic = u32_prop(fdt, "/soc/plic@c000000", "phandle");
    char path[64];

    assert_reg(fdt, "/soc/serial@10000000", VIRT_UART0_BASE, VIRT_UART0_SIZE);
    g_assert_cmpstr(str_prop(fdt, "/soc/serial@10000000", "compatible"), ==, "ns16550a");
    g_assert_cmpuint(u32_prop(fdt, "/soc/serial@10000000", "interrupts"), ==, VIRT_UART0_IRQ);
    g_assert_cmpuint(u32_prop(fdt, "/soc/serial@10000000", "interrupt-parent"), ==, plic);
    assert_reg(fdt, "/soc/test@100000", VIRT_TEST_BASE, 0x1000);
    uint32_t test = u32_prop(fdt, "/soc/test@100000", "phandle");
    g_assert_cmpuint(u32_prop(fdt, "/poweroff", "regmap"), ==, test);
    g_assert_cmpuint(u32_prop(fdt, "/poweroff", "value"), ==, 0x5555);
    g_assert_cmpuint(u32_prop(fdt, "/reboot", "value"), ==, 0x7777);
    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        uint64_t base = VIRT_VIRTIO_BASE + i * VIRTIO_MMIO_SIZE;
        snprintf(path, sizeof(path), "/soc/virtio_mmio@%llx", (unsigned long long)base);
        assert_reg(fdt, path, base, VIRTIO_MMIO_SIZE);
        g_assert_cmpstr(str_prop(fdt, path, "compatible"), ==, "virtio,mmio");
        g_assert_cmpuint(u32_prop(fdt, path, "interrupts"), ==, VIRT_VIRTIO_IRQ + i);
        g_assert_cmpuint(u32_prop(fdt, path, "interrupt-parent"), ==, plic);
    }
    free(fdt);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virt_fdt/root-chosen-memory", test_root_chosen_memory);
    g_test_add_func("/virt_fdt/initrd", test_initrd);
    g_test_add_func("/virt_fdt/cpus", test_cpus);
    g_test_add_func("/virt_fdt/interrupt-wiring", test_interrupt_wiring);
    g_test_add_func("/virt_fdt/devices", test_devices);
    return g_test_run();
}
