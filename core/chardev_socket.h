/*
 * The UNIX socket backend of core/chardev: -chardev socket,path=P[,server=on[,wait=off]].
 * A server serves one client at a time and listens again when it leaves; a client connects
 * once. With nobody connected, output is dropped and there is no input.
 */
#ifndef KESTREL_CORE_CHARDEV_SOCKET_H
#define KESTREL_CORE_CHARDEV_SOCKET_H

#include <stdbool.h>

struct chardev;

/* Binds and listens (waiting for the first client when wait), or connects. 0 or -errno. */
int chardev_socket_open(struct chardev *cd, const char *path, bool server, bool wait);
/* The client left (main thread): forget it; a server listens for the next one. */
void chardev_socket_hangup(struct chardev *cd);
void chardev_socket_close(struct chardev *cd);

#endif
