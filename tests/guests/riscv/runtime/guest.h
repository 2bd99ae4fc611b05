/* The RISC-V test-guest runtime: UART console, CSRs, MMIO, traps, checks and exit. */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csr.h"

/* ---- the virt board ---- */
#define VIRT_TEST_BASE 0x100000ul     /* sifive_test: the finisher */
#define VIRT_CLINT_BASE 0x2000000ul
#define CLINT_MSIP0 (VIRT_CLINT_BASE + 0x0)
#define CLINT_MTIMECMP0 (VIRT_CLINT_BASE + 0x4000)
#define CLINT_MTIME (VIRT_CLINT_BASE + 0xbff8)
#define VIRT_PLIC_BASE 0xc000000ul
#define VIRT_UART0_BASE 0x10000000ul
#define VIRT_UART0_IRQ 10
#define VIRT_DRAM_BASE 0x80000000ul
#define TIMEBASE_HZ 10000000ul

extern uint64_t boot_hartid, boot_fdt; /* a0 and a1 at entry */

/* ---- MMIO ---- */
static inline uint8_t mmio_read8(uint64_t a) { return *(volatile uint8_t *)a; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void mmio_write8(uint64_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }

/* ---- CSRs: the name is pasted into the instruction, so it may be a name or a number ---- */
#define csr_read(csr)                                                  \
    ({                                                                 \
        uint64_t v_;                                                   \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_) : : "memory");    \
        v_;                                                            \
    })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_swap(csr, v)                                                                 \
    ({                                                                                   \
        uint64_t o_;                                                                     \
        __asm__ volatile("csrrw %0, " #csr ", %1" : "=r"(o_) : "r"((uint64_t)(v)) : "memory"); \
        o_;                                                                              \
    })

static inline uint64_t rdtime(void) { return csr_read(time); }
static inline uint64_t rdcycle(void) { return csr_read(cycle); }
static inline uint64_t rdinstret(void) { return csr_read(instret); }
static inline void fence_i(void) { __asm__ volatile("fence.i" : : : "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" : : : "memory"); }
static inline void irq_enable(void) { csr_set(mstatus, MSTATUS_MIE); }
static inline void irq_disable(void) { csr_clear(mstatus, MSTATUS_MIE); }

/* ---- console (the NS16550A, polled) and formatted output ---- */
void console_putc(char c);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- small libc ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* ---- ending the test through the sifive_test finisher at 0x100000 ---- */
void exit_code(uint32_t code) __attribute__((noreturn)); /* 0: 0x5555, else (code<<16)|0x3333 */
void pass(void) __attribute__((noreturn));                 /* prints PASS, status 0 */
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2))); /* status 1 */

/*
 * ---- checks ----
 * check() compares one result and prints a "mismatch:" line for each wrong one, so a run
 * shows every failing check of a group, not just the first; group_done() then prints
 * "NAME: N checks" or fails the test.
 */
void check(const char *what, uint64_t got, uint64_t want);
void check_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void group_done(const char *name);
extern unsigned check_count, check_errors;

/* ---- the guest's entry point, called by start.S; pass() follows if it returns ---- */
void guest_main(void);

/* ---- traps ---- */
struct trap_frame {
    uint64_t x[32]; /* x[0] unused */
    uint64_t mcause, mepc, mtval;
    int64_t vector; /* -1: direct-mode entry, else the vectored-table slot */
};
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");

struct trap_record {
    uint64_t mcause, mepc, mtval;
    uint64_t mstatus; /* as the handler saw it */
    int64_t vector;
};
extern volatile struct trap_record last_trap;
extern volatile uint64_t trap_site, trap_resume_pc;
extern volatile int trap_expected;
extern void trap_entry(void), trap_vector_table(void);

/*
 * Calls fn in S-mode (mpp = MSTATUS_MPP_S) or U-mode (MSTATUS_MPP_U) and returns in M-mode
 * when fn returns. With medeleg 0, fn's traps are taken by the M-mode handler as usual, so
 * EXPECT_TRAP and the checks work inside fn. Whatever fn touches (its code, stack, data and
 * the UART) must be mapped for that mode if satp turns translation on.
 */
void run_lower(void (*fn)(void), uint64_t mpp);
extern void run_lower_ecall(void);

typedef void irq_handler(struct trap_frame *f);
/* Interrupts (mcause bit 63) go to h; with none set, an interrupt fails the test. */
void trap_set_irq_handler(irq_handler *h);

/*
 * Runs the instructions in insns (assembly text; operands %0... are the inputs given after
 * it) expecting the first of them to trap. The handler records mcause, mepc and mtval in
 * last_trap and resumes after the last instruction; trap_site holds the address of the first.
 * t0 and t1 are clobbered, so insns may use them as scratch.
 */
#define EXPECT_TRAP(insns, ...)                                                   \
    do {                                                                          \
        trap_expected = 1;                                                        \
        __asm__ volatile("la t0, 1f\n\tla t1, trap_site\n\tsd t0, 0(t1)\n\t"      \
                         "la t0, 2f\n\tla t1, trap_resume_pc\n\tsd t0, 0(t1)\n"   \
                         "1:\t" insns "\n2:\n"                                    \
                         : : __VA_ARGS__ : "t0", "t1", "memory");                 \
    } while (0)
/* After EXPECT_TRAP: a trap was taken with this cause, at trap_site, with this mtval. */
void check_trap(const char *what, uint64_t cause, uint64_t mtval);
/* After EXPECT_TRAP: no trap was taken. */
void check_no_trap(const char *what);

#endif
