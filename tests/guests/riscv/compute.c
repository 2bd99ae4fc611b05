/* compute: the x86 guests' workload (tests/guests/x86/compute_work.c) built for RISC-V. */
#include "compute_work.h"
#include "guest.h"

/* The guest has no command line to read, so each build fixes its own iteration count. */
#ifndef ITERATIONS
#error "build with -DITERATIONS=N"
#endif

void guest_main(void)
{
    uint64_t start = rdtime();
    uint64_t sum = compute_workload(ITERATIONS);
    uint64_t ticks = rdtime() - start;

    /* Must equal bench/compute-native --iterations N: the same source, the same result. */
    printf("compute: %d iterations, checksum=0x%016lx\n", ITERATIONS, sum);
    /* 10 MHz timebase ticks; varies from run to run, so never compared exactly. */
    printf("timing: ticks=%lu\n", ticks);
}
