/* Options for virtio devices, -drive, -netdev and -nic, and -global virtio-mmio. */
#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/options_internal.h"
#include "core/netopts.h"

enum options_result add_virtio(struct vm_config *cfg, const char *opt,
                               struct vm_virtio_config dev)
{
    if (cfg->nr_virtio == CONFIG_MAX_VIRTIO)
        return usage_error(opt, "at most %d virtio devices", CONFIG_MAX_VIRTIO);
    cfg->virtio[cfg->nr_virtio++] = dev;
    return OPTIONS_RUN;
}

/* ioeventfd=on|off, QEMU's property for a virtio transport's fast path; 0, or -1 if invalid. */
int parse_ioeventfd(const struct kv_list *l, int *out)
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
enum options_result opt_global(struct vm_config *cfg, const char *opt, const char *arg)
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
enum options_result opt_device_virtio_blk(struct vm_config *cfg, const char *opt,
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
enum options_result opt_device_virtio_net(struct vm_config *cfg, const char *opt,
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

/* -drive file=F[,format=raw][,if=virtio|none][,readonly=on][,id=ID][,serial=S] */
enum options_result opt_drive(struct vm_config *cfg, const char *opt, const char *arg)
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
enum options_result resolve_drives(struct vm_config *cfg)
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

/* QEMU's rule for ids; it also keeps the ids -nic makes up ("__nic0") apart from any. */
static bool id_well_formed(const char *id)
{
    if (!isalpha((unsigned char)*id))
        return false;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-._", *p))
            return false;
    return true;
}

/* -netdev user,id=ID[,hostfwd=RULE...][,restrict=on|off][,ipv6=on|off] */
enum options_result opt_netdev(struct vm_config *cfg, const char *opt, const char *arg)
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
    } else if (!id_well_formed(kv_get(&l, "id"))) {
        r = usage_error(opt, "'%s': an id starts with a letter and holds letters, digits, "
                             "'-', '.' and '_', as in QEMU", arg);
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
enum options_result opt_nic(struct vm_config *cfg, const char *opt, const char *arg)
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
enum options_result resolve_netdevs(struct vm_config *cfg)
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
