/*
 * mmu: virtual memory from S-mode: Sv39 and Sv48 walks, page faults with their cause and
 * mtval, SUM and MXR, hardware A/D updates, sfence.vma, ASIDs, and satp's WARL modes.
 *
 * M-mode builds the page tables and enters S-mode through run_lower(). medeleg stays 0, so
 * every fault comes back to the runtime's M-mode handler, which records it for EXPECT_TRAP.
 * Every root maps the first 1 GiB (the devices) and the 1 GiB of RAM at 0x80000000 to
 * themselves with global gigapages, so the runtime's code, data, stack and the UART work
 * unchanged in S-mode, and the page tables can be edited there through their physical
 * addresses. The pages under test live in the upper half, at TVA.
 */
#include "guest.h"

#define PTE_V 0x001ul
#define PTE_R 0x002ul
#define PTE_W 0x004ul
#define PTE_X 0x008ul
#define PTE_U 0x010ul
#define PTE_G 0x020ul
#define PTE_A 0x040ul
#define PTE_D 0x080ul
#define PTE_N (1ul << 63) /* Svnapot's bit: reserved without it */
#define PTE_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define PTE_RX (PTE_V | PTE_R | PTE_X | PTE_A)

#define SATP_SV39 (8ul << 60)
#define SATP_SV48 (9ul << 60)
#define SATP_MODE(m) ((uint64_t)(m) << 60)
#define SATP_ASID(a) ((uint64_t)(a) << 44)

#define PAGE 0x1000ul
#define MEGA 0x200000ul
#define GIGA 0x40000000ul

/* The test tree: VPN2 = 256, the lowest canonical upper-half gigabyte of Sv39. */
#define TVA 0xffffffc000000000ul
#define SLOT(n) (TVA + (uint64_t)(n) * PAGE)    /* 4 KiB slots in TVA's first 2 MiB */
#define MEGA_VA(n) (TVA + (uint64_t)(n) * MEGA) /* 2 MiB slots, n >= 1 */
#define GIGA_VA(n) (TVA + (uint64_t)(n) * GIGA) /* 1 GiB slots, n >= 1 */

/* Past the end of the default 128 MiB of RAM: nothing answers there on virt. */
#define PAST_RAM (VIRT_DRAM_BASE + 0x8000000ul)

/* Only canonical in Sv48: bit 46 set, bits 63:47 clear. VPN3 = 0x80. */
#define SV48_VA 0x0000400000000000ul

#define MAIN_ASID 5

/* The 4 KiB slots of the main Sv39 tree. */
enum {
    S_DATA = 0,   /* 0-3: read-write pages 0-3 */
    S_GAP = 4,    /* 4-7: V = 0 */
    S_UNMAPPED = 8,
    S_RO,         /* R */
    S_NOEXEC,     /* RW */
    S_USER,       /* RW, U */
    S_UCODE,      /* RX, U, holding code */
    S_CODE,       /* RX, holding code */
    S_XONLY,      /* X, holding code and data */
    S_WONLY,      /* W: reserved */
    S_WX,         /* WX: reserved */
    S_RSVD,       /* RW with bit 63 (N) set: reserved without Svnapot */
    S_NONLEAF,    /* V alone at level 0: a pointer where a leaf must be */
    S_PAST_RAM,   /* RW, the physical page past the end of RAM */
    S_AD_LOAD = 20, S_AD_STORE, S_AD_FETCH, S_AD_BOTH,
    S_FENCE_VA = 24, S_FENCE_ASID, S_FENCE_ALL, S_FENCE_SUM, S_FENCE_CODE,
    S_ASID = 30, S_ASID_CODE,
};

/* Physical pages with known contents: doubleword k of page i holds WORD(i, 8 * k). */
#define NPAGES 22
#define WORD(i, off) (0x5a5a000000000000ul | (uint64_t)(i) << 32 | (off))
static uint8_t pages[NPAGES][PAGE] __attribute__((aligned(PAGE)));
/* Two 2 MiB-aligned regions for megapages, tagged at a few offsets as pages 100 and 101. */
static uint8_t mega[2][MEGA] __attribute__((aligned(MEGA)));
static const uint64_t mega_offsets[] = {0, PAGE, MEGA - PAGE};

#define JR_T1 0x00030067u /* jalr x0, 0(t1): code pages jump back to EXPECT_TRAP's end */
#define LI_T0(v) (0x00000293u | (uint32_t)(v) << 20) /* addi t0, zero, v */

static uint64_t pt_pool[24][512] __attribute__((aligned(PAGE)));
static unsigned pt_used;
static uint64_t *main_root, *sv48_root, *asid_root[2];

/* ---- page tables (M-mode) ---- */

static uint64_t pa(const void *p)
{
    return (uint64_t)p; /* RAM is mapped to itself in every root */
}

static uint64_t pte_leaf(uint64_t paddr, uint64_t flags)
{
    return paddr >> 12 << 10 | flags;
}

static uint64_t *pt_new(void)
{
    if (pt_used == sizeof(pt_pool) / sizeof(pt_pool[0]))
        fail("mmu: out of page tables");
    return pt_pool[pt_used++];
}

/*
 * The PTE that maps va at level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB) in the tree of
 * the given depth under root, with the tables above it made as needed.
 */
static volatile uint64_t *pte_at(uint64_t *root, int levels, uint64_t va, int level)
{
    uint64_t *table = root;

    for (int l = levels - 1; l > level; l--) {
        uint64_t *e = &table[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_V))
            *e = pte_leaf(pa(pt_new()), PTE_V);
        table = (uint64_t *)(*e >> 10 << 12);
    }
    return &table[(va >> (12 + 9 * level)) & 511];
}

/* A root with the identity gigapages every test runs on: devices and RAM, RWX, global. */
static uint64_t *new_root(int levels)
{
    uint64_t *root = pt_new();

    *pte_at(root, levels, 0, 2) = pte_leaf(0, PTE_RW | PTE_X | PTE_G);
    *pte_at(root, levels, VIRT_DRAM_BASE, 2) = pte_leaf(VIRT_DRAM_BASE, PTE_RW | PTE_X | PTE_G);
    return root;
}

static void map4k(uint64_t *root, uint64_t va, uint64_t paddr, uint64_t flags)
{
    *pte_at(root, 3, va, 0) = pte_leaf(paddr, flags);
}

static volatile uint64_t *main_pte(unsigned slot)
{
    return pte_at(main_root, 3, SLOT(slot), 0);
}

static void put_code(unsigned page)
{
    *(volatile uint32_t *)pages[page] = JR_T1;
    fence_i();
}

/* Code that says which page it is: li t0, page; jr t1 (see run_code). */
static void put_named_code(unsigned page)
{
    *(volatile uint32_t *)pages[page] = LI_T0(page);
    *(volatile uint32_t *)&pages[page][4] = JR_T1;
    fence_i();
}

static void set_satp(uint64_t satp)
{
    csr_write(satp, satp);
    __asm__ volatile("sfence.vma" : : : "memory");
}

static uint64_t satp_of(uint64_t mode, unsigned asid, const uint64_t *root)
{
    return mode | SATP_ASID(asid) | pa(root) >> 12;
}

/*
 * The memory and the trees every group uses. Pages: 0-3 data; 4 read-only; 5 no-exec;
 * 6 user; 7 user code; 8 code; 9 execute-only; 10-13 A/D; 14-16 sfence.vma targets and
 * replacements; 17-18 the two ASIDs' pages; 19 Sv48's page; 20-21 code that names its page.
 */
static void setup(void)
{
    for (unsigned i = 0; i < NPAGES; i++)
        for (unsigned off = 0; off < PAGE; off += 8)
            *(volatile uint64_t *)&pages[i][off] = WORD(i, off);
    for (unsigned r = 0; r < 2; r++)
        for (unsigned k = 0; k < 3; k++)
            *(volatile uint64_t *)&mega[r][mega_offsets[k]] = WORD(100 + r, mega_offsets[k]);
    put_code(7);
    put_code(8);
    put_code(9);
    put_code(12);
    put_named_code(20);
    put_named_code(21);

    /* PMP: S-mode may touch everything (one NAPOT entry covering all addresses, RWX). */
    csr_write(pmpaddr0, ~0ul);
    csr_write(pmpcfg0, 0x1f);

    main_root = new_root(3);
    for (unsigned i = 0; i < 4; i++)
        map4k(main_root, SLOT(S_DATA + i), pa(pages[i]), PTE_RW);
    map4k(main_root, SLOT(S_RO), pa(pages[4]), PTE_V | PTE_R | PTE_A);
    map4k(main_root, SLOT(S_NOEXEC), pa(pages[5]), PTE_RW);
    map4k(main_root, SLOT(S_USER), pa(pages[6]), PTE_RW | PTE_U);
    map4k(main_root, SLOT(S_UCODE), pa(pages[7]), PTE_RX | PTE_U);
    map4k(main_root, SLOT(S_CODE), pa(pages[8]), PTE_RX);
    map4k(main_root, SLOT(S_XONLY), pa(pages[9]), PTE_V | PTE_X | PTE_A);
    map4k(main_root, SLOT(S_WONLY), pa(pages[5]), PTE_V | PTE_W | PTE_A | PTE_D);
    map4k(main_root, SLOT(S_WX), pa(pages[8]), PTE_V | PTE_W | PTE_X | PTE_A | PTE_D);
    map4k(main_root, SLOT(S_RSVD), pa(pages[0]), PTE_RW | PTE_N);
    map4k(main_root, SLOT(S_NONLEAF), pa(pages[0]), PTE_V);
    map4k(main_root, SLOT(S_PAST_RAM), PAST_RAM, PTE_RW);
    map4k(main_root, SLOT(S_AD_LOAD), pa(pages[10]), PTE_V | PTE_R | PTE_W);
    map4k(main_root, SLOT(S_AD_STORE), pa(pages[11]), PTE_V | PTE_R | PTE_W | PTE_A);
    map4k(main_root, SLOT(S_AD_FETCH), pa(pages[12]), PTE_V | PTE_R | PTE_X);
    map4k(main_root, SLOT(S_AD_BOTH), pa(pages[13]), PTE_V | PTE_R | PTE_W);
    map4k(main_root, SLOT(S_FENCE_VA), pa(pages[14]), PTE_RW);
    map4k(main_root, SLOT(S_FENCE_ASID), pa(pages[14]), PTE_RW);
    map4k(main_root, SLOT(S_FENCE_ALL), pa(pages[14]), PTE_RW | PTE_G);
    map4k(main_root, SLOT(S_FENCE_SUM), pa(pages[14]), PTE_RW | PTE_U);
    map4k(main_root, SLOT(S_FENCE_CODE), pa(pages[20]), PTE_RX);
    /* Superpages: an aligned megapage and gigapage, and misaligned ones. */
    *pte_at(main_root, 3, MEGA_VA(1), 1) = pte_leaf(pa(mega[0]), PTE_RW);
    *pte_at(main_root, 3, MEGA_VA(2), 1) = pte_leaf(pa(mega[0]) + PAGE, PTE_RW);
    *pte_at(main_root, 3, MEGA_VA(3), 1) = pte_leaf(pa(mega[0]), PTE_RW); /* for sfence.vma */
    *pte_at(main_root, 3, GIGA_VA(1), 2) = pte_leaf(VIRT_DRAM_BASE, PTE_RW);
    *pte_at(main_root, 3, GIGA_VA(2), 2) = pte_leaf(pa(mega[0]), PTE_RW);
    /* A pointer to a "table" past the end of RAM: the walk itself cannot read its PTE. */
    *pte_at(main_root, 3, GIGA_VA(3), 2) = pte_leaf(PAST_RAM, PTE_V);

    /* Two address spaces that map S_ASID to different pages. */
    for (unsigned a = 0; a < 2; a++) {
        asid_root[a] = new_root(3);
        map4k(asid_root[a], SLOT(S_ASID), pa(pages[17 + a]), PTE_RW);
        map4k(asid_root[a], SLOT(S_ASID_CODE), pa(pages[20 + a]), PTE_RX);
    }

    /* Sv48: a 4 KiB page at SV48_VA, and a 512 GiB page at VPN3 = 2 mapping address 0. */
    sv48_root = new_root(4);
    *pte_at(sv48_root, 4, SV48_VA, 0) = pte_leaf(pa(pages[19]), PTE_RW);
    sv48_root[2] = pte_leaf(0, PTE_RW);
    sv48_root[3] = pte_leaf(VIRT_DRAM_BASE, PTE_RW); /* misaligned for 512 GiB */
}

/* ---- accesses and their checks (S-mode) ---- */

static uint64_t rd(uint64_t va)
{
    return *(volatile uint64_t *)va;
}

static void wr(uint64_t va, uint64_t v)
{
    *(volatile uint64_t *)va = v;
}

static void check_load_fault(const char *what, uint64_t va)
{
    EXPECT_TRAP("ld t0, 0(%0)", "r"(va));
    check_trap(what, CAUSE_LOAD_PAGE_FAULT, va);
}

static void check_store_fault(const char *what, uint64_t va)
{
    EXPECT_TRAP("sd zero, 0(%0)", "r"(va));
    check_trap(what, CAUSE_STORE_PAGE_FAULT, va);
}

/* Jumps to va; the code there, if it runs, is JR_T1 back to the end of EXPECT_TRAP. */
#define EXPECT_FETCH(va) EXPECT_TRAP("la t1, 2f\n\tjr %0", "r"(va))

static void check_fetch(const char *what, uint64_t va)
{
    EXPECT_FETCH(va);
    check_no_trap(what);
}

/* Runs the code at va (put_named_code's) and returns the page number it loads into t0. */
static uint64_t run_code(uint64_t va)
{
    uint64_t r;

    __asm__ volatile("la t1, 1f\n\tjr %1\n1:\tmv %0, t0" : "=r"(r) : "r"(va) : "t0", "t1",
                     "memory");
    return r;
}

/* A fetch fault is taken at the target: mepc and mtval are both va, not the jump. */
static void check_fetch_fault(const char *what, uint64_t va)
{
    EXPECT_FETCH(va);
    trap_site = va;
    check_trap(what, CAUSE_FETCH_PAGE_FAULT, va);
}

/*
 * Where QEMU 7.2 departs from the spec the guest prints the cause it saw instead of
 * checking it (see traps.c); mepc and mtval are checked either way.
 */
static void report_load(const char *what, uint64_t va)
{
    EXPECT_TRAP("ld t0, 0(%0)", "r"(va));
    if (trap_expected) {
        trap_expected = 0;
        trap_resume_pc = 0;
        printf("mmu: %s: no trap\n", what);
        return;
    }
    check("report: mepc", last_trap.mepc, trap_site);
    check("report: mtval", last_trap.mtval, va);
    printf("mmu: %s: cause %lu\n", what, last_trap.mcause);
}

static void sfence_all(void)
{
    __asm__ volatile("sfence.vma" : : : "memory");
}

static void sfence_va(uint64_t va)
{
    __asm__ volatile("sfence.vma %0" : : "r"(va) : "memory");
}

static void sfence_asid(uint64_t asid)
{
    __asm__ volatile("sfence.vma zero, %0" : : "r"(asid) : "memory");
}

/* ---- the groups ---- */

/*
 * Reads through 4 KiB pages, a 2 MiB page and a 1 GiB page reach the right physical bytes,
 * offset included; a write through a page lands in its physical page.
 */
static void s_mappings(void)
{
    for (unsigned i = 0; i < 4; i++) {
        check("4 KiB page: first doubleword", rd(SLOT(S_DATA + i)), WORD(i, 0));
        check("4 KiB page: last doubleword", rd(SLOT(S_DATA + i) + 0xff8), WORD(i, 0xff8));
    }
    wr(SLOT(S_DATA + 2) + 0x100, 0x1234);
    check("a write through the page reaches its frame", rd(pa(pages[2]) + 0x100), 0x1234);
    wr(SLOT(S_DATA + 2) + 0x100, WORD(2, 0x100));
    for (unsigned k = 0; k < 3; k++)
        check("2 MiB page", rd(MEGA_VA(1) + mega_offsets[k]), WORD(100, mega_offsets[k]));
    wr(MEGA_VA(1) + 0x154328, 0x5678);
    check("a write through the 2 MiB page reaches its frame", rd(pa(mega[0]) + 0x154328),
          0x5678);
    check("1 GiB page", rd(GIGA_VA(1) + (pa(pages[1]) - VIRT_DRAM_BASE) + 0x7f0),
          WORD(1, 0x7f0));
    check("satp reads back in S-mode", csr_read(satp), satp_of(SATP_SV39, MAIN_ASID, main_root));
}

/* M-mode with MPRV = 1 and MPP = S loads and stores through S-mode's translation. */
static void check_mprv(void)
{
    uint64_t v;

    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, MSTATUS_MPP_S);
    __asm__ volatile("csrs mstatus, %1\n\tld %0, 0(%2)\n\tcsrc mstatus, %1"
                     : "=&r"(v) : "r"(MSTATUS_MPRV), "r"(SLOT(S_DATA + 1)) : "memory");
    check("M-mode load with MPRV through S's tables", v, WORD(1, 0));
}

/* The basic permissions, V, R, W and X, each with its fault cause and mtval = the address. */
static void s_permissions(void)
{
    check_load_fault("load, V = 0", SLOT(S_UNMAPPED));
    check_load_fault("load, V = 0, offset", SLOT(S_UNMAPPED) + 0x7a8);
    check_store_fault("store, V = 0", SLOT(S_UNMAPPED) + 0x10);
    check_fetch_fault("fetch, V = 0", SLOT(S_UNMAPPED));
    check("load, R", rd(SLOT(S_RO) + 8), WORD(4, 8));
    check_store_fault("store, R only", SLOT(S_RO) + 8);
    EXPECT_TRAP("amoadd.d t0, zero, (%0)", "r"(SLOT(S_RO)));
    check_trap("amoadd.d, R only", CAUSE_STORE_PAGE_FAULT, SLOT(S_RO));
    EXPECT_TRAP("lr.d t0, (%0)", "r"(SLOT(S_RO)));
    check_no_trap("lr.d, R only");
    check("the read-only page is unchanged", rd(pa(pages[4]) + 8), WORD(4, 8));
    check_fetch_fault("fetch, RW (no X)", SLOT(S_NOEXEC));
    check_fetch_fault("fetch, RW (no X), offset", SLOT(S_NOEXEC) + 0x40);
    check_fetch("fetch, RX", SLOT(S_CODE));
    /*
     * Misaligned accesses are performed, but one that runs from a mapped page into an
     * unmapped one faults, mtval the first byte of the unmapped page; a store writes none of
     * its bytes.
     */
    EXPECT_TRAP("ld t0, 0(%0)", "r"(SLOT(S_GAP) - 4));
    check_trap("misaligned load into V = 0", CAUSE_LOAD_PAGE_FAULT, SLOT(S_GAP));
    EXPECT_TRAP("sd %1, 0(%0)", "r"(SLOT(S_GAP) - 2), "r"(~0ul));
    check_trap("misaligned store into V = 0", CAUSE_STORE_PAGE_FAULT, SLOT(S_GAP));
    check("the store wrote nothing", rd(SLOT(S_GAP) - 8), WORD(3, PAGE - 8));
}

/*
 * SUM lets S-mode load and store U pages, never fetch from them. MXR makes executable pages
 * readable, and clearing it again takes that back.
 */
static void s_sum_mxr(void)
{
    check_load_fault("load, U page, SUM = 0", SLOT(S_USER));
    check_store_fault("store, U page, SUM = 0", SLOT(S_USER) + 8);
    check_fetch_fault("fetch, U page, SUM = 0", SLOT(S_UCODE));
    csr_set(sstatus, MSTATUS_SUM);
    check("load, U page, SUM = 1", rd(SLOT(S_USER) + 0x18), WORD(6, 0x18));
    wr(SLOT(S_USER) + 0x20, 0x77);
    check("store, U page, SUM = 1", rd(pa(pages[6]) + 0x20), 0x77);
    check_fetch_fault("fetch, U page, SUM = 1", SLOT(S_UCODE));
    check("load, U code page, SUM = 1", rd(SLOT(S_UCODE) + 8), WORD(7, 8));
    csr_clear(sstatus, MSTATUS_SUM);
    check_load_fault("load, U page, SUM cleared again", SLOT(S_USER) + 0x18);

    check_load_fault("load, X only, MXR = 0", SLOT(S_XONLY) + 8);
    check_fetch("fetch, X only", SLOT(S_XONLY));
    csr_set(sstatus, MSTATUS_MXR);
    check("load, X only, MXR = 1", rd(SLOT(S_XONLY) + 8), WORD(9, 8));
    check_store_fault("store, X only, MXR = 1", SLOT(S_XONLY) + 8);
    check_load_fault("load, U page, MXR = 1, SUM = 0", SLOT(S_USER));
    csr_clear(sstatus, MSTATUS_MXR);
    check_load_fault("load, X only, MXR cleared again", SLOT(S_XONLY) + 8);
}

/*
 * PTEs the walk must reject (W without R, a reserved bit, a pointer at level 0), superpages
 * whose PPN is not aligned to their size, and addresses that are not sign-extended from
 * bit 38. Then walks and pages that reach no memory: an access fault, not a page fault, for
 * the original access type.
 */
static void s_malformed(void)
{
    check_load_fault("load, W only", SLOT(S_WONLY));
    check_store_fault("store, W only", SLOT(S_WONLY));
    check_fetch_fault("fetch, WX", SLOT(S_WX));
    check_load_fault("load, bit 63 (N) without Svnapot", SLOT(S_RSVD));
    check_load_fault("load, a pointer PTE at level 0", SLOT(S_NONLEAF));
    check_load_fault("load, misaligned 2 MiB page", MEGA_VA(2) + 0x10);
    check_store_fault("store, misaligned 2 MiB page", MEGA_VA(2) + 0x10);
    check_load_fault("load, misaligned 1 GiB page", GIGA_VA(2));
    check_load_fault("load, bit 38 set, bits 63:39 clear", 0x0000004000000000ul);
    check_store_fault("store, bit 38 set, bits 63:39 clear", 0x0000004000000008ul);
    check_load_fault("load, bit 63 alone", 0x8000000000000000ul);
    check_load_fault("load, TVA with bit 39 clear", TVA ^ (1ul << 39));
    check_fetch_fault("fetch, non-canonical", 0x0000004000000000ul);
    EXPECT_TRAP("ld t0, 0(%0)", "r"(SLOT(S_PAST_RAM)));
    check_trap("load, a page past RAM", CAUSE_LOAD_ACCESS, SLOT(S_PAST_RAM));
    EXPECT_TRAP("sd zero, 0(%0)", "r"(SLOT(S_PAST_RAM) + 8));
    check_trap("store, a page past RAM", CAUSE_STORE_ACCESS, SLOT(S_PAST_RAM) + 8);
    report_load("load through a table past RAM", GIGA_VA(3) + 0x1230);
}

/*
 * kestrel updates A and D itself, as QEMU 7.2 does: a load sets A and leaves D clear, a
 * store sets D (and A), a fetch sets A. The PTEs are read back from memory.
 */
static void s_accessed_dirty(void)
{
    volatile uint64_t *load = main_pte(S_AD_LOAD), *store = main_pte(S_AD_STORE);
    volatile uint64_t *fetch = main_pte(S_AD_FETCH), *both = main_pte(S_AD_BOTH);

    check("A and D clear before a load", *load & (PTE_A | PTE_D), 0);
    check("load", rd(SLOT(S_AD_LOAD) + 0x30), WORD(10, 0x30));
    check("a load sets A, not D", *load & (PTE_A | PTE_D), PTE_A);
    wr(SLOT(S_AD_LOAD) + 0x30, 0x99);
    check("a store after the load sets D", *load & (PTE_A | PTE_D), PTE_A | PTE_D);
    check("the store reached the frame", rd(pa(pages[10]) + 0x30), 0x99);
    check("D clear before a store", *store & (PTE_A | PTE_D), PTE_A);
    wr(SLOT(S_AD_STORE), 1);
    check("a store sets D", *store & (PTE_A | PTE_D), PTE_A | PTE_D);
    check("A clear before a fetch", *fetch & PTE_A, 0);
    check_fetch("fetch from the A = 0 page", SLOT(S_AD_FETCH));
    check("a fetch sets A", *fetch & (PTE_A | PTE_D), PTE_A);
    wr(SLOT(S_AD_BOTH) + 8, 2);
    check("a first store sets A and D", *both & (PTE_A | PTE_D), PTE_A | PTE_D);
    check("the rest of the PTE is kept", *both & ~(PTE_A | PTE_D),
          pte_leaf(pa(pages[13]), PTE_V | PTE_R | PTE_W));
}

/*
 * sfence.vma after a PTE changes. Only what the spec guarantees is checked: after the
 * fence the new mapping is seen (the old one may or may not have been seen before it).
 * Each mapping is used first, so a TLB that holds it must drop it.
 */
static void s_sfence(void)
{
    volatile uint64_t *by_va = main_pte(S_FENCE_VA), *by_asid = main_pte(S_FENCE_ASID);
    volatile uint64_t *global = main_pte(S_FENCE_ALL);

    check("before: by address", rd(SLOT(S_FENCE_VA)), WORD(14, 0));
    *by_va = pte_leaf(pa(pages[15]), PTE_RW);
    sfence_va(SLOT(S_FENCE_VA) + 0x468); /* any address in the page names it */
    check("sfence.vma va: the new page", rd(SLOT(S_FENCE_VA)), WORD(15, 0));

    check("before: by ASID", rd(SLOT(S_FENCE_ASID) + 8), WORD(14, 8));
    *by_asid = pte_leaf(pa(pages[16]), PTE_RW);
    sfence_asid(MAIN_ASID);
    check("sfence.vma x0, asid: the new page", rd(SLOT(S_FENCE_ASID) + 8), WORD(16, 8));

    check("before: global", rd(SLOT(S_FENCE_ALL) + 16), WORD(14, 16));
    *global = pte_leaf(pa(pages[15]), PTE_RW | PTE_G);
    sfence_all();
    check("sfence.vma: the new global page", rd(SLOT(S_FENCE_ALL) + 16), WORD(15, 16));

    /* A global page is fenced by its address too, in every address space. */
    *global = pte_leaf(pa(pages[16]), PTE_RW | PTE_G);
    sfence_va(SLOT(S_FENCE_ALL));
    check("sfence.vma va: the new global page", rd(SLOT(S_FENCE_ALL) + 16), WORD(16, 16));

    /*
     * A user page, used by S-mode with SUM, re-pointed and fenced with SUM clear: the
     * fence covers every privilege's view of the page.
     */
    volatile uint64_t *user = main_pte(S_FENCE_SUM);
    csr_set(sstatus, MSTATUS_SUM);
    check("before: user page with SUM", rd(SLOT(S_FENCE_SUM) + 24), WORD(14, 24));
    csr_clear(sstatus, MSTATUS_SUM);
    *user = pte_leaf(pa(pages[16]), PTE_RW | PTE_U);
    sfence_va(SLOT(S_FENCE_SUM));
    csr_set(sstatus, MSTATUS_SUM);
    check("sfence.vma va with SUM clear: the new user page", rd(SLOT(S_FENCE_SUM) + 24),
          WORD(16, 24));
    csr_clear(sstatus, MSTATUS_SUM);

    /*
     * Code: the same virtual pc runs the new page's code after the fence (translated code
     * is found by virtual pc, so that lookup must not outlive the mapping), and faults once
     * the page is no longer executable.
     */
    volatile uint64_t *code = main_pte(S_FENCE_CODE);
    check("before: code page", run_code(SLOT(S_FENCE_CODE)), 20);
    check("before: code page, again", run_code(SLOT(S_FENCE_CODE)), 20);
    *code = pte_leaf(pa(pages[21]), PTE_RX);
    sfence_va(SLOT(S_FENCE_CODE));
    check("sfence.vma va: the new code page runs", run_code(SLOT(S_FENCE_CODE)), 21);
    *code = pte_leaf(pa(pages[21]), PTE_RW);
    sfence_va(SLOT(S_FENCE_CODE));
    check_fetch_fault("sfence.vma va: the code page is no longer executable",
                      SLOT(S_FENCE_CODE));

    /* A permission change: read-write to read-only. */
    *by_va = pte_leaf(pa(pages[15]), PTE_V | PTE_R | PTE_A);
    sfence_va(SLOT(S_FENCE_VA));
    check_store_fault("sfence.vma va: now read-only", SLOT(S_FENCE_VA) + 0x20);
    /* And invalid: V = 0. */
    *by_asid = 0;
    sfence_asid(MAIN_ASID);
    check_load_fault("sfence.vma x0, asid: now invalid", SLOT(S_FENCE_ASID));
}

/*
 * A 2 MiB page, used at two of its 4 KiB pages, then pointed elsewhere: the leaf PTE that
 * sfence.vma of its base names is the one for the whole 2 MiB, so the fence covers every
 * 4 KiB of it, and the last 4 KiB sees the change too (Linux fences a huge page once).
 */
static void s_sfence_superpage(void)
{
    volatile uint64_t *mega_pte = pte_at(main_root, 3, MEGA_VA(3), 1);

    check("before: 2 MiB page, base", rd(MEGA_VA(3)), WORD(100, 0));
    check("before: 2 MiB page, last 4 KiB", rd(MEGA_VA(3) + MEGA - PAGE), WORD(100, MEGA - PAGE));
    *mega_pte = pte_leaf(pa(mega[1]), PTE_RW);
    sfence_va(MEGA_VA(3));
    check("sfence.vma of a 2 MiB page: base", rd(MEGA_VA(3)), WORD(101, 0));
    check("sfence.vma of a 2 MiB page: its last 4 KiB", rd(MEGA_VA(3) + MEGA - PAGE),
          WORD(101, MEGA - PAGE));
}

/* With TVM, S-mode may neither fence nor touch satp: illegal instruction, mtval the bits. */
static void s_tvm(void)
{
    EXPECT_TRAP("sfence.vma");
    check_trap("sfence.vma with TVM", CAUSE_ILLEGAL_INSTRUCTION, 0x12000073);
    EXPECT_TRAP("csrr t0, satp");
    check_trap("csrr satp with TVM", CAUSE_ILLEGAL_INSTRUCTION, 0x180022f3);
}

/*
 * Two address spaces map S_ASID to different pages. Both were fenced once after they were
 * built; from then on switching satp between their ASIDs needs no fence.
 */
static void s_asids(void)
{
    uint64_t satp[2] = {satp_of(SATP_SV39, 1, asid_root[0]),
                        satp_of(SATP_SV39, 2, asid_root[1])};

    for (unsigned round = 0; round < 3; round++)
        for (unsigned a = 0; a < 2; a++) {
            csr_write(satp, satp[a]);
            check("ASID's own page", rd(SLOT(S_ASID) + 8 * round), WORD(17 + a, 8 * round));
        }
    /* Code at one virtual pc, different in each address space. */
    for (unsigned round = 0; round < 3; round++)
        for (unsigned a = 0; a < 2; a++) {
            csr_write(satp, satp[a]);
            check("ASID's own code", run_code(SLOT(S_ASID_CODE)), 20 + a);
        }
    wr(SLOT(S_ASID), 0xa5); /* satp[1] is current */
    check("the store went to ASID 2's page", rd(pa(pages[18])), 0xa5);
    csr_write(satp, satp[0]);
    check("ASID 1's page is untouched", rd(SLOT(S_ASID)), WORD(17, 0));
    /* The main tree's non-global page is no part of this address space. */
    check_load_fault("the main tree's page, ASID 1", SLOT(S_DATA));
}

/*
 * Sv48: a 4-level walk to a page only Sv48 can name (bit 46), a 512 GiB page, and a
 * misaligned one. The same access in Sv39 is not canonical there: a page fault.
 */
static void s_sv48(void)
{
    uint64_t sv48 = satp_of(SATP_SV48, 3, sv48_root), sv39 = satp_of(SATP_SV39, 3, main_root);

    csr_write(satp, sv48);
    sfence_all(); /* ASID 3 is new here; fence anyway, as software should */
    check("Sv48: satp", csr_read(satp), sv48);
    check("Sv48: 4 KiB page above 2^46", rd(SV48_VA + 0x88), WORD(19, 0x88));
    check("Sv48: 512 GiB page", rd((2ul << 39) + pa(pages[0]) + 0x10), WORD(0, 0x10));
    check_load_fault("Sv48: misaligned 512 GiB page", 3ul << 39);
    check_load_fault("Sv48: bit 47 set, bits 63:48 clear", 0x0000800000000000ul);
    check_load_fault("Sv48: Sv39's upper half is not canonical", TVA);
    check_load_fault("Sv48: unmapped", SV48_VA + PAGE);
    csr_write(satp, sv39);
    sfence_all();
    check_load_fault("Sv39: the Sv48 address is not canonical", SV48_VA + 0x88);
    check("Sv39: TVA works again", rd(SLOT(S_DATA)), WORD(0, 0));
    csr_write(satp, sv48);
    sfence_all();
    check("Sv48 again", rd(SV48_VA + 0x88), WORD(19, 0x88));
}

/*
 * satp is WARL: a write with a mode the hart does not implement leaves satp unchanged.
 * kestrel implements Bare, Sv39 and Sv48; QEMU 7.2 also Sv57 (mode 10), so that line is
 * printed.
 */
static void check_satp_warl(void)
{
    uint64_t before = satp_of(SATP_SV48, 3, sv48_root);

    csr_write(satp, before);
    for (unsigned mode = 1; mode < 16; mode++) {
        if (mode == 8 || mode == 9 || mode == 10)
            continue;
        csr_write(satp, SATP_MODE(mode) | (before & ~SATP_MODE(15)));
        check("satp: reserved mode", csr_read(satp), before);
    }
    csr_write(satp, SATP_MODE(10) | (before & ~SATP_MODE(15)));
    uint64_t after = csr_read(satp);
    if (after == before)
        printf("mmu: satp after writing mode 10 (Sv57): unchanged\n");
    else
        printf("mmu: satp after writing mode 10 (Sv57): mode %lu\n", after >> 60);
    csr_write(satp, SATP_ASID(0xffff) | (before & ~SATP_ASID(0xffff)));
    check("satp: 16 ASID bits", csr_read(satp) >> 44 & 0xffff, 0xffff);
    csr_write(satp, 0);
    check("satp: Bare", csr_read(satp), 0);
}

/* ---- PMP finer than a page ---- */

/*
 * A PMP entry closes the second half of pmp_page to S and U; the first half stays open. The
 * answer for one half must not stand for the other, in whatever order they are touched.
 */
static uint8_t pmp_page[PAGE] __attribute__((aligned(PAGE)));

static void s_pmp_subpage(void)
{
    uint64_t open = pa(pmp_page) + 0x100, closed = pa(pmp_page) + 0x900;

    check("pmp: load from the open half", rd(open), 0x1111);
    EXPECT_TRAP("ld t0, 0(%0)", "r"(closed));
    check_trap("pmp: load from the closed half", CAUSE_LOAD_ACCESS, closed);
    check("pmp: the open half again", rd(open), 0x1111);
    EXPECT_TRAP("sd zero, 0(%0)", "r"(closed));
    check_trap("pmp: store to the closed half", CAUSE_STORE_ACCESS, closed);
    wr(open, 0x2222);
    check("pmp: store to the open half", rd(open), 0x2222);
    EXPECT_TRAP("ld t0, 0(%0)", "r"(closed));
    check_trap("pmp: the closed half after a store to the open one", CAUSE_LOAD_ACCESS, closed);
}

static void check_pmp_subpage(void)
{
    *(volatile uint64_t *)(pmp_page + 0x100) = 0x1111;
    *(volatile uint64_t *)(pmp_page + 0x900) = 0x3333;
    /* 0: TOR [0, half) RWX; 1: TOR [half, page end) nothing; 2: NAPOT everything, RWX. */
    csr_write(pmpaddr0, (pa(pmp_page) + 0x800) >> 2);
    csr_write(pmpaddr1, (pa(pmp_page) + PAGE) >> 2);
    csr_write(pmpaddr2, ~0ul);
    csr_write(pmpcfg0, 0x0ful | 0x08ul << 8 | 0x1ful << 16);
    __asm__ volatile("sfence.vma" ::: "memory"); /* PMP may be cached with translations */
    run_lower(s_pmp_subpage, MSTATUS_MPP_S);
    check("pmp: M-mode reads the closed half", *(volatile uint64_t *)(pmp_page + 0x900), 0x3333);
    csr_write(pmpcfg0, 0x1f);
    csr_write(pmpaddr0, ~0ul);
    __asm__ volatile("sfence.vma" ::: "memory");
}

void guest_main(void)
{
    setup();
    set_satp(satp_of(SATP_SV39, MAIN_ASID, main_root));
    run_lower(s_mappings, MSTATUS_MPP_S);
    check_mprv();
    group_done("mmu: Sv39 4 KiB, 2 MiB and 1 GiB pages");
    run_lower(s_permissions, MSTATUS_MPP_S);
    group_done("mmu: page faults for V, R, W and X, mtval = the address");
    run_lower(s_sum_mxr, MSTATUS_MPP_S);
    group_done("mmu: SUM and MXR");
    run_lower(s_malformed, MSTATUS_MPP_S);
    group_done("mmu: reserved PTEs, misaligned superpages, non-canonical addresses");
    run_lower(s_accessed_dirty, MSTATUS_MPP_S);
    group_done("mmu: A and D set by the hardware");
    run_lower(s_sfence, MSTATUS_MPP_S);
    csr_set(mstatus, MSTATUS_TVM);
    run_lower(s_tvm, MSTATUS_MPP_S);
    csr_clear(mstatus, MSTATUS_TVM);
    group_done("mmu: sfence.vma by address, by ASID and in full; TVM");
    set_satp(satp_of(SATP_SV39, 1, asid_root[0]));
    set_satp(satp_of(SATP_SV39, 2, asid_root[1]));
    run_lower(s_asids, MSTATUS_MPP_S);
    group_done("mmu: two ASIDs, satp switched without sfence.vma");
    run_lower(s_sv48, MSTATUS_MPP_S);
    check_satp_warl();
    group_done("mmu: Sv48, and satp's WARL modes");
    set_satp(satp_of(SATP_SV39, MAIN_ASID, main_root));
    run_lower(s_sfence_superpage, MSTATUS_MPP_S);
    group_done("mmu: sfence.vma of a 2 MiB page by its base address");
    check_pmp_subpage();
    group_done("mmu: a PMP boundary inside a page");
}
