/* Machines: the board registry, and the life cycle create -> boot -> run -> reset -> exit. */
#ifndef KESTREL_MACHINE_MACHINE_H
#define KESTREL_MACHINE_MACHINE_H

#include <pthread.h>
#include <stdint.h>

#include "accel/accel.h"
#include "core/config.h"
#include "core/io.h"
#include "core/irq.h"
#include "core/memory.h"
#include "core/runstate.h"
#include "vcpu/vcpu.h"

struct machine;

/* A board: what -M names. */
struct board_ops {
    const char *name;
    const char *description;
    enum cpu_arch arch;
    uint64_t default_ram_size;
    const char *default_accel; /* without -accel: "kvm:tcg" where KVM can run the guest */
    /* Lays out RAM, creates devices, validates and reads firmware/kernel files. */
    int (*create)(struct machine *m);
    /* Places the boot images in RAM and sets the boot vCPU's state; runs again on reset. */
    int (*boot)(struct machine *m);
    /* Puts devices back in their power-on state. */
    void (*reset)(struct machine *m);
    void (*destroy)(struct machine *m);
};

struct machine {
    const struct board_ops *board;
    const struct vm_config *cfg;
    struct guest_memory mem;
    struct io_bus pio;
    struct io_bus mmio;
    struct runstate runstate;
    struct accel *accel;
    struct accel_vm_desc vm_desc; /* filled by board->create */
    struct irq_chip irqchip;      /* device lines; forwarded to the accelerator */
    /* Device threads raise lines at any time: creating and destroying the VM excludes them. */
    pthread_rwlock_t vm_lock;
    struct vcpu *vcpus;
    unsigned nr_vcpus;
    void *board_state;
};

/* Looks a board up by -M name; NULL if unknown. */
const struct board_ops *machine_find_board(const char *name);
void machine_print_boards(void);

/* Builds the machine. Errors are reported; returns NULL on failure. */
struct machine *machine_create(const struct vm_config *cfg);
/* Creates the VM on accel, boots, and runs until the guest or user ends it; the exit status. */
int machine_run(struct machine *m, struct accel *accel);
void machine_destroy(struct machine *m);

#endif
