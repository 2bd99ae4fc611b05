/*
 * A virtio-mmio slot as a board sees it: the transport plus the device model a -device or
 * -drive option asked for. Both boards build their devices through this file, so a device
 * model is wired once and serves the PC board under KVM and the virt board under TCG alike.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_SLOT_H
#define KESTREL_HW_VIRTIO_VIRTIO_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "hw/virtio/virtio_mmio.h"

struct virtio_slot {
    struct virtio_mmio transport;
    const struct vm_virtio_config *cfg; /* NULL: an empty slot */
    void *dev;                          /* the device model behind a filled slot */
    char name[24];                      /* "virtio-mmio@ADDR", for messages */
};

/* An empty slot at base (DeviceID 0). */
void virtio_slot_init_empty(struct virtio_slot *s, uint64_t base);
/*
 * Fills the slot at base with the device cfg->virtio[index] describes, raising irq. Errors
 * are reported to the user, naming the option; 0 or -errno. Undo with virtio_slot_destroy,
 * also after a failure.
 */
int virtio_slot_create(struct virtio_slot *s, uint64_t base, const struct vm_config *cfg,
                       unsigned index, const struct guest_memory *mem, struct irq_line irq);
/* Board reset: the transport goes back to its power-on state and the device drops its work. */
void virtio_slot_reset(struct virtio_slot *s);
void virtio_slot_destroy(struct virtio_slot *s);

#endif
