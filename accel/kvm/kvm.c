/*
 * The KVM accelerator: probing /dev/kvm, the VM, memory slots, the in-kernel irqchip, and
 * the device fast paths (ioeventfd, irqfd).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "accel/kvm/kvm_internal.h"
#include "core/log.h"
#include "core/memory.h"

#define KVM_DEVICE "/dev/kvm"

int kvm_ioctl(int fd, unsigned long request, void *arg)
{
    int ret;

    do {
        ret = ioctl(fd, request, arg);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : ret;
}

static int kvm_open(const char **why)
{
    int fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        *why = errno == ENOENT ? KVM_DEVICE " does not exist (is the kvm module loaded?)"
               : errno == EACCES ? KVM_DEVICE ": permission denied (join the kvm group)"
                                 : KVM_DEVICE ": cannot be opened";
        return -errno;
    }
    if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
        *why = KVM_DEVICE " speaks an unsupported API version";
        close(fd);
        return -ENOTSUP;
    }
    return fd;
}

static int kvm_probe(const char **why)
{
    int fd = kvm_open(why);

    if (fd < 0)
        return fd;
    int vm = kvm_ioctl(fd, KVM_CREATE_VM, 0);
    if (vm < 0)
        *why = KVM_DEVICE ": KVM_CREATE_VM failed (KVM is present but unusable)";
    else
        close(vm);
    close(fd);
    return vm < 0 ? vm : 0;
}

static bool kvm_supports(enum cpu_arch arch, const char **why)
{
    if (arch == CPU_ARCH_X86_64)
        return true;
    *why = "KVM on this host runs only x86-64 guests";
    return false;
}

static int kvm_check_caps(struct kvm_vm *vm, const char **missing)
{
    static const struct {
        int cap;
        const char *name;
    } required[] = {
        {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
        {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
        {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
        {KVM_CAP_PIT2, "KVM_CAP_PIT2"},
        {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
        {KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR"},
        {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    };
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, required[i].cap) <= 0) {
            *missing = required[i].name;
            return -ENOTSUP;
        }
    }
    return 0;
}

static int kvm_setup_x86_platform(struct kvm_vm *vm)
{
    const struct accel_vm_desc *d = &vm->desc;
    int ret;

    ret = kvm_ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (void *)(uintptr_t)d->x86_tss_addr);
    if (ret < 0)
        return ret;
    uint64_t idmap = d->x86_identity_map_addr;
    ret = kvm_ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
    if (ret < 0)
        return ret;
    if (d->x86_irqchip) {
        ret = kvm_ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, NULL);
        if (ret < 0)
            return ret;
    }
    if (d->x86_pit) {
        /* The dummy speaker makes port 0x61 (PIT channel 2 gate/output) live in the kernel. */
        struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
        ret = kvm_ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int kvm_vm_fail(struct kvm_vm *vm, int ret, const char *what)
{
    log_error("KVM: %s: %s", what, strerror(-ret));
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->kvm_fd >= 0)
        close(vm->kvm_fd);
    free(vm->supported_cpuid);
    free(vm);
    return ret;
}

static int kvm_vm_create(struct accel *accel, const struct accel_vm_desc *desc)
{
    struct kvm_vm *vm = calloc(1, sizeof(*vm));
    const char *why = NULL;
    int ret;

    if (!vm)
        return -ENOMEM;
    vm->desc = *desc;
    vm->vm_fd = -1;
    vm->kvm_fd = kvm_open(&why);
    if (vm->kvm_fd < 0)
        return kvm_vm_fail(vm, vm->kvm_fd, why);
    vm->vm_fd = kvm_ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        return kvm_vm_fail(vm, vm->vm_fd, "KVM_CREATE_VM");
    ret = kvm_check_caps(vm, &why);
    if (ret < 0)
        return kvm_vm_fail(vm, ret, why);
    ret = kvm_ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
    if (ret < (int)sizeof(struct kvm_run))
        return kvm_vm_fail(vm, ret < 0 ? ret : -EINVAL, "KVM_GET_VCPU_MMAP_SIZE");
    vm->run_size = (size_t)ret;
    if (desc->arch != CPU_ARCH_X86_64)
        return kvm_vm_fail(vm, -ENOTSUP, "only x86-64 guests run under KVM on this host");
    ret = kvm_setup_x86_platform(vm);
    if (ret < 0)
        return kvm_vm_fail(vm, ret, "setting up the in-kernel PC platform (irqchip, PIT)");
    ret = kvm_cpuid_fetch_supported(vm);
    if (ret < 0)
        return kvm_vm_fail(vm, ret, "KVM_GET_SUPPORTED_CPUID");
    accel->priv = vm;
    return 0;
}

static void kvm_vm_destroy(struct accel *accel)
{
    struct kvm_vm *vm = accel->priv;

    if (!vm)
        return;
    close(vm->vm_fd);
    close(vm->kvm_fd);
    free(vm->supported_cpuid);
    free(vm);
    accel->priv = NULL;
}

static int kvm_map_ram(struct accel *accel, unsigned slot, const struct guest_ram_region *r)
{
    struct kvm_vm *vm = accel->priv;
    struct kvm_userspace_memory_region region = {
        .slot = slot,
        .guest_phys_addr = r->gpa,
        .memory_size = r->size,
        .userspace_addr = (uintptr_t)r->host,
    };
    return kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

static void kvm_set_irq(struct accel *accel, uint32_t line, int level)
{
    struct kvm_vm *vm = accel->priv;
    struct kvm_irq_level irq = {.irq = line, .level = level ? 1 : 0};

    int ret = kvm_ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq);
    if (ret < 0)
        log_error("KVM: KVM_IRQ_LINE %u level %d: %s", line, level, strerror(-ret));
}

static int kvm_add_ioeventfd(struct accel *accel, uint64_t addr, unsigned size, uint64_t data,
                             int fd)
{
    struct kvm_vm *vm = accel->priv;
    struct kvm_ioeventfd ioe = {
        .datamatch = data, .addr = addr, .len = size, .fd = fd,
        .flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
    };

    if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) <= 0)
        return -ENOTSUP;
    return kvm_ioctl(vm->vm_fd, KVM_IOEVENTFD, &ioe);
}

static int kvm_add_irqfd(struct accel *accel, uint32_t line, int fd, int resample_fd)
{
    struct kvm_vm *vm = accel->priv;
    struct kvm_irqfd irqfd = {
        .fd = (uint32_t)fd, .gsi = line,
        .flags = KVM_IRQFD_FLAG_RESAMPLE, .resamplefd = (uint32_t)resample_fd,
    };

    if (!vm->desc.x86_irqchip || ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) <= 0 ||
        ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD_RESAMPLE) <= 0)
        return -ENOTSUP;
    return kvm_ioctl(vm->vm_fd, KVM_IRQFD, &irqfd);
}

const struct accel_ops kvm_accel_ops = {
    .name = "kvm",
    .probe = kvm_probe,
    .supports = kvm_supports,
    .vm_create = kvm_vm_create,
    .vm_destroy = kvm_vm_destroy,
    .map_ram = kvm_map_ram,
    .vcpu_create = kvm_vcpu_create,
    .vcpu_destroy = kvm_vcpu_destroy,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_get_state = kvm_x86_get_state,
    .vcpu_set_state = kvm_x86_set_state,
    .set_irq = kvm_set_irq,
    .vcpu_kick = kvm_vcpu_kick,
    .add_ioeventfd = kvm_add_ioeventfd,
    .add_irqfd = kvm_add_irqfd,
};
