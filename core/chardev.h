/* Character backends for serial ports, debug consoles and virtio consoles: stdio, files,
 * UNIX sockets, or nothing. */
#ifndef KESTREL_CORE_CHARDEV_H
#define KESTREL_CORE_CHARDEV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct runstate;
struct vm_chardev_config;

/* The device side of a chardev: how much it can take, and where input goes. */
struct chardev_frontend {
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void (*receive_break)(void *opaque);
    /* After chardev_wait_writable: the backend takes output again (main thread). */
    void (*writable)(void *opaque);
    /* A socket's client came or went (main thread); see chardev_connected. */
    void (*connected)(void *opaque);
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
    /* A UNIX socket (chardev_socket.c): one connection at a time, in_fd == out_fd. */
    bool is_socket;
    bool socket_server;
    int listen_fd;         /* -1 unless a server */
    unsigned listen_watch; /* waiting for a client (main loop) */
    char *socket_path;     /* unlinked at close when we created it */
    unsigned out_watch;    /* waiting for the socket to take output (main thread) */
    atomic_bool out_waiting; /* chardev_wait_writable was called and has not fired */
};

/*
 * Opens a backend from a QEMU-style spec: "stdio", "file:PATH", "null" or "none".
 * Errors are reported naming label; returns 0 or -errno.
 */
int chardev_open(struct chardev *cd, const char *label, const char *spec, struct runstate *rs);
/*
 * Opens a -chardev backend (null, stdio, file, socket). stdio can be owned once: a second
 * claim fails naming its owner. Errors are reported naming label; returns 0 or -errno.
 */
int chardev_open_config(struct chardev *cd, const char *label, const struct vm_chardev_config *c);
/* Who has stdio's input ("-serial"), or NULL while nobody has. */
const char *chardev_stdio_owner(void);
/* Ctrl-A x on any stdio backend opened after this ends rs's machine. */
void chardev_bind_runstate(struct runstate *rs);
/* A backend on existing descriptors (tests and pipes); fds stay owned by the caller. */
void chardev_open_fds(struct chardev *cd, const char *label, int in_fd, int out_fd);
void chardev_close(struct chardev *cd);

void chardev_set_frontend(struct chardev *cd, const struct chardev_frontend *fe);
/* Starts watching input in the main loop. */
void chardev_start_input(struct chardev *cd);

/* Writes all of buf (any thread). Output errors are dropped: a guest cannot stop on them. */
void chardev_write(struct chardev *cd, const uint8_t *buf, size_t len);

/*
 * Writes what the backend takes without blocking: all of buf, except on a socket whose
 * reader is behind. Output nobody can take (no client, a closed peer) counts as written, as
 * in QEMU. Returns the bytes taken (any thread).
 */
size_t chardev_write_some(struct chardev *cd, const uint8_t *buf, size_t len);
/* Calls the frontend's writable() on the main thread once the backend takes output again
 * (any thread; one call per wait). */
void chardev_wait_writable(struct chardev *cd);

/* Whether someone takes the output: a socket's client is there (always, for others). */
bool chardev_connected(struct chardev *cd);

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
