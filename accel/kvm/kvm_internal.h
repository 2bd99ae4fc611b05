/* State shared by the KVM accelerator's files: the VM and per-vCPU handles. */
#ifndef KESTREL_ACCEL_KVM_INTERNAL_H
#define KESTREL_ACCEL_KVM_INTERNAL_H

#include <linux/kvm.h>
#include <stddef.h>

#include "accel/accel.h"

struct kvm_vm {
    int kvm_fd;
    int vm_fd;
    size_t run_size;
    struct accel_vm_desc desc;
    struct kvm_cpuid2 *supported_cpuid;
};

struct kvm_vcpu {
    int fd;
    struct kvm_run *run;
    struct kvm_vm *vm;
    unsigned index;
    /* First run on the vCPU thread unblocks the kick signal there. */
    int thread_ready;
};

extern const struct accel_ops kvm_accel_ops;

/* An ioctl that retries on EINTR/EAGAIN where that is safe; returns >= 0 or -errno. */
int kvm_ioctl(int fd, unsigned long request, void *arg);

int kvm_vcpu_create(struct accel *accel, struct vcpu *vcpu);
void kvm_vcpu_destroy(struct vcpu *vcpu);
int kvm_vcpu_run(struct vcpu *vcpu, struct vcpu_exit *exit);
void kvm_vcpu_kick(struct vcpu *vcpu);

int kvm_x86_get_state(struct vcpu *vcpu, struct cpu_state *state);
int kvm_x86_set_state(struct vcpu *vcpu, const struct cpu_state *state);

/* Fetches KVM_GET_SUPPORTED_CPUID into vm->supported_cpuid; 0 or -errno. */
int kvm_cpuid_fetch_supported(struct kvm_vm *vm);
/* Programs a vCPU's CPUID from the supported set, with its own APIC ID. */
int kvm_cpuid_setup_vcpu(struct kvm_vm *vm, int vcpu_fd, unsigned index);

#endif
