/* The main thread's event loop: chardev input, signals, and waiting for run requests. */
#ifndef KESTREL_CORE_MAIN_LOOP_H
#define KESTREL_CORE_MAIN_LOOP_H

#include "core/runstate.h"

/* Hooks the runstate's wake-ups and SIGTERM/SIGINT/SIGHUP into the loop. */
void main_loop_init(struct runstate *rs);
/* Runs the loop until a request is pending and returns it. */
enum runstate_request main_loop_wait(struct runstate *rs, int *exit_status);

#endif
