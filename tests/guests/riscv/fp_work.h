/*
 * A floating-point workload, built both for the RISC-V guests and natively (bench/fp-native):
 * the same source gives the same bits on both, because it is compiled with
 * -ffp-contract=off and every fused multiply-add is written out as __builtin_fma[f].
 */
#ifndef FP_WORK_H
#define FP_WORK_H

#include <stdint.h>

/* An n-body simulation in binary64 and a binary32 matrix product; a checksum of the bits. */
uint64_t fp_workload(uint64_t iterations);

#endif
