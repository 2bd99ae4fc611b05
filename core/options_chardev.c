/* Options for -chardev and virtio-serial-device with its virtconsole/virtserialport ports. */
#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/options_internal.h"

/* -device virtio-serial-device[,max_ports=N] */
enum options_result opt_device_virtio_serial(struct vm_config *cfg, const char *opt,
                                             const char *arg, const struct kv_list *l)
{
    static const char *const keys[] = {"", "max_ports", "id", NULL};
    const char *max = kv_get(l, "max_ports");
    uint64_t n = CONFIG_MAX_SERIAL_PORTS;

    if (kv_unknown(l, keys))
        return usage_error(opt, "'%s': virtio-serial-device takes max_ports=N", arg);
    if (max && (parse_u64(max, UINT32_MAX, &n) < 0 || n == 0))
        return usage_error(opt, "'%s': max_ports= takes a port count", arg);
    if (n > CONFIG_MAX_SERIAL_PORTS)
        return not_built(opt, "virtio-serial-device with more than 8 ports (max_ports=8)");
    return add_virtio(cfg, opt, (struct vm_virtio_config){.kind = VM_VIRTIO_CONSOLE,
                                                          .drive = -1,
                                                          .max_ports = (unsigned)n});
}

/* The virtio-serial-device a port attaches to: the last one before it, or -1. */
static int last_virtio_serial(const struct vm_config *cfg)
{
    for (int i = (int)cfg->nr_virtio - 1; i >= 0; i--)
        if (cfg->virtio[i].kind == VM_VIRTIO_CONSOLE)
            return i;
    return -1;
}

static bool port_nr_taken(const struct vm_config *cfg, unsigned virtio, unsigned nr)
{
    for (unsigned i = 0; i < cfg->nr_console_ports; i++)
        if (cfg->console_ports[i].virtio == virtio && cfg->console_ports[i].nr == nr)
            return true;
    return false;
}

static bool port_name_taken(const struct vm_config *cfg, const char *name)
{
    for (unsigned i = 0; i < cfg->nr_console_ports; i++)
        if (cfg->console_ports[i].name && strcmp(cfg->console_ports[i].name, name) == 0)
            return true;
    return false;
}

/* As QEMU numbers ports: a console takes 0 if it is free; port 0 is for consoles only. */
static int free_port_nr(const struct vm_config *cfg, unsigned virtio, bool console)
{
    for (unsigned nr = console ? 0 : 1; nr < cfg->virtio[virtio].max_ports; nr++)
        if (!port_nr_taken(cfg, virtio, nr))
            return (int)nr;
    return -1;
}

static enum options_result port_number(const struct vm_config *cfg, const char *opt,
                                       const char *arg, const char *nr_arg,
                                       struct vm_console_port_config *port)
{
    unsigned max = cfg->virtio[port->virtio].max_ports;
    uint64_t nr;

    if (!nr_arg) {
        int free_nr = free_port_nr(cfg, port->virtio, port->console);
        if (free_nr < 0)
            return usage_error(opt, "'%s': every port of the virtio-serial-device is taken "
                                    "(max_ports=%u)", arg, max);
        port->nr = (unsigned)free_nr;
        return OPTIONS_RUN;
    }
    if (parse_u64(nr_arg, max - 1, &nr) < 0)
        return usage_error(opt, "'%s': nr= takes a port number below max_ports=%u", arg, max);
    if (nr == 0 && !port->console)
        return usage_error(opt, "'%s': port 0 is reserved for virtconsole", arg);
    if (port_nr_taken(cfg, port->virtio, (unsigned)nr))
        return usage_error(opt, "'%s': port %u is already taken", arg, (unsigned)nr);
    port->nr = (unsigned)nr;
    return OPTIONS_RUN;
}

/* -device virtconsole|virtserialport,chardev=ID[,name=N][,nr=N] */
enum options_result opt_device_serial_port(struct vm_config *cfg, const char *opt,
                                           const char *arg, const struct kv_list *l,
                                           bool console)
{
    static const char *const keys[] = {"", "chardev", "name", "nr", "id", NULL};
    const char *chardev = kv_get(l, "chardev"), *name = kv_get(l, "name");
    struct vm_console_port_config port = {.console = console, .chardev = -1};
    const char *what = console ? "virtconsole" : "virtserialport";
    int virtio = last_virtio_serial(cfg);

    if (kv_unknown(l, keys))
        return usage_error(opt, "'%s': %s takes chardev=ID, name=N and nr=N", arg, what);
    if (virtio < 0)
        return usage_error(opt, "'%s': %s needs a -device virtio-serial-device before it",
                           arg, what);
    if (!chardev)
        return usage_error(opt, "'%s': %s needs chardev=ID (from -chardev ...,id=ID)", arg,
                           what);
    if (name && (!*name || strlen(name) > CONFIG_MAX_PORT_NAME))
        return usage_error(opt, "'%s': name= takes 1 to %d bytes", arg, CONFIG_MAX_PORT_NAME);
    if (name && port_name_taken(cfg, name))
        return usage_error(opt, "'%s': another port is already named %s", arg, name);
    if (cfg->nr_console_ports == CONFIG_MAX_CONSOLE_PORTS)
        return usage_error(opt, "at most %d virtconsole and virtserialport devices",
                           CONFIG_MAX_CONSOLE_PORTS);
    port.virtio = (unsigned)virtio;
    port.chardev_id = g_intern_string(chardev);
    port.name = name ? g_intern_string(name) : NULL;
    enum options_result r = port_number(cfg, opt, arg, kv_get(l, "nr"), &port);
    if (r == OPTIONS_RUN)
        cfg->console_ports[cfg->nr_console_ports++] = port;
    return r;
}

static const struct chardev_backend_name {
    const char *name;
    enum vm_chardev_backend backend;
} chardev_backends[] = {
    {"null", VM_CHARDEV_NULL},
    {"stdio", VM_CHARDEV_STDIO},
    {"file", VM_CHARDEV_FILE},
    {"socket", VM_CHARDEV_SOCKET},
};

/* QEMU backends and properties kestrel knows of and has not built. */
static const char *const chardev_backends_later[] = {
    "pipe", "pty", "udp", "serial", "tty", "parallel", "parport", "vc", "ringbuf", "memory",
    "msmouse", "wctablet", "braille", "testdev", "spicevmc", "spiceport", "qemu-vdagent",
    "dbus", NULL,
};
static const char *const chardev_keys_later[] = {
    "mux", "logfile", "logappend", "append", "host", "port", "to", "ipv4", "ipv6", "telnet",
    "tn3270", "websocket", "reconnect", "tls-creds", "tls-authz", "abstract", "tight",
    "nodelay", "fd", "signal", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static enum options_result on_off(const char *opt, const char *arg, const char *key,
                                  const char *value, bool dflt, bool *out)
{
    *out = dflt;
    if (!value)
        return OPTIONS_RUN;
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
        return usage_error(opt, "'%s': %s= takes on or off", arg, key);
    *out = strcmp(value, "on") == 0;
    return OPTIONS_RUN;
}

/* Which properties each backend takes, past id=. */
static enum options_result chardev_properties(const char *opt, const char *arg,
                                              const struct kv_list *l,
                                              struct vm_chardev_config *c)
{
    static const char *const plain_keys[] = {"", "id", NULL};
    static const char *const file_keys[] = {"", "id", "path", NULL};
    static const char *const socket_keys[] = {"", "id", "path", "server", "wait", NULL};
    const char *const *keys = c->backend == VM_CHARDEV_FILE     ? file_keys
                              : c->backend == VM_CHARDEV_SOCKET ? socket_keys
                                                                : plain_keys;
    const char *bad = kv_unknown(l, keys);

    if (bad && in_list(chardev_keys_later, bad)) {
        char what[64];
        snprintf(what, sizeof(what), "the %s= property", bad);
        return not_built(opt, c->backend == VM_CHARDEV_SOCKET && strcmp(bad, "host") == 0
                                  ? "TCP sockets (socket,host=...)" : what);
    }
    if (bad)
        return usage_error(opt, "'%s': unsupported property '%s' (kestrel takes stdio,id=ID; "
                                "null,id=ID; file,id=ID,path=P; socket,id=ID,path=P"
                                "[,server=on|off][,wait=on|off])", arg, bad);
    c->path = kv_get(l, "path");
    if ((c->backend == VM_CHARDEV_FILE || c->backend == VM_CHARDEV_SOCKET) &&
        (!c->path || !*c->path))
        return usage_error(opt, "'%s': path= names the %s", arg,
                           c->backend == VM_CHARDEV_FILE ? "file" : "UNIX socket");
    c->path = c->path ? g_intern_string(c->path) : NULL;
    enum options_result r = on_off(opt, arg, "server", kv_get(l, "server"), false, &c->server);
    if (r == OPTIONS_RUN)
        r = on_off(opt, arg, "wait", kv_get(l, "wait"), true, &c->wait);
    return r;
}

static enum options_result chardev_backend(const char *opt, const char *name,
                                           struct vm_chardev_config *c)
{
    for (size_t i = 0; i < G_N_ELEMENTS(chardev_backends); i++)
        if (strcmp(chardev_backends[i].name, name) == 0) {
            c->backend = chardev_backends[i].backend;
            return OPTIONS_RUN;
        }
    if (in_list(chardev_backends_later, name)) {
        char what[64];
        snprintf(what, sizeof(what), "the %s backend", name);
        return not_built(opt, what);
    }
    return usage_error(opt, "unknown backend '%s' (kestrel has null, stdio, file and socket)",
                       name);
}

static bool chardev_id_taken(const struct vm_config *cfg, const char *id)
{
    for (unsigned i = 0; i < cfg->nr_chardevs; i++)
        if (strcmp(cfg->chardevs[i].id, id) == 0)
            return true;
    return false;
}

/* -chardev BACKEND,id=ID[,...] */
enum options_result opt_chardev(struct vm_config *cfg, const char *opt, const char *arg)
{
    struct kv_list l;
    struct vm_chardev_config c = {0};
    enum options_result r;

    if (kv_parse(arg, &l) < 0 || !kv_get(&l, "")) {
        r = usage_error(opt, "'%s' does not start with a backend name", arg);
    } else if ((r = chardev_backend(opt, kv_get(&l, ""), &c)) != OPTIONS_RUN) {
        /* reported */
    } else if (!kv_get(&l, "id") || !*kv_get(&l, "id")) {
        r = usage_error(opt, "'%s': id= names the backend", arg);
    } else if (chardev_id_taken(cfg, kv_get(&l, "id"))) {
        r = usage_error(opt, "'%s': another -chardev has id=%s", arg, kv_get(&l, "id"));
    } else if (cfg->nr_chardevs == CONFIG_MAX_CHARDEVS) {
        r = usage_error(opt, "at most %d -chardev options", CONFIG_MAX_CHARDEVS);
    } else if ((r = chardev_properties(opt, arg, &l, &c)) == OPTIONS_RUN) {
        c.id = g_intern_string(kv_get(&l, "id"));
        cfg->chardevs[cfg->nr_chardevs++] = c;
    }
    kv_free(&l);
    return r;
}

static bool spec_is_stdio(const char *spec)
{
    return spec && (strcmp(spec, "stdio") == 0 || strcmp(spec, "mon:stdio") == 0);
}

/* Connects each port to its -chardev; one port per backend, and stdio only once. */
enum options_result resolve_console_ports(struct vm_config *cfg)
{
    for (unsigned i = 0; i < cfg->nr_console_ports; i++) {
        struct vm_console_port_config *p = &cfg->console_ports[i];
        for (unsigned c = 0; p->chardev < 0 && c < cfg->nr_chardevs; c++)
            if (strcmp(cfg->chardevs[c].id, p->chardev_id) == 0)
                p->chardev = (int)c;
        if (p->chardev < 0)
            return usage_error("-device", "%s: no -chardev has id=%s",
                               p->console ? "virtconsole" : "virtserialport", p->chardev_id);
        struct vm_chardev_config *c = &cfg->chardevs[p->chardev];
        if (c->used)
            return usage_error("-chardev", "id=%s is used by two ports (kestrel has no mux=on)",
                               c->id);
        c->used = true;
        const char *owner = spec_is_stdio(cfg->serial) ? "-serial"
                            : spec_is_stdio(cfg->debugcon) ? "-debugcon" : NULL;
        if (c->backend == VM_CHARDEV_STDIO && owner)
            return usage_error("-chardev", "stdio,id=%s: stdio is already used by %s (add "
                                           "%s none; stdio can serve one device)", c->id,
                               owner, owner);
    }
    return OPTIONS_RUN;
}
