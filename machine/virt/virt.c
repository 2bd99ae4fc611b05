/*
 * The RISC-V virt board: QEMU's memory map, ACLINT, PLIC, 16550A, test finisher, virtio-mmio
 * slots, an FDT.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/chardev.h"
#include "core/file.h"
#include "core/log.h"
#include "hw/char/uart16550.h"
#include "hw/intc/plic.h"
#include "hw/misc/sifive_test.h"
#include "hw/timer/aclint.h"
#include "hw/virtio/virtio_slot.h"
#include "machine/machine.h"
#include "machine/virt/virt_fdt.h"
#include "machine/virt/virt_loader.h"
#include "machine/virt/virt_memmap.h"
#include "vcpu/riscv/cpu.h"

#define VIRT_DEFAULT_RAM (128ull << 20)
#define VIRT_MIN_RAM (16ull << 20)
#define VIRT_FDT_MAX (64ull << 10)

struct virt_board {
    uint64_t ram_size;
    struct chardev serial_chr;
    struct uart16550 uart;
    struct plic plic;
    struct aclint aclint;
    struct sifive_test test;
    struct virtio_slot virtio[VIRT_VIRTIO_COUNT];
    struct virt_loader loader;
    void *fdt;
    size_t fdt_size;
};

/* A hart's interrupt input, through the accelerator: (hart << 8) | input number. */
static struct irq_line hart_line(struct machine *m, unsigned hart, unsigned irq)
{
    return irq_line_make(&m->irqchip, (hart << 8) | irq);
}

static int virt_register(struct io_bus *bus, uint64_t base, uint64_t size, io_handler_fn *fn,
                         void *dev, const char *name)
{
    int ret = io_bus_register(bus, base, size, fn, dev, name);

    if (ret < 0)
        log_error("virt: %s at 0x%" PRIx64 " overlaps another device", name, base);
    return ret;
}

/* QEMU's eight virtio-mmio transports: slot i holds the i-th virtio device, the rest stay
 * empty. */
static int virt_create_virtio_slots(struct machine *m, struct virt_board *v)
{
    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        struct virtio_slot *s = &v->virtio[i];
        uint64_t base = VIRT_VIRTIO_BASE + i * VIRTIO_MMIO_SIZE;
        if (i < m->cfg->nr_virtio) {
            int ret = virtio_slot_create(s, base, m->cfg, i, &m->mem,
                                         irq_line_make(&v->plic.chip, VIRT_VIRTIO_IRQ + i));
            if (ret < 0)
                return ret;
        } else {
            virtio_slot_init_empty(s, base);
        }
        if (virt_register(&m->mmio, base, VIRTIO_MMIO_SIZE, virtio_mmio_io, &s->transport,
                          s->name))
            return -EEXIST;
    }
    return 0;
}

/* Software moved mtime: each hart's Sstc compare must be looked at again. */
static void virt_mtime_written(void *opaque)
{
    (void)opaque;
    riscv_time_changed();
}

static int virt_create_devices(struct machine *m, struct virt_board *v)
{
    struct irq_line msip[ACLINT_MAX_HARTS], mtip[ACLINT_MAX_HARTS];
    struct irq_line contexts[PLIC_MAX_CONTEXTS];

    for (unsigned h = 0; h < m->nr_vcpus; h++) {
        msip[h] = hart_line(m, h, IRQ_M_SOFT);
        mtip[h] = hart_line(m, h, IRQ_M_TIMER);
        contexts[2 * h] = hart_line(m, h, IRQ_M_EXT);
        contexts[2 * h + 1] = hart_line(m, h, IRQ_S_EXT);
    }
    if (aclint_init(&v->aclint, m->nr_vcpus, VIRT_TIMEBASE_HZ, msip, mtip) < 0)
        return -ENOMEM;
    riscv_set_time_source(&(struct riscv_time_source){aclint_read_mtime, aclint_deadline_ns,
                                                      &v->aclint});
    aclint_set_mtime_listener(&v->aclint, virt_mtime_written, NULL);
    plic_init(&v->plic, 2 * m->nr_vcpus, contexts);
    uart16550_init(&v->uart, &v->serial_chr, irq_line_make(&v->plic.chip, VIRT_UART0_IRQ), 0);
    chardev_start_input(&v->serial_chr);
    v->test.runstate = &m->runstate;
    if (virt_register(&m->mmio, VIRT_TEST_BASE, SIFIVE_TEST_SIZE, sifive_test_io, &v->test,
                      "sifive_test") ||
        virt_register(&m->mmio, VIRT_CLINT_BASE, ACLINT_SIZE, aclint_io, &v->aclint, "clint") ||
        virt_register(&m->mmio, VIRT_PLIC_BASE, PLIC_SIZE, plic_io, &v->plic, "plic") ||
        virt_register(&m->mmio, VIRT_UART0_BASE, VIRT_UART0_SIZE, uart16550_io, &v->uart,
                      "serial"))
        return -EEXIST;
    return virt_create_virtio_slots(m, v);
}

static void *virt_build_fdt(struct machine *m, struct virt_board *v)
{
    const struct virt_loader *l = &v->loader;
    struct virt_fdt_params fp = {
        .ram_base = VIRT_DRAM_BASE,
        .ram_size = v->ram_size,
        .nr_harts = m->nr_vcpus,
        .bootargs = m->cfg->append,
        .initrd_start = l->has_initrd ? l->initrd.start : 0,
        .initrd_end = l->has_initrd ? l->initrd.end : 0,
    };
    uint8_t seed[VIRT_RNG_SEED_SIZE];
    if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
        fp.rng_seed = seed;
    else
        log_notice("virt: no random seed for the guest (getrandom: %s); its random pool will "
                 "take longer to be ready", strerror(errno));
    void *fdt = virt_fdt_build(&fp, &v->fdt_size);

    if (!fdt)
        log_error("virt: building the device tree failed");
    else if (v->fdt_size > VIRT_FDT_MAX)
        log_error("virt: the device tree (%zu bytes) outgrew its %llu-byte slot", v->fdt_size,
                  (unsigned long long)VIRT_FDT_MAX);
    return fdt;
}

static int virt_create(struct machine *m)
{
    const struct vm_config *cfg = m->cfg;
    struct virt_board *v = calloc(1, sizeof(*v));
    int ret;

    if (!v)
        return -ENOMEM;
    m->board_state = v;
    v->ram_size = cfg->ram_size ? cfg->ram_size : VIRT_DEFAULT_RAM;
    if (v->ram_size < VIRT_MIN_RAM) {
        log_error("-m: the virt machine needs at least %llu MiB of RAM",
                  (unsigned long long)(VIRT_MIN_RAM >> 20));
        return -EINVAL;
    }
    ret = guest_memory_add_ram(&m->mem, VIRT_DRAM_BASE, v->ram_size);
    if (ret < 0) {
        log_error("-m: cannot reserve %llu MiB of guest RAM: %s",
                  (unsigned long long)(v->ram_size >> 20), strerror(-ret));
        return ret;
    }
    if (chardev_open(&v->serial_chr, "-serial", cfg->serial, &m->runstate) < 0)
        return -EINVAL;
    if ((ret = virt_create_devices(m, v)) < 0 ||
        (ret = virt_loader_plan(&v->loader, cfg, VIRT_DRAM_BASE, v->ram_size, VIRT_FDT_MAX)) < 0)
        return ret;
    v->fdt = virt_build_fdt(m, v);
    if (!v->fdt || v->fdt_size > VIRT_FDT_MAX)
        return -ENOMEM;
    m->vm_desc = (struct accel_vm_desc){
        .arch = CPU_ARCH_RISCV64,
        .nr_vcpus = m->nr_vcpus,
        .mem = &m->mem,
        .pio = &m->pio,
        .mmio = &m->mmio,
        .tcg_one_insn_per_tb = cfg->tcg_one_insn_per_tb,
        .tcg_cache_size = cfg->tcg_cache_size,
        .tcg_perfmap = cfg->perfmap,
    };
    return 0;
}

static int virt_boot(struct machine *m)
{
    struct virt_board *v = m->board_state;
    const struct virt_loader *l = &v->loader;
    struct cpu_state state;

    if (virt_loader_load(l, &m->mem) < 0) {
        log_error("virt: loading -bios/-kernel/-initrd into RAM failed");
        return -EFAULT;
    }
    if (guest_memory_write(&m->mem, l->fdt_addr, v->fdt, v->fdt_size) < 0) {
        log_error("virt: the device tree does not fit in RAM");
        return -EFAULT;
    }
    for (unsigned h = 0; h < m->nr_vcpus; h++) {
        int ret = m->accel->ops->vcpu_get_state(&m->vcpus[h], &state);
        if (ret < 0)
            return ret;
        /* As QEMU's reset vector leaves it: a0 = hart id, a1 = the device tree, and for
         * firmware a2 = the fw_dynamic record. */
        state.riscv.pc = l->reset_pc;
        state.riscv.x[10] = h;
        state.riscv.x[11] = l->fdt_addr;
        state.riscv.x[12] = l->has_bios ? l->dyn_info_addr : 0;
        state.riscv.priv = RISCV_PRIV_M;
        ret = m->accel->ops->vcpu_set_state(&m->vcpus[h], &state);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static void virt_reset(struct machine *m)
{
    struct virt_board *v = m->board_state;

    uart16550_reset(&v->uart);
    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++)
        virtio_slot_reset(&v->virtio[i]);
    plic_reset(&v->plic);
    aclint_reset(&v->aclint);
}

static void virt_destroy(struct machine *m)
{
    struct virt_board *v = m->board_state;

    if (!v)
        return;
    if (v->aclint.nr_harts)
        aclint_destroy(&v->aclint);
    riscv_set_time_source(NULL);
    chardev_close(&v->serial_chr);
    virt_loader_free(&v->loader);
    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++)
        virtio_slot_destroy(&v->virtio[i]);
    free(v->fdt);
    free(v);
    m->board_state = NULL;
}

const struct board_ops virt_board_ops = {
    .name = "virt",
    .description = "RISC-V VirtIO board (QEMU's layout: ACLINT, PLIC, 16550A, test finisher)",
    .arch = CPU_ARCH_RISCV64,
    .default_ram_size = VIRT_DEFAULT_RAM,
    .default_accel = "tcg", /* KVM here runs x86 guests only, so QEMU's default: TCG */
    .create = virt_create,
    .boot = virt_boot,
    .reset = virt_reset,
    .destroy = virt_destroy,
};
