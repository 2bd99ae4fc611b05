/* The ring-3 compute workload, built once and linked into both the guest and native bench. */
#ifndef COMPUTE_WORK_H
#define COMPUTE_WORK_H

#include <stdint.h>

/* Integer hashing, a prime sieve and a matrix product; returns a checksum of all of it. */
uint64_t compute_workload(uint64_t iterations);

#endif
