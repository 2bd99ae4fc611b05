/* Command-line parsing: QEMU's option names and syntax, into one struct vm_config. */
#include "core/options.h"

#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "core/log.h"
#include "core/netopts.h"
#include "machine/machine.h"

#define MAX_RAM_SIZE (1ull << 40)
#define KV_MAX 16

/* A QEMU-style "bare,key=value,key=value" argument. The bare item has key "". */
struct kv_list {
    char *buf;
    const char *key[KV_MAX];
    const char *value[KV_MAX];
    unsigned n;
};

static int kv_parse(const char *arg, struct kv_list *l)
{
    l->buf = g_strdup(arg);
    l->n = 0;
    for (char *save = NULL, *item = strtok_r(l->buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        if (l->n == KV_MAX)
            return -E2BIG;
        char *eq = strchr(item, '=');
        if (eq) {
            *eq = '\0';
            l->key[l->n] = item;
            l->value[l->n] = eq + 1;
        } else if (l->n == 0) {
            l->key[l->n] = "";
            l->value[l->n] = item;
        } else {
            l->key[l->n] = item; /* a key without a value */
            l->value[l->n] = NULL;
        }
        l->n++;
    }
    return 0;
}

static void kv_free(struct kv_list *l)
{
    g_free(l->buf);
}

static const char *kv_get(const struct kv_list *l, const char *key)
{
    for (unsigned i = 0; i < l->n; i++)
        if (strcmp(l->key[i], key) == 0)
            return l->value[i];
    return NULL;
}

/* The first key not in allowed (a NULL-terminated list), or NULL. */
static const char *kv_unknown(const struct kv_list *l, const char *const *allowed)
{
    for (unsigned i = 0; i < l->n; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(l->key[i], *a) == 0 && l->value[i];
        if (!ok)
            return l->key[i][0] ? l->key[i] : l->value[i];
    }
    return NULL;
}

__attribute__((format(printf, 2, 3))) static enum options_result
usage_error(const char *option, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_error("%s: %s", option, msg);
    return OPTIONS_USAGE;
}

static enum options_result not_built(const char *option, const char *what)
{
    log_error("%s: %s is not built yet in this version of kestrel", option, what);
    return OPTIONS_MISSING;
}

int options_parse_size(const char *s, uint64_t *bytes)
{
    char *end;

    if (!isdigit((unsigned char)*s))
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -EINVAL;
    unsigned shift = 20; /* QEMU: a bare number is MiB */
    switch (toupper((unsigned char)*end)) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    case 'B': shift = 0; end++; break;
    case '\0': break;
    default: return -EINVAL;
    }
    if (shift && toupper((unsigned char)*end) == 'B')
        end++;
    if (*end || v == 0 || v > (MAX_RAM_SIZE >> shift))
        return -EINVAL;
    *bytes = (uint64_t)v << shift;
    return 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;

    if (!s || !isdigit((unsigned char)*s))
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > max)
        return -EINVAL;
    *out = v;
    return 0;
}

/* ---- one handler per option ---- */

/* Repeated -accel options form a fallback list, as in QEMU. */
static void append_accel(struct vm_config *cfg, const char *list)
{
    if (!cfg->accel) {
        cfg->accel = g_intern_string(list);
        return;
    }
    gchar *joined = g_strconcat(cfg->accel, ":", list, NULL);
    cfg->accel = g_intern_string(joined);
    g_free(joined);
}

static enum options_result opt_accel_props(struct vm_config *cfg, const char *opt,
                                            const struct kv_list *l)
{
    const char *one = kv_get(l, "one-insn-per-tb"), *size = kv_get(l, "tb-size");
    uint64_t mib;

    if (one && strcmp(one, "on") != 0 && strcmp(one, "off") != 0)
        return usage_error(opt, "one-insn-per-tb takes on or off, not '%s'", one);
    if (one)
        cfg->tcg_one_insn_per_tb = strcmp(one, "on") == 0;
    if (size) {
        if (parse_u64(size, 4096, &mib) < 0 || mib < 1)
            return usage_error(opt, "tb-size takes a code cache size in MiB (1-4096), "
                                    "not '%s'", size);
        cfg->tcg_cache_size = mib << 20;
    }
    return OPTIONS_RUN;
}

static enum options_result opt_accel(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const keys[] = {"", "one-insn-per-tb", "tb-size", "thread", NULL};
    struct kv_list l;
    enum options_result r = OPTIONS_RUN;

    if (kv_parse(arg, &l) < 0 || kv_unknown(&l, keys) || !kv_get(&l, "")) {
        r = usage_error(opt, "unsupported accelerator options in '%s' "
                             "(kestrel takes NAME[,one-insn-per-tb=on][,tb-size=MiB])", arg);
    } else if (accel_list_valid(kv_get(&l, "")) < 0) {
        r = usage_error(opt, "unknown accelerator in '%s' (choose kvm, tcg or kvm:tcg)", arg);
    } else {
        const char *thread = kv_get(&l, "thread");
        if (thread && strcmp(thread, "single") != 0)
            r = not_built(opt, "multi-threaded TCG (thread=multi)");
        else
            r = opt_accel_props(cfg, opt, &l);
        if (r == OPTIONS_RUN)
            append_accel(cfg, g_intern_string(kv_get(&l, "")));
    }
    kv_free(&l);
    return r;
}

static enum options_result opt_perfmap(struct vm_config *c, const char *o, const char *a)
{
    (void)o, (void)a;
    c->perfmap = true;
    return OPTIONS_RUN;
}

static enum options_result opt_singlestep(struct vm_config *c, const char *o, const char *a)
{
    (void)o, (void)a;
    c->tcg_one_insn_per_tb = true;
    return OPTIONS_RUN;
}

static enum options_result opt_machine(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const keys[] = {"", "type", "accel", NULL};
    struct kv_list l;
    enum options_result r = OPTIONS_RUN;

    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        machine_print_boards();
        return OPTIONS_DONE;
    }
    if (kv_parse(arg, &l) < 0 || kv_unknown(&l, keys)) {
        r = usage_error(opt, "unsupported machine property in '%s' (kestrel takes "
                             "NAME[,accel=LIST])", arg);
    } else {
        const char *name = kv_get(&l, "") ? kv_get(&l, "") : kv_get(&l, "type");
        const char *accel = kv_get(&l, "accel");
        if (name && !machine_find_board(name))
            r = usage_error(opt, "unknown machine '%s' (try -M help)", name);
        else if (accel && accel_list_valid(accel) < 0)
            r = usage_error(opt, "unknown accelerator in '%s'", accel);
        if (r == OPTIONS_RUN && name)
            cfg->machine = g_intern_string(name);
        if (r == OPTIONS_RUN && accel)
            append_accel(cfg, g_intern_string(accel));
    }
    kv_free(&l);
    return r;
}

static enum options_result opt_memory(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const keys[] = {"", "size", NULL};
    struct kv_list l;
    const char *size;
    enum options_result r = OPTIONS_RUN;

    if (kv_parse(arg, &l) < 0 || kv_unknown(&l, keys) ||
        !(size = kv_get(&l, "") ? kv_get(&l, "") : kv_get(&l, "size")) ||
        options_parse_size(size, &cfg->ram_size) < 0)
        r = usage_error(opt, "invalid memory size '%s' (examples: 512, 512M, 2G)", arg);
    kv_free(&l);
    return r;
}

static enum options_result opt_smp(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const keys[] = {"", "cpus", "maxcpus", NULL};
    struct kv_list l;
    enum options_result r = OPTIONS_RUN;
    uint64_t n = 0, max = 0;

    if (kv_parse(arg, &l) < 0 || kv_unknown(&l, keys)) {
        r = usage_error(opt, "unsupported -smp form '%s' (kestrel takes N or cpus=N)", arg);
    } else {
        const char *cpus = kv_get(&l, "") ? kv_get(&l, "") : kv_get(&l, "cpus");
        const char *maxcpus = kv_get(&l, "maxcpus");
        if (!cpus || parse_u64(cpus, CONFIG_MAX_VCPUS, &n) < 0 || n == 0)
            r = usage_error(opt, "CPU count in '%s' must be 1 to %d", arg,
                            CONFIG_MAX_VCPUS);
        else if (maxcpus && (parse_u64(maxcpus, CONFIG_MAX_VCPUS, &max) < 0 || max != n))
            r = not_built(opt, "CPU hotplug (maxcpus above cpus)");
        else
            cfg->nr_vcpus = (unsigned)n;
    }
    kv_free(&l);
    return r;
}

static enum options_result opt_device_debug_exit(struct vm_config *cfg, const char *opt,
                                                 const char *arg, const struct kv_list *l)
{
    static const char *const keys[] = {"", "iobase", "iosize", NULL};
    const char *base = kv_get(l, "iobase"), *size = kv_get(l, "iosize");
    uint64_t iobase = 0x501, iosize = 2; /* QEMU's defaults */

    if (kv_unknown(l, keys) || (base && parse_u64(base, 0xffff, &iobase) < 0) ||
        (size && (parse_u64(size, 8, &iosize) < 0 || iosize == 0)) || iobase + iosize > 0x10000)
        return usage_error(opt, "invalid isa-debug-exit properties in '%s' "
                                "(iobase=PORT,iosize=1..8)", arg);
    cfg->debug_exit = (struct debug_exit_config){true, (uint16_t)iobase, (uint16_t)iosize};
    return OPTIONS_RUN;
}

static void print_devices(void)
{
    printf("Devices kestrel provides with -device:\n"
           "isa-debug-exit  iobase=PORT,iosize=N: a write of V exits with (V << 1) | 1\n"
           "pc-testdev      QEMU's x86 test device (ports 0xe0-0xeb, 0x2000; MMIO "
           "0xff000000)\n"
           "virtio-rng-device  virtio entropy source fed by getrandom() [ioeventfd=off]\n"
           "virtio-blk-device  drive=ID[,serial=S][,ioeventfd=off]: a disk from -drive "
           "if=none\n"
           "virtio-net-device  netdev=ID[,mac=MAC][,ioeventfd=off]: a NIC on a -netdev user "
           "network\n"
           "virtio-serial-device  [max_ports=N]: virtio-console with MULTIPORT\n"
           "virtconsole     chardev=ID[,name=N][,nr=N]: a console port (the guest's hvcN)\n"
           "virtserialport  chardev=ID,name=N[,nr=N]: a named port (/dev/vportNpM)\n");
}

static enum options_result add_virtio(struct vm_config *cfg, const char *opt,
                                      struct vm_virtio_config dev)
{
    if (cfg->nr_virtio == CONFIG_MAX_VIRTIO)
        return usage_error(opt, "at most %d virtio devices", CONFIG_MAX_VIRTIO);
    cfg->virtio[cfg->nr_virtio++] = dev;
    return OPTIONS_RUN;
}

/* ioeventfd=on|off, QEMU's property for a virtio transport's fast path; 0, or -1 if invalid. */
static int parse_ioeventfd(const struct kv_list *l, int *out)
{
    const char *v = kv_get(l, "ioeventfd");

    if (!v)
        return 0;
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
        return -1;
    *out = strcmp(v, "on") == 0 ? 1 : -1;
    return 0;
}

/* -global virtio-mmio.ioeventfd=on|off: the default for every virtio device (-drive too). */
static enum options_result opt_global(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char prefix[] = "virtio-mmio.ioeventfd=";

    if (strncmp(arg, prefix, sizeof(prefix) - 1) != 0)
        return usage_error(opt, "'%s': kestrel knows only -global virtio-mmio.ioeventfd=on|off",
                           arg);
    const char *v = arg + sizeof(prefix) - 1;
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
        return usage_error(opt, "'%s': ioeventfd takes on or off", arg);
    cfg->virtio_mmio_no_ioeventfd = strcmp(v, "off") == 0;
    return OPTIONS_RUN;
}

/* -device virtio-blk-device,drive=ID: the drive is looked up once every option is read. */
static enum options_result opt_device_virtio_blk(struct vm_config *cfg, const char *opt,
                                                 const char *arg, const struct kv_list *l)
{
    static const char *const keys[] = {"", "drive", "serial", "ioeventfd", NULL};
    const char *drive = kv_get(l, "drive"), *serial = kv_get(l, "serial");
    int ioeventfd = 0;

    if (kv_unknown(l, keys))
        return usage_error(opt, "'%s': virtio-blk-device takes drive=ID, serial=S and "
                                "ioeventfd=on|off", arg);
    if (!drive)
        return usage_error(opt, "'%s': virtio-blk-device needs drive=ID (from -drive "
                                "if=none,id=ID,file=...)", arg);
    if (parse_ioeventfd(l, &ioeventfd) < 0)
        return usage_error(opt, "'%s': ioeventfd takes on or off", arg);
    return add_virtio(cfg, opt, (struct vm_virtio_config){
                                    .kind = VM_VIRTIO_BLK, .drive = -1,
                                    .drive_id = g_intern_string(drive),
                                    .serial = serial ? g_intern_string(serial) : NULL,
                                    .ioeventfd = ioeventfd});
}

/* -device virtio-net-device,netdev=ID[,mac=MAC]: the netdev is looked up after parsing. */
static enum options_result opt_device_virtio_net(struct vm_config *cfg, const char *opt,
                                                 const char *arg, const struct kv_list *l)
{
    static const char *const keys[] = {"", "netdev", "mac", "ioeventfd", NULL};
    const char *netdev = kv_get(l, "netdev"), *mac = kv_get(l, "mac");
    struct vm_virtio_config dev = {.kind = VM_VIRTIO_NET, .netdev = -1};

    if (kv_unknown(l, keys))
        return usage_error(opt, "'%s': virtio-net-device takes netdev=ID, mac=MAC and "
                                "ioeventfd=on|off", arg);
    if (parse_ioeventfd(l, &dev.ioeventfd) < 0)
        return usage_error(opt, "'%s': ioeventfd takes on or off", arg);
    if (!netdev)
        return usage_error(opt, "'%s': virtio-net-device needs netdev=ID (from -netdev "
                                "user,id=ID)", arg);
    if (mac && mac_parse(mac, dev.mac) < 0)
        return usage_error(opt, "'%s': mac= takes six hex bytes such as 52:54:00:12:34:56, "
                                "not a multicast address", arg);
    dev.has_mac = mac != NULL;
    dev.netdev_id = g_intern_string(netdev);
    return add_virtio(cfg, opt, dev);
}

/* ---- -chardev, virtio-serial-device and its ports ---- */

/* -device virtio-serial-device[,max_ports=N] */
static enum options_result opt_device_virtio_serial(struct vm_config *cfg, const char *opt,
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
static enum options_result opt_device_serial_port(struct vm_config *cfg, const char *opt,
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
static enum options_result opt_chardev(struct vm_config *cfg, const char *opt, const char *arg)
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
static enum options_result resolve_console_ports(struct vm_config *cfg)
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

static enum options_result opt_device(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const later[] = {
        "virtio-blk-pci", "virtio-net-pci", "virtio-rng-pci", "virtio-serial-pci", NULL,
    };
    static const char *const testdev_keys[] = {"", NULL};
    static const char *const rng_keys[] = {"", "ioeventfd", NULL};
    int ioeventfd = 0;
    struct kv_list l;
    enum options_result r = OPTIONS_RUN;

    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        print_devices();
        return OPTIONS_DONE;
    }
    kv_parse(arg, &l);
    const char *name = l.n ? kv_get(&l, "") : NULL;
    if (!name) {
        r = usage_error(opt, "'%s' does not start with a device name", arg);
    } else if (strcmp(name, "isa-debug-exit") == 0) {
        r = opt_device_debug_exit(cfg, opt, arg, &l);
    } else if (strcmp(name, "virtio-rng-device") == 0) {
        if (kv_unknown(&l, rng_keys) || parse_ioeventfd(&l, &ioeventfd) < 0)
            r = usage_error(opt, "'%s': virtio-rng-device takes only ioeventfd=on|off", arg);
        else if (cfg->nr_virtio == CONFIG_MAX_VIRTIO)
            r = usage_error(opt, "at most %d virtio devices", CONFIG_MAX_VIRTIO);
        else
            r = add_virtio(cfg, opt, (struct vm_virtio_config){.kind = VM_VIRTIO_RNG,
                                                               .ioeventfd = ioeventfd});
    } else if (strcmp(name, "virtio-blk-device") == 0) {
        r = opt_device_virtio_blk(cfg, opt, arg, &l);
    } else if (strcmp(name, "virtio-net-device") == 0) {
        r = opt_device_virtio_net(cfg, opt, arg, &l);
    } else if (strcmp(name, "virtio-serial-device") == 0) {
        r = opt_device_virtio_serial(cfg, opt, arg, &l);
    } else if (strcmp(name, "virtconsole") == 0 || strcmp(name, "virtserialport") == 0) {
        r = opt_device_serial_port(cfg, opt, arg, &l, strcmp(name, "virtconsole") == 0);
    } else if (strcmp(name, "pc-testdev") == 0) {
        if (kv_unknown(&l, testdev_keys))
            r = usage_error(opt, "pc-testdev takes no properties ('%s')", arg);
        cfg->pc_testdev = true;
    } else {
        r = usage_error(opt, "'%s' is not a device kestrel knows (try -device help)", name);
        for (const char *const *d = later; *d; d++)
            if (strcmp(name, *d) == 0)
                r = not_built(opt, name);
    }
    kv_free(&l);
    return r;
}

static enum options_result opt_path(const char **dst, const char *opt, const char *arg)
{
    if (!*arg)
        return usage_error(opt, "needs a file name");
    *dst = arg;
    return OPTIONS_RUN;
}

static enum options_result opt_kernel(struct vm_config *c, const char *o, const char *a)
{
    return opt_path(&c->kernel, o, a);
}

static enum options_result opt_initrd(struct vm_config *c, const char *o, const char *a)
{
    return opt_path(&c->initrd, o, a);
}

static enum options_result opt_bios(struct vm_config *c, const char *o, const char *a)
{
    return opt_path(&c->bios, o, a);
}

static enum options_result opt_append(struct vm_config *c, const char *o, const char *a)
{
    (void)o;
    c->append = a;
    return OPTIONS_RUN;
}

static enum options_result opt_serial(struct vm_config *c, const char *o, const char *a)
{
    (void)o;
    c->serial = a; /* validated when the backend opens */
    return OPTIONS_RUN;
}

static enum options_result opt_debugcon(struct vm_config *c, const char *o, const char *a)
{
    (void)o;
    c->debugcon = a;
    return OPTIONS_RUN;
}

static enum options_result opt_no_reboot(struct vm_config *c, const char *o, const char *a)
{
    (void)o, (void)a;
    c->no_reboot = true;
    return OPTIONS_RUN;
}

static enum options_result opt_enable_kvm(struct vm_config *c, const char *o, const char *a)
{
    return opt_accel(c, o, a ? a : "kvm");
}

/* Options whose only supported value is "none" (there is no display or monitor). */
static enum options_result opt_none_only(struct vm_config *c, const char *o, const char *a)
{
    (void)c;
    if (strcmp(a, "none") == 0)
        return OPTIONS_RUN;
    return not_built(o, "anything but 'none'");
}

static enum options_result opt_ignored(struct vm_config *c, const char *o, const char *a)
{
    (void)c, (void)o, (void)a;
    return OPTIONS_RUN; /* -nographic: kestrel never opens a display */
}

static enum options_result opt_log(struct vm_config *c, const char *o, const char *a)
{
    const char *bad = NULL;

    if (strcmp(a, "help") == 0 || strcmp(a, "?") == 0) {
        log_print_mask_help();
        return OPTIONS_DONE;
    }
    if (log_parse_mask(a, &c->log_mask, &bad) < 0)
        return usage_error(o, "unknown log item at '%s' (try -d help)", bad);
    return OPTIONS_RUN;
}

static enum options_result opt_log_file(struct vm_config *c, const char *o, const char *a)
{
    return opt_path(&c->log_file, o, a);
}

static enum options_result opt_gdb(struct vm_config *c, const char *o, const char *a)
{
    (void)c, (void)a;
    return not_built(o, "the gdb stub");
}

/* -drive file=F[,format=raw][,if=virtio|none][,readonly=on][,id=ID][,serial=S] */
static enum options_result opt_drive(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const keys[] = {"file", "format", "if", "readonly", "id", NULL};
    struct kv_list l;
    enum options_result r = OPTIONS_RUN;

    if (kv_parse(arg, &l) < 0 || kv_unknown(&l, keys)) {
        r = usage_error(opt, "'%s': -drive takes file=, format=raw, if=virtio|none, "
                             "readonly=on|off and id= (serial= goes on -device)", arg);
        goto out;
    }
    const char *file = kv_get(&l, "file"), *format = kv_get(&l, "format");
    const char *iface = kv_get(&l, "if"), *ro = kv_get(&l, "readonly");
    if (!file || !*file) {
        r = usage_error(opt, "'%s': file= names the image", arg);
    } else if (format && strcmp(format, "raw") != 0) {
        r = not_built(opt, "image formats other than raw (format=raw)");
    } else if (iface && strcmp(iface, "virtio") != 0 && strcmp(iface, "none") != 0) {
        r = not_built(opt, "drive interfaces other than if=virtio and if=none");
    } else if (ro && strcmp(ro, "on") != 0 && strcmp(ro, "off") != 0) {
        r = usage_error(opt, "'%s': readonly= takes on or off", arg);
    } else if (cfg->nr_drives == CONFIG_MAX_DRIVES) {
        r = usage_error(opt, "at most %d drives", CONFIG_MAX_DRIVES);
    } else {
        const char *id = kv_get(&l, "id");
        int index = (int)cfg->nr_drives++;
        cfg->drives[index] = (struct vm_drive_config){
            g_intern_string(file), id ? g_intern_string(id) : NULL, ro && strcmp(ro, "on") == 0};
        /* QEMU's default interface is the board's disk controller; here that is virtio. */
        if (!iface || strcmp(iface, "virtio") == 0)
            r = add_virtio(cfg, opt,
                           (struct vm_virtio_config){.kind = VM_VIRTIO_BLK, .drive = index});
    }
out:
    kv_free(&l);
    return r;
}

/* Connects each -device virtio-blk-device,drive=ID to its -drive, once all are read. */
static enum options_result resolve_drives(struct vm_config *cfg)
{
    bool used[CONFIG_MAX_DRIVES] = {false};

    for (unsigned i = 0; i < cfg->nr_virtio; i++) {
        struct vm_virtio_config *v = &cfg->virtio[i];
        if (v->kind != VM_VIRTIO_BLK)
            continue;
        for (unsigned d = 0; v->drive < 0 && d < cfg->nr_drives; d++)
            if (cfg->drives[d].id && strcmp(cfg->drives[d].id, v->drive_id) == 0)
                v->drive = (int)d;
        if (v->drive < 0)
            return usage_error("-device", "virtio-blk-device: no -drive has id=%s",
                               v->drive_id);
        if (used[v->drive])
            return usage_error("-drive", "%s is attached to two devices",
                               cfg->drives[v->drive].file);
        used[v->drive] = true;
    }
    for (unsigned d = 0; d < cfg->nr_drives; d++)
        if (!used[d])
            return usage_error("-drive", "%s (if=none) is not attached to any device (add "
                                         "-device virtio-blk-device,drive=%s)",
                               cfg->drives[d].file, cfg->drives[d].id ? cfg->drives[d].id : "ID");
    return OPTIONS_RUN;
}

/* hostfwd=, restrict= and ipv6= of a user netdev, from any key list that has them. */
static enum options_result netdev_user_props(struct vm_netdev_config *nd, const char *opt,
                                             const char *arg, const struct kv_list *l)
{
    const char *restrict_ = kv_get(l, "restrict"), *ipv6 = kv_get(l, "ipv6");

    if ((restrict_ && strcmp(restrict_, "on") && strcmp(restrict_, "off")) ||
        (ipv6 && strcmp(ipv6, "on") && strcmp(ipv6, "off")))
        return usage_error(opt, "'%s': restrict= and ipv6= take on or off", arg);
    nd->restricted = restrict_ && strcmp(restrict_, "on") == 0;
    nd->ipv6 = !ipv6 || strcmp(ipv6, "on") == 0;
    for (unsigned i = 0; i < l->n; i++) {
        const char *why;
        if (strcmp(l->key[i], "hostfwd") != 0)
            continue;
        if (nd->nr_hostfwd == CONFIG_MAX_HOSTFWD)
            return usage_error(opt, "at most %d hostfwd= rules", CONFIG_MAX_HOSTFWD);
        if (hostfwd_parse(l->value[i], &nd->hostfwd[nd->nr_hostfwd], &why) < 0)
            return usage_error(opt, "hostfwd=%s: %s (e.g. hostfwd=tcp:127.0.0.1:2222-:22)",
                               l->value[i], why);
        nd->nr_hostfwd++;
    }
    return OPTIONS_RUN;
}

static enum options_result check_netdev_type(const char *opt, const char *type)
{
    if (!type)
        return usage_error(opt, "the first item names the backend: user");
    if (strcmp(type, "user") != 0)
        return not_built(opt, "a network backend other than user (libslirp)");
    return OPTIONS_RUN;
}

/* -netdev user,id=ID[,hostfwd=RULE...][,restrict=on|off][,ipv6=on|off] */
static enum options_result opt_netdev(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const keys[] = {"", "id", "hostfwd", "restrict", "ipv6", NULL};
    struct kv_list l;
    enum options_result r;

    if (kv_parse(arg, &l) < 0 || kv_unknown(&l, keys)) {
        r = usage_error(opt, "'%s': -netdev user takes id=, hostfwd=, restrict= and ipv6= "
                             "(other properties are not built yet)", arg);
    } else if ((r = check_netdev_type(opt, kv_get(&l, ""))) != OPTIONS_RUN) {
    } else if (!kv_get(&l, "id") || !*kv_get(&l, "id")) {
        r = usage_error(opt, "'%s': id=ID names the netdev for -device ...,netdev=ID", arg);
    } else if (cfg->nr_netdevs == CONFIG_MAX_NETDEVS) {
        r = usage_error(opt, "at most %d netdevs", CONFIG_MAX_NETDEVS);
    } else {
        struct vm_netdev_config *nd = &cfg->netdevs[cfg->nr_netdevs];
        *nd = (struct vm_netdev_config){.id = g_intern_string(kv_get(&l, "id"))};
        for (unsigned i = 0; i < cfg->nr_netdevs; i++)
            if (strcmp(cfg->netdevs[i].id, nd->id) == 0)
                r = usage_error(opt, "two netdevs have id=%s", nd->id);
        if (r == OPTIONS_RUN && (r = netdev_user_props(nd, opt, arg, &l)) == OPTIONS_RUN)
            cfg->nr_netdevs++;
    }
    kv_free(&l);
    return r;
}

/* -nic user[,hostfwd=...][,model=virtio-net-device][,mac=MAC]: a netdev and its NIC at once. */
static enum options_result opt_nic(struct vm_config *cfg, const char *opt, const char *arg)
{
    static const char *const keys[] = {"", "hostfwd", "restrict", "ipv6", "model", "mac", NULL};
    struct kv_list l;
    enum options_result r;
    const char *model, *mac;

    if (kv_parse(arg, &l) < 0 || kv_unknown(&l, keys)) {
        r = usage_error(opt, "'%s': -nic user takes hostfwd=, restrict=, ipv6=, model= and "
                             "mac=", arg);
    } else if ((r = check_netdev_type(opt, kv_get(&l, ""))) != OPTIONS_RUN) {
    } else if ((model = kv_get(&l, "model")) && strcmp(model, "virtio-net-device") &&
               strcmp(model, "virtio")) {
        r = not_built(opt, "NIC models other than virtio-net-device");
    } else if (cfg->nr_netdevs == CONFIG_MAX_NETDEVS) {
        r = usage_error(opt, "at most %d netdevs", CONFIG_MAX_NETDEVS);
    } else {
        struct vm_netdev_config *nd = &cfg->netdevs[cfg->nr_netdevs];
        struct vm_virtio_config dev = {.kind = VM_VIRTIO_NET, .netdev = (int)cfg->nr_netdevs};
        char id[24];
        snprintf(id, sizeof(id), "__nic%u", cfg->nr_netdevs);
        *nd = (struct vm_netdev_config){.id = g_intern_string(id)};
        if ((mac = kv_get(&l, "mac")) && mac_parse(mac, dev.mac) < 0)
            r = usage_error(opt, "'%s': mac= takes six hex bytes such as 52:54:00:12:34:56, "
                                 "not a multicast address", arg);
        dev.has_mac = mac != NULL;
        if (r == OPTIONS_RUN && (r = netdev_user_props(nd, opt, arg, &l)) == OPTIONS_RUN) {
            cfg->nr_netdevs++;
            r = add_virtio(cfg, opt, dev);
        }
    }
    kv_free(&l);
    return r;
}

/* Connects each -device virtio-net-device,netdev=ID to its -netdev, once all are read. */
static enum options_result resolve_netdevs(struct vm_config *cfg)
{
    bool used[CONFIG_MAX_NETDEVS] = {false};

    for (unsigned i = 0; i < cfg->nr_virtio; i++) {
        struct vm_virtio_config *v = &cfg->virtio[i];
        if (v->kind != VM_VIRTIO_NET)
            continue;
        for (unsigned n = 0; v->netdev < 0 && n < cfg->nr_netdevs; n++)
            if (strcmp(cfg->netdevs[n].id, v->netdev_id) == 0)
                v->netdev = (int)n;
        if (v->netdev < 0)
            return usage_error("-device", "virtio-net-device: no -netdev has id=%s",
                               v->netdev_id);
        if (used[v->netdev])
            return usage_error("-device", "netdev %s is attached to two devices",
                               cfg->netdevs[v->netdev].id);
        used[v->netdev] = true;
    }
    for (unsigned n = 0; n < cfg->nr_netdevs; n++)
        if (!used[n])
            return usage_error("-netdev", "%s is not attached to any device (add -device "
                                          "virtio-net-device,netdev=%s)",
                               cfg->netdevs[n].id, cfg->netdevs[n].id);
    return OPTIONS_RUN;
}

static enum options_result opt_later_io(struct vm_config *c, const char *o, const char *a)
{
    (void)c, (void)a;
    return not_built(o, "IDE disks and CD-ROMs (a virtio disk is -drive file=F,format=raw,"
                        "if=virtio)");
}

static void print_help(void)
{
    printf("Usage: kestrel [options]\n"
           "Runs a virtual machine. Option names follow QEMU's.\n\n"
           "  -M, -machine NAME[,accel=A]  board (pc or virt; -M help lists them)\n"
           "  -accel kvm|tcg|kvm:tcg      accelerator, with fallback (default kvm:tcg; tcg on virt)\n"
           "  -accel tcg,one-insn-per-tb=on,tb-size=MiB   TCG: one guest insn per block\n"
           "  -enable-kvm                 same as -accel kvm\n"
           "  -m SIZE                     guest RAM (MiB, or with K/M/G/T suffix; "
           "default 128M)\n"
           "  -smp N                      number of vCPUs, one host thread each\n"
           "  -kernel FILE                pc: multiboot kernel; virt: RISC-V ELF program\n"
           "  -bios none                  virt: no firmware; -kernel runs in M mode\n"
           "  -initrd 'FILE ARGS,...'     multiboot modules\n"
           "  -append CMDLINE             kernel command line\n"
           "  -serial stdio|file:PATH|null|none   COM1 backend (default stdio)\n"
           "  -debugcon stdio|file:PATH|null|none port 0xe9 console\n"
           "  -device isa-debug-exit[,iobase=P,iosize=N] | pc-testdev | help\n"
           "  -device virtio-rng-device | virtio-blk-device,drive=ID | "
           "virtio-net-device,netdev=ID\n"
           "  -drive file=F[,format=raw][,if=virtio|none][,readonly=on][,id=ID]  a virtio disk\n"
           "  -netdev user,id=ID[,hostfwd=tcp:HADDR:HPORT-:GPORT]  slirp user networking\n"
           "  -nic user[,hostfwd=...][,mac=MAC]   -netdev user and a virtio-net-device at once\n"
           "  -global virtio-mmio.ioeventfd=off  virtio without KVM's ioeventfd/irqfd\n"
           "  -chardev null|stdio|file|socket,id=ID[,path=P][,server=on][,wait=off]\n"
           "                              a backend for -device virtconsole,chardev=ID\n"
           "  -no-reboot                  exit instead of resetting\n"
           "  -nographic, -display none   accepted; kestrel has no display\n"
           "  -d ITEMS, -D FILE           debug logging (-d help), to FILE\n"
           "  -perfmap                    TCG: name generated code in /tmp/perf-PID.map\n"
           "  -h, -help                   this text;  -version  the version\n\n"
           "On stdio, C-a x quits and C-a h lists the other escape keys.\n");
}

static enum options_result opt_help(struct vm_config *c, const char *o, const char *a)
{
    (void)c, (void)o, (void)a;
    print_help();
    return OPTIONS_DONE;
}

static enum options_result opt_version(struct vm_config *c, const char *o, const char *a)
{
    (void)c, (void)o, (void)a;
    printf("kestrel version " KESTREL_VERSION "\n");
    return OPTIONS_DONE;
}

static const struct option_def {
    const char *name;
    bool has_arg;
    enum options_result (*fn)(struct vm_config *cfg, const char *opt, const char *arg);
} option_table[] = {
    {"M", true, opt_machine},        {"machine", true, opt_machine},
    {"accel", true, opt_accel},      {"enable-kvm", false, opt_enable_kvm},
    {"m", true, opt_memory},         {"smp", true, opt_smp},
    {"kernel", true, opt_kernel},    {"initrd", true, opt_initrd},
    {"append", true, opt_append},    {"bios", true, opt_bios},
    {"serial", true, opt_serial},    {"debugcon", true, opt_debugcon},
    {"device", true, opt_device},    {"no-reboot", false, opt_no_reboot},
    {"chardev", true, opt_chardev},
    {"nographic", false, opt_ignored}, {"display", true, opt_none_only},
    {"vga", true, opt_none_only},    {"monitor", true, opt_none_only},
    {"d", true, opt_log},            {"D", true, opt_log_file},
    {"s", false, opt_gdb},           {"S", false, opt_gdb},
    {"gdb", true, opt_gdb},          {"drive", true, opt_drive},
    {"netdev", true, opt_netdev},    {"nic", true, opt_nic},
    {"hda", true, opt_later_io},     {"cdrom", true, opt_later_io},
    {"h", false, opt_help},          {"help", false, opt_help},
    {"version", false, opt_version},
    {"global", true, opt_global},
    {"singlestep", false, opt_singlestep},
    {"perfmap", false, opt_perfmap},
    {"one-insn-per-tb", false, opt_singlestep},
};

static const struct option_def *option_find(const char *name)
{
    for (size_t i = 0; i < sizeof(option_table) / sizeof(option_table[0]); i++)
        if (strcmp(option_table[i].name, name) == 0)
            return &option_table[i];
    return NULL;
}

static void options_defaults(struct vm_config *cfg)
{
    *cfg = (struct vm_config){
        .machine = "pc",
        .accel = NULL,
        .nr_vcpus = 1,
        .serial = "stdio",
    };
}

enum options_result options_parse(int argc, char **argv, struct vm_config *cfg)
{
    options_defaults(cfg);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0')
            return usage_error(arg, "unexpected argument; options start with '-' "
                                    "(see kestrel -help)");
        const char *name = arg + (arg[1] == '-' ? 2 : 1); /* -opt and --opt alike */
        const struct option_def *o = option_find(name);
        if (!o)
            return usage_error(arg, "unknown option (see kestrel -help)");
        const char *value = NULL;
        if (o->has_arg) {
            if (i + 1 >= argc)
                return usage_error(arg, "requires an argument");
            value = argv[++i];
        }
        enum options_result r = o->fn(cfg, arg, value);
        if (r != OPTIONS_RUN)
            return r;
    }
    /* without -accel, cfg->accel stays NULL: the board's default */
    enum options_result r = resolve_drives(cfg);
    if (r == OPTIONS_RUN)
        r = resolve_netdevs(cfg);
    return r == OPTIONS_RUN ? resolve_console_ports(cfg) : r;
}

int options_exit_status(enum options_result r)
{
    switch (r) {
    case OPTIONS_DONE: return 0;
    case OPTIONS_USAGE: return 2;
    default: return 1;
    }
}
