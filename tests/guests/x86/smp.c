/*
 * smp: every CPU the firmware tables list starts by INIT-SIPI-SIPI, checks in, and bumps a
 * locked counter. CPUs come from the ACPI MADT when there is one (QEMU), else from the MP
 * table (kestrel, like kvmtool, describes CPUs with an MP table).
 */
#include "runtime/guest.h"

#define INCREMENTS 20000

static volatile uint32_t counter;
static volatile uint32_t finished;
static volatile bool go;
static volatile uint32_t seen_apic_id[MAX_CPUS];

static void bump(void)
{
    for (unsigned i = 0; i < INCREMENTS; i++)
        __atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
}

static void ap_main(unsigned index)
{
    seen_apic_id[index] = lapic_id() + 1; /* +1: zero means "never ran" */
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        cpu_relax();
    bump();
    __atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
}

void guest_main(void)
{
    uint8_t ids[MAX_CPUS];
    unsigned n = acpi_cpus(ids, MAX_CPUS);

    if (n == 0)
        n = mptable_cpus(ids, MAX_CPUS);
    CHECK(n > 0, "no CPUs in an ACPI MADT or an MP table");
    printf("smp: %u CPUs in the firmware tables\n", n);
    lapic_enable();
    uint32_t bsp = lapic_id();
    for (unsigned i = 0; i < n; i++) {
        if (ids[i] == bsp) {
            seen_apic_id[i] = bsp + 1;
            continue;
        }
        CHECK(smp_start_ap(ids[i], ap_main, i) == 0, "CPU with APIC ID %u did not start",
              ids[i]);
    }
    __atomic_store_n(&go, true, __ATOMIC_RELEASE);
    bump();
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < n - 1)
        cpu_relax();
    for (unsigned i = 0; i < n; i++) {
        CHECK(seen_apic_id[i] == ids[i] + 1u, "CPU %u reported APIC ID %u, expected %u", i,
              seen_apic_id[i] - 1, ids[i]);
        printf("cpu %u (APIC ID %u) checked in%s\n", i, ids[i], ids[i] == bsp ? " (BSP)" : "");
    }
    CHECK(counter == n * INCREMENTS, "counter %u, expected %u", counter, n * INCREMENTS);
    printf("smp: locked counter = %u (%u CPUs x %u)\n", counter, n, INCREMENTS);
}
