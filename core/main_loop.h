/* The main thread's event loop: chardev input, signals, and waiting for run requests. */
#ifndef KESTREL_CORE_MAIN_LOOP_H
#define KESTREL_CORE_MAIN_LOOP_H

#include "core/runstate.h"

/*
 * Work a device hands to the main thread from any thread: signalling runs fn once on the main
 * thread soon after (signals that arrive before it runs are merged). Backed by an eventfd.
 */
struct main_loop_event;
typedef void main_loop_event_fn(void *opaque);
struct main_loop_event *main_loop_event_new(main_loop_event_fn *fn, void *opaque);
void main_loop_event_signal(struct main_loop_event *ev);
/* Main thread only: after this, fn no longer runs. */
void main_loop_event_free(struct main_loop_event *ev);

/* Hooks the runstate's wake-ups and SIGTERM/SIGINT/SIGHUP into the loop. */
void main_loop_init(struct runstate *rs);
/* Runs the loop until a request is pending and returns it. */
enum runstate_request main_loop_wait(struct runstate *rs, int *exit_status);

#endif
