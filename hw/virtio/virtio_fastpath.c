/* The eventfds and service thread of a virtio-mmio slot's fast path; see virtio_fastpath.h. */
#include "hw/virtio/virtio_fastpath.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/log.h"

/* Takes whatever count the eventfd holds; true if it held any. */
static bool eventfd_drain(int fd)
{
    eventfd_t count;

    return eventfd_read(fd, &count) == 0;
}

static void fastpath_set_level(void *opaque, uint32_t pin, int level)
{
    struct virtio_fastpath *fp = opaque;
    (void)pin;

    if (!atomic_load(&fp->irqfd_attached))
        irq_set(&fp->direct, level);
    else if (level)
        eventfd_write(fp->irq_fd, 1); /* fails only if saturated: raised anyway */
    /* A falling level with an irqfd: the guest's EOI lowers the pin (see the header). */
}

static void close_fds(struct virtio_fastpath *fp)
{
    int *fds[] = {&fp->irq_fd, &fp->resample_fd, &fp->stop_fd};

    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
        if (fp->notify_fd[q] >= 0)
            close(fp->notify_fd[q]);
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        if (*fds[i] >= 0)
            close(*fds[i]);
}

int virtio_fastpath_init(struct virtio_fastpath *fp, const char *slot_name,
                         struct irq_line direct)
{
    memset(fp, 0, sizeof(*fp));
    fp->direct = direct;
    fp->chip = (struct irq_chip){fastpath_set_level, fp};
    atomic_init(&fp->irqfd_attached, false);
    int *fds[] = {&fp->irq_fd, &fp->resample_fd, &fp->stop_fd};
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
        fp->notify_fd[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        *fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
        if (fp->notify_fd[q] < 0)
            goto fail;
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        if (*fds[i] < 0)
            goto fail;
    fp->fds_open = true;
    return 0;
fail:;
    int err = errno;
    log_error("%s: cannot create its eventfds: %s (or use ioeventfd=off)", slot_name,
              strerror(err));
    close_fds(fp);
    return -err;
}

struct irq_line virtio_fastpath_line(struct virtio_fastpath *fp)
{
    return irq_line_make(&fp->chip, fp->direct.pin);
}

/* One poll round: each signalled eventfd runs its part of the transport. False: stop. */
static bool fastpath_service(struct virtio_fastpath *fp, struct pollfd *pfd, unsigned n)
{
    if (poll(pfd, n, -1) < 0)
        return errno == EINTR;
    if (pfd[n - 1].revents)
        return false; /* stop_fd */
    for (unsigned q = 0; q < fp->nr_queues; q++)
        if (pfd[q].revents && eventfd_drain(fp->notify_fd[q]))
            virtio_mmio_notify_queue(fp->transport, q);
    /* Queues whose device waits on its own eventfd have fd -1 here: poll skips them. */
    if (pfd[n - 2].revents && eventfd_drain(fp->resample_fd))
        virtio_mmio_refresh_irq(fp->transport);
    return true;
}

static void *fastpath_thread(void *opaque)
{
    struct virtio_fastpath *fp = opaque;
    struct pollfd pfd[VIRTIO_MMIO_MAX_QUEUES + 2];
    unsigned n = 0;

    for (unsigned q = 0; q < fp->nr_queues; q++)
        pfd[n++] = (struct pollfd){.fd = fp->device_fd[q] < 0 ? fp->notify_fd[q] : -1,
                                   .events = POLLIN};
    pfd[n++] = (struct pollfd){.fd = fp->resample_fd, .events = POLLIN};
    pfd[n++] = (struct pollfd){.fd = fp->stop_fd, .events = POLLIN};
    while (fastpath_service(fp, pfd, n))
        ;
    return NULL;
}

int virtio_fastpath_start(struct virtio_fastpath *fp, struct virtio_mmio *t, unsigned nr_queues)
{
    fp->transport = t;
    fp->nr_queues = nr_queues < VIRTIO_MMIO_MAX_QUEUES ? nr_queues : VIRTIO_MMIO_MAX_QUEUES;
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
        fp->device_fd[q] = q < fp->nr_queues && t->ops->queue_eventfd
                               ? t->ops->queue_eventfd(t->dev, q)
                               : -1;
    int ret = pthread_create(&fp->thread, NULL, fastpath_thread, fp);
    if (ret != 0) {
        log_error("%s: cannot start its notification thread: %s", t->name, strerror(ret));
        return -ret;
    }
    fp->thread_started = true;
    return 0;
}

int virtio_fastpath_notify_fd(const struct virtio_fastpath *fp, unsigned q)
{
    return fp->device_fd[q] >= 0 ? fp->device_fd[q] : fp->notify_fd[q];
}

void virtio_fastpath_irqfd_attached(struct virtio_fastpath *fp)
{
    atomic_store(&fp->irqfd_attached, true);
    /* Whatever InterruptStatus holds now reaches the guest through the irqfd too. */
    if (fp->transport)
        virtio_mmio_refresh_irq(fp->transport);
}

void virtio_fastpath_detach(struct virtio_fastpath *fp)
{
    atomic_store(&fp->irqfd_attached, false);
    eventfd_drain(fp->irq_fd);
    eventfd_drain(fp->resample_fd);
    for (unsigned q = 0; q < fp->nr_queues; q++)
        eventfd_drain(fp->notify_fd[q]); /* a device's own eventfd is left to the device */
}

void virtio_fastpath_stop(struct virtio_fastpath *fp)
{
    if (fp->thread_started) {
        eventfd_write(fp->stop_fd, 1);
        pthread_join(fp->thread, NULL);
        fp->thread_started = false;
    }
}

void virtio_fastpath_destroy(struct virtio_fastpath *fp)
{
    virtio_fastpath_stop(fp);
    atomic_store(&fp->irqfd_attached, false);
    if (fp->fds_open)
        close_fds(fp);
    fp->fds_open = false;
}
