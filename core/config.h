/* The VM configuration that option parsing produces and boards consume. */
#ifndef KESTREL_CORE_CONFIG_H
#define KESTREL_CORE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

/* xAPIC IDs are 8 bits and 0xff is broadcast; the IOAPIC takes the ID after the last CPU. */
#define CONFIG_MAX_VCPUS 254

struct debug_exit_config {
    bool enabled;
    uint16_t iobase;
    uint16_t iosize;
};

/* A -drive: a raw image file. */
struct vm_drive_config {
    const char *file;
    const char *id;     /* id=, or NULL */
    bool readonly;
};
#define CONFIG_MAX_DRIVES 8

/* A hostfwd= rule of -netdev user: host address and port to guest address and port. */
struct vm_hostfwd_config {
    bool udp;
    uint32_t host_addr;  /* IPv4, host byte order; 0 is any address */
    uint16_t host_port;
    uint32_t guest_addr; /* 0: the guest's DHCP address */
    uint16_t guest_port;
};
#define CONFIG_MAX_HOSTFWD 16

/* A -netdev user: libslirp user-mode networking with QEMU's addresses. */
struct vm_netdev_config {
    const char *id;
    bool restricted; /* restrict=on: the guest reaches only the host's forwarded ports */
    bool ipv6;       /* ipv6=off turns the IPv6 side off */
    struct vm_hostfwd_config hostfwd[CONFIG_MAX_HOSTFWD];
    unsigned nr_hostfwd;
};
#define CONFIG_MAX_NETDEVS 4

/* virtio devices, in command-line order: -device virtio-*-device, -drive if=virtio. */
enum vm_virtio_kind { VM_VIRTIO_RNG, VM_VIRTIO_BLK, VM_VIRTIO_NET, VM_VIRTIO_CONSOLE };
struct vm_virtio_config {
    enum vm_virtio_kind kind;
    int drive;            /* virtio-blk: index into drives, once resolved */
    const char *drive_id; /* virtio-blk from -device: drive=ID, resolved after parsing */
    const char *serial;   /* virtio-blk: serial=, what the guest reads as the disk's ID */
    int netdev;           /* virtio-net: index into netdevs, once resolved */
    const char *netdev_id;
    bool has_mac;         /* virtio-net: mac= given; otherwise QEMU's 52:54:00:12:34:56 + n */
    uint8_t mac[6];
    int ioeventfd;        /* ioeventfd=: 1 on, -1 off, 0 unset (-global's, else on) */
    unsigned max_ports;   /* virtio-serial-device: max_ports= */
};
#define CONFIG_MAX_VIRTIO 8

/* A -chardev: a named character backend for a virtconsole or virtserialport. */
enum vm_chardev_backend { VM_CHARDEV_NULL, VM_CHARDEV_STDIO, VM_CHARDEV_FILE, VM_CHARDEV_SOCKET };
struct vm_chardev_config {
    const char *id;
    enum vm_chardev_backend backend;
    const char *path; /* file: the file; socket: the UNIX socket */
    bool server;      /* socket: listen (server=on) rather than connect */
    bool wait;        /* socket server: wait for a client before the guest starts */
    bool used;        /* a port is attached to it (each backend serves one port) */
};
#define CONFIG_MAX_CHARDEVS 16

/* A -device virtconsole or virtserialport, on the virtio-serial-device before it. */
struct vm_console_port_config {
    unsigned virtio;        /* index into virtio: its virtio-serial-device */
    unsigned nr;            /* port number on that device */
    bool console;           /* virtconsole: the guest makes it an hvc console */
    const char *name;       /* name=, or NULL */
    const char *chardev_id; /* chardev=, resolved after parsing */
    int chardev;            /* index into chardevs, once resolved */
};
#define CONFIG_MAX_CONSOLE_PORTS 16
#define CONFIG_MAX_SERIAL_PORTS 8    /* ports on one virtio-serial-device */
#define CONFIG_MAX_PORT_NAME 127     /* bytes of a port's name= */

struct vm_config {
    const char *machine;  /* -M */
    const char *accel;    /* -accel list, "kvm:tcg" style */
    uint64_t ram_size;    /* -m, in bytes; 0 means the board's default */
    unsigned nr_vcpus;    /* -smp */
    const char *kernel;   /* -kernel */
    const char *initrd;   /* -initrd */
    const char *append;   /* -append */
    const char *bios;     /* -bios */
    const char *serial;   /* -serial backend spec */
    const char *debugcon; /* -debugcon backend spec, or NULL */
    bool no_reboot;       /* -no-reboot */
    struct debug_exit_config debug_exit; /* -device isa-debug-exit */
    bool pc_testdev;      /* -device pc-testdev */
    struct vm_virtio_config virtio[CONFIG_MAX_VIRTIO];
    unsigned nr_virtio;
    struct vm_drive_config drives[CONFIG_MAX_DRIVES]; /* -drive */
    unsigned nr_drives;
    struct vm_netdev_config netdevs[CONFIG_MAX_NETDEVS]; /* -netdev */
    unsigned nr_netdevs;
    struct vm_chardev_config chardevs[CONFIG_MAX_CHARDEVS]; /* -chardev */
    unsigned nr_chardevs;
    struct vm_console_port_config console_ports[CONFIG_MAX_CONSOLE_PORTS];
    unsigned nr_console_ports;
    uint32_t log_mask;    /* -d */
    const char *log_file; /* -D */
    bool tcg_one_insn_per_tb; /* -accel tcg,one-insn-per-tb=on or -singlestep */
    uint64_t tcg_cache_size;  /* -accel tcg,tb-size=MiB */
    bool perfmap;             /* -perfmap */
    bool virtio_mmio_no_ioeventfd; /* -global virtio-mmio.ioeventfd=off */
};

/* Whether virtio device i takes the accelerator's fast path (ioeventfd and irqfd). */
static inline bool vm_virtio_ioeventfd(const struct vm_config *cfg, unsigned i)
{
    int v = cfg->virtio[i].ioeventfd;

    return v ? v > 0 : !cfg->virtio_mmio_no_ioeventfd;
}

#endif
