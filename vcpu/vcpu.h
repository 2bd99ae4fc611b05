/* vCPU threads: one host thread per vCPU, started, kicked and stopped by the machine. */
#ifndef KESTREL_VCPU_VCPU_H
#define KESTREL_VCPU_VCPU_H

#include <pthread.h>
#include <stdbool.h>

struct accel;
struct runstate;

struct vcpu {
    unsigned index;
    struct accel *accel;
    void *accel_priv; /* the accelerator's per-vCPU state */
    struct runstate *runstate;
    pthread_t thread;
    bool thread_running;
};

void vcpu_init(struct vcpu *vcpu, unsigned index, struct accel *accel, struct runstate *rs);
/* Starts the vCPU's thread; 0 or -errno. */
int vcpu_start(struct vcpu *vcpu);
/* Kicks the vCPU out of guest code and joins its thread. A stop request must be pending. */
void vcpu_stop(struct vcpu *vcpu);

#endif
