/* KVM vCPUs: creation, the run loop with PIO/MMIO dispatch, and kicks from other threads. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/kvm/kvm_internal.h"
#include "core/io.h"
#include "core/log.h"
#include "core/runstate.h"
#include "vcpu/vcpu.h"

/* The signal that knocks a vCPU thread out of KVM_RUN, as QEMU's SIG_IPI does. */
#define KVM_KICK_SIGNAL SIGUSR1

static __thread struct kvm_run *kvm_thread_run;

static void kvm_kick_handler(int sig)
{
    (void)sig;
    /* Covers the window between the stop check and KVM_RUN: the next entry returns at once. */
    if (kvm_thread_run)
        kvm_thread_run->immediate_exit = 1;
}

static void kvm_kick_handler_install_once(void)
{
    /* No SA_RESTART: KVM_RUN must return EINTR. */
    struct sigaction sa = {.sa_handler = kvm_kick_handler};

    sigemptyset(&sa.sa_mask);
    sigaction(KVM_KICK_SIGNAL, &sa, NULL);
}

static void kvm_install_kick_handler(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, kvm_kick_handler_install_once);
}

int kvm_vcpu_create(struct accel *accel, struct vcpu *vcpu)
{
    struct kvm_vm *vm = accel->priv;
    struct kvm_vcpu *kv = calloc(1, sizeof(*kv));
    int ret;

    if (!kv)
        return -ENOMEM;
    kv->vm = vm;
    kv->index = vcpu->index;
    kv->fd = kvm_ioctl(vm->vm_fd, KVM_CREATE_VCPU, (void *)(uintptr_t)vcpu->index);
    if (kv->fd < 0) {
        ret = kv->fd;
        free(kv);
        return ret;
    }
    kv->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, kv->fd, 0);
    if (kv->run == MAP_FAILED) {
        ret = -errno;
        close(kv->fd);
        free(kv);
        return ret;
    }
    ret = kvm_cpuid_setup_vcpu(vm, kv->fd, vcpu->index);
    if (ret < 0) {
        munmap(kv->run, vm->run_size);
        close(kv->fd);
        free(kv);
        return ret;
    }
    kvm_install_kick_handler();
    vcpu->accel_priv = kv;
    return 0;
}

void kvm_vcpu_destroy(struct vcpu *vcpu)
{
    struct kvm_vcpu *kv = vcpu->accel_priv;

    if (!kv)
        return;
    munmap(kv->run, kv->vm->run_size);
    close(kv->fd);
    free(kv);
    vcpu->accel_priv = NULL;
}

void kvm_vcpu_kick(struct vcpu *vcpu)
{
    if (vcpu->thread_running)
        pthread_kill(vcpu->thread, KVM_KICK_SIGNAL);
}

static void kvm_vcpu_thread_init(struct kvm_vcpu *kv)
{
    sigset_t kick;

    kvm_thread_run = kv->run;
    sigemptyset(&kick);
    sigaddset(&kick, KVM_KICK_SIGNAL);
    pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
    kv->thread_ready = 1;
}

/* Port I/O: `count` repetitions (rep ins/outs) of `size` bytes in the run page. */
static int kvm_handle_pio(struct kvm_vcpu *kv, struct io_bus *bus)
{
    struct kvm_run *run = kv->run;
    uint32_t size = run->io.size;
    uint64_t total = (uint64_t)size * run->io.count;
    bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

    if ((size != 1 && size != 2 && size != 4) || run->io.data_offset > kv->vm->run_size ||
        total > kv->vm->run_size - run->io.data_offset)
        return -EINVAL;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    for (uint32_t i = 0; i < run->io.count; i++, data += size) {
        uint64_t value = 0;
        if (is_write)
            memcpy(&value, data, size);
        io_bus_dispatch(bus, run->io.port, size, is_write, &value);
        if (!is_write)
            memcpy(data, &value, size);
    }
    return 0;
}

static int kvm_handle_mmio(struct kvm_vcpu *kv, struct io_bus *bus)
{
    struct kvm_run *run = kv->run;
    uint32_t len = run->mmio.len;
    uint64_t value = 0;

    if (len == 0 || len > 8)
        return -EINVAL;
    if (len & (len - 1)) {
        /* KVM splits odd sizes for us in practice; treat any other as unclaimed. */
        if (!run->mmio.is_write)
            memset(run->mmio.data, 0xff, len);
        return 0;
    }
    if (run->mmio.is_write)
        memcpy(&value, run->mmio.data, len);
    io_bus_dispatch(bus, run->mmio.phys_addr, len, run->mmio.is_write, &value);
    if (!run->mmio.is_write)
        memcpy(run->mmio.data, &value, len);
    return 0;
}

__attribute__((format(printf, 2, 3))) static void kvm_exit_error(struct vcpu_exit *exit,
                                                                  const char *fmt, ...)
{
    va_list ap;

    exit->reason = VCPU_EXIT_ERROR;
    va_start(ap, fmt);
    vsnprintf(exit->detail, sizeof(exit->detail), fmt, ap);
    va_end(ap);
}

static void kvm_handle_system_event(struct kvm_run *run, struct vcpu_exit *exit)
{
    switch (run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        exit->reason = VCPU_EXIT_POWEROFF;
        break;
    case KVM_SYSTEM_EVENT_RESET:
        exit->reason = VCPU_EXIT_RESET;
        break;
    default:
        kvm_exit_error(exit, "KVM system event %u (crash or unsupported)",
                       run->system_event.type);
    }
}

/* Returns true when the exit must go back to the machine. */
static bool kvm_handle_exit(struct kvm_vcpu *kv, struct vcpu_exit *exit)
{
    struct kvm_run *run = kv->run;
    const struct accel_vm_desc *d = &kv->vm->desc;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        if (kvm_handle_pio(kv, d->pio) == 0)
            return false;
        kvm_exit_error(exit, "malformed KVM I/O exit (size %u, count %u)", run->io.size,
                       run->io.count);
        return true;
    case KVM_EXIT_MMIO:
        if (kvm_handle_mmio(kv, d->mmio) == 0)
            return false;
        kvm_exit_error(exit, "malformed KVM MMIO exit (addr 0x%llx, len %u)",
                       (unsigned long long)run->mmio.phys_addr, run->mmio.len);
        return true;
    case KVM_EXIT_INTR:
        exit->reason = VCPU_EXIT_KICKED;
        return true;
    case KVM_EXIT_SHUTDOWN:
        exit->reason = VCPU_EXIT_SHUTDOWN;
        return true;
    case KVM_EXIT_SYSTEM_EVENT:
        kvm_handle_system_event(run, exit);
        return true;
    case KVM_EXIT_INTERNAL_ERROR:
        kvm_exit_error(exit, "KVM internal error (suberror %u%s)", run->internal.suberror,
                       run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                           ? ": instruction emulation failed"
                           : "");
        return true;
    case KVM_EXIT_FAIL_ENTRY:
        kvm_exit_error(exit, "KVM entry failed (hardware reason 0x%llx, cpu %u)",
                       (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
                       run->fail_entry.cpu);
        return true;
    case KVM_EXIT_HLT:
        kvm_exit_error(exit, "HLT exit without an in-kernel irqchip");
        return true;
    default:
        kvm_exit_error(exit, "unhandled KVM exit reason %u", run->exit_reason);
        return true;
    }
}

int kvm_vcpu_run(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    struct kvm_vcpu *kv = vcpu->accel_priv;

    if (!kv->thread_ready)
        kvm_vcpu_thread_init(kv);
    for (;;) {
        if (ioctl(kv->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR) {
                kv->run->immediate_exit = 0;
                exit->reason = VCPU_EXIT_KICKED;
                return 0;
            }
            if (errno == EAGAIN)
                continue;
            return -errno;
        }
        if (kvm_handle_exit(kv, exit))
            return 0;
        /* A device may have asked the machine to stop; do not re-enter the guest then. */
        if (runstate_stop_requested(vcpu->runstate)) {
            exit->reason = VCPU_EXIT_KICKED;
            return 0;
        }
    }
}
