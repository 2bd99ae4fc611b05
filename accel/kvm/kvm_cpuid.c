/* CPUID for KVM vCPUs: what KVM supports, with each vCPU's own APIC ID and topology. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accel/kvm/kvm_internal.h"

#define KVM_CPUID_MAX_ENTRIES 1024

int kvm_cpuid_fetch_supported(struct kvm_vm *vm)
{
    for (unsigned n = 64; n <= KVM_CPUID_MAX_ENTRIES; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
        if (!c)
            return -ENOMEM;
        c->nent = n;
        int ret = kvm_ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
        if (ret == 0) {
            vm->supported_cpuid = c;
            return 0;
        }
        free(c);
        if (ret != -E2BIG)
            return ret;
    }
    return -E2BIG;
}

static void kvm_cpuid_patch_entry(struct kvm_cpuid_entry2 *e, unsigned index, unsigned nr_vcpus)
{
    switch (e->function) {
    case 1:
        /* Initial APIC ID in EBX[31:24]; logical processor count in EBX[23:16]. */
        e->ebx = (e->ebx & 0x0000ffffu) | (index << 24) | ((nr_vcpus & 0xff) << 16);
        if (nr_vcpus > 1)
            e->edx |= 1u << 28; /* HTT: the count field is valid */
        e->ecx |= 1u << 31;    /* running under a hypervisor */
        break;
    case 0xb:
    case 0x1f:
        /* Extended topology: EDX holds this CPU's x2APIC ID at every level. */
        e->edx = index;
        break;
    default:
        break;
    }
}

int kvm_cpuid_setup_vcpu(struct kvm_vm *vm, int vcpu_fd, unsigned index)
{
    const struct kvm_cpuid2 *sup = vm->supported_cpuid;
    size_t bytes = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
    struct kvm_cpuid2 *c = malloc(bytes);

    if (!c)
        return -ENOMEM;
    memcpy(c, sup, bytes);
    for (unsigned i = 0; i < c->nent; i++)
        kvm_cpuid_patch_entry(&c->entries[i], index, vm->desc.nr_vcpus);
    int ret = kvm_ioctl(vcpu_fd, KVM_SET_CPUID2, c);
    free(c);
    return ret;
}
