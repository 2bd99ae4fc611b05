/* Machine-wide run requests (exit, reset) raised from any thread and acted on by main. */
#include "core/runstate.h"

void runstate_init(struct runstate *rs, bool no_reboot)
{
    atomic_init(&rs->request, RUNSTATE_RUN);
    rs->exit_status = 0;
    rs->no_reboot = no_reboot;
    pthread_mutex_init(&rs->lock, NULL);
    rs->wake = NULL;
    rs->wake_opaque = NULL;
}

static void runstate_raise(struct runstate *rs, enum runstate_request req, int status)
{
    pthread_mutex_lock(&rs->lock);
    int cur = atomic_load(&rs->request);
    if ((int)req > cur) {
        if (req == RUNSTATE_EXIT)
            rs->exit_status = status;
        atomic_store_explicit(&rs->request, req, memory_order_release);
    }
    pthread_mutex_unlock(&rs->lock);
    if (rs->wake)
        rs->wake(rs->wake_opaque);
}

void runstate_request_exit(struct runstate *rs, int status)
{
    runstate_raise(rs, RUNSTATE_EXIT, status);
}

void runstate_request_reset(struct runstate *rs)
{
    if (rs->no_reboot)
        runstate_raise(rs, RUNSTATE_EXIT, 0);
    else
        runstate_raise(rs, RUNSTATE_RESET, 0);
}

enum runstate_request runstate_pending(struct runstate *rs, int *exit_status)
{
    pthread_mutex_lock(&rs->lock);
    enum runstate_request req = atomic_load(&rs->request);
    *exit_status = rs->exit_status;
    pthread_mutex_unlock(&rs->lock);
    return req;
}

bool runstate_finish_reset(struct runstate *rs)
{
    pthread_mutex_lock(&rs->lock);
    bool reset = atomic_load(&rs->request) == RUNSTATE_RESET;
    if (reset)
        atomic_store(&rs->request, RUNSTATE_RUN);
    pthread_mutex_unlock(&rs->lock);
    return reset;
}
