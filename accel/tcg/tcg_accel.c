/* The TCG accelerator behind the accel ops table: VM, vCPUs and interrupt inputs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg_arch.h"
#include "accel/tcg/tcg_cpu.h"
#include "core/log.h"
#include "vcpu/vcpu.h"

extern const struct tcg_arch riscv_tcg_arch;

/* Encodes an interrupt line for set_irq: the hart and its interrupt input. */
#define TCG_IRQ_LINE(cpu, irq) (((cpu) << 8) | (irq))
#define TCG_MAX_VCPUS 1

struct tcg_vm {
    const struct tcg_arch *arch;
    struct accel_vm_desc desc;
    struct tcg_cpu *cpus[TCG_MAX_VCPUS];
};

const struct tcg_arch *tcg_arch_find(enum cpu_arch arch)
{
    return arch == CPU_ARCH_RISCV64 ? &riscv_tcg_arch : NULL;
}

static int tcg_probe(const char **why)
{
    (void)why;
    return 0; /* software: always available */
}

static bool tcg_supports(enum cpu_arch arch, const char **why)
{
    if (tcg_arch_find(arch))
        return true;
    *why = "TCG has no x86-64 frontend yet (x86 guests run under KVM)";
    return false;
}

static int tcg_vm_create(struct accel *accel, const struct accel_vm_desc *desc)
{
    const struct tcg_arch *arch = tcg_arch_find(desc->arch);
    struct tcg_vm *vm;

    if (!arch) {
        log_error("TCG: this guest architecture has no TCG frontend yet");
        return -ENOTSUP;
    }
    if (desc->nr_vcpus > TCG_MAX_VCPUS) {
        log_error("-smp %u: TCG runs one vCPU in this version of kestrel; use -smp 1",
                  desc->nr_vcpus);
        return -ENOTSUP;
    }
    int ret = tcg_tb_init(arch->fe, desc->tcg_cache_size);
    if (ret < 0) {
        log_error("TCG: cannot map the code cache: %s", strerror(-ret));
        return ret;
    }
    if (desc->tcg_perfmap)
        tb_enable_perf_map();
    vm = calloc(1, sizeof(*vm));
    if (!vm)
        return -ENOMEM;
    vm->arch = arch;
    vm->desc = *desc;
    accel->priv = vm;
    return 0;
}

static void tcg_vm_destroy(struct accel *accel)
{
    free(accel->priv);
    accel->priv = NULL;
    /* Blocks belong to the old VM's memory contents; a new VM starts translating afresh. */
    tb_flush();
}

static int tcg_map_ram(struct accel *accel, unsigned slot, const struct guest_ram_region *r)
{
    (void)accel, (void)slot, (void)r;
    return 0; /* the soft MMU reads guest_memory directly */
}

static int tcg_vcpu_create(struct accel *accel, struct vcpu *vcpu)
{
    struct tcg_vm *vm = accel->priv;
    struct tcg_cpu *cpu = vm->arch->cpu_new(vcpu->index);

    if (!cpu)
        return -ENOMEM;
    cpu->mem = vm->desc.mem;
    cpu->mmio = vm->desc.mmio;
    cpu->runstate = vcpu->runstate;
    cpu->index = vcpu->index;
    cpu->one_insn_per_tb = vm->desc.tcg_one_insn_per_tb;
    cpu->nochain = log_enabled(LOG_EXEC);
    pthread_mutex_init(&cpu->wait_lock, NULL);
    pthread_cond_init(&cpu->wait_cond, NULL);
    tlb_flush(cpu);
    tb_register_cpu(cpu);
    vm->cpus[vcpu->index] = cpu;
    vcpu->accel_priv = cpu;
    return 0;
}

static void tcg_vcpu_destroy(struct vcpu *vcpu)
{
    struct tcg_cpu *cpu = vcpu->accel_priv;
    struct tcg_vm *vm = vcpu->accel->priv;

    if (!cpu)
        return;
    tb_unregister_cpu(cpu);
    if (vm)
        vm->cpus[vcpu->index] = NULL;
    vm->arch->cpu_free(cpu);
    vcpu->accel_priv = NULL;
}

static int tcg_vcpu_run(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    tcg_cpu_exec(vcpu->accel_priv);
    exit->reason = VCPU_EXIT_KICKED; /* the loop returns only when a stop is requested */
    return 0;
}

static int tcg_get_state(struct vcpu *vcpu, struct cpu_state *state)
{
    struct tcg_vm *vm = vcpu->accel->priv;
    return vm->arch->get_state(vcpu->accel_priv, state);
}

static int tcg_set_state(struct vcpu *vcpu, const struct cpu_state *state)
{
    struct tcg_vm *vm = vcpu->accel->priv;
    return vm->arch->set_state(vcpu->accel_priv, state);
}

static void tcg_set_irq(struct accel *accel, uint32_t line, int level)
{
    struct tcg_vm *vm = accel->priv;
    unsigned index = line >> 8;

    if (vm && index < TCG_MAX_VCPUS && vm->cpus[index])
        vm->arch->set_irq(vm->cpus[index], line & 0xff, level);
}

static void tcg_vcpu_kick(struct vcpu *vcpu)
{
    if (vcpu->accel_priv)
        tcg_cpu_kick(vcpu->accel_priv);
}

const struct accel_ops tcg_accel_ops = {
    .name = "tcg",
    .probe = tcg_probe,
    .supports = tcg_supports,
    .vm_create = tcg_vm_create,
    .vm_destroy = tcg_vm_destroy,
    .map_ram = tcg_map_ram,
    .vcpu_create = tcg_vcpu_create,
    .vcpu_destroy = tcg_vcpu_destroy,
    .vcpu_run = tcg_vcpu_run,
    .vcpu_get_state = tcg_get_state,
    .vcpu_set_state = tcg_set_state,
    .set_irq = tcg_set_irq,
    .vcpu_kick = tcg_vcpu_kick,
};
