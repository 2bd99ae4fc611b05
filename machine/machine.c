/* Machines: the board registry, and the life cycle create -> boot -> run -> reset -> exit. */
#include "machine/machine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/log.h"
#include "core/main_loop.h"

extern const struct board_ops pc_board_ops;
extern const struct board_ops virt_board_ops;

static const struct board_ops *const machine_boards[] = {
    &pc_board_ops,
    &virt_board_ops,
};

const struct board_ops *machine_find_board(const char *name)
{
    for (size_t i = 0; i < sizeof(machine_boards) / sizeof(machine_boards[0]); i++)
        if (strcmp(machine_boards[i]->name, name) == 0)
            return machine_boards[i];
    return NULL;
}

void machine_print_boards(void)
{
    printf("Supported machines are:\n");
    for (size_t i = 0; i < sizeof(machine_boards) / sizeof(machine_boards[0]); i++)
        printf("%-10s %s\n", machine_boards[i]->name, machine_boards[i]->description);
}

/*
 * Device interrupt lines reach the accelerator's controller only while a VM exists. Device
 * threads (a disk's I/O, a fast path) run across a reset, so the VM cannot go away or come
 * back while a line is being driven.
 */
static void machine_irq_set_level(void *opaque, uint32_t pin, int level)
{
    struct machine *m = opaque;

    pthread_rwlock_rdlock(&m->vm_lock);
    if (m->accel && m->accel->priv)
        m->accel->ops->set_irq(m->accel, pin, level);
    pthread_rwlock_unlock(&m->vm_lock);
}

struct machine *machine_create(const struct vm_config *cfg)
{
    const struct board_ops *board = machine_find_board(cfg->machine);
    struct machine *m = calloc(1, sizeof(*m));

    if (!m)
        return NULL;
    m->board = board;
    m->cfg = cfg;
    m->nr_vcpus = cfg->nr_vcpus;
    io_bus_init(&m->pio, IO_SPACE_PIO);
    io_bus_init(&m->mmio, IO_SPACE_MMIO);
    runstate_init(&m->runstate, cfg->no_reboot);
    chardev_bind_runstate(&m->runstate);
    m->irqchip = (struct irq_chip){machine_irq_set_level, m};
    pthread_rwlock_init(&m->vm_lock, NULL);
    m->vcpus = calloc(m->nr_vcpus, sizeof(*m->vcpus));
    if (!m->vcpus || board->create(m) < 0) {
        machine_destroy(m);
        return NULL;
    }
    return m;
}

static void machine_stop_vm(struct machine *m)
{
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        vcpu_stop(&m->vcpus[i]);
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        if (m->vcpus[i].accel_priv)
            m->accel->ops->vcpu_destroy(&m->vcpus[i]);
    pthread_rwlock_wrlock(&m->vm_lock);
    if (m->accel->priv)
        m->accel->ops->vm_destroy(m->accel);
    pthread_rwlock_unlock(&m->vm_lock);
}

static int machine_start_vm(struct machine *m)
{
    const struct accel_ops *ops = m->accel->ops;
    pthread_rwlock_wrlock(&m->vm_lock);
    int ret = ops->vm_create(m->accel, &m->vm_desc);
    pthread_rwlock_unlock(&m->vm_lock);

    if (ret < 0)
        return ret;
    for (unsigned i = 0; i < m->mem.nr_regions; i++) {
        ret = ops->map_ram(m->accel, i, &m->mem.region[i]);
        if (ret < 0) {
            log_error("%s: mapping guest RAM at 0x%llx: %s", ops->name,
                      (unsigned long long)m->mem.region[i].gpa, strerror(-ret));
            return ret;
        }
    }
    for (unsigned i = 0; i < m->nr_vcpus; i++) {
        vcpu_init(&m->vcpus[i], i, m->accel, &m->runstate);
        ret = ops->vcpu_create(m->accel, &m->vcpus[i]);
        if (ret < 0) {
            log_error("%s: creating vCPU %u: %s", ops->name, i, strerror(-ret));
            return ret;
        }
    }
    ret = m->board->boot(m);
    if (ret < 0)
        return ret;
    for (unsigned i = 0; i < m->nr_vcpus; i++) {
        ret = vcpu_start(&m->vcpus[i]);
        if (ret < 0) {
            log_error("starting the thread of vCPU %u: %s", i, strerror(-ret));
            return ret;
        }
    }
    return 0;
}

int machine_run(struct machine *m, struct accel *accel)
{
    int status = 0;

    m->accel = accel;
    main_loop_init(&m->runstate);
    for (;;) {
        if (machine_start_vm(m) < 0) {
            runstate_request_exit(&m->runstate, 1);
        }
        main_loop_wait(&m->runstate, &status);
        machine_stop_vm(m);
        if (!runstate_finish_reset(&m->runstate)) {
            runstate_pending(&m->runstate, &status);
            return status;
        }
        m->board->reset(m);
    }
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    if (m->board && m->board->destroy)
        m->board->destroy(m);
    pthread_rwlock_destroy(&m->vm_lock);
    guest_memory_free(&m->mem);
    io_bus_destroy(&m->pio);
    io_bus_destroy(&m->mmio);
    free(m->vcpus);
    free(m);
}
