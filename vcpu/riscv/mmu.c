/* RISC-V address translation: bare mode, Sv39 and Sv48 walks with A/D updates, and PMP. */
#include "vcpu/riscv/cpu.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ull << 44) - 1)

#define PMP_R 1
#define PMP_W 2
#define PMP_X 4
#define PMP_A_SHIFT 3
#define PMP_L 0x80
enum { PMP_OFF = 0, PMP_TOR = 1, PMP_NA4 = 2, PMP_NAPOT = 3 };

static unsigned access_prot(enum tlb_access access)
{
    return access == ACCESS_WRITE ? PROT_W : access == ACCESS_FETCH ? PROT_X : PROT_R;
}

static enum riscv_excp page_fault_cause(enum tlb_access access)
{
    return access == ACCESS_WRITE   ? EXCP_STORE_PAGE_FAULT
           : access == ACCESS_FETCH ? EXCP_INSN_PAGE_FAULT
                                    : EXCP_LOAD_PAGE_FAULT;
}

static enum riscv_excp access_fault_cause(enum tlb_access access)
{
    return access == ACCESS_WRITE   ? EXCP_STORE_ACCESS
           : access == ACCESS_FETCH ? EXCP_INSN_ACCESS
                                    : EXCP_LOAD_ACCESS;
}

/* The byte range [lo, hi] entry e covers, or false when it is off. */
static bool pmp_range(const struct riscv_cpu *env, unsigned e, uint64_t *lo, uint64_t *hi)
{
    unsigned a = (env->pmpcfg[e] >> PMP_A_SHIFT) & 3;
    uint64_t addr = env->pmpaddr[e];

    switch (a) {
    case PMP_TOR:
        *lo = e ? env->pmpaddr[e - 1] << 2 : 0;
        *hi = (addr << 2) - 1;
        return *hi >= *lo && addr != 0;
    case PMP_NA4:
        *lo = addr << 2;
        *hi = *lo + 3;
        return true;
    case PMP_NAPOT: {
        unsigned ones = (unsigned)__builtin_ctzll(~addr);
        uint64_t size = 8ull << ones;
        *lo = (addr & ~((1ull << ones) - 1)) << 2;
        *hi = *lo + size - 1;
        return true;
    }
    default:
        return false;
    }
}

void riscv_pmp_update(struct riscv_cpu *env)
{
    env->pmp_nr_rules = 0;
    env->pmp_any_locked = false;
    for (unsigned e = 0; e < RISCV_PMP_ENTRIES; e++) {
        struct riscv_pmp_rule r = {.cfg = env->pmpcfg[e]};
        if (!pmp_range(env, e, &r.lo, &r.hi))
            continue;
        env->pmp_rules[env->pmp_nr_rules++] = r;
        env->pmp_any_locked |= (r.cfg & PMP_L) != 0;
    }
}

/*
 * The PMP permissions for a physical address at a privilege; M gets all if nothing matches.
 * The TLB keeps the answer for a whole page only where no entry boundary falls inside it
 * (pmp_page_uniform); elsewhere each access asks again.
 */
static unsigned pmp_prot(const struct riscv_cpu *env, uint64_t paddr, unsigned priv)
{
    if (priv == RISCV_PRIV_M && !env->pmp_any_locked)
        return PROT_R | PROT_W | PROT_X;
    for (unsigned i = 0; i < env->pmp_nr_rules; i++) {
        const struct riscv_pmp_rule *r = &env->pmp_rules[i];
        if (paddr < r->lo || paddr > r->hi)
            continue;
        if (priv == RISCV_PRIV_M && !(r->cfg & PMP_L))
            return PROT_R | PROT_W | PROT_X;
        return ((r->cfg & PMP_R) ? PROT_R : 0) | ((r->cfg & PMP_W) ? PROT_W : 0) |
               ((r->cfg & PMP_X) ? PROT_X : 0);
    }
    return priv == RISCV_PRIV_M ? PROT_R | PROT_W | PROT_X : 0;
}

/* True when no PMP entry starts or ends inside the page: one answer holds for all of it. */
static bool pmp_page_uniform(const struct riscv_cpu *env, uint64_t page, unsigned priv)
{
    uint64_t last = page | 0xfff;

    if (priv == RISCV_PRIV_M && !env->pmp_any_locked)
        return true;
    for (unsigned i = 0; i < env->pmp_nr_rules; i++) {
        const struct riscv_pmp_rule *r = &env->pmp_rules[i];
        if ((r->lo > page && r->lo <= last) || (r->hi >= page && r->hi < last))
            return false;
    }
    return true;
}

static unsigned mmu_idx_priv(unsigned mmu_idx)
{
    return mmu_idx == MMU_IDX_M ? RISCV_PRIV_M : mmu_idx == MMU_IDX_U ? RISCV_PRIV_U
                                                                       : RISCV_PRIV_S;
}

/* The leaf's permissions for this privilege, with SUM and MXR applied. */
static unsigned leaf_prot(const struct riscv_cpu *env, uint64_t pte, unsigned mmu_idx,
                          enum tlb_access access)
{
    unsigned priv = mmu_idx_priv(mmu_idx);
    bool user_page = pte & PTE_U;

    if (priv == RISCV_PRIV_U && !user_page)
        return 0;
    if (priv == RISCV_PRIV_S && user_page && mmu_idx != MMU_IDX_S_SUM)
        return 0;
    unsigned prot = ((pte & PTE_R) ? PROT_R : 0) | ((pte & PTE_W) ? PROT_W : 0) |
                    ((pte & PTE_X) ? PROT_X : 0);
    if (priv == RISCV_PRIV_S && user_page)
        prot &= ~(unsigned)PROT_X; /* supervisor code never runs from user pages */
    if ((env->mstatus & MSTATUS_MXR) && (pte & PTE_X))
        prot |= PROT_R; /* make executable readable */
    /* Until D is set, grant no write: the first store comes back here to set it. */
    if (!(pte & PTE_D) && access != ACCESS_WRITE)
        prot &= ~(unsigned)PROT_W;
    return prot;
}

/* Sets A (and D for a write) with a compare-and-swap, as hardware A/D updating does. */
static int update_ad(struct riscv_cpu *env, uint64_t pte_addr, uint64_t *pte,
                     enum tlb_access access)
{
    uint64_t want = *pte | PTE_A | (access == ACCESS_WRITE ? PTE_D : 0);

    if (want == *pte)
        return 0;
    if (!tcg_phys_cmpxchg64(&env->tcg, pte_addr, *pte, want))
        return -1; /* changed under us, or not RAM: walk again */
    *pte = want;
    return 0;
}

/* Walks the page table; returns 0, or the exception cause. */
static int riscv_walk(struct riscv_cpu *env, uint64_t vaddr, enum tlb_access access,
                      unsigned mmu_idx, uint64_t *paddr, unsigned *prot)
{
    unsigned mode = (unsigned)(env->satp >> 60);
    int levels = mode == 9 ? 4 : 3;
    unsigned va_bits = 12 + 9 * (unsigned)levels;
    int64_t sext = (int64_t)(vaddr << (64 - va_bits)) >> (64 - va_bits);

    if ((uint64_t)sext != vaddr)
        return page_fault_cause(access); /* not canonical */
    for (int attempt = 0; attempt < 4; attempt++) {
        uint64_t table = (env->satp & ((1ull << 44) - 1)) << 12;
        bool global = false; /* G on any level makes the rest of the walk global */
        for (int level = levels - 1; level >= 0; level--) {
            uint64_t vpn = (vaddr >> (12 + 9 * level)) & 511;
            uint64_t pte_addr = table + vpn * 8, pte;
            if (tcg_phys_read64(&env->tcg, pte_addr, &pte) < 0 ||
                !(pmp_prot(env, pte_addr, RISCV_PRIV_S) & PROT_R))
                return access_fault_cause(access);
            if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) || (pte >> 54))
                return page_fault_cause(access);
            uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
            global |= (pte & PTE_G) != 0;
            if (!(pte & (PTE_R | PTE_X))) {
                table = ppn << 12;
                continue;
            }
            if (ppn & ((1ull << (9 * level)) - 1))
                return page_fault_cause(access); /* misaligned superpage */
            unsigned p = leaf_prot(env, pte, mmu_idx, access);
            if (!(p & access_prot(access)))
                return page_fault_cause(access);
            if (update_ad(env, pte_addr, &pte, access) < 0)
                goto retry;
            uint64_t page_off_mask = (1ull << (12 + 9 * level)) - 1;
            *paddr = ((ppn << 12) & ~page_off_mask) | (vaddr & page_off_mask);
            *prot = leaf_prot(env, pte, mmu_idx, access) | (global ? PROT_GLOBAL : 0);
            if (level > 0)
                *prot |= PROT_PAGE_BITS(12 + 9 * level); /* a superpage */
            return 0;
        }
        return page_fault_cause(access);
    retry:;
    }
    return page_fault_cause(access);
}

int riscv_tlb_fill(struct tcg_cpu *cpu, uint64_t vaddr, enum tlb_access access, unsigned mmu_idx,
                   bool probe, uintptr_t retaddr, uint64_t *paddr, unsigned *prot)
{
    struct riscv_cpu *env = riscv_cpu_of(cpu);
    unsigned priv = mmu_idx_priv(mmu_idx);
    int cause = 0;

    /* Without translation the mapping is the same in every address space. */
    *prot = PROT_R | PROT_W | PROT_X | PROT_GLOBAL;
    *paddr = vaddr;
    if (priv != RISCV_PRIV_M && (env->satp >> 60) != 0)
        cause = riscv_walk(env, vaddr, access, mmu_idx, paddr, prot);
    if (!cause) {
        *prot &= pmp_prot(env, *paddr, priv) | ~(unsigned)PROT_RWX;
        if (!pmp_page_uniform(env, *paddr & ~0xfffull, priv))
            *prot |= PROT_NOCACHE;
        if (!(*prot & access_prot(access)))
            cause = access_fault_cause(access);
    }
    if (!cause)
        return 0;
    if (probe)
        return -1;
    riscv_raise(env, (uint64_t)cause, vaddr, retaddr);
}
