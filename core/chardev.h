/* Character backends for serial ports and debug consoles: stdio, files, or nothing. */
#ifndef KESTREL_CORE_CHARDEV_H
#define KESTREL_CORE_CHARDEV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct runstate;

/* The device side of a chardev: how much it can take, and where input goes. */
struct chardev_frontend {
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void (*receive_break)(void *opaque);
    void *opaque;
};

#define CHARDEV_INPUT_BUF 256

struct chardev {
    const char *label; /* names the option in messages, e.g. "-serial" */
    int in_fd;         /* -1: no input */
    int out_fd;        /* -1: output is discarded */
    bool owns_out_fd;
    bool mux_escape;   /* Ctrl-A commands, as on QEMU's stdio */
    bool escape_pending;
    struct runstate *runstate; /* Ctrl-A x ends the machine */
    struct chardev_frontend frontend;
    bool has_frontend;
    pthread_mutex_t out_lock;
    /* Input read from in_fd and not yet taken by the frontend; main thread only. */
    uint8_t inbuf[CHARDEV_INPUT_BUF];
    size_t in_pos, in_len;
    unsigned in_watch;
    bool in_eof;
    atomic_bool throttled; /* input paused until the frontend has room */
};

/*
 * Opens a backend from a QEMU-style spec: "stdio", "file:PATH", "null" or "none".
 * Errors are reported naming label; returns 0 or -errno.
 */
int chardev_open(struct chardev *cd, const char *label, const char *spec, struct runstate *rs);
/* A backend on existing descriptors (tests and pipes); fds stay owned by the caller. */
void chardev_open_fds(struct chardev *cd, const char *label, int in_fd, int out_fd);
void chardev_close(struct chardev *cd);

void chardev_set_frontend(struct chardev *cd, const struct chardev_frontend *fe);
/* Starts watching input in the main loop. */
void chardev_start_input(struct chardev *cd);

/* Writes all of buf (any thread). Output errors are dropped: a guest cannot stop on them. */
void chardev_write(struct chardev *cd, const uint8_t *buf, size_t len);

/* The frontend has room again; input delivery resumes in the main loop (any thread). */
void chardev_accept_input(struct chardev *cd);

/*
 * Takes up to CHARDEV_INPUT_BUF bytes of host input through Ctrl-A handling to the frontend
 * (main thread). Returns false when the frontend filled up and bytes wait in the buffer.
 */
bool chardev_feed_input(struct chardev *cd, const uint8_t *buf, size_t len);

/* Puts the controlling terminal back as it was; safe to call more than once. */
void chardev_restore_terminal(void);

#endif
