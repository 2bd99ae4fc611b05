/* Host timers for device models: a callback at a CLOCK_MONOTONIC deadline, on a timer thread. */
#include "core/timer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

struct host_timer {
    host_timer_fn *fn;
    void *opaque;
    int64_t deadline; /* INT64_MAX when disarmed */
    struct host_timer *next;
};

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cond;
static pthread_once_t timer_once = PTHREAD_ONCE_INIT;
static struct host_timer *timers;
/* The timer whose callback is running, so freeing it can wait for the callback to end. */
static struct host_timer *running;
static pthread_cond_t running_done = PTHREAD_COND_INITIALIZER;

int64_t host_clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct host_timer *earliest(void)
{
    struct host_timer *best = NULL;

    for (struct host_timer *t = timers; t; t = t->next)
        if (t->deadline != INT64_MAX && (!best || t->deadline < best->deadline))
            best = t;
    return best;
}

static void *timer_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&timer_lock);
    for (;;) {
        struct host_timer *t = earliest();
        if (!t) {
            pthread_cond_wait(&timer_cond, &timer_lock);
            continue;
        }
        int64_t now = host_clock_ns();
        if (t->deadline > now) {
            struct timespec ts = {t->deadline / 1000000000, t->deadline % 1000000000};
            pthread_cond_timedwait(&timer_cond, &timer_lock, &ts);
            continue;
        }
        t->deadline = INT64_MAX;
        host_timer_fn *fn = t->fn;
        void *opaque = t->opaque;
        /* The callback may re-arm timers: it runs without the lock. */
        running = t;
        pthread_mutex_unlock(&timer_lock);
        fn(opaque);
        pthread_mutex_lock(&timer_lock);
        running = NULL;
        pthread_cond_broadcast(&running_done);
    }
    return NULL;
}

static void timer_start(void)
{
    pthread_condattr_t attr;
    pthread_t thread;
    sigset_t all, old;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&timer_cond, &attr);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&thread, NULL, timer_thread, NULL) == 0)
        pthread_detach(thread);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

struct host_timer *host_timer_new(host_timer_fn *fn, void *opaque)
{
    struct host_timer *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    pthread_once(&timer_once, timer_start);
    t->fn = fn;
    t->opaque = opaque;
    t->deadline = INT64_MAX;
    pthread_mutex_lock(&timer_lock);
    t->next = timers;
    timers = t;
    pthread_mutex_unlock(&timer_lock);
    return t;
}

void host_timer_free(struct host_timer *t)
{
    pthread_mutex_lock(&timer_lock);
    for (struct host_timer **pp = &timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    /* Its callback may be running on the timer thread right now: let it finish first. */
    while (running == t)
        pthread_cond_wait(&running_done, &timer_lock);
    pthread_mutex_unlock(&timer_lock);
    free(t);
}

void host_timer_mod(struct host_timer *t, int64_t deadline_ns)
{
    pthread_mutex_lock(&timer_lock);
    t->deadline = deadline_ns;
    pthread_cond_signal(&timer_cond);
    pthread_mutex_unlock(&timer_lock);
}

void host_timer_del(struct host_timer *t)
{
    host_timer_mod(t, INT64_MAX);
}
