/*
 * compute-native: a guest workload run natively, timed by rdtsc. The integer workload links
 * the very object file the x86 compute.elf guest links; the floating-point one is
 * tests/guests/riscv/fp_work.c, built with the flags its RISC-V guests use.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute_work.h"
#include "fp_work.h"

/* The same plain rdtsc the guest runtime uses (tests/guests/x86/runtime/guest.h). */
static inline uint64_t bench_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
            "usage: %s [--workload compute|fp] --iterations N\n"
            "Runs compute_workload(N) (or fp_workload(N)) natively and prints its checksum\n"
            "and TSC cycles, as the compute.elf (fp-work.elf) guests print theirs.\n",
            prog);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;

    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t iterations = 3;
    bool fp = false;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout, argv[0]);
            return 0;
        }
        if (!strcmp(argv[i], "--workload") && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "compute") && strcmp(argv[i], "fp")) {
                fprintf(stderr, "%s: --workload: compute or fp, not %s\n", argv[0], argv[i]);
                return 2;
            }
            fp = !strcmp(argv[i], "fp");
            continue;
        }
        if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
            if (parse_u64(argv[++i], &iterations) < 0) {
                fprintf(stderr, "%s: --iterations: not a number: %s\n", argv[0], argv[i]);
                return 2;
            }
            continue;
        }
        usage(stderr, argv[0]);
        return 2;
    }

    /* Timed exactly as the guest times it: rdtsc around the call, nothing else inside. */
    uint64_t start = bench_rdtsc();
    uint64_t sum = fp ? fp_workload(iterations) : compute_workload(iterations);
    uint64_t cycles = bench_rdtsc() - start;

    printf("%s-native: %" PRIu64 " iterations\n", fp ? "fp" : "compute", iterations);
    printf("checksum=0x%016" PRIx64 "\n", sum);
    printf("cycles=%" PRIu64 "\n", cycles);
    return 0;
}
