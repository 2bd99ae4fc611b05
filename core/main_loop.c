/* The main thread's event loop: chardev input, signals, and waiting for run requests. */
#include "core/main_loop.h"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/log.h"

struct main_loop_event {
    int fd;
    unsigned watch;
    main_loop_event_fn *fn;
    void *opaque;
};

static gboolean main_loop_event_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    struct main_loop_event *ev = opaque;
    eventfd_t count;
    (void)cond;

    if (eventfd_read(fd, &count) == 0)
        ev->fn(ev->opaque);
    return G_SOURCE_CONTINUE;
}

struct main_loop_event *main_loop_event_new(main_loop_event_fn *fn, void *opaque)
{
    struct main_loop_event *ev = calloc(1, sizeof(*ev));

    if (!ev)
        return NULL;
    ev->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ev->fd < 0) {
        free(ev);
        return NULL;
    }
    ev->fn = fn;
    ev->opaque = opaque;
    ev->watch = g_unix_fd_add(ev->fd, G_IO_IN, main_loop_event_ready, ev);
    return ev;
}

void main_loop_event_signal(struct main_loop_event *ev)
{
    /* Only a saturated counter fails, and then the event is pending anyway. */
    eventfd_write(ev->fd, 1);
}

void main_loop_event_free(struct main_loop_event *ev)
{
    if (!ev)
        return;
    g_source_remove(ev->watch);
    close(ev->fd);
    free(ev);
}

static void main_loop_wake(void *opaque)
{
    (void)opaque;
    g_main_context_wakeup(NULL);
}

static gboolean main_loop_on_signal(gpointer opaque)
{
    struct runstate *rs = opaque;

    /* QEMU also exits 0 when asked to terminate; the message says why it stopped. */
    chardev_restore_terminal();
    log_notice("terminating on signal");
    runstate_request_exit(rs, 0);
    return G_SOURCE_CONTINUE;
}

void main_loop_init(struct runstate *rs)
{
    rs->wake = main_loop_wake;
    g_unix_signal_add(SIGTERM, main_loop_on_signal, rs);
    g_unix_signal_add(SIGINT, main_loop_on_signal, rs);
    g_unix_signal_add(SIGHUP, main_loop_on_signal, rs);
    signal(SIGPIPE, SIG_IGN);
}

enum runstate_request main_loop_wait(struct runstate *rs, int *exit_status)
{
    enum runstate_request req;

    while ((req = runstate_pending(rs, exit_status)) == RUNSTATE_RUN)
        g_main_context_iteration(NULL, TRUE);
    return req;
}
