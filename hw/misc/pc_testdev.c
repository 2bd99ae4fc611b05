/* pc-testdev: QEMU's x86 test device (scratch port, IRQ lines, scratch MMIO). */
#include "hw/misc/pc_testdev.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/memory.h"

void pc_testdev_init(struct pc_testdev *t, const struct irq_chip *chip,
                     const struct guest_memory *mem)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    t->mem = mem;
    for (uint32_t i = 0; i < PC_TESTDEV_NR_IRQS; i++)
        t->irq[i] = irq_line_make(chip, i);
}

void pc_testdev_reset(struct pc_testdev *t)
{
    t->port_data = 0;
    memset(t->iomem, 0, sizeof(t->iomem));
}

/* Offsets 0-3 select bytes of the 32-bit scratch register; wider accesses stay inside it. */
void pc_testdev_port_io(void *opaque, struct io_access *a)
{
    struct pc_testdev *t = opaque;
    unsigned shift = (unsigned)(a->offset & 3) * 8;
    uint64_t mask = io_size_mask(a->size) << shift & 0xffffffffu;

    pthread_mutex_lock(&t->lock);
    if (a->is_write)
        t->port_data = (uint32_t)((t->port_data & ~mask) | ((a->data << shift) & mask));
    else
        a->data = (t->port_data & mask) >> shift;
    pthread_mutex_unlock(&t->lock);
}

/* Unmaps and remaps one guest page, so the guest can test that the hypervisor notices. */
void pc_testdev_flush_io(void *opaque, struct io_access *a)
{
    struct pc_testdev *t = opaque;
    long page = sysconf(_SC_PAGESIZE);

    if (!a->is_write) {
        a->data = io_size_mask(a->size);
        return;
    }
    void *host = gpa_to_host(t->mem, a->data & ~(uint64_t)(page - 1), (uint64_t)page);
    if (host) {
        mprotect(host, (size_t)page, PROT_NONE);
        mprotect(host, (size_t)page, PROT_READ | PROT_WRITE);
    }
}

void pc_testdev_irq_io(void *opaque, struct io_access *a)
{
    struct pc_testdev *t = opaque;

    if (!a->is_write) {
        a->data = io_size_mask(a->size);
        return;
    }
    if (a->offset < PC_TESTDEV_NR_IRQS)
        irq_set(&t->irq[a->offset], a->data != 0);
}

void pc_testdev_iomem_io(void *opaque, struct io_access *a)
{
    struct pc_testdev *t = opaque;

    /* The bus guarantees offset + size <= PC_TESTDEV_IOMEM_SIZE. */
    pthread_mutex_lock(&t->lock);
    if (a->is_write)
        memcpy(&t->iomem[a->offset], &a->data, a->size);
    else
        memcpy(&a->data, &t->iomem[a->offset], a->size);
    pthread_mutex_unlock(&t->lock);
}
