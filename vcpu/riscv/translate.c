/*
 * The RISC-V translator: fetches and decodes a block's instructions through the pattern
 * tables (compressed ones expanded first) and drives the per-extension translators.
 */
#include "vcpu/riscv/translate.h"

#include <inttypes.h>
#include <stddef.h>

#include "accel/tcg/backend.h"
#include "core/log.h"
#include "vcpu/riscv/disas.h"
#include "vcpu/riscv/rvc.h"

int cpu_x[32];
int cpu_f[32];
int cpu_pc;
int cpu_load_res, cpu_load_val;

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
};

static const char *const fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2",
    "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
    "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/*
 * The guest registers that live in host registers across blocks. Compiled RISC-V code
 * leans on the stack pointer, the return address and the argument registers; these five
 * were the most used in the bench workload's hot loops (see docs/architecture.md).
 */
static const unsigned pinned_gprs[] = {2, 10, 15, 14, 13};

void riscv_init_globals(struct tcg_ctx *s)
{
    for (unsigned r = 1; r < 32; r++)
        cpu_x[r] = tcg_global_mem_new(s, TCG_I64, (int32_t)offsetof(struct riscv_cpu, x[r]),
                                      gpr_names[r]);
    for (unsigned r = 0; r < 32; r++)
        cpu_f[r] = tcg_global_mem_new(s, TCG_I64, (int32_t)offsetof(struct riscv_cpu, f[r]),
                                      fpr_names[r]);
    cpu_pc = tcg_global_mem_new(s, TCG_I64, (int32_t)offsetof(struct riscv_cpu, pc), "pc");
    cpu_load_res = tcg_global_mem_new(s, TCG_I64, (int32_t)offsetof(struct riscv_cpu, load_res),
                                      "load_res");
    cpu_load_val = tcg_global_mem_new(s, TCG_I64, (int32_t)offsetof(struct riscv_cpu, load_val),
                                      "load_val");
    for (unsigned i = 0; i < sizeof(pinned_gprs) / sizeof(pinned_gprs[0]) &&
                         i < tcg_nb_pinnable_regs;
         i++)
        tcg_global_pin(s, cpu_x[pinned_gprs[i]], tcg_pinnable_regs[i]);
}

int64_t imm_b(uint32_t i)
{
    uint32_t u = ((i >> 31) << 12) | (((i >> 7) & 1) << 11) | (((i >> 25) & 0x3f) << 5) |
                 (((i >> 8) & 0xf) << 1);
    return (int64_t)((int32_t)(u << 19) >> 19);
}

int64_t imm_j(uint32_t i)
{
    uint32_t u = ((i >> 31) << 20) | (((i >> 12) & 0xff) << 12) | (((i >> 20) & 1) << 11) |
                 (((i >> 21) & 0x3ff) << 1);
    return (int64_t)((int32_t)(u << 11) >> 11);
}

int tmp64(struct dc *d)
{
    return tcg_temp_new(d->s, TCG_I64);
}

int gpr_src(struct dc *d, unsigned r)
{
    return r ? cpu_x[r] : tcg_const(d->s, TCG_I64, 0);
}

int gpr_dst(struct dc *d, unsigned r)
{
    return r ? cpu_x[r] : tmp64(d);
}

void gpr_set(struct dc *d, unsigned r, int t)
{
    if (r)
        tcg_gen_mov(d->s, TCG_I64, cpu_x[r], t);
}

void gen_helper(struct dc *d, const struct tcg_helper *h, int ret, int a0, int a1, int a2, int a3)
{
    int args[TCG_MAX_CALL_ARGS] = {a0, a1, a2, a3};
    tcg_gen_call(d->s, h, ret, args);
}

static uint64_t page_of(uint64_t a)
{
    return a & ~0xfffull;
}

void gen_goto(struct dc *d, unsigned slot, uint64_t dest)
{
    if (dest == d->tb->pc && !d->cpu->one_insn_per_tb && !d->cpu->nochain) {
        /* A loop on this block: stay inside it, checking for a stop on every turn. */
        tcg_gen_exit_check(d->s);
        tcg_gen_br(d->s, d->loop_head);
        return;
    }
    tcg_gen_movi(d->s, TCG_I64, cpu_pc, (int64_t)dest);
    if (page_of(dest) != page_of(d->tb->pc)) {
        /* Another page may map elsewhere the next time this block runs (a new satp, an
         * sfence.vma): look the target up each time instead of chaining to it. */
        tcg_gen_lookup_and_goto(d->s, cpu_pc, d->tb->flags);
        return;
    }
    tcg_gen_goto_tb(d->s, slot);
}

__attribute__((noreturn)) static void helper_raise(struct riscv_cpu *env, uint64_t cause,
                                                   uint64_t tval)
{
    /* The block stored the exact pc before calling. */
    riscv_raise(env, cause, tval, 0);
}

static const struct tcg_helper raise_helper = {
    "raise", (void *)helper_raise, HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS, 3, false,
};

void gen_raise(struct dc *d, uint64_t cause, uint64_t tval)
{
    struct tcg_ctx *s = d->s;

    tcg_gen_movi(s, TCG_I64, cpu_pc, (int64_t)d->pc);
    gen_helper(d, &raise_helper, -1, s->env, tcg_const(s, TCG_I64, (int64_t)cause),
               tcg_const(s, TCG_I64, (int64_t)tval), -1);
    tcg_gen_exit_tb(s, 0); /* not reached */
    d->state = DISAS_NORETURN;
}

void gen_raise_illegal(struct dc *d)
{
    /* Like QEMU, mtval holds the instruction's bits (as fetched, 16 or 32). */
    gen_raise(d, EXCP_ILLEGAL_INSN, d->raw);
}

/* ---- the decoder ---- */

struct pattern_table {
    const struct insn_pattern *patterns;
    const unsigned *count;
};

static const struct pattern_table tables[] = {
    {riscv_base_patterns, &riscv_nb_base_patterns},
    {riscv_atomic_patterns, &riscv_nb_atomic_patterns},
    {riscv_fp_patterns, &riscv_nb_fp_patterns},
};

/* Patterns grouped by major opcode (bits 6:2), built once: the decoder scans only its group. */
#define MAX_PER_OPCODE 96
static const struct insn_pattern *by_opcode[32][MAX_PER_OPCODE];
static unsigned nb_by_opcode[32];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
    for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (unsigned i = 0; i < *tables[t].count; i++) {
            const struct insn_pattern *p = &tables[t].patterns[i];
            unsigned op = (p->match >> 2) & 31;
            if (nb_by_opcode[op] < MAX_PER_OPCODE)
                by_opcode[op][nb_by_opcode[op]++] = p;
        }
}

static const struct insn_pattern *decode(const struct riscv_cpu *env, uint32_t insn)
{
    unsigned op = (insn >> 2) & 31;

    if ((insn & 3) != 3)
        return NULL;
    for (unsigned i = 0; i < nb_by_opcode[op]; i++) {
        const struct insn_pattern *p = by_opcode[op][i];
        if ((insn & p->mask) == p->match && (!p->ext || (env->misa & MISA_EXT(p->ext))))
            return p;
    }
    return NULL;
}

/* Fetches the next instruction; false when it is on a page that cannot be read. */
static bool fetch(struct dc *d, bool first)
{
    unsigned mmu = riscv_priv_mmu_idx(d->priv, d->env->mstatus);
    uint16_t lo, hi;

    if (!tcg_code_read16(d->cpu, d->pc, mmu, first, &lo))
        return false;
    if ((lo & 3) != 3) {
        d->raw = lo;
        d->len = 2;
        d->insn = (d->env->misa & MISA_EXT('C')) ? rvc_expand(lo) : RVC_ILLEGAL;
        return true;
    }
    if (!tcg_code_read16(d->cpu, d->pc + 2, mmu, first, &hi))
        return false;
    d->raw = d->insn = ((uint32_t)hi << 16) | lo;
    d->len = 4;
    return true;
}

static void log_insn(const struct dc *d)
{
    char text[96];

    riscv_disas(d->raw, d->pc, text, sizeof(text));
    log_debug("0x%016" PRIx64 ":  %0*x  %s\n", d->pc, d->len * 2, d->raw, text);
}

static void translate_one(struct dc *d)
{
    const struct insn_pattern *p = d->insn ? decode(d->env, d->insn) : NULL;

    tcg_gen_insn_start(d->s, d->pc);
    if (log_enabled(LOG_IN_ASM))
        log_insn(d);
    if (!p || !p->trans(d))
        gen_raise_illegal(d);
}

void riscv_translate(struct tcg_cpu *cpu, struct tcg_ctx *s, struct tb *tb, unsigned max_insns)
{
    struct dc d = {
        .s = s,
        .cpu = cpu,
        .env = riscv_cpu_of(cpu),
        .tb = tb,
        .pc = tb->pc,
        .priv = (unsigned)(tb->flags & TB_FLAG_PRIV_MASK),
        .mmu_idx = (unsigned)((tb->flags >> TB_FLAG_MMU_SHIFT) & 3),
        .fs = (unsigned)((tb->flags >> TB_FLAG_FS_SHIFT) & 3),
        .state = DISAS_NEXT,
    };
    unsigned n = 0;

    pthread_once(&index_once, build_index);
    if (log_enabled(LOG_IN_ASM))
        log_debug("IN: block 0x%016" PRIx64 "\n", tb->pc);
    d.loop_head = tcg_label_new(s);
    tcg_gen_set_label(s, d.loop_head);
    while (d.state == DISAS_NEXT) {
        if (!fetch(&d, n == 0))
            break; /* a later instruction's page faults: the next block will take it */
        d.pc_next = d.pc + d.len;
        translate_one(&d);
        n++;
        if (d.state != DISAS_NEXT)
            break;
        d.pc = d.pc_next;
        /* Stop at a page boundary, at the instruction limit, or before the op buffer fills. */
        if (n >= max_insns || page_of(d.pc) != page_of(tb->pc) ||
            s->nb_ops > TCG_MAX_OPS - 128 || s->nb_temps > TCG_MAX_TEMPS - 64)
            break;
    }
    if (d.state == DISAS_NEXT) {
        gen_goto(&d, 0, d.pc);
    } else if (d.state == DISAS_UPDATE) {
        tcg_gen_movi(s, TCG_I64, cpu_pc, (int64_t)d.pc_next);
        tcg_gen_exit_tb(s, TCG_EXIT_NOCHAIN);
    }
    tb->size = (uint32_t)((d.state == DISAS_NEXT ? d.pc : d.pc_next) - tb->pc);
    if (log_enabled(LOG_IN_ASM))
        log_debug("\n");
}
