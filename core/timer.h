/* Host timers for device models: a callback at a CLOCK_MONOTONIC deadline, on a timer thread. */
#ifndef KESTREL_CORE_TIMER_H
#define KESTREL_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct host_timer;

typedef void host_timer_fn(void *opaque);

/* Creates a disarmed timer. The callback runs on the shared timer thread. */
struct host_timer *host_timer_new(host_timer_fn *fn, void *opaque);
/* Disarms and frees the timer, waiting for its callback if it is running; never call it
 * from that callback. */
void host_timer_free(struct host_timer *t);
/* Arms (or re-arms) the timer for a CLOCK_MONOTONIC deadline in nanoseconds. */
void host_timer_mod(struct host_timer *t, int64_t deadline_ns);
void host_timer_del(struct host_timer *t);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t host_clock_ns(void);

#endif
