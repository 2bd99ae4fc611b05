/* The F/D guests' table harness: one assembly stub per instruction and rounding mode. */
#ifndef FP_H
#define FP_H

#include "guest.h"

/*
 * A stub takes raw bits (or an integer) in a0..a2, moves them into fa0..fa2 (singles through
 * fmv.w.x, so NaN-boxed), clears fflags, runs one instruction and returns its result in a0
 * (a float result through fmv.x.d, so a single's NaN box is visible) and fflags in a1.
 */
struct fp_result {
    uint64_t value, flags;
};
typedef struct fp_result fp_stub(uint64_t a, uint64_t b, uint64_t c);

#define FP_STUBS(name) extern fp_stub name
#define FP_STUBS_RM(name) \
    extern fp_stub name##_rne, name##_rtz, name##_rdn, name##_rup, name##_rmm, name##_dyn
#define FP_RM_STUBS(name) \
    { name##_rne, name##_rtz, name##_rdn, name##_rup, name##_rmm, name##_dyn }

/* Rounding modes in the order of their encodings (frm values 0..4). */
enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, RM_DYN };

/* Inputs, and for each static rounding mode the result and fflags (one entry without rm). */
struct fp_case {
    uint64_t in[3];
    uint64_t want[5];
    uint8_t flags[5];
};

struct fp_op {
    const char *name;
    bool has_rm;            /* stubs[0..4]: rne..rmm, stubs[5]: dyn; else only stubs[0] */
    fp_stub *stubs[6];
    const struct fp_case *cases;
    unsigned ncases;
};

/* Runs every case of op in every rounding mode, statically and through frm; one group line. */
void fp_run_op(const char *guest, const struct fp_op *op);
void fp_run_table(const char *guest, const struct fp_op *ops, size_t n);
/* One result and its fflags against the expected pair. */
void fp_check_result(const char *what, struct fp_result r, uint64_t want, uint64_t flags);

#define FP_CSR_READ(insn)                                                                \
    ({                                                                                   \
        uint64_t v_;                                                                     \
        __asm__ volatile(insn " %0" : "=r"(v_));                                         \
        v_;                                                                              \
    })
static inline uint64_t frcsr(void) { return FP_CSR_READ("frcsr"); }
static inline uint64_t frflags(void) { return FP_CSR_READ("frflags"); }
static inline uint64_t frrm(void) { return FP_CSR_READ("frrm"); }
static inline void fscsr(uint64_t v) { __asm__ volatile("fscsr %0" : : "r"(v)); }
static inline void fsflags(uint64_t v) { __asm__ volatile("fsflags %0" : : "r"(v)); }
static inline void fsrm(uint64_t v) { __asm__ volatile("fsrm %0" : : "r"(v)); }

#endif
