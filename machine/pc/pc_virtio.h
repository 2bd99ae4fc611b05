/*
 * virtio-mmio on the PC board: one slot per virtio device in the hole below 4 GiB, each with
 * its own IOAPIC pin (pc_memmap.h), announced to the guest on its kernel command line as
 * Linux's virtio_mmio driver reads it, and, where the accelerator has them, wired to its
 * fast paths: QueueNotify through an ioeventfd per queue, the interrupt through an irqfd.
 */
#ifndef KESTREL_MACHINE_PC_PC_VIRTIO_H
#define KESTREL_MACHINE_PC_PC_VIRTIO_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "machine/pc/pc_memmap.h"
#include "hw/virtio/virtio_fastpath.h"
#include "hw/virtio/virtio_slot.h"

struct accel;
struct guest_memory;
struct io_bus;

struct pc_virtio_slot {
    struct virtio_slot slot;
    struct virtio_fastpath fastpath;
    bool fast; /* ioeventfd=on: the fastpath holds eventfds and a thread */
};

struct pc_virtio {
    struct pc_virtio_slot slots[PC_VIRTIO_MAX_SLOTS];
    unsigned nr;
};

uint64_t pc_virtio_slot_base(unsigned index);
uint32_t pc_virtio_slot_irq(unsigned index);

/*
 * "virtio_mmio.device=4K@0xd0000000:16 ..." for slots 0..n-1, the form Linux's virtio_mmio
 * driver parses (size@base:irq), into buf; the length it needs, as snprintf.
 */
size_t pc_virtio_cmdline(char *buf, size_t size, unsigned n);

/*
 * Creates a slot for each virtio device of cfg, registered on mmio, raising its pin on chip.
 * Errors are reported naming the option; 0 or -errno. Undo with pc_virtio_destroy.
 */
int pc_virtio_create(struct pc_virtio *pv, const struct vm_config *cfg,
                     const struct guest_memory *mem, struct io_bus *mmio,
                     const struct irq_chip *chip);
/* A new VM exists: hands the fast-path eventfds to the accelerator, where it has them. */
void pc_virtio_attach(struct pc_virtio *pv, struct accel *accel);
/* The VM is gone (reset): slots back to power-on, fast paths detached until the next attach. */
void pc_virtio_reset(struct pc_virtio *pv);
void pc_virtio_destroy(struct pc_virtio *pv);

#endif
