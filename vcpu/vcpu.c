/* vCPU threads: one host thread per vCPU, started, kicked and stopped by the machine. */
#include "vcpu/vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "accel/accel.h"
#include "core/log.h"
#include "core/runstate.h"

void vcpu_init(struct vcpu *vcpu, unsigned index, struct accel *accel, struct runstate *rs)
{
    *vcpu = (struct vcpu){.index = index, .accel = accel, .runstate = rs};
}

static void vcpu_dump_state(struct vcpu *vcpu)
{
    struct cpu_state state;

    if (vcpu->accel->ops->vcpu_get_state(vcpu, &state) < 0)
        return;
    if (state.arch == CPU_ARCH_X86_64)
        x86_cpu_state_dump(&state.x86, log_debug);
}

/* Returns true when the vCPU thread should stop running guest code. */
static bool vcpu_handle_exit(struct vcpu *vcpu, const struct vcpu_exit *exit)
{
    switch (exit->reason) {
    case VCPU_EXIT_KICKED:
        return false;
    case VCPU_EXIT_SHUTDOWN:
        log_notice("vCPU %u: guest triple fault; %s", vcpu->index,
                   vcpu->runstate->no_reboot ? "exiting (-no-reboot)" : "resetting");
        if (log_enabled(LOG_INT | LOG_GUEST_ERROR))
            vcpu_dump_state(vcpu);
        runstate_request_reset(vcpu->runstate);
        return true;
    case VCPU_EXIT_RESET:
        runstate_request_reset(vcpu->runstate);
        return true;
    case VCPU_EXIT_POWEROFF:
        runstate_request_exit(vcpu->runstate, 0);
        return true;
    case VCPU_EXIT_ERROR:
        log_error("vCPU %u: %s; stopping the VM", vcpu->index, exit->detail);
        vcpu_dump_state(vcpu);
        runstate_request_exit(vcpu->runstate, 1);
        return true;
    }
    return true;
}

static void *vcpu_thread(void *arg)
{
    struct vcpu *vcpu = arg;
    struct vcpu_exit exit;

    while (!runstate_stop_requested(vcpu->runstate)) {
        int ret = vcpu->accel->ops->vcpu_run(vcpu, &exit);
        if (ret < 0) {
            log_error("vCPU %u: %s run failed: %s", vcpu->index, vcpu->accel->ops->name,
                      strerror(-ret));
            runstate_request_exit(vcpu->runstate, 1);
            break;
        }
        if (vcpu_handle_exit(vcpu, &exit))
            break;
    }
    return NULL;
}

int vcpu_start(struct vcpu *vcpu)
{
    sigset_t all, old;

    /* The thread inherits a mask that blocks everything; the accelerator unblocks its kick. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int ret = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ret)
        return -ret;
    char name[16];
    snprintf(name, sizeof(name), "vcpu%u", vcpu->index);
    pthread_setname_np(vcpu->thread, name);
    vcpu->thread_running = true;
    return 0;
}

void vcpu_stop(struct vcpu *vcpu)
{
    if (!vcpu->thread_running)
        return;
    vcpu->accel->ops->vcpu_kick(vcpu);
    pthread_join(vcpu->thread, NULL);
    vcpu->thread_running = false;
}
