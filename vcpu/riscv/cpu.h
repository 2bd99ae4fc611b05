/* The RISC-V hart as the TCG frontend sees it: registers, CSRs, privilege, pending traps. */
#ifndef KESTREL_VCPU_RISCV_CPU_H
#define KESTREL_VCPU_RISCV_CPU_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accel/tcg/tcg_cpu.h"
#include "vcpu/riscv/cpu_state.h"

/* misa extension bits. */
#define MISA_EXT(c) (1ull << ((c) - 'A'))
#define RISCV_MISA_MXL64 (2ull << 62)

/* mstatus fields. */
#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ull << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3ull << 13)
#define MSTATUS_XS (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)
#define MSTATUS_UXL (3ull << 32)
#define MSTATUS_SXL (3ull << 34)
#define MSTATUS_SD (1ull << 63)
#define MENVCFG_STCE (1ull << 63)
#define FS_OFF 0
#define FS_INITIAL 1
#define FS_CLEAN 2
#define FS_DIRTY 3

/* Interrupt numbers (mip/mie bits and mcause codes). */
enum riscv_irq {
    IRQ_S_SOFT = 1, IRQ_M_SOFT = 3, IRQ_S_TIMER = 5, IRQ_M_TIMER = 7, IRQ_S_EXT = 9,
    IRQ_M_EXT = 11,
};

/* Exception causes. */
enum riscv_excp {
    EXCP_INSN_MISALIGNED = 0, EXCP_INSN_ACCESS = 1, EXCP_ILLEGAL_INSN = 2, EXCP_BREAKPOINT = 3,
    EXCP_LOAD_MISALIGNED = 4, EXCP_LOAD_ACCESS = 5, EXCP_STORE_MISALIGNED = 6,
    EXCP_STORE_ACCESS = 7, EXCP_ECALL_U = 8, EXCP_ECALL_S = 9, EXCP_ECALL_M = 11,
    EXCP_INSN_PAGE_FAULT = 12, EXCP_LOAD_PAGE_FAULT = 13, EXCP_STORE_PAGE_FAULT = 15,
};

/* MMU modes: the TLB a data access or fetch uses. */
enum riscv_mmu_idx {
    MMU_IDX_U = 0,
    MMU_IDX_S = 1,
    MMU_IDX_S_SUM = 2, /* supervisor with SUM: user pages readable */
    MMU_IDX_M = 3,
    RISCV_NB_MMU_MODES = 4,
};

#define RISCV_PMP_ENTRIES 16

struct host_timer;

struct riscv_cpu {
    /* Hot guest state first: with the biased pointer these offsets fit in one byte. */
    uint64_t x[32];
    uint64_t pc;
    uint64_t f[32];
    uint64_t load_res;  /* LR reservation address, or -1 */
    uint64_t load_val;  /* the value LR read, compared by SC */

    /* Floating-point control: rounding mode and accrued flags (fcsr). */
    uint32_t frm;
    uint32_t fflags;

    uint8_t priv;       /* enum riscv_priv */
    bool wfi_pending;

    /* Machine and supervisor CSRs. */
    uint64_t misa;
    uint64_t mstatus;
    uint64_t mie;
    uint64_t mip;       /* updated atomically by other threads (timers, interrupt controllers) */
    uint64_t medeleg, mideleg;
    uint64_t mtvec, stvec;
    uint64_t mepc, sepc;
    uint64_t mcause, scause;
    uint64_t mtval, stval;
    uint64_t mscratch, sscratch;
    uint64_t mcounteren, scounteren, mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t stimecmp;           /* Sstc */
    struct host_timer *stimer;   /* fires when time reaches stimecmp */
    pthread_mutex_t stip_lock;   /* orders STIP updates from the vCPU and the timer */
    uint64_t satp;
    uint64_t mhartid;
    /* mcycle and minstret count host nanoseconds from a value software may set. */
    uint64_t mcycle_offset, minstret_offset;
    uint8_t pmpcfg[RISCV_PMP_ENTRIES];
    uint64_t pmpaddr[RISCV_PMP_ENTRIES];
    /* The active PMP entries as byte ranges, in priority order (riscv_pmp_update). */
    struct riscv_pmp_rule {
        uint64_t lo, hi;
        uint8_t cfg;
    } pmp_rules[RISCV_PMP_ENTRIES];
    unsigned pmp_nr_rules;
    bool pmp_any_locked;

    /* The exception a helper is raising, delivered by the execution loop. */
    uint64_t excp_cause;
    uint64_t excp_tval;
    /* The instruction a helper is executing, for mtval when it is illegal after all. */
    uint32_t helper_insn;

    struct riscv_cpu *next_hart; /* the list riscv_time_changed walks */
    struct tcg_cpu tcg;
};

static inline struct riscv_cpu *riscv_cpu_of(struct tcg_cpu *cpu)
{
    return (struct riscv_cpu *)cpu->env;
}

/* Block flags: what translation depends on beyond the pc. */
#define TB_FLAG_PRIV_MASK 3ull
#define TB_FLAG_MMU_SHIFT 2 /* data accesses' MMU mode, 2 bits */
#define TB_FLAG_FS_SHIFT 4  /* mstatus.FS, 2 bits */

/* Raising from helpers: records cause and tval, then leaves generated code. */
void riscv_raise(struct riscv_cpu *env, uint64_t cause, uint64_t tval, uintptr_t retaddr)
    __attribute__((noreturn));

/* CSR access for the translator's helpers; raise illegal instruction when not allowed. */
uint64_t riscv_csr_read(struct riscv_cpu *env, unsigned csr, uintptr_t retaddr);
void riscv_csr_write(struct riscv_cpu *env, unsigned csr, uint64_t value, uintptr_t retaddr);
/* True when a csr access ends the block (it changes state the block was translated for). */
bool riscv_csr_ends_block(unsigned csr);

/* The data-access MMU mode for the current state (MPRV included). */
unsigned riscv_data_mmu_idx(const struct riscv_cpu *env);
unsigned riscv_priv_mmu_idx(unsigned priv, uint64_t mstatus);

/* The timer the time CSR reads (the board's ACLINT): its value, and the host
 * CLOCK_MONOTONIC nanosecond at which it reaches a given value. */
struct riscv_time_source {
    uint64_t (*read)(void *opaque);
    int64_t (*deadline_ns)(void *opaque, uint64_t time);
    void *opaque;
};
void riscv_set_time_source(const struct riscv_time_source *src);
uint64_t riscv_read_time(void);
int64_t riscv_time_deadline_ns(uint64_t time);
/* The time source jumped (software wrote mtime): every hart re-reads its Sstc compare. */
void riscv_time_changed(void);

/* Sstc (sstc.c): the supervisor timer compare register drives STIP when menvcfg.STCE is
 * set. Both run on the vCPU thread, the timer callback on the timer thread. */
int riscv_sstc_init(struct riscv_cpu *env);
void riscv_sstc_free(struct riscv_cpu *env);
void riscv_sstc_update(struct riscv_cpu *env);

/* Traps and interrupts (trap.c). */
void riscv_do_exception(struct tcg_cpu *cpu);
bool riscv_exec_interrupt(struct tcg_cpu *cpu);
bool riscv_has_work(struct tcg_cpu *cpu);
void riscv_set_irq(struct tcg_cpu *cpu, unsigned irq, int level);

/* Memory translation (mmu.c). */
int riscv_tlb_fill(struct tcg_cpu *cpu, uint64_t vaddr, enum tlb_access access, unsigned mmu_idx,
                   bool probe, uintptr_t retaddr, uint64_t *paddr, unsigned *prot);

/* Recomputes pmp_rules after a pmpcfg or pmpaddr write. */
void riscv_pmp_update(struct riscv_cpu *env);

/* The translator (translate.c). */
void riscv_init_globals(struct tcg_ctx *s);
void riscv_translate(struct tcg_cpu *cpu, struct tcg_ctx *s, struct tb *tb, unsigned max_insns);

#endif
