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

/* virtio devices from -device, in command-line order. */
enum vm_virtio_kind { VM_VIRTIO_RNG };
#define CONFIG_MAX_VIRTIO 8

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
    enum vm_virtio_kind virtio[CONFIG_MAX_VIRTIO]; /* -device virtio-*-device */
    unsigned nr_virtio;
    uint32_t log_mask;    /* -d */
    const char *log_file; /* -D */
    bool tcg_one_insn_per_tb; /* -accel tcg,one-insn-per-tb=on or -singlestep */
    uint64_t tcg_cache_size;  /* -accel tcg,tb-size=MiB */
    bool perfmap;             /* -perfmap */
};

#endif
