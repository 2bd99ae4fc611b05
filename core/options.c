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
#include "core/options_internal.h"
#include "machine/machine.h"

#define MAX_RAM_SIZE (1ull << 40)

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
           "  -accel kvm|tcg|kvm:tcg      accelerator, with fallback "
           "(default kvm:tcg; tcg on virt)\n"
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
