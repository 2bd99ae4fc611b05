/* The soft-MMU TLB: entries generated code compares inline, and the slow paths behind them. */
#ifndef KESTREL_ACCEL_TCG_TLB_H
#define KESTREL_ACCEL_TCG_TLB_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One entry, 32 bytes. The tags hold a page-aligned guest virtual address; low bits flag
 * why an access must take the slow path. Any flag makes the inline comparison fail.
 * Bits 0-2 stay clear: an aligned access compares its low address bits against them.
 */
struct tlb_entry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend; /* host address = guest virtual address + addend (RAM pages) */
};

#define TLB_ENTRY_BITS 5
#define TLB_INVALID (1ull << 3)  /* no translation: fill it */
#define TLB_MMIO (1ull << 4)     /* device memory: dispatch through the io bus */
#define TLB_NOTDIRTY (1ull << 5) /* RAM holding translated code: writes invalidate it */
#define TLB_FLAGS_MASK (TLB_INVALID | TLB_MMIO | TLB_NOTDIRTY)

/* What the slow path needs that the inline entry has no room for. */
struct tlb_side {
    uint64_t paddr;     /* the page's guest physical address */
    uint64_t vaddr;     /* and its virtual address */
    uint8_t page_bits;  /* log2 of the mapping's size: more than a page for a superpage */
    bool global;        /* the same in every address space: tlb_flush_nonglobal keeps it */
};

enum tlb_access { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_FETCH = 2 };

/*
 * Page protections a frontend's walk grants; PROT_GLOBAL marks a global mapping. A mapping
 * larger than a page (a superpage) adds PROT_PAGE_BITS(log2 of its size): the TLB holds it as
 * page-sized pieces, and a flush of any address inside it must drop them all.
 */
enum { PROT_R = 1, PROT_W = 2, PROT_X = 4, PROT_RWX = 7, PROT_GLOBAL = 8, PROT_NOCACHE = 16 };
/* PROT_NOCACHE: the permissions differ within the page (a PMP boundary inside it), so the
 * translation serves this access only and the next one walks again. */
#define PROT_PAGE_BITS(n) ((unsigned)(n) << 8)
#define PROT_PAGE_BITS_OF(prot) ((unsigned)(prot) >> 8)

#endif
