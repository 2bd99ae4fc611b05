/* rv64a: every AMO in both widths, LR/SC success and failure, and the aq/rl encodings. */
#include "guest.h"

typedef uint64_t amo_fn(volatile void *p, uint64_t v);
#define AMO_FN(op, w)                                                                  \
    static uint64_t op##_##w(volatile void *p, uint64_t v)                             \
    {                                                                                  \
        uint64_t r;                                                                    \
        __asm__ volatile(#op "." #w " %0, %2, (%1)"                                    \
                         : "=&r"(r) : "r"(p), "r"(v) : "memory");                      \
        return r;                                                                      \
    }
#define AMO_FNS(op) AMO_FN(op, w) AMO_FN(op, d)
AMO_FNS(amoswap) AMO_FNS(amoadd) AMO_FNS(amoxor) AMO_FNS(amoand) AMO_FNS(amoor)
AMO_FNS(amomin) AMO_FNS(amomax) AMO_FNS(amominu) AMO_FNS(amomaxu)

/*
 * Each AMO returns the old memory value (sign-extended from 32 bits for .w) and stores
 * op(old, rs2); the .w forms use rs2[31:0] and compare 32-bit values (min/max signed,
 * minu/maxu unsigned).
 */
static const struct {
    const char *op;
    amo_fn *fn;
    unsigned size;
    uint64_t mem, v, want_ret, want_mem;
} amo_cases[] = {
    {"amoswap.w", amoswap_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0x7ffffffful},
    {"amoswap.w", amoswap_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0x1ul},
    {"amoswap.w", amoswap_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0xfffffffeul},
    {"amoswap.w", amoswap_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x7ffffffful},
    {"amoswap.d", amoswap_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0x7ffffffffffffffful},
    {"amoswap.d", amoswap_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0x1ul},
    {"amoswap.d", amoswap_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0xfffffffffffffffeul},
    {"amoswap.d", amoswap_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0xfedcba987654321ul},
    {"amoadd.w", amoadd_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0xfffffffful},
    {"amoadd.w", amoadd_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0x0ul},
    {"amoadd.w", amoadd_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0x3ul},
    {"amoadd.w", amoadd_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0xfffffffeul},
    {"amoadd.d", amoadd_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0xfffffffffffffffful},
    {"amoadd.d", amoadd_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0x0ul},
    {"amoadd.d", amoadd_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0x3ul},
    {"amoadd.d", amoadd_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0x2222222222222211ul},
    {"amoxor.w", amoxor_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0xfffffffful},
    {"amoxor.w", amoxor_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0xfffffffeul},
    {"amoxor.w", amoxor_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0xfffffffbul},
    {"amoxor.w", amoxor_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x0ul},
    {"amoxor.d", amoxor_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0xfffffffffffffffful},
    {"amoxor.d", amoxor_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0xfffffffffffffffeul},
    {"amoxor.d", amoxor_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0xfffffffffffffffbul},
    {"amoxor.d", amoxor_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0x1dd99dd11dd99dd1ul},
    {"amoand.w", amoand_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0x0ul},
    {"amoand.w", amoand_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0x1ul},
    {"amoand.w", amoand_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0x4ul},
    {"amoand.w", amoand_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x7ffffffful},
    {"amoand.d", amoand_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0x0ul},
    {"amoand.d", amoand_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0x1ul},
    {"amoand.d", amoand_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0x4ul},
    {"amoand.d", amoand_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0x224422882244220ul},
    {"amoor.w", amoor_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0xfffffffful},
    {"amoor.w", amoor_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0xfffffffful},
    {"amoor.w", amoor_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0xfffffffful},
    {"amoor.w", amoor_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x7ffffffful},
    {"amoor.d", amoor_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0xfffffffffffffffful},
    {"amoor.d", amoor_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0xfffffffffffffffful},
    {"amoor.d", amoor_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0xfffffffffffffffful},
    {"amoor.d", amoor_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0x1ffddff99ffddff1ul},
    {"amomin.w", amomin_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0x80000000ul},
    {"amomin.w", amomin_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0xfffffffful},
    {"amomin.w", amomin_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0xfffffffeul},
    {"amomin.w", amomin_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x7ffffffful},
    {"amomin.d", amomin_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0x8000000000000000ul},
    {"amomin.d", amomin_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0xfffffffffffffffful},
    {"amomin.d", amomin_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0xfffffffffffffffeul},
    {"amomin.d", amomin_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0xfedcba987654321ul},
    {"amomax.w", amomax_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0x7ffffffful},
    {"amomax.w", amomax_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0x1ul},
    {"amomax.w", amomax_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0x5ul},
    {"amomax.w", amomax_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x7ffffffful},
    {"amomax.d", amomax_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0x7ffffffffffffffful},
    {"amomax.d", amomax_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0x1ul},
    {"amomax.d", amomax_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0x5ul},
    {"amomax.d", amomax_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0x123456789abcdef0ul},
    {"amominu.w", amominu_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0x7ffffffful},
    {"amominu.w", amominu_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0x1ul},
    {"amominu.w", amominu_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0x5ul},
    {"amominu.w", amominu_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x7ffffffful},
    {"amominu.d", amominu_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0x7ffffffffffffffful},
    {"amominu.d", amominu_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0x1ul},
    {"amominu.d", amominu_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0x5ul},
    {"amominu.d", amominu_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0xfedcba987654321ul},
    {"amomaxu.w", amomaxu_w, 4, 0x80000000ul, 0x7ffffffful,
     0xffffffff80000000ul, 0x80000000ul},
    {"amomaxu.w", amomaxu_w, 4, 0xfffffffful, 0x1234567800000001ul,
     0xfffffffffffffffful, 0xfffffffful},
    {"amomaxu.w", amomaxu_w, 4, 0x5ul, 0xfffffffeul,
     0x5ul, 0xfffffffeul},
    {"amomaxu.w", amomaxu_w, 4, 0x7ffffffful, 0x7ffffffful,
     0x7ffffffful, 0x7ffffffful},
    {"amomaxu.d", amomaxu_d, 8, 0x8000000000000000ul, 0x7ffffffffffffffful,
     0x8000000000000000ul, 0x8000000000000000ul},
    {"amomaxu.d", amomaxu_d, 8, 0xfffffffffffffffful, 0x1ul,
     0xfffffffffffffffful, 0xfffffffffffffffful},
    {"amomaxu.d", amomaxu_d, 8, 0x5ul, 0xfffffffffffffffeul,
     0x5ul, 0xfffffffffffffffeul},
    {"amomaxu.d", amomaxu_d, 8, 0x123456789abcdef0ul, 0xfedcba987654321ul,
     0x123456789abcdef0ul, 0x123456789abcdef0ul},
};

#define GUARD 0xa5a5a5a5a5a5a5a5ul
static volatile uint64_t cell[4] __attribute__((aligned(16)));

static void check_amos(void)
{
    char what[80];

    for (size_t i = 0; i < sizeof(amo_cases) / sizeof(amo_cases[0]); i++) {
        __typeof__(amo_cases[0]) *c = &amo_cases[i];
        cell[0] = cell[1] = cell[2] = cell[3] = GUARD;
        /* A word AMO works on the upper word of cell[1]; its neighbours must not change. */
        volatile void *p = c->size == 4 ? (volatile void *)((uintptr_t)&cell[1] + 4)
                                        : (volatile void *)&cell[1];
        if (c->size == 4)
            *(volatile uint32_t *)p = (uint32_t)c->mem;
        else
            *(volatile uint64_t *)p = c->mem;
        uint64_t r = c->fn(p, c->v);
        uint64_t m = c->size == 4 ? *(volatile uint32_t *)p : *(volatile uint64_t *)p;
        snprintf(what, sizeof(what), "%s [0x%lx], 0x%lx: old", c->op, c->mem, c->v);
        check(what, r, c->want_ret);
        snprintf(what, sizeof(what), "%s [0x%lx], 0x%lx: memory", c->op, c->mem, c->v);
        check(what, m, c->want_mem);
        bool guards = cell[0] == GUARD && cell[2] == GUARD &&
                      (c->size == 8 || (uint32_t)cell[1] == (uint32_t)GUARD);
        snprintf(what, sizeof(what), "%s [0x%lx], 0x%lx: neighbours", c->op, c->mem, c->v);
        check(what, guards, true);
    }
}

/* rd = x0 discards the old value but still writes memory; rd = rs2 gets the old value. */
static void check_amo_registers(void)
{
    uint64_t r;

    cell[1] = 40;
    __asm__ volatile("amoadd.d zero, %1, (%0)" : : "r"(&cell[1]), "r"(2ul) : "memory");
    check("amoadd.d x0", cell[1], 42);
    r = 5;
    __asm__ volatile("amoswap.d %0, %0, (%1)" : "+r"(r) : "r"(&cell[1]) : "memory");
    check("amoswap.d rd == rs2: old", r, 42);
    check("amoswap.d rd == rs2: memory", cell[1], 5);
}

static uint64_t lr_d(volatile uint64_t *p)
{
    uint64_t r;
    __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory");
    return r;
}

static uint64_t sc_d(volatile uint64_t *p, uint64_t v)
{
    uint64_t r;
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

/*
 * SC writes 0 on success and a nonzero code on failure; the spec defines only code 1
 * ("unspecified failure") and reserves the others, so failures must read 1.
 */
static void check_lr_sc(void)
{
    volatile uint32_t *w = (volatile uint32_t *)&cell[2];
    uint64_t r;

    /* Nothing has reserved anything yet: the first SC of the program fails. */
    cell[0] = 7;
    check("sc.d without a reservation", sc_d(&cell[0], 8), 1);
    check("failed sc.d leaves memory", cell[0], 7);

    check("lr.d", lr_d(&cell[0]), 7);
    check("sc.d after lr.d", sc_d(&cell[0], 9), 0);
    check("sc.d stored", cell[0], 9);
    /* That SC consumed the reservation. */
    check("second sc.d", sc_d(&cell[0], 10), 1);
    check("second sc.d leaves memory", cell[0], 9);

    /* The SC must fail when its address is not the one the LR reserved. */
    cell[1] = 100;
    lr_d(&cell[0]);
    check("sc.d to another address", sc_d(&cell[1], 101), 1);
    check("sc.d to another address leaves memory", cell[1], 100);

    /*
     * A store by the same hart between LR and SC: the spec lets the SC succeed or fail.
     * When the store changed the value, QEMU fails it (its SC is a compare-and-swap against
     * the value LR read), as does any implementation that drops the reservation on a store;
     * kestrel must fail it too. The store itself must stay.
     */
    lr_d(&cell[0]);
    cell[0] = 55;
    check("sc.d after a store to the reserved word", sc_d(&cell[0], 56), 1);
    check("the intervening store stays", cell[0], 55);

    /* lr.w sign-extends; sc.w writes 32 bits only. */
    cell[2] = 0x11111111ffffff80ul;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(w) : "memory");
    check("lr.w sign-extends", r, 0xffffffffffffff80ul);
    __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(r) : "r"(w), "r"(0x2222222233333333ul) : "memory");
    check("sc.w after lr.w", r, 0);
    check("sc.w writes one word", cell[2], 0x1111111133333333ul);
    __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(r) : "r"(w), "r"(0x44ul) : "memory");
    check("sc.w without a reservation", r, 1);

    /* The usual LR/SC loop: an atomic increment, many times. */
    cell[3] = 0;
    for (int i = 0; i < 1000; i++) {
        __asm__ volatile("1:\tlr.d t0, (%0)\n\taddi t0, t0, 3\n\tsc.d t1, t0, (%0)\n\t"
                         "bnez t1, 1b" : : "r"(&cell[3]) : "t0", "t1", "memory");
    }
    check("lr/sc increment loop", cell[3], 3000);
}

/* The aq and rl bits change ordering only; on one hart every form computes the same. */
static void check_ordering_bits(void)
{
    uint64_t r, s;

    cell[0] = 1;
    __asm__ volatile("amoadd.d.aq %0, %2, (%1)" : "=&r"(r) : "r"(&cell[0]), "r"(2ul) : "memory");
    check("amoadd.d.aq", r + cell[0], 1 + 3);
    __asm__ volatile("amoswap.w.rl %0, %2, (%1)" : "=&r"(r) : "r"(&cell[0]), "r"(9ul) : "memory");
    check("amoswap.w.rl", r + cell[0], 3 + 9);
    __asm__ volatile("amoor.d.aqrl %0, %2, (%1)"
                     : "=&r"(r) : "r"(&cell[0]), "r"(0x30ul) : "memory");
    check("amoor.d.aqrl", r + cell[0], 9 + 0x39);
    __asm__ volatile("amomaxu.w.aq %0, %2, (%1)"
                     : "=&r"(r) : "r"(&cell[0]), "r"(0x100ul) : "memory");
    check("amomaxu.w.aq", r + cell[0], 0x39 + 0x100);
    __asm__ volatile("lr.d.aq %0, (%2)\n\tsc.d.rl %1, %3, (%2)"
                     : "=&r"(r), "=&r"(s) : "r"(&cell[0]), "r"(0x77ul) : "memory");
    check("lr.d.aq / sc.d.rl", r + s + cell[0], 0x100 + 0 + 0x77);
    __asm__ volatile("lr.w.aqrl %0, (%2)\n\tsc.w.aqrl %1, %3, (%2)"
                     : "=&r"(r), "=&r"(s) : "r"(&cell[0]), "r"(0x88ul) : "memory");
    check("lr.w.aqrl / sc.w.aqrl", r + s + cell[0], 0x77 + 0 + 0x88);
    __asm__ volatile("fence rw, rw\n\tfence.tso\n\tfence r, w\n\tfence" : : : "memory");
    check("fences", cell[0], 0x88);
}

void guest_main(void)
{
    /* First, before any LR has run. */
    check_lr_sc();
    group_done("rv64a: lr/sc");
    check_amos();
    group_done("rv64a: amo*.w and amo*.d");
    check_amo_registers();
    group_done("rv64a: AMO register cases");
    check_ordering_bits();
    group_done("rv64a: aq/rl encodings and fences");
}
