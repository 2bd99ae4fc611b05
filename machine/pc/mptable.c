/* The Intel MultiProcessor Specification 1.4 table: CPUs, the IOAPIC and ISA IRQ routing. */
#include "machine/pc/mptable.h"

#include <errno.h>
#include <string.h>

#include "core/memory.h"
#include "machine/pc/pc_memmap.h"

#define MP_SPEC_REV 4 /* version 1.4 */
#define MP_APIC_VERSION 0x14
#define MP_IOAPIC_VERSION 0x11

enum mp_entry_type {
    MP_PROCESSOR = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_IOINTR = 3, MP_LOCALINTR = 4,
};

enum mp_int_type { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };

struct mp_floating_pointer {
    char signature[4];
    uint32_t config_table;
    uint8_t length; /* in 16-byte units */
    uint8_t spec_rev;
    uint8_t checksum;
    uint8_t features[5];
} __attribute__((packed));

struct mp_config_header {
    char signature[4];
    uint16_t length;
    uint8_t spec_rev;
    uint8_t checksum;
    char oem_id[8];
    char product_id[12];
    uint32_t oem_table;
    uint16_t oem_table_size;
    uint16_t entry_count;
    uint32_t lapic_addr;
    uint16_t ext_length;
    uint8_t ext_checksum;
    uint8_t reserved;
} __attribute__((packed));

struct mp_processor {
    uint8_t type, apic_id, apic_version, flags;
    uint32_t signature, features;
    uint32_t reserved[2];
} __attribute__((packed));

struct mp_bus {
    uint8_t type, bus_id;
    char bus_type[6];
} __attribute__((packed));

struct mp_ioapic {
    uint8_t type, id, version, flags;
    uint32_t addr;
} __attribute__((packed));

struct mp_interrupt {
    uint8_t type, int_type;
    uint16_t flags; /* polarity and trigger: 0 conforms to the bus */
    uint8_t src_bus, src_irq, dst_apic, dst_pin;
} __attribute__((packed));

/* Interrupt entry flags: polarity in bits 0-1, trigger mode in bits 2-3. */
#define MP_IRQ_ACTIVE_HIGH 0x1
#define MP_IRQ_LEVEL 0xc

#define MP_CPU_ENABLED 0x01
#define MP_CPU_BSP 0x02
#define MP_IOAPIC_ENABLED 0x01
#define MP_ALL_APICS 0xff

static uint8_t mp_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum += *b++;
    return (uint8_t)-sum;
}

static unsigned mp_nr_entries(unsigned nr_cpus, unsigned nr_virtio)
{
    return nr_cpus + 1 /* bus */ + 1 /* ioapic */ + PC_NR_ISA_IRQS + nr_virtio +
           2 /* LINT0, LINT1 */;
}

uint64_t pc_mptable_size(unsigned nr_cpus, unsigned nr_virtio)
{
    return sizeof(struct mp_floating_pointer) + sizeof(struct mp_config_header) +
           nr_cpus * sizeof(struct mp_processor) + sizeof(struct mp_bus) +
           sizeof(struct mp_ioapic) +
           (PC_NR_ISA_IRQS + nr_virtio + 2) * sizeof(struct mp_interrupt);
}

static uint8_t *mp_put(uint8_t *p, const void *entry, size_t len)
{
    memcpy(p, entry, len);
    return p + len;
}

static uint8_t *mp_put_cpus(uint8_t *p, unsigned nr_cpus)
{
    for (unsigned i = 0; i < nr_cpus; i++) {
        struct mp_processor cpu = {
            .type = MP_PROCESSOR, .apic_id = (uint8_t)i, .apic_version = MP_APIC_VERSION,
            .flags = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0),
            .signature = 0x600,  /* family 6 */
            .features = 0x201,   /* FPU, APIC */
        };
        p = mp_put(p, &cpu, sizeof(cpu));
    }
    return p;
}

/*
 * ISA IRQ n goes to IOAPIC pin n, matching KVM's default GSI routing. The virtio slots' pins
 * follow on the same bus, as IRQ = pin, level-triggered and active high: the transport holds
 * its line up while InterruptStatus is non-zero, and KVM's irqfd resampling needs a level
 * pin (virtio_fastpath.h). Linux then maps each to the IRQ number of its pin, the number
 * the command line's virtio_mmio.device= entries give.
 */
static uint8_t *mp_put_interrupts(uint8_t *p, uint8_t ioapic_id, unsigned nr_virtio)
{
    for (uint8_t irq = 0; irq < PC_NR_ISA_IRQS; irq++) {
        struct mp_interrupt e = {MP_IOINTR, MP_INT, 0, 0, irq, ioapic_id, irq};
        p = mp_put(p, &e, sizeof(e));
    }
    for (unsigned i = 0; i < nr_virtio; i++) {
        uint8_t pin = (uint8_t)(PC_VIRTIO_IRQ_BASE + i);
        struct mp_interrupt e = {MP_IOINTR, MP_INT, MP_IRQ_LEVEL | MP_IRQ_ACTIVE_HIGH, 0, pin,
                                 ioapic_id, pin};
        p = mp_put(p, &e, sizeof(e));
    }
    struct mp_interrupt lint0 = {MP_LOCALINTR, MP_EXTINT, 0, 0, 0, MP_ALL_APICS, 0};
    struct mp_interrupt lint1 = {MP_LOCALINTR, MP_NMI, 0, 0, 0, MP_ALL_APICS, 1};
    p = mp_put(p, &lint0, sizeof(lint0));
    return mp_put(p, &lint1, sizeof(lint1));
}

int pc_mptable_write(const struct guest_memory *mem, uint64_t gpa, unsigned nr_cpus,
                     unsigned nr_virtio)
{
    uint64_t size = pc_mptable_size(nr_cpus, nr_virtio);
    uint8_t *base = gpa_to_host(mem, gpa, size);

    if (!base || nr_cpus == 0 || nr_cpus >= MP_ALL_APICS || nr_virtio > PC_VIRTIO_MAX_SLOTS)
        return -EFAULT;
    memset(base, 0, size);
    uint8_t *cfg = base + sizeof(struct mp_floating_pointer);
    uint8_t *p = cfg + sizeof(struct mp_config_header);
    uint8_t ioapic_id = (uint8_t)nr_cpus;

    p = mp_put_cpus(p, nr_cpus);
    struct mp_bus isa = {MP_BUS, 0, {'I', 'S', 'A', ' ', ' ', ' '}};
    p = mp_put(p, &isa, sizeof(isa));
    struct mp_ioapic ioapic = {MP_IOAPIC, ioapic_id, MP_IOAPIC_VERSION, MP_IOAPIC_ENABLED,
                               (uint32_t)PC_IOAPIC_BASE};
    p = mp_put(p, &ioapic, sizeof(ioapic));
    p = mp_put_interrupts(p, ioapic_id, nr_virtio);

    struct mp_config_header hdr = {
        .signature = {'P', 'C', 'M', 'P'},
        .length = (uint16_t)(p - cfg),
        .spec_rev = MP_SPEC_REV,
        .oem_id = {'K', 'E', 'S', 'T', 'R', 'E', 'L', ' '},
        .product_id = {'P', 'C', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '},
        .entry_count = (uint16_t)mp_nr_entries(nr_cpus, nr_virtio),
        .lapic_addr = (uint32_t)PC_LAPIC_BASE,
    };
    memcpy(cfg, &hdr, sizeof(hdr));
    ((struct mp_config_header *)cfg)->checksum = mp_checksum(cfg, hdr.length);

    struct mp_floating_pointer fp = {
        .signature = {'_', 'M', 'P', '_'},
        .config_table = (uint32_t)(gpa + sizeof(fp)),
        .length = 1,
        .spec_rev = MP_SPEC_REV,
    };
    fp.checksum = mp_checksum(&fp, sizeof(fp));
    memcpy(base, &fp, sizeof(fp));
    return 0;
}
