/*
 * The soft MMU: filling the TLB from the frontend's page walk, the slow paths behind the
 * inline fast path (misses, MMIO, page-crossing and misaligned accesses, writes to pages
 * holding translated code), code fetch for the translator, and physical access for walks.
 */
#include <string.h>

#include "accel/tcg/internal.h"
#include "accel/tcg/ir.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg_cpu.h"
#include "core/io.h"
#include "core/memory.h"

size_t tcg_cpu_offset_in_env;

static struct tcg_cpu *cpu_of(void *env)
{
    return (struct tcg_cpu *)((char *)env + tcg_cpu_offset_in_env);
}

static uint64_t page_size(const struct tcg_cpu *cpu)
{
    return (uint64_t)1 << cpu->fe->page_bits;
}

static uint64_t page_mask(const struct tcg_cpu *cpu)
{
    return ~(page_size(cpu) - 1);
}

static unsigned tlb_index(const struct tcg_cpu *cpu, uint64_t vaddr)
{
    return (unsigned)(vaddr >> cpu->fe->page_bits) & ((1u << TCG_TLB_BITS) - 1);
}

/* Every entry of a mode: the direct-mapped ones, then the victims. */
#define TLB_MODE_ENTRIES ((1u << TCG_TLB_BITS) + TCG_VTLB_SIZE)

static struct tlb_entry *entry_at(struct tcg_cpu *cpu, unsigned m, unsigned i)
{
    return i < (1u << TCG_TLB_BITS) ? &cpu->tlb[m][i] : &cpu->vtlb[m][i - (1u << TCG_TLB_BITS)];
}

static struct tlb_side *side_at(struct tcg_cpu *cpu, unsigned m, unsigned i)
{
    return i < (1u << TCG_TLB_BITS) ? &cpu->tlb_side[m][i]
                                    : &cpu->vtlb_side[m][i - (1u << TCG_TLB_BITS)];
}

/* A tag matches when it names this page and is not marked invalid; other flags are kept. */
static bool tlb_hit(const struct tcg_cpu *cpu, uint64_t tag, uint64_t vaddr)
{
    return (tag & (page_mask(cpu) | TLB_INVALID)) == (vaddr & page_mask(cpu));
}

/* True when any of the entry's tags names vaddr's page. */
static bool tlb_entry_names(const struct tcg_cpu *cpu, const struct tlb_entry *e, uint64_t vaddr)
{
    return tlb_hit(cpu, e->addr_read, vaddr) || tlb_hit(cpu, e->addr_write, vaddr) ||
           tlb_hit(cpu, e->addr_code, vaddr);
}

static void tlb_entry_invalidate(struct tlb_entry *e)
{
    e->addr_read = e->addr_write = e->addr_code = UINT64_MAX;
    e->addend = 0;
}

static bool tlb_entry_empty(const struct tlb_entry *e)
{
    return e->addr_read == UINT64_MAX && e->addr_write == UINT64_MAX &&
           e->addr_code == UINT64_MAX;
}

static void tlb_flush_mode(struct tcg_cpu *cpu, unsigned m)
{
    for (unsigned i = 0; i < TLB_MODE_ENTRIES; i++)
        tlb_entry_invalidate(entry_at(cpu, m, i));
    cpu->tlb_large[m].present = false;
}

void tlb_flush(struct tcg_cpu *cpu)
{
    for (unsigned m = 0; m < TCG_MAX_MMU_MODES; m++)
        tlb_flush_mode(cpu, m);
    /* The jump cache is keyed by virtual pc, so it depends on the same translations. */
    memset(cpu->jmp_cache, 0, sizeof(cpu->jmp_cache));
}

/* Global large pages stay, and so does the range recording them. */
void tlb_flush_nonglobal(struct tcg_cpu *cpu)
{
    for (unsigned m = 0; m < cpu->fe->nb_mmu_modes; m++)
        for (unsigned i = 0; i < TLB_MODE_ENTRIES; i++)
            if (!side_at(cpu, m, i)->global)
                tlb_entry_invalidate(entry_at(cpu, m, i));
    memset(cpu->jmp_cache, 0, sizeof(cpu->jmp_cache));
}

static bool in_large_page(const struct tcg_cpu *cpu, unsigned m, uint64_t vaddr)
{
    return cpu->tlb_large[m].present &&
           (vaddr & cpu->tlb_large[m].mask) == cpu->tlb_large[m].addr;
}

/* Widens mode m's large-page range to cover the 2^bits-byte page holding vaddr. */
static void tlb_add_large_page(struct tcg_cpu *cpu, unsigned m, uint64_t vaddr, unsigned bits)
{
    uint64_t mask = bits >= 64 ? 0 : ~((1ull << bits) - 1);

    if (cpu->tlb_large[m].present) {
        mask &= cpu->tlb_large[m].mask;
        while (((cpu->tlb_large[m].addr ^ vaddr) & mask) != 0)
            mask <<= 1; /* widen until both fit; a mask of 0 covers every address */
    }
    cpu->tlb_large[m].present = true;
    cpu->tlb_large[m].addr = vaddr & mask;
    cpu->tlb_large[m].mask = mask;
}

/*
 * vaddr may lie in a superpage whose other 4 KiB pieces sit in any TLB slot: drops every
 * piece of a superpage holding vaddr. Returns true if one of them mapped code.
 */
static bool tlb_flush_superpage_pieces(struct tcg_cpu *cpu, unsigned m, uint64_t vaddr)
{
    bool code = false;

    for (unsigned i = 0; i < TLB_MODE_ENTRIES; i++) {
        const struct tlb_side *side = side_at(cpu, m, i);
        struct tlb_entry *e = entry_at(cpu, m, i);
        if (side->page_bits <= cpu->fe->page_bits || side->page_bits >= 64 ||
            ((side->vaddr ^ vaddr) >> side->page_bits) != 0)
            continue;
        if (tlb_entry_empty(e))
            continue;
        code |= e->addr_code != UINT64_MAX;
        tlb_entry_invalidate(e);
    }
    return code;
}

void tlb_flush_page(struct tcg_cpu *cpu, uint64_t vaddr, uint32_t mmu_mask)
{
    unsigned idx = tlb_index(cpu, vaddr);
    bool cleared_jump_cache = false;

    for (unsigned m = 0; m < cpu->fe->nb_mmu_modes; m++) {
        struct tlb_entry *e = &cpu->tlb[m][idx];
        if (!(mmu_mask & (1u << m)))
            continue;
        if (in_large_page(cpu, m, vaddr) && tlb_flush_superpage_pieces(cpu, m, vaddr) &&
            !cleared_jump_cache) {
            memset(cpu->jmp_cache, 0, sizeof(cpu->jmp_cache)); /* code anywhere in it */
            cleared_jump_cache = true;
        }
        if (tlb_entry_names(cpu, e, vaddr))
            tlb_entry_invalidate(e);
        for (unsigned v = 0; v < TCG_VTLB_SIZE; v++)
            if (tlb_entry_names(cpu, &cpu->vtlb[m][v], vaddr))
                tlb_entry_invalidate(&cpu->vtlb[m][v]);
    }
    /* Blocks starting in this page, or in the one before when they run into it. */
    tb_jmp_cache_clear_page(cpu, vaddr);
    tb_jmp_cache_clear_page(cpu, vaddr - page_size(cpu));
}

void tlb_protect_code_page(struct tcg_cpu *cpu, uint64_t paddr_page)
{
    for (unsigned m = 0; m < cpu->fe->nb_mmu_modes; m++)
        for (unsigned i = 0; i < TLB_MODE_ENTRIES; i++) {
            struct tlb_entry *e = entry_at(cpu, m, i);
            if (side_at(cpu, m, i)->paddr == paddr_page && !(e->addr_write & TLB_INVALID) &&
                !(e->addr_write & TLB_MMIO))
                e->addr_write |= TLB_NOTDIRTY;
        }
}

static void tlb_unprotect_code_page(struct tcg_cpu *cpu, uint64_t paddr_page)
{
    for (unsigned m = 0; m < cpu->fe->nb_mmu_modes; m++)
        for (unsigned i = 0; i < TLB_MODE_ENTRIES; i++)
            if (side_at(cpu, m, i)->paddr == paddr_page)
                entry_at(cpu, m, i)->addr_write &= ~TLB_NOTDIRTY;
}

/* Installs a translation the frontend's walk produced. */
static void tlb_set_page(struct tcg_cpu *cpu, uint64_t vaddr, uint64_t paddr, unsigned prot,
                         unsigned mmu_idx)
{
    uint64_t vpage = vaddr & page_mask(cpu), ppage = paddr & page_mask(cpu);
    unsigned idx = tlb_index(cpu, vaddr);
    struct tlb_entry *e = &cpu->tlb[mmu_idx][idx];
    uint8_t *host = gpa_to_host(cpu->mem, ppage, page_size(cpu));
    /* An uncacheable translation answers the access in hand; its tags never hit. */
    uint64_t flags = (host ? 0 : TLB_MMIO) | ((prot & PROT_NOCACHE) ? TLB_INVALID : 0);

    /* The entry this one replaces moves to the victim TLB, unless it is for this page. */
    if (!tlb_entry_empty(e) && !tlb_entry_names(cpu, e, vaddr)) {
        unsigned v = cpu->vtlb_next[mmu_idx]++ % TCG_VTLB_SIZE;
        cpu->vtlb[mmu_idx][v] = *e;
        cpu->vtlb_side[mmu_idx][v] = cpu->tlb_side[mmu_idx][idx];
    }
    e->addend = host ? (uintptr_t)host - (uintptr_t)vpage : 0;
    e->addr_read = (prot & PROT_R) ? vpage | flags : UINT64_MAX;
    e->addr_write = (prot & PROT_W) ? vpage | flags : UINT64_MAX;
    if ((prot & PROT_W) && host && tb_page_has_code(ppage))
        e->addr_write |= TLB_NOTDIRTY;
    e->addr_code = (prot & PROT_X) ? vpage | flags : UINT64_MAX;
    cpu->tlb_side[mmu_idx][idx].paddr = ppage;
    cpu->tlb_side[mmu_idx][idx].global = (prot & PROT_GLOBAL) != 0;
    cpu->tlb_side[mmu_idx][idx].vaddr = vpage;
    cpu->tlb_side[mmu_idx][idx].page_bits =
        (uint8_t)(PROT_PAGE_BITS_OF(prot) > cpu->fe->page_bits ? PROT_PAGE_BITS_OF(prot)
                                                               : cpu->fe->page_bits);
    if (PROT_PAGE_BITS_OF(prot) > cpu->fe->page_bits)
        tlb_add_large_page(cpu, mmu_idx, vaddr, PROT_PAGE_BITS_OF(prot));
}

/* Finds vaddr's page among the victims; swaps it into the direct-mapped slot e. */
static bool tlb_victim_swap(struct tcg_cpu *cpu, struct tlb_entry *e, uint64_t vaddr,
                            enum tlb_access access, unsigned mmu_idx)
{
    for (unsigned v = 0; v < TCG_VTLB_SIZE; v++) {
        struct tlb_entry *ve = &cpu->vtlb[mmu_idx][v];
        uint64_t tag = access == ACCESS_WRITE ? ve->addr_write
                       : access == ACCESS_READ ? ve->addr_read
                                               : ve->addr_code;
        if (!tlb_hit(cpu, tag, vaddr))
            continue;
        unsigned idx = (unsigned)(e - cpu->tlb[mmu_idx]);
        struct tlb_entry te = *e;
        struct tlb_side ts = cpu->tlb_side[mmu_idx][idx];
        *e = *ve;
        cpu->tlb_side[mmu_idx][idx] = cpu->vtlb_side[mmu_idx][v];
        *ve = te;
        cpu->vtlb_side[mmu_idx][v] = ts;
        return true;
    }
    return false;
}

/* The entry for vaddr, filled (or the fault raised) if it does not answer for access. */
static struct tlb_entry *tlb_lookup(struct tcg_cpu *cpu, uint64_t vaddr, enum tlb_access access,
                                    unsigned mmu_idx, uintptr_t retaddr, bool probe)
{
    struct tlb_entry *e = &cpu->tlb[mmu_idx][tlb_index(cpu, vaddr)];
    uint64_t tag = access == ACCESS_WRITE ? e->addr_write
                   : access == ACCESS_READ ? e->addr_read
                                           : e->addr_code;
    uint64_t paddr;
    unsigned prot;

    if (tlb_hit(cpu, tag, vaddr) || tlb_victim_swap(cpu, e, vaddr, access, mmu_idx))
        return e;
    if (cpu->fe->tlb_fill(cpu, vaddr, access, mmu_idx, probe, retaddr, &paddr, &prot) < 0)
        return NULL;
    tlb_set_page(cpu, vaddr, paddr, prot, mmu_idx);
    return e;
}

static uint64_t tlb_paddr(struct tcg_cpu *cpu, const struct tlb_entry *e, unsigned mmu_idx,
                          uint64_t vaddr)
{
    unsigned idx = (unsigned)(e - cpu->tlb[mmu_idx]);
    return cpu->tlb_side[mmu_idx][idx].paddr | (vaddr & ~page_mask(cpu));
}

static uint64_t mmio_access(struct tcg_cpu *cpu, uint64_t vaddr, uint64_t paddr, unsigned size,
                            bool is_write, uint64_t value, uintptr_t retaddr)
{
    enum tlb_access access = is_write ? ACCESS_WRITE : ACCESS_READ;

    if (!io_bus_find(cpu->mmio, paddr, size))
        cpu->fe->access_fault(cpu, vaddr, access, retaddr);
    io_bus_dispatch(cpu->mmio, paddr, size, is_write, &value);
    return value;
}

/* One access that stays inside a page. */
static uint64_t load_in_page(struct tcg_cpu *cpu, uint64_t addr, unsigned size, unsigned mmu,
                             uintptr_t retaddr)
{
    struct tlb_entry *e = tlb_lookup(cpu, addr, ACCESS_READ, mmu, retaddr, false);
    uint64_t v = 0;

    if (e->addr_read & TLB_MMIO)
        return mmio_access(cpu, addr, tlb_paddr(cpu, e, mmu, addr), size, false, 0, retaddr);
    memcpy(&v, (void *)(uintptr_t)(addr + e->addend), size);
    return v;
}

static void store_in_page(struct tcg_cpu *cpu, uint64_t addr, unsigned size, uint64_t value,
                          unsigned mmu, uintptr_t retaddr)
{
    struct tlb_entry *e = tlb_lookup(cpu, addr, ACCESS_WRITE, mmu, retaddr, false);

    if (e->addr_write & TLB_MMIO) {
        mmio_access(cpu, addr, tlb_paddr(cpu, e, mmu, addr), size, true, value, retaddr);
        return;
    }
    if (e->addr_write & TLB_NOTDIRTY) {
        /* Translated code lives here: drop it before the bytes change. */
        uint64_t page = tlb_paddr(cpu, e, mmu, addr) & page_mask(cpu);
        tb_invalidate_phys_page(page);
        tlb_unprotect_code_page(cpu, page);
    }
    memcpy((void *)(uintptr_t)(addr + e->addend), &value, size);
}

static uint64_t extend(uint64_t v, unsigned memop)
{
    switch (memop & (MO_SIZE | MO_SIGN)) {
    case MO_8 | MO_SIGN: return (uint64_t)(int64_t)(int8_t)v;
    case MO_16 | MO_SIGN: return (uint64_t)(int64_t)(int16_t)v;
    case MO_32 | MO_SIGN: return (uint64_t)(int64_t)(int32_t)v;
    case MO_8: return (uint8_t)v;
    case MO_16: return (uint16_t)v;
    case MO_32: return (uint32_t)v;
    default: return v;
    }
}

static bool crosses_page(const struct tcg_cpu *cpu, uint64_t addr, unsigned size)
{
    return (addr & ~page_mask(cpu)) + size > page_size(cpu);
}

uint64_t tcg_helper_load(struct tcg_cpu *cpu, uint64_t addr, unsigned memop, unsigned mmu_idx,
                         uintptr_t retaddr)
{
    unsigned size = 1u << (memop & MO_SIZE);
    uint64_t v = 0;

    if ((memop & MO_ALIGN) && (addr & (size - 1)))
        cpu->fe->unaligned(cpu, addr, ACCESS_READ, retaddr);
    if (!crosses_page(cpu, addr, size)) {
        v = load_in_page(cpu, addr, size, mmu_idx, retaddr);
    } else { /* byte by byte, so each page is translated (and may fault) on its own */
        for (unsigned i = 0; i < size; i++)
            v |= load_in_page(cpu, addr + i, 1, mmu_idx, retaddr) << (8 * i);
    }
    return extend(v, memop);
}

void tcg_helper_store(struct tcg_cpu *cpu, uint64_t addr, uint64_t value, unsigned memop,
                      unsigned mmu_idx, uintptr_t retaddr)
{
    unsigned size = 1u << (memop & MO_SIZE);

    if ((memop & MO_ALIGN) && (addr & (size - 1)))
        cpu->fe->unaligned(cpu, addr, ACCESS_WRITE, retaddr);
    if (!crosses_page(cpu, addr, size)) {
        store_in_page(cpu, addr, size, value, mmu_idx, retaddr);
        return;
    }
    /*
     * Both pages must be writable before any byte changes. A fault on the second page names
     * its first byte, as a crossing load's does.
     */
    tlb_lookup(cpu, addr, ACCESS_WRITE, mmu_idx, retaddr, false);
    tlb_lookup(cpu, (addr + size - 1) & page_mask(cpu), ACCESS_WRITE, mmu_idx, retaddr, false);
    for (unsigned i = 0; i < size; i++)
        store_in_page(cpu, addr + i, 1, value >> (8 * i), mmu_idx, retaddr);
}

uint64_t tcg_load_slow(void *env, uint64_t addr, uint64_t memop_mmu, uintptr_t retaddr)
{
    return tcg_helper_load(cpu_of(env), addr, TCG_MEMOP_OP(memop_mmu),
                           TCG_MEMOP_MMU(memop_mmu), retaddr);
}

void tcg_store_slow(void *env, uint64_t addr, uint64_t value, uint64_t memop_mmu,
                    uintptr_t retaddr)
{
    tcg_helper_store(cpu_of(env), addr, value, TCG_MEMOP_OP(memop_mmu),
                     TCG_MEMOP_MMU(memop_mmu), retaddr);
}

void *tcg_probe_access(struct tcg_cpu *cpu, uint64_t addr, unsigned size, enum tlb_access access,
                       unsigned mmu_idx, uintptr_t retaddr)
{
    struct tlb_entry *e = tlb_lookup(cpu, addr, access, mmu_idx, retaddr, false);
    uint64_t tag = access == ACCESS_WRITE ? e->addr_write : e->addr_read;

    if (crosses_page(cpu, addr, size) || (tag & TLB_MMIO))
        return NULL;
    if (access == ACCESS_WRITE && (tag & TLB_NOTDIRTY)) {
        uint64_t page = tlb_paddr(cpu, e, mmu_idx, addr) & page_mask(cpu);
        tb_invalidate_phys_page(page);
        tlb_unprotect_code_page(cpu, page);
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

/* ---- code fetch ---- */

uint64_t tcg_translate_fetch(struct tcg_cpu *cpu, uint64_t pc, unsigned mmu_idx)
{
    struct tlb_entry *e = tlb_lookup(cpu, pc, ACCESS_FETCH, mmu_idx, 0, false);

    if (e->addr_code & TLB_MMIO) /* nothing executable answers there */
        cpu->fe->access_fault(cpu, pc, ACCESS_FETCH, 0);
    return tlb_paddr(cpu, e, mmu_idx, pc);
}

bool tcg_code_read16(struct tcg_cpu *cpu, uint64_t vaddr, unsigned mmu_idx, bool first_insn,
                     uint16_t *value)
{
    struct tlb_entry *e = tlb_lookup(cpu, vaddr, ACCESS_FETCH, mmu_idx, 0, true);

    if (!e || (e->addr_code & TLB_MMIO)) {
        if (!first_insn)
            return false;
        /* The block's first instruction itself faults: leave translation and raise. */
        tb_abort_translation(cpu);
        if (!e)
            tlb_lookup(cpu, vaddr, ACCESS_FETCH, mmu_idx, 0, false);
        cpu->fe->access_fault(cpu, vaddr, ACCESS_FETCH, 0);
    }
    tb_note_second_page(cpu, tlb_paddr(cpu, e, mmu_idx, vaddr) & page_mask(cpu));
    memcpy(value, (void *)(uintptr_t)(vaddr + e->addend), 2);
    return true;
}

/* ---- physical access for page-table walks ---- */

int tcg_phys_read64(struct tcg_cpu *cpu, uint64_t paddr, uint64_t *value)
{
    return guest_memory_read(cpu->mem, paddr, value, 8) < 0 ? -1 : 0;
}

bool tcg_phys_cmpxchg64(struct tcg_cpu *cpu, uint64_t paddr, uint64_t expected, uint64_t desired)
{
    uint64_t *p = gpa_to_host(cpu->mem, paddr, 8);

    if (!p || (paddr & 7))
        return false;
    return __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}
