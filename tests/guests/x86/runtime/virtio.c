/* virtio-mmio devices and split virtqueues for the test guests; see virtio.h. */
#include "virtio.h"

#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER 2u
#define STATUS_DRIVER_OK 4u
#define STATUS_FEATURES_OK 8u

static uint32_t reg_read(struct virtio_dev *d, unsigned reg) { return mmio_read32(d->base + reg); }
static void reg_write(struct virtio_dev *d, unsigned reg, uint32_t v)
{
    mmio_write32(d->base + reg, v);
}

/* "SIZE@BASE:IRQ", SIZE with an optional K or M (Linux's memparse), after the '='. */
static bool parse_entry(const char *p, struct virtio_dev *d)
{
    uint64_t irq;

    if (!parse_uint(&p, &d->size))
        return false;
    if (*p == 'K' || *p == 'k')
        d->size <<= 10, p++;
    else if (*p == 'M' || *p == 'm')
        d->size <<= 20, p++;
    if (*p++ != '@' || !parse_uint(&p, &d->base) || *p++ != ':' || !parse_uint(&p, &irq))
        return false;
    d->irq = (uint32_t)irq;
    d->device_id = 0;
    return true;
}

unsigned virtio_find_devices(struct virtio_dev *devs, unsigned max)
{
    static const char key[] = "virtio_mmio.device=";
    unsigned n = 0;

    for (const char *p = cmdline(); *p && n < max; p++) {
        bool word_start = p == cmdline() || p[-1] == ' ';
        if (word_start && strncmp(p, key, sizeof(key) - 1) == 0 &&
            parse_entry(p + sizeof(key) - 1, &devs[n]))
            n++;
    }
    return n;
}

int virtio_probe(struct virtio_dev *d)
{
    if (reg_read(d, VIRTIO_REG_MAGIC) != VIRTIO_MAGIC) {
        printf("virtio: 0x%lx: no virtio magic\n", d->base);
        return -1;
    }
    uint32_t version = reg_read(d, VIRTIO_REG_VERSION);
    if (version != 2) {
        printf("virtio: 0x%lx: version %u, not 2\n", d->base, version);
        return -1;
    }
    d->device_id = reg_read(d, VIRTIO_REG_DEVICE_ID);
    return 0;
}

static uint64_t device_features(struct virtio_dev *d)
{
    reg_write(d, VIRTIO_REG_DEVICE_FEATURES_SEL, 1);
    uint64_t f = (uint64_t)reg_read(d, VIRTIO_REG_DEVICE_FEATURES) << 32;
    reg_write(d, VIRTIO_REG_DEVICE_FEATURES_SEL, 0);
    return f | reg_read(d, VIRTIO_REG_DEVICE_FEATURES);
}

int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *accepted)
{
    reg_write(d, VIRTIO_REG_STATUS, 0);
    reg_write(d, VIRTIO_REG_STATUS, STATUS_ACKNOWLEDGE);
    reg_write(d, VIRTIO_REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    uint64_t offered = device_features(d);
    if (!(offered & VIRTIO_F_VERSION_1)) {
        printf("virtio: 0x%lx: VERSION_1 not offered\n", d->base);
        return -1;
    }
    uint64_t f = (offered & wanted) | VIRTIO_F_VERSION_1;
    reg_write(d, VIRTIO_REG_DRIVER_FEATURES_SEL, 1);
    reg_write(d, VIRTIO_REG_DRIVER_FEATURES, (uint32_t)(f >> 32));
    reg_write(d, VIRTIO_REG_DRIVER_FEATURES_SEL, 0);
    reg_write(d, VIRTIO_REG_DRIVER_FEATURES, (uint32_t)f);
    reg_write(d, VIRTIO_REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(reg_read(d, VIRTIO_REG_STATUS) & STATUS_FEATURES_OK)) {
        printf("virtio: 0x%lx: FEATURES_OK refused\n", d->base);
        return -1;
    }
    *accepted = f;
    return 0;
}

void virtio_driver_ok(struct virtio_dev *d)
{
    reg_write(d, VIRTIO_REG_STATUS, reg_read(d, VIRTIO_REG_STATUS) | STATUS_DRIVER_OK);
}

uint32_t virtio_status(struct virtio_dev *d) { return reg_read(d, VIRTIO_REG_STATUS); }

uint32_t virtio_config_read32(struct virtio_dev *d, unsigned offset)
{
    return reg_read(d, VIRTIO_REG_CONFIG + offset);
}

uint16_t virtio_config_read16(struct virtio_dev *d, unsigned offset)
{
    return mmio_read16(d->base + VIRTIO_REG_CONFIG + offset);
}

uint8_t virtio_config_read8(struct virtio_dev *d, unsigned offset)
{
    return mmio_read8(d->base + VIRTIO_REG_CONFIG + offset);
}

uint32_t virtio_interrupt_ack(struct virtio_dev *d)
{
    uint32_t status = reg_read(d, VIRTIO_REG_INTERRUPT_STATUS);

    if (status)
        reg_write(d, VIRTIO_REG_INTERRUPT_ACK, status);
    return status;
}

static void write_addr(struct virtio_dev *d, unsigned reg, const volatile void *p)
{
    uint64_t a = (uint64_t)(uintptr_t)p;
    reg_write(d, reg, (uint32_t)a);
    reg_write(d, reg + 4, (uint32_t)(a >> 32));
}

int virtq_setup(struct virtq *vq, struct virtio_dev *d, unsigned index, void *mem,
                uint16_t num)
{
    reg_write(d, VIRTIO_REG_QUEUE_SEL, index);
    uint32_t max = reg_read(d, VIRTIO_REG_QUEUE_NUM_MAX);
    if (num > max)
        num = (uint16_t)max;
    if (num > VIRTQ_MAX)
        num = VIRTQ_MAX;
    if (num == 0 || reg_read(d, VIRTIO_REG_QUEUE_READY)) {
        printf("virtio: 0x%lx: queue %u unavailable\n", d->base, index);
        return -1;
    }
    uint8_t *area = mem;
    memset(area, 0, VIRTQ_AREA);
    *vq = (struct virtq){.dev = d, .index = index, .num = num, .nr_free = num};
    vq->desc = (volatile struct virtq_desc *)area;
    vq->avail = (volatile struct virtq_avail *)(area + 16 * VIRTQ_MAX);
    vq->used = (volatile struct virtq_used *)(area + 16 * VIRTQ_MAX + 256);
    for (uint16_t i = 0; i < num; i++)
        vq->desc[i].next = (uint16_t)(i + 1); /* the free list */
    reg_write(d, VIRTIO_REG_QUEUE_NUM, num);
    write_addr(d, VIRTIO_REG_QUEUE_DESC, vq->desc);
    write_addr(d, VIRTIO_REG_QUEUE_DRIVER, vq->avail);
    write_addr(d, VIRTIO_REG_QUEUE_DEVICE, vq->used);
    reg_write(d, VIRTIO_REG_QUEUE_READY, 1);
    return 0;
}

int virtq_post(struct virtq *vq, const struct virtq_buf *bufs, unsigned n)
{
    if (n == 0 || n > vq->nr_free)
        return -1;
    uint16_t head = vq->free_head, i = head;
    for (unsigned k = 0; k < n; k++) {
        vq->desc[i].addr = (uint64_t)(uintptr_t)bufs[k].addr;
        vq->desc[i].len = bufs[k].len;
        vq->desc[i].flags = (uint16_t)((bufs[k].write ? VIRTQ_DESC_F_WRITE : 0) |
                                       (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        i = vq->desc[i].next;
    }
    vq->free_head = i;
    vq->nr_free = (uint16_t)(vq->nr_free - n);
    uint16_t idx = vq->avail->idx;
    vq->avail->ring[idx % vq->num] = head;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the ring entry before the index */
    vq->avail->idx = (uint16_t)(idx + 1);
    return head;
}

void virtq_kick(struct virtq *vq)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index before the notification */
    reg_write(vq->dev, VIRTIO_REG_QUEUE_NOTIFY, vq->index);
}

void virtq_want_interrupts(struct virtq *vq, bool on)
{
    vq->avail->flags = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Returns a used chain's descriptors to the free list. */
static void free_chain(struct virtq *vq, uint16_t head)
{
    uint16_t i = head, n = 1;

    while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
        i = vq->desc[i].next;
        n++;
    }
    vq->desc[i].next = vq->free_head;
    vq->free_head = head;
    vq->nr_free = (uint16_t)(vq->nr_free + n);
}

bool virtq_take_used(struct virtq *vq, uint16_t *head, uint32_t *len)
{
    if (vq->used->idx == vq->last_used)
        return false;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index before the entry */
    volatile struct virtq_used_elem *e = &vq->used->ring[vq->last_used % vq->num];
    *head = (uint16_t)e->id;
    *len = e->len;
    vq->last_used++;
    if (*head >= vq->num)
        fail("virtio: 0x%lx: used id %u is no descriptor", vq->dev->base, *head);
    free_chain(vq, *head);
    return true;
}
