/*
 * Sstc: the supervisor timer compare register. With menvcfg.STCE set, STIP is no longer
 * software's to write: it is high while time >= stimecmp, and a host timer raises it when
 * time gets there, so a supervisor programs its timer without calling the firmware.
 */
#include "core/timer.h"
#include "vcpu/riscv/cpu.h"

#define STIP (1ull << IRQ_S_TIMER)

static void set_stip(struct riscv_cpu *env, bool level)
{
    uint64_t old = level ? __atomic_fetch_or(&env->mip, STIP, __ATOMIC_ACQ_REL)
                         : __atomic_fetch_and(&env->mip, ~STIP, __ATOMIC_ACQ_REL);

    if (level && !(old & STIP))
        tcg_cpu_kick(&env->tcg); /* an interrupt may now be taken */
}

/* Recomputes STIP from time and stimecmp, and arms the timer for the next edge. */
static void sstc_recompute(struct riscv_cpu *env)
{
    uint64_t cmp = __atomic_load_n(&env->stimecmp, __ATOMIC_ACQUIRE);

    if (!(__atomic_load_n(&env->menvcfg, __ATOMIC_ACQUIRE) & MENVCFG_STCE)) {
        host_timer_del(env->stimer);
        return; /* STIP is software's again; it keeps its value */
    }
    if (riscv_read_time() >= cmp) {
        host_timer_del(env->stimer);
        set_stip(env, true);
    } else {
        set_stip(env, false);
        host_timer_mod(env->stimer, riscv_time_deadline_ns(cmp));
    }
}

void riscv_sstc_update(struct riscv_cpu *env)
{
    pthread_mutex_lock(&env->stip_lock);
    sstc_recompute(env);
    pthread_mutex_unlock(&env->stip_lock);
}

static void sstc_timer_fired(void *opaque)
{
    riscv_sstc_update(opaque);
}

int riscv_sstc_init(struct riscv_cpu *env)
{
    pthread_mutex_init(&env->stip_lock, NULL);
    env->stimer = host_timer_new(sstc_timer_fired, env);
    return env->stimer ? 0 : -1;
}

void riscv_sstc_free(struct riscv_cpu *env)
{
    if (env->stimer)
        host_timer_free(env->stimer);
    pthread_mutex_destroy(&env->stip_lock);
}
