/* Building the device model behind a virtio-mmio slot; see virtio_slot.h. */
#include "hw/virtio/virtio_slot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/virtio_blk.h"
#include "hw/virtio/virtio_net.h"
#include "hw/virtio/virtio_console.h"
#include "hw/virtio/virtio_rng.h"

static void slot_name(struct virtio_slot *s, uint64_t base)
{
    snprintf(s->name, sizeof(s->name), "virtio-mmio@%" PRIx64, base);
}

void virtio_slot_init_empty(struct virtio_slot *s, uint64_t base)
{
    *s = (struct virtio_slot){0};
    slot_name(s, base);
    virtio_mmio_init_empty(&s->transport, s->name);
}

static int create_rng(struct virtio_slot *s, const struct guest_memory *mem, struct irq_line irq)
{
    if (!(s->dev = calloc(1, sizeof(struct virtio_rng))))
        return -ENOMEM;
    virtio_mmio_init(&s->transport, s->name, &virtio_rng_ops, s->dev, mem, irq);
    return 0;
}

static int create_blk(struct virtio_slot *s, const struct vm_config *cfg,
                      const struct guest_memory *mem, struct irq_line irq)
{
    const struct vm_drive_config *d = &cfg->drives[s->cfg->drive];
    struct virtio_blk *b = calloc(1, sizeof(*b));

    if (!(s->dev = b))
        return -ENOMEM;
    virtio_mmio_init(&s->transport, s->name, virtio_blk_ops_for(d->readonly), b, mem, irq);
    return virtio_blk_init(b, d->file, d->readonly, s->cfg->serial, &s->transport);
}

/* QEMU's default MACs: 52:54:00:12:34:56 for the first NIC, counting up in the last byte. */
static void default_mac(const struct vm_config *cfg, unsigned index, uint8_t mac[6])
{
    static const uint8_t base[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    unsigned nic = 0;

    for (unsigned i = 0; i < index; i++)
        nic += cfg->virtio[i].kind == VM_VIRTIO_NET;
    memcpy(mac, base, 6);
    mac[5] = (uint8_t)(mac[5] + nic);
}

static int create_net(struct virtio_slot *s, const struct vm_config *cfg, unsigned index,
                      const struct guest_memory *mem, struct irq_line irq)
{
    struct virtio_net *n = calloc(1, sizeof(*n));
    uint8_t mac[6];

    if (!(s->dev = n))
        return -ENOMEM;
    if (s->cfg->has_mac)
        memcpy(mac, s->cfg->mac, 6);
    else
        default_mac(cfg, index, mac);
    virtio_mmio_init(&s->transport, s->name, &virtio_net_ops, n, mem, irq);
    return virtio_net_init(n, &cfg->netdevs[s->cfg->netdev], mac, &s->transport);
}

/* virtio-serial-device: its ports are the -device virtconsole/virtserialport naming it. */
static int create_console(struct virtio_slot *s, const struct vm_config *cfg, unsigned index,
                          const struct guest_memory *mem, struct irq_line irq)
{
    struct virtio_console *c = calloc(1, sizeof(*c));

    if (!(s->dev = c))
        return -ENOMEM;
    virtio_console_init(c, s->cfg->max_ports, &s->transport);
    virtio_mmio_init(&s->transport, s->name, &c->ops, c, mem, irq);
    for (unsigned i = 0; i < cfg->nr_console_ports; i++) {
        const struct vm_console_port_config *pc = &cfg->console_ports[i];
        if (pc->virtio != index)
            continue;
        const struct vm_chardev_config *cc = &cfg->chardevs[pc->chardev];
        struct virtio_console_port *p =
            virtio_console_add_port(c, pc->nr, pc->console, pc->name, cc->id);
        if (chardev_open_config(&p->chr, p->label, cc) < 0)
            return -EINVAL;
        p->chr_open = true;
    }
    virtio_console_start(c);
    return 0;
}

int virtio_slot_create(struct virtio_slot *s, uint64_t base, const struct vm_config *cfg,
                       unsigned index, const struct guest_memory *mem, struct irq_line irq)
{
    *s = (struct virtio_slot){.cfg = &cfg->virtio[index]};
    slot_name(s, base);
    switch (s->cfg->kind) {
    case VM_VIRTIO_RNG: return create_rng(s, mem, irq);
    case VM_VIRTIO_BLK: return create_blk(s, cfg, mem, irq);
    case VM_VIRTIO_NET: return create_net(s, cfg, index, mem, irq);
    case VM_VIRTIO_CONSOLE: return create_console(s, cfg, index, mem, irq);
    }
    return -EINVAL;
}

void virtio_slot_reset(struct virtio_slot *s)
{
    virtio_mmio_reset(&s->transport);
}

void virtio_slot_destroy(struct virtio_slot *s)
{
    if (s->dev && s->cfg && s->cfg->kind == VM_VIRTIO_BLK)
        virtio_blk_destroy(s->dev);
    if (s->dev && s->cfg && s->cfg->kind == VM_VIRTIO_NET)
        virtio_net_destroy(s->dev);
    if (s->dev && s->cfg && s->cfg->kind == VM_VIRTIO_CONSOLE)
        virtio_console_destroy(s->dev);
    free(s->dev);
    s->dev = NULL;
}
