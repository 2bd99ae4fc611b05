/* The virtio-mmio transport; see virtio_mmio.h. */
#include "hw/virtio/virtio_mmio.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "core/log.h"

/* What the transport itself offers on top of the device's bits. */
#define TRANSPORT_FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX | VIRTIO_F_INDIRECT_DESC)

static void guest_error(const struct virtio_mmio *t, const char *what)
{
    if (log_enabled(LOG_GUEST_ERROR))
        log_debug("%s: %s\n", t->name, what);
}

void virtio_mmio_init_empty(struct virtio_mmio *t, const char *name)
{
    memset(t, 0, sizeof(*t));
    t->name = name;
    pthread_mutex_init(&t->lock, NULL);
}

void virtio_mmio_init(struct virtio_mmio *t, const char *name,
                      const struct virtio_device_ops *ops, void *dev,
                      const struct guest_memory *mem, struct irq_line irq)
{
    virtio_mmio_init_empty(t, name);
    t->ops = ops;
    t->dev = dev;
    t->mem = mem;
    t->irq = irq;
}

static uint64_t offered_features(const struct virtio_mmio *t)
{
    return t->ops->features | TRANSPORT_FEATURES;
}

static void update_irq(struct virtio_mmio *t)
{
    irq_set(&t->irq, t->interrupt_status != 0);
}

/* The device status goes back to 0: queues, features and interrupts forgotten. */
static void device_reset(struct virtio_mmio *t)
{
    if (t->ops && t->ops->reset)
        t->ops->reset(t->dev);
    t->status = 0;
    t->device_features_sel = t->driver_features_sel = 0;
    t->driver_features = 0;
    t->queue_sel = 0;
    t->interrupt_status = 0;
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++) {
        virtq_reset(&t->vq[q]);
        t->queue_ready[q] = false;
        t->queue_epoch[q]++;
    }
    if (t->ops)
        update_irq(t);
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
    pthread_mutex_lock(&t->lock);
    device_reset(t);
    pthread_mutex_unlock(&t->lock);
}

/* The driver broke the rules: tell it to reset us, and stop until it does. */
static void needs_reset(struct virtio_mmio *t, const char *why)
{
    guest_error(t, why);
    if (!(t->status & VIRTIO_STATUS_DRIVER_OK) || (t->status & VIRTIO_STATUS_NEEDS_RESET))
        return;
    t->status |= VIRTIO_STATUS_NEEDS_RESET;
    t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
    t->config_generation++;
    update_irq(t);
}

static struct virtq *selected(struct virtio_mmio *t)
{
    return t->queue_sel < t->ops->nr_queues ? &t->vq[t->queue_sel] : NULL;
}

static void set_queue_ready(struct virtio_mmio *t, uint32_t ready)
{
    struct virtq *vq = selected(t);

    if (!vq)
        return;
    t->queue_epoch[t->queue_sel]++;
    if (!ready) {
        /* Stop using the queue; the driver's size and addresses stay for it to change. */
        *vq = (struct virtq){.num = vq->num, .desc_gpa = vq->desc_gpa,
                             .avail_gpa = vq->avail_gpa, .used_gpa = vq->used_gpa};
        t->queue_ready[t->queue_sel] = false;
        return;
    }
    t->queue_ready[t->queue_sel] = true;
    bool event_idx = t->driver_features & VIRTIO_F_EVENT_IDX;
    if (virtq_activate(vq, t->mem, t->ops->queue_max, event_idx) < 0)
        needs_reset(t, vq->why); /* before DRIVER_OK, driver_ok() reports it */
}

static void accept_features(struct virtio_mmio *t)
{
    uint64_t f = t->driver_features;

    if ((f & ~offered_features(t)) || !(f & VIRTIO_F_VERSION_1)) {
        guest_error(t, "the driver accepted features the device did not offer, or not "
                       "VERSION_1: FEATURES_OK refused");
        t->status &= ~VIRTIO_STATUS_FEATURES_OK;
    }
}

/* DRIVER_OK: every queue the driver made ready must have passed its checks. */
static void driver_ok(struct virtio_mmio *t)
{
    for (unsigned q = 0; q < t->ops->nr_queues; q++)
        if (t->queue_ready[q] && !t->vq[q].active) {
            needs_reset(t, t->vq[q].why ? t->vq[q].why : "a ready queue is unusable");
            return;
        }
}

static void write_status(struct virtio_mmio *t, uint32_t v)
{
    uint32_t old = t->status;

    if (v == 0) {
        device_reset(t);
        return;
    }
    /* NEEDS_RESET is the device's to set; the driver cannot clear it. */
    t->status = (v & 0xff & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET);
    if ((t->status & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK))
        accept_features(t);
    if ((t->status & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK))
        driver_ok(t);
}

static void set_addr_half(uint64_t *addr, bool high, uint32_t v)
{
    *addr = high ? (*addr & 0xffffffffull) | (uint64_t)v << 32
                 : (*addr & ~0xffffffffull) | v;
}

static void write_queue_addr(struct virtio_mmio *t, uint64_t reg, uint32_t v)
{
    struct virtq *vq = selected(t);

    if (!vq || t->queue_ready[t->queue_sel]) {
        guest_error(t, "queue address written while the queue is ready (ignored)");
        return;
    }
    bool high = reg & 4;
    if (reg < VIRTIO_MMIO_QUEUE_DRIVER_LOW)
        set_addr_half(&vq->desc_gpa, high, v);
    else if (reg < VIRTIO_MMIO_QUEUE_DEVICE_LOW)
        set_addr_half(&vq->avail_gpa, high, v);
    else
        set_addr_half(&vq->used_gpa, high, v);
}

static void notify(struct virtio_mmio *t, uint32_t q)
{
    if (q >= t->ops->nr_queues || !(t->status & VIRTIO_STATUS_DRIVER_OK) ||
        (t->status & VIRTIO_STATUS_NEEDS_RESET) || !t->vq[q].active)
        return;
    t->ops->notify(t->dev, t, q);
}

static void reg_write(struct virtio_mmio *t, uint64_t reg, uint32_t v)
{
    switch (reg) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (t->status & VIRTIO_STATUS_FEATURES_OK)
            guest_error(t, "features written after FEATURES_OK (ignored)");
        else if (t->driver_features_sel < 2)
            set_addr_half(&t->driver_features, t->driver_features_sel == 1, v);
        break;
    case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = v; break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (selected(t) && !t->queue_ready[t->queue_sel])
            selected(t)->num = (uint16_t)(v > 0xffff ? 0 : v); /* checked when made ready */
        break;
    case VIRTIO_MMIO_QUEUE_READY: set_queue_ready(t, v & 1); break;
    case VIRTIO_MMIO_QUEUE_NOTIFY: notify(t, v); break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->interrupt_status &= ~v;
        update_irq(t);
        break;
    case VIRTIO_MMIO_STATUS: write_status(t, v); break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        write_queue_addr(t, reg, v);
        break;
    default: guest_error(t, "write to a read-only or unknown register (ignored)"); break;
    }
}

static uint32_t reg_read(struct virtio_mmio *t, uint64_t reg)
{
    switch (reg) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION_REG: return VIRTIO_MMIO_VERSION;
    case VIRTIO_MMIO_DEVICE_ID: return t->ops ? t->ops->device_id : 0;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
    default: break;
    }
    if (!t->ops)
        return 0; /* an empty slot: no features, no queues, no status, no config space */
    switch (reg) {
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return t->device_features_sel < 2
                   ? (uint32_t)(offered_features(t) >> (32 * t->device_features_sel))
                   : 0;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return selected(t) ? t->ops->queue_max : 0;
    case VIRTIO_MMIO_QUEUE_READY: return selected(t) && t->queue_ready[t->queue_sel];
    case VIRTIO_MMIO_INTERRUPT_STATUS: return t->interrupt_status;
    case VIRTIO_MMIO_STATUS: return t->status;
    case VIRTIO_MMIO_CONFIG_GENERATION: return t->config_generation;
    default: return 0;
    }
}

void virtio_mmio_io(void *opaque, struct io_access *a)
{
    struct virtio_mmio *t = opaque;

    pthread_mutex_lock(&t->lock);
    if (a->offset >= VIRTIO_MMIO_CONFIG) {
        /* Configuration space: any width, the device decides. */
        uint64_t off = a->offset - VIRTIO_MMIO_CONFIG;
        if (!t->ops)
            a->data = 0;
        else if (a->is_write && t->ops->config_write)
            t->ops->config_write(t->dev, off, a->size, a->data);
        else if (!a->is_write)
            a->data = t->ops->config_read ? t->ops->config_read(t->dev, off, a->size) : 0;
    } else if (a->size != 4 || (a->offset & 3)) {
        /* Registers are 32-bit (4.2.2.2). */
        guest_error(t, "register access that is not 32-bit (ignored)");
        if (!a->is_write)
            a->data = 0;
    } else if (a->is_write) {
        if (t->ops)
            reg_write(t, a->offset, (uint32_t)a->data);
    } else {
        a->data = reg_read(t, a->offset);
    }
    pthread_mutex_unlock(&t->lock);
}

void virtio_mmio_notify_queue(struct virtio_mmio *t, unsigned q)
{
    pthread_mutex_lock(&t->lock);
    if (t->ops)
        notify(t, q);
    pthread_mutex_unlock(&t->lock);
}

void virtio_mmio_refresh_irq(struct virtio_mmio *t)
{
    pthread_mutex_lock(&t->lock);
    if (t->ops)
        update_irq(t);
    pthread_mutex_unlock(&t->lock);
}

int virtio_mmio_pop(struct virtio_mmio *t, unsigned q, struct virtq_chain *c)
{
    /* Before DRIVER_OK and after NEEDS_RESET the device takes nothing. */
    if ((t->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) !=
        VIRTIO_STATUS_DRIVER_OK)
        return 0;
    int ret = virtq_pop(&t->vq[q], t->mem, c);

    if (ret < 0)
        needs_reset(t, t->vq[q].why);
    return ret;
}

void virtio_mmio_push(struct virtio_mmio *t, unsigned q, const struct virtq_chain *c,
                      uint32_t written)
{
    if (!t->vq[q].active)
        return; /* switched off since the chain was popped: the ring is gone */
    virtq_push(&t->vq[q], c->head, written);
    if (virtq_should_notify(&t->vq[q])) {
        t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
        update_irq(t);
    }
}
