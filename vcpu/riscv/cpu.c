/* The RISC-V hart: creation and reset, state exchange with boards, and the TCG frontend. */
#include "vcpu/riscv/cpu.h"

#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "accel/tcg/tcg_arch.h"
#include "accel/tcg/tcg_cpu.h"

/* RV64 with I, M, A, F, D, C, and the S and U modes: QEMU's default rv64 CPU. */
#define RISCV_MISA_DEFAULT                                                                   \
    (RISCV_MISA_MXL64 | MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('F') |      \
     MISA_EXT('D') | MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U'))

extern const struct tcg_arch riscv_tcg_arch;
static const struct tcg_frontend riscv_frontend;

static struct riscv_time_source time_source;
static pthread_mutex_t harts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct riscv_cpu *harts;

void riscv_set_time_source(const struct riscv_time_source *src)
{
    time_source = src ? *src : (struct riscv_time_source){0};
}

uint64_t riscv_read_time(void)
{
    return time_source.read ? time_source.read(time_source.opaque) : 0;
}

void riscv_time_changed(void)
{
    pthread_mutex_lock(&harts_lock);
    for (struct riscv_cpu *env = harts; env; env = env->next_hart)
        riscv_sstc_update(env);
    pthread_mutex_unlock(&harts_lock);
}

int64_t riscv_time_deadline_ns(uint64_t time)
{
    return time_source.deadline_ns ? time_source.deadline_ns(time_source.opaque, time)
                                   : INT64_MAX;
}

unsigned riscv_priv_mmu_idx(unsigned priv, uint64_t mstatus)
{
    switch (priv) {
    case RISCV_PRIV_M: return MMU_IDX_M;
    case RISCV_PRIV_S: return (mstatus & MSTATUS_SUM) ? MMU_IDX_S_SUM : MMU_IDX_S;
    default: return MMU_IDX_U;
    }
}

unsigned riscv_data_mmu_idx(const struct riscv_cpu *env)
{
    unsigned priv = env->priv;

    /* MPRV: M-mode loads and stores act with the privilege in MPP. */
    if (priv == RISCV_PRIV_M && (env->mstatus & MSTATUS_MPRV))
        priv = (unsigned)((env->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    return riscv_priv_mmu_idx(priv, env->mstatus);
}

static void riscv_cpu_reset(struct riscv_cpu *env, unsigned index)
{
    memset(env->x, 0, sizeof(env->x));
    memset(env->f, 0, sizeof(env->f));
    env->pc = 0x1000;
    env->priv = RISCV_PRIV_M;
    env->misa = RISCV_MISA_DEFAULT;
    /* SXL and UXL read as 64-bit; everything else starts at zero (FS off). */
    env->mstatus = (2ull << 34) | (2ull << 32);
    env->mhartid = index;
    env->load_res = UINT64_MAX;
    env->stimecmp = UINT64_MAX;
}

static struct tcg_cpu *riscv_cpu_new(unsigned index)
{
    struct riscv_cpu *env = calloc(1, sizeof(*env));

    if (!env)
        return NULL;
    riscv_cpu_reset(env, index);
    env->tcg.env = env;
    env->tcg.fe = &riscv_frontend;
    if (riscv_sstc_init(env) < 0) {
        free(env);
        return NULL;
    }
    pthread_mutex_lock(&harts_lock);
    env->next_hart = harts;
    harts = env;
    pthread_mutex_unlock(&harts_lock);
    return &env->tcg;
}

static void riscv_cpu_free(struct tcg_cpu *cpu)
{
    pthread_mutex_lock(&harts_lock);
    for (struct riscv_cpu **pp = &harts; *pp; pp = &(*pp)->next_hart)
        if (*pp == cpu->env) {
            *pp = (*pp)->next_hart;
            break;
        }
    pthread_mutex_unlock(&harts_lock);
    riscv_sstc_free(cpu->env);
    free(cpu->env);
}

static int riscv_get_state(struct tcg_cpu *cpu, struct cpu_state *state)
{
    const struct riscv_cpu *env = riscv_cpu_of(cpu);

    state->arch = CPU_ARCH_RISCV64;
    memcpy(state->riscv.x, env->x, sizeof(env->x));
    memcpy(state->riscv.f, env->f, sizeof(env->f));
    state->riscv.pc = env->pc;
    state->riscv.priv = env->priv;
    return 0;
}

static int riscv_set_state(struct tcg_cpu *cpu, const struct cpu_state *state)
{
    struct riscv_cpu *env = riscv_cpu_of(cpu);

    if (state->arch != CPU_ARCH_RISCV64)
        return -EINVAL;
    memcpy(env->x, state->riscv.x, sizeof(env->x));
    env->x[0] = 0;
    memcpy(env->f, state->riscv.f, sizeof(env->f));
    env->pc = state->riscv.pc;
    env->priv = state->riscv.priv;
    return 0;
}

static void riscv_get_tb_state(struct tcg_cpu *cpu, uint64_t *pc, uint64_t *flags,
                               unsigned *fetch_mmu_idx)
{
    const struct riscv_cpu *env = riscv_cpu_of(cpu);
    uint64_t fs = (env->mstatus & MSTATUS_FS) >> MSTATUS_FS_SHIFT;

    *pc = env->pc;
    *flags = env->priv | ((uint64_t)riscv_data_mmu_idx(env) << TB_FLAG_MMU_SHIFT) |
             (fs << TB_FLAG_FS_SHIFT);
    *fetch_mmu_idx = riscv_priv_mmu_idx(env->priv, env->mstatus);
}

static void riscv_restore_pc(struct tcg_cpu *cpu, uint64_t pc)
{
    riscv_cpu_of(cpu)->pc = pc;
}

static enum riscv_excp access_cause(enum tlb_access access, bool misaligned)
{
    switch (access) {
    case ACCESS_READ: return misaligned ? EXCP_LOAD_MISALIGNED : EXCP_LOAD_ACCESS;
    case ACCESS_WRITE: return misaligned ? EXCP_STORE_MISALIGNED : EXCP_STORE_ACCESS;
    default: return misaligned ? EXCP_INSN_MISALIGNED : EXCP_INSN_ACCESS;
    }
}

__attribute__((noreturn)) static void riscv_unaligned(struct tcg_cpu *cpu, uint64_t vaddr,
                                                      enum tlb_access access, uintptr_t retaddr)
{
    riscv_raise(riscv_cpu_of(cpu), access_cause(access, true), vaddr, retaddr);
}

__attribute__((noreturn)) static void riscv_access_fault(struct tcg_cpu *cpu, uint64_t vaddr,
                                                         enum tlb_access access,
                                                         uintptr_t retaddr)
{
    riscv_raise(riscv_cpu_of(cpu), access_cause(access, false), vaddr, retaddr);
}

void riscv_raise(struct riscv_cpu *env, uint64_t cause, uint64_t tval, uintptr_t retaddr)
{
    env->excp_cause = cause;
    env->excp_tval = tval;
    tcg_cpu_loop_exit(&env->tcg, retaddr);
}

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
};

static void riscv_dump_state(struct tcg_cpu *cpu, FILE *out)
{
    const struct riscv_cpu *env = riscv_cpu_of(cpu);

    fprintf(out, " pc       %016" PRIx64 "  priv %u\n", env->pc, env->priv);
    fprintf(out, " mstatus  %016" PRIx64 "  mcause %016" PRIx64 "  mepc %016" PRIx64 "\n",
            env->mstatus, env->mcause, env->mepc);
    fprintf(out, " mtval    %016" PRIx64 "  mtvec  %016" PRIx64 "  mip  %016" PRIx64
                 "  mie %016" PRIx64 "\n",
            env->mtval, env->mtvec, env->mip, env->mie);
    for (int i = 0; i < 32; i++)
        fprintf(out, " x%-2d/%-4s %016" PRIx64 "%s", i, abi_names[i], env->x[i],
                (i % 4 == 3) ? "\n" : "");
}

static const struct tcg_frontend riscv_frontend = {
    .name = "riscv64",
    .page_bits = 12,
    .nb_mmu_modes = RISCV_NB_MMU_MODES,
    .tcg_cpu_offset = offsetof(struct riscv_cpu, tcg),
    .init_globals = riscv_init_globals,
    .get_tb_state = riscv_get_tb_state,
    .translate = riscv_translate,
    .restore_pc = riscv_restore_pc,
    .do_exception = riscv_do_exception,
    .exec_interrupt = riscv_exec_interrupt,
    .has_work = riscv_has_work,
    .tlb_fill = riscv_tlb_fill,
    .unaligned = riscv_unaligned,
    .access_fault = riscv_access_fault,
    .dump_state = riscv_dump_state,
};

const struct tcg_arch riscv_tcg_arch = {
    .arch = CPU_ARCH_RISCV64,
    .name = "riscv64",
    .fe = &riscv_frontend,
    .cpu_new = riscv_cpu_new,
    .cpu_free = riscv_cpu_free,
    .get_state = riscv_get_state,
    .set_state = riscv_set_state,
    .set_irq = riscv_set_irq,
};
