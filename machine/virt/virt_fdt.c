/* The virt board's device tree, built with libfdt, describing what the board really has. */
#include "machine/virt/virt_fdt.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "hw/intc/plic.h"
#include "hw/misc/sifive_test.h"
#include "hw/timer/aclint.h"
#include "hw/virtio/virtio_mmio.h"
#include "machine/virt/virt_memmap.h"

#define FDT_MAX_SIZE 0x10000

/* What the hart implements, in both of the forms Linux and OpenSBI read. */
#define RISCV_ISA_STRING "rv64imafdc_zicntr_zicsr_zifencei_sstc"
#define RISCV_ISA_EXTENSIONS "i\0m\0a\0f\0d\0c\0zicntr\0zicsr\0zifencei\0sstc"

enum { PHANDLE_PLIC = 1, PHANDLE_TEST = 2, PHANDLE_CPU_INTC = 16 };

/* Two-cell address and size pairs, as #address-cells = #size-cells = 2. */
static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
    uint32_t cells[4] = {cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base),
                         cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size)};
    return fdt_property(fdt, "reg", cells, sizeof(cells));
}

static int fdt_cpus(void *fdt, unsigned nr_harts)
{
    char name[32];
    int err = fdt_begin_node(fdt, "cpus");

    err |= fdt_property_u32(fdt, "#address-cells", 1);
    err |= fdt_property_u32(fdt, "#size-cells", 0);
    err |= fdt_property_u32(fdt, "timebase-frequency", (uint32_t)VIRT_TIMEBASE_HZ);
    for (unsigned i = 0; i < nr_harts; i++) {
        snprintf(name, sizeof(name), "cpu@%u", i);
        err |= fdt_begin_node(fdt, name);
        err |= fdt_property_string(fdt, "device_type", "cpu");
        err |= fdt_property_u32(fdt, "reg", i);
        err |= fdt_property_string(fdt, "status", "okay");
        err |= fdt_property_string(fdt, "compatible", "riscv");
        err |= fdt_property_string(fdt, "riscv,isa", RISCV_ISA_STRING);
        err |= fdt_property_string(fdt, "riscv,isa-base", "rv64i");
        err |= fdt_property(fdt, "riscv,isa-extensions", RISCV_ISA_EXTENSIONS,
                            sizeof(RISCV_ISA_EXTENSIONS));
        err |= fdt_property_string(fdt, "mmu-type", "riscv,sv48");
        err |= fdt_begin_node(fdt, "interrupt-controller");
        err |= fdt_property_u32(fdt, "#interrupt-cells", 1);
        err |= fdt_property(fdt, "interrupt-controller", NULL, 0);
        err |= fdt_property_string(fdt, "compatible", "riscv,cpu-intc");
        err |= fdt_property_u32(fdt, "phandle", PHANDLE_CPU_INTC + i);
        err |= fdt_end_node(fdt);
        err |= fdt_end_node(fdt);
    }
    return err | fdt_end_node(fdt);
}

/* interrupts-extended: each hart's intc phandle paired with an interrupt number. */
static int prop_irqs_extended(void *fdt, unsigned nr_harts, unsigned irq_a, unsigned irq_b)
{
    uint32_t cells[4 * ACLINT_MAX_HARTS];
    unsigned n = 0;

    for (unsigned i = 0; i < nr_harts && i < ACLINT_MAX_HARTS; i++) {
        cells[n++] = cpu_to_fdt32(PHANDLE_CPU_INTC + i);
        cells[n++] = cpu_to_fdt32(irq_a);
        cells[n++] = cpu_to_fdt32(PHANDLE_CPU_INTC + i);
        cells[n++] = cpu_to_fdt32(irq_b);
    }
    return fdt_property(fdt, "interrupts-extended", cells, n * sizeof(cells[0]));
}

static int fdt_soc(void *fdt, unsigned nr_harts)
{
    char name[64];
    int err = fdt_begin_node(fdt, "soc");

    err |= fdt_property_u32(fdt, "#address-cells", 2);
    err |= fdt_property_u32(fdt, "#size-cells", 2);
    err |= fdt_property_string(fdt, "compatible", "simple-bus");
    err |= fdt_property(fdt, "ranges", NULL, 0);

    snprintf(name, sizeof(name), "clint@%llx", VIRT_CLINT_BASE);
    err |= fdt_begin_node(fdt, name);
    err |= fdt_property(fdt, "compatible", "sifive,clint0\0riscv,clint0",
                        sizeof("sifive,clint0\0riscv,clint0"));
    err |= prop_reg(fdt, VIRT_CLINT_BASE, ACLINT_SIZE);
    err |= prop_irqs_extended(fdt, nr_harts, 3, 7);
    err |= fdt_end_node(fdt);

    snprintf(name, sizeof(name), "plic@%llx", VIRT_PLIC_BASE);
    err |= fdt_begin_node(fdt, name);
    err |= fdt_property(fdt, "compatible", "sifive,plic-1.0.0\0riscv,plic0",
                        sizeof("sifive,plic-1.0.0\0riscv,plic0"));
    err |= prop_reg(fdt, VIRT_PLIC_BASE, PLIC_SIZE);
    err |= fdt_property_u32(fdt, "#interrupt-cells", 1);
    err |= fdt_property(fdt, "interrupt-controller", NULL, 0);
    err |= fdt_property_u32(fdt, "riscv,ndev", PLIC_NUM_SOURCES - 1);
    err |= prop_irqs_extended(fdt, nr_harts, 11, 9);
    err |= fdt_property_u32(fdt, "phandle", PHANDLE_PLIC);
    err |= fdt_end_node(fdt);

    snprintf(name, sizeof(name), "serial@%llx", VIRT_UART0_BASE);
    err |= fdt_begin_node(fdt, name);
    err |= fdt_property_string(fdt, "compatible", "ns16550a");
    err |= prop_reg(fdt, VIRT_UART0_BASE, VIRT_UART0_SIZE);
    err |= fdt_property_u32(fdt, "clock-frequency", VIRT_UART_CLOCK_HZ);
    err |= fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC);
    err |= fdt_property_u32(fdt, "interrupts", VIRT_UART0_IRQ);
    err |= fdt_end_node(fdt);

    /* Listed from the last slot down, as QEMU does, so Linux numbers them in address order. */
    for (int i = VIRT_VIRTIO_COUNT - 1; i >= 0; i--) {
        uint64_t base = VIRT_VIRTIO_BASE + (uint64_t)i * VIRTIO_MMIO_SIZE;
        snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)base);
        err |= fdt_begin_node(fdt, name);
        err |= fdt_property_string(fdt, "compatible", "virtio,mmio");
        err |= prop_reg(fdt, base, VIRTIO_MMIO_SIZE);
        err |= fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC);
        err |= fdt_property_u32(fdt, "interrupts", VIRT_VIRTIO_IRQ + (unsigned)i);
        err |= fdt_end_node(fdt);
    }

    snprintf(name, sizeof(name), "test@%llx", VIRT_TEST_BASE);
    err |= fdt_begin_node(fdt, name);
    err |= fdt_property(fdt, "compatible", "sifive,test1\0sifive,test0\0syscon",
                        sizeof("sifive,test1\0sifive,test0\0syscon"));
    err |= prop_reg(fdt, VIRT_TEST_BASE, SIFIVE_TEST_SIZE);
    err |= fdt_property_u32(fdt, "phandle", PHANDLE_TEST);
    err |= fdt_end_node(fdt);
    return err | fdt_end_node(fdt);
}

static int fdt_syscon_node(void *fdt, const char *name, const char *compat, uint32_t value)
{
    int err = fdt_begin_node(fdt, name);

    err |= fdt_property_string(fdt, "compatible", compat);
    err |= fdt_property_u32(fdt, "regmap", PHANDLE_TEST);
    err |= fdt_property_u32(fdt, "offset", 0);
    err |= fdt_property_u32(fdt, "value", value);
    return err | fdt_end_node(fdt);
}

void *virt_fdt_build(const struct virt_fdt_params *p, size_t *size)
{
    void *fdt = calloc(1, FDT_MAX_SIZE);
    char name[64];
    int err;

    if (!fdt)
        return NULL;
    err = fdt_create(fdt, FDT_MAX_SIZE);
    err |= fdt_finish_reservemap(fdt);
    err |= fdt_begin_node(fdt, "");
    err |= fdt_property_u32(fdt, "#address-cells", 2);
    err |= fdt_property_u32(fdt, "#size-cells", 2);
    err |= fdt_property_string(fdt, "compatible", "riscv-virtio");
    err |= fdt_property_string(fdt, "model", "riscv-virtio,qemu");

    err |= fdt_begin_node(fdt, "chosen");
    snprintf(name, sizeof(name), "/soc/serial@%llx", VIRT_UART0_BASE);
    err |= fdt_property_string(fdt, "stdout-path", name);
    err |= fdt_property_string(fdt, "bootargs", p->bootargs ? p->bootargs : "");
    if (p->rng_seed)
        err |= fdt_property(fdt, "rng-seed", p->rng_seed, VIRT_RNG_SEED_SIZE);
    if (p->initrd_end > p->initrd_start) {
        err |= fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start);
        err |= fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end);
    }
    err |= fdt_end_node(fdt);

    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->ram_base);
    err |= fdt_begin_node(fdt, name);
    err |= fdt_property_string(fdt, "device_type", "memory");
    err |= prop_reg(fdt, p->ram_base, p->ram_size);
    err |= fdt_end_node(fdt);

    err |= fdt_cpus(fdt, p->nr_harts);
    err |= fdt_soc(fdt, p->nr_harts);
    err |= fdt_syscon_node(fdt, "poweroff", "syscon-poweroff", 0x5555);
    err |= fdt_syscon_node(fdt, "reboot", "syscon-reboot", 0x7777);
    err |= fdt_end_node(fdt);
    err |= fdt_finish(fdt);
    if (err) {
        free(fdt);
        return NULL;
    }
    *size = fdt_totalsize(fdt);
    return fdt;
}
