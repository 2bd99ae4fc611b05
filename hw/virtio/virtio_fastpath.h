/*
 * The eventfd side of a virtio-mmio slot, for accelerators with device fast paths (KVM's
 * ioeventfd and irqfd): one eventfd per queue that the guest's QueueNotify writes signal, an
 * interrupt eventfd with its resample eventfd, and the thread that services them. The board
 * hands the eventfds to the accelerator (accel_ops.add_ioeventfd, add_irqfd); this file
 * knows nothing of KVM, and a slot without a fast path never touches it.
 *
 * Why the interrupt is a level with resampling, not an edge: virtio-mmio's interrupt is a
 * level in disguise. InterruptStatus stays set until the driver writes InterruptAck, and
 * the transport drives its line to (InterruptStatus != 0) on every change. The board
 * declares the slot's IOAPIC pin level-triggered, active high (MP table), and the irqfd is
 * attached with a resample eventfd:
 *   - a rising level writes the interrupt eventfd; the kernel asserts the pin;
 *   - a falling level (InterruptAck) does nothing: the kernel lowers the pin itself when
 *     the guest EOIs it, and then signals the resample eventfd;
 *   - on a resample this file asks the transport to drive its line again, under the
 *     transport's lock: if InterruptStatus is still (or again) non-zero, the pin rises again.
 * So no interrupt is lost: a used buffer pushed between the driver's InterruptAck and its
 * EOI leaves InterruptStatus set, the resample after the EOI sees it and asserts again. And
 * none storms: the pin is re-asserted only while InterruptStatus is non-zero, which the
 * driver clears before its EOI; an asserted pin is not delivered again before the EOI. With
 * edge-triggered irqfds (no resampling), a bit still set after a driver's EOI would raise no
 * new edge, so a driver that did not re-read InterruptStatus would wait forever.
 *
 * The cost: a driver that resets the device while the pin is asserted, or acks by polling
 * with the pin masked, sees at most one spurious interrupt (InterruptStatus 0) before the
 * EOI lowers the pin. A driver that EOIs without acknowledging gets its interrupt again at
 * once, as on real level-triggered hardware.
 */
#ifndef KESTREL_HW_VIRTIO_VIRTIO_FASTPATH_H
#define KESTREL_HW_VIRTIO_VIRTIO_FASTPATH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/irq.h"
#include "hw/virtio/virtio_mmio.h"

struct virtio_fastpath {
    struct virtio_mmio *transport;
    struct irq_chip chip;      /* the transport's interrupt line points here */
    struct irq_line direct;    /* the board's line, driven while no irqfd is attached */
    atomic_bool irqfd_attached;
    unsigned nr_queues;
    int notify_fd[VIRTIO_MMIO_MAX_QUEUES]; /* signalled by QueueNotify writes of queue q */
    int device_fd[VIRTIO_MMIO_MAX_QUEUES]; /* the device's own eventfd for q, or -1 */
    int irq_fd;                /* written to assert the line */
    int resample_fd;           /* signalled when the guest EOIs the line */
    int stop_fd;               /* wakes the thread to end it */
    bool fds_open;
    pthread_t thread;
    bool thread_started;
};

/* Creates the eventfds; direct is the board's line for the slot. 0 or -errno (reported). */
int virtio_fastpath_init(struct virtio_fastpath *fp, const char *slot_name,
                         struct irq_line direct);
/* The line to give the slot's transport: direct, or the irqfd once one is attached. */
struct irq_line virtio_fastpath_line(struct virtio_fastpath *fp);
/* Starts servicing the eventfds for transport t, which has nr_queues queues. 0 or -errno. */
int virtio_fastpath_start(struct virtio_fastpath *fp, struct virtio_mmio *t, unsigned nr_queues);
/*
 * The eventfd for queue q's notifications to hand to the accelerator: the device's own when
 * it has one (its thread wakes directly), else one this file's thread services.
 */
int virtio_fastpath_notify_fd(const struct virtio_fastpath *fp, unsigned q);
/*
 * The accelerator now asserts the line from irq_fd (attached) or the VM that held the
 * irqfd is gone (detached): back to the direct line, with stale eventfd counts dropped so
 * that the next VM does not start with an old interrupt or notification.
 */
void virtio_fastpath_irqfd_attached(struct virtio_fastpath *fp);
void virtio_fastpath_detach(struct virtio_fastpath *fp);
/* Stops the thread, which may be inside the transport: before the device goes. */
void virtio_fastpath_stop(struct virtio_fastpath *fp);
/* Stops the thread and closes the eventfds; safe after a failed init. After the device is
 * gone, since its own threads may still raise the line. */
void virtio_fastpath_destroy(struct virtio_fastpath *fp);

#endif
