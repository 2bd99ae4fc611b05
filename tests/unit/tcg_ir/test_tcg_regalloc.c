/*
 * Unit tests for the x86-64 backend (accel/tcg/backend_x86_64.c) by execution: blocks of IR
 * are generated into an executable buffer with the real prologue, entered against a fake
 * CPU structure (exit-request word, 64-bit globals, a TLB over a small guest memory, a jump
 * cache), and what they did is compared with a reference interpreter of the IR. Most of the
 * coverage comes from thousands of random blocks generated from a fixed seed; the rest are
 * directed tests and regressions for bugs the JIT had.
 *
 * KESTREL_TCG_SEED=<n> and KESTREL_TCG_BLOCKS=<n> change the random test's seed and size;
 * KESTREL_TCG_BLOCK=<i> runs only block i of the seed (as printed on a mismatch).
 */
#include <cpuid.h>
#include <glib.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/ir.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tlb.h"

#define I64 TCG_I64
#define I32 TCG_I32

/* ---- the fake CPU structure ---- */

#define NB_GLOBALS 12
#define MEM_BASE 0x10000u /* guest memory: page A at MEM_BASE, page B right after */
#define MEM_SIZE 0x2000u
#define PAGE_A MEM_BASE
#define PAGE_B (MEM_BASE + 0x1000u)
#define PAGE_BITS 12
#define TLB_BITS 6
#define NB_MMU 2
#define JMP_BITS 6
#define SCRATCH_SIZE 64

struct fake_cpu {
    int32_t exit_request;
    uint32_t pad;
    uint64_t g[NB_GLOBALS];
    uint64_t cnt;                  /* the counter of blocks that loop */
    uint8_t scratch[SCRATCH_SIZE]; /* for host loads and stores (ld/st ops) */
    uint64_t acc;                  /* written by helpers that touch no global */
    struct tlb_entry tlb[NB_MMU][1 << TLB_BITS];
    struct tb *jmp_cache[1 << JMP_BITS];
    uint8_t mem[MEM_SIZE];
};

/*
 * The TLB: in mmu 0, page A is fast (RAM) and page B misses; in mmu 1, page A misses and
 * page B is readable inline but written through the slow path (as code pages are).
 */
static void cpu_init_tables(struct fake_cpu *c, const struct fake_cpu *host)
{
    uintptr_t addend = (uintptr_t)host->mem - MEM_BASE;
    unsigned ia = (PAGE_A >> PAGE_BITS) & ((1u << TLB_BITS) - 1);
    unsigned ib = (PAGE_B >> PAGE_BITS) & ((1u << TLB_BITS) - 1);

    for (unsigned m = 0; m < NB_MMU; m++)
        for (unsigned i = 0; i < (1u << TLB_BITS); i++)
            c->tlb[m][i] = (struct tlb_entry){TLB_INVALID, TLB_INVALID, TLB_INVALID, 0};
    c->tlb[0][ia] = (struct tlb_entry){PAGE_A, PAGE_A, PAGE_A, addend};
    c->tlb[1][ib] = (struct tlb_entry){PAGE_B, PAGE_B | TLB_NOTDIRTY, PAGE_B, addend};
}

/* ---- the JIT: one executable buffer, one translation context ---- */

#define CODE_SIZE (2u << 20)
#define PROLOGUE_SIZE 4096u
#define TARGET_OFFSET 4096u /* the block other blocks chain or jump to */
#define BLOCK_OFFSET 16384u /* blocks under test */
#define BLOCK2_OFFSET (CODE_SIZE / 2)
#define BLOCK_ROOM (CODE_SIZE / 2 - BLOCK_OFFSET)

#define TARGET_PC 0x80002000ull
#define TARGET_FLAGS 0x13ull
#define OTHER_PC 0x80004446ull
#define TARGET_EXIT ((uintptr_t)0x5a5a5a50)
#define EXIT_RAISED ((uintptr_t)0xdead0001)
#define EXIT_CRASHED ((uintptr_t)0xdead1000) /* | the signal */

struct jit {
    struct tcg_ctx *s;
    int g[NB_GLOBALS], cnt;
    uint32_t pinned; /* bit i: g[i] pinned; bit NB_GLOBALS: cnt */
    struct tcg_layout layout;
    uint8_t *code;
    struct fake_cpu *cpu; /* the structure generated code runs against */
};

static struct jit J;
static struct tb block_tb, block2_tb, target_tb, other_tb;

/* What the slow paths saw; checked after each run. */
static struct {
    unsigned loads, stores;
    const char *error;
} slow;

static sigjmp_buf raise_point;
static sigjmp_buf crash_point;
static volatile sig_atomic_t in_generated_code;

/* A fault in generated code (or what it calls) becomes a reported, reduced mismatch. */
static void crash_handler(int sig)
{
    if (in_generated_code) {
        in_generated_code = 0;
        siglongjmp(crash_point, sig);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_handler(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    struct sigaction sa = {.sa_handler = crash_handler};

    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < G_N_ELEMENTS(sigs); i++)
        sigaction(sigs[i], &sa, NULL);
}

static void clobber_caller_saved(void)
{
    /* Generated code must not keep anything in these across a call: make sure it would show. */
    __asm__ volatile("movabs $0x5a5a5a5a5a5a5a5a, %%rcx\n\t"
                     "mov %%rcx, %%rdx\n\t"
                     "mov %%rcx, %%rsi\n\t"
                     "mov %%rcx, %%rdi\n\t"
                     "mov %%rcx, %%r8\n\t"
                     "mov %%rcx, %%r9\n\t"
                     "mov %%rcx, %%r10\n\t"
                     "mov %%rcx, %%r11\n\t" ::
                         : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
}

static uint64_t sign_extend(uint64_t v, unsigned bits)
{
    return bits >= 64 ? v : (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

static bool slow_check(uint64_t addr, unsigned memop, uint64_t memop_mmu, uintptr_t retaddr)
{
    unsigned size = 1u << (memop & MO_SIZE);

    if (addr < MEM_BASE || addr + size > MEM_BASE + MEM_SIZE)
        slow.error = "slow path: address outside guest memory";
    else if ((memop & MO_ALIGN) && (addr & (size - 1)))
        slow.error = "slow path: misaligned MO_ALIGN access (the generator avoids them)";
    else if (TCG_MEMOP_MMU(memop_mmu) >= NB_MMU)
        slow.error = "slow path: bad mmu index";
    else if (retaddr < (uintptr_t)J.code + BLOCK_OFFSET || retaddr >= (uintptr_t)J.code + CODE_SIZE)
        slow.error = "slow path: return address outside the blocks";
    else
        return true;
    return false;
}

static uint64_t slow_load(void *env, uint64_t addr, uint64_t memop_mmu, uintptr_t retaddr)
{
    struct fake_cpu *c = env;
    unsigned memop = TCG_MEMOP_OP(memop_mmu), size = 1u << (memop & MO_SIZE);
    uint64_t v = 0;

    slow.loads++;
    if (c != J.cpu)
        slow.error = "slow path: env is not the CPU structure";
    else if (slow_check(addr, memop, memop_mmu, retaddr))
        memcpy(&v, c->mem + (addr - MEM_BASE), size);
    if (memop & MO_SIGN)
        v = sign_extend(v, 8 * size);
    clobber_caller_saved();
    return v;
}

static void slow_store(void *env, uint64_t addr, uint64_t value, uint64_t memop_mmu,
                       uintptr_t retaddr)
{
    struct fake_cpu *c = env;
    unsigned memop = TCG_MEMOP_OP(memop_mmu), size = 1u << (memop & MO_SIZE);

    slow.stores++;
    if (c != J.cpu)
        slow.error = "slow path: env is not the CPU structure";
    else if (slow_check(addr, memop, memop_mmu, retaddr))
        memcpy(c->mem + (addr - MEM_BASE), &value, size);
    clobber_caller_saved();
}

/* ---- helpers the blocks call, with the flags they are declared with ---- */

static struct fake_cpu *cpu_of(uint64_t env)
{
    return (struct fake_cpu *)(uintptr_t)env;
}

static uint64_t rotl64(uint64_t v, unsigned n)
{
    n &= 63;
    return n ? (v << n) | (v >> (64 - n)) : v;
}

static uint64_t helper_pure(uint64_t a, uint64_t b)
{
    clobber_caller_saved();
    return (a * 0x9e3779b97f4a7c15ull) ^ (b >> 7) ^ (b << 29);
}

static uint64_t helper_acc(uint64_t env, uint64_t a, uint64_t b)
{
    struct fake_cpu *c = cpu_of(env);

    c->acc = c->acc * 31 + a - (b << 1);
    clobber_caller_saved();
    return c->acc ^ a;
}

static uint64_t helper_rw(uint64_t env, uint64_t a, uint64_t b)
{
    struct fake_cpu *c = cpu_of(env);

    c->g[b % NB_GLOBALS] = c->g[a % NB_GLOBALS] + b;
    clobber_caller_saved();
    return c->g[(a >> 8) % NB_GLOBALS] ^ c->cnt;
}

static uint64_t helper_read(uint64_t env, uint64_t a)
{
    struct fake_cpu *c = cpu_of(env);

    clobber_caller_saved();
    return c->g[a % NB_GLOBALS] * 3 + c->cnt + a;
}

static uint64_t helper_write(uint64_t env, uint64_t a)
{
    cpu_of(env)->g[a % NB_GLOBALS] = a * 5 + 1;
    clobber_caller_saved();
    return 0;
}

static uint64_t helper_six(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    clobber_caller_saved();
    return (a ^ rotl64(b, 7) ^ rotl64(c, 13) ^ rotl64(d, 19) ^ rotl64(e, 29) ^ rotl64(f, 41)) +
           (a - f);
}

static uint64_t helper_six_env(uint64_t env, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                               uint64_t f)
{
    struct fake_cpu *cpu = cpu_of(env);

    cpu->g[b % NB_GLOBALS] ^= c + rotl64(d, 3);
    clobber_caller_saved();
    return cpu->g[e % NB_GLOBALS] + f;
}

static uint64_t helper_raise(uint64_t env, uint64_t a)
{
    if ((a & 3) == 0) {
        cpu_of(env)->acc ^= a;
        siglongjmp(raise_point, 1);
    }
    clobber_caller_saved();
    return 0;
}

static uint64_t helper_kick(uint64_t env, uint64_t a)
{
    if ((a & 3) == 0)
        cpu_of(env)->exit_request = 1;
    clobber_caller_saved();
    return 0;
}

enum {
    HF_PURE = HELPER_PURE | HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS,
    HF_NONE = HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS,
};

/* Whether a helper's first argument is env. */
struct helper_desc {
    struct tcg_helper h;
    bool env_arg;
};

static const struct helper_desc helpers[] = {
    {{"pure", (void *)helper_pure, HF_PURE, 2, true}, false},
    {{"pure_sync", (void *)helper_pure, HELPER_PURE, 2, true}, false},
    {{"acc", (void *)helper_acc, HF_NONE, 3, true}, true},
    {{"acc_void", (void *)helper_acc, HF_NONE, 3, false}, true},
    {{"rw", (void *)helper_rw, 0, 3, true}, true},
    {{"read", (void *)helper_read, HELPER_NO_WRITE_GLOBALS, 2, true}, true},
    {{"write", (void *)helper_write, HELPER_NO_READ_GLOBALS, 2, false}, true},
    {{"six", (void *)helper_six, HF_NONE, 6, true}, false},
    {{"six_env", (void *)helper_six_env, 0, 6, true}, true},
    {{"raise", (void *)helper_raise, HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS, 2, false}, true},
    {{"kick", (void *)helper_kick, HF_NONE, 2, false}, true},
};

enum {
    H_PURE,
    H_PURE_SYNC,
    H_ACC,
    H_ACC_VOID,
    H_RW,
    H_READ,
    H_WRITE,
    H_SIX,
    H_SIX_ENV,
    H_RAISE,
    H_KICK,
    NB_HELPERS
};

typedef uint64_t (*helper_fn2)(uint64_t, uint64_t);
typedef uint64_t (*helper_fn3)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*helper_fn6)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static uint64_t call_helper(const struct tcg_helper *h, const uint64_t *a)
{
    switch (h->nb_args) {
    case 2: return ((helper_fn2)h->fn)(a[0], a[1]);
    case 3: return ((helper_fn3)h->fn)(a[0], a[1], a[2]);
    case 6: return ((helper_fn6)h->fn)(a[0], a[1], a[2], a[3], a[4], a[5]);
    default: g_assert_not_reached();
    }
}

/* ---- the reference interpreter ---- */

struct interp {
    const struct tcg_ctx *s;
    struct fake_cpu *cpu;
    uintptr_t tb;
    bool chained[2];
    const char *error; /* the IR did something the interpreter cannot give a meaning to */
    uint64_t val[TCG_MAX_TEMPS];
    bool def[TCG_MAX_TEMPS];
    int label_at[TCG_MAX_LABELS];
};

static uint64_t in_read(struct interp *in, int t)
{
    const struct tcg_temp *tp = &in->s->temps[t];
    uint64_t v;

    switch (tp->kind) {
    case TEMP_CONST: return (uint64_t)tp->value;
    case TEMP_FIXED: return (uintptr_t)in->cpu;
    case TEMP_GLOBAL: memcpy(&v, (uint8_t *)in->cpu + tp->mem_offset, 8); return v;
    default:
        if (!in->def[t])
            in->error = "reads a temp that holds nothing";
        return in->val[t];
    }
}

static void in_write(struct interp *in, int t, uint64_t v)
{
    const struct tcg_temp *tp = &in->s->temps[t];

    if (tp->kind == TEMP_GLOBAL) {
        memcpy((uint8_t *)in->cpu + tp->mem_offset, &v, 8);
    } else if (tp->kind == TEMP_LOCAL) {
        in->val[t] = v;
        in->def[t] = true;
    } else {
        in->error = "writes a constant or fixed temp";
    }
}

static uint64_t trunc_to(enum tcg_type ty, uint64_t v)
{
    return ty == I32 ? (uint32_t)v : v;
}

static bool in_cond(enum tcg_cond c, enum tcg_type ty, uint64_t a, uint64_t b)
{
    int64_t sa = ty == I32 ? (int32_t)a : (int64_t)a, sb = ty == I32 ? (int32_t)b : (int64_t)b;

    a = trunc_to(ty, a);
    b = trunc_to(ty, b);
    switch (c) {
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return sa >= sb;
    case TCG_COND_LE: return sa <= sb;
    case TCG_COND_GT: return sa > sb;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    case TCG_COND_ALWAYS: return true;
    default: return false;
    }
}

static uint64_t in_binary(struct interp *in, enum tcg_opcode opc, enum tcg_type ty, uint64_t a,
                          uint64_t b)
{
    unsigned bits = ty == I32 ? 32 : 64, sh = (unsigned)(b & (bits - 1));
    int64_t sa = ty == I32 ? (int32_t)a : (int64_t)a, sb = ty == I32 ? (int32_t)b : (int64_t)b;
    int64_t min = ty == I32 ? INT32_MIN : INT64_MIN;

    a = trunc_to(ty, a);
    b = trunc_to(ty, b);
    switch (opc) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_AND: return a & b;
    case OP_OR: return a | b;
    case OP_XOR: return a ^ b;
    case OP_ANDC: return a & ~b;
    case OP_SHL: return a << sh;
    case OP_SHR: return a >> sh;
    case OP_SAR: return (uint64_t)(sa >> sh);
    case OP_ROTL: return sh ? (a << sh) | (a >> (bits - sh)) : a;
    case OP_ROTR: return sh ? (a >> sh) | (a << (bits - sh)) : a;
    case OP_MULSH:
        if (ty == I32)
            return (uint64_t)((sa * sb) >> 32);
        return (uint64_t)(((__int128)sa * sb) >> 64);
    case OP_MULUH:
        if (ty == I32)
            return (a * b) >> 32;
        return (uint64_t)(((unsigned __int128)a * b) >> 64);
    case OP_DIV:
    case OP_REM:
        if (sb == 0 || (sa == min && sb == -1)) {
            in->error = "divides by zero or overflows (the generator avoids it)";
            return 0;
        }
        return (uint64_t)(opc == OP_DIV ? sa / sb : sa % sb);
    case OP_DIVU:
    case OP_REMU:
        if (b == 0) {
            in->error = "divides by zero (the generator avoids it)";
            return 0;
        }
        return opc == OP_DIVU ? a / b : a % b;
    default: in->error = "unexpected binary op"; return 0;
    }
}

static uint64_t in_unary(struct interp *in, enum tcg_opcode opc, enum tcg_type ty, uint64_t a)
{
    unsigned bits = ty == I32 ? 32 : 64;

    switch (opc) {
    case OP_NEG: return 0 - a;
    case OP_NOT: return ~a;
    case OP_CLZ: a = trunc_to(ty, a); return a ? (unsigned)__builtin_clzll(a) - (64 - bits) : bits;
    case OP_CTZ: a = trunc_to(ty, a); return a ? (unsigned)__builtin_ctzll(a) : bits;
    case OP_CPOP: return (unsigned)__builtin_popcountll(trunc_to(ty, a));
    case OP_EXT8S: return sign_extend(a & 0xff, 8);
    case OP_EXT8U: return a & 0xff;
    case OP_EXT16S: return sign_extend(a & 0xffff, 16);
    case OP_EXT16U: return a & 0xffff;
    case OP_EXT32S: return sign_extend(a & 0xffffffff, 32);
    case OP_EXT32U:
    case OP_EXTRL: return a & 0xffffffff;
    default: in->error = "unexpected unary op"; return 0;
    }
}

/* The chaining target: g0 += 1, g11 ^= 0x55, exit_tb(TARGET_EXIT); it checks exit_request. */
static uintptr_t in_target(struct fake_cpu *c)
{
    if (c->exit_request)
        return (uintptr_t)&target_tb | TCG_EXIT_REQUESTED;
    c->g[0] += 1;
    c->g[NB_GLOBALS - 1] ^= 0x55;
    return TARGET_EXIT;
}

static uintptr_t in_lookup(struct fake_cpu *c, uint64_t pc, uint64_t flags)
{
    const struct tb *tb = c->jmp_cache[tb_jmp_cache_hash(pc, JMP_BITS)];

    if (tb && tb->pc == pc && tb->flags == flags)
        return in_target(c);
    return TCG_EXIT_NOCHAIN;
}

static void in_guest_ld(struct interp *in, const struct tcg_op *op)
{
    unsigned memop = TCG_MEMOP_OP(op->args[2]), size = 1u << (memop & MO_SIZE);
    uint64_t addr = in_read(in, (int)op->args[1]), v = 0;

    if (addr < MEM_BASE || addr + size > MEM_BASE + MEM_SIZE) {
        in->error = "guest access outside memory";
        return;
    }
    memcpy(&v, in->cpu->mem + (addr - MEM_BASE), size);
    if (memop & MO_SIGN)
        v = sign_extend(v, 8 * size);
    in_write(in, (int)op->args[0], trunc_to(op->type, v));
}

static void in_guest_st(struct interp *in, const struct tcg_op *op)
{
    unsigned size = 1u << (TCG_MEMOP_OP(op->args[2]) & MO_SIZE);
    uint64_t v = in_read(in, (int)op->args[0]), addr = in_read(in, (int)op->args[1]);

    if (addr < MEM_BASE || addr + size > MEM_BASE + MEM_SIZE) {
        in->error = "guest access outside memory";
        return;
    }
    memcpy(in->cpu->mem + (addr - MEM_BASE), &v, size);
}

static uint8_t *in_host_addr(struct interp *in, const struct tcg_op *op, unsigned size)
{
    int32_t off = (int32_t)op->args[2];

    if (in->s->temps[op->args[1]].kind != TEMP_FIXED || off < 0 ||
        (size_t)off + size > sizeof(struct fake_cpu)) {
        in->error = "host access outside the CPU structure";
        return in->cpu->scratch;
    }
    return (uint8_t *)in->cpu + off;
}

static void in_host_ld(struct interp *in, const struct tcg_op *op)
{
    static const struct {
        unsigned size;
        bool sign;
    } shape[] = {
        [OP_LD8U - OP_LD8U] = {1, false},  [OP_LD8S - OP_LD8U] = {1, true},
        [OP_LD16U - OP_LD8U] = {2, false}, [OP_LD16S - OP_LD8U] = {2, true},
        [OP_LD32U - OP_LD8U] = {4, false}, [OP_LD32S - OP_LD8U] = {4, true},
        [OP_LD - OP_LD8U] = {8, false},
    };
    unsigned size = shape[op->opc - OP_LD8U].size;
    uint64_t v = 0;

    if (op->opc == OP_LD && op->type == I32)
        size = 4;
    memcpy(&v, in_host_addr(in, op, size), size);
    if (shape[op->opc - OP_LD8U].sign)
        v = sign_extend(v, 8 * size);
    in_write(in, (int)op->args[0], trunc_to(op->type, v));
}

static void in_host_st(struct interp *in, const struct tcg_op *op)
{
    unsigned size = op->opc == OP_ST8 ? 1 : op->opc == OP_ST16 ? 2 : op->opc == OP_ST32 ? 4 : 8;
    uint64_t v = in_read(in, (int)op->args[0]);

    if (op->opc == OP_ST && op->type == I32)
        size = 4;
    memcpy(in_host_addr(in, op, size), &v, size);
}

static void in_call(struct interp *in, const struct tcg_op *op)
{
    const struct tcg_helper *h = (const void *)(uintptr_t)op->args[op->nb_o + op->nb_i];
    uint64_t a[TCG_MAX_CALL_ARGS] = {0};

    for (unsigned k = 0; k < op->nb_i; k++)
        a[k] = in_read(in, (int)op->args[op->nb_o + k]);
    uint64_t r = call_helper(h, a);
    if (op->nb_o)
        in_write(in, (int)op->args[0], r);
}

#define MAX_STEPS 1000000

/* Runs a block's ops on cpu; returns what generated code would return to the exec loop. */
static uintptr_t interp_ops(struct interp *in, const struct tcg_op *ops, unsigned nb_ops)
{
    struct fake_cpu *c = in->cpu;

    for (unsigned i = 0; i < TCG_MAX_LABELS; i++)
        in->label_at[i] = -1;
    for (unsigned i = 0; i < nb_ops; i++)
        if (ops[i].opc == OP_SET_LABEL)
            in->label_at[ops[i].args[0]] = (int)i;
    memset(in->def, 0, sizeof(in->def));
    if (c->exit_request)
        return in->tb | TCG_EXIT_REQUESTED;
    for (unsigned i = 0, steps = 0; i < nb_ops && !in->error; i++) {
        const struct tcg_op *op = &ops[i];
        enum tcg_type ty = (enum tcg_type)op->type;
        if (++steps > MAX_STEPS) {
            in->error = "does not terminate";
            break;
        }
        switch (op->opc) {
        case OP_INSN_START:
        case OP_SET_LABEL: break;
        case OP_DISCARD: in->def[op->args[0]] = false; break;
        case OP_MOV:
            in_write(in, (int)op->args[0], trunc_to(ty, in_read(in, (int)op->args[1])));
            break;
        case OP_ADD ... OP_REMU:
            in_write(in, (int)op->args[0],
                     trunc_to(ty, in_binary(in, op->opc, ty, in_read(in, (int)op->args[1]),
                                            in_read(in, (int)op->args[2]))));
            break;
        case OP_NEG ... OP_EXTRL:
            in_write(in, (int)op->args[0],
                     trunc_to(ty, in_unary(in, op->opc, ty, in_read(in, (int)op->args[1]))));
            break;
        case OP_SETCOND:
            in_write(in, (int)op->args[0],
                     in_cond((enum tcg_cond)op->args[3], ty, in_read(in, (int)op->args[1]),
                             in_read(in, (int)op->args[2])));
            break;
        case OP_MOVCOND: {
            bool c1 = in_cond((enum tcg_cond)op->args[5], ty, in_read(in, (int)op->args[1]),
                              in_read(in, (int)op->args[2]));
            in_write(in, (int)op->args[0], trunc_to(ty, in_read(in, (int)op->args[c1 ? 3 : 4])));
            break;
        }
        case OP_BRCOND:
            if (in_cond((enum tcg_cond)op->args[2], ty, in_read(in, (int)op->args[0]),
                        in_read(in, (int)op->args[1])))
                i = (unsigned)in->label_at[op->args[3]];
            break;
        case OP_BR: i = (unsigned)in->label_at[op->args[0]]; break;
        case OP_LD8U ... OP_LD: in_host_ld(in, op); break;
        case OP_ST8 ... OP_ST: in_host_st(in, op); break;
        case OP_GUEST_LD: in_guest_ld(in, op); break;
        case OP_GUEST_ST: in_guest_st(in, op); break;
        case OP_CALL: in_call(in, op); break;
        case OP_GOTO_TB:
            return in->chained[op->args[0]] ? in_target(c) : in->tb | (uintptr_t)op->args[0];
        case OP_EXIT_TB: return (uintptr_t)op->args[0];
        case OP_LOOKUP_AND_GOTO:
            return in_lookup(c, in_read(in, (int)op->args[0]), (uint64_t)op->args[1]);
        case OP_EXIT_CHECK:
            if (c->exit_request)
                return in->tb | TCG_EXIT_REQUESTED;
            break;
        default: in->error = "an op the interpreter does not know"; break;
        }
    }
    if (!in->error)
        in->error = "runs off the end of the block";
    return 0;
}

/* Interprets with the raise helper's exit caught; in is heap-allocated (it is large). */
static uintptr_t interp_run(struct interp *in, const struct tcg_op *ops, unsigned nb_ops)
{
    if (sigsetjmp(raise_point, 0))
        return EXIT_RAISED;
    return interp_ops(in, ops, nb_ops);
}

static uintptr_t jit_run(struct fake_cpu *c, const uint8_t *code)
{
    int sig;

    if (sigsetjmp(raise_point, 0)) {
        in_generated_code = 0;
        return EXIT_RAISED;
    }
    if ((sig = sigsetjmp(crash_point, 1)))
        return EXIT_CRASHED | (uintptr_t)sig;
    in_generated_code = 1;
    uintptr_t ret = tcg_backend_enter(c, code);
    in_generated_code = 0;
    return ret;
}

/* ---- setting up the JIT ---- */

static bool jit_available(void)
{
    if (J.code)
        return true;
    void *p = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) {
        g_test_skip("cannot map memory read-write-execute: generated code cannot run here");
        return false;
    }
    J.code = p;
    J.s = g_malloc(sizeof(*J.s));
    J.cpu = g_malloc0(sizeof(*J.cpu));
    return true;
}

static void jit_layout(struct tcg_layout *l)
{
    *l = (struct tcg_layout){
        .exit_request = (int32_t)offsetof(struct fake_cpu, exit_request),
        .tlb = (int32_t)offsetof(struct fake_cpu, tlb),
        .tlb_bits = TLB_BITS,
        .page_bits = PAGE_BITS,
        .jmp_cache = (int32_t)offsetof(struct fake_cpu, jmp_cache),
        .jmp_cache_bits = JMP_BITS,
        .tb_pc = (int32_t)offsetof(struct tb, pc),
        .tb_flags = (int32_t)offsetof(struct tb, flags),
        .tb_code = (int32_t)offsetof(struct tb, code),
        .load_slow = (void *)slow_load,
        .store_slow = (void *)slow_store,
    };
}

static int gen_at(uint32_t offset, uintptr_t tb, struct tcg_gen_result *res)
{
    return tcg_backend_gen(J.s, &J.layout, J.code + offset, BLOCK_ROOM, tb, res, NULL);
}

static void free_result(struct tcg_gen_result *res)
{
    free(res->insn_end);
    free(res->insn_pc);
    res->insn_end = NULL;
    res->insn_pc = NULL;
}

/* A context whose globals in pinned (bit i: g[i], bit NB_GLOBALS: cnt) live in host registers. */
static void jit_configure(uint32_t pinned)
{
    static const char *const names[NB_GLOBALS] = {"g0", "g1", "g2", "g3", "g4",  "g5",
                                                  "g6", "g7", "g8", "g9", "g10", "g11"};
    struct tcg_ctx *s = J.s;
    unsigned nb_pinned = 0;
    struct tcg_gen_result res;

    tcg_ctx_init(s);
    s->env = tcg_global_fixed_new(s, I64, RBP_ENV_REG, "env");
    for (unsigned i = 0; i < NB_GLOBALS; i++)
        J.g[i] = tcg_global_mem_new(s, I64, (int32_t)offsetof(struct fake_cpu, g[i]), names[i]);
    J.cnt = tcg_global_mem_new(s, I64, (int32_t)offsetof(struct fake_cpu, cnt), "cnt");
    for (unsigned i = 0; i <= NB_GLOBALS && nb_pinned < tcg_nb_pinnable_regs; i++)
        if (pinned & (1u << i))
            tcg_global_pin(s, i < NB_GLOBALS ? J.g[i] : J.cnt, tcg_pinnable_regs[nb_pinned++]);
    J.pinned = pinned;
    jit_layout(&J.layout);
    g_assert_cmpuint(tcg_backend_gen_prologue(&J.layout, s, J.code, PROLOGUE_SIZE), >, 0);

    /* The block others chain to: the interpreter's in_target. */
    tcg_func_start(s);
    tcg_gen_insn_start(s, TARGET_PC);
    tcg_gen_op3i(s, OP_ADD, I64, J.g[0], J.g[0], 1);
    tcg_gen_op3i(s, OP_XOR, I64, J.g[NB_GLOBALS - 1], J.g[NB_GLOBALS - 1], 0x55);
    tcg_gen_exit_tb(s, TARGET_EXIT);
    tcg_optimize(s);
    tcg_liveness(s);
    g_assert_cmpint(tcg_backend_gen(s, &J.layout, J.code + TARGET_OFFSET,
                                    BLOCK_OFFSET - TARGET_OFFSET, (uintptr_t)&target_tb, &res,
                                    NULL),
                    ==, 0);
    free_result(&res);
    target_tb = (struct tb){.pc = TARGET_PC, .flags = TARGET_FLAGS, .code = J.code + TARGET_OFFSET};
    other_tb = (struct tb){.pc = OTHER_PC, .flags = TARGET_FLAGS + 1, .code = target_tb.code};
    g_assert_cmpuint(tb_jmp_cache_hash(TARGET_PC, JMP_BITS), !=,
                     tb_jmp_cache_hash(OTHER_PC, JMP_BITS));
    tcg_func_start(s);
}

/* A CPU state from seed, with the tables set up for J.cpu's address. */
static void cpu_random(struct fake_cpu *c, uint64_t seed)
{
    GRand *r = g_rand_new_with_seed((guint32)(seed ^ (seed >> 32)));

    memset(c, 0, sizeof(*c));
    for (unsigned i = 0; i < NB_GLOBALS; i++)
        c->g[i] = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
    c->g[1] = 0;
    c->g[2] = 0xffffffffffffffffull;
    c->g[3] = 0x80000000ull;
    c->cnt = 1 + g_rand_int_range(r, 0, 3);
    c->acc = g_rand_int(r);
    for (unsigned i = 0; i < SCRATCH_SIZE; i++)
        c->scratch[i] = (uint8_t)g_rand_int(r);
    for (unsigned i = 0; i < MEM_SIZE; i++)
        c->mem[i] = (uint8_t)g_rand_int(r);
    cpu_init_tables(c, J.cpu);
    c->jmp_cache[tb_jmp_cache_hash(TARGET_PC, JMP_BITS)] = &target_tb;
    c->jmp_cache[tb_jmp_cache_hash(OTHER_PC, JMP_BITS)] = &other_tb;
    g_rand_free(r);
}

/* The first difference between two CPU states, or NULL. */
static const char *cpu_diff(const struct fake_cpu *want, const struct fake_cpu *got, char *buf,
                            size_t len)
{
    for (unsigned i = 0; i < NB_GLOBALS; i++)
        if (want->g[i] != got->g[i]) {
            snprintf(buf, len, "g%u: want 0x%" PRIx64 ", got 0x%" PRIx64, i, want->g[i], got->g[i]);
            return buf;
        }
    if (want->cnt != got->cnt) {
        snprintf(buf, len, "cnt: want 0x%" PRIx64 ", got 0x%" PRIx64, want->cnt, got->cnt);
        return buf;
    }
    if (want->exit_request != got->exit_request)
        return "exit_request differs";
    if (want->acc != got->acc)
        return "acc (the side-effect helpers' result) differs";
    if (memcmp(want->scratch, got->scratch, SCRATCH_SIZE))
        return "scratch (host stores) differs";
    for (unsigned i = 0; i < MEM_SIZE; i++)
        if (want->mem[i] != got->mem[i]) {
            snprintf(buf, len, "guest memory at 0x%x: want 0x%02x, got 0x%02x", MEM_BASE + i,
                     want->mem[i], got->mem[i]);
            return buf;
        }
    if (memcmp(want, got, sizeof(*want)))
        return "the TLB, jump cache or padding was written";
    return NULL;
}

static void dump_to_stderr(const char *title, const struct tcg_ctx *s)
{
    fprintf(stderr, "%s\n", title);
    tcg_dump_ops(s, stderr);
}

/*
 * Runs the block in J.s (already through liveness, generated at offset with tb) against
 * init, and the interpreter on ops; returns the failure or NULL. want/got receive the final
 * states.
 */
struct run {
    const struct tcg_op *ops; /* what the interpreter runs (the block as built) */
    unsigned nb_ops;
    uint32_t offset;
    uintptr_t tb;
    bool chained[2];
    uintptr_t want_exit, got_exit;
    bool passes_failed; /* the optimizer or liveness changed the block's meaning */
    struct fake_cpu want;
    char why[160];
};

/* A copy of a block's ops (g_memdup2 is newer than the GLib we require). */
static struct tcg_op *ops_dup(const struct tcg_op *ops, unsigned nb_ops)
{
    struct tcg_op *copy = g_new(struct tcg_op, TCG_MAX_OPS);

    memcpy(copy, ops, nb_ops * sizeof(*ops));
    return copy;
}

static struct interp *interp_new(void)
{
    return g_malloc0(sizeof(struct interp));
}

static const char *run_compare(struct run *r, const struct fake_cpu *init)
{
    struct interp *in = interp_new();
    const char *fail = NULL;

    in->s = J.s;
    in->cpu = &r->want;
    in->tb = r->tb;
    memcpy(in->chained, r->chained, sizeof(in->chained));
    r->want = *init;
    r->want_exit = interp_run(in, r->ops, r->nb_ops);
    if (in->error) {
        snprintf(r->why, sizeof(r->why), "interpreter: the block %s", in->error);
        fail = r->why;
    }
    g_free(in);
    if (fail)
        return fail;
    *J.cpu = *init;
    slow.error = NULL;
    r->got_exit = jit_run(J.cpu, J.code + r->offset);
    if ((r->got_exit & ~(uintptr_t)0xff) == EXIT_CRASHED) {
        snprintf(r->why, sizeof(r->why), "generated code crashed: %s",
                 strsignal((int)(r->got_exit & 0xff)));
        return r->why;
    }
    if (slow.error)
        return slow.error;
    if (r->got_exit != r->want_exit) {
        snprintf(r->why, sizeof(r->why), "exit value: want 0x%" PRIxPTR ", got 0x%" PRIxPTR,
                 r->want_exit, r->got_exit);
        return r->why;
    }
    return cpu_diff(&r->want, J.cpu, r->why, sizeof(r->why));
}

static const char *ir_well_formed(const struct tcg_op *ops, unsigned nb_ops);
static const char *check_block(const struct tcg_op *ops, unsigned nb_ops, bool optimize,
                               const struct fake_cpu *init, const bool chained[2], struct run *r);
static void report_block(const char *title, const struct tcg_op *ops, unsigned nb_ops,
                         bool optimize, bool listing);

/* For directed tests: the block in J.s as built, through the passes, run and compared. */
static struct run *run_block(const struct fake_cpu *init, bool optimize)
{
    static const bool unchained[2];
    struct run *r = g_malloc0(sizeof(*r));
    unsigned nb_ops = J.s->nb_ops;
    struct tcg_op *ops = ops_dup(J.s->ops, nb_ops);
    const char *fail = ir_well_formed(ops, nb_ops);

    if (!fail)
        fail = check_block(ops, nb_ops, optimize, init, unchained, r);
    if (fail) {
        report_block("block:", ops, nb_ops, optimize, true);
        g_error("%s", fail);
    }
    return r;
}

static void run_free(struct run *r)
{
    g_free((void *)r->ops);
    g_free(r);
}

static bool have_bitcount_insns(void)
{
    unsigned a, b, c, d;
    bool lzcnt = __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 5));
    bool popcnt = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 23));
    bool tzcnt = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 3));

    return lzcnt && popcnt && tzcnt;
}

/* ---- directed tests ---- */

static void test_exec_basic(void)
{
    if (!jit_available())
        return;
    jit_configure(1u << 1 | 1u << 2); /* g1, g2 pinned */
    struct tcg_ctx *s = J.s;
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I32);
    struct fake_cpu init;

    cpu_random(&init, 1);
    init.g[1] = 7;
    init.g[2] = 9;
    init.g[3] = 0xfffffff0;
    tcg_gen_insn_start(s, 0x1000);
    tcg_gen_op3(s, OP_ADD, I64, J.g[0], J.g[1], J.g[2]);
    tcg_gen_op3i(s, OP_MUL, I64, J.g[4], J.g[1], 5);
    tcg_gen_setcond(s, I64, TCG_COND_LTU, J.g[5], J.g[2], J.g[1]);
    tcg_gen_op3i(s, OP_ADD, I32, t1, J.g[3], 0x20); /* wraps in 32 bits */
    tcg_gen_op2(s, OP_EXT32S, I64, J.g[6], t1);
    tcg_gen_op3(s, OP_SUB, I64, t0, J.g[1], J.g[2]);
    tcg_gen_op3(s, OP_MULUH, I64, J.g[7], t0, J.g[3]);
    tcg_gen_op3(s, OP_XOR, I64, J.g[2], J.g[2], J.g[2]);
    tcg_gen_exit_tb(s, 0x1230);
    struct run *r = run_block(&init, false);
    g_assert_cmphex(r->got_exit, ==, 0x1230);
    g_assert_cmphex(J.cpu->g[0], ==, 16);
    g_assert_cmphex(J.cpu->g[4], ==, 35);
    g_assert_cmphex(J.cpu->g[5], ==, 0);
    g_assert_cmphex(J.cpu->g[6], ==, 0x10);
    g_assert_cmphex(J.cpu->g[7], ==, 0xffffffef);
    g_assert_cmphex(J.cpu->g[2], ==, 0);
    g_assert_cmphex(J.cpu->g[1], ==, 7);
    run_free(r);
}

/* A set exit_request leaves at block entry: nothing runs, pinned globals stay as they were. */
static void test_exec_exit_request_at_entry(void)
{
    if (!jit_available())
        return;
    jit_configure(1u << 0 | 1u << 3);
    struct tcg_ctx *s = J.s;
    struct fake_cpu init;

    cpu_random(&init, 2);
    init.exit_request = 1;
    tcg_gen_op3i(s, OP_ADD, I64, J.g[0], J.g[0], 1);
    tcg_gen_op3i(s, OP_ADD, I64, J.g[1], J.g[3], 1);
    tcg_gen_goto_tb(s, 0);
    struct run *r = run_block(&init, true);
    g_assert_cmphex(r->got_exit, ==, (uintptr_t)&block_tb | TCG_EXIT_REQUESTED);
    g_assert_cmpmem(J.cpu, sizeof(*J.cpu), &init, sizeof(init));
    run_free(r);
}

/*
 * A block looping on itself: its busiest globals are block-pinned. A helper sets
 * exit_request on the fifth turn; the exit check after it leaves with every global, the
 * block-pinned ones too, written back.
 */
static void test_exec_loop_exit_check(void)
{
    if (!jit_available())
        return;
    for (unsigned npin = 0; npin <= 5; npin += 5) {
        jit_configure(npin ? 0x1f0 : 0); /* g4..g8 pinned, or none */
        struct tcg_ctx *s = J.s;
        int head = tcg_label_new(s), done = tcg_label_new(s), t = tcg_temp_new(s, I64);
        int args[TCG_MAX_CALL_ARGS] = {s->env, t};
        struct fake_cpu init;

        cpu_random(&init, 3);
        init.cnt = 100;
        init.g[1] = 1;
        init.g[2] = 2;
        tcg_gen_set_label(s, head);
        tcg_gen_op3(s, OP_ADD, I64, J.g[1], J.g[1], J.g[2]);
        tcg_gen_op3(s, OP_XOR, I64, J.g[2], J.g[2], J.g[1]);
        tcg_gen_op3i(s, OP_ADD, I64, J.g[2], J.g[2], 3);
        tcg_gen_op3i(s, OP_SUB, I64, J.cnt, J.cnt, 1);
        tcg_gen_setcond(s, I64, TCG_COND_NE, t, J.cnt, tcg_const(s, I64, 95));
        tcg_gen_call(s, &helpers[H_KICK].h, -1, args); /* kicks when t == 0: cnt == 95 */
        tcg_gen_brcond(s, I64, TCG_COND_EQ, J.cnt, tcg_const(s, I64, 0), done);
        tcg_gen_exit_check(s);
        tcg_gen_br(s, head);
        tcg_gen_set_label(s, done);
        tcg_gen_goto_tb(s, 0);
        struct run *r = run_block(&init, true);
        uint64_t g1 = 1, g2 = 2;
        for (unsigned i = 0; i < 5; i++) {
            g1 += g2;
            g2 = (g2 ^ g1) + 3;
        }
        g_assert_cmphex(r->got_exit, ==, (uintptr_t)&block_tb | TCG_EXIT_REQUESTED);
        g_assert_cmpuint(J.cpu->cnt, ==, 95);
        g_assert_cmphex(J.cpu->g[1], ==, g1);
        g_assert_cmphex(J.cpu->g[2], ==, g2);
        run_free(r);
    }
}

/* goto_tb: unchained it returns the block | slot; patched it runs the target; reset again. */
static void test_exec_goto_tb_chaining(void)
{
    if (!jit_available())
        return;
    jit_configure(1u << 0);
    struct tcg_ctx *s = J.s;
    int l = tcg_label_new(s);
    struct fake_cpu init;
    struct tcg_gen_result res;
    uint8_t *code = J.code + BLOCK_OFFSET;

    cpu_random(&init, 4);
    tcg_gen_op3i(s, OP_ADD, I64, J.g[0], J.g[0], 0x10);
    tcg_gen_op3i(s, OP_ADD, I64, J.g[5], J.g[5], 1);
    tcg_gen_brcond(s, I64, TCG_COND_EQ, J.g[4], tcg_const(s, I64, 1), l);
    tcg_gen_goto_tb(s, 0);
    tcg_gen_set_label(s, l);
    tcg_gen_goto_tb(s, 1);
    tcg_optimize(s);
    tcg_liveness(s);
    g_assert_cmpint(gen_at(BLOCK_OFFSET, (uintptr_t)&block_tb, &res), ==, 0);
    for (unsigned n = 0; n < 2; n++) {
        /* Patching must be one aligned 4-byte store. */
        g_assert_cmpint(res.jmp_field[n], >, 0);
        g_assert_cmpuint(((uintptr_t)code + (uintptr_t)res.jmp_field[n]) & 3, ==, 0);
        g_assert_cmpint(res.jmp_reset[n], ==, res.jmp_field[n] + 4);
    }
    for (unsigned n = 0; n < 2; n++) {
        init.g[4] = n;
        *J.cpu = init;
        g_assert_cmphex(jit_run(J.cpu, code), ==, (uintptr_t)&block_tb | n);
        g_assert_cmphex(J.cpu->g[0], ==, init.g[0] + 0x10);
        g_assert_cmphex(J.cpu->g[5], ==, init.g[5] + 1);
        tcg_backend_patch_jump(code, res.jmp_field[n], target_tb.code);
        *J.cpu = init;
        g_assert_cmphex(jit_run(J.cpu, code), ==, TARGET_EXIT);
        g_assert_cmphex(J.cpu->g[0], ==, init.g[0] + 0x11);
        g_assert_cmphex(J.cpu->g[5], ==, init.g[5] + 1);
        g_assert_cmphex(J.cpu->g[NB_GLOBALS - 1], ==, init.g[NB_GLOBALS - 1] ^ 0x55);
        tcg_backend_patch_jump(code, res.jmp_field[n], code + res.jmp_reset[n]);
        *J.cpu = init;
        g_assert_cmphex(jit_run(J.cpu, code), ==, (uintptr_t)&block_tb | n);
        g_assert_cmphex(J.cpu->g[0], ==, init.g[0] + 0x10);
    }
    free_result(&res);
}

/* lookup_and_goto: a jump-cache hit jumps to the block; any mismatch leaves. */
static void test_exec_lookup_and_goto(void)
{
    if (!jit_available())
        return;
    uint64_t alias = TARGET_PC + 2;

    while (tb_jmp_cache_hash(alias, JMP_BITS) != tb_jmp_cache_hash(TARGET_PC, JMP_BITS))
        alias += 2;
    const struct {
        uint64_t pc, flags;
        uintptr_t exit;
    } cases[] = {
        {TARGET_PC, TARGET_FLAGS, TARGET_EXIT},
        {TARGET_PC, TARGET_FLAGS + 1, TCG_EXIT_NOCHAIN}, /* other flags */
        {OTHER_PC, TARGET_FLAGS, TCG_EXIT_NOCHAIN},      /* the entry's flags differ */
        {OTHER_PC, TARGET_FLAGS + 1, TARGET_EXIT},
        {alias, TARGET_FLAGS, TCG_EXIT_NOCHAIN}, /* same slot, other pc */
        {TARGET_PC + 0x10000, TARGET_FLAGS, TCG_EXIT_NOCHAIN},
    };
    for (unsigned pinned = 0; pinned < 2; pinned++) {
        for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
            jit_configure(pinned ? 0x3 : 0); /* g0 (the target's) and g1 (the pc) pinned */
            struct fake_cpu init;
            cpu_random(&init, 5);
            if (i == 5)
                memset(init.jmp_cache, 0, sizeof(init.jmp_cache)); /* an empty slot */
            init.g[1] = cases[i].pc;
            tcg_gen_op3i(J.s, OP_ADD, I64, J.g[0], J.g[0], 0x100);
            tcg_gen_lookup_and_goto(J.s, J.g[1], cases[i].flags);
            struct run *r = run_block(&init, false);
            g_assert_cmphex(r->got_exit, ==, cases[i].exit);
            g_assert_cmphex(J.cpu->g[0], ==, init.g[0] + 0x100 + (cases[i].exit == TARGET_EXIT));
            run_free(r);
        }
    }
}

/* Guest loads and stores, inline and through the slow path, for each size and extension. */
static void test_exec_guest_memory(void)
{
    if (!jit_available())
        return;
    static const struct {
        uint64_t addr;
        unsigned mmu;
        unsigned slow_ld, slow_st;
    } where[] = {
        {PAGE_A + 0x100, 0, 0, 0}, /* RAM: inline */
        {PAGE_B + 0x100, 0, 1, 1}, /* a TLB miss */
        {PAGE_A + 0x100, 1, 1, 1}, /* a miss in the other MMU mode */
        {PAGE_B + 0x7f8, 1, 0, 1}, /* writes to a code page go out of line */
        {PAGE_B - 2, 0, 1, 1},     /* crossing into the next page (for sizes > 2) */
        {PAGE_B - 1, 0, 1, 1},     /* crossing (for sizes > 1) */
    };
    struct fake_cpu init;

    cpu_random(&init, 6);
    for (unsigned pinned = 0; pinned < 2; pinned++) {
        jit_configure(pinned ? 0x1f : 0);
        for (unsigned w = 0; w < G_N_ELEMENTS(where); w++) {
            for (unsigned memop = 0; memop < 8; memop++) {
                unsigned size = 1u << (memop & MO_SIZE);
                bool sign = memop & MO_SIGN;
                if (size == 8 && sign)
                    continue;
                bool crosses = ((where[w].addr & 0xfff) + size) > 0x1000;
                bool align = ((memop + w) & 1) && !crosses && !(where[w].addr & (size - 1));
                unsigned mo = memop | (align ? MO_ALIGN : 0);
                tcg_func_start(J.s);
                init.g[1] = where[w].addr;
                init.g[2] = 0x1122334455667788ull + memop;
                /* Load; store the value plus one back; store g2 over it; load that as i32. */
                tcg_gen_guest_ld(J.s, I64, J.g[0], J.g[1], mo, where[w].mmu);
                tcg_gen_op3i(J.s, OP_ADD, I64, J.g[3], J.g[0], 1);
                tcg_gen_guest_st(J.s, I64, J.g[3], J.g[1], mo, where[w].mmu);
                tcg_gen_guest_st(J.s, I64, J.g[2], J.g[1], mo & MO_SIZE, where[w].mmu);
                int t = tcg_temp_new(J.s, I32);
                tcg_gen_guest_ld(J.s, I32, t, J.g[1], size == 8 ? MO_32 : mo & (MO_SIZE | MO_SIGN),
                                 where[w].mmu);
                tcg_gen_op2(J.s, OP_EXT32U, I64, J.g[4], t);
                tcg_gen_exit_tb(J.s, 0);
                slow.loads = slow.stores = 0;
                struct run *r = run_block(&init, false);
                uint64_t v = 0;
                memcpy(&v, init.mem + (where[w].addr - MEM_BASE), size);
                if (sign)
                    v = sign_extend(v, 8 * size);
                g_assert_cmphex(J.cpu->g[0], ==, v);
                uint64_t stored = 0;
                memcpy(&stored, J.cpu->mem + (where[w].addr - MEM_BASE), size);
                g_assert_cmphex(stored, ==,
                                size == 8 ? init.g[2] : init.g[2] & ((1ull << (8 * size)) - 1));
                unsigned exp_ld = where[w].slow_ld, exp_st = where[w].slow_st;
                if (w >= 4 && !crosses)
                    exp_ld = exp_st = 0; /* inside page A after all */
                g_assert_cmpuint(slow.loads, ==, 2 * exp_ld);
                g_assert_cmpuint(slow.stores, ==, 2 * exp_st);
                run_free(r);
            }
        }
    }
}

/* The per-instruction table the exception path uses to find the guest pc. */
static void test_exec_insn_table(void)
{
    if (!jit_available())
        return;
    jit_configure(0);
    struct tcg_ctx *s = J.s;
    struct tcg_gen_result res;

    for (unsigned i = 0; i < 3; i++) {
        tcg_gen_insn_start(s, 0x4000 + 4 * i);
        tcg_gen_op3i(s, OP_ADD, I64, J.g[i], J.g[i + 1], (int64_t)i);
    }
    tcg_gen_exit_tb(s, 0);
    tcg_liveness(s);
    g_assert_cmpint(gen_at(BLOCK_OFFSET, (uintptr_t)&block_tb, &res), ==, 0);
    g_assert_cmpuint(res.nb_insns, ==, 3);
    for (unsigned i = 0; i < 3; i++) {
        g_assert_cmphex(res.insn_pc[i], ==, 0x4000 + 4 * i);
        g_assert_cmpuint(res.insn_end[i], >, i ? res.insn_end[i - 1] : 0);
        g_assert_cmpuint(res.insn_end[i], <=, res.code_size);
    }
    g_assert_cmpint(res.jmp_field[0], ==, -1);
    g_assert_cmpint(res.jmp_field[1], ==, -1);
    free_result(&res);
}

/* A helper that raises finds every global, pinned or dirty in a register, in memory. */
static void test_exec_helper_raise(void)
{
    if (!jit_available())
        return;
    jit_configure(1u << 0 | 1u << 1);
    struct tcg_ctx *s = J.s;
    int t = tcg_temp_new(s, I64);
    int args[TCG_MAX_CALL_ARGS] = {s->env, t};
    struct fake_cpu init;

    cpu_random(&init, 7);
    tcg_gen_op3i(s, OP_ADD, I64, J.g[0], J.g[0], 1); /* pinned */
    tcg_gen_op3i(s, OP_MUL, I64, J.g[5], J.g[5], 3); /* cached in a register */
    tcg_gen_op3i(s, OP_AND, I64, t, J.g[5], 0xf0);   /* raises: low bits clear */
    tcg_gen_call(s, &helpers[H_RAISE].h, -1, args);
    tcg_gen_op3i(s, OP_ADD, I64, J.g[6], J.g[6], 1); /* not reached */
    tcg_gen_exit_tb(s, 0);
    struct run *r = run_block(&init, true);
    g_assert_cmphex(r->got_exit, ==, EXIT_RAISED);
    g_assert_cmphex(J.cpu->g[0], ==, init.g[0] + 1);
    g_assert_cmphex(J.cpu->g[5], ==, init.g[5] * 3);
    g_assert_cmphex(J.cpu->g[6], ==, init.g[6]);
    run_free(r);
}

/* Globals a helper reads are current at the call; globals it writes are reloaded after. */
static void test_exec_helper_globals(void)
{
    if (!jit_available())
        return;
    for (unsigned pinned = 0; pinned < 2; pinned++) {
        jit_configure(pinned ? 0x1f : 0);
        struct tcg_ctx *s = J.s;
        int t = tcg_temp_new(s, I64);
        int args[TCG_MAX_CALL_ARGS] = {s->env, tcg_const(s, I64, 3)};
        int args2[TCG_MAX_CALL_ARGS] = {s->env, tcg_const(s, I64, 4)};
        struct fake_cpu init;

        cpu_random(&init, 8);
        tcg_gen_movi(s, I64, J.g[3], 100);
        tcg_gen_call(s, &helpers[H_READ].h, t, args); /* g3 * 3 + cnt + 3 */
        tcg_gen_mov(s, I64, J.g[5], t);
        tcg_gen_movi(s, I64, J.g[4], 7);
        tcg_gen_call(s, &helpers[H_WRITE].h, -1, args2); /* g4 = 21 */
        tcg_gen_op3i(s, OP_ADD, I64, J.g[6], J.g[4], 1);
        tcg_gen_exit_tb(s, 0);
        struct run *r = run_block(&init, true);
        g_assert_cmphex(J.cpu->g[5], ==, 300 + init.cnt + 3);
        g_assert_cmphex(J.cpu->g[4], ==, 21);
        g_assert_cmphex(J.cpu->g[6], ==, 22);
        run_free(r);
    }
}

/* Conditions with every comparison, against the interpreter, in both widths. */
static void test_exec_conditions(void)
{
    if (!jit_available())
        return;
    static const int64_t vals[] = {
        0, 1, -1, INT32_MIN, INT32_MAX, 0xffffffffll, INT64_MIN, 0x100000000ll};
    jit_configure(0x3);
    for (unsigned ty = 0; ty < 2; ty++) {
        for (unsigned c = TCG_COND_EQ; c <= TCG_COND_GTU; c++) {
            struct fake_cpu init;
            cpu_random(&init, 9);
            tcg_func_start(J.s);
            int l = tcg_label_new(J.s), d = tcg_temp_new(J.s, I64);
            /* 32-bit results reach the globals through ext32u. */
            enum tcg_opcode widen = ty ? OP_MOV : OP_EXT32U;
            for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++) {
                int k = tcg_const(J.s, I64, vals[i]);
                tcg_gen_setcond(J.s, ty ? I64 : I32, c, d, J.g[0], k);
                tcg_gen_op2(J.s, widen, I64, J.g[2 + (i & 3)], d);
                tcg_gen_movcond(J.s, ty ? I64 : I32, c, d, k, J.g[1], J.g[0], J.g[1]);
                tcg_gen_op2(J.s, widen, I64, J.g[6 + (i & 3)], d);
                tcg_gen_op3(J.s, OP_ADD, I64, J.g[10], J.g[10], J.g[2 + (i & 3)]);
                tcg_gen_op3(J.s, OP_XOR, I64, J.g[11], J.g[11], J.g[6 + (i & 3)]);
            }
            tcg_gen_brcond(J.s, ty ? I64 : I32, c, J.g[0], J.g[1], l);
            tcg_gen_exit_tb(J.s, 1);
            tcg_gen_set_label(J.s, l);
            tcg_gen_exit_tb(J.s, 2);
            for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++) {
                init.g[0] = (uint64_t)vals[i];
                init.g[1] = (uint64_t)vals[(i * 3 + 1) % G_N_ELEMENTS(vals)];
                struct tcg_op *saved = ops_dup(J.s->ops, J.s->nb_ops);
                unsigned n = J.s->nb_ops;
                run_free(run_block(&init, false));
                memcpy(J.s->ops, saved, n * sizeof(*saved));
                J.s->nb_ops = n;
                g_free(saved);
            }
        }
    }
}

/* ---- regressions ---- */

/*
 * A division by a constant whose dividend had to come back from a spill slot, with every
 * register taken: the constant divisor and the dividend must not be given the same register,
 * or rax/rdx.
 */
static void test_regress_div_const_divisor_pressure(void)
{
    if (!jit_available())
        return;
    static const enum tcg_opcode ops[] = {OP_DIV, OP_DIVU, OP_REM, OP_REMU};
    static const int64_t divisors[] = {7, -3, 0x10001, 2, INT32_MAX};

    for (unsigned pinned = 0; pinned < 2; pinned++) {
        jit_configure(pinned ? 0xf8 : 0);
        for (unsigned ty = 0; ty < 2; ty++) {
            struct tcg_ctx *s = J.s;
            int t[20];
            struct fake_cpu init;

            tcg_func_start(s);
            cpu_random(&init, 10 + ty);
            for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
                t[i] = tcg_temp_new(s, I64);
                tcg_gen_op3i(s, OP_MUL, I64, t[i], J.g[i % NB_GLOBALS], (int64_t)i * 0x1001 + 3);
            }
            for (unsigned i = 0; i < 12; i++) {
                int d = tcg_temp_new(s, I64);
                tcg_gen_op3i(s, ops[i % 4], ty ? I64 : I32, d, t[i], divisors[i % 5]);
                tcg_gen_op2(s, ty ? OP_MOV : OP_EXT32S, I64, J.g[i], d);
            }
            for (unsigned i = 0; i < G_N_ELEMENTS(t); i++)
                tcg_gen_op3(s, OP_ADD, I64, J.cnt, J.cnt, t[i]);
            tcg_gen_exit_tb(s, 0);
            struct run *r = run_block(&init, true);
            /* One value by hand, the rest by the interpreter. */
            uint64_t t0 = init.g[0] * 3;
            g_assert_cmphex(J.cpu->g[0], ==,
                            ty ? (uint64_t)((int64_t)t0 / 7)
                               : (uint64_t)(int64_t)((int32_t)(uint32_t)t0 / 7));
            run_free(r);
        }
    }
}

/*
 * A helper call whose arguments are block-pinned globals, in rsi, rdi, r8 and r9, crossing
 * the argument registers: an argument must not be read from a register an earlier one
 * already overwrote.
 */
static void test_regress_call_args_block_pinned(void)
{
    if (!jit_available())
        return;
    jit_configure(0);
    struct tcg_ctx *s = J.s;
    int head = tcg_label_new(s), done = tcg_label_new(s);
    int a = J.g[1], b = J.g[2], c = J.g[3], d = J.g[4];
    struct fake_cpu init;

    cpu_random(&init, 12);
    init.cnt = 3;
    /* six_env changes g[d % 12]: make that g9, which nothing else uses. */
    init.g[4] = 12 * 0x123456789ull + 9;
    /* Uses: a 5, b 4, c 3, d 2: they take rsi, rdi, r8, r9 in that order. */
    tcg_gen_set_label(s, head);
    tcg_gen_op3i(s, OP_ADD, I64, a, a, 1);
    tcg_gen_op3i(s, OP_ADD, I64, b, b, 2);
    tcg_gen_op3i(s, OP_ADD, I64, c, c, 3);
    int args[TCG_MAX_CALL_ARGS] = {b, a, d, c, a, b};
    tcg_gen_call(s, &helpers[H_SIX].h, J.g[5], args);
    int args2[TCG_MAX_CALL_ARGS] = {s->env, d, c, b, a, d};
    tcg_gen_call(s, &helpers[H_SIX_ENV].h, J.g[6], args2);
    tcg_gen_op3(s, OP_XOR, I64, J.g[7], J.g[7], J.g[5]);
    tcg_gen_op3(s, OP_XOR, I64, J.g[8], J.g[8], J.g[6]);
    tcg_gen_op3i(s, OP_SUB, I64, J.cnt, J.cnt, 1);
    tcg_gen_brcond(s, I64, TCG_COND_EQ, J.cnt, tcg_const(s, I64, 0), done);
    tcg_gen_exit_check(s);
    tcg_gen_br(s, head);
    tcg_gen_set_label(s, done);
    tcg_gen_exit_tb(s, 0);
    struct run *r = run_block(&init, true);
    /* The same by hand. */
    uint64_t ga = init.g[1] + 3, gb = init.g[2] + 6, gc = init.g[3] + 9;
    g_assert_cmphex(J.cpu->g[1], ==, ga);
    g_assert_cmphex(J.cpu->g[2], ==, gb);
    g_assert_cmphex(J.cpu->g[3], ==, gc);
    g_assert_cmphex(J.cpu->g[5], ==, helper_six(gb, ga, init.g[4], gc, ga, gb));
    run_free(r);
}

/*
 * Slow-path records live on across blocks: a block's guest accesses must not inherit an
 * earlier block's exit checks in the same slots (they would leave instead of loading).
 */
static void test_regress_slow_path_slot_after_exit_check(void)
{
    if (!jit_available())
        return;
    jit_configure(0);
    struct tcg_ctx *s = J.s;
    struct tcg_gen_result res;
    struct fake_cpu init;

    cpu_random(&init, 13);
    /* Block 1: three exit checks. */
    for (unsigned i = 0; i < 3; i++) {
        tcg_gen_op3i(s, OP_ADD, I64, J.g[i], J.g[i], 1);
        tcg_gen_exit_check(s);
    }
    tcg_gen_exit_tb(s, 0);
    tcg_liveness(s);
    g_assert_cmpint(tcg_backend_gen(s, &J.layout, J.code + BLOCK2_OFFSET, BLOCK_ROOM,
                                    (uintptr_t)&block2_tb, &res, NULL),
                    ==, 0);
    free_result(&res);
    /* Block 2: three accesses that miss the TLB. */
    tcg_func_start(s);
    init.g[1] = PAGE_B + 0x10;
    tcg_gen_guest_ld(s, I64, J.g[0], J.g[1], MO_32, 0);
    tcg_gen_guest_st(s, I64, J.g[0], J.g[1], MO_8, 0);
    tcg_gen_guest_ld(s, I64, J.g[2], J.g[1], MO_64, 0);
    tcg_gen_goto_tb(s, 0);
    slow.loads = slow.stores = 0;
    struct run *r = run_block(&init, false);
    g_assert_cmphex(r->got_exit, ==, (uintptr_t)&block_tb | 0);
    g_assert_cmpuint(slow.loads, ==, 2);
    g_assert_cmpuint(slow.stores, ==, 1);
    /* And block 1 still works: its exit checks leave when asked. */
    init.exit_request = 0;
    *J.cpu = init;
    g_assert_cmphex(jit_run(J.cpu, J.code + BLOCK2_OFFSET), ==, 0);
    g_assert_cmphex(J.cpu->g[2], ==, init.g[2] + 1);
    run_free(r);
}

/*
 * A pinned global changed, then a branch around a helper call (which writes it back). At
 * the label, its memory copy is stale on the branch's path: a later call must write it
 * back again before the helper runs and the register is reloaded.
 */
static void test_regress_pinned_global_at_join(void)
{
    if (!jit_available())
        return;
    jit_configure(1u << 10);
    struct tcg_ctx *s = J.s;
    int l = tcg_label_new(s);
    int args[TCG_MAX_CALL_ARGS] = {s->env, tcg_const(s, I64, 9)}; /* write: g9 = 46 */

    for (unsigned taken = 0; taken < 2; taken++) {
        struct fake_cpu init;
        cpu_random(&init, 14);
        init.g[1] = taken;
        tcg_func_start(s);
        args[1] = tcg_const(s, I64, 9);
        tcg_gen_movi(s, I64, J.g[10], 0x7f4631c8);
        tcg_gen_brcond(s, I64, TCG_COND_NE, J.g[1], tcg_const(s, I64, 0), l);
        tcg_gen_call(s, &helpers[H_READ].h, J.g[3], args);
        tcg_gen_set_label(s, l);
        tcg_gen_call(s, &helpers[H_WRITE].h, -1, args);
        tcg_gen_exit_tb(s, 0);
        struct run *r = run_block(&init, false);
        g_assert_cmphex(J.cpu->g[10], ==, 0x7f4631c8);
        g_assert_cmphex(J.cpu->g[9], ==, 46);
        run_free(r);
    }
}

/*
 * A temp read on both sides of a branch, discarded on the fall-through side before it
 * jumps past the other: at the other side's label it is still live (in its spill slot).
 */
static void test_regress_discarded_temp_at_join(void)
{
    if (!jit_available())
        return;
    jit_configure(0);
    struct tcg_ctx *s = J.s;

    for (unsigned v = 0; v < 4; v++) {
        bool taken = v & 1, optimize = v & 2;
        struct fake_cpu init;
        cpu_random(&init, 15);
        init.g[2] = taken;
        tcg_func_start(s);
        int t = tcg_temp_new(s, I64), other = tcg_label_new(s), end = tcg_label_new(s);
        tcg_gen_op3i(s, OP_MUL, I64, t, J.g[1], 3);
        tcg_gen_brcond(s, I64, TCG_COND_NE, J.g[2], tcg_const(s, I64, 0), other);
        tcg_gen_setcond(s, I64, TCG_COND_LEU, J.g[4], t, J.g[5]);
        tcg_gen_discard(s, t);
        tcg_gen_br(s, end);
        tcg_gen_set_label(s, other);
        tcg_gen_op3i(s, OP_ADD, I64, J.g[6], t, 1);
        tcg_gen_set_label(s, end);
        tcg_gen_exit_tb(s, 0);
        init.g[1] = 0x1234;
        struct run *r = run_block(&init, optimize);
        g_assert_cmphex(J.cpu->g[6], ==, taken ? 0x1234 * 3 + 1 : init.g[6]);
        run_free(r);
    }
}

/* "always" and "never" on values not known at translation time: no x86 condition is. */
static void test_regress_cond_always_never(void)
{
    if (!jit_available())
        return;
    jit_configure(1u << 0);
    struct tcg_ctx *s = J.s;

    for (unsigned never = 0; never < 2; never++) {
        enum tcg_cond c = never ? TCG_COND_NEVER : TCG_COND_ALWAYS;
        struct fake_cpu init;
        cpu_random(&init, 16);
        tcg_func_start(s);
        int l = tcg_label_new(s);
        tcg_gen_setcond(s, I64, c, J.g[2], J.g[0], J.g[1]);
        tcg_gen_movcond(s, I64, c, J.g[3], J.g[0], J.g[1], J.g[4], J.g[5]);
        tcg_gen_brcond(s, I32, c, J.g[0], J.g[6], l);
        tcg_gen_exit_tb(s, 1);
        tcg_gen_set_label(s, l);
        tcg_gen_exit_tb(s, 2);
        struct run *r = run_block(&init, false);
        g_assert_cmphex(r->got_exit, ==, never ? 1 : 2);
        g_assert_cmphex(J.cpu->g[2], ==, !never);
        g_assert_cmphex(J.cpu->g[3], ==, never ? init.g[5] : init.g[4]);
        run_free(r);
    }
}

/* ---- random blocks against the interpreter ---- */

enum { UNDEF, W32, W64 }; /* what a local holds: nothing, a 32-bit value, a 64-bit value */

#define NB_L64 20
#define NB_L32 8
#define NB_LOCALS (NB_L64 + NB_L32)

struct gen {
    struct tcg_ctx *s;
    uint64_t rng;
    int local[NB_LOCALS]; /* the first NB_L64 are I64 temps, the rest I32 */
    uint8_t state[NB_LOCALS];
    int mix; /* an I64 temp for the block's epilogue */
    bool bitcount;
    bool goto1_used;
    unsigned depth;
};

struct stats {
    unsigned blocks, runs, loops, raised, requested, chained, lookups_hit;
    unsigned slow_loads, slow_stores, guest_accesses;
};

static uint64_t rnd(struct gen *g)
{
    /* xorshift64* */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 0x2545f4914f6cdd1dull;
}

static unsigned below(struct gen *g, unsigned n)
{
    return (unsigned)(rnd(g) % n);
}

static bool chance(struct gen *g, unsigned percent)
{
    return below(g, 100) < percent;
}

static uint64_t mix64(uint64_t x)
{
    /* splitmix64's finalizer */
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int64_t interesting(struct gen *g)
{
    static const int64_t v[] = {
        0,
        1,
        -1,
        2,
        3,
        7,
        8,
        31,
        32,
        63,
        64,
        0x7f,
        0x80,
        0xff,
        0x7fff,
        0x8000,
        0xffff,
        INT32_MAX,
        INT32_MIN,
        0xffffffffll,
        0x100000000ll,
        INT64_MAX,
        INT64_MIN,
        0x123456789abcdefll,
        -2,
        0x10000,
    };
    switch (below(g, 3)) {
    case 0: return v[below(g, G_N_ELEMENTS(v))];
    case 1: return (int64_t)rnd(g);
    default: return (int32_t)rnd(g);
    }
}

static int local_index(const struct gen *g, int t)
{
    for (unsigned i = 0; i < NB_LOCALS; i++)
        if (g->local[i] == t)
            return (int)i;
    return -1;
}

static int pick_global(struct gen *g, bool with_cnt)
{
    if (with_cnt && chance(g, 8))
        return J.cnt;
    return J.g[below(g, NB_GLOBALS)];
}

/* A defined local holding at least min_state, or -1. */
static int pick_defined(struct gen *g, unsigned min_state)
{
    unsigned start = below(g, NB_LOCALS);

    for (unsigned k = 0; k < NB_LOCALS; k++) {
        unsigned i = (start + k) % NB_LOCALS;
        if (g->state[i] >= min_state && g->state[i] != UNDEF)
            return g->local[i];
    }
    return -1;
}

/* An input for an op of type ty: a 64-bit op reads only 64-bit values. */
static int pick_in(struct gen *g, enum tcg_type ty)
{
    unsigned r = below(g, 10);
    int t = -1;

    if (r >= 3 && r < 8)
        t = pick_defined(g, ty == I64 ? W64 : W32);
    if (t >= 0)
        return t;
    if (r >= 8)
        return tcg_const(g->s, ty, interesting(g));
    return pick_global(g, true);
}

static bool may_write(struct gen *g, int t, enum tcg_type ty)
{
    int i = local_index(g, t);

    if (i < 0)
        return ty == I64 && t != J.cnt && g->s->temps[t].kind == TEMP_GLOBAL;
    return ty == I32 || i < NB_L64;
}

/* An output for an op of type ty, often one of its inputs. */
static int pick_out(struct gen *g, enum tcg_type ty, const int *ins, unsigned nb_ins)
{
    if (nb_ins && chance(g, 25)) {
        int t = ins[below(g, nb_ins)];
        if (may_write(g, t, ty))
            return t;
    }
    if (ty == I64)
        return chance(g, 35) ? pick_global(g, false) : g->local[below(g, NB_L64)];
    return g->local[below(g, NB_LOCALS)];
}

static void wrote(struct gen *g, int t, enum tcg_type ty)
{
    int i = local_index(g, t);

    if (i >= 0)
        g->state[i] = ty == I64 ? W64 : W32;
}

static enum tcg_type pick_type(struct gen *g)
{
    return chance(g, 65) ? I64 : I32;
}

static enum tcg_cond pick_cond(struct gen *g)
{
    return (enum tcg_cond)below(g, TCG_COND_NEVER + 1);
}

static void gen_binary(struct gen *g)
{
    static const enum tcg_opcode ops[] = {OP_ADD,  OP_SUB,  OP_MUL,   OP_AND,  OP_OR,
                                          OP_XOR,  OP_ANDC, OP_SHL,   OP_SHR,  OP_SAR,
                                          OP_ROTL, OP_ROTR, OP_MULSH, OP_MULUH};
    enum tcg_type ty = pick_type(g);
    enum tcg_opcode opc = ops[below(g, G_N_ELEMENTS(ops))];
    int in[2];

    in[0] = pick_in(g, ty);
    if (opc >= OP_SHL && opc <= OP_ROTR && chance(g, 50))
        in[1] =
            tcg_const(g->s, ty, below(g, 100) < 90 ? below(g, ty == I64 ? 64 : 32) : below(g, 200));
    else
        in[1] = chance(g, 15) ? in[0] : pick_in(g, ty);
    int d = pick_out(g, ty, in, 2);
    tcg_gen_op3(g->s, opc, ty, d, in[0], in[1]);
    wrote(g, d, ty);
}

/* Division by a value made nonzero, and never -1 (no overflow), or by such a constant. */
static void gen_divide(struct gen *g)
{
    static const enum tcg_opcode ops[] = {OP_DIV, OP_DIVU, OP_REM, OP_REMU};
    enum tcg_type ty = pick_type(g);
    enum tcg_opcode opc = ops[below(g, 4)];
    int in[2];

    in[0] = pick_in(g, ty);
    if (chance(g, 40)) {
        int64_t v;
        do
            v = ty == I32 ? (int32_t)interesting(g) : interesting(g);
        while (v == 0 || v == -1);
        in[1] = tcg_const(g->s, ty, v);
    } else {
        /* Two distinct locals a result of type ty may go to. */
        unsigned n = ty == I64 ? NB_L64 : NB_LOCALS;
        int dv = g->local[below(g, n)], t = g->local[below(g, n)];
        while (t == dv)
            t = g->local[below(g, n)];
        tcg_gen_op3(g->s, OP_OR, ty, dv, pick_in(g, ty), tcg_const(g->s, ty, 1));
        wrote(g, dv, ty);
        tcg_gen_setcond(g->s, ty, TCG_COND_EQ, t, dv, tcg_const(g->s, ty, -1));
        wrote(g, t, ty);
        tcg_gen_op3(g->s, OP_SUB, ty, dv, dv, t);
        in[1] = dv;
    }
    int d = pick_out(g, ty, in, 2);
    tcg_gen_op3(g->s, opc, ty, d, in[0], in[1]);
    wrote(g, d, ty);
}

static void gen_unary(struct gen *g)
{
    static const enum tcg_opcode ops[] = {OP_NEG,    OP_NOT,    OP_EXT8S,  OP_EXT8U,
                                          OP_EXT16S, OP_EXT16U, OP_EXT32S, OP_EXT32U,
                                          OP_EXTRL,  OP_CLZ,    OP_CTZ,    OP_CPOP};
    enum tcg_opcode opc = ops[below(g, G_N_ELEMENTS(ops))];

    /* Without lzcnt/tzcnt/popcnt (they would decode as bsr/bsf), the same random stream. */
    if (!g->bitcount && opc >= OP_CLZ && opc <= OP_CPOP)
        opc = OP_NOT;
    enum tcg_type ty = opc == OP_EXTRL ? I32 : pick_type(g);
    /* Extensions and extrl read at most the low 32 bits: any value will do. */
    bool narrow_in = opc >= OP_EXT8S && opc <= OP_EXTRL;
    int in = pick_in(g, narrow_in ? I32 : ty);
    if (narrow_in && tcg_temp_is_const(g->s, in))
        in = tcg_const(g->s, ty, interesting(g));
    int d = pick_out(g, ty, &in, 1);
    tcg_gen_op2(g->s, opc, ty, d, in);
    wrote(g, d, ty);
}

static void gen_move(struct gen *g)
{
    enum tcg_type ty = pick_type(g);
    int in = chance(g, 30) ? tcg_const(g->s, ty, interesting(g)) : pick_in(g, ty);
    int d = pick_out(g, ty, NULL, 0);

    tcg_gen_mov(g->s, ty, d, in);
    wrote(g, d, ty);
}

static void gen_setcond_movcond(struct gen *g)
{
    enum tcg_type ty = pick_type(g);
    int in[4];

    in[0] = pick_in(g, ty);
    in[1] = chance(g, 15) ? in[0] : pick_in(g, ty);
    if (chance(g, 40)) {
        int d = pick_out(g, ty, in, 2);
        tcg_gen_setcond(g->s, ty, pick_cond(g), d, in[0], in[1]);
        wrote(g, d, ty);
        return;
    }
    in[2] = pick_in(g, ty);
    in[3] = chance(g, 15) ? in[2] : pick_in(g, ty);
    int d = pick_out(g, ty, in, 4);
    tcg_gen_movcond(g->s, ty, pick_cond(g), d, in[0], in[1], in[2], in[3]);
    wrote(g, d, ty);
}

/* An address inside guest memory, in a local or a global; aligned to size when asked. */
static int gen_address(struct gen *g, unsigned size, bool aligned)
{
    int a = chance(g, 75) ? g->local[below(g, NB_L64)] : pick_global(g, false);
    int64_t mask = aligned ? (int64_t)((MEM_SIZE - 1) & ~(size - 1)) : (int64_t)(MEM_SIZE - 9);

    tcg_gen_op3(g->s, OP_AND, I64, a, pick_in(g, I64), tcg_const(g->s, I64, mask));
    tcg_gen_op3(g->s, OP_ADD, I64, a, a, tcg_const(g->s, I64, MEM_BASE));
    wrote(g, a, I64);
    return a;
}

static void gen_guest_access(struct gen *g, bool store)
{
    enum tcg_type ty = pick_type(g);
    unsigned log = below(g, ty == I64 ? 4 : 3), size = 1u << log;
    bool aligned = chance(g, 20);
    unsigned memop = log | (aligned ? MO_ALIGN : 0);
    unsigned mmu = below(g, NB_MMU);

    if (!store && size < 8 && chance(g, 50))
        memop |= MO_SIGN;
    int addr = gen_address(g, size, aligned);
    if (store) {
        tcg_gen_guest_st(g->s, ty, pick_in(g, ty), addr, memop, mmu);
        return;
    }
    int d = pick_out(g, ty, &addr, 1);
    tcg_gen_guest_ld(g->s, ty, d, addr, memop, mmu);
    wrote(g, d, ty);
}

static void gen_host_access(struct gen *g, bool store)
{
    static const enum tcg_opcode lds[] = {OP_LD8U,  OP_LD8S,  OP_LD16U, OP_LD16S,
                                          OP_LD32U, OP_LD32S, OP_LD};
    static const enum tcg_opcode sts[] = {OP_ST8, OP_ST16, OP_ST32, OP_ST};
    enum tcg_type ty = pick_type(g);
    enum tcg_opcode opc = store ? sts[below(g, 4)] : lds[below(g, 7)];
    unsigned size = opc == OP_LD || opc == OP_ST        ? (ty == I64 ? 8 : 4)
                    : opc <= OP_LD8S || opc == OP_ST8   ? 1
                    : opc <= OP_LD16S || opc == OP_ST16 ? 2
                                                        : 4;
    int32_t off =
        (int32_t)offsetof(struct fake_cpu, scratch) + (int32_t)below(g, SCRATCH_SIZE - size + 1);

    if (store) {
        tcg_gen_st(g->s, opc, ty, pick_in(g, ty), g->s->env, off);
        return;
    }
    int d = pick_out(g, ty, NULL, 0);
    tcg_gen_ld(g->s, opc, ty, d, g->s->env, off);
    wrote(g, d, ty);
}

static void gen_call(struct gen *g)
{
    unsigned k = below(g, NB_HELPERS);
    int args[TCG_MAX_CALL_ARGS];

    if (k == H_RAISE && chance(g, 50))
        k = H_KICK; /* raising (one time in four) ends the block: not too often */
    const struct helper_desc *hd = &helpers[k];
    for (unsigned i = 0; i < hd->h.nb_args; i++)
        args[i] = i == 0 && hd->env_arg ? g->s->env : pick_in(g, I64);
    int d = hd->h.has_ret && chance(g, 85) ? pick_out(g, I64, args, hd->h.nb_args) : -1;
    tcg_gen_call(g->s, &hd->h, d, args);
    if (d >= 0)
        wrote(g, d, I64);
}

static void gen_region(struct gen *g, unsigned n);

static void merge_state(struct gen *g, const uint8_t *other)
{
    for (unsigned i = 0; i < NB_LOCALS; i++)
        g->state[i] = MIN(g->state[i], other[i]) == UNDEF       ? UNDEF
                      : (g->state[i] == W32 || other[i] == W32) ? W32
                                                                : W64;
}

static void gen_branch_cond(struct gen *g, int label)
{
    enum tcg_type ty = pick_type(g);
    int a = pick_in(g, ty), b = chance(g, 10) ? a : pick_in(g, ty);

    tcg_gen_brcond(g->s, ty, pick_cond(g), a, b, label);
}

static void gen_exit(struct gen *g, bool last)
{
    unsigned r = below(g, 10);

    if (r < 5 && (last || !g->goto1_used)) {
        if (!last)
            g->goto1_used = true;
        tcg_gen_goto_tb(g->s, last ? 0 : 1);
    } else if (r < 7) {
        tcg_gen_exit_tb(g->s, (uintptr_t)(rnd(g) & 0xffffff0) | TCG_EXIT_NOCHAIN);
    } else {
        static const uint64_t pcs[] = {TARGET_PC, OTHER_PC, TARGET_PC + 0x40};
        int pc;
        if (chance(g, 70)) {
            pc = tcg_const(g->s, I64, (int64_t)pcs[below(g, 3)]);
        } else {
            pc = pick_in(g, I64);
        }
        tcg_gen_lookup_and_goto(g->s, pc, chance(g, 80) ? TARGET_FLAGS : TARGET_FLAGS + 1);
    }
}

/* if (cond) { region } / if-else / an early exit, with the locals' states merged after. */
static void gen_structure(struct gen *g)
{
    uint8_t before[NB_LOCALS], then[NB_LOCALS];
    int l1 = tcg_label_new(g->s), l2;

    g->depth++;
    gen_branch_cond(g, l1);
    memcpy(before, g->state, sizeof(before));
    switch (below(g, 3)) {
    case 0:
        gen_region(g, 1 + below(g, 8));
        tcg_gen_set_label(g->s, l1);
        merge_state(g, before);
        break;
    case 1:
        l2 = tcg_label_new(g->s);
        gen_region(g, 1 + below(g, 8));
        tcg_gen_br(g->s, l2);
        memcpy(then, g->state, sizeof(then));
        memcpy(g->state, before, sizeof(before));
        tcg_gen_set_label(g->s, l1);
        gen_region(g, 1 + below(g, 8));
        tcg_gen_set_label(g->s, l2);
        merge_state(g, then);
        break;
    default:
        gen_region(g, below(g, 4));
        gen_exit(g, false);
        memcpy(g->state, before, sizeof(before));
        tcg_gen_set_label(g->s, l1);
        break;
    }
    g->depth--;
}

static void gen_op(struct gen *g)
{
    unsigned r = below(g, 100);

    if (r < 22)
        gen_binary(g);
    else if (r < 30)
        gen_divide(g);
    else if (r < 40)
        gen_unary(g);
    else if (r < 50)
        gen_move(g);
    else if (r < 58)
        gen_setcond_movcond(g);
    else if (r < 66)
        gen_guest_access(g, chance(g, 40));
    else if (r < 71)
        gen_host_access(g, chance(g, 40));
    else if (r < 78)
        gen_call(g);
    else if (r < 80 && pick_defined(g, W32) >= 0) {
        int t = pick_defined(g, W32);
        tcg_gen_discard(g->s, t);
        g->state[local_index(g, t)] = UNDEF;
    } else if (r < 81)
        tcg_gen_exit_check(g->s);
    else if (r < 84)
        tcg_gen_insn_start(g->s, 0x1000 + 4 * rnd(g) % 0x100);
    else if (r < 90 && g->depth < 2 && g->s->nb_labels < TCG_MAX_LABELS - 8 &&
             g->s->nb_temps < TCG_MAX_TEMPS - 100)
        gen_structure(g);
    else
        gen_binary(g);
}

static void gen_region(struct gen *g, unsigned n)
{
    for (unsigned i = 0; i < n && g->s->nb_ops < TCG_MAX_OPS - 200; i++)
        gen_op(g);
}

/* Folds what the locals hold into globals, so that every spilled value is checked. */
static void gen_consume(struct gen *g)
{
    for (unsigned i = 0; i < NB_LOCALS; i++) {
        if (g->state[i] == UNDEF || !chance(g, 70))
            continue;
        int dst = J.g[below(g, NB_GLOBALS)], src = g->local[i];
        if (g->state[i] == W32) {
            tcg_gen_op2(g->s, chance(g, 50) ? OP_EXT32S : OP_EXT32U, I64, g->mix, src);
            src = g->mix;
        }
        tcg_gen_op3(g->s, chance(g, 50) ? OP_XOR : OP_ADD, I64, dst, dst, src);
    }
}

/* Builds a random block in g->s; returns whether it loops. */
static bool gen_block(struct gen *g)
{
    struct tcg_ctx *s = g->s;
    int head = -1, done;
    bool loops = chance(g, 30);

    tcg_func_start(s);
    for (unsigned i = 0; i < NB_LOCALS; i++) {
        g->local[i] = tcg_temp_new(s, i < NB_L64 ? I64 : I32);
        g->state[i] = UNDEF;
    }
    g->mix = tcg_temp_new(s, I64);
    g->goto1_used = false;
    g->depth = 0;
    if (loops) {
        head = tcg_label_new(s);
        tcg_gen_set_label(s, head);
    }
    tcg_gen_insn_start(s, 0x1000);
    gen_region(g, 5 + below(g, chance(g, 20) ? 300 : 80));
    gen_consume(g);
    if (loops) {
        tcg_gen_op3(s, OP_SUB, I64, J.cnt, J.cnt, tcg_const(s, I64, 1));
        if (chance(g, 50)) {
            done = tcg_label_new(s);
            tcg_gen_brcond(s, I64, TCG_COND_EQ, J.cnt, tcg_const(s, I64, 0), done);
            tcg_gen_exit_check(s);
            tcg_gen_br(s, head);
            tcg_gen_set_label(s, done);
        } else {
            tcg_gen_exit_check(s);
            tcg_gen_brcond(s, I64, TCG_COND_NE, J.cnt, tcg_const(s, I64, 0), head);
        }
    }
    gen_exit(g, true);
    g_assert_false(s->overflow);
    return loops;
}

struct random_ctx {
    uint64_t seed;
    unsigned index;
    struct tcg_op *ops; /* the block as built */
    unsigned nb_ops;
    struct stats *st;
};

/*
 * Runs the block ops (as built) one way through the passes, with the chaining slots given;
 * NULL when the generated code, the interpreter on ops and the interpreter on what the
 * passes made of them all agree, else why not. r receives the run.
 */
static const char *check_block(const struct tcg_op *ops, unsigned nb_ops, bool optimize,
                               const struct fake_cpu *init, const bool chained[2], struct run *r)
{
    struct tcg_ctx *s = J.s;
    struct tcg_gen_result res;
    unsigned insns = 0;
    const char *fail = NULL;

    *r = (struct run){
        .ops = ops, .nb_ops = nb_ops, .offset = BLOCK_OFFSET, .tb = (uintptr_t)&block_tb};
    memcpy(s->ops, ops, nb_ops * sizeof(*s->ops));
    s->nb_ops = nb_ops;
    if (optimize)
        tcg_optimize(s);
    tcg_liveness(s);
    for (unsigned i = 0; i < s->nb_ops; i++)
        insns += s->ops[i].opc == OP_INSN_START;
    int ret = gen_at(BLOCK_OFFSET, r->tb, &res);
    if (ret) {
        snprintf(r->why, sizeof(r->why), "tcg_backend_gen returned %d", ret);
        return r->why;
    }
    if (res.nb_insns != insns)
        fail = "the instruction table misses instructions";
    for (unsigned n = 0; n < 2; n++) {
        r->chained[n] = chained[n] && res.jmp_field[n] >= 0;
        if (r->chained[n])
            tcg_backend_patch_jump(J.code + BLOCK_OFFSET, res.jmp_field[n], target_tb.code);
    }
    free_result(&res);
    if (fail)
        return fail;
    /* The passes must not change what the block does, whatever the backend makes of it. */
    struct interp *in = interp_new();
    struct fake_cpu *after = g_malloc(sizeof(*after));
    in->s = s;
    in->cpu = after;
    in->tb = r->tb;
    memcpy(in->chained, r->chained, sizeof(r->chained));
    *after = *init;
    uintptr_t exit2 = interp_run(in, s->ops, s->nb_ops);
    if (in->error) {
        snprintf(r->why, sizeof(r->why), "interpreter: after the passes, the block %s", in->error);
        fail = r->why;
        r->passes_failed = true;
    }
    if (!fail)
        fail = run_compare(r, init);
    if (!fail && (exit2 != r->want_exit || cpu_diff(&r->want, after, r->why, sizeof(r->why)))) {
        fail = "the passes changed what the block does";
        r->passes_failed = true;
    }
    g_free(after);
    g_free(in);
    return fail;
}

/*
 * The rules the generator follows, checked on every path: a local is read only when every
 * path defined it; a 64-bit op reads only 64-bit values (extensions read the low half of
 * anything); 32-bit results go to locals only. The reducer must keep them too.
 */
static void wf_merge(uint8_t *into, const uint8_t *from, unsigned n)
{
    for (unsigned t = 0; t < n; t++)
        into[t] = MIN(into[t], from[t]) == UNDEF       ? UNDEF
                  : (into[t] == W32 || from[t] == W32) ? W32
                                                       : W64;
}

static const char *wf_read(const struct tcg_ctx *s, const uint8_t *st, int t, bool need64)
{
    if (s->temps[t].kind != TEMP_LOCAL)
        return NULL;
    if (st[t] == UNDEF)
        return "reads a local not defined on every path";
    if (need64 && st[t] != W64)
        return "a 64-bit op reads a 32-bit value";
    return NULL;
}

static const char *ir_well_formed(const struct tcg_op *ops, unsigned nb_ops)
{
    const struct tcg_ctx *s = J.s;
    unsigned n = s->nb_temps;
    uint8_t *st = g_malloc0(n), *at = g_malloc((size_t)TCG_MAX_LABELS * n);
    bool *seen = g_new0(bool, TCG_MAX_LABELS), *placed = g_new0(bool, TCG_MAX_LABELS);
    bool reachable = true;
    const char *err = NULL;

    for (unsigned i = 0; i < nb_ops && !err; i++) {
        const struct tcg_op *op = &ops[i];
        bool wide = op->type == I64 && op->opc != OP_CALL;
        bool ext = op->opc >= OP_EXT8S && op->opc <= OP_EXTRL;
        if (op->opc == OP_SET_LABEL) {
            int l = (int)op->args[0];
            uint8_t *in = at + (size_t)l * n;
            if (!seen[l])
                memset(in, W64, n); /* nothing known yet: merging keeps the other side */
            if (reachable)
                wf_merge(in, st, n);
            memcpy(st, in, n);
            /* A back edge's target: what the loop body defines does not count there. */
            for (unsigned j = i + 1; j < nb_ops; j++)
                if ((ops[j].opc == OP_BR && ops[j].args[0] == l) ||
                    (ops[j].opc == OP_BRCOND && ops[j].args[3] == l))
                    memset(st, UNDEF, n);
            placed[l] = true;
            reachable = true;
            continue;
        }
        if (op->opc == OP_DISCARD) {
            st[op->args[0]] = UNDEF;
            continue;
        }
        for (unsigned a = 0; a < op->nb_i && !err; a++)
            err = wf_read(
                s, st, (int)op->args[op->nb_o + a],
                op->opc == OP_CALL || op->opc == OP_LOOKUP_AND_GOTO ||
                    (op->opc >= OP_GUEST_LD && op->opc <= OP_GUEST_ST && a + 1u == op->nb_i) ||
                    (wide && !ext));
        for (unsigned a = 0; a < op->nb_o && !err; a++) {
            int t = (int)op->args[a];
            bool w64 = op->opc == OP_CALL || op->type == I64;
            if (s->temps[t].kind == TEMP_GLOBAL && !w64)
                err = "a 32-bit result goes to a global";
            else if (s->temps[t].kind == TEMP_LOCAL && w64 && s->temps[t].type != I64)
                err = "a 64-bit result goes to a 32-bit temp";
            else if (s->temps[t].kind == TEMP_LOCAL)
                st[t] = w64 ? W64 : W32;
        }
        if (op->opc == OP_BRCOND || op->opc == OP_BR) {
            int l = (int)op->args[op->opc == OP_BR ? 0 : 3];
            if (!placed[l]) {
                if (!seen[l])
                    memcpy(at + (size_t)l * n, st, n);
                else
                    wf_merge(at + (size_t)l * n, st, n);
                seen[l] = true;
            }
        }
        if (op->opc == OP_BR || (tcg_op_flags(op->opc) & OPF_TB_EXIT))
            reachable = false;
    }
    g_free(st);
    g_free(at);
    g_free(seen);
    g_free(placed);
    return err;
}

/* Whether the interpreter gives the block as built a meaning (no undefined reads...). */
static bool block_valid(const struct tcg_op *ops, unsigned nb_ops, const struct fake_cpu *init)
{
    if (ir_well_formed(ops, nb_ops))
        return false;
    struct interp *in = interp_new();
    struct fake_cpu *c = g_malloc(sizeof(*c));

    in->s = J.s;
    in->cpu = c;
    in->tb = (uintptr_t)&block_tb;
    *c = *init;
    interp_run(in, ops, nb_ops);
    bool ok = !in->error;
    g_free(c);
    g_free(in);
    return ok;
}

/* Drops ops from a failing block while it keeps failing: what is left shows the bug. */
static unsigned reduce_block(struct tcg_op *ops, unsigned nb_ops, bool optimize,
                             const struct fake_cpu *init, const bool chained[2], bool passes)
{
    struct tcg_op *cand = g_new(struct tcg_op, TCG_MAX_OPS);
    struct run *r = g_malloc(sizeof(*r));
    bool progress = true;

    while (progress) {
        progress = false;
        for (unsigned i = nb_ops; i-- > 0;) {
            if (ops[i].opc == OP_SET_LABEL)
                continue;
            memcpy(cand, ops, i * sizeof(*ops));
            memcpy(cand + i, ops + i + 1, (nb_ops - i - 1) * sizeof(*ops));
            if (!block_valid(cand, nb_ops - 1, init) ||
                !check_block(cand, nb_ops - 1, optimize, init, chained, r) ||
                r->passes_failed != passes)
                continue;
            memcpy(ops, cand, (nb_ops - 1) * sizeof(*ops));
            nb_ops--;
            progress = true;
        }
    }
    g_free(r);
    g_free(cand);
    return nb_ops;
}

static void report_block(const char *title, const struct tcg_op *ops, unsigned nb_ops,
                         bool optimize, bool listing)
{
    struct tcg_ctx *s = J.s;
    struct tcg_gen_result res;
    char *text = NULL;

    memcpy(s->ops, ops, nb_ops * sizeof(*s->ops));
    s->nb_ops = nb_ops;
    dump_to_stderr(title, s);
    if (optimize)
        tcg_optimize(s);
    tcg_liveness(s);
    dump_to_stderr("  ... as given to the backend:", s);
    if (listing && tcg_backend_gen(s, &J.layout, J.code + BLOCK_OFFSET, BLOCK_ROOM,
                                   (uintptr_t)&block_tb, &res, &text) == 0) {
        fprintf(stderr, "  ... host code:\n%s\n", text ? text : "");
        free_result(&res);
    }
    free(text);
}

/* One block, one way through the passes: returns false on a mismatch (reported). */
static bool random_variant(struct random_ctx *rc, struct gen *g, bool optimize,
                           const struct fake_cpu *init)
{
    struct run *r = g_malloc(sizeof(*r));
    bool chained[2] = {chance(g, 50), chance(g, 50)};
    const char *variant = optimize ? "optimize+liveness" : "liveness only";
    unsigned loads0 = slow.loads, stores0 = slow.stores;
    const char *fail = check_block(rc->ops, rc->nb_ops, optimize, init, chained, r);

    rc->st->runs++;
    rc->st->chained += r->chained[0] + r->chained[1];
    rc->st->raised += r->got_exit == EXIT_RAISED;
    rc->st->requested += (r->got_exit & TCG_EXIT_KIND_MASK) == TCG_EXIT_REQUESTED &&
                         (r->got_exit & ~(uintptr_t)TCG_EXIT_KIND_MASK) == r->tb;
    rc->st->lookups_hit += r->got_exit == TARGET_EXIT;
    rc->st->slow_loads += slow.loads - loads0;
    rc->st->slow_stores += slow.stores - stores0;
    if (fail) {
        fprintf(stderr, "random block %u of seed 0x%" PRIx64 " (%s): %s\n", rc->index, rc->seed,
                variant, fail);
        fprintf(stderr,
                "pinned globals: mask 0x%x; rerun with KESTREL_TCG_SEED=0x%" PRIx64
                " KESTREL_TCG_BLOCK=%u\n",
                J.pinned, rc->seed, rc->index);
        report_block("the block:", rc->ops, rc->nb_ops, optimize, false);
        if (block_valid(rc->ops, rc->nb_ops, init)) {
            struct tcg_op *ops = ops_dup(rc->ops, rc->nb_ops);
            unsigned n = reduce_block(ops, rc->nb_ops, optimize, init, chained, r->passes_failed);
            check_block(ops, n, optimize, init, chained, r);
            fprintf(stderr, "reduced to %u ops, still failing: %s\n", n, r->why);
            report_block("the reduced block:", ops, n, optimize, true);
            g_free(ops);
        }
        g_test_fail();
    }
    g_free(r);
    return !fail;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
    const char *v = g_getenv(name);
    return v ? g_ascii_strtoull(v, NULL, 0) : def;
}

static void test_random_differential(void)
{
    if (!jit_available())
        return;
    uint64_t seed = env_u64("KESTREL_TCG_SEED", 0x6b65737472656c);
    unsigned nb_blocks = (unsigned)env_u64("KESTREL_TCG_BLOCKS", 5000);
    unsigned only = (unsigned)env_u64("KESTREL_TCG_BLOCK", UINT32_MAX);
    struct stats st = {0};
    struct gen g = {.s = J.s, .bitcount = have_bitcount_insns()};
    struct random_ctx rc = {.seed = seed, .st = &st};
    struct fake_cpu *init = g_malloc(sizeof(*init));
    unsigned failures = 0;
    int32_t config = -1;

    rc.ops = g_new(struct tcg_op, TCG_MAX_OPS);
    for (unsigned i = 0; i < nb_blocks && failures < 3; i++) {
        if (only != UINT32_MAX && i != only)
            continue;
        /* Every 25 blocks, another set of pinned globals: 0 to 5 of them (cnt included). */
        if ((int32_t)(i / 25) != config) {
            config = (int32_t)(i / 25);
            struct gen cg = {.rng = mix64(seed ^ 0xc0ffee ^ (uint64_t)config) | 1};
            uint32_t mask = 0;
            for (unsigned n = (unsigned)config % 6; n; n--)
                mask |= 1u << below(&cg, NB_GLOBALS + 1);
            jit_configure(mask);
        }
        rc.index = i;
        g.rng = mix64(seed + i) | 1;
        st.loops += gen_block(&g);
        st.blocks++;
        const char *bad = ir_well_formed(J.s->ops, J.s->nb_ops);
        if (bad) {
            dump_to_stderr("a generated block breaks the generator's rules:", J.s);
            g_error("block %u: %s", i, bad);
        }
        rc.nb_ops = J.s->nb_ops;
        memcpy(rc.ops, J.s->ops, rc.nb_ops * sizeof(*rc.ops));
        for (unsigned j = 0; j < J.s->nb_ops; j++)
            st.guest_accesses += J.s->ops[j].opc == OP_GUEST_LD || J.s->ops[j].opc == OP_GUEST_ST;
        cpu_random(init, rnd(&g));
        if (chance(&g, 3))
            init->exit_request = 1;
        bool ok = random_variant(&rc, &g, false, init);
        ok = random_variant(&rc, &g, true, init) && ok;
        failures += !ok;
    }
    g_test_message("seed 0x%" PRIx64 ": %u blocks (%u loop), %u runs: %u raised, %u left on "
                   "request, %u chained slots, %u jumps into the target; guest accesses %u, "
                   "slow loads %u, slow stores %u",
                   seed, st.blocks, st.loops, st.runs, st.raised, st.requested, st.chained,
                   st.lookups_hit, st.guest_accesses, st.slow_loads, st.slow_stores);
    g_free(rc.ops);
    g_free(init);
    if (only != UINT32_MAX || nb_blocks < 1000 || failures)
        return;
    /* The generator must keep reaching every path it is meant to. */
    g_assert_cmpuint(st.loops, >, nb_blocks / 5);
    g_assert_cmpuint(st.raised, >, 10);
    g_assert_cmpuint(st.requested, >, 10);
    g_assert_cmpuint(st.chained, >, 10);
    g_assert_cmpuint(st.lookups_hit, >, 10);
    g_assert_cmpuint(st.slow_loads, >, 100);
    g_assert_cmpuint(st.slow_stores, >, 100);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    install_crash_handler();
    g_test_add_func("/tcg_regalloc/exec/basic", test_exec_basic);
    g_test_add_func("/tcg_regalloc/exec/exit_request_at_entry", test_exec_exit_request_at_entry);
    g_test_add_func("/tcg_regalloc/exec/loop_exit_check", test_exec_loop_exit_check);
    g_test_add_func("/tcg_regalloc/exec/goto_tb_chaining", test_exec_goto_tb_chaining);
    g_test_add_func("/tcg_regalloc/exec/lookup_and_goto", test_exec_lookup_and_goto);
    g_test_add_func("/tcg_regalloc/exec/guest_memory", test_exec_guest_memory);
    g_test_add_func("/tcg_regalloc/exec/insn_table", test_exec_insn_table);
    g_test_add_func("/tcg_regalloc/exec/helper_raise", test_exec_helper_raise);
    g_test_add_func("/tcg_regalloc/exec/helper_globals", test_exec_helper_globals);
    g_test_add_func("/tcg_regalloc/exec/conditions", test_exec_conditions);
    g_test_add_func("/tcg_regalloc/regress/div_const_divisor_pressure",
                    test_regress_div_const_divisor_pressure);
    g_test_add_func("/tcg_regalloc/regress/call_args_block_pinned",
                    test_regress_call_args_block_pinned);
    g_test_add_func("/tcg_regalloc/regress/slow_path_slot_after_exit_check",
                    test_regress_slow_path_slot_after_exit_check);
    g_test_add_func("/tcg_regalloc/regress/pinned_global_at_join",
                    test_regress_pinned_global_at_join);
    g_test_add_func("/tcg_regalloc/regress/discarded_temp_at_join",
                    test_regress_discarded_temp_at_join);
    g_test_add_func("/tcg_regalloc/regress/cond_always_never", test_regress_cond_always_never);
    g_test_add_func("/tcg_regalloc/random/differential", test_random_differential);
    int ret = g_test_run();
    if (J.code)
        munmap(J.code, CODE_SIZE);
    g_free(J.s);
    g_free(J.cpu);
    return ret;
}
