/* Unit tests for core/options: QEMU-style command lines into struct vm_config. */
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "core/options.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Parses "kestrel" followed by the NULL-terminated arguments. */
static enum options_result parse(struct vm_config *cfg, ...)
{
    char *argv[64] = {(char *)"kestrel"};
    int argc = 1;
    va_list ap;

    va_start(ap, cfg);
    for (const char *a; (a = va_arg(ap, const char *));) {
        g_assert_cmpint(argc, <, 63);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    memset(cfg, 0x5a, sizeof(*cfg)); /* options_parse must set every default itself */
    return options_parse(argc, argv, cfg);
}

static void test_defaults(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.machine, ==, "pc");
    g_assert_null(cfg.accel); /* the board's default */
    g_assert_cmpuint(cfg.nr_vcpus, ==, 1);
    g_assert_cmpstr(cfg.serial, ==, "stdio");
    g_assert_cmpuint(cfg.ram_size, ==, 0);
    g_assert_null(cfg.kernel);
    g_assert_null(cfg.initrd);
    g_assert_null(cfg.append);
    g_assert_null(cfg.debugcon);
    g_assert_false(cfg.no_reboot);
    g_assert_false(cfg.debug_exit.enabled);
    g_assert_false(cfg.pc_testdev);
    g_assert_cmphex(cfg.log_mask, ==, 0);
}

static void test_basic_options(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-kernel", "k.elf", "-initrd", "a b,c", "-append",
                          "console=ttyS0", "-serial", "file:out.txt", "-debugcon", "stdio",
                          "-no-reboot", "-nographic", "-display", "none", "-M", "pc",
                          "-D", "log.txt", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.kernel, ==, "k.elf");
    g_assert_cmpstr(cfg.initrd, ==, "a b,c");
    g_assert_cmpstr(cfg.append, ==, "console=ttyS0");
    g_assert_cmpstr(cfg.serial, ==, "file:out.txt");
    g_assert_cmpstr(cfg.debugcon, ==, "stdio");
    g_assert_true(cfg.no_reboot);
    g_assert_cmpstr(cfg.machine, ==, "pc");
    g_assert_cmpstr(cfg.log_file, ==, "log.txt");
    /* An empty -append is a valid, empty command line. */
    g_assert_cmpint(parse(&cfg, "-append", "", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.append, ==, "");
}

static void test_double_dash(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "--kernel", "k.elf", "--m", "64", "--no-reboot", NULL), ==,
                    OPTIONS_RUN);
    g_assert_cmpstr(cfg.kernel, ==, "k.elf");
    g_assert_cmpuint(cfg.ram_size, ==, 64 * MiB);
    g_assert_true(cfg.no_reboot);
}

static void test_usage_errors(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-bogus", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "--bogus", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "kernel.elf", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "--", NULL), ==, OPTIONS_USAGE);
    /* A missing argument. */
    g_assert_cmpint(parse(&cfg, "-kernel", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-m", "64", "-smp", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-kernel", "", NULL), ==, OPTIONS_USAGE);
    /* An error stops parsing at once, even before a later valid option. */
    g_assert_cmpint(parse(&cfg, "-M", "nosuchboard", "-kernel", "k", NULL), ==,
                    OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-M", "pc,foo=bar", NULL), ==, OPTIONS_USAGE);
}

static void test_memory(void)
{
    static const struct {
        const char *arg;
        uint64_t bytes;
    } good[] = {
        {"512", 512 * MiB}, {"512M", 512 * MiB}, {"512m", 512 * MiB}, {"2G", 2 * GiB},
        {"1T", 1ull << 40}, {"65536K", 64 * MiB}, {"size=1G", GiB}, {"128MB", 128 * MiB},
        {"1048576", 1ull << 40},
    };
    static const char *const bad[] = {
        "0", "abc", "12Q", "", "-1", "1.5G", "512 ", "size=", "size=0", "foo=1G", "2G,x=1",
        "1048577", "2T", "99999999999999999999999", "0x100",
    };
    struct vm_config cfg;

    for (unsigned i = 0; i < G_N_ELEMENTS(good); i++) {
        g_assert_cmpint(parse(&cfg, "-m", good[i].arg, NULL), ==, OPTIONS_RUN);
        g_assert_cmpuint(cfg.ram_size, ==, good[i].bytes);
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("-m '%s'", bad[i]);
        g_assert_cmpint(parse(&cfg, "-m", bad[i], NULL), ==, OPTIONS_USAGE);
    }
}

static void test_parse_size(void)
{
    uint64_t b = 0;

    g_assert_cmpint(options_parse_size("4", &b), ==, 0);
    g_assert_cmpuint(b, ==, 4 * MiB);
    g_assert_cmpint(options_parse_size("3g", &b), ==, 0);
    g_assert_cmpuint(b, ==, 3 * GiB);
    b = 42;
    g_assert_cmpint(options_parse_size("3X", &b), ==, -EINVAL);
    g_assert_cmpint(options_parse_size("", &b), ==, -EINVAL);
    g_assert_cmpint(options_parse_size("G", &b), ==, -EINVAL);
    g_assert_cmpuint(b, ==, 42); /* untouched on failure */
}

static void test_smp(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-smp", "4", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_vcpus, ==, 4);
    g_assert_cmpint(parse(&cfg, "-smp", "cpus=4", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_vcpus, ==, 4);
    g_assert_cmpint(parse(&cfg, "-smp", "2,maxcpus=2", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_vcpus, ==, 2);
    g_assert_cmpint(parse(&cfg, "-smp", "1", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_vcpus, ==, 1);
    g_assert_cmpint(parse(&cfg, "-smp", G_STRINGIFY(CONFIG_MAX_VCPUS), NULL), ==,
                    OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_vcpus, ==, CONFIG_MAX_VCPUS);

    static const char *const bad[] = {"0", "999", "256", "", "abc", "4x", "-1", "cpus=0",
                                      "cpus=", "sockets=2", "4,cores", "cpus=999"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("-smp '%s'", bad[i]);
        g_assert_cmpint(parse(&cfg, "-smp", bad[i], NULL), ==, OPTIONS_USAGE);
    }
    /* CPU hotplug is a real QEMU feature kestrel lacks. */
    g_assert_cmpint(parse(&cfg, "-smp", "2,maxcpus=4", NULL), ==, OPTIONS_MISSING);
}

static void test_accel(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-accel", "kvm:tcg", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.accel, ==, "kvm:tcg");
    g_assert_cmpint(parse(&cfg, "-accel", "tcg", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.accel, ==, "tcg");
    g_assert_cmpint(parse(&cfg, "-accel", "kvm", "-accel", "tcg", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.accel, ==, "kvm:tcg");
    g_assert_cmpint(parse(&cfg, "-enable-kvm", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.accel, ==, "kvm");
    g_assert_cmpint(parse(&cfg, "-M", "pc,accel=tcg", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.accel, ==, "tcg");
    g_assert_cmpstr(cfg.machine, ==, "pc");

    g_assert_cmpint(parse(&cfg, "-accel", "foo", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-accel", "kvm:foo", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-accel", "", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-accel", "kvm:", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-M", "pc,accel=foo", NULL), ==, OPTIONS_USAGE);
}

static void test_device(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-device", "isa-debug-exit,iobase=0xf4,iosize=4", NULL), ==,
                    OPTIONS_RUN);
    g_assert_true(cfg.debug_exit.enabled);
    g_assert_cmphex(cfg.debug_exit.iobase, ==, 0xf4);
    g_assert_cmpuint(cfg.debug_exit.iosize, ==, 4);
    /* QEMU's defaults. */
    g_assert_cmpint(parse(&cfg, "-device", "isa-debug-exit", NULL), ==, OPTIONS_RUN);
    g_assert_true(cfg.debug_exit.enabled);
    g_assert_cmphex(cfg.debug_exit.iobase, ==, 0x501);
    g_assert_cmpuint(cfg.debug_exit.iosize, ==, 2);
    g_assert_cmpint(parse(&cfg, "-device", "pc-testdev", NULL), ==, OPTIONS_RUN);
    g_assert_true(cfg.pc_testdev);

    static const char *const bad[] = {
        "nonsense", "isa-debug-exit,iobase=0x10000", "isa-debug-exit,iosize=0",
        "isa-debug-exit,iosize=9", "isa-debug-exit,iobase=0xffff,iosize=2",
        "isa-debug-exit,color=red", "isa-debug-exit,iobase", "isa-debug-exit,iobase=zz",
        "pc-testdev,x=1", "", ",", "virtio-rng-device,max-bytes=1",
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("-device '%s'", bad[i]);
        g_assert_cmpint(parse(&cfg, "-device", bad[i], NULL), ==, OPTIONS_USAGE);
    }
    g_assert_cmpint(parse(&cfg, "-device", "virtio-net-device", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-device", "virtio-rng-device", "-device", "virtio-rng-device",
                          NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_virtio, ==, 2);
    g_assert_cmpint(cfg.virtio[1].kind, ==, VM_VIRTIO_RNG);
    g_assert_cmpint(parse(&cfg, "-device", "virtio-net-pci,netdev=n0", NULL), ==,
                    OPTIONS_MISSING);
}

static void test_drive(void)
{
    struct vm_config cfg;

    /* -drive if=virtio (the default interface) makes its own virtio-blk device. */
    g_assert_cmpint(parse(&cfg, "-drive", "file=a.img,format=raw,readonly=on", NULL), ==,
                    OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_drives, ==, 1);
    g_assert_cmpstr(cfg.drives[0].file, ==, "a.img");
    g_assert_true(cfg.drives[0].readonly);
    g_assert_cmpuint(cfg.nr_virtio, ==, 1);
    g_assert_cmpint(cfg.virtio[0].kind, ==, VM_VIRTIO_BLK);
    g_assert_cmpint(cfg.virtio[0].drive, ==, 0);

    /* if=none with an id, attached by -device in either order. */
    g_assert_cmpint(parse(&cfg, "-device", "virtio-blk-device,drive=d1,serial=S1", "-drive",
                          "file=b.img,if=none,id=d1", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_virtio, ==, 1);
    g_assert_cmpint(cfg.virtio[0].drive, ==, 0);
    g_assert_cmpstr(cfg.virtio[0].serial, ==, "S1");
    g_assert_false(cfg.drives[0].readonly);

    static const char *const usage[][4] = {
        {"-drive", "format=raw", NULL, NULL},                          /* no file */
        {"-drive", "file=a.img,readonly=maybe", NULL, NULL},
        {"-drive", "file=a.img,cache=none", NULL, NULL},               /* not a key we take */
        {"-drive", "file=a.img,if=none,id=x", NULL, NULL},             /* attached to nothing */
        {"-device", "virtio-blk-device,drive=nope", NULL, NULL},       /* no such drive */
        {"-device", "virtio-blk-device", NULL, NULL},                  /* no drive= */
        {"-drive", "file=a.img,if=none,id=x", "-device", "virtio-blk-device,drive=x,foo=1"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(usage); i++) {
        g_test_message("%s %s", usage[i][0], usage[i][1]);
        g_assert_cmpint(parse(&cfg, usage[i][0], usage[i][1], usage[i][2], usage[i][3], NULL),
                        ==, OPTIONS_USAGE);
    }
    /* One drive, two devices. */
    g_assert_cmpint(parse(&cfg, "-drive", "file=a.img,if=none,id=x", "-device",
                          "virtio-blk-device,drive=x", "-device", "virtio-blk-device,drive=x",
                          NULL), ==, OPTIONS_USAGE);
}

static void test_netdev(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22,"
                                           "hostfwd=udp::5000-:5001,restrict=on,ipv6=off",
                          "-device", "virtio-net-device,netdev=n0,mac=52:54:00:00:00:07",
                          NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_netdevs, ==, 1);
    g_assert_cmpstr(cfg.netdevs[0].id, ==, "n0");
    g_assert_true(cfg.netdevs[0].restricted);
    g_assert_false(cfg.netdevs[0].ipv6);
    g_assert_cmpuint(cfg.netdevs[0].nr_hostfwd, ==, 2);
    g_assert_cmpuint(cfg.netdevs[0].hostfwd[0].host_port, ==, 2222);
    g_assert_true(cfg.netdevs[0].hostfwd[1].udp);
    g_assert_cmpuint(cfg.nr_virtio, ==, 1);
    g_assert_cmpint(cfg.virtio[0].kind, ==, VM_VIRTIO_NET);
    g_assert_cmpint(cfg.virtio[0].netdev, ==, 0);
    g_assert_true(cfg.virtio[0].has_mac);
    g_assert_cmphex(cfg.virtio[0].mac[5], ==, 7);

    /* -nic: both at once, IPv6 on by default as in QEMU. */
    g_assert_cmpint(parse(&cfg, "-nic", "user,model=virtio-net-device", "-nic", "user", NULL),
                    ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_netdevs, ==, 2);
    g_assert_cmpuint(cfg.nr_virtio, ==, 2);
    g_assert_cmpint(cfg.virtio[1].netdev, ==, 1);
    g_assert_true(cfg.netdevs[1].ipv6);
    g_assert_false(cfg.virtio[1].has_mac);

    static const char *const usage[][4] = {
        {"-netdev", "user", NULL, NULL},                                    /* no id */
        {"-netdev", "user,id=n0,hostfwd=tcp:1.2.3.4:0-:22", NULL, NULL},
        {"-netdev", "user,id=n0,net=10.1.0.0/16", NULL, NULL},              /* not a key we take */
        {"-netdev", "user,id=n0,restrict=maybe", NULL, NULL},
        {"-netdev", "user,id=n0", NULL, NULL},                              /* no device */
        {"-device", "virtio-net-device,netdev=n9", NULL, NULL},             /* no such netdev */
        {"-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0,mac=01:00:00:00:00:01"},
        {"-netdev", "user,id=n0", "-netdev", "user,id=n0"},                 /* the same id */
        {"-netdev", "user,id=__nic0", "-nic", "user"},                      /* not an id */
        {"-netdev", "user,id=0n", NULL, NULL},
        {"-nic", "user,mac=zz", NULL, NULL},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(usage); i++) {
        g_test_message("%s %s %s", usage[i][0], usage[i][1], usage[i][2] ? usage[i][3] : "");
        g_assert_cmpint(parse(&cfg, usage[i][0], usage[i][1], usage[i][2], usage[i][3], NULL),
                        ==, OPTIONS_USAGE);
    }
    /* One netdev, two NICs. */
    g_assert_cmpint(parse(&cfg, "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                          "-device", "virtio-net-device,netdev=n0", NULL), ==, OPTIONS_USAGE);
}

/* ioeventfd=on|off per device, -global virtio-mmio.ioeventfd= as the default (QEMU's names). */
static void test_ioeventfd(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-drive", "file=a.img", "-device", "virtio-rng-device", NULL),
                    ==, OPTIONS_RUN);
    g_assert_true(vm_virtio_ioeventfd(&cfg, 0));
    g_assert_true(vm_virtio_ioeventfd(&cfg, 1));
    g_assert_cmpint(parse(&cfg, "-drive", "file=a.img,if=none,id=d", "-device",
                          "virtio-blk-device,drive=d,ioeventfd=off", "-device",
                          "virtio-rng-device,ioeventfd=on", NULL), ==, OPTIONS_RUN);
    g_assert_false(vm_virtio_ioeventfd(&cfg, 0));
    g_assert_true(vm_virtio_ioeventfd(&cfg, 1));
    /* -global sets the default, also for -drive if=virtio; a device's own value wins. */
    g_assert_cmpint(parse(&cfg, "-global", "virtio-mmio.ioeventfd=off", "-drive", "file=a.img",
                          "-device", "virtio-rng-device,ioeventfd=on", NULL), ==, OPTIONS_RUN);
    g_assert_false(vm_virtio_ioeventfd(&cfg, 0));
    g_assert_true(vm_virtio_ioeventfd(&cfg, 1));
    g_assert_cmpint(parse(&cfg, "-global", "virtio-mmio.ioeventfd=on", "-drive", "file=a.img",
                          NULL), ==, OPTIONS_RUN);
    g_assert_true(vm_virtio_ioeventfd(&cfg, 0));

    static const char *const usage[][2] = {
        {"-device", "virtio-rng-device,ioeventfd=yes"},
        {"-device", "virtio-rng-device,ioeventfd"},
        {"-global", "virtio-mmio.ioeventfd=1"},
        {"-global", "virtio-mmio.ioeventfd"},
        {"-global", "virtio-blk-device.ioeventfd=off"},
        {"-global", ""},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(usage); i++) {
        g_test_message("%s %s", usage[i][0], usage[i][1]);
        g_assert_cmpint(parse(&cfg, usage[i][0], usage[i][1], NULL), ==, OPTIONS_USAGE);
    }
    g_assert_cmpint(parse(&cfg, "-drive", "file=a.img,if=none,id=x", "-device",
                          "virtio-blk-device,drive=x,ioeventfd=maybe", NULL), ==, OPTIONS_USAGE);
}

static void test_chardev_and_console(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-serial", "none", "-chardev", "stdio,id=s", "-chardev",
                          "socket,id=k,path=/tmp/k.sock,server=on,wait=off", "-chardev",
                          "file,id=f,path=out.txt", "-chardev", "null,id=n", "-device",
                          "virtio-serial-device", "-device", "virtconsole,chardev=s",
                          "-device", "virtserialport,chardev=f,name=org.a", "-device",
                          "virtserialport,chardev=k,name=org.b,nr=5", "-device",
                          "virtconsole,chardev=n", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.nr_chardevs, ==, 4);
    g_assert_cmpint(cfg.chardevs[0].backend, ==, VM_CHARDEV_STDIO);
    g_assert_cmpint(cfg.chardevs[1].backend, ==, VM_CHARDEV_SOCKET);
    g_assert_cmpstr(cfg.chardevs[1].path, ==, "/tmp/k.sock");
    g_assert_true(cfg.chardevs[1].server);
    g_assert_false(cfg.chardevs[1].wait);
    g_assert_cmpint(cfg.chardevs[2].backend, ==, VM_CHARDEV_FILE);
    g_assert_cmpuint(cfg.nr_virtio, ==, 1);
    g_assert_cmpint(cfg.virtio[0].kind, ==, VM_VIRTIO_CONSOLE);
    g_assert_cmpuint(cfg.virtio[0].max_ports, ==, CONFIG_MAX_SERIAL_PORTS);
    g_assert_cmpuint(cfg.nr_console_ports, ==, 4);
    /* QEMU's numbering: the first console takes port 0, the others the lowest free. */
    static const unsigned nr[] = {0, 1, 5, 2};
    static const int chardev[] = {0, 2, 1, 3};
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmpuint(cfg.console_ports[i].nr, ==, nr[i]);
        g_assert_cmpint(cfg.console_ports[i].chardev, ==, chardev[i]);
        g_assert_cmpuint(cfg.console_ports[i].virtio, ==, 0);
    }
    g_assert_true(cfg.console_ports[0].console);
    g_assert_false(cfg.console_ports[1].console);
    g_assert_cmpstr(cfg.console_ports[2].name, ==, "org.b");
    /* A socket is a client unless server=on, and a server waits unless wait=off. */
    g_assert_cmpint(parse(&cfg, "-chardev", "socket,id=k,path=p", "-chardev",
                          "socket,id=l,path=q,server=on", NULL), ==, OPTIONS_RUN);
    g_assert_false(cfg.chardevs[0].server);
    g_assert_true(cfg.chardevs[1].server && cfg.chardevs[1].wait);

    static const char *const usage[][11] = {
        {"-chardev", "stdio"},                                   /* no id */
        {"-chardev", "null,id=a", "-chardev", "null,id=a"},      /* the same id twice */
        {"-chardev", "frob,id=a"},                               /* no such backend */
        {"-chardev", "file,id=a"},                               /* no path */
        {"-chardev", "socket,id=a"},
        {"-chardev", "socket,id=a,path=p,server=maybe"},
        {"-chardev", "null,id=a,colour=red"},
        {"-chardev", "null,id=a", "-device", "virtconsole,chardev=a"}, /* no bus */
        {"-device", "virtio-serial-device", "-device", "virtconsole"},  /* no chardev= */
        {"-device", "virtio-serial-device", "-device", "virtconsole,chardev=nope"},
        {"-chardev", "null,id=a", "-device", "virtio-serial-device", "-device",
         "virtconsole,chardev=a", "-device", "virtconsole,chardev=a"}, /* one backend, 2 */
        {"-chardev", "null,id=a", "-device", "virtio-serial-device", "-device",
         "virtserialport,chardev=a,nr=0"},                       /* 0 is for consoles */
        {"-chardev", "null,id=a", "-device", "virtio-serial-device", "-device",
         "virtserialport,chardev=a,nr=8"},                       /* past max_ports */
        {"-chardev", "null,id=a", "-chardev", "null,id=b", "-device", "virtio-serial-device",
         "-device", "virtserialport,chardev=a,name=x", "-device",
         "virtserialport,chardev=b,name=x"},                     /* the same name twice */
        {"-chardev", "null,id=a", "-chardev", "null,id=b", "-device",
         "virtio-serial-device,max_ports=1", "-device", "virtconsole,chardev=a", "-device",
         "virtconsole,chardev=b"},                               /* no port left */
        {"-chardev", "null,id=a", "-device", "virtio-serial-device", "-device",
         "virtconsole,chardev=a,bus=x"},
        {"-device", "virtio-serial-device,max_ports=0"},
        {"-chardev", "stdio,id=a", "-device", "virtio-serial-device", "-device",
         "virtconsole,chardev=a"},                               /* -serial has stdio */
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(usage); i++) {
        g_test_message("case %u: %s %s", i, usage[i][0], usage[i][1]);
        g_assert_cmpint(parse(&cfg, usage[i][0], usage[i][1], usage[i][2], usage[i][3],
                              usage[i][4], usage[i][5], usage[i][6], usage[i][7], usage[i][8],
                              usage[i][9], NULL), ==,
                        OPTIONS_USAGE);
    }
    char long_name[CONFIG_MAX_PORT_NAME + 20];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    char *arg = g_strdup_printf("virtserialport,chardev=a,name=%s", long_name);
    g_assert_cmpint(parse(&cfg, "-chardev", "null,id=a", "-device", "virtio-serial-device",
                          "-device", arg, NULL), ==, OPTIONS_USAGE);
    g_free(arg);

    static const char *const missing[][2] = {
        {"-chardev", "pipe,id=a,path=p"},
        {"-chardev", "pty,id=a"},
        {"-chardev", "socket,id=a,host=localhost,port=4444"},
        {"-chardev", "stdio,id=a,mux=on"},
        {"-device", "virtio-serial-device,max_ports=31"},
        {"-device", "virtio-serial-pci"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(missing); i++) {
        g_test_message("%s %s", missing[i][0], missing[i][1]);
        g_assert_cmpint(parse(&cfg, missing[i][0], missing[i][1], NULL), ==, OPTIONS_MISSING);
    }
}

static void test_missing_features(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-drive", "file=d.qcow2,format=qcow2", NULL), ==,
                    OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-drive", "file=d.img,if=ide", NULL), ==, OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-netdev", "tap,id=n0", NULL), ==, OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-nic", "user,model=e1000", NULL), ==, OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-s", NULL), ==, OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-S", NULL), ==, OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-gdb", "tcp::1234", NULL), ==, OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-display", "gtk", NULL), ==, OPTIONS_MISSING);
    g_assert_cmpint(parse(&cfg, "-monitor", "stdio", NULL), ==, OPTIONS_MISSING);
}

static void test_log_items(void)
{
    struct vm_config cfg;

    g_assert_cmpint(parse(&cfg, "-d", "unimp", NULL), ==, OPTIONS_RUN);
    g_assert_cmphex(cfg.log_mask, ==, LOG_UNIMP);
    g_assert_cmpint(parse(&cfg, "-d", "int,guest_errors", NULL), ==, OPTIONS_RUN);
    g_assert_cmphex(cfg.log_mask, ==, LOG_INT | LOG_GUEST_ERROR);
    g_assert_cmpint(parse(&cfg, "-d", "all", NULL), ==, OPTIONS_RUN);
    g_assert_cmphex(cfg.log_mask & LOG_UNIMP, ==, LOG_UNIMP);
    g_assert_cmphex(cfg.log_mask & LOG_IN_ASM, ==, LOG_IN_ASM);
    g_assert_cmpint(parse(&cfg, "-d", "bogus", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-d", "unimp,bogus", NULL), ==, OPTIONS_USAGE);
    g_assert_cmpint(parse(&cfg, "-d", "uni", NULL), ==, OPTIONS_USAGE);
    /* Parsing does not switch logging on: main applies the mask. */
    g_assert_cmphex(log_mask, ==, 0);
}

static void test_log_parse_mask(void)
{
    uint32_t mask = 0xffff;
    const char *bad = NULL;

    g_assert_cmpint(log_parse_mask("exec,unimp", &mask, &bad), ==, 0);
    g_assert_cmphex(mask, ==, LOG_EXEC | LOG_UNIMP);
    g_assert_cmpint(log_parse_mask("", &mask, &bad), ==, 0);
    g_assert_cmphex(mask, ==, 0);
    g_assert_cmpint(log_parse_mask("int,nope,exec", &mask, &bad), ==, -EINVAL);
    g_assert_nonnull(bad);
    g_assert_true(g_str_has_prefix(bad, "nope"));
}

static void test_exit_status(void)
{
    g_assert_cmpint(options_exit_status(OPTIONS_DONE), ==, 0);
    g_assert_cmpint(options_exit_status(OPTIONS_USAGE), ==, 2);
    g_assert_cmpint(options_exit_status(OPTIONS_MISSING), ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/options/defaults", test_defaults);
    g_test_add_func("/options/basic", test_basic_options);
    g_test_add_func("/options/double_dash", test_double_dash);
    g_test_add_func("/options/usage_errors", test_usage_errors);
    g_test_add_func("/options/memory", test_memory);
    g_test_add_func("/options/parse_size", test_parse_size);
    g_test_add_func("/options/smp", test_smp);
    g_test_add_func("/options/accel", test_accel);
    g_test_add_func("/options/device", test_device);
    g_test_add_func("/options/drive", test_drive);
    g_test_add_func("/options/missing_features", test_missing_features);
    g_test_add_func("/options/netdev", test_netdev);
    g_test_add_func("/options/chardev_and_console", test_chardev_and_console);
    g_test_add_func("/options/log_items", test_log_items);
    g_test_add_func("/options/log_parse_mask", test_log_parse_mask);
    g_test_add_func("/options/exit_status", test_exit_status);
    g_test_add_func("/options/ioeventfd", test_ioeventfd);
    return g_test_run();
}
