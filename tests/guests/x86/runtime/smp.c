/* SMP: finding CPUs (ACPI MADT or MP table) and starting APs with INIT-SIPI-SIPI. */
#include "guest.h"
#include "layout.h"

struct mp_fp {
    char sig[4];
    uint32_t config;
    uint8_t length, rev, checksum, features[5];
} __attribute__((packed));

struct mp_header {
    char sig[4];
    uint16_t length;
    uint8_t rev, checksum;
    char oem[8], product[12];
    uint32_t oem_table;
    uint16_t oem_size, count;
    uint32_t lapic;
    uint16_t ext_length;
    uint8_t ext_checksum, reserved;
} __attribute__((packed));

static uint8_t checksum(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t s = 0;
    while (n--)
        s += *b++;
    return s;
}

static const struct mp_fp *mp_scan(uint64_t base, uint64_t len)
{
    for (uint64_t a = base; a + sizeof(struct mp_fp) <= base + len; a += 16) {
        const struct mp_fp *fp = (const struct mp_fp *)(uintptr_t)a;
        if (memcmp(fp->sig, "_MP_", 4) == 0 && checksum(fp, 16) == 0)
            return fp;
    }
    return NULL;
}

static const struct mp_fp *mp_find(void)
{
    uint64_t ebda = (uint64_t)*(volatile uint16_t *)0x40e << 4;
    const struct mp_fp *fp = ebda ? mp_scan(ebda, 1024) : NULL;

    if (!fp)
        fp = mp_scan(0x9fc00, 1024);
    if (!fp)
        fp = mp_scan(0xf0000, 0x10000);
    return fp;
}

unsigned mptable_cpus(uint8_t *apic_ids, unsigned max)
{
    const struct mp_fp *fp = mp_find();

    if (!fp || !fp->config)
        return 0;
    const struct mp_header *h = (const struct mp_header *)(uintptr_t)fp->config;
    if (memcmp(h->sig, "PCMP", 4) != 0 || checksum(h, h->length) != 0)
        return 0;
    const uint8_t *e = (const uint8_t *)(h + 1);
    unsigned n = 0;
    for (unsigned i = 0; i < h->count; i++) {
        if (e[0] == 0) {
            if ((e[3] & 1) && n < max)
                apic_ids[n++] = e[1];
            e += 20;
        } else if (e[0] <= 4) {
            e += 8;
        } else {
            break;
        }
    }
    return n;
}

struct acpi_rsdp {
    char sig[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t ext_checksum, reserved[3];
} __attribute__((packed));

struct acpi_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

static const struct acpi_rsdp *acpi_scan(uint64_t base, uint64_t len)
{
    for (uint64_t a = base; a + 20 <= base + len; a += 16) {
        const struct acpi_rsdp *r = (const struct acpi_rsdp *)(uintptr_t)a;
        if (memcmp(r->sig, "RSD PTR ", 8) == 0 && checksum(r, 20) == 0)
            return r;
    }
    return NULL;
}

static const struct acpi_header *acpi_find_madt(void)
{
    uint64_t ebda = (uint64_t)*(volatile uint16_t *)0x40e << 4;
    const struct acpi_rsdp *rsdp = ebda ? acpi_scan(ebda, 1024) : NULL;

    if (!rsdp)
        rsdp = acpi_scan(0xe0000, 0x20000);
    if (!rsdp || !rsdp->rsdt)
        return NULL;
    const struct acpi_header *rsdt = (const struct acpi_header *)(uintptr_t)rsdp->rsdt;
    if (memcmp(rsdt->sig, "RSDT", 4) != 0 || checksum(rsdt, rsdt->length) != 0)
        return NULL;
    const uint32_t *entry = (const uint32_t *)(rsdt + 1);
    for (uint32_t i = 0; i < (rsdt->length - sizeof(*rsdt)) / 4; i++) {
        const struct acpi_header *t = (const struct acpi_header *)(uintptr_t)entry[i];
        if (memcmp(t->sig, "APIC", 4) == 0 && checksum(t, t->length) == 0)
            return t;
    }
    return NULL;
}

unsigned acpi_cpus(uint8_t *apic_ids, unsigned max)
{
    const struct acpi_header *madt = acpi_find_madt();

    if (!madt)
        return 0;
    /* After the header: local APIC address and flags, then variable-length entries. */
    const uint8_t *e = (const uint8_t *)(madt + 1) + 8;
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    unsigned n = 0;
    for (; e + 2 <= end && e[1] >= 2; e += e[1]) {
        uint32_t flags;
        if (e[0] != 0) /* processor local APIC */
            continue;
        memcpy(&flags, e + 4, 4);
        if ((flags & 1) && n < max)
            apic_ids[n++] = e[3];
    }
    return n;
}

extern char trampoline_start[], trampoline_end[];
void idt_load(void);

uint64_t ap_stack_top; /* read by ap_long_entry */
static uint8_t ap_stacks[MAX_CPUS][8192] __attribute__((aligned(16)));
static void (*volatile ap_entry)(unsigned);
static volatile unsigned ap_index;
static volatile int ap_alive;

void ap_runtime_start(void);
void ap_runtime_start(void)
{
    void (*entry)(unsigned) = ap_entry;
    unsigned index = ap_index;

    idt_load();
    __atomic_store_n(&ap_alive, 1, __ATOMIC_RELEASE);
    entry(index);
    for (;;)
        __asm__ volatile("cli; hlt");
}

int smp_start_ap(uint8_t apic_id, void (*entry)(unsigned), unsigned cpu_index)
{
    if (cpu_index >= MAX_CPUS)
        return -1;
    memcpy((void *)(uintptr_t)TRAMPOLINE_ADDR, trampoline_start,
           (size_t)(trampoline_end - trampoline_start));
    ap_stack_top = (uint64_t)(uintptr_t)(ap_stacks[cpu_index] + sizeof(ap_stacks[0]));
    ap_entry = entry;
    ap_index = cpu_index;
    ap_alive = 0;
    lapic_send_ipi(apic_id, 0x4500); /* INIT, assert */
    for (int i = 0; i < 2; i++)
        lapic_send_ipi(apic_id, 0x4600 | (TRAMPOLINE_ADDR >> 12)); /* STARTUP */
    for (uint64_t start = rdtsc(); rdtsc() - start < 20000000000ull;)
        if (__atomic_load_n(&ap_alive, __ATOMIC_ACQUIRE))
            return 0;
    return -1;
}
