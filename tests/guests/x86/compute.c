/* compute: the shared workload in ring 3; its checksum must match the native build's. */
#include "compute_work.h"
#include "runtime/guest.h"

static uint64_t workload_cycles;

static uint64_t run_workload(uint64_t iterations)
{
    uint64_t start = rdtsc();
    uint64_t sum = compute_workload(iterations);
    workload_cycles = rdtsc() - start;
    return sum;
}

void guest_main(void)
{
    uint64_t iterations = cmdline_uint("iterations", 3);

    user_init();
    uint64_t sum = run_in_user_mode(run_workload, iterations, false);
    printf("compute: %lu iterations in ring 3, checksum=0x%016lx\n", iterations, sum);
    if (cmdline_has("bench"))
        printf("compute: cycles=%lu\n", workload_cycles);
}
