/* The accelerator interface: one ops table that KVM implements now and TCG later. */
#ifndef KESTREL_ACCEL_ACCEL_H
#define KESTREL_ACCEL_ACCEL_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu/cpu_state.h"

struct guest_memory;
struct guest_ram_region;
struct io_bus;
struct vcpu;

/* What a board asks of the accelerator when the VM is created. */
struct accel_vm_desc {
    enum cpu_arch arch;
    unsigned nr_vcpus;
    struct guest_memory *mem;
    struct io_bus *pio;  /* port I/O exits are dispatched here */
    struct io_bus *mmio; /* MMIO exits are dispatched here */
    /* PC board: KVM's in-kernel PIC + IOAPIC + LAPIC and PIT, and the hole pages it needs. */
    bool x86_irqchip;
    bool x86_pit;
    uint64_t x86_tss_addr;          /* three pages, outside RAM */
    uint64_t x86_identity_map_addr; /* one page, outside RAM */
    /* TCG: the code cache size (0: the default) and one guest instruction per block. */
    uint64_t tcg_cache_size;
    bool tcg_one_insn_per_tb;
    bool tcg_perfmap;
};

/* Why vcpu_run returned: something the board or machine must handle. */
enum vcpu_exit_reason {
    VCPU_EXIT_KICKED,   /* another thread asked this vCPU to stop; re-check requests */
    VCPU_EXIT_SHUTDOWN, /* triple fault: the machine resets */
    VCPU_EXIT_RESET,    /* the guest asked for a reset through the accelerator */
    VCPU_EXIT_POWEROFF, /* the guest asked to power off */
    VCPU_EXIT_ERROR,    /* the accelerator cannot continue; detail says why */
};

struct vcpu_exit {
    enum vcpu_exit_reason reason;
    char detail[200];
};

struct accel;

struct accel_ops {
    const char *name;
    /* Checks that the accelerator can run here; on failure returns -errno and a reason. */
    int (*probe)(const char **why);
    /* Whether it can run guests of this architecture; if not, *why says so. */
    bool (*supports)(enum cpu_arch arch, const char **why);
    /* Creates the VM described by desc. */
    int (*vm_create)(struct accel *accel, const struct accel_vm_desc *desc);
    void (*vm_destroy)(struct accel *accel);
    /* Makes a RAM region visible to the guest. slot is the region's index. */
    int (*map_ram)(struct accel *accel, unsigned slot, const struct guest_ram_region *region);
    int (*vcpu_create)(struct accel *accel, struct vcpu *vcpu);
    void (*vcpu_destroy)(struct vcpu *vcpu);
    /*
     * Runs the vCPU on the calling thread. Device accesses are dispatched to the io buses
     * inside; the call returns only for what the machine must handle. 0 or -errno.
     */
    int (*vcpu_run)(struct vcpu *vcpu, struct vcpu_exit *exit);
    int (*vcpu_get_state)(struct vcpu *vcpu, struct cpu_state *state);
    int (*vcpu_set_state)(struct vcpu *vcpu, const struct cpu_state *state);
    /*
     * Drives an interrupt line. Any thread. Under KVM on x86 a line is a GSI of the in-kernel
     * irqchip; under TCG it is a hart's own interrupt input, (hart << 8) | input number.
     */
    void (*set_irq)(struct accel *accel, uint32_t line, int level);
    /* Makes vcpu_run on the vCPU's thread return VCPU_EXIT_KICKED soon. Any thread. */
    void (*vcpu_kick)(struct vcpu *vcpu);
    /*
     * Device fast paths, for a VM that exists; they last until it is destroyed. NULL where
     * the accelerator has none (TCG): devices then see every access through the io buses
     * and drive their lines with set_irq. Both return 0 or -errno.
     *
     * add_ioeventfd: a guest write of size bytes holding data to MMIO address addr signals
     * the eventfd fd instead of reaching the io bus. Writes of other values or sizes still
     * reach the bus.
     */
    int (*add_ioeventfd)(struct accel *accel, uint64_t addr, unsigned size, uint64_t data,
                         int fd);
    /*
     * add_irqfd: a write to the eventfd fd asserts line. The line is level-triggered: it
     * falls when the guest acknowledges the interrupt (EOI), and then resample_fd is
     * signalled so that the device can assert it again if its condition still holds.
     */
    int (*add_irqfd)(struct accel *accel, uint32_t line, int fd, int resample_fd);
};

struct accel {
    const struct accel_ops *ops;
    void *priv; /* the accelerator's VM state; NULL while no VM exists */
};

enum accel_choice_result {
    ACCEL_OK = 0,
    ACCEL_UNKNOWN = -1,     /* a name not in the list */
    ACCEL_UNAVAILABLE = -2, /* every accelerator named failed to probe */
};

/* 0 when every name in a "kvm:tcg"-style list is an accelerator kestrel knows. */
int accel_list_valid(const char *list);

/*
 * Picks the first accelerator from a QEMU-style list ("kvm", "tcg", "kvm:tcg") that is
 * usable here and runs guests of arch. A fallback prints a one-line notice. Errors are
 * reported to the user here.
 */
int accel_select(const char *list, enum cpu_arch arch, struct accel *accel);

#endif
