/* The UNIX socket backend of core/chardev; see chardev_socket.h. */
#include "core/chardev_socket.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/log.h"

static int socket_error(const struct chardev *cd, const char *path, const char *what, int err)
{
    log_error("%s: socket %s: %s: %s", cd->label, path, what, strerror(err));
    return -err;
}

static int socket_address(const struct chardev *cd, const char *path, struct sockaddr_un *sa)
{
    *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa->sun_path)) {
        log_error("%s: socket %s: the path is longer than a UNIX socket allows (%zu bytes)",
                  cd->label, path, sizeof(sa->sun_path) - 1);
        return -ENAMETOOLONG;
    }
    strcpy(sa->sun_path, path);
    return 0;
}

/* A client is connected: it is both input and output (written with MSG_DONTWAIT, so a
 * reader that falls behind holds the guest's output back, never the vCPU). */
static void socket_connected(struct chardev *cd, int fd)
{
    pthread_mutex_lock(&cd->out_lock);
    cd->in_fd = cd->out_fd = fd;
    pthread_mutex_unlock(&cd->out_lock);
    chardev_start_input(cd);
    if (cd->has_frontend && cd->frontend.connected)
        cd->frontend.connected(cd->frontend.opaque);
}

static gboolean socket_on_client(gint fd, GIOCondition cond, gpointer opaque)
{
    struct chardev *cd = opaque;
    (void)cond;

    int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return G_SOURCE_CONTINUE; /* the client gave up already; keep listening */
    cd->listen_watch = 0;
    socket_connected(cd, conn);
    return G_SOURCE_REMOVE; /* one client at a time: the next waits in the backlog */
}

static void socket_listen_for_client(struct chardev *cd)
{
    if (!cd->listen_watch)
        cd->listen_watch = g_unix_fd_add(cd->listen_fd, G_IO_IN, socket_on_client, cd);
}

/* An old socket file from an earlier run is replaced; anything else at path is not. */
static int socket_remove_stale(const struct chardev *cd, const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : socket_error(cd, path, "cannot look at it", errno);
    if (!S_ISSOCK(st.st_mode)) {
        log_error("%s: socket %s: the path exists and is not a socket", cd->label, path);
        return -EEXIST;
    }
    return unlink(path) == 0 ? 0 : socket_error(cd, path, "cannot replace it", errno);
}

static int socket_serve(struct chardev *cd, const char *path, const struct sockaddr_un *sa,
                        bool wait)
{
    int ret = socket_remove_stale(cd, path);

    if (ret < 0)
        return ret;
    if (bind(cd->listen_fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
        return socket_error(cd, path, "cannot bind", errno);
    cd->socket_path = g_strdup(path);
    if (listen(cd->listen_fd, 1) < 0)
        return socket_error(cd, path, "cannot listen", errno);
    if (!wait) {
        socket_listen_for_client(cd);
        return 0;
    }
    log_notice("%s: waiting for a connection on %s", cd->label, path);
    int conn;
    while ((conn = accept4(cd->listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (conn < 0)
        return socket_error(cd, path, "accept failed", errno);
    socket_connected(cd, conn);
    return 0;
}

int chardev_socket_open(struct chardev *cd, const char *path, bool server, bool wait)
{
    struct sockaddr_un sa;
    int ret = socket_address(cd, path, &sa);

    if (ret < 0)
        return ret;
    cd->is_socket = true;
    cd->socket_server = server;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return socket_error(cd, path, "cannot create", errno);
    if (server) {
        cd->listen_fd = fd;
        return socket_serve(cd, path, &sa, wait);
    }
    if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
        ret = socket_error(cd, path, "cannot connect", errno);
        close(fd);
        return ret;
    }
    socket_connected(cd, fd);
    return 0;
}

void chardev_socket_hangup(struct chardev *cd)
{
    pthread_mutex_lock(&cd->out_lock);
    int fd = cd->in_fd;
    cd->in_fd = cd->out_fd = -1;
    pthread_mutex_unlock(&cd->out_lock);
    if (cd->out_watch) { /* output waiting for room now goes nowhere: let it finish */
        g_source_remove(cd->out_watch);
        cd->out_watch = 0;
        atomic_store(&cd->out_waiting, false);
        if (cd->has_frontend && cd->frontend.writable)
            cd->frontend.writable(cd->frontend.opaque);
    }
    if (fd >= 0)
        close(fd);
    if (fd >= 0 && cd->has_frontend && cd->frontend.connected)
        cd->frontend.connected(cd->frontend.opaque);
    if (cd->socket_server)
        socket_listen_for_client(cd);
}

void chardev_socket_close(struct chardev *cd)
{
    if (cd->listen_watch)
        g_source_remove(cd->listen_watch);
    cd->listen_watch = 0;
    cd->socket_server = false; /* so the hangup does not listen again */
    chardev_socket_hangup(cd);
    if (cd->listen_fd >= 0)
        close(cd->listen_fd);
    cd->listen_fd = -1;
    if (cd->socket_path)
        unlink(cd->socket_path);
    g_free(cd->socket_path);
    cd->socket_path = NULL;
    cd->is_socket = false;
}
