/*
 * Unit tests for machine/pc/mptable, machine/pc/e820 and the virtio announcement of
 * machine/pc/pc_virtio: the tables and command line a PC guest reads.
 */
#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "core/config.h"
#include "core/memory.h"
#include "machine/pc/e820.h"
#include "machine/pc/mptable.h"
#include "machine/pc/pc_memmap.h"
#include "machine/pc/pc_virtio.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* MP specification 1.4 layouts, by offset, written here independently of the code. */
#define FP_SIZE 16
#define CFG_HDR_SIZE 44
#define ENTRY_PROCESSOR 0
#define ENTRY_BUS 1
#define ENTRY_IOAPIC 2
#define ENTRY_IOINTR 3
#define ENTRY_LOCALINTR 4

static uint8_t sum8(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s += *p++;
    return s;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned entry_size(uint8_t type)
{
    return type == ENTRY_PROCESSOR ? 20 : 8;
}

struct mp_summary {
    unsigned cpus, bsps, buses, ioapics, iointrs, localintrs;
    uint8_t ioapic_id;
    uint32_t ioapic_addr;
    uint8_t cpu_apic_ids[256];
    uint8_t cpu_flags[256];
    uint16_t iointr_dest_pins; /* bit n: ISA IRQ n routed to IOAPIC pin n */
    uint32_t level_high_pins;  /* bit n: IRQ n to pin n, level-triggered, active high */
};

/* Checks the floating pointer and configuration table at gpa and summarises the entries. */
static void check_mptable(const struct guest_memory *mem, uint64_t gpa, unsigned nr_cpus,
                          unsigned nr_virtio, struct mp_summary *sum)
{
    const uint8_t *fp = gpa_to_host(mem, gpa, FP_SIZE);

    g_assert_nonnull(fp);
    g_assert_cmpmem(fp, 4, "_MP_", 4);
    g_assert_cmpuint(fp[8], ==, 1);  /* length in 16-byte units */
    g_assert_cmpuint(fp[9], ==, 4);  /* spec revision 1.4 */
    g_assert_cmpuint(sum8(fp, FP_SIZE), ==, 0);
    g_assert_cmpuint(fp[11], ==, 0); /* feature byte 1: 0 means a configuration table */
    g_assert_cmphex(gpa % 16, ==, 0);

    uint32_t cfg_addr = le32(fp + 4);
    g_assert_cmphex(cfg_addr, !=, 0);
    const uint8_t *cfg = gpa_to_host(mem, cfg_addr, CFG_HDR_SIZE);
    g_assert_nonnull(cfg);
    g_assert_cmpmem(cfg, 4, "PCMP", 4);
    uint16_t len = le16(cfg + 4);
    g_assert_cmpuint(cfg[6], ==, 4);
    g_assert_nonnull(gpa_to_host(mem, cfg_addr, len));
    g_assert_cmpuint(sum8(cfg, len), ==, 0);
    g_assert_cmphex(le32(cfg + 36), ==, PC_LAPIC_BASE);
    g_assert_cmpuint(le16(cfg + 40), ==, 0); /* no extended table */
    uint16_t count = le16(cfg + 34);
    g_assert_cmpuint(count, ==, nr_cpus + 1 + 1 + PC_NR_ISA_IRQS + nr_virtio + 2);
    /* Everything the table covers lies in pc_mptable_size's bytes. */
    g_assert_cmpuint(cfg_addr + len - gpa, <=, pc_mptable_size(nr_cpus, nr_virtio));

    memset(sum, 0, sizeof(*sum));
    const uint8_t *p = cfg + CFG_HDR_SIZE, *end = cfg + len;
    for (unsigned i = 0; i < count; i++) {
        g_assert_true(p < end);
        g_assert_true(p + entry_size(p[0]) <= end);
        switch (p[0]) {
        case ENTRY_PROCESSOR:
            g_assert_cmpuint(sum->cpus, <, 256);
            sum->cpu_apic_ids[sum->cpus] = p[1];
            sum->cpu_flags[sum->cpus] = p[3];
            sum->cpus++;
            if (p[3] & 0x02)
                sum->bsps++;
            break;
        case ENTRY_BUS:
            sum->buses++;
            g_assert_cmpmem(p + 2, 3, "ISA", 3);
            break;
        case ENTRY_IOAPIC:
            sum->ioapics++;
            sum->ioapic_id = p[1];
            g_assert_cmpuint(p[3] & 1, ==, 1); /* enabled */
            sum->ioapic_addr = le32(p + 4);
            break;
        case ENTRY_IOINTR:
            sum->iointrs++;
            if (p[5] < 16 && p[7] == p[5] && le16(p + 2) == 0)
                sum->iointr_dest_pins |= (uint16_t)(1u << p[5]);
            if (p[5] < 24 && p[7] == p[5] && le16(p + 2) == 0x000d)
                sum->level_high_pins |= 1u << p[5];
            break;
        case ENTRY_LOCALINTR:
            sum->localintrs++;
            break;
        default:
            g_assert_not_reached();
        }
        p += entry_size(p[0]);
    }
    g_assert_true(p == end);
}

static void test_mptable(gconstpointer data)
{
    unsigned nr_cpus = GPOINTER_TO_UINT(data);
    struct guest_memory mem = {0};
    struct mp_summary s;

    g_assert_cmpint(guest_memory_add_ram(&mem, 0, 2 * MiB), ==, 0);
    g_assert_cmpint(guest_memory_fill(&mem, 0, 0xff, 2 * MiB), ==, 0);
    g_assert_cmpint(pc_mptable_write(&mem, PC_MPTABLE_BASE, nr_cpus, 0), ==, 0);
    check_mptable(&mem, PC_MPTABLE_BASE, nr_cpus, 0, &s);
    g_assert_cmpuint(s.cpus, ==, nr_cpus);
    g_assert_cmpuint(s.bsps, ==, 1);
    for (unsigned i = 0; i < nr_cpus; i++) {
        g_assert_cmpuint(s.cpu_apic_ids[i], ==, i);
        g_assert_cmphex(s.cpu_flags[i] & 0x01, ==, 0x01); /* enabled */
        g_assert_cmphex(s.cpu_flags[i] & 0x02, ==, i == 0 ? 0x02 : 0);
    }
    g_assert_cmpuint(s.buses, ==, 1);
    g_assert_cmpuint(s.ioapics, ==, 1);
    g_assert_cmphex(s.ioapic_addr, ==, 0xfec00000);
    /* The IOAPIC's ID is not a CPU's. */
    for (unsigned i = 0; i < nr_cpus; i++)
        g_assert_cmpuint(s.ioapic_id, !=, s.cpu_apic_ids[i]);
    g_assert_cmpuint(s.iointrs, ==, PC_NR_ISA_IRQS);
    g_assert_cmphex(s.iointr_dest_pins, ==, 0xffff);
    g_assert_cmpuint(s.localintrs, ==, 2);
    /* Nothing past the table's size was written. */
    const uint8_t *after = gpa_to_host(&mem, PC_MPTABLE_BASE + pc_mptable_size(nr_cpus, 0), 16);
    for (unsigned i = 0; i < 16; i++)
        g_assert_cmphex(after[i], ==, 0xff);
    guest_memory_free(&mem);
}

/* The virtio slots' pins 16.. follow the ISA lines, level-triggered and active high. */
static void test_mptable_virtio(void)
{
    struct guest_memory mem = {0};
    struct mp_summary s;

    g_assert_cmpint(guest_memory_add_ram(&mem, 0, 2 * MiB), ==, 0);
    g_assert_cmpint(guest_memory_fill(&mem, 0, 0xff, 2 * MiB), ==, 0);
    g_assert_cmpint(pc_mptable_write(&mem, PC_MPTABLE_BASE, 2, 3), ==, 0);
    check_mptable(&mem, PC_MPTABLE_BASE, 2, 3, &s);
    g_assert_cmpuint(s.iointrs, ==, PC_NR_ISA_IRQS + 3);
    g_assert_cmphex(s.iointr_dest_pins, ==, 0xffff);
    g_assert_cmphex(s.level_high_pins, ==, 0x70000);
    const uint8_t *after = gpa_to_host(&mem, PC_MPTABLE_BASE + pc_mptable_size(2, 3), 16);
    for (unsigned i = 0; i < 16; i++)
        g_assert_cmphex(after[i], ==, 0xff);
    /* Only 8 pins are left above the ISA lines. */
    g_assert_cmpint(pc_mptable_write(&mem, PC_MPTABLE_BASE, 1, PC_VIRTIO_MAX_SLOTS + 1), ==,
                    -EFAULT);
    guest_memory_free(&mem);
}

/* Linux's virtio_mmio driver reads size@base:irq from its command line. */
static void test_virtio_cmdline(void)
{
    char buf[512];

    g_assert_cmpuint(pc_virtio_cmdline(buf, sizeof(buf), 0), ==, 0);
    g_assert_cmpstr(buf, ==, "");
    size_t len = pc_virtio_cmdline(buf, sizeof(buf), 2);
    g_assert_cmpstr(buf, ==, "virtio_mmio.device=4K@0xd0000000:16 "
                             "virtio_mmio.device=4K@0xd0001000:17");
    g_assert_cmpuint(len, ==, strlen(buf));
    /* Too small a buffer: truncated and terminated, and the length needed is returned. */
    g_assert_cmpuint(pc_virtio_cmdline(buf, 10, 2), ==, len);
    g_assert_cmpstr(buf, ==, "virtio_mm");
    /* Every slot fits the board's buffer, the last at 0xd0007000 on pin 23. */
    g_assert_cmpuint(pc_virtio_cmdline(buf, sizeof(buf), CONFIG_MAX_VIRTIO), <,
                     CONFIG_MAX_VIRTIO * 48);
    g_assert_nonnull(strstr(buf, " virtio_mmio.device=4K@0xd0007000:23"));
    g_assert_cmpuint(pc_virtio_slot_irq(CONFIG_MAX_VIRTIO - 1), <, PC_NR_IOAPIC_PINS);
}

static void test_mptable_size_grows(void)
{
    g_assert_cmpuint(pc_mptable_size(2, 0) - pc_mptable_size(1, 0), ==, 20);
    g_assert_cmpuint(pc_mptable_size(1, 0), ==, FP_SIZE + CFG_HDR_SIZE + 20 + 8 + 8 + 18 * 8);
    g_assert_cmpuint(pc_mptable_size(1, 2) - pc_mptable_size(1, 0), ==, 16);
}

static void test_mptable_rejects(void)
{
    struct guest_memory mem = {0};

    g_assert_cmpint(guest_memory_add_ram(&mem, 0, MiB), ==, 0);
    g_assert_cmpint(pc_mptable_write(&mem, PC_MPTABLE_BASE, 0, 0), ==, -EFAULT);
    /* Does not fit at the end of RAM. */
    g_assert_cmpint(pc_mptable_write(&mem, MiB - 64, 1, 0), ==, -EFAULT);
    g_assert_cmpint(pc_mptable_write(&mem, 2 * MiB, 1, 0), ==, -EFAULT);
    /* A failed write leaves RAM alone. */
    const uint8_t *p = gpa_to_host(&mem, MiB - 64, 64);
    for (unsigned i = 0; i < 64; i++)
        g_assert_cmphex(p[i], ==, 0);
    guest_memory_free(&mem);
}

static void test_mptable_max_vcpus(void)
{
    struct guest_memory mem = {0};
    struct mp_summary s;

    /* -smp accepts up to CONFIG_MAX_VCPUS; the pc board must describe that many CPUs. */
    g_assert_cmpint(guest_memory_add_ram(&mem, 0, 2 * MiB), ==, 0);
    g_assert_cmpint(pc_mptable_write(&mem, PC_MPTABLE_BASE, CONFIG_MAX_VCPUS, 0), ==, 0);
    check_mptable(&mem, PC_MPTABLE_BASE, CONFIG_MAX_VCPUS, 0, &s);
    g_assert_cmpuint(s.cpus, ==, CONFIG_MAX_VCPUS);
    /* One more would leave the IOAPIC the broadcast ID. */
    g_assert_cmpuint(s.ioapic_id, !=, 0xff);
    g_assert_cmpint(pc_mptable_write(&mem, PC_MPTABLE_BASE, CONFIG_MAX_VCPUS + 1, 0), ==, -EFAULT);
    guest_memory_free(&mem);
}

/* ---- e820 ---- */

static void check_e820_sane(const struct e820_table *t)
{
    g_assert_cmpuint(t->nr, >, 0);
    g_assert_cmpuint(t->nr, <=, E820_MAX_ENTRIES);
    for (unsigned i = 0; i < t->nr; i++) {
        g_assert_cmpuint(t->entry[i].size, >, 0);
        g_assert_true(t->entry[i].type == E820_RAM || t->entry[i].type == E820_RESERVED);
        if (i)
            g_assert_cmphex(t->entry[i].addr, >=, t->entry[i - 1].addr + t->entry[i - 1].size);
    }
}

static uint64_t e820_ram_total(const struct e820_table *t)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < t->nr; i++)
        if (t->entry[i].type == E820_RAM)
            n += t->entry[i].size;
    return n;
}

static const struct e820_entry *e820_find(const struct e820_table *t, uint64_t addr)
{
    for (unsigned i = 0; i < t->nr; i++)
        if (addr >= t->entry[i].addr && addr - t->entry[i].addr < t->entry[i].size)
            return &t->entry[i];
    return NULL;
}

static void test_e820_128m(void)
{
    struct e820_table t;

    pc_e820_build(&t, 128 * MiB, 0);
    check_e820_sane(&t);
    const struct e820_entry *e = e820_find(&t, 0);
    g_assert_nonnull(e);
    g_assert_cmpuint(e->type, ==, E820_RAM);
    g_assert_cmphex(e->size, ==, 0x9fc00);
    e = e820_find(&t, 0x9fc00); /* the EBDA */
    g_assert_nonnull(e);
    g_assert_cmpuint(e->type, ==, E820_RESERVED);
    g_assert_null(e820_find(&t, 0xb8000)); /* the VGA window is not memory */
    e = e820_find(&t, 0xf0000); /* the BIOS area holding the MP table */
    g_assert_nonnull(e);
    g_assert_cmpuint(e->type, ==, E820_RESERVED);
    e = e820_find(&t, MiB);
    g_assert_nonnull(e);
    g_assert_cmpuint(e->type, ==, E820_RAM);
    g_assert_cmphex(e->addr, ==, MiB);
    g_assert_cmphex(e->addr + e->size, ==, 128 * MiB);
    g_assert_null(e820_find(&t, 128 * MiB));
    g_assert_null(e820_find(&t, 4 * GiB));
    e = e820_find(&t, PC_KVM_IDENTITY_MAP);
    g_assert_nonnull(e);
    g_assert_cmpuint(e->type, ==, E820_RESERVED);
    g_assert_cmpuint(e820_ram_total(&t), ==, 128 * MiB - MiB + 0x9fc00);
}

static void test_e820_4g(void)
{
    struct e820_table t;
    const uint64_t low = PC_LOW_RAM_TOP_MAX, high = 4 * GiB - PC_LOW_RAM_TOP_MAX;

    pc_e820_build(&t, low, high);
    check_e820_sane(&t);
    const struct e820_entry *e = e820_find(&t, MiB);
    g_assert_nonnull(e);
    g_assert_cmpuint(e->type, ==, E820_RAM);
    g_assert_cmphex(e->addr + e->size, ==, 0xd0000000);
    g_assert_null(e820_find(&t, 0xd0000000));
    g_assert_null(e820_find(&t, PC_IOAPIC_BASE));
    e = e820_find(&t, 4 * GiB);
    g_assert_nonnull(e);
    g_assert_cmpuint(e->type, ==, E820_RAM);
    g_assert_cmphex(e->addr, ==, 4 * GiB);
    g_assert_cmphex(e->size, ==, high);
    g_assert_cmpuint(e820_ram_total(&t), ==, 4 * GiB - MiB + 0x9fc00);
    /* The last entry is the high RAM. */
    g_assert_true(e == &t.entry[t.nr - 1]);
}

static void test_e820_tiny(void)
{
    struct e820_table t;

    /* RAM that ends at 1 MiB has no extended-memory entry. */
    pc_e820_build(&t, MiB, 0);
    check_e820_sane(&t);
    g_assert_null(e820_find(&t, MiB));
    g_assert_cmpuint(e820_ram_total(&t), ==, 0x9fc00);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/mptable/1cpu", GUINT_TO_POINTER(1), test_mptable);
    g_test_add_data_func("/mptable/2cpus", GUINT_TO_POINTER(2), test_mptable);
    g_test_add_data_func("/mptable/4cpus", GUINT_TO_POINTER(4), test_mptable);
    g_test_add_data_func("/mptable/64cpus", GUINT_TO_POINTER(64), test_mptable);
    g_test_add_func("/mptable/size", test_mptable_size_grows);
    g_test_add_func("/mptable/virtio", test_mptable_virtio);
    g_test_add_func("/pc_virtio/cmdline", test_virtio_cmdline);
    g_test_add_func("/mptable/rejects", test_mptable_rejects);
    g_test_add_func("/mptable/max_vcpus", test_mptable_max_vcpus);
    g_test_add_func("/e820/128m", test_e820_128m);
    g_test_add_func("/e820/4g", test_e820_4g);
    g_test_add_func("/e820/tiny", test_e820_tiny);
    return g_test_run();
}
