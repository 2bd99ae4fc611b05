/*
 * The ISA-neutral per-vCPU state of the TCG accelerator, and the interface a frontend (a
 * guest ISA) implements. A frontend embeds struct tcg_cpu in its CPU structure.
 */
#ifndef KESTREL_ACCEL_TCG_TCG_CPU_H
#define KESTREL_ACCEL_TCG_TCG_CPU_H

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "accel/tcg/tlb.h"

#define TCG_MAX_MMU_MODES 8
#define TCG_TLB_BITS 8
#define TCG_VTLB_SIZE 8 /* victim entries per mode, behind the direct-mapped TLB */
#define TCG_JMP_CACHE_BITS 16

struct tcg_ctx;
struct tb;
struct tcg_cpu;
struct io_bus;
struct guest_memory;
struct runstate;

/* What a guest ISA provides to the JIT core. All functions run on the vCPU's thread. */
struct tcg_frontend {
    const char *name;
    unsigned page_bits;
    unsigned nb_mmu_modes;
    /* Where struct tcg_cpu sits inside the frontend's CPU structure. */
    size_t tcg_cpu_offset;
    /* Creates the guest-state globals (and pins the hot ones) in the translation context. */
    void (*init_globals)(struct tcg_ctx *s);
    /* The current block key: pc, flags (privilege, MMU mode, ...), MMU mode for fetches. */
    void (*get_tb_state)(struct tcg_cpu *cpu, uint64_t *pc, uint64_t *flags,
                         unsigned *fetch_mmu_idx);
    /* Emits IR for the block starting at tb->pc with tb->flags; at most max_insns. */
    void (*translate)(struct tcg_cpu *cpu, struct tcg_ctx *s, struct tb *tb, unsigned max_insns);
    /* Sets the guest pc after an exception inside a block. */
    void (*restore_pc)(struct tcg_cpu *cpu, uint64_t pc);
    /* Delivers the exception recorded by the helper that raised it. */
    void (*do_exception)(struct tcg_cpu *cpu);
    /* Takes a pending, enabled interrupt if there is one (returns true when it did). */
    bool (*exec_interrupt)(struct tcg_cpu *cpu);
    /* True when an interrupt is pending that ends a wait-for-interrupt. */
    bool (*has_work)(struct tcg_cpu *cpu);
    /*
     * Translates vaddr for an access in mmu_idx. Returns 0 with *paddr and *prot. On a fault
     * it returns -1 when probe is set, else raises the guest exception (retaddr locates the
     * access in generated code, or is 0).
     */
    int (*tlb_fill)(struct tcg_cpu *cpu, uint64_t vaddr, enum tlb_access access,
                    unsigned mmu_idx, bool probe, uintptr_t retaddr, uint64_t *paddr,
                    unsigned *prot);
    /* Raises the guest's misaligned-access exception. */
    void (*unaligned)(struct tcg_cpu *cpu, uint64_t vaddr, enum tlb_access access,
                      uintptr_t retaddr) __attribute__((noreturn));
    /* Raises the guest's access fault for a physical address nothing answers. */
    void (*access_fault)(struct tcg_cpu *cpu, uint64_t vaddr, enum tlb_access access,
                         uintptr_t retaddr) __attribute__((noreturn));
    /* Writes the architectural state, for -d int and fatal errors. */
    void (*dump_state)(struct tcg_cpu *cpu, FILE *out);
};

/* Embedded in the frontend's CPU structure. Generated code reaches the first fields. */
struct tcg_cpu {
    volatile int32_t exit_request; /* set from any thread: leave generated code soon */
    uint32_t pad;
    struct tlb_entry tlb[TCG_MAX_MMU_MODES][1 << TCG_TLB_BITS];
    struct tb *jmp_cache[1 << TCG_JMP_CACHE_BITS];
    struct tlb_side tlb_side[TCG_MAX_MMU_MODES][1 << TCG_TLB_BITS];
    /* Entries evicted from the TLB, searched on a miss before walking: pages whose TLB
     * indexes collide then take turns without a page walk each time. */
    struct tlb_entry vtlb[TCG_MAX_MMU_MODES][TCG_VTLB_SIZE];
    struct tlb_side vtlb_side[TCG_MAX_MMU_MODES][TCG_VTLB_SIZE];
    unsigned vtlb_next[TCG_MAX_MMU_MODES];
    /* Per mode, an aligned range covering every large page the TLB holds pieces of, so a
     * page flush inside one can drop all its pieces. */
    struct {
        bool present;
        uint64_t addr, mask;
    } tlb_large[TCG_MAX_MMU_MODES];

    /* Everything below is only touched by C code. */
    const struct tcg_frontend *fe;
    void *env;             /* the frontend CPU structure containing this one */
    unsigned index;
    struct guest_memory *mem;
    struct io_bus *mmio;
    struct runstate *runstate;
    sigjmp_buf jmp_env;
    bool halted;           /* in wait-for-interrupt */
    pthread_mutex_t wait_lock;
    pthread_cond_t wait_cond;
    bool kicked;           /* another thread asked this vCPU to look at its requests */
    bool one_insn_per_tb;
    bool nochain;          /* -d exec: every block returns to the loop, so each is logged */
    struct tb *translating; /* the block being translated, while the cache lock is held */
};

/* The CPU structure a frontend allocates must start with room for these offsets. */
#define TCG_CPU_FIELD(cpu_offset, field) ((cpu_offset) + (int32_t)offsetof(struct tcg_cpu, field))

/* Runs the vCPU until a stop is requested; on its own thread. */
int tcg_cpu_exec(struct tcg_cpu *cpu);

/* Wakes the vCPU: out of generated code and out of wait-for-interrupt. Any thread. */
void tcg_cpu_kick(struct tcg_cpu *cpu);

/* Raises the frontend's pending exception from a helper; retaddr 0 when pc is already exact. */
void tcg_cpu_loop_exit(struct tcg_cpu *cpu, uintptr_t retaddr) __attribute__((noreturn));
/* Restores the guest pc for a host return address inside generated code. */
void tcg_cpu_restore_state(struct tcg_cpu *cpu, uintptr_t retaddr);

/* The MMU mode of an access: flushes (all modes, or one page in the modes in mask). */
void tlb_flush(struct tcg_cpu *cpu);
/* Drops every translation but global ones, as a new address space (ASID) needs. */
void tlb_flush_nonglobal(struct tcg_cpu *cpu);
void tlb_flush_page(struct tcg_cpu *cpu, uint64_t vaddr, uint32_t mmu_mask);

/*
 * Reads 16 bits of code for translation through the fetch TLB. A fault on the block's
 * first instruction is raised; later in the block it returns false, and the frontend ends
 * the block before that instruction.
 */
bool tcg_code_read16(struct tcg_cpu *cpu, uint64_t vaddr, unsigned mmu_idx, bool first_insn,
                     uint16_t *value);

/* Guest memory from C helpers (atomics, page walks of the frontend use physical access). */
uint64_t tcg_helper_load(struct tcg_cpu *cpu, uint64_t addr, unsigned memop, unsigned mmu_idx,
                         uintptr_t retaddr);
void tcg_helper_store(struct tcg_cpu *cpu, uint64_t addr, uint64_t value, unsigned memop,
                      unsigned mmu_idx, uintptr_t retaddr);
/* The host pointer for a RAM access of size at addr, or NULL (MMIO, fault raised otherwise). */
void *tcg_probe_access(struct tcg_cpu *cpu, uint64_t addr, unsigned size, enum tlb_access access,
                       unsigned mmu_idx, uintptr_t retaddr);

/* Physical memory, for page-table walks: 0 or -1 when nothing answers at paddr. */
int tcg_phys_read64(struct tcg_cpu *cpu, uint64_t paddr, uint64_t *value);
/* Compare-and-swap on a physical 64-bit word (A/D bit updates); true if it swapped. */
bool tcg_phys_cmpxchg64(struct tcg_cpu *cpu, uint64_t paddr, uint64_t expected, uint64_t desired);

#endif
