/* RISC-V control and status registers: access checks, WARL rules, and side effects. */
#include <time.h>

#include "core/log.h"
#include "vcpu/riscv/cpu.h"

enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03, CSR_HPMCOUNTER31 = 0xc1f,
    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105, CSR_SCOUNTEREN = 0x106,
    CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_STIMECMP = 0x14d, CSR_SATP = 0x180,
    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13, CSR_MHARTID = 0xf14,
    CSR_MCONFIGPTR = 0xf15,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302, CSR_MIDELEG = 0x303,
    CSR_MIE = 0x304, CSR_MTVEC = 0x305, CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a,
    CSR_MCOUNTINHIBIT = 0x320, CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342, CSR_MTVAL = 0x343,
    CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG15 = 0x3af, CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR63 = 0x3ef,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02, CSR_MHPMCOUNTER3 = 0xb03,
    CSR_MHPMCOUNTER31 = 0xb1f,
};

#define MIP_S_BITS ((1ull << IRQ_S_SOFT) | (1ull << IRQ_S_TIMER) | (1ull << IRQ_S_EXT))
#define MIE_BITS (MIP_S_BITS | (1ull << IRQ_M_SOFT) | (1ull << IRQ_M_TIMER) | (1ull << IRQ_M_EXT))
/* Exceptions S-mode may handle: everything but ecall from M and the reserved codes. */
#define MEDELEG_BITS 0xb3ffull
#define MSTATUS_WRITABLE                                                                    \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |  \
     MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |     \
     MSTATUS_TSR)
#define SSTATUS_MASK                                                                        \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_XS |     \
     MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

__attribute__((noreturn)) static void csr_illegal(struct riscv_cpu *env, uintptr_t retaddr)
{
    /* mtval holds the instruction's bits, as for any illegal instruction. */
    riscv_raise(env, EXCP_ILLEGAL_INSN, env->helper_insn, retaddr);
}

/* The cycle and retired-instruction counters run on host time, as QEMU does without icount. */
static uint64_t host_ticks(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t mstatus_with_sd(uint64_t s)
{
    bool dirty = ((s & MSTATUS_FS) == MSTATUS_FS) || ((s & MSTATUS_XS) == MSTATUS_XS);
    return dirty ? s | MSTATUS_SD : s & ~MSTATUS_SD;
}

static void check_counter_access(struct riscv_cpu *env, unsigned csr, uintptr_t retaddr)
{
    unsigned bit = csr & 31;

    if (env->priv < RISCV_PRIV_M && !((env->mcounteren >> bit) & 1))
        csr_illegal(env, retaddr);
    if (env->priv == RISCV_PRIV_U && !((env->scounteren >> bit) & 1))
        csr_illegal(env, retaddr);
}

static void check_access(struct riscv_cpu *env, unsigned csr, bool write, uintptr_t retaddr)
{
    unsigned min_priv = (csr >> 8) & 3;

    if (env->priv < min_priv || (write && (csr >> 10) == 3))
        csr_illegal(env, retaddr);
    if (csr <= CSR_FCSR && ((env->mstatus & MSTATUS_FS) == 0 || !(env->misa & MISA_EXT('F'))))
        csr_illegal(env, retaddr);
    if (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31)
        check_counter_access(env, csr, retaddr);
    if (csr == CSR_SATP && env->priv == RISCV_PRIV_S && (env->mstatus & MSTATUS_TVM))
        csr_illegal(env, retaddr);
    /* Sstc: S-mode reaches stimecmp only when M-mode lets it see time and enabled Sstc. */
    if (csr == CSR_STIMECMP && env->priv == RISCV_PRIV_S &&
        (!(env->mcounteren & 2) || !(env->menvcfg & MENVCFG_STCE)))
        csr_illegal(env, retaddr);
    /* RV64 has only the even pmpcfg registers. */
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15 && (csr & 1))
        csr_illegal(env, retaddr);
}

static uint64_t read_pmpcfg(const struct riscv_cpu *env, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)env->pmpcfg[n * 4 + i] << (8 * i);
    return v;
}

uint64_t riscv_csr_read(struct riscv_cpu *env, unsigned csr, uintptr_t retaddr)
{
    check_access(env, csr, false, retaddr);
    switch (csr) {
    case CSR_FFLAGS: return env->fflags;
    case CSR_FRM: return env->frm;
    case CSR_FCSR: return (env->frm << 5) | env->fflags;
    case CSR_CYCLE: case CSR_MCYCLE: return host_ticks() + env->mcycle_offset;
    case CSR_INSTRET: case CSR_MINSTRET: return host_ticks() + env->minstret_offset;
    case CSR_TIME: return riscv_read_time();
    case CSR_SSTATUS: return mstatus_with_sd(env->mstatus) & SSTATUS_MASK;
    case CSR_SIE: return env->mie & env->mideleg;
    case CSR_STVEC: return env->stvec;
    case CSR_SCOUNTEREN: return env->scounteren;
    case CSR_SENVCFG: return env->senvcfg;
    case CSR_SSCRATCH: return env->sscratch;
    case CSR_SEPC: return env->sepc;
    case CSR_SCAUSE: return env->scause;
    case CSR_STVAL: return env->stval;
    case CSR_SIP: return __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & env->mideleg;
    case CSR_SATP: return env->satp;
    case CSR_STIMECMP: return env->stimecmp;
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR: return 0;
    case CSR_MHARTID: return env->mhartid;
    case CSR_MSTATUS: return mstatus_with_sd(env->mstatus);
    case CSR_MISA: return env->misa;
    case CSR_MEDELEG: return env->medeleg;
    case CSR_MIDELEG: return env->mideleg;
    case CSR_MIE: return env->mie;
    case CSR_MTVEC: return env->mtvec;
    case CSR_MCOUNTEREN: return env->mcounteren;
    case CSR_MENVCFG: return env->menvcfg;
    case CSR_MCOUNTINHIBIT: return env->mcountinhibit;
    case CSR_MSCRATCH: return env->mscratch;
    case CSR_MEPC: return env->mepc;
    case CSR_MCAUSE: return env->mcause;
    case CSR_MTVAL: return env->mtval;
    case CSR_MIP: return __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE);
    default:
        break;
    }
    if ((csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) ||
        (csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
        (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31))
        return 0; /* no hardware performance events */
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15)
        return read_pmpcfg(env, (csr - CSR_PMPCFG0) / 2);
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63)
        return (csr - CSR_PMPADDR0) < RISCV_PMP_ENTRIES ? env->pmpaddr[csr - CSR_PMPADDR0] : 0;
    if (log_enabled(LOG_UNIMP))
        log_debug("unimp: riscv: CSR 0x%03x does not exist: illegal instruction\n", csr);
    csr_illegal(env, retaddr);
}

static void write_mstatus(struct riscv_cpu *env, uint64_t v, uint64_t mask)
{
    uint64_t old = env->mstatus;

    /* MPP is WARL: the reserved value 2 leaves it unchanged. */
    if (((v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
        mask &= ~MSTATUS_MPP;
    env->mstatus = (old & ~mask) | (v & mask);
    /* SUM, MPRV and MPP only choose among the MMU modes, each with its own TLB. MXR changes
     * what a mode may read. */
    if ((old ^ env->mstatus) & MSTATUS_MXR)
        tlb_flush(&env->tcg);
}

static void write_pmpcfg(struct riscv_cpu *env, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned e = n * 4 + i;
        if (e < RISCV_PMP_ENTRIES && !(env->pmpcfg[e] & 0x80)) /* L: locked */
            env->pmpcfg[e] = (uint8_t)(v >> (8 * i)) & 0x9f;
    }
    riscv_pmp_update(env);
    tlb_flush(&env->tcg);
}

static void write_satp(struct riscv_cpu *env, uint64_t v)
{
    unsigned mode = (unsigned)(v >> 60);

    if (mode != 0 && mode != 8 && mode != 9)
        return; /* WARL: unsupported modes leave satp unchanged */
    uint64_t old = env->satp;
    env->satp = v;
    /* The TLB holds one address space at a time. A new root or ASID keeps only global
     * mappings (the kernel's, in Linux); a new mode changes what even those mean. */
    if ((old ^ v) >> 60)
        tlb_flush(&env->tcg);
    else if (old != v)
        tlb_flush_nonglobal(&env->tcg);
}

static void write_fp_csr(struct riscv_cpu *env, unsigned csr, uint64_t v)
{
    if (csr == CSR_FFLAGS || csr == CSR_FCSR)
        env->fflags = (uint32_t)v & 0x1f;
    if (csr == CSR_FRM)
        env->frm = (uint32_t)v & 7;
    if (csr == CSR_FCSR)
        env->frm = (uint32_t)(v >> 5) & 7;
    env->mstatus |= MSTATUS_FS; /* writing FP state makes it dirty */
}

/* Writes that may enable a pending interrupt make the loop look again. */
static void recheck_interrupts(struct riscv_cpu *env)
{
    __atomic_store_n(&env->tcg.exit_request, 1, __ATOMIC_RELEASE);
}

static bool write_machine_csr(struct riscv_cpu *env, unsigned csr, uint64_t v)
{
    switch (csr) {
    case CSR_MSTATUS: write_mstatus(env, v, MSTATUS_WRITABLE); recheck_interrupts(env); break;
    case CSR_MISA: break; /* WARL: extensions cannot be switched off */
    case CSR_MEDELEG: env->medeleg = v & MEDELEG_BITS; break;
    case CSR_MIDELEG: env->mideleg = v & MIP_S_BITS; recheck_interrupts(env); break;
    case CSR_MIE: env->mie = v & MIE_BITS; recheck_interrupts(env); break;
    case CSR_MTVEC: if ((v & 3) < 2) env->mtvec = v; break;
    case CSR_MCOUNTEREN: env->mcounteren = v & 0xffffffffull; break;
    case CSR_MENVCFG:
        __atomic_store_n(&env->menvcfg, v & (0xf1ull | MENVCFG_STCE), __ATOMIC_RELEASE);
        riscv_sstc_update(env);
        break;
    case CSR_MCOUNTINHIBIT: env->mcountinhibit = v & 0xfffffffdull; break;
    case CSR_MSCRATCH: env->mscratch = v; break;
    case CSR_MEPC: env->mepc = v & ~1ull; break;
    case CSR_MCAUSE: env->mcause = v; break;
    case CSR_MTVAL: env->mtval = v; break;
    case CSR_MIP: {
        /* Under Sstc, STIP follows stimecmp and software cannot write it. */
        uint64_t m = MIP_S_BITS & ~((env->menvcfg & MENVCFG_STCE) ? 1ull << IRQ_S_TIMER : 0);
        pthread_mutex_lock(&env->stip_lock);
        __atomic_store_n(&env->mip, (__atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & ~m) | (v & m),
                         __ATOMIC_RELEASE);
        pthread_mutex_unlock(&env->stip_lock);
        recheck_interrupts(env);
        break;
    }
    default:
        return false;
    }
    return true;
}

static bool write_supervisor_csr(struct riscv_cpu *env, unsigned csr, uint64_t v)
{
    switch (csr) {
    case CSR_SSTATUS:
        write_mstatus(env, v, SSTATUS_MASK & MSTATUS_WRITABLE);
        recheck_interrupts(env);
        break;
    case CSR_SIE:
        env->mie = (env->mie & ~env->mideleg) | (v & env->mideleg & MIE_BITS);
        recheck_interrupts(env);
        break;
    case CSR_STVEC: if ((v & 3) < 2) env->stvec = v; break;
    case CSR_SCOUNTEREN: env->scounteren = v & 0xffffffffull; break;
    case CSR_SENVCFG: env->senvcfg = v & 0xf1ull; break;
    case CSR_SSCRATCH: env->sscratch = v; break;
    case CSR_SEPC: env->sepc = v & ~1ull; break;
    case CSR_SCAUSE: env->scause = v; break;
    case CSR_STVAL: env->stval = v; break;
    case CSR_SIP: {
        uint64_t m = env->mideleg & (1ull << IRQ_S_SOFT);
        __atomic_store_n(&env->mip, (__atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & ~m) | (v & m),
                         __ATOMIC_RELEASE);
        recheck_interrupts(env);
        break;
    }
    case CSR_SATP: write_satp(env, v); break;
    case CSR_STIMECMP:
        __atomic_store_n(&env->stimecmp, v, __ATOMIC_RELEASE);
        riscv_sstc_update(env);
        break;
    default:
        return false;
    }
    return true;
}

void riscv_csr_write(struct riscv_cpu *env, unsigned csr, uint64_t v, uintptr_t retaddr)
{
    check_access(env, csr, true, retaddr);
    if (csr <= CSR_FCSR) {
        write_fp_csr(env, csr, v);
        return;
    }
    if (write_machine_csr(env, csr, v) || write_supervisor_csr(env, csr, v))
        return;
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
        write_pmpcfg(env, (csr - CSR_PMPCFG0) / 2, v);
        return;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
        unsigned e = csr - CSR_PMPADDR0;
        if (e < RISCV_PMP_ENTRIES && !(env->pmpcfg[e] & 0x80))
            env->pmpaddr[e] = v & ((1ull << 54) - 1);
        riscv_pmp_update(env);
        tlb_flush(&env->tcg);
        return;
    }
    if (csr == CSR_MCYCLE || csr == CSR_MINSTRET) {
        /* They count on from the value written. */
        *(csr == CSR_MCYCLE ? &env->mcycle_offset : &env->minstret_offset) = v - host_ticks();
        return;
    }
    if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
        (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31))
        return; /* no performance events: these stay zero */
    if (log_enabled(LOG_UNIMP))
        log_debug("unimp: riscv: CSR 0x%03x does not exist: illegal instruction\n", csr);
    csr_illegal(env, retaddr);
}

bool riscv_csr_ends_block(unsigned csr)
{
    switch (csr) {
    case CSR_MSTATUS: case CSR_SSTATUS: case CSR_MISA: case CSR_SATP: case CSR_FRM:
    case CSR_FCSR: case CSR_FFLAGS: case CSR_MIE: case CSR_SIE: case CSR_MIP: case CSR_SIP:
    case CSR_MIDELEG: case CSR_STIMECMP: case CSR_MENVCFG:
        return true;
    default:
        return csr >= CSR_PMPCFG0 && csr <= CSR_PMPADDR63;
    }
}
