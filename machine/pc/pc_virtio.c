/* virtio-mmio slots on the PC board; see pc_virtio.h. */
#include "machine/pc/pc_virtio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "accel/accel.h"
#include "core/io.h"
#include "core/log.h"

_Static_assert(CONFIG_MAX_VIRTIO <= PC_VIRTIO_MAX_SLOTS,
               "every virtio device needs an IOAPIC pin of its own");
_Static_assert(PC_VIRTIO_MMIO_SLOT_SIZE == VIRTIO_MMIO_SIZE, "a slot holds one transport");

uint64_t pc_virtio_slot_base(unsigned index)
{
    return PC_VIRTIO_MMIO_BASE + index * PC_VIRTIO_MMIO_SLOT_SIZE;
}

uint32_t pc_virtio_slot_irq(unsigned index)
{
    return PC_VIRTIO_IRQ_BASE + index;
}

size_t pc_virtio_cmdline(char *buf, size_t size, unsigned n)
{
    size_t len = 0;

    if (size)
        buf[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        int w = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0,
                         "%svirtio_mmio.device=%uK@0x%" PRIx64 ":%" PRIu32,
                         i ? " " : "", (unsigned)(PC_VIRTIO_MMIO_SLOT_SIZE >> 10),
                         pc_virtio_slot_base(i), pc_virtio_slot_irq(i));
        len += (size_t)w;
    }
    return len;
}

static int create_slot(struct pc_virtio_slot *s, unsigned i, const struct vm_config *cfg,
                       const struct guest_memory *mem, const struct irq_chip *chip)
{
    struct irq_line line = irq_line_make(chip, pc_virtio_slot_irq(i));
    uint64_t base = pc_virtio_slot_base(i);
    int ret;

    s->fast = vm_virtio_ioeventfd(cfg, i);
    if (s->fast) {
        char name[32];
        snprintf(name, sizeof(name), "virtio-mmio@%" PRIx64, base);
        if ((ret = virtio_fastpath_init(&s->fastpath, name, line)) < 0) {
            s->fast = false;
            return ret;
        }
        line = virtio_fastpath_line(&s->fastpath);
    }
    if ((ret = virtio_slot_create(&s->slot, base, cfg, i, mem, line)) < 0)
        return ret;
    if (s->fast)
        return virtio_fastpath_start(&s->fastpath, &s->slot.transport,
                                     s->slot.transport.ops->nr_queues);
    return 0;
}

int pc_virtio_create(struct pc_virtio *pv, const struct vm_config *cfg,
                     const struct guest_memory *mem, struct io_bus *mmio,
                     const struct irq_chip *chip)
{
    for (unsigned i = 0; i < cfg->nr_virtio; i++) {
        struct pc_virtio_slot *s = &pv->slots[i];
        pv->nr = i + 1;
        int ret = create_slot(s, i, cfg, mem, chip);
        if (ret < 0)
            return ret;
        ret = io_bus_register(mmio, pc_virtio_slot_base(i), PC_VIRTIO_MMIO_SLOT_SIZE,
                              virtio_mmio_io, &s->slot.transport, s->slot.name);
        if (ret < 0) {
            log_error("%s overlaps another device", s->slot.name);
            return ret;
        }
    }
    return 0;
}

/*
 * One ioeventfd per queue, each matching its queue's index: a notification reaches exactly
 * the queue it names, with no scan of the others (virtio-net's receive and transmit queues
 * are told apart), and a write naming no queue still reaches the transport, which ignores it
 * with a -d guest_errors line, as without the fast path.
 */
static int attach_notify(struct pc_virtio_slot *s, struct accel *accel, uint64_t base)
{
    for (unsigned q = 0; q < s->fastpath.nr_queues; q++) {
        int ret = accel->ops->add_ioeventfd(accel, base + VIRTIO_MMIO_QUEUE_NOTIFY, 4, q,
                                            virtio_fastpath_notify_fd(&s->fastpath, q));
        if (ret < 0)
            return ret;
    }
    return 0;
}

static void attach_slot(struct pc_virtio_slot *s, struct accel *accel, unsigned i)
{
    const struct accel_ops *ops = accel->ops;
    int ret;

    if (!s->fast || !ops->add_ioeventfd || !ops->add_irqfd)
        return;
    if ((ret = attach_notify(s, accel, pc_virtio_slot_base(i))) < 0)
        log_notice("%s: %s: no ioeventfd (%s); notifications take VM exits", s->slot.name,
                   ops->name, strerror(-ret));
    ret = ops->add_irqfd(accel, pc_virtio_slot_irq(i), s->fastpath.irq_fd,
                         s->fastpath.resample_fd);
    if (ret < 0)
        log_notice("%s: %s: no irqfd with resampling (%s); its interrupt is driven directly",
                   s->slot.name, ops->name, strerror(-ret));
    else
        virtio_fastpath_irqfd_attached(&s->fastpath);
}

void pc_virtio_attach(struct pc_virtio *pv, struct accel *accel)
{
    for (unsigned i = 0; i < pv->nr; i++)
        attach_slot(&pv->slots[i], accel, i);
}

void pc_virtio_reset(struct pc_virtio *pv)
{
    for (unsigned i = 0; i < pv->nr; i++) {
        if (pv->slots[i].fast)
            virtio_fastpath_detach(&pv->slots[i].fastpath);
        virtio_slot_reset(&pv->slots[i].slot);
    }
}

void pc_virtio_destroy(struct pc_virtio *pv)
{
    for (unsigned i = 0; i < pv->nr; i++) {
        struct pc_virtio_slot *s = &pv->slots[i];
        if (s->fast)
            virtio_fastpath_stop(&s->fastpath);
        virtio_slot_destroy(&s->slot);
        if (s->fast)
            virtio_fastpath_destroy(&s->fastpath);
    }
    pv->nr = 0;
}
