/* The main thread's event loop: chardev input, signals, and waiting for run requests. */
#include "core/main_loop.h"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>

#include "core/chardev.h"
#include "core/log.h"

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
