/*
 * Translation blocks and the code cache: lookup by (physical pc, virtual pc, flags) through
 * a per-vCPU jump cache and a global hash, chaining with recorded incoming edges, and
 * invalidation by physical page for self-modifying code. A full cache is flushed whole.
 */
#ifndef KESTREL_ACCEL_TCG_TB_H
#define KESTREL_ACCEL_TCG_TB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcg_cpu;

struct tb {
    uint64_t pc;        /* guest virtual pc */
    uint64_t flags;     /* frontend state the code depends on */
    void *code;         /* host code; read by generated code's jump-cache lookup */
    uint64_t phys_pc;   /* guest physical address of the first byte */
    uint64_t page2;     /* physical page of the block's second page, or UINT64_MAX */
    uint32_t size;      /* guest bytes covered */
    uint32_t code_size;
    int32_t jmp_field[2];
    int32_t jmp_reset[2];
    struct tb *jmp_dest[2];   /* where slot n is chained to, or NULL */
    uintptr_t jmp_next[2];    /* next edge in jmp_dest[n]'s incoming list (tb | n) */
    uintptr_t jmp_incoming;   /* first incoming edge (tb | n), 0 if none */
    uint32_t nb_insns;
    uint32_t *insn_end;
    uint64_t *insn_pc;
    struct tb *hash_next;
    struct tb *page_next[2];
    bool invalid;
};

struct tcg_frontend;

/* Sets up the code cache (size in bytes, 0 for the default) and the prologue. */
int tcg_tb_init(const struct tcg_frontend *fe, size_t size);

/* The block for the vCPU's current state, translating it if needed; may raise fetch faults. */
struct tb *tb_find(struct tcg_cpu *cpu);

/* Chains from's slot n to to (when both are valid and chaining is allowed). */
void tb_add_jump(struct tb *from, unsigned n, struct tb *to);

/* The block whose code contains host address pc, or NULL. */
struct tb *tb_for_host_pc(uintptr_t pc);

/* Self-modifying code: drops every block on the physical page. Returns true if any. */
bool tb_invalidate_phys_page(uint64_t paddr_page);
/* True when translated code lives on the physical page. */
bool tb_page_has_code(uint64_t paddr_page);

/* Throws every block away (cache full, or on request). */
void tb_flush(void);

/* Writes /tmp/perf-PID.map as blocks are generated, for perf(1). */
void tb_enable_perf_map(void);

/* How many times the cache was flushed whole. */
uint64_t tb_flush_count(void);

/* Registers a vCPU so flushes and invalidations reach its jump cache and TLBs. */
void tb_register_cpu(struct tcg_cpu *cpu);
void tb_unregister_cpu(struct tcg_cpu *cpu);

/*
 * The jump-cache slot of a guest pc; generated code computes the same. The high half of the
 * index comes from the page number alone, so one page's entries form one run of
 * 1 << TB_JMP_OFFSET_BITS(bits) slots that a single-page TLB flush can clear.
 */
#define TB_JMP_PAGE_SHIFT 12
#define TB_JMP_OFFSET_BITS(bits) ((bits) - (bits) / 2)

static inline unsigned tb_jmp_cache_hash(uint64_t pc, unsigned bits)
{
    unsigned off_bits = TB_JMP_OFFSET_BITS(bits);
    uint64_t x = pc ^ (pc >> off_bits);
    uint64_t page_part = (x >> TB_JMP_PAGE_SHIFT) & ((1u << (bits / 2)) - 1);

    return (unsigned)(page_part << off_bits | ((x >> 1) & ((1u << off_bits) - 1)));
}

/* Forgets the jump-cache entries of blocks that may start in the page holding vaddr. */
void tb_jmp_cache_clear_page(struct tcg_cpu *cpu, uint64_t vaddr);

#endif
