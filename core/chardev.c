/* Character backends: stdio, files, or nothing; UNIX sockets are in chardev_socket.c. */
#include "core/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "core/chardev_socket.h"
#include "core/config.h"
#include "core/log.h"
#include "core/runstate.h"

#define CHARDEV_ESCAPE 0x01 /* Ctrl-A */

static struct termios saved_termios;
static bool terminal_is_raw;
static const char *stdio_owner; /* the label of the backend that reads stdin */
static struct runstate *bound_runstate;

void chardev_restore_terminal(void)
{
    if (terminal_is_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
        terminal_is_raw = false;
    }
}

/* Raw input, so keys (Ctrl-C included) reach the guest; output processing stays on. */
static void chardev_make_terminal_raw(void)
{
    struct termios t;

    if (terminal_is_raw || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
        return;
    t = saved_termios;
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
        terminal_is_raw = true;
        atexit(chardev_restore_terminal);
    }
}

static void chardev_init(struct chardev *cd, const char *label)
{
    *cd = (struct chardev){.label = label, .in_fd = -1, .out_fd = -1, .listen_fd = -1,
                           .runstate = bound_runstate};
    pthread_mutex_init(&cd->out_lock, NULL);
}

void chardev_open_fds(struct chardev *cd, const char *label, int in_fd, int out_fd)
{
    chardev_init(cd, label);
    cd->in_fd = in_fd;
    cd->out_fd = out_fd;
}

void chardev_bind_runstate(struct runstate *rs)
{
    bound_runstate = rs;
}

const char *chardev_stdio_owner(void)
{
    return stdio_owner;
}

/* Output to stdout; input too, for the first backend on stdio (later ones only print). */
static void chardev_open_stdio(struct chardev *cd)
{
    cd->out_fd = STDOUT_FILENO;
    if (!stdio_owner) {
        stdio_owner = cd->label;
        cd->in_fd = STDIN_FILENO;
        cd->mux_escape = true;
        chardev_make_terminal_raw();
    }
}

static int chardev_open_file(struct chardev *cd, const char *label, const char *how,
                             const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0) {
        int err = errno;
        log_error("%s %s%s: cannot open for writing: %s", label, how, path, strerror(err));
        return -err;
    }
    cd->out_fd = fd;
    cd->owns_out_fd = true;
    return 0;
}

int chardev_open(struct chardev *cd, const char *label, const char *spec, struct runstate *rs)
{
    chardev_init(cd, label);
    cd->runstate = rs;
    if (strcmp(spec, "stdio") == 0 || strcmp(spec, "mon:stdio") == 0) {
        chardev_open_stdio(cd);
        return 0;
    }
    if (strncmp(spec, "file:", 5) == 0)
        return chardev_open_file(cd, label, "file:", spec + 5);
    if (strcmp(spec, "null") == 0 || strcmp(spec, "none") == 0)
        return 0;
    log_error("%s %s: unsupported backend (use stdio, file:PATH, null or none)", label, spec);
    return -EINVAL;
}

int chardev_open_config(struct chardev *cd, const char *label, const struct vm_chardev_config *c)
{
    chardev_init(cd, label);
    switch (c->backend) {
    case VM_CHARDEV_NULL: return 0;
    case VM_CHARDEV_STDIO:
        if (stdio_owner) {
            log_error("%s: stdio is already used by %s (QEMU refuses this too; add -serial "
                      "none)", label, stdio_owner);
            return -EBUSY;
        }
        chardev_open_stdio(cd);
        return 0;
    case VM_CHARDEV_FILE: return chardev_open_file(cd, label, "path=", c->path);
    case VM_CHARDEV_SOCKET: return chardev_socket_open(cd, c->path, c->server, c->wait);
    }
    return -EINVAL;
}

void chardev_close(struct chardev *cd)
{
    cd->has_frontend = false; /* nothing is delivered to a frontend going away */
    if (cd->in_watch)
        g_source_remove(cd->in_watch);
    cd->in_watch = 0;
    if (cd->is_socket)
        chardev_socket_close(cd);
    if (cd->owns_out_fd && cd->out_fd >= 0)
        close(cd->out_fd);
    cd->out_fd = -1;
}

void chardev_set_frontend(struct chardev *cd, const struct chardev_frontend *fe)
{
    cd->frontend = *fe;
    cd->has_frontend = true;
}

void chardev_write(struct chardev *cd, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&cd->out_lock); /* a socket's out_fd changes as clients come and go */
    while (cd->out_fd >= 0 && len) {
        ssize_t n = write(cd->out_fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        buf += n;
        len -= (size_t)n;
    }
    pthread_mutex_unlock(&cd->out_lock);
}

bool chardev_connected(struct chardev *cd)
{
    if (!cd->is_socket)
        return true;
    pthread_mutex_lock(&cd->out_lock);
    bool up = cd->out_fd >= 0;
    pthread_mutex_unlock(&cd->out_lock);
    return up;
}

size_t chardev_write_some(struct chardev *cd, const uint8_t *buf, size_t len)
{
    if (!cd->is_socket) {
        chardev_write(cd, buf, len);
        return len;
    }
    size_t done = 0;
    pthread_mutex_lock(&cd->out_lock);
    while (cd->out_fd >= 0 && done < len) {
        ssize_t n = send(cd->out_fd, buf + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) { /* the peer is gone: its hangup is seen on the input side */
            done = len;
            break;
        }
        done += (size_t)n;
    }
    if (cd->out_fd < 0)
        done = len;
    pthread_mutex_unlock(&cd->out_lock);
    return done;
}

static gboolean chardev_on_writable(gint fd, GIOCondition cond, gpointer opaque)
{
    struct chardev *cd = opaque;
    (void)fd, (void)cond;

    cd->out_watch = 0;
    atomic_store(&cd->out_waiting, false);
    if (cd->has_frontend && cd->frontend.writable)
        cd->frontend.writable(cd->frontend.opaque);
    return G_SOURCE_REMOVE;
}

/* Main thread: watch the socket for room, or answer at once if nobody is connected. */
static gboolean chardev_watch_output(gpointer opaque)
{
    struct chardev *cd = opaque;

    if (cd->out_watch)
        return G_SOURCE_REMOVE;
    if (cd->out_fd < 0)
        chardev_on_writable(-1, 0, cd);
    else
        cd->out_watch = g_unix_fd_add(cd->out_fd, G_IO_OUT | G_IO_HUP | G_IO_ERR,
                                      chardev_on_writable, cd);
    return G_SOURCE_REMOVE;
}

void chardev_wait_writable(struct chardev *cd)
{
    /* Watches are only touched on the main thread, which also sees clients come and go. */
    if (!atomic_exchange(&cd->out_waiting, true)) {
        GSource *idle = g_idle_source_new();
        g_source_set_callback(idle, chardev_watch_output, cd, NULL);
        g_source_attach(idle, NULL);
        g_source_unref(idle);
    }
}

static void chardev_print_help(struct chardev *cd)
{
    static const char help[] = "\r\n"
                               "C-a h    print this help\r\n"
                               "C-a x    exit kestrel\r\n"
                               "C-a b    send a break to the guest's serial port\r\n"
                               "C-a C-a  send C-a to the guest\r\n";
    chardev_write(cd, (const uint8_t *)help, sizeof(help) - 1);
}

/* Handles the key after Ctrl-A; returns true if the byte itself goes to the guest. */
static bool chardev_escape_command(struct chardev *cd, uint8_t key)
{
    switch (key) {
    case 'x':
        chardev_restore_terminal();
        fputs("kestrel: terminated (C-a x)\n", stderr);
        if (cd->runstate)
            runstate_request_exit(cd->runstate, 0);
        return false;
    case 'b':
        if (cd->has_frontend && cd->frontend.receive_break)
            cd->frontend.receive_break(cd->frontend.opaque);
        return false;
    case CHARDEV_ESCAPE:
        return true;
    case 'h':
    case '?':
        chardev_print_help(cd);
        return false;
    default:
        return false;
    }
}

/* Removes escape sequences from buf in place; returns the bytes left for the guest. */
static size_t chardev_filter_escapes(struct chardev *cd, uint8_t *buf, size_t len)
{
    size_t out = 0;

    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (cd->escape_pending) {
            cd->escape_pending = false;
            if (chardev_escape_command(cd, c))
                buf[out++] = c;
        } else if (c == CHARDEV_ESCAPE && cd->mux_escape) {
            cd->escape_pending = true;
        } else {
            buf[out++] = c;
        }
    }
    return out;
}

/* Hands buffered input to the frontend as far as it has room; true when all is taken. */
static bool chardev_flush_input(struct chardev *cd)
{
    while (cd->in_pos < cd->in_len) {
        size_t room = cd->has_frontend ? cd->frontend.can_receive(cd->frontend.opaque) : 0;
        if (!cd->has_frontend) {
            cd->in_pos = cd->in_len; /* nobody listens: drop */
            break;
        }
        if (room == 0)
            return false;
        size_t n = cd->in_len - cd->in_pos;
        if (n > room)
            n = room;
        cd->frontend.receive(cd->frontend.opaque, cd->inbuf + cd->in_pos, n);
        cd->in_pos += n;
    }
    cd->in_pos = cd->in_len = 0;
    return true;
}

bool chardev_feed_input(struct chardev *cd, const uint8_t *buf, size_t len)
{
    if (len > CHARDEV_INPUT_BUF)
        len = CHARDEV_INPUT_BUF;
    memcpy(cd->inbuf, buf, len);
    cd->in_pos = 0;
    cd->in_len = chardev_filter_escapes(cd, cd->inbuf, len);
    return chardev_flush_input(cd);
}

static gboolean chardev_on_input(gint fd, GIOCondition cond, gpointer opaque);

static void chardev_watch_input(struct chardev *cd)
{
    if (!cd->in_watch && !cd->in_eof && cd->in_fd >= 0)
        cd->in_watch = g_unix_fd_add(cd->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                     chardev_on_input, cd);
}

/* Main thread, frontend full: wait for chardev_accept_input. */
static void chardev_throttle(struct chardev *cd)
{
    atomic_store(&cd->throttled, true);
    /* The guest may have made room between the failed flush and the store: look again. */
    if (chardev_flush_input(cd) && atomic_exchange(&cd->throttled, false))
        chardev_watch_input(cd);
}

static gboolean chardev_on_input(gint fd, GIOCondition cond, gpointer opaque)
{
    struct chardev *cd = opaque;
    uint8_t raw[CHARDEV_INPUT_BUF];
    (void)cond;

    ssize_t n = read(fd, raw, sizeof(raw));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    if (n <= 0) {
        cd->in_watch = 0;
        if (cd->is_socket)
            chardev_socket_hangup(cd); /* a server listens for the next client */
        else
            cd->in_eof = true; /* EOF or error: stop reading, the guest keeps running */
        return G_SOURCE_REMOVE;
    }
    if (chardev_feed_input(cd, raw, (size_t)n))
        return G_SOURCE_CONTINUE;
    /* The frontend is full: stop reading until it calls chardev_accept_input. */
    cd->in_watch = 0;
    chardev_throttle(cd);
    return G_SOURCE_REMOVE;
}

void chardev_start_input(struct chardev *cd)
{
    chardev_watch_input(cd);
}

static gboolean chardev_resume_input(gpointer opaque)
{
    struct chardev *cd = opaque;

    if (chardev_flush_input(cd))
        chardev_watch_input(cd);
    else
        chardev_throttle(cd);
    return G_SOURCE_REMOVE;
}

void chardev_accept_input(struct chardev *cd)
{
    /*
     * Only a throttled backend needs waking; the exchange makes one wake-up per stall.
     * An idle source always runs on the main thread. (g_main_context_invoke would run the
     * callback right here when the main loop is between iterations, re-entering the
     * frontend, which holds its lock while it calls us.)
     */
    if (atomic_exchange(&cd->throttled, false)) {
        GSource *idle = g_idle_source_new();
        g_source_set_callback(idle, chardev_resume_input, cd, NULL);
        g_source_attach(idle, NULL);
        g_source_unref(idle);
    }
}
