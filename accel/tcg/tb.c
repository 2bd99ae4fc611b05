/*
 * Translation blocks and the code cache: lookup by (physical pc, virtual pc, flags) through
 * a per-vCPU jump cache and a global hash, chaining with recorded incoming edges, and
 * invalidation by physical page for self-modifying code. A full cache is flushed whole.
 */
#include "accel/tcg/tb.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/internal.h"
#include "accel/tcg/ir.h"
#include "accel/tcg/tcg_cpu.h"
#include "core/log.h"

#define TB_DEFAULT_CACHE (256u << 20)
#define TB_HASH_BITS 16
#define TB_MAX_INSNS 512
#define TB_CODE_ALIGN 16
#define TB_MAX_CPUS 64

struct code_cache {
    pthread_mutex_t lock;
    uint8_t *base;
    size_t size;
    uint8_t *code_start; /* after the prologue */
    uint8_t *ptr;
    struct tb *tbs;      /* allocated in code order, so host pc -> block is a binary search */
    unsigned nb_tbs, max_tbs;
    struct tb *hash[1u << TB_HASH_BITS];
    GHashTable *pages;   /* physical page -> first block on it */
    struct tcg_ctx ctx;
    struct tcg_layout layout;
    const struct tcg_frontend *fe;
    struct tcg_cpu *cpus[TB_MAX_CPUS];
    unsigned nb_cpus;
    uint64_t flushes;
};

static struct code_cache cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* -perfmap: /tmp/perf-PID.map names each block's code for perf(1), as QEMU's -perfmap does. */
static FILE *perf_map;

void tb_enable_perf_map(void)
{
    char path[64];

    snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
    perf_map = fopen(path, "w");
    if (!perf_map)
        log_error("-perfmap: cannot write %s", path);
}

static void tb_perf_map_add(const struct tb *tb)
{
    if (perf_map) {
        fprintf(perf_map, "%" PRIxPTR " %x guest-0x%" PRIx64 "\n", (uintptr_t)tb->code,
                tb->code_size, tb->pc);
        fflush(perf_map);
    }
}

/* ---- layout and start-up ---- */

static void tb_init_layout(const struct tcg_frontend *fe)
{
    int32_t base = (int32_t)fe->tcg_cpu_offset;

    cache.layout = (struct tcg_layout){
        .exit_request = base + (int32_t)offsetof(struct tcg_cpu, exit_request),
        .tlb = base + (int32_t)offsetof(struct tcg_cpu, tlb),
        .tlb_bits = TCG_TLB_BITS,
        .page_bits = fe->page_bits,
        .jmp_cache = base + (int32_t)offsetof(struct tcg_cpu, jmp_cache),
        .jmp_cache_bits = TCG_JMP_CACHE_BITS,
        .tb_pc = (int32_t)offsetof(struct tb, pc),
        .tb_flags = (int32_t)offsetof(struct tb, flags),
        .tb_code = (int32_t)offsetof(struct tb, code),
        .load_slow = (void *)tcg_load_slow,
        .store_slow = (void *)tcg_store_slow,
    };
}

int tcg_tb_init(const struct tcg_frontend *fe, size_t size)
{
    if (cache.base)
        return 0;
    cache.fe = fe;
    tcg_cpu_offset_in_env = fe->tcg_cpu_offset;
    cache.size = size ? size : TB_DEFAULT_CACHE;
    cache.base = mmap(NULL, cache.size, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (cache.base == MAP_FAILED) {
        cache.base = NULL;
        return -errno;
    }
    /* A block needs at least a few hundred bytes of code, so this bounds the count. */
    cache.max_tbs = (unsigned)(cache.size / 256);
    cache.tbs = calloc(cache.max_tbs, sizeof(*cache.tbs));
    cache.pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    if (!cache.tbs)
        return -ENOMEM;
    tcg_ctx_init(&cache.ctx);
    cache.ctx.env = tcg_global_fixed_new(&cache.ctx, TCG_I64, RBP_ENV_REG, "env");
    fe->init_globals(&cache.ctx);
    tb_init_layout(fe);
    size_t n = tcg_backend_gen_prologue(&cache.layout, &cache.ctx, cache.base, 4096);
    if (!n)
        return -ENOSPC;
    cache.code_start = cache.ptr =
        cache.base + ((n + TB_CODE_ALIGN - 1) & ~(size_t)(TB_CODE_ALIGN - 1));
    return 0;
}

void tb_register_cpu(struct tcg_cpu *cpu)
{
    pthread_mutex_lock(&cache.lock);
    if (cache.nb_cpus < TB_MAX_CPUS)
        cache.cpus[cache.nb_cpus++] = cpu;
    pthread_mutex_unlock(&cache.lock);
}

void tb_unregister_cpu(struct tcg_cpu *cpu)
{
    pthread_mutex_lock(&cache.lock);
    for (unsigned i = 0; i < cache.nb_cpus; i++) {
        if (cache.cpus[i] == cpu) {
            cache.cpus[i] = cache.cpus[--cache.nb_cpus];
            break;
        }
    }
    pthread_mutex_unlock(&cache.lock);
}

const struct tcg_layout *tcg_layout(void)
{
    return &cache.layout;
}

/* ---- hashing and page lists ---- */

static unsigned tb_hash(uint64_t phys_pc, uint64_t pc, uint64_t flags)
{
    uint64_t h = phys_pc * 0x9e3779b97f4a7c15ull ^ pc * 0xc2b2ae3d27d4eb4full ^ flags;
    return (unsigned)((h ^ (h >> 29)) >> (64 - TB_HASH_BITS)) & ((1u << TB_HASH_BITS) - 1);
}

static uint64_t page_of(uint64_t addr)
{
    return addr & ~(((uint64_t)1 << cache.fe->page_bits) - 1);
}

static struct tb *page_first(uint64_t page)
{
    return g_hash_table_lookup(cache.pages, &page);
}

static void page_set_first(uint64_t page, struct tb *tb)
{
    if (tb) {
        /* On an existing page, insert keeps the stored key and frees this one. */
        uint64_t *key = g_new(uint64_t, 1);
        *key = page;
        g_hash_table_insert(cache.pages, key, tb);
    } else {
        g_hash_table_remove(cache.pages, &page);
    }
}

/* Which of the block's pages page is (0 or 1). */
static unsigned tb_page_index(const struct tb *tb, uint64_t page)
{
    return page_of(tb->phys_pc) == page ? 0 : 1;
}

static void page_add_tb(uint64_t page, struct tb *tb)
{
    bool first_code = page_first(page) == NULL;

    tb->page_next[tb_page_index(tb, page)] = page_first(page);
    page_set_first(page, tb);
    if (first_code)
        for (unsigned i = 0; i < cache.nb_cpus; i++)
            tlb_protect_code_page(cache.cpus[i], page);
}

static void page_remove_tb(uint64_t page, struct tb *tb)
{
    struct tb **pp = NULL, *cur = page_first(page);

    if (cur == tb) {
        page_set_first(page, tb->page_next[tb_page_index(tb, page)]);
        return;
    }
    while (cur) {
        pp = &cur->page_next[tb_page_index(cur, page)];
        if (*pp == tb) {
            *pp = tb->page_next[tb_page_index(tb, page)];
            return;
        }
        cur = *pp;
    }
}

bool tb_page_has_code(uint64_t paddr_page)
{
    return page_first(paddr_page) != NULL;
}

/* ---- chaining ---- */

void tb_add_jump(struct tb *from, unsigned n, struct tb *to)
{
    pthread_mutex_lock(&cache.lock);
    if (!from->invalid && !to->invalid && from->jmp_field[n] >= 0 && !from->jmp_dest[n]) {
        tcg_backend_patch_jump(from->code, from->jmp_field[n], to->code);
        from->jmp_dest[n] = to;
        from->jmp_next[n] = to->jmp_incoming;
        to->jmp_incoming = (uintptr_t)from | n;
    }
    pthread_mutex_unlock(&cache.lock);
}

/* Removes edge (from, n) from its target's incoming list and points the jump back home. */
static void tb_reset_jump(struct tb *from, unsigned n)
{
    struct tb *to = from->jmp_dest[n];
    uintptr_t *pp = &to->jmp_incoming;
    uintptr_t me = (uintptr_t)from | n;

    while (*pp && *pp != me) {
        struct tb *t = (struct tb *)(*pp & ~(uintptr_t)1);
        pp = &t->jmp_next[*pp & 1];
    }
    if (*pp)
        *pp = from->jmp_next[n];
    tcg_backend_patch_jump(from->code, from->jmp_field[n],
                           (uint8_t *)from->code + from->jmp_reset[n]);
    from->jmp_dest[n] = NULL;
}

static void tb_unchain(struct tb *tb)
{
    /* Incoming: every block jumping here goes back to its exit path. */
    while (tb->jmp_incoming) {
        struct tb *from = (struct tb *)(tb->jmp_incoming & ~(uintptr_t)1);
        tb_reset_jump(from, tb->jmp_incoming & 1);
    }
    for (unsigned n = 0; n < 2; n++)
        if (tb->jmp_dest[n])
            tb_reset_jump(tb, n);
}

/* ---- invalidation and flush ---- */

static void tb_remove_from_hash(struct tb *tb)
{
    struct tb **pp = &cache.hash[tb_hash(tb->phys_pc, tb->pc, tb->flags)];

    while (*pp && *pp != tb)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = tb->hash_next;
}

static void tb_invalidate(struct tb *tb)
{
    tb->invalid = true;
    tb_remove_from_hash(tb);
    tb_unchain(tb);
    page_remove_tb(page_of(tb->phys_pc), tb);
    if (tb->page2 != UINT64_MAX)
        page_remove_tb(tb->page2, tb);
    unsigned idx = tb_jmp_cache_hash(tb->pc, TCG_JMP_CACHE_BITS);
    for (unsigned i = 0; i < cache.nb_cpus; i++)
        if (cache.cpus[i]->jmp_cache[idx] == tb)
            __atomic_store_n(&cache.cpus[i]->jmp_cache[idx], NULL, __ATOMIC_RELAXED);
}

bool tb_invalidate_phys_page(uint64_t paddr_page)
{
    bool any = false;

    pthread_mutex_lock(&cache.lock);
    for (struct tb *tb; (tb = page_first(paddr_page));) {
        tb_invalidate(tb);
        any = true;
    }
    pthread_mutex_unlock(&cache.lock);
    return any;
}

static void tb_flush_locked(void)
{
    for (unsigned i = 0; i < cache.nb_tbs; i++) {
        free(cache.tbs[i].insn_end);
        free(cache.tbs[i].insn_pc);
    }
    memset(cache.tbs, 0, cache.nb_tbs * sizeof(*cache.tbs));
    cache.nb_tbs = 0;
    cache.ptr = cache.code_start;
    memset(cache.hash, 0, sizeof(cache.hash));
    g_hash_table_remove_all(cache.pages);
    for (unsigned i = 0; i < cache.nb_cpus; i++) {
        memset(cache.cpus[i]->jmp_cache, 0, sizeof(cache.cpus[i]->jmp_cache));
        tlb_flush(cache.cpus[i]); /* drops code-page write protection with the rest */
    }
    cache.flushes++;
}

void tb_flush(void)
{
    pthread_mutex_lock(&cache.lock);
    tb_flush_locked();
    pthread_mutex_unlock(&cache.lock);
}

struct tb *tb_for_host_pc(uintptr_t pc)
{
    unsigned lo = 0, hi = cache.nb_tbs;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        struct tb *tb = &cache.tbs[mid];
        uintptr_t start = (uintptr_t)tb->code;
        if (pc < start)
            hi = mid;
        else if (pc >= start + tb->code_size)
            lo = mid + 1;
        else
            return tb;
    }
    return NULL;
}

/* ---- translation ---- */

static void tb_log_block(struct tcg_ctx *s, bool optimized, uint64_t pc)
{
    log_debug("%s %016" PRIx64 ":\n", optimized ? "OP after optimization" : "OP", pc);
    tcg_dump_ops(s, log_stream());
    log_debug("\n");
}

/* Translates and generates one block; the cache lock is held. NULL when it must retry. */
static struct tb *tb_gen_code_locked(struct tcg_cpu *cpu, uint64_t pc, uint64_t phys_pc,
                                     uint64_t flags, unsigned max_insns)
{
    struct tcg_ctx *s = &cache.ctx;
    struct tcg_gen_result res;
    char *listing = NULL;

    if (cache.nb_tbs == cache.max_tbs)
        return NULL;
    struct tb *tb = &cache.tbs[cache.nb_tbs];
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->flags = flags;
    tb->phys_pc = phys_pc;
    tb->page2 = UINT64_MAX;
    tcg_func_start(s);
    cpu->translating = tb;
    cpu->fe->translate(cpu, s, tb, max_insns);
    cpu->translating = NULL;
    if (s->overflow)
        return tb_gen_code_locked(cpu, pc, phys_pc, flags, max_insns > 2 ? max_insns / 2 : 1);
    if (log_enabled(LOG_OP))
        tb_log_block(s, false, pc);
    tcg_optimize(s);
    tcg_liveness(s);
    if (log_enabled(LOG_OP_OPT))
        tb_log_block(s, true, pc);
    size_t room = (size_t)(cache.base + cache.size - cache.ptr);
    int ret = tcg_backend_gen(s, &cache.layout, cache.ptr, room, (uintptr_t)tb, &res,
                              log_enabled(LOG_OUT_ASM) ? &listing : NULL);
    if (ret == -ENOSPC) {
        free(res.insn_end);
        free(res.insn_pc);
        free(listing);
        return NULL;
    }
    if (ret < 0) {
        log_error("TCG: code generation failed for the block at 0x%" PRIx64
                  " (a translator or backend bug)", pc);
        abort();
    }
    tb->code = cache.ptr;
    tb->code_size = res.code_size;
    memcpy(tb->jmp_field, res.jmp_field, sizeof(tb->jmp_field));
    memcpy(tb->jmp_reset, res.jmp_reset, sizeof(tb->jmp_reset));
    tb->nb_insns = res.nb_insns;
    tb->insn_end = res.insn_end;
    tb->insn_pc = res.insn_pc;
    if (listing) {
        log_debug("OUT: [size=%u] block 0x%" PRIx64 "\n%s\n", res.code_size, pc, listing);
        free(listing);
    }
    cache.ptr += (res.code_size + TB_CODE_ALIGN - 1) & ~(size_t)(TB_CODE_ALIGN - 1);
    cache.nb_tbs++;
    tb_perf_map_add(tb);
    unsigned h = tb_hash(phys_pc, pc, flags);
    tb->hash_next = cache.hash[h];
    cache.hash[h] = tb;
    page_add_tb(page_of(phys_pc), tb);
    if (tb->page2 != UINT64_MAX)
        page_add_tb(tb->page2, tb);
    return tb;
}

static struct tb *tb_gen_code(struct tcg_cpu *cpu, uint64_t pc, uint64_t phys_pc, uint64_t flags)
{
    unsigned max = cpu->one_insn_per_tb ? 1 : TB_MAX_INSNS;

    pthread_mutex_lock(&cache.lock);
    struct tb *tb = tb_gen_code_locked(cpu, pc, phys_pc, flags, max);
    if (!tb) { /* the cache is full: start over with an empty one */
        if (log_enabled(LOG_TB_FLUSH))
            log_debug("TCG: the code cache (%zu MiB, %u blocks) is full: flushed it whole "
                      "(flush %" PRIu64 ")\n", cache.size >> 20, cache.nb_tbs,
                      cache.flushes + 1);
        tb_flush_locked();
        tb = tb_gen_code_locked(cpu, pc, phys_pc, flags, max);
    }
    pthread_mutex_unlock(&cache.lock);
    if (!tb) {
        log_error("TCG: a single block does not fit in the code cache");
        abort();
    }
    return tb;
}

/* Called by code fetch when a later instruction of the block faults: give the lock back. */
void tb_abort_translation(struct tcg_cpu *cpu)
{
    if (cpu->translating) {
        cpu->translating = NULL;
        pthread_mutex_unlock(&cache.lock);
    }
}

void tb_note_second_page(struct tcg_cpu *cpu, uint64_t paddr_page)
{
    struct tb *tb = cpu->translating;

    if (tb && page_of(tb->phys_pc) != paddr_page)
        tb->page2 = paddr_page;
}

static struct tb *tb_hash_lookup(uint64_t phys_pc, uint64_t pc, uint64_t flags)
{
    for (struct tb *tb = cache.hash[tb_hash(phys_pc, pc, flags)]; tb; tb = tb->hash_next)
        if (tb->pc == pc && tb->phys_pc == phys_pc && tb->flags == flags)
            return tb;
    return NULL;
}

struct tb *tb_find(struct tcg_cpu *cpu)
{
    uint64_t pc, flags, phys_pc;
    unsigned fetch_mmu;

    cpu->fe->get_tb_state(cpu, &pc, &flags, &fetch_mmu);
    unsigned idx = tb_jmp_cache_hash(pc, TCG_JMP_CACHE_BITS);
    struct tb *tb = cpu->jmp_cache[idx];
    if (tb && tb->pc == pc && tb->flags == flags && !tb->invalid)
        return tb;
    phys_pc = tcg_translate_fetch(cpu, pc, fetch_mmu);
    pthread_mutex_lock(&cache.lock);
    tb = tb_hash_lookup(phys_pc, pc, flags);
    pthread_mutex_unlock(&cache.lock);
    if (!tb)
        tb = tb_gen_code(cpu, pc, phys_pc, flags);
    cpu->jmp_cache[idx] = tb;
    return tb;
}

void tb_jmp_cache_clear_page(struct tcg_cpu *cpu, uint64_t vaddr)
{
    unsigned off_bits = TB_JMP_OFFSET_BITS(TCG_JMP_CACHE_BITS);
    unsigned first = tb_jmp_cache_hash(vaddr, TCG_JMP_CACHE_BITS) & ~((1u << off_bits) - 1);

    memset(&cpu->jmp_cache[first], 0, sizeof(cpu->jmp_cache[0]) << off_bits);
}

uint64_t tb_flush_count(void)
{
    return cache.flushes;
}
