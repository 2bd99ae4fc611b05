/* The PC board: RAM around the 3.25 GiB hole, legacy devices, virtio-mmio, multiboot boot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/log.h"
#include "hw/char/uart16550.h"
#include "hw/misc/debug_exit.h"
#include "hw/misc/debugcon.h"
#include "hw/misc/i8042.h"
#include "hw/misc/io_sink.h"
#include "hw/misc/pc_testdev.h"
#include "hw/timer/cmos_rtc.h"
#include "machine/machine.h"
#include "machine/pc/e820.h"
#include "machine/pc/mptable.h"
#include "machine/pc/pc_kernel.h"
#include "machine/pc/pc_memmap.h"
#include "machine/pc/pc_virtio.h"

#define PC_DEFAULT_RAM (128ull << 20)
#define PC_MIN_RAM (2ull << 20)

struct pc_board {
    uint64_t low_ram_end;
    uint64_t high_ram_size;
    struct e820_table e820;
    struct chardev serial_chr;
    struct chardev debugcon_chr;
    struct uart16550 com1;
    struct debugcon debugcon;
    struct debug_exit debug_exit;
    struct i8042 i8042;
    struct cmos_rtc rtc;
    struct pc_testdev *testdev;
    struct pc_kernel kernel;
    struct pc_virtio virtio;
};

static int pc_register(struct io_bus *bus, uint64_t base, uint64_t size, io_handler_fn *fn,
                       void *dev, const char *name)
{
    int ret = io_bus_register(bus, base, size, fn, dev, name);

    if (ret < 0)
        log_error("%s at 0x%llx overlaps another device; choose another address", name,
                  (unsigned long long)base);
    return ret;
}

static int pc_create_ram(struct machine *m, struct pc_board *pc)
{
    uint64_t size = m->cfg->ram_size ? m->cfg->ram_size : PC_DEFAULT_RAM;

    if (size < PC_MIN_RAM) {
        log_error("-m: the pc machine needs at least %llu MiB of RAM",
                  (unsigned long long)(PC_MIN_RAM >> 20));
        return -EINVAL;
    }
    pc->low_ram_end = size < PC_LOW_RAM_TOP_MAX ? size : PC_LOW_RAM_TOP_MAX;
    pc->high_ram_size = size - pc->low_ram_end;
    int ret = guest_memory_add_ram(&m->mem, 0, pc->low_ram_end);
    if (ret == 0 && pc->high_ram_size)
        ret = guest_memory_add_ram(&m->mem, PC_HIGH_RAM_BASE, pc->high_ram_size);
    if (ret < 0) {
        log_error("-m %lluM: cannot reserve guest RAM: %s", (unsigned long long)(size >> 20),
                  strerror(-ret));
        return ret;
    }
    pc_e820_build(&pc->e820, pc->low_ram_end, pc->high_ram_size);
    return 0;
}

/* The BIOS configuration bytes that describe memory, as SeaBIOS and Bochs expect them. */
static void pc_cmos_memory_sizes(struct pc_board *pc)
{
    uint64_t ext_kb = (pc->low_ram_end - PC_HIGH_MEMORY_BASE) / 1024;
    uint64_t above16 = pc->low_ram_end > (16u << 20) ? (pc->low_ram_end - (16u << 20)) >> 16
                                                      : 0;
    uint64_t above4g = pc->high_ram_size >> 16;

    if (ext_kb > 0xffff)
        ext_kb = 0xffff;
    if (above16 > 0xffff)
        above16 = 0xffff;
    cmos_rtc_set_byte(&pc->rtc, 0x15, 640 & 0xff);
    cmos_rtc_set_byte(&pc->rtc, 0x16, 640 >> 8);
    cmos_rtc_set_byte(&pc->rtc, 0x17, (uint8_t)ext_kb);
    cmos_rtc_set_byte(&pc->rtc, 0x18, (uint8_t)(ext_kb >> 8));
    cmos_rtc_set_byte(&pc->rtc, 0x30, (uint8_t)ext_kb);
    cmos_rtc_set_byte(&pc->rtc, 0x31, (uint8_t)(ext_kb >> 8));
    cmos_rtc_set_byte(&pc->rtc, 0x34, (uint8_t)above16);
    cmos_rtc_set_byte(&pc->rtc, 0x35, (uint8_t)(above16 >> 8));
    cmos_rtc_set_byte(&pc->rtc, 0x5b, (uint8_t)above4g);
    cmos_rtc_set_byte(&pc->rtc, 0x5c, (uint8_t)(above4g >> 8));
    cmos_rtc_set_byte(&pc->rtc, 0x5d, (uint8_t)(above4g >> 16));
}

static int pc_create_chardevs(struct machine *m, struct pc_board *pc)
{
    const struct vm_config *cfg = m->cfg;

    if (chardev_open(&pc->serial_chr, "-serial", cfg->serial, &m->runstate) < 0)
        return -EINVAL;
    if (chardev_open(&pc->debugcon_chr, "-debugcon", cfg->debugcon ? cfg->debugcon : "none",
                     &m->runstate) < 0)
        return -EINVAL;
    return 0;
}

static int pc_create_testdev(struct machine *m, struct pc_board *pc)
{
    struct pc_testdev *t = calloc(1, sizeof(*t));

    if (!t)
        return -ENOMEM;
    pc->testdev = t;
    pc_testdev_init(t, &m->irqchip, &m->mem);
    if (pc_register(&m->pio, PC_TESTDEV_PORT, 4, pc_testdev_port_io, t, "pc-testdev") ||
        pc_register(&m->pio, PC_TESTDEV_FLUSH_PORT, 4, pc_testdev_flush_io, t, "pc-testdev") ||
        pc_register(&m->pio, PC_TESTDEV_BYTE_PORT, 4, pc_testdev_port_io, t, "pc-testdev") ||
        pc_register(&m->pio, PC_TESTDEV_IRQ_PORT, PC_TESTDEV_NR_IRQS, pc_testdev_irq_io, t,
                    "pc-testdev") ||
        pc_register(&m->mmio, PC_TESTDEV_IOMEM_BASE, PC_TESTDEV_IOMEM_SIZE,
                    pc_testdev_iomem_io, t, "pc-testdev"))
        return -EEXIST;
    return 0;
}

static int pc_create_devices(struct machine *m, struct pc_board *pc)
{
    const struct vm_config *cfg = m->cfg;

    uart16550_init(&pc->com1, &pc->serial_chr, irq_line_make(&m->irqchip, PC_IRQ_COM1), 0);
    chardev_start_input(&pc->serial_chr);
    i8042_init(&pc->i8042, &m->runstate, irq_line_make(&m->irqchip, PC_IRQ_KEYBOARD));
    cmos_rtc_init(&pc->rtc, irq_line_make(&m->irqchip, PC_IRQ_RTC));
    pc_cmos_memory_sizes(pc);
    pc->debugcon.chr = &pc->debugcon_chr;
    pc->debug_exit.runstate = &m->runstate;
    if (pc_register(&m->pio, PC_COM1_PORT, 8, uart16550_io, &pc->com1, "serial (COM1)") ||
        pc_register(&m->pio, PC_POST_PORT, 1, io_sink_io, NULL, "port 0x80") ||
        pc_register(&m->pio, I8042_DATA_PORT, 1, i8042_data_io, &pc->i8042, "i8042") ||
        pc_register(&m->pio, I8042_CMD_PORT, 1, i8042_cmd_io, &pc->i8042, "i8042") ||
        pc_register(&m->pio, CMOS_INDEX_PORT, 2, cmos_rtc_io, &pc->rtc, "cmos rtc"))
        return -EEXIST;
    if (cfg->debugcon && pc_register(&m->pio, DEBUGCON_DEFAULT_PORT, 1, debugcon_io,
                                     &pc->debugcon, "-debugcon"))
        return -EEXIST;
    if (cfg->debug_exit.enabled &&
        pc_register(&m->pio, cfg->debug_exit.iobase, cfg->debug_exit.iosize, debug_exit_io,
                    &pc->debug_exit, "isa-debug-exit"))
        return -EEXIST;
    if (cfg->pc_testdev)
        return pc_create_testdev(m, pc);
    return 0;
}

/* Each virtio slot is named on the kernel command line, after -append, as Linux reads it. */
static void pc_announce_virtio(struct pc_board *pc)
{
    char words[CONFIG_MAX_VIRTIO * 48];

    if (pc_virtio_cmdline(words, sizeof(words), pc->virtio.nr) < sizeof(words))
        pc_kernel_append_cmdline(&pc->kernel, words);
}

static int pc_create(struct machine *m)
{
    const struct vm_config *cfg = m->cfg;
    struct pc_board *pc = calloc(1, sizeof(*pc));

    if (!pc)
        return -ENOMEM;
    m->board_state = pc;
    if (cfg->bios) {
        log_error("-bios %s: firmware boot is not built yet for the pc machine; boot a "
                  "multiboot kernel with -kernel", cfg->bios);
        return -ENOTSUP;
    }
    if (!cfg->kernel) {
        log_error("no -kernel given: the pc machine boots multiboot kernels with -kernel "
                  "(firmware boot is not built yet)");
        return -EINVAL;
    }
    int ret;
    if ((ret = pc_create_ram(m, pc)) < 0 || (ret = pc_create_chardevs(m, pc)) < 0 ||
        (ret = pc_create_devices(m, pc)) < 0 ||
        (ret = pc_virtio_create(&pc->virtio, cfg, &m->mem, &m->mmio, &m->irqchip)) < 0 ||
        (ret = pc_kernel_open(&pc->kernel, cfg, pc->low_ram_end)) < 0)
        return ret;
    pc_announce_virtio(pc);
    m->vm_desc = (struct accel_vm_desc){
        .arch = CPU_ARCH_X86_64,
        .nr_vcpus = m->nr_vcpus,
        .mem = &m->mem,
        .pio = &m->pio,
        .mmio = &m->mmio,
        .x86_irqchip = true,
        .x86_pit = true,
        .x86_tss_addr = PC_KVM_TSS,
        .x86_identity_map_addr = PC_KVM_IDENTITY_MAP,
    };
    return 0;
}

static int pc_boot(struct machine *m)
{
    struct pc_board *pc = m->board_state;
    struct pc_boot_memory bm = {&m->mem, &pc->e820, pc->low_ram_end};
    struct vcpu *bsp = &m->vcpus[0];
    struct cpu_state state;

    pc_virtio_attach(&pc->virtio, m->accel);
    if (pc_mptable_write(&m->mem, PC_MPTABLE_BASE, m->nr_vcpus, pc->virtio.nr) < 0) {
        log_error("pc: cannot write the MP table");
        return -EFAULT;
    }
    /* Start from the accelerator's reset state: the loader changes only what it defines. */
    int ret = m->accel->ops->vcpu_get_state(bsp, &state);
    if (ret == 0) {
        ret = pc_kernel_load(&pc->kernel, &bm, &state.x86);
        if (ret < 0)
            return ret;
        ret = m->accel->ops->vcpu_set_state(bsp, &state);
    }
    if (ret < 0)
        log_error("pc: setting the boot CPU's entry state: %s", strerror(-ret));
    return ret;
}

static void pc_reset(struct machine *m)
{
    struct pc_board *pc = m->board_state;

    uart16550_reset(&pc->com1);
    i8042_reset(&pc->i8042);
    cmos_rtc_reset(&pc->rtc);
    if (pc->testdev)
        pc_testdev_reset(pc->testdev);
    pc_virtio_reset(&pc->virtio);
}

static void pc_destroy(struct machine *m)
{
    struct pc_board *pc = m->board_state;

    if (!pc)
        return;
    pc_virtio_destroy(&pc->virtio);
    chardev_close(&pc->serial_chr);
    chardev_close(&pc->debugcon_chr);
    free(pc->testdev);
    pc_kernel_close(&pc->kernel);
    free(pc);
    m->board_state = NULL;
}

const struct board_ops pc_board_ops = {
    .name = "pc",
    .description = "Standard PC (KVM in-kernel PIC/IOAPIC/LAPIC/PIT, 16550A, virtio-mmio, multiboot)",
    .arch = CPU_ARCH_X86_64,
    .default_ram_size = PC_DEFAULT_RAM,
    .default_accel = "kvm:tcg",
    .create = pc_create,
    .boot = pc_boot,
    .reset = pc_reset,
    .destroy = pc_destroy,
};
