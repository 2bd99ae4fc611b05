/* The floating-point workload (see fp_work.h): no libm, only what both ISAs do in one insn. */
#include "fp_work.h"

#define BODIES 16
#define STEPS 40
#define MAT_N 48

struct body {
    double x, y, z, vx, vy, vz, mass;
};

static struct body bodies[BODIES];
static float mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/* A double in [-1, 1) from a seed, exactly representable. */
static double unit_of(uint64_t seed)
{
    return (double)(int64_t)(mix(seed) >> 11 << 11) / 9223372036854775808.0;
}

static void bodies_init(uint64_t seed)
{
    for (unsigned i = 0; i < BODIES; i++) {
        struct body *b = &bodies[i];
        b->x = unit_of(seed + 7 * i) * 10.0;
        b->y = unit_of(seed + 7 * i + 1) * 10.0;
        b->z = unit_of(seed + 7 * i + 2) * 10.0;
        b->vx = unit_of(seed + 7 * i + 3) * 0.1;
        b->vy = unit_of(seed + 7 * i + 4) * 0.1;
        b->vz = unit_of(seed + 7 * i + 5) * 0.1;
        b->mass = 1.0 + unit_of(seed + 7 * i + 6) * 0.5;
    }
}

static void bodies_step(double dt)
{
    for (unsigned i = 0; i < BODIES; i++) {
        struct body *a = &bodies[i];
        for (unsigned j = i + 1; j < BODIES; j++) {
            struct body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            double d2 = __builtin_fma(dz, dz, __builtin_fma(dy, dy, __builtin_fma(dx, dx, 0.01)));
            double d = __builtin_sqrt(d2);
            double mag = dt / (d2 * d);
            a->vx = __builtin_fma(-dx, b->mass * mag, a->vx);
            a->vy = __builtin_fma(-dy, b->mass * mag, a->vy);
            a->vz = __builtin_fma(-dz, b->mass * mag, a->vz);
            b->vx = __builtin_fma(dx, a->mass * mag, b->vx);
            b->vy = __builtin_fma(dy, a->mass * mag, b->vy);
            b->vz = __builtin_fma(dz, a->mass * mag, b->vz);
        }
    }
    for (unsigned i = 0; i < BODIES; i++) {
        struct body *b = &bodies[i];
        b->x = __builtin_fma(dt, b->vx, b->x);
        b->y = __builtin_fma(dt, b->vy, b->y);
        b->z = __builtin_fma(dt, b->vz, b->z);
    }
}

static uint64_t bits64(double v)
{
    union { double d; uint64_t u; } u = {.d = v};
    return u.u;
}

static uint32_t bits32(float v)
{
    union { float f; uint32_t u; } u = {.f = v};
    return u.u;
}

static uint64_t nbody(uint64_t seed)
{
    uint64_t sum = 0;

    bodies_init(seed);
    for (unsigned s = 0; s < STEPS; s++)
        bodies_step(0.01);
    for (unsigned i = 0; i < BODIES; i++)
        sum = mix(sum ^ bits64(bodies[i].x) ^ bits64(bodies[i].vy) ^ bits64(bodies[i].z / 3.0));
    return sum;
}

static uint64_t matrix_product(uint64_t seed)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < MAT_N; i++)
        for (unsigned j = 0; j < MAT_N; j++) {
            mat_a[i][j] = (float)unit_of(seed + i * MAT_N + j);
            mat_b[i][j] = (float)unit_of(~seed + i * MAT_N + j) / 3.0f;
        }
    for (unsigned i = 0; i < MAT_N; i++)
        for (unsigned j = 0; j < MAT_N; j++) {
            float acc = 0.0f;
            for (unsigned k = 0; k < MAT_N; k++)
                acc = __builtin_fmaf(mat_a[i][k], mat_b[k][j], acc);
            mat_c[i][j] = acc;
        }
    for (unsigned i = 0; i < MAT_N; i++)
        sum = mix(sum ^ bits32(mat_c[i][i]) ^ bits32(mat_c[i][MAT_N - 1 - i]));
    return sum;
}

uint64_t fp_workload(uint64_t iterations)
{
    uint64_t sum = 0;

    for (uint64_t it = 0; it < iterations; it++)
        sum = mix(sum ^ nbody(it) ^ matrix_product(it * 31 + 1));
    return sum;
}
