/* Unit tests for the soft-MMU TLB (accel/tcg/tlb.c), driven by a fake frontend. */
#include <glib.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/internal.h"
#include "accel/tcg/ir.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg_cpu.h"
#include "accel/tcg/tlb.h"
#include "core/io.h"
#include "core/memory.h"

#define PAGE_BITS 12
#define PAGE_SIZE ((uint64_t)1 << PAGE_BITS)
#define PAGE_OFF (PAGE_SIZE - 1)
#define PAGE_MASK (~PAGE_OFF)
#define TLB_SIZE (1u << TCG_TLB_BITS)
#define ALL_MODES 0xffu
#define TEST_RA ((uintptr_t)0x7a11) /* a host return address no block's code contains */

/* Guest physical layout: two RAM regions with a hole between, and two devices. */
#define RAM0_BASE 0x80000000ull
#define RAM0_SIZE 0x100000ull
#define RAM1_BASE 0x80200000ull
#define RAM1_SIZE 0x1000ull
#define DEV_BASE 0x10000000ull /* a two-page device */
#define DEV_SIZE 0x2000ull
#define SMALL_BASE 0x10002000ull /* a device covering the first 0x100 bytes of its page */
#define SMALL_SIZE 0x100ull
#define PA_NOTHING 0x30000000ull /* neither RAM nor device */

/* Guest virtual pages the fake page table maps. */
#define VA_RW 0x10000ull
#define VA_RO 0x11000ull
#define VA_RX 0x12000ull
#define VA_XO 0x13000ull
#define VA_ALIAS 0x14000ull /* same physical page as VA_RW */
#define VA_MODE 0x15000ull  /* a different physical page in mode 0 and mode 1 */
#define VA_SUPER 0x16000ull /* mapped in mode 0 only */
#define VA_X1 0x20000ull    /* three virtually adjacent, physically scattered pages ... */
#define VA_X2 0x21000ull
#define VA_X3 0x22000ull /* ... the last read-only; 0x23000 is unmapped */
#define VA_UNMAPPED 0x23000ull
#define VA_MMIO 0x30000ull
#define VA_MMIO2 0x31000ull
#define VA_SMALL 0x32000ull
#define VA_HOLE 0x33000ull
#define VA_CODE 0x40000ull
#define VA_CODE2 0x41000ull /* 0x42000 is unmapped */
#define VA_NOCODE 0x42000ull
#define VA_DATA 0x43000ull
#define VA_CODE_ALIAS 0x44000ull
#define VA_CODE_RO 0x45000ull
#define VA_COLL (VA_RW + ((uint64_t)TLB_SIZE << PAGE_BITS)) /* VA_RW's TLB index */
#define VA_TOP 0xfffffffffffff000ull
#define VA_BIG 0x400000ull     /* two 4 KiB pieces of one 2 MiB page (the fake walk need not
                                  * map them contiguously) ... */
#define VA_BIG_END 0x5ff000ull    /* ... its first and its last */

#define PA_RW 0x80000000ull
#define PA_CODE 0x80040000ull
#define PA_CODE2 0x80041000ull

struct fake_mapping {
    uint64_t vpage;
    uint64_t ppage;
    unsigned prot;
    uint32_t mmu_mask;
};

static const struct fake_mapping page_table[] = {
    {VA_RW, PA_RW, PROT_R | PROT_W, ALL_MODES},
    {VA_RO, 0x80001000, PROT_R | PROT_GLOBAL, ALL_MODES}, /* global: as a kernel page */
    {VA_RX, 0x80002000, PROT_R | PROT_X, ALL_MODES},
    {VA_XO, 0x80003000, PROT_X, ALL_MODES},
    {VA_ALIAS, PA_RW, PROT_R | PROT_W, ALL_MODES},
    {VA_MODE, 0x80005000, PROT_R | PROT_W, 1u << 0},
    {VA_MODE, 0x80006000, PROT_R | PROT_W, 1u << 1},
    {VA_SUPER, 0x80007000, PROT_R | PROT_W, 1u << 0},
    {VA_X1, 0x80010000, PROT_R | PROT_W, ALL_MODES},
    {VA_X2, 0x80020000, PROT_R | PROT_W, ALL_MODES},
    {VA_X3, 0x80030000, PROT_R, ALL_MODES},
    {VA_MMIO, DEV_BASE, PROT_R | PROT_W | PROT_X, ALL_MODES},
    {VA_MMIO2, DEV_BASE + PAGE_SIZE, PROT_R | PROT_W, ALL_MODES},
    {VA_SMALL, SMALL_BASE, PROT_R | PROT_W, ALL_MODES},
    {VA_HOLE, PA_NOTHING, PROT_R | PROT_W | PROT_X, ALL_MODES},
    {VA_CODE, PA_CODE, PROT_R | PROT_W | PROT_X, ALL_MODES},
    {VA_CODE2, PA_CODE2, PROT_R | PROT_W | PROT_X, ALL_MODES},
    {VA_DATA, 0x80043000, PROT_R | PROT_W, ALL_MODES},
    {VA_CODE_ALIAS, PA_CODE, PROT_R | PROT_W, ALL_MODES},
    {VA_CODE_RO, PA_CODE, PROT_R, ALL_MODES},
    {VA_COLL, 0x80008000, PROT_R | PROT_W, ALL_MODES},
    {VA_TOP, 0x80009000, PROT_R | PROT_W, ALL_MODES},
    {VA_BIG, 0x800a0000, PROT_R | PROT_W | PROT_PAGE_BITS(21), ALL_MODES},
    {VA_BIG_END, 0x800a1000, PROT_R | PROT_W | PROT_PAGE_BITS(21), ALL_MODES},
};

enum fault_kind { FAULT_NONE, FAULT_PAGE, FAULT_MISALIGNED, FAULT_ACCESS };

struct fault_record {
    enum fault_kind kind;
    enum tlb_access access;
    uint64_t vaddr;
    uintptr_t retaddr;
};

struct fill_record {
    uint64_t vaddr;
    enum tlb_access access;
    unsigned mmu_idx;
    bool probe;
    uintptr_t retaddr;
};

/* A device whose byte at offset o reads as mmio_byte(o); it logs every access. */
struct fake_dev {
    unsigned calls;
    struct io_access log[16];
};

/* The fake CPU; struct tcg_cpu sits at a nonzero offset, as in a real frontend. */
struct fake_cpu {
    uint64_t pc;
    unsigned fills;
    struct fill_record last_fill;
    unsigned nb_faults;
    struct fault_record fault;
    unsigned translations;
    struct tcg_cpu tcg;
    struct guest_memory mem;
    struct io_bus bus;
    struct fake_dev dev, small;
};

/* The fake ISA: a halfword with low bits 11 starts a 4-byte instruction; FAKE_END ends a block. */
#define FAKE_LONG 0x0003
#define FAKE_END 0x0001

static struct fake_cpu *fake_cpu_of(struct tcg_cpu *cpu)
{
    return (struct fake_cpu *)((char *)cpu - offsetof(struct fake_cpu, tcg));
}

static unsigned access_prot(enum tlb_access access)
{
    return access == ACCESS_READ ? PROT_R : access == ACCESS_WRITE ? PROT_W : PROT_X;
}

static const struct fake_mapping *fake_walk(uint64_t vaddr, unsigned mmu_idx)
{
    for (size_t i = 0; i < G_N_ELEMENTS(page_table); i++)
        if (page_table[i].vpage == (vaddr & PAGE_MASK) && ((page_table[i].mmu_mask >> mmu_idx) & 1))
            return &page_table[i];
    return NULL;
}

__attribute__((noreturn)) static void fake_raise(struct tcg_cpu *cpu, enum fault_kind kind,
                                                 enum tlb_access access, uint64_t vaddr,
                                                 uintptr_t retaddr)
{
    struct fake_cpu *fc = fake_cpu_of(cpu);

    fc->nb_faults++;
    fc->fault = (struct fault_record){kind, access, vaddr, retaddr};
    tcg_cpu_loop_exit(cpu, retaddr);
}

static int fake_tlb_fill(struct tcg_cpu *cpu, uint64_t vaddr, enum tlb_access access,
                         unsigned mmu_idx, bool probe, uintptr_t retaddr, uint64_t *paddr,
                         unsigned *prot)
{
    struct fake_cpu *fc = fake_cpu_of(cpu);
    const struct fake_mapping *m = fake_walk(vaddr, mmu_idx);

    fc->fills++;
    fc->last_fill = (struct fill_record){vaddr, access, mmu_idx, probe, retaddr};
    if (m && (m->prot & access_prot(access))) {
        *paddr = m->ppage | (vaddr & PAGE_OFF);
        *prot = m->prot;
        return 0;
    }
    if (probe)
        return -1;
    fake_raise(cpu, FAULT_PAGE, access, vaddr, retaddr);
}

__attribute__((noreturn)) static void fake_unaligned(struct tcg_cpu *cpu, uint64_t vaddr,
                                                     enum tlb_access access, uintptr_t retaddr)
{
    fake_raise(cpu, FAULT_MISALIGNED, access, vaddr, retaddr);
}

__attribute__((noreturn)) static void fake_access_fault(struct tcg_cpu *cpu, uint64_t vaddr,
                                                        enum tlb_access access, uintptr_t retaddr)
{
    fake_raise(cpu, FAULT_ACCESS, access, vaddr, retaddr);
}

static void fake_init_globals(struct tcg_ctx *s)
{
    (void)s;
}

static void fake_get_tb_state(struct tcg_cpu *cpu, uint64_t *pc, uint64_t *flags,
                              unsigned *fetch_mmu_idx)
{
    *pc = fake_cpu_of(cpu)->pc;
    *flags = 0;
    *fetch_mmu_idx = 0;
}

/* Reads instructions like a real translator: a fault after the first one ends the block. */
static void fake_translate(struct tcg_cpu *cpu, struct tcg_ctx *s, struct tb *tb,
                           unsigned max_insns)
{
    uint64_t pc = tb->pc;

    fake_cpu_of(cpu)->translations++;
    for (unsigned n = 0; n < max_insns; n++) {
        uint16_t lo, hi;
        if (!tcg_code_read16(cpu, pc, 0, n == 0, &lo))
            break;
        unsigned len = (lo & 3) == 3 ? 4 : 2;
        if (len == 4 && !tcg_code_read16(cpu, pc + 2, 0, n == 0, &hi))
            break;
        tcg_gen_insn_start(s, pc);
        pc += len;
        if (lo == FAKE_END)
            break;
    }
    tcg_gen_exit_tb(s, TCG_EXIT_NOCHAIN);
    tb->size = (uint32_t)(pc - tb->pc);
}

static void fake_restore_pc(struct tcg_cpu *cpu, uint64_t pc)
{
    fake_cpu_of(cpu)->pc = pc;
}

static const struct tcg_frontend fake_frontend = {
    .name = "fake",
    .page_bits = PAGE_BITS,
    .nb_mmu_modes = 3,
    .tcg_cpu_offset = offsetof(struct fake_cpu, tcg),
    .init_globals = fake_init_globals,
    .get_tb_state = fake_get_tb_state,
    .translate = fake_translate,
    .restore_pc = fake_restore_pc,
    .tlb_fill = fake_tlb_fill,
    .unaligned = fake_unaligned,
    .access_fault = fake_access_fault,
};

static uint8_t mmio_byte(uint64_t offset)
{
    return (uint8_t)(offset ^ 0x80);
}

static void fake_dev_handler(void *opaque, struct io_access *a)
{
    struct fake_dev *d = opaque;

    if (d->calls < G_N_ELEMENTS(d->log))
        d->log[d->calls] = *a;
    d->calls++;
    if (!a->is_write)
        for (unsigned i = 0; i < a->size; i++)
            a->data |= (uint64_t)mmio_byte(a->offset + i) << (8 * i);
}

static struct fake_cpu *fake_cpu_new(void)
{
    struct fake_cpu *fc = g_new0(struct fake_cpu, 1);

    g_assert_cmpint(guest_memory_add_ram(&fc->mem, RAM0_BASE, RAM0_SIZE), ==, 0);
    g_assert_cmpint(guest_memory_add_ram(&fc->mem, RAM1_BASE, RAM1_SIZE), ==, 0);
    io_bus_init(&fc->bus, IO_SPACE_MMIO);
    g_assert_cmpint(
        io_bus_register(&fc->bus, DEV_BASE, DEV_SIZE, fake_dev_handler, &fc->dev, "dev"), ==, 0);
    g_assert_cmpint(
        io_bus_register(&fc->bus, SMALL_BASE, SMALL_SIZE, fake_dev_handler, &fc->small, "small"),
        ==, 0);
    fc->tcg.fe = &fake_frontend;
    fc->tcg.env = fc;
    fc->tcg.mem = &fc->mem;
    fc->tcg.mmio = &fc->bus;
    tlb_flush(&fc->tcg); /* a zeroed entry would claim virtual page 0 */
    tb_register_cpu(&fc->tcg);
    return fc;
}

static void fake_cpu_free(struct fake_cpu *fc)
{
    tb_unregister_cpu(&fc->tcg);
    tb_flush(); /* the next test starts with no translated code */
    io_bus_destroy(&fc->bus);
    guest_memory_free(&fc->mem);
    g_free(fc);
}

/* ---- accesses that may fault: each returns false when the frontend raised ---- */

static void fault_reset(struct fake_cpu *fc)
{
    fc->nb_faults = 0;
    memset(&fc->fault, 0, sizeof(fc->fault));
}

static bool try_load(struct fake_cpu *fc, uint64_t addr, unsigned memop, unsigned mmu,
                     uint64_t *value)
{
    fault_reset(fc);
    if (sigsetjmp(fc->tcg.jmp_env, 0))
        return false;
    *value = tcg_helper_load(&fc->tcg, addr, memop, mmu, TEST_RA);
    return true;
}

static bool try_store(struct fake_cpu *fc, uint64_t addr, uint64_t value, unsigned memop,
                      unsigned mmu)
{
    fault_reset(fc);
    if (sigsetjmp(fc->tcg.jmp_env, 0))
        return false;
    tcg_helper_store(&fc->tcg, addr, value, memop, mmu, TEST_RA);
    return true;
}

static bool try_probe(struct fake_cpu *fc, uint64_t addr, unsigned size, enum tlb_access access,
                      void **host)
{
    fault_reset(fc);
    if (sigsetjmp(fc->tcg.jmp_env, 0))
        return false;
    *host = tcg_probe_access(&fc->tcg, addr, size, access, 0, TEST_RA);
    return true;
}

static bool try_fetch(struct fake_cpu *fc, uint64_t pc, unsigned mmu, uint64_t *paddr)
{
    fault_reset(fc);
    if (sigsetjmp(fc->tcg.jmp_env, 0))
        return false;
    *paddr = tcg_translate_fetch(&fc->tcg, pc, mmu);
    return true;
}

/* Returns 1 (read), 0 (not readable, no fault) or -1 (the frontend raised). */
static int try_code_read16(struct fake_cpu *fc, uint64_t vaddr, bool first, uint16_t *value)
{
    fault_reset(fc);
    if (sigsetjmp(fc->tcg.jmp_env, 0))
        return -1;
    return tcg_code_read16(&fc->tcg, vaddr, 0, first, value) ? 1 : 0;
}

static struct tb *try_tb_find(struct fake_cpu *fc, uint64_t pc)
{
    fault_reset(fc);
    fc->pc = pc;
    if (sigsetjmp(fc->tcg.jmp_env, 0))
        return NULL;
    return tb_find(&fc->tcg);
}

static uint64_t load_ok(struct fake_cpu *fc, uint64_t addr, unsigned memop, unsigned mmu)
{
    uint64_t v = 0;

    g_assert_true(try_load(fc, addr, memop, mmu, &v));
    g_assert_cmpuint(fc->nb_faults, ==, 0);
    return v;
}

static void store_ok(struct fake_cpu *fc, uint64_t addr, uint64_t value, unsigned memop,
                     unsigned mmu)
{
    g_assert_true(try_store(fc, addr, value, memop, mmu));
    g_assert_cmpuint(fc->nb_faults, ==, 0);
}

static void assert_fault(const struct fake_cpu *fc, enum fault_kind kind, enum tlb_access access,
                         uint64_t vaddr)
{
    g_assert_cmpuint(fc->nb_faults, ==, 1);
    g_assert_cmpint(fc->fault.kind, ==, kind);
    g_assert_cmpint(fc->fault.access, ==, access);
    g_assert_cmphex(fc->fault.vaddr, ==, vaddr);
}

static struct tlb_entry *entry(struct fake_cpu *fc, unsigned mmu, uint64_t vaddr)
{
    return &fc->tcg.tlb[mmu][(vaddr >> PAGE_BITS) & (TLB_SIZE - 1)];
}

static uint8_t *ram(struct fake_cpu *fc, uint64_t paddr)
{
    uint8_t *p = gpa_to_host(&fc->mem, paddr, 1);

    g_assert_nonnull(p);
    return p;
}

/* The comparison the backend emits inline (emit_tlb_lookup): true means no slow path. */
static bool inline_hit(uint64_t tag, uint64_t addr, unsigned memop)
{
    uint64_t size = 1u << (memop & MO_SIZE);
    uint64_t cmp = ((memop & MO_ALIGN) || size == 1) ? addr & (PAGE_MASK | (size - 1))
                                                     : (addr + size - 1) & PAGE_MASK;
    return cmp == tag;
}

/* ---- fill and hit ---- */

static void test_fill_then_hit(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    load_ok(fc, VA_RW + 0x10, MO_32, 0);
    g_assert_cmpuint(fc->fills, ==, 1);
    g_assert_cmphex(fc->last_fill.vaddr, ==, VA_RW + 0x10);
    g_assert_cmpint(fc->last_fill.access, ==, ACCESS_READ);
    g_assert_cmpuint(fc->last_fill.mmu_idx, ==, 0);
    g_assert_false(fc->last_fill.probe);
    g_assert_cmphex(fc->last_fill.retaddr, ==, TEST_RA);

    /* The same page again, another offset, and a store the walk already granted: hits. */
    load_ok(fc, VA_RW + 0xff8, MO_64, 0);
    store_ok(fc, VA_RW + 0x20, 0x5a, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 1);

    /* Another MMU mode has its own entry. */
    g_assert_cmphex(entry(fc, 1, VA_RW)->addr_read, ==, UINT64_MAX);
    g_assert_cmphex(load_ok(fc, VA_RW + 0x20, MO_8, 1), ==, 0x5a);
    g_assert_cmpuint(fc->fills, ==, 2);
    g_assert_cmpuint(fc->last_fill.mmu_idx, ==, 1);
    load_ok(fc, VA_RW, MO_8, 1);
    load_ok(fc, VA_RW, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 2);

    /* A later fill of the same index in another page replaces the entry; the old one waits
     * in the victim TLB, and the two take turns in the slot without another walk. */
    load_ok(fc, VA_COLL, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 3);
    g_assert_cmphex(entry(fc, 0, VA_RW)->addr_read, ==, VA_COLL);
    g_assert_cmphex(load_ok(fc, VA_RW + 0x20, MO_8, 0), ==, 0x5a);
    g_assert_cmphex(entry(fc, 0, VA_RW)->addr_read, ==, VA_RW);
    load_ok(fc, VA_COLL, MO_8, 0);
    load_ok(fc, VA_RW, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 3);
    g_assert_cmphex(entry(fc, 1, VA_RW)->addr_read, ==, VA_RW); /* mode 1 untouched */
    /* A flush of the page reaches the victim copy too. */
    tlb_flush_page(&fc->tcg, VA_COLL, 1u << 0);
    load_ok(fc, VA_COLL, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 4);
    fake_cpu_free(fc);
}

static void test_mmu_modes(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    /* One virtual page, a different physical page per mode. */
    store_ok(fc, VA_MODE + 8, 0x1111, MO_16, 0);
    store_ok(fc, VA_MODE + 8, 0x2222, MO_16, 1);
    g_assert_cmphex(load_ok(fc, VA_MODE + 8, MO_16, 0), ==, 0x1111);
    g_assert_cmphex(load_ok(fc, VA_MODE + 8, MO_16, 1), ==, 0x2222);
    g_assert_cmphex(*ram(fc, 0x80005008), ==, 0x11);
    g_assert_cmphex(*ram(fc, 0x80006008), ==, 0x22);
    g_assert_cmpuint(fc->fills, ==, 2);

    /* Mapped in mode 0 only: mode 0's valid entry does not answer for mode 1. */
    load_ok(fc, VA_SUPER, MO_8, 0);
    uint64_t v;
    g_assert_false(try_load(fc, VA_SUPER + 4, MO_8, 1, &v));
    assert_fault(fc, FAULT_PAGE, ACCESS_READ, VA_SUPER + 4);
    g_assert_cmpuint(fc->last_fill.mmu_idx, ==, 1);
    g_assert_cmphex(fc->fault.retaddr, ==, TEST_RA);
    fake_cpu_free(fc);
}

/* ---- protections ---- */

static void test_prot(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    uint64_t v, paddr;

    ram(fc, 0x80001000)[0x40] = 0x77;
    g_assert_cmphex(load_ok(fc, VA_RO + 0x40, MO_8, 0), ==, 0x77);
    g_assert_cmphex(entry(fc, 0, VA_RO)->addr_write, ==, UINT64_MAX);

    /* A store to a read-only page faults as a write and changes nothing. */
    g_assert_false(try_store(fc, VA_RO + 0x40, 0x99, MO_8, 0));
    assert_fault(fc, FAULT_PAGE, ACCESS_WRITE, VA_RO + 0x40);
    g_assert_cmpint(fc->last_fill.access, ==, ACCESS_WRITE);
    g_assert_cmphex(ram(fc, 0x80001000)[0x40], ==, 0x77);
    /* The fault left the readable entry in place. */
    unsigned fills = fc->fills;
    load_ok(fc, VA_RO, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, fills);

    /* Fetch needs X: not from a data page, yes from an executable one. */
    g_assert_false(try_fetch(fc, VA_RW + 0x100, 0, &paddr));
    assert_fault(fc, FAULT_PAGE, ACCESS_FETCH, VA_RW + 0x100);
    g_assert_true(try_fetch(fc, VA_RX + 0x124, 0, &paddr));
    g_assert_cmphex(paddr, ==, 0x80002124);
    g_assert_cmphex(entry(fc, 0, VA_RX)->addr_code, ==, VA_RX);

    /* Execute-only: fetch works, a load faults as a read. */
    g_assert_true(try_fetch(fc, VA_XO + 2, 0, &paddr));
    g_assert_cmphex(paddr, ==, 0x80003002);
    g_assert_cmphex(entry(fc, 0, VA_XO)->addr_read, ==, UINT64_MAX);
    g_assert_false(try_load(fc, VA_XO + 2, MO_16, 0, &v));
    assert_fault(fc, FAULT_PAGE, ACCESS_READ, VA_XO + 2);

    /* Nothing mapped. */
    g_assert_false(try_load(fc, VA_UNMAPPED + 0x30, MO_64, 0, &v));
    assert_fault(fc, FAULT_PAGE, ACCESS_READ, VA_UNMAPPED + 0x30);
    g_assert_false(try_store(fc, VA_UNMAPPED, 1, MO_32, 2));
    assert_fault(fc, FAULT_PAGE, ACCESS_WRITE, VA_UNMAPPED);
    g_assert_cmpuint(fc->last_fill.mmu_idx, ==, 2);
    fake_cpu_free(fc);
}

/* ---- flushes ---- */

static struct tb marker_tb; /* stands for a block in the jump cache */

static void test_flush(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    load_ok(fc, VA_RW, MO_8, 0);
    load_ok(fc, VA_RO, MO_8, 1);
    fc->tcg.jmp_cache[5] = &marker_tb; /* any non-NULL marker */
    tlb_flush(&fc->tcg);
    g_assert_null(fc->tcg.jmp_cache[5]);
    for (unsigned m = 0; m < TCG_MAX_MMU_MODES; m++)
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            const struct tlb_entry *e = &fc->tcg.tlb[m][i];
            g_assert_cmphex(e->addr_read & e->addr_write & e->addr_code, ==, UINT64_MAX);
        }
    load_ok(fc, VA_RW, MO_8, 0);
    load_ok(fc, VA_RO, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 4);
    fake_cpu_free(fc);
}

/* A new address space drops every translation but the global ones, and the jump cache. */
static void test_flush_nonglobal(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    load_ok(fc, VA_RW, MO_8, 0);
    load_ok(fc, VA_RO, MO_8, 0);
    load_ok(fc, VA_RW, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 3);
    fc->tcg.jmp_cache[9] = &marker_tb;
    tlb_flush_nonglobal(&fc->tcg);
    g_assert_null(fc->tcg.jmp_cache[9]);
    g_assert_cmphex(entry(fc, 0, VA_RW)->addr_read, ==, UINT64_MAX);
    g_assert_cmphex(entry(fc, 0, VA_RO)->addr_read, ==, VA_RO);
    load_ok(fc, VA_RO, MO_8, 0); /* still there */
    g_assert_cmpuint(fc->fills, ==, 3);
    load_ok(fc, VA_RW, MO_8, 0);
    load_ok(fc, VA_RW, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 5);
    tlb_flush(&fc->tcg); /* a full flush takes the global ones too */
    load_ok(fc, VA_RO, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 6);
    fake_cpu_free(fc);
}

/* A page flush inside a superpage drops every piece of it, and nothing else. */
static void test_flush_superpage(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    load_ok(fc, VA_BIG, MO_8, 0);
    load_ok(fc, VA_BIG_END, MO_8, 0);
    load_ok(fc, VA_RW, MO_8, 0);
    load_ok(fc, VA_RW, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 4);
    tlb_flush_page(&fc->tcg, VA_BIG + 0x1234, 1u << 0);
    g_assert_cmphex(entry(fc, 0, VA_BIG)->addr_read, ==, UINT64_MAX);
    g_assert_cmphex(entry(fc, 0, VA_BIG_END)->addr_read, ==, UINT64_MAX);
    g_assert_cmphex(entry(fc, 0, VA_RW)->addr_read, ==, VA_RW); /* other pages stay */
    g_assert_cmphex(entry(fc, 1, VA_RW)->addr_read, ==, VA_RW); /* and other modes */
    load_ok(fc, VA_BIG_END, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 5);
    /* Outside every superpage, a page flush stays one page. */
    load_ok(fc, VA_RO, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 6);
    tlb_flush_page(&fc->tcg, VA_RW, 1u << 0);
    g_assert_cmphex(entry(fc, 0, VA_RW)->addr_read, ==, UINT64_MAX);
    g_assert_cmphex(entry(fc, 0, VA_RO)->addr_read, ==, VA_RO);
    g_assert_cmphex(entry(fc, 0, VA_BIG_END)->addr_read, ==, VA_BIG_END);
    fake_cpu_free(fc);
}

static void test_flush_page(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    load_ok(fc, VA_RW, MO_8, 0);
    load_ok(fc, VA_RW, MO_8, 1);
    load_ok(fc, VA_RO, MO_8, 0);
    load_ok(fc, VA_RX, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 4);

    /* Mode 0 only, with an address inside the page. */
    /* Only the jump-cache entries of blocks in (or running into) that page go. */
    unsigned in_page = tb_jmp_cache_hash(VA_RW + 0x40, TCG_JMP_CACHE_BITS);
    unsigned before = tb_jmp_cache_hash(VA_RW - 0x10, TCG_JMP_CACHE_BITS);
    unsigned elsewhere = tb_jmp_cache_hash(VA_RW + 0x5000, TCG_JMP_CACHE_BITS);
    g_assert_cmpuint(in_page >> 6, !=, elsewhere >> 6);
    g_assert_cmpuint(before >> 6, !=, elsewhere >> 6);
    fc->tcg.jmp_cache[in_page] = &marker_tb;
    fc->tcg.jmp_cache[before] = &marker_tb;
    fc->tcg.jmp_cache[elsewhere] = &marker_tb;
    tlb_flush_page(&fc->tcg, VA_RW + 0x123, 1u << 0);
    g_assert_null(fc->tcg.jmp_cache[in_page]);
    g_assert_null(fc->tcg.jmp_cache[before]);
    g_assert_true(fc->tcg.jmp_cache[elsewhere] == &marker_tb);
    fc->tcg.jmp_cache[elsewhere] = NULL;
    g_assert_cmphex(entry(fc, 0, VA_RW)->addr_read, ==, UINT64_MAX);
    load_ok(fc, VA_RW, MO_8, 1);
    load_ok(fc, VA_RO, MO_8, 0);
    load_ok(fc, VA_RX, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 4);
    load_ok(fc, VA_RW, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 5);
    g_assert_cmpint(fc->last_fill.mmu_idx, ==, 0);

    /* Then mode 1. */
    tlb_flush_page(&fc->tcg, VA_RW, 1u << 1);
    load_ok(fc, VA_RW, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 5);
    load_ok(fc, VA_RW, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 6);

    /* A page sharing VA_RW's index but not cached leaves VA_RW's entry alone. */
    tlb_flush_page(&fc->tcg, VA_COLL, ALL_MODES);
    load_ok(fc, VA_RW, MO_8, 0);
    load_ok(fc, VA_RW, MO_8, 1);
    g_assert_cmpuint(fc->fills, ==, 6);

    /* A read-only entry is found by its read tag alone. */
    tlb_flush_page(&fc->tcg, VA_RO, ALL_MODES);
    g_assert_cmphex(entry(fc, 0, VA_RO)->addr_read, ==, UINT64_MAX);
    load_ok(fc, VA_RO, MO_8, 0);
    g_assert_cmpuint(fc->fills, ==, 7);

    /* An execute-only entry is found by its code tag. */
    uint64_t paddr;
    g_assert_true(try_fetch(fc, VA_XO, 0, &paddr));
    g_assert_cmpuint(fc->fills, ==, 8);
    tlb_flush_page(&fc->tcg, VA_XO, ALL_MODES);
    g_assert_cmphex(entry(fc, 0, VA_XO)->addr_code, ==, UINT64_MAX);

    /* The top page of the address space. */
    store_ok(fc, VA_TOP + 0xff8, 0x0102030405060708ull, MO_64, 0);
    g_assert_cmpuint(fc->fills, ==, 9);
    tlb_flush_page(&fc->tcg, VA_TOP, 1u << 0);
    g_assert_cmphex(load_ok(fc, VA_TOP + 0xff8, MO_64, 0), ==, 0x0102030405060708ull);
    g_assert_cmpuint(fc->fills, ==, 10);
    fake_cpu_free(fc);
}

/* ---- what generated code relies on ---- */

static void test_entry_invariants(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    uint64_t paddr;

    load_ok(fc, VA_RW + 0x234, MO_8, 0);
    const struct tlb_entry *e = entry(fc, 0, VA_RW);
    unsigned idx = (unsigned)(e - fc->tcg.tlb[0]);
    /* The generated index computation: (vaddr >> (page_bits - 5)) & mask << 5. */
    g_assert_cmpuint(((VA_RW + 0x234) >> (PAGE_BITS - TLB_ENTRY_BITS)) &
                         ((TLB_SIZE - 1) << TLB_ENTRY_BITS),
                     ==, idx * sizeof(struct tlb_entry));
    g_assert_cmpuint(sizeof(struct tlb_entry), ==, 1u << TLB_ENTRY_BITS);
    g_assert_cmphex(e->addr_read, ==, VA_RW);
    g_assert_cmphex(e->addr_write, ==, VA_RW);
    g_assert_cmphex(e->addr_code, ==, UINT64_MAX); /* not executable */
    g_assert_cmphex(fc->tcg.tlb_side[0][idx].paddr, ==, PA_RW);
    for (uint64_t off = 0; off < PAGE_SIZE; off += 0x3ff)
        g_assert_true((uint8_t *)(uintptr_t)(VA_RW + off + e->addend) ==
                      gpa_to_host(&fc->mem, PA_RW + off, 1));

    /* The inline fast path hits for every in-page access this entry covers... */
    g_assert_true(inline_hit(e->addr_read, VA_RW + 0x10, MO_64 | MO_ALIGN));
    g_assert_true(inline_hit(e->addr_read, VA_RW + 0x11, MO_32)); /* misaligned, in page */
    g_assert_true(inline_hit(e->addr_write, VA_RW + PAGE_SIZE - 1, MO_8));
    /* ... and misses for misaligned MO_ALIGN accesses and for page-crossing ones. */
    g_assert_false(inline_hit(e->addr_read, VA_RW + 0x11, MO_32 | MO_ALIGN));
    g_assert_false(inline_hit(e->addr_read, VA_RW + PAGE_SIZE - 2, MO_32));

    /* Flags force the slow path: no write tag on a read-only page, TLB_MMIO on devices. */
    load_ok(fc, VA_RO, MO_8, 0);
    g_assert_false(inline_hit(entry(fc, 0, VA_RO)->addr_write, VA_RO, MO_8));
    load_ok(fc, VA_MMIO, MO_8, 0);
    e = entry(fc, 0, VA_MMIO);
    g_assert_cmphex(e->addr_read, ==, VA_MMIO | TLB_MMIO);
    g_assert_cmphex(e->addr_write, ==, VA_MMIO | TLB_MMIO);
    g_assert_cmphex(e->addr_code, ==, VA_MMIO | TLB_MMIO);
    g_assert_false(inline_hit(e->addr_read, VA_MMIO + 8, MO_64 | MO_ALIGN));
    g_assert_false(inline_hit(e->addr_write, VA_MMIO, MO_8));
    /* Nothing answers at VA_HOLE's physical page: still an MMIO entry, the access faults. */
    uint64_t v;
    g_assert_false(try_load(fc, VA_HOLE, MO_8, 1, &v));
    g_assert_cmphex(entry(fc, 1, VA_HOLE)->addr_read, ==, VA_HOLE | TLB_MMIO);

    /* An executable RAM page: a plain code tag. */
    g_assert_true(try_fetch(fc, VA_RX, 0, &paddr));
    g_assert_cmphex(entry(fc, 0, VA_RX)->addr_code, ==, VA_RX);

    /* After a flush no address matches inline, not even in the top page. */
    tlb_flush(&fc->tcg);
    g_assert_false(inline_hit(entry(fc, 0, VA_TOP)->addr_read, VA_TOP, MO_8));
    g_assert_false(inline_hit(entry(fc, 0, VA_TOP)->addr_write, VA_TOP + 0xff8, MO_64));
    g_assert_false(inline_hit(entry(fc, 0, VA_RW)->addr_read, VA_RW, MO_8));
    fake_cpu_free(fc);
}

/* ---- loads and stores ---- */

static void test_load_sizes(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    static const uint8_t bytes[8] = {0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88};
    static const struct {
        unsigned memop;
        uint64_t expect;
    } cases[] = {
        {MO_8, 0x81},
        {MO_8 | MO_SIGN, 0xffffffffffffff81ull},
        {MO_16, 0x8281},
        {MO_16 | MO_SIGN, 0xffffffffffff8281ull},
        {MO_32, 0x84838281},
        {MO_32 | MO_SIGN, 0xffffffff84838281ull},
        {MO_64, 0x8887868584838281ull},
        {MO_64 | MO_SIGN, 0x8887868584838281ull},
    };

    memcpy(ram(fc, PA_RW + 0x100), bytes, sizeof(bytes));
    ram(fc, PA_RW + 0x200)[0] = 0x7f;
    ram(fc, PA_RW + 0x200)[1] = 0x7f;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_cmphex(load_ok(fc, VA_RW + 0x100, cases[i].memop, 0), ==, cases[i].expect);
        /* Through the entry point generated code calls, with env and the packed memop. */
        g_assert_cmphex(tcg_load_slow(fc, VA_RW + 0x100, TCG_MEMOP(cases[i].memop, 0), TEST_RA), ==,
                        cases[i].expect);
    }
    g_assert_cmphex(load_ok(fc, VA_RW + 0x200, MO_8 | MO_SIGN, 0), ==, 0x7f);
    g_assert_cmphex(load_ok(fc, VA_RW + 0x200, MO_16 | MO_SIGN, 0), ==, 0x7f7f);

    /* Stores write exactly their size, little-endian. */
    memset(ram(fc, PA_RW + 0x300), 0xee, 16);
    store_ok(fc, VA_RW + 0x301, 0x1122334455667788ull, MO_8, 0);
    store_ok(fc, VA_RW + 0x302, 0x1122334455667788ull, MO_16, 0);
    store_ok(fc, VA_RW + 0x304, 0x1122334455667788ull, MO_32, 0);
    store_ok(fc, VA_RW + 0x308, 0x1122334455667788ull, MO_64, 0);
    static const uint8_t stored[16] = {0xee, 0x88, 0x88, 0x77, 0x88, 0x77, 0x66, 0x55,
                                       0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
    g_assert_cmpmem(ram(fc, PA_RW + 0x300), 16, stored, 16);

    /* tcg_store_slow decodes the MMU mode: mode 1 maps VA_MODE elsewhere. */
    tcg_store_slow(fc, VA_MODE, 0xabcd, TCG_MEMOP(MO_16, 1), TEST_RA);
    g_assert_cmphex(*(uint16_t *)(void *)ram(fc, 0x80006000), ==, 0xabcd);
    g_assert_cmphex(*(uint16_t *)(void *)ram(fc, 0x80005000), ==, 0);
    fake_cpu_free(fc);
}

static void test_misaligned(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    uint64_t v;

    memcpy(ram(fc, PA_RW + 0x10), "\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9);
    /* Without MO_ALIGN a misaligned access inside a page is simply performed. */
    g_assert_cmphex(load_ok(fc, VA_RW + 0x11, MO_32, 0), ==, 0x05040302);
    g_assert_cmphex(load_ok(fc, VA_RW + 0x11, MO_64, 0), ==, 0x0908070605040302ull);
    store_ok(fc, VA_RW + 0x13, 0xa1a2, MO_16, 0);
    g_assert_cmphex(ram(fc, PA_RW + 0x13)[0], ==, 0xa2);
    g_assert_cmphex(ram(fc, PA_RW + 0x14)[0], ==, 0xa1);

    /* With MO_ALIGN it is the frontend's misaligned exception, before any translation. */
    unsigned fills = fc->fills;
    g_assert_false(try_load(fc, VA_RW + 0x12, MO_32 | MO_ALIGN, 0, &v));
    assert_fault(fc, FAULT_MISALIGNED, ACCESS_READ, VA_RW + 0x12);
    g_assert_cmphex(fc->fault.retaddr, ==, TEST_RA);
    g_assert_false(try_store(fc, VA_RW + 0x11, 0xffff, MO_16 | MO_ALIGN, 0));
    assert_fault(fc, FAULT_MISALIGNED, ACCESS_WRITE, VA_RW + 0x11);
    g_assert_cmphex(ram(fc, PA_RW + 0x11)[0], ==, 0x02);
    g_assert_false(try_load(fc, VA_UNMAPPED + 4, MO_64 | MO_ALIGN, 0, &v));
    assert_fault(fc, FAULT_MISALIGNED, ACCESS_READ, VA_UNMAPPED + 4);
    g_assert_cmpuint(fc->fills, ==, fills);

    /* Aligned MO_ALIGN accesses, and bytes at any address, are fine. */
    g_assert_cmphex(load_ok(fc, VA_RW + 0x10, MO_64 | MO_ALIGN, 0), ==, 0x080706a1a2030201ull);
    g_assert_cmphex(load_ok(fc, VA_RW + 0x13, MO_8 | MO_ALIGN, 0), ==, 0xa2);
    store_ok(fc, VA_RW + 0x14, 0xcafe, MO_16 | MO_ALIGN, 0);
    fake_cpu_free(fc);
}

static void test_page_crossing(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    uint64_t v;

    /* VA_X1 and VA_X2 are adjacent virtually but far apart physically. */
    memcpy(ram(fc, 0x80010ffd), "\x11\x22\x33", 3);
    memcpy(ram(fc, 0x80020000), "\x44\x55\xe6\x77\x88", 5);
    g_assert_cmphex(load_ok(fc, VA_X1 + 0xffd, MO_64, 0), ==, 0x8877e65544332211ull);
    g_assert_cmpuint(fc->fills, ==, 2);
    g_assert_cmphex(entry(fc, 0, VA_X1)->addr_read, ==, VA_X1);
    g_assert_cmphex(entry(fc, 0, VA_X2)->addr_read, ==, VA_X2);
    g_assert_cmphex(load_ok(fc, VA_X1 + 0xfff, MO_16 | MO_SIGN, 0), ==, 0x4433);
    g_assert_cmphex(load_ok(fc, VA_X1 + 0xffe, MO_32 | MO_SIGN, 0), ==, 0x55443322);
    g_assert_cmphex(load_ok(fc, VA_X1 + 0xffd, MO_32 | MO_SIGN, 0), ==, 0x44332211);
    g_assert_cmphex(load_ok(fc, VA_X1 + 0xfff, MO_32 | MO_SIGN, 0), ==, 0xffffffffe6554433ull);
    g_assert_cmpuint(fc->fills, ==, 2);

    store_ok(fc, VA_X1 + 0xffa, 0x0102030405060708ull, MO_64, 0);
    static const uint8_t lo[6] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03};
    static const uint8_t hi[3] = {0x02, 0x01, 0xe6};
    g_assert_cmpmem(ram(fc, 0x80010ffa), 6, lo, 6);
    g_assert_cmpmem(ram(fc, 0x80020000), 3, hi, 3);

    /* The second page faults: the fault names its first byte; nothing is stored. */
    memset(ram(fc, 0x80030ff8), 0xcc, 8);
    g_assert_false(try_load(fc, VA_X3 + 0xffc, MO_64, 0, &v));
    assert_fault(fc, FAULT_PAGE, ACCESS_READ, VA_UNMAPPED);
    g_assert_cmpuint(fc->last_fill.access, ==, ACCESS_READ);
    g_assert_false(try_store(fc, VA_X3 + 0xffc, 0, MO_64, 0)); /* read-only first page */
    assert_fault(fc, FAULT_PAGE, ACCESS_WRITE, VA_X3 + 0xffc);
    g_assert_false(try_store(fc, VA_X2 + 0xffe, 0xaabbccdd, MO_32, 0)); /* read-only 2nd page */
    assert_fault(fc, FAULT_PAGE, ACCESS_WRITE, VA_X3);
    g_assert_cmphex(ram(fc, 0x80020ffe)[0], ==, 0);
    g_assert_cmphex(ram(fc, 0x80020fff)[0], ==, 0);
    g_assert_false(try_store(fc, VA_X2 + 0xffb, ~0ull, MO_64, 1)); /* in a fresh mode */
    assert_fault(fc, FAULT_PAGE, ACCESS_WRITE, VA_X3);
    g_assert_cmpuint(fc->last_fill.mmu_idx, ==, 1);
    static const uint8_t untouched[8] = {0};
    g_assert_cmpmem(ram(fc, 0x80020ff8), 8, untouched, 8);

    /* Crossing from a page into the one after the top wraps to page 0: unmapped. */
    g_assert_false(try_load(fc, VA_TOP + 0xffe, MO_32, 0, &v));
    assert_fault(fc, FAULT_PAGE, ACCESS_READ, 0);
    fake_cpu_free(fc);
}

/* ---- devices ---- */

static void test_mmio(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    struct fake_dev *d = &fc->dev;

    g_assert_cmphex(load_ok(fc, VA_MMIO + 0x10, MO_32, 0), ==, 0x93929190);
    g_assert_cmpuint(d->calls, ==, 1);
    g_assert_false(d->log[0].is_write);
    g_assert_cmphex(d->log[0].offset, ==, 0x10);
    g_assert_cmpuint(d->log[0].size, ==, 4);
    g_assert_cmphex(load_ok(fc, VA_MMIO + 0x10, MO_8 | MO_SIGN, 0), ==, 0xffffffffffffff90ull);
    g_assert_cmphex(load_ok(fc, VA_MMIO + 0x90, MO_16 | MO_SIGN, 0), ==, 0x1110);
    g_assert_cmphex(load_ok(fc, VA_MMIO + 0x20, MO_64, 0), ==, 0xa7a6a5a4a3a2a1a0ull);
    g_assert_cmpuint(d->log[3].size, ==, 8);
    g_assert_cmpuint(d->calls, ==, 4);

    store_ok(fc, VA_MMIO + 0x40, 0x1234beefull, MO_16, 0);
    g_assert_cmpuint(d->calls, ==, 5);
    g_assert_true(d->log[4].is_write);
    g_assert_cmphex(d->log[4].offset, ==, 0x40);
    g_assert_cmpuint(d->log[4].size, ==, 2);
    g_assert_cmphex(d->log[4].data, ==, 0xbeef);
    store_ok(fc, VA_MMIO2 + 0x8, 0x0123456789abcdefull, MO_64, 0);
    g_assert_cmphex(d->log[5].offset, ==, 0x1008);
    g_assert_cmphex(d->log[5].data, ==, 0x0123456789abcdefull);
    g_assert_cmpuint(fc->fills, ==, 2); /* one per page */

    /* Across the two device pages: byte accesses, each to the right offset. */
    unsigned calls = d->calls;
    g_assert_cmphex(load_ok(fc, VA_MMIO + 0xffe, MO_32, 0), ==, 0x81807f7e);
    g_assert_cmpuint(d->calls, ==, calls + 4);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(d->log[calls + i].offset, ==, 0xffe + i);
        g_assert_cmpuint(d->log[calls + i].size, ==, 1);
    }
    calls = d->calls;
    store_ok(fc, VA_MMIO + 0xfff, 0xa0b1, MO_16, 0);
    g_assert_cmpuint(d->calls, ==, calls + 2);
    g_assert_cmphex(d->log[calls].offset, ==, 0xfff);
    g_assert_cmphex(d->log[calls].data, ==, 0xb1);
    g_assert_cmphex(d->log[calls + 1].offset, ==, 0x1000);
    g_assert_cmphex(d->log[calls + 1].data, ==, 0xa0);

    /* No host pointer for a device. */
    void *host = (void *)1;
    g_assert_true(try_probe(fc, VA_MMIO, 4, ACCESS_READ, &host));
    g_assert_null(host);
    g_assert_cmpuint(d->calls, ==, calls + 2);
    fake_cpu_free(fc);
}

static void test_unclaimed(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    uint64_t v, paddr;

    g_assert_false(try_load(fc, VA_HOLE + 0x18, MO_64, 0, &v));
    assert_fault(fc, FAULT_ACCESS, ACCESS_READ, VA_HOLE + 0x18);
    g_assert_cmphex(fc->fault.retaddr, ==, TEST_RA);
    g_assert_false(try_store(fc, VA_HOLE + 4, 0, MO_32, 0));
    assert_fault(fc, FAULT_ACCESS, ACCESS_WRITE, VA_HOLE + 4);
    g_assert_false(try_fetch(fc, VA_HOLE, 0, &paddr));
    assert_fault(fc, FAULT_ACCESS, ACCESS_FETCH, VA_HOLE);

    /* A page only partly claimed: inside the device works, past it or straddling faults. */
    g_assert_cmphex(load_ok(fc, VA_SMALL + 0xfc, MO_32, 0), ==, 0x7f7e7d7c);
    g_assert_cmpuint(fc->small.calls, ==, 1);
    g_assert_false(try_load(fc, VA_SMALL + 0xfe, MO_32, 0, &v));
    assert_fault(fc, FAULT_ACCESS, ACCESS_READ, VA_SMALL + 0xfe);
    g_assert_false(try_store(fc, VA_SMALL + 0x800, 1, MO_8, 0));
    assert_fault(fc, FAULT_ACCESS, ACCESS_WRITE, VA_SMALL + 0x800);
    g_assert_cmpuint(fc->small.calls, ==, 1);
    g_assert_cmpuint(fc->dev.calls, ==, 0);

    /* Devices are not executable, even on a page the walk marks X. */
    g_assert_false(try_fetch(fc, VA_MMIO + 0x40, 0, &paddr));
    assert_fault(fc, FAULT_ACCESS, ACCESS_FETCH, VA_MMIO + 0x40);
    g_assert_cmpuint(fc->dev.calls, ==, 0);
    fake_cpu_free(fc);
}

/* ---- tcg_probe_access ---- */

static void test_probe_access(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    void *host = NULL;

    g_assert_true(try_probe(fc, VA_RW + 0x40, 8, ACCESS_READ, &host));
    g_assert_true(host == gpa_to_host(&fc->mem, PA_RW + 0x40, 8));
    g_assert_true(try_probe(fc, VA_RO + 0x40, 8, ACCESS_READ, &host));
    g_assert_true(host == gpa_to_host(&fc->mem, 0x80001040, 8));
    g_assert_true(try_probe(fc, VA_RW + 0xff8, 8, ACCESS_WRITE, &host));
    g_assert_true(host == gpa_to_host(&fc->mem, PA_RW + 0xff8, 8));
    g_assert_cmpuint(fc->fills, ==, 2);

    /* Crossing a page: no single host pointer. */
    g_assert_true(try_probe(fc, VA_X1 + 0xffc, 8, ACCESS_READ, &host));
    g_assert_null(host);

    g_assert_false(try_probe(fc, VA_RO + 0x40, 8, ACCESS_WRITE, &host));
    assert_fault(fc, FAULT_PAGE, ACCESS_WRITE, VA_RO + 0x40);
    g_assert_false(fc->last_fill.probe); /* a probe of a page still raises its fault */
    g_assert_false(try_probe(fc, VA_UNMAPPED, 4, ACCESS_READ, &host));
    assert_fault(fc, FAULT_PAGE, ACCESS_READ, VA_UNMAPPED);
    fake_cpu_free(fc);
}

/* ---- code fetch for the translator ---- */

static void test_code_read(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    uint16_t hw = 0;

    ram(fc, 0x80002ffe)[0] = 0x34;
    ram(fc, 0x80002ffe)[1] = 0x12;
    g_assert_cmpint(try_code_read16(fc, VA_RX + 0xffe, true, &hw), ==, 1);
    g_assert_cmphex(hw, ==, 0x1234);
    g_assert_cmpint(fc->last_fill.access, ==, ACCESS_FETCH);
    g_assert_true(fc->last_fill.probe);

    /* Later in a block a fault only ends the block; the first instruction raises it. */
    g_assert_cmpint(try_code_read16(fc, VA_RW, false, &hw), ==, 0);
    g_assert_cmpuint(fc->nb_faults, ==, 0);
    g_assert_true(fc->last_fill.probe);
    g_assert_cmpint(try_code_read16(fc, VA_RW + 2, true, &hw), ==, -1);
    assert_fault(fc, FAULT_PAGE, ACCESS_FETCH, VA_RW + 2);
    g_assert_cmpint(try_code_read16(fc, VA_MMIO, false, &hw), ==, 0);
    g_assert_cmpuint(fc->nb_faults, ==, 0);
    g_assert_cmpint(try_code_read16(fc, VA_MMIO + 6, true, &hw), ==, -1);
    assert_fault(fc, FAULT_ACCESS, ACCESS_FETCH, VA_MMIO + 6);
    g_assert_cmpuint(fc->dev.calls, ==, 0);
    fake_cpu_free(fc);
}

/* ---- pages holding translated code ---- */

static void put16(struct fake_cpu *fc, uint64_t paddr, uint16_t v)
{
    memcpy(ram(fc, paddr), &v, 2);
}

static void assert_notdirty(struct fake_cpu *fc, unsigned mmu, uint64_t vpage, bool protect)
{
    const struct tlb_entry *e = entry(fc, mmu, vpage);

    g_assert_cmphex(e->addr_write, ==, vpage | (protect ? TLB_NOTDIRTY : 0));
    g_assert_cmphex(e->addr_read, ==, vpage); /* reads and fetches stay on the fast path */
    /* A protected page's stores must leave the inline path. */
    g_assert_true(inline_hit(e->addr_write, vpage, MO_8) == !protect);
}

static void test_code_page_protection(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    put16(fc, PA_CODE, FAKE_END);
    /* Data entries for the page exist before any code does. */
    load_ok(fc, VA_CODE, MO_8, 0);
    load_ok(fc, VA_CODE_ALIAS, MO_8, 1);
    load_ok(fc, VA_CODE_RO, MO_8, 0);
    load_ok(fc, VA_DATA, MO_8, 0);
    assert_notdirty(fc, 0, VA_CODE, false);

    struct tb *tb = try_tb_find(fc, VA_CODE);
    g_assert_nonnull(tb);
    g_assert_cmpuint(fc->translations, ==, 1);
    g_assert_cmphex(tb->phys_pc, ==, PA_CODE);
    g_assert_cmpuint(tb->size, ==, 2);
    g_assert_true(tb_page_has_code(PA_CODE));
    g_assert_false(tb_page_has_code(0x80043000));
    g_assert_true(fc->tcg.jmp_cache[tb_jmp_cache_hash(VA_CODE, TCG_JMP_CACHE_BITS)] == tb);

    /* Every writable mapping of the page, in every mode, is now write-protected. */
    assert_notdirty(fc, 0, VA_CODE, true);
    assert_notdirty(fc, 1, VA_CODE_ALIAS, true);
    g_assert_cmphex(entry(fc, 0, VA_CODE)->addr_code, ==, VA_CODE);
    g_assert_cmphex(entry(fc, 0, VA_CODE_RO)->addr_write, ==, UINT64_MAX); /* no W to guard */
    assert_notdirty(fc, 0, VA_DATA, false);
    /* A mapping filled afterwards is protected as it is installed. */
    load_ok(fc, VA_CODE_ALIAS, MO_8, 2);
    assert_notdirty(fc, 2, VA_CODE_ALIAS, true);

    /* Stores elsewhere leave the block alone. */
    store_ok(fc, VA_DATA, 0xffff, MO_16, 0);
    g_assert_false(tb->invalid);

    /* A store to the page takes the slow path, drops the block and unprotects the page. */
    unsigned fills = fc->fills;
    store_ok(fc, VA_CODE + 0x10, 0xdeadbeef, MO_32, 0);
    g_assert_cmpuint(fc->fills, ==, fills);
    g_assert_cmphex(*(uint32_t *)(void *)ram(fc, PA_CODE + 0x10), ==, 0xdeadbeef);
    g_assert_true(tb->invalid);
    g_assert_false(tb_page_has_code(PA_CODE));
    assert_notdirty(fc, 0, VA_CODE, false);
    assert_notdirty(fc, 1, VA_CODE_ALIAS, false);
    assert_notdirty(fc, 2, VA_CODE_ALIAS, false);
    /* Unprotecting gives no write permission to a read-only mapping of the page. */
    g_assert_true(entry(fc, 0, VA_CODE_RO)->addr_write & TLB_INVALID);
    g_assert_false(try_store(fc, VA_CODE_RO, 0, MO_8, 0));
    assert_fault(fc, FAULT_PAGE, ACCESS_WRITE, VA_CODE_RO);

    /* The block is translated afresh; a write through tcg_probe_access drops it too. */
    struct tb *tb2 = try_tb_find(fc, VA_CODE);
    g_assert_nonnull(tb2);
    g_assert_true(tb2 != tb);
    g_assert_cmpuint(fc->translations, ==, 2);
    assert_notdirty(fc, 1, VA_CODE_ALIAS, true);
    void *host = NULL;
    g_assert_true(try_probe(fc, VA_CODE_ALIAS + 8, 8, ACCESS_WRITE, &host));
    g_assert_true(host == gpa_to_host(&fc->mem, PA_CODE + 8, 8));
    g_assert_true(tb2->invalid);
    g_assert_false(tb_page_has_code(PA_CODE));
    assert_notdirty(fc, 0, VA_CODE, false);

    /* A read probe does not. */
    tb2 = try_tb_find(fc, VA_CODE);
    g_assert_nonnull(tb2);
    g_assert_true(try_probe(fc, VA_CODE, 2, ACCESS_READ, &host));
    g_assert_false(tb2->invalid);
    g_assert_true(tb_page_has_code(PA_CODE));
    fake_cpu_free(fc);
}

static void test_code_two_pages(void)
{
    struct fake_cpu *fc = fake_cpu_new();

    /* A 4-byte first instruction straddling VA_CODE and VA_CODE2. */
    put16(fc, PA_CODE + 0xffe, FAKE_LONG);
    put16(fc, PA_CODE2, 0x0000);
    put16(fc, PA_CODE2 + 2, FAKE_END);
    struct tb *tb = try_tb_find(fc, VA_CODE + 0xffe);
    g_assert_nonnull(tb);
    g_assert_cmphex(tb->page2, ==, PA_CODE2);
    g_assert_true(tb_page_has_code(PA_CODE));
    g_assert_true(tb_page_has_code(PA_CODE2));
    load_ok(fc, VA_CODE2, MO_8, 0);
    assert_notdirty(fc, 0, VA_CODE2, true);
    /* A store to the second page drops the block from both pages. */
    store_ok(fc, VA_CODE2 + 0x800, 1, MO_8, 0);
    g_assert_true(tb->invalid);
    g_assert_false(tb_page_has_code(PA_CODE));
    g_assert_false(tb_page_has_code(PA_CODE2));

    /* Two instructions, then the next page is unmapped: the block ends without a fault. */
    put16(fc, PA_CODE2 + 0xffc, 0x0000);
    put16(fc, PA_CODE2 + 0xffe, 0x0000);
    unsigned fills = fc->fills;
    tb = try_tb_find(fc, VA_CODE2 + 0xffc);
    g_assert_nonnull(tb);
    g_assert_cmpuint(fc->nb_faults, ==, 0);
    g_assert_cmpuint(tb->size, ==, 4);
    g_assert_cmphex(tb->page2, ==, UINT64_MAX);
    g_assert_cmpuint(fc->fills, >, fills);
    g_assert_cmphex(fc->last_fill.vaddr, ==, VA_NOCODE);
    g_assert_true(fc->last_fill.probe);

    /* The first instruction's second half faults: raised, and the cache lock given back. */
    put16(fc, PA_CODE2 + 0xffe, FAKE_LONG);
    tlb_flush(&fc->tcg); /* forget the jump cache's block at this pc */
    unsigned translations = fc->translations;
    g_assert_null(try_tb_find(fc, VA_CODE2 + 0xffe));
    assert_fault(fc, FAULT_PAGE, ACCESS_FETCH, VA_NOCODE);
    g_assert_cmpuint(fc->translations, ==, translations + 1);
    g_assert_null(fc->tcg.translating);
    put16(fc, PA_CODE, FAKE_END);
    g_assert_nonnull(try_tb_find(fc, VA_CODE)); /* takes the lock again */

    /* A block starting on an unmapped page faults before translation. */
    translations = fc->translations;
    g_assert_null(try_tb_find(fc, VA_NOCODE));
    assert_fault(fc, FAULT_PAGE, ACCESS_FETCH, VA_NOCODE);
    g_assert_null(try_tb_find(fc, VA_MMIO));
    assert_fault(fc, FAULT_ACCESS, ACCESS_FETCH, VA_MMIO);
    g_assert_cmpuint(fc->translations, ==, translations);
    fake_cpu_free(fc);
}

/* ---- physical access for page walks ---- */

static void test_phys(void)
{
    struct fake_cpu *fc = fake_cpu_new();
    uint64_t v = 0;

    memcpy(ram(fc, 0x80000ff8), "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, 0x80000ff8, &v), ==, 0);
    g_assert_cmphex(v, ==, 0x0807060504030201ull);
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, RAM1_BASE + RAM1_SIZE - 8, &v), ==, 0);
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, RAM0_BASE + RAM0_SIZE, &v), ==, -1);
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, RAM0_BASE + RAM0_SIZE - 4, &v), ==, -1);
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, DEV_BASE, &v), ==, -1); /* devices are not RAM */
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, UINT64_MAX - 3, &v), ==, -1);
    g_assert_cmpuint(fc->dev.calls, ==, 0);

    g_assert_true(tcg_phys_cmpxchg64(&fc->tcg, 0x80000ff8, 0x0807060504030201ull, 0x42));
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, 0x80000ff8, &v), ==, 0);
    g_assert_cmphex(v, ==, 0x42);
    g_assert_false(tcg_phys_cmpxchg64(&fc->tcg, 0x80000ff8, 0x41, 0x99)); /* stale value */
    g_assert_cmpint(tcg_phys_read64(&fc->tcg, 0x80000ff8, &v), ==, 0);
    g_assert_cmphex(v, ==, 0x42);
    g_assert_false(tcg_phys_cmpxchg64(&fc->tcg, 0x80000ffc, 0, 1));            /* misaligned */
    g_assert_false(tcg_phys_cmpxchg64(&fc->tcg, RAM0_BASE + RAM0_SIZE, 0, 1)); /* hole */
    g_assert_false(tcg_phys_cmpxchg64(&fc->tcg, DEV_BASE, 0, 1));
    g_assert_cmpuint(fc->dev.calls, ==, 0);
    fake_cpu_free(fc);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* The code cache is process-wide; a small one is plenty for these blocks. */
    g_assert_cmpint(tcg_tb_init(&fake_frontend, 4u << 20), ==, 0);
    g_test_add_func("/tcg_tlb/fill_then_hit", test_fill_then_hit);
    g_test_add_func("/tcg_tlb/mmu_modes", test_mmu_modes);
    g_test_add_func("/tcg_tlb/prot", test_prot);
    g_test_add_func("/tcg_tlb/flush", test_flush);
    g_test_add_func("/tcg_tlb/flush_page", test_flush_page);
    g_test_add_func("/tcg_tlb/flush_nonglobal", test_flush_nonglobal);
    g_test_add_func("/tcg_tlb/flush_superpage", test_flush_superpage);
    g_test_add_func("/tcg_tlb/entry_invariants", test_entry_invariants);
    g_test_add_func("/tcg_tlb/load_sizes", test_load_sizes);
    g_test_add_func("/tcg_tlb/misaligned", test_misaligned);
    g_test_add_func("/tcg_tlb/page_crossing", test_page_crossing);
    g_test_add_func("/tcg_tlb/mmio", test_mmio);
    g_test_add_func("/tcg_tlb/unclaimed", test_unclaimed);
    g_test_add_func("/tcg_tlb/probe_access", test_probe_access);
    g_test_add_func("/tcg_tlb/code_read", test_code_read);
    g_test_add_func("/tcg_tlb/code_page_protection", test_code_page_protection);
    g_test_add_func("/tcg_tlb/code_two_pages", test_code_two_pages);
    g_test_add_func("/tcg_tlb/phys", test_phys);
    return g_test_run();
}
