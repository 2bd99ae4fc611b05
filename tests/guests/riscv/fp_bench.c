/* fp-work: the floating-point workload (fp_work.c) with a fixed iteration count. */
#include "fp_work.h"
#include "guest.h"

#ifndef ITERATIONS
#error "build with -DITERATIONS=N"
#endif

void guest_main(void)
{
    uint64_t start = rdtime();
    uint64_t sum = fp_workload(ITERATIONS);
    uint64_t ticks = rdtime() - start;

    /* Must equal bench/fp-native --iterations N: the same source, the same bits. */
    printf("fp: %d iterations, checksum=0x%016lx\n", ITERATIONS, sum);
    printf("timing: ticks=%lu\n", ticks);
}
