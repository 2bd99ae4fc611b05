/*
 * The execution loop: find or translate the next block, chain it to the previous one, run
 * it; take interrupts between blocks; sleep in wait-for-interrupt; deliver exceptions
 * that helpers raise by siglongjmp, after restoring the exact guest pc.
 */
#include <inttypes.h>
#include <string.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/internal.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg_cpu.h"
#include "core/log.h"
#include "core/runstate.h"

void tcg_cpu_kick(struct tcg_cpu *cpu)
{
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_RELEASE);
    pthread_mutex_lock(&cpu->wait_lock);
    cpu->kicked = true;
    pthread_cond_signal(&cpu->wait_cond);
    pthread_mutex_unlock(&cpu->wait_lock);
}

void tcg_cpu_restore_state(struct tcg_cpu *cpu, uintptr_t retaddr)
{
    struct tb *tb = tb_for_host_pc(retaddr);

    if (!tb || !tb->nb_insns)
        return;
    /* retaddr is inside the code of guest instruction i: the first whose code ends after it.
     * A return address equal to an instruction's end belongs to that instruction's call. */
    uint32_t off = (uint32_t)(retaddr - (uintptr_t)tb->code);
    for (uint32_t i = 0; i < tb->nb_insns; i++) {
        if (off <= tb->insn_end[i]) {
            cpu->fe->restore_pc(cpu, tb->insn_pc[i]);
            return;
        }
    }
    cpu->fe->restore_pc(cpu, tb->insn_pc[tb->nb_insns - 1]);
}

void tcg_cpu_loop_exit(struct tcg_cpu *cpu, uintptr_t retaddr)
{
    if (retaddr)
        tcg_cpu_restore_state(cpu, retaddr);
    siglongjmp(cpu->jmp_env, 1);
}

/* Sleeps until an interrupt makes the vCPU runnable or someone kicks it. */
static void tcg_wait_for_interrupt(struct tcg_cpu *cpu)
{
    pthread_mutex_lock(&cpu->wait_lock);
    while (!cpu->kicked && !cpu->fe->has_work(cpu) && !runstate_stop_requested(cpu->runstate))
        pthread_cond_wait(&cpu->wait_cond, &cpu->wait_lock);
    cpu->kicked = false;
    pthread_mutex_unlock(&cpu->wait_lock);
    if (cpu->fe->has_work(cpu))
        cpu->halted = false;
}

/* Handles whatever set exit_request. Returns false when the vCPU must return to its thread. */
static bool tcg_handle_requests(struct tcg_cpu *cpu)
{
    __atomic_store_n(&cpu->exit_request, 0, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (runstate_stop_requested(cpu->runstate))
        return false;
    if (cpu->fe->exec_interrupt(cpu))
        cpu->halted = false;
    return true;
}

static void tcg_log_exec(struct tcg_cpu *cpu, const struct tb *tb)
{
    (void)cpu;
    log_debug("Trace: %p [%016" PRIx64 "/%016" PRIx64 "]\n", tb->code, tb->pc, tb->flags);
}

/* Runs blocks until a stop is requested. Exceptions longjmp out of here. */
static void tcg_run_blocks(struct tcg_cpu *cpu)
{
    struct tb *last = NULL;
    unsigned last_slot = 0;

    for (;;) {
        if (__atomic_load_n(&cpu->exit_request, __ATOMIC_ACQUIRE)) {
            last = NULL;
            if (!tcg_handle_requests(cpu))
                return;
        }
        if (cpu->halted) {
            tcg_wait_for_interrupt(cpu);
            if (runstate_stop_requested(cpu->runstate))
                return;
            __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_RELEASE); /* take it first */
            continue;
        }
        uint64_t flushes = tb_flush_count();
        struct tb *tb = tb_find(cpu);
        if (tb_flush_count() != flushes)
            last = NULL; /* finding tb emptied the cache: the block we came from is gone */
        /* Chained jumps stay inside one guest page: another page may map elsewhere the
         * next time (frontends already leave such jumps to the inline lookup). */
        if (last && !cpu->nochain && ((last->pc ^ tb->pc) >> cpu->fe->page_bits) == 0)
            tb_add_jump(last, last_slot, tb);
        if (log_enabled(LOG_EXEC))
            tcg_log_exec(cpu, tb);
        uintptr_t ret = tcg_backend_enter(cpu->env, tb->code);
        unsigned kind = ret & TCG_EXIT_KIND_MASK;
        if (kind == TCG_EXIT_REQUESTED) {
            /* Left at an entry or loop-back check: the block runs again from its start. */
            struct tb *at = (struct tb *)(ret & ~(uintptr_t)TCG_EXIT_KIND_MASK);
            cpu->fe->restore_pc(cpu, at->pc);
        }
        last = (kind <= TCG_EXIT_CHAIN1) ? (struct tb *)(ret & ~(uintptr_t)TCG_EXIT_KIND_MASK)
                                         : NULL;
        last_slot = kind;
    }
}

int tcg_cpu_exec(struct tcg_cpu *cpu)
{
    for (;;) {
        if (sigsetjmp(cpu->jmp_env, 0) == 0) {
            tcg_run_blocks(cpu);
            return 0;
        }
        /* A helper raised a guest exception; the frontend recorded it. */
        cpu->fe->do_exception(cpu);
        if (runstate_stop_requested(cpu->runstate))
            return 0;
    }
}
