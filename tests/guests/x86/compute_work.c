/* The ring-3 compute workload, built once and linked into both the guest and native bench. */
#include "compute_work.h"

#define SIEVE_SIZE (1u << 20)
#define MAT_N 96
#define HASH_WORDS (1u << 16)

static uint8_t sieve[SIEVE_SIZE];
static uint32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];
static uint64_t words[HASH_WORDS];

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

static uint64_t count_primes(void)
{
    uint64_t count = 0;

    for (uint32_t i = 0; i < SIEVE_SIZE; i++)
        sieve[i] = 1;
    sieve[0] = sieve[1] = 0;
    for (uint32_t i = 2; (uint64_t)i * i < SIEVE_SIZE; i++)
        if (sieve[i])
            for (uint32_t j = i * i; j < SIEVE_SIZE; j += i)
                sieve[j] = 0;
    for (uint32_t i = 0; i < SIEVE_SIZE; i++)
        count += sieve[i];
    return count;
}

static uint64_t matrix_product(uint64_t seed)
{
    uint64_t sum = 0;

    for (uint32_t i = 0; i < MAT_N; i++)
        for (uint32_t j = 0; j < MAT_N; j++) {
            mat_a[i][j] = (uint32_t)mix(seed + i * MAT_N + j);
            mat_b[i][j] = (uint32_t)mix(seed ^ (j * MAT_N + i));
        }
    for (uint32_t i = 0; i < MAT_N; i++)
        for (uint32_t j = 0; j < MAT_N; j++) {
            uint32_t acc = 0;
            for (uint32_t k = 0; k < MAT_N; k++)
                acc += mat_a[i][k] * mat_b[k][j];
            mat_c[i][j] = acc;
        }
    for (uint32_t i = 0; i < MAT_N; i++)
        sum = mix(sum + mat_c[i][(i * 7) % MAT_N]);
    return sum;
}

static uint64_t hash_chain(uint64_t seed)
{
    uint64_t h = seed;

    for (uint32_t i = 0; i < HASH_WORDS; i++)
        words[i] = mix(seed + i);
    for (uint32_t round = 0; round < 4; round++)
        for (uint32_t i = 0; i < HASH_WORDS; i++) {
            h = (h ^ words[(h + i) & (HASH_WORDS - 1)]) * 0x100000001b3ull;
            words[i] += h >> 7;
        }
    return h;
}

uint64_t compute_workload(uint64_t iterations)
{
    uint64_t sum = 0;

    for (uint64_t it = 0; it < iterations; it++) {
        sum = mix(sum + count_primes());
        sum = mix(sum + matrix_product(it));
        sum = mix(sum + hash_chain(sum));
    }
    return sum;
}
