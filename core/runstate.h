/* Machine-wide run requests (exit, reset) raised from any thread and acted on by main. */
#ifndef KESTREL_CORE_RUNSTATE_H
#define KESTREL_CORE_RUNSTATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

enum runstate_request {
    RUNSTATE_RUN = 0,
    RUNSTATE_RESET = 1,
    RUNSTATE_EXIT = 2,
};

struct runstate {
    atomic_int request;
    int exit_status;
    bool no_reboot;
    pthread_mutex_t lock;
    void (*wake)(void *opaque); /* wakes the main loop; set by whoever runs it */
    void *wake_opaque;
};

void runstate_init(struct runstate *rs, bool no_reboot);

/* Ends the machine with a process exit status. The first exit request wins. */
void runstate_request_exit(struct runstate *rs, int status);
/* Resets the machine, or under -no-reboot ends it with status 0. */
void runstate_request_reset(struct runstate *rs);

/* True once any request is pending: vCPU threads stop running guest code. */
static inline bool runstate_stop_requested(struct runstate *rs)
{
    return atomic_load_explicit(&rs->request, memory_order_acquire) != RUNSTATE_RUN;
}

/* The pending request, left in place so vCPU threads keep seeing it until they stop. */
enum runstate_request runstate_pending(struct runstate *rs, int *exit_status);
/*
 * Main thread, once every vCPU has stopped: clears a pending reset so the machine can run
 * again. Returns false when an exit request arrived meanwhile; exit wins.
 */
bool runstate_finish_reset(struct runstate *rs);

#endif
