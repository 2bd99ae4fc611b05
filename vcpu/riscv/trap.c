/* RISC-V traps: exception and interrupt delivery to M or S mode, priorities, wfi wake-up. */
#include <inttypes.h>

#include "core/log.h"
#include "vcpu/riscv/cpu.h"

#define CAUSE_INTERRUPT (1ull << 63)

static void trap_log(const struct riscv_cpu *env, uint64_t cause, uint64_t tval, unsigned to)
{
    log_debug("riscv: %s %" PRIu64 " at pc=0x%016" PRIx64 " tval=0x%" PRIx64
              " priv %u -> %u\n",
              (cause & CAUSE_INTERRUPT) ? "interrupt" : "exception",
              (uint64_t)(cause & ~CAUSE_INTERRUPT), env->pc, tval, env->priv, to);
}

/* Takes a trap: cause has bit 63 set for interrupts. */
static void riscv_trap(struct riscv_cpu *env, uint64_t cause, uint64_t tval)
{
    bool irq = cause & CAUSE_INTERRUPT;
    unsigned code = (unsigned)(cause & 63);
    uint64_t deleg = irq ? env->mideleg : env->medeleg;
    bool to_s = env->priv <= RISCV_PRIV_S && ((deleg >> code) & 1);

    if (log_enabled(LOG_INT))
        trap_log(env, cause, tval, to_s ? RISCV_PRIV_S : RISCV_PRIV_M);
    if (to_s) {
        env->scause = cause;
        env->sepc = env->pc;
        env->stval = tval;
        uint64_t s = env->mstatus;
        s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
        s = (s & ~MSTATUS_SPP) | (env->priv == RISCV_PRIV_S ? MSTATUS_SPP : 0);
        env->mstatus = s & ~MSTATUS_SIE;
        env->priv = RISCV_PRIV_S;
        bool vectored = irq && (env->stvec & 3) == 1;
        env->pc = (env->stvec & ~3ull) + (vectored ? 4ull * code : 0);
    } else {
        env->mcause = cause;
        env->mepc = env->pc;
        env->mtval = tval;
        uint64_t s = env->mstatus;
        s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
        s = (s & ~MSTATUS_MPP) | ((uint64_t)env->priv << MSTATUS_MPP_SHIFT);
        env->mstatus = s & ~MSTATUS_MIE;
        env->priv = RISCV_PRIV_M;
        bool vectored = irq && (env->mtvec & 3) == 1;
        env->pc = (env->mtvec & ~3ull) + (vectored ? 4ull * code : 0);
    }
}

void riscv_do_exception(struct tcg_cpu *cpu)
{
    struct riscv_cpu *env = riscv_cpu_of(cpu);

    riscv_trap(env, env->excp_cause, env->excp_tval);
}

static uint64_t pending_mip(struct riscv_cpu *env)
{
    return __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & env->mie;
}

/* The interrupt to take now, by the privileged spec's rules, or -1. */
static int riscv_pending_interrupt(struct riscv_cpu *env)
{
    static const int priority[] = {IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER,
                                   IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER};
    uint64_t pending = pending_mip(env);

    if (!pending)
        return -1;
    bool m_on = env->priv < RISCV_PRIV_M || (env->mstatus & MSTATUS_MIE);
    bool s_on = env->priv < RISCV_PRIV_S || (env->priv == RISCV_PRIV_S && (env->mstatus & MSTATUS_SIE));
    uint64_t m_pending = pending & ~env->mideleg;
    uint64_t s_pending = pending & env->mideleg;
    for (unsigned i = 0; i < sizeof(priority) / sizeof(priority[0]); i++) {
        uint64_t bit = 1ull << priority[i];
        if ((m_on && (m_pending & bit)) || (s_on && (s_pending & bit)))
            return priority[i];
    }
    return -1;
}

bool riscv_exec_interrupt(struct tcg_cpu *cpu)
{
    struct riscv_cpu *env = riscv_cpu_of(cpu);
    int irq = riscv_pending_interrupt(env);

    if (irq < 0)
        return false;
    riscv_trap(env, CAUSE_INTERRUPT | (uint64_t)irq, 0);
    return true;
}

bool riscv_has_work(struct tcg_cpu *cpu)
{
    /* wfi resumes on any locally enabled pending interrupt, whatever the global enables. */
    return pending_mip(riscv_cpu_of(cpu)) != 0;
}

void riscv_set_irq(struct tcg_cpu *cpu, unsigned irq, int level)
{
    struct riscv_cpu *env = riscv_cpu_of(cpu);
    uint64_t bit = 1ull << (irq & 63);

    if (level)
        __atomic_fetch_or(&env->mip, bit, __ATOMIC_ACQ_REL);
    else
        __atomic_fetch_and(&env->mip, ~bit, __ATOMIC_ACQ_REL);
    tcg_cpu_kick(cpu);
}
