/*
 * Unit tests for the TCG IR (accel/tcg/ir.c), its optimizer (opt.c) and liveness
 * (liveness.c): blocks are built with the IR builders and checked through the textual dump
 * or by looking at the ops that remain. Nothing here generates or runs host code; that is
 * test_tcg_regalloc.c.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/ir.h"

#define NB_G 4

static int g[NB_G];

/* A context with env and four 64-bit globals g0..g3, ready for a block. */
static struct tcg_ctx *ctx_new(void)
{
    static const char *const names[NB_G] = {"g0", "g1", "g2", "g3"};
    struct tcg_ctx *s = g_malloc(sizeof(*s));

    tcg_ctx_init(s);
    s->env = tcg_global_fixed_new(s, TCG_I64, RBP_ENV_REG, "env");
    for (unsigned i = 0; i < NB_G; i++)
        g[i] = tcg_global_mem_new(s, TCG_I64, 16 + 8 * (int32_t)i, names[i]);
    tcg_func_start(s);
    return s;
}

static char *dump_ops(const struct tcg_ctx *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    g_assert_nonnull(f);
    tcg_dump_ops(s, f);
    fclose(f);
    return text;
}

static void assert_dump(const struct tcg_ctx *s, const char *expected)
{
    char *text = dump_ops(s);

    g_assert_cmpstr(text, ==, expected);
    free(text);
}

/* Helpers are never called here; only their descriptors and flags matter. */
static uint64_t helper_dummy(void)
{
    return 0;
}

static const struct tcg_helper h_pure = {
    "pure", (void *)helper_dummy, HELPER_PURE | HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS, 2,
    true,
};
static const struct tcg_helper h_effect = {
    "effect", (void *)helper_dummy, HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS, 2, true,
};
static const struct tcg_helper h_writes = {"writes", (void *)helper_dummy, 0, 1, false};
static const struct tcg_helper h_reads = {
    "reads", (void *)helper_dummy, HELPER_NO_WRITE_GLOBALS, 1, true,
};

/* ---- the IR and its dump ---- */

static void test_dump_every_kind(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, TCG_I64), t1 = tcg_temp_new(s, TCG_I32);
    int l0 = tcg_label_new(s), l1 = tcg_label_new(s);
    int args[TCG_MAX_CALL_ARGS] = {s->env, g[1]};

    g_assert_cmpint(l0, ==, 0);
    g_assert_cmpint(l1, ==, 1);
    tcg_gen_insn_start(s, 0x80001000);
    tcg_gen_mov(s, TCG_I64, t0, g[0]);
    tcg_gen_mov(s, TCG_I64, t0, t0); /* a no-op: not emitted */
    tcg_gen_movi(s, TCG_I64, g[1], 0x1234);
    tcg_gen_op3(s, OP_ADD, TCG_I64, g[0], g[1], g[2]);
    tcg_gen_op3i(s, OP_SUB, TCG_I32, t1, g[0], -1);
    tcg_gen_op3i(s, OP_SHL, TCG_I64, t0, t0, 3);
    tcg_gen_op2(s, OP_EXT32S, TCG_I64, g[3], t1);
    tcg_gen_op2(s, OP_EXTRL, TCG_I32, t1, g[3]);
    tcg_gen_op2(s, OP_CTZ, TCG_I64, t0, g[2]);
    tcg_gen_setcond(s, TCG_I64, TCG_COND_LTU, t0, g[0], g[1]);
    tcg_gen_movcond(s, TCG_I32, TCG_COND_GE, t1, g[0], g[1], g[2], g[3]);
    tcg_gen_brcond(s, TCG_I64, TCG_COND_EQ, g[0], tcg_const(s, TCG_I64, 0), l1);
    tcg_gen_br(s, l0);
    tcg_gen_set_label(s, l0);
    tcg_gen_ld(s, OP_LD32S, TCG_I64, t0, s->env, 0x40);
    tcg_gen_st(s, OP_ST8, TCG_I64, t0, s->env, 0x41);
    tcg_gen_guest_ld(s, TCG_I64, t0, g[0], MO_32 | MO_SIGN, 1);
    tcg_gen_guest_st(s, TCG_I32, t1, g[0], MO_16, 0);
    tcg_gen_call(s, &h_effect, t0, args);
    tcg_gen_call(s, &h_writes, -1, args);
    tcg_gen_discard(s, t0);
    tcg_gen_op3(s, OP_FADD, TCG_I64, g[2], g[2], g[3]);
    tcg_gen_set_label(s, l1);
    tcg_gen_exit_check(s);
    tcg_gen_goto_tb(s, 1);
    tcg_gen_exit_tb(s, 3);
    tcg_gen_lookup_and_goto(s, g[1], 7);
    assert_dump(s, " ---- 0000000080001000\n"
                   " mov_i64 tmp0, g0\n"
                   " mov_i64 g1, $0x1234\n"
                   " add_i64 g0, g1, g2\n"
                   " sub_i32 tmp1, g0, $0xffffffffffffffff\n"
                   " shl_i64 tmp0, tmp0, $0x3\n"
                   " ext32s_i64 g3, tmp1\n"
                   " extrl_i32 tmp1, g3\n"
                   " ctz_i64 tmp0, g2\n"
                   " setcond_i64 tmp0, g0, g1, ltu\n"
                   " movcond_i32 tmp1, g0, g1, g2, g3, ge\n"
                   " brcond_i64 g0, $0x0, eq, $L1\n"
                   " br $L0\n"
                   " set_label $L0\n"
                   " ld32s_i64 tmp0, env, $0x40\n"
                   " st8_i64 tmp0, env, $0x41\n"
                   " guest_ld_i64 tmp0, g0, s32 mmu1\n"
                   " guest_st_i32 tmp1, g0, u16 mmu0\n"
                   " call tmp0, env, g1, effect\n"
                   " call env, writes\n"
                   " discard_i64 tmp0\n"
                   " fadd_i64 g2, g2, g3\n"
                   " set_label $L1\n"
                   " exit_check\n"
                   " goto_tb $0x1\n"
                   " exit_tb $0x3\n"
                   " lookup_and_goto_i64 g1, $0x7\n");
    g_free(s);
}

/* Each op records how many outputs, inputs and constants it has, as the table says. */
static void test_op_shapes(void)
{
    struct tcg_ctx *s = ctx_new();
    int t = tcg_temp_new(s, TCG_I64);
    int args[TCG_MAX_CALL_ARGS] = {g[0], g[1]};

    tcg_gen_movcond(s, TCG_I64, TCG_COND_NE, t, g[0], g[1], g[2], g[3]);
    tcg_gen_brcond(s, TCG_I64, TCG_COND_LT, g[0], g[1], 0);
    tcg_gen_call(s, &h_pure, t, args);
    tcg_gen_guest_st(s, TCG_I64, g[0], g[1], MO_64, 2);
    g_assert_cmpuint(s->nb_ops, ==, 4);
    g_assert_cmpuint(s->ops[0].nb_o, ==, 1);
    g_assert_cmpuint(s->ops[0].nb_i, ==, 4);
    g_assert_cmpuint(s->ops[0].nb_c, ==, 1);
    g_assert_cmpint(s->ops[0].args[5], ==, TCG_COND_NE);
    g_assert_cmpuint(s->ops[1].nb_o + s->ops[1].nb_i + s->ops[1].nb_c, ==, 4);
    g_assert_cmpuint(s->ops[2].nb_o, ==, 1);
    g_assert_cmpuint(s->ops[2].nb_i, ==, 2);
    g_assert_true((const void *)(uintptr_t)s->ops[2].args[3] == &h_pure);
    g_assert_cmpuint(TCG_MEMOP_OP(s->ops[3].args[2]), ==, MO_64);
    g_assert_cmpuint(TCG_MEMOP_MMU(s->ops[3].args[2]), ==, 2);
    g_assert_cmpstr(tcg_op_name(OP_REMU), ==, "remu");
    g_assert_cmpstr(tcg_op_name(OP_NB), ==, "?");
    g_assert_true(tcg_op_flags(OP_GOTO_TB) & OPF_TB_EXIT);
    g_assert_true(tcg_op_flags(OP_BRCOND) & OPF_COND_BRANCH);
    g_assert_true(tcg_op_flags(OP_GUEST_LD) & OPF_SIDE_EFFECTS);
    g_assert_false(tcg_op_flags(OP_ADD) & (OPF_SIDE_EFFECTS | OPF_BB_END));
    g_free(s);
}

static void test_temps_and_consts(void)
{
    struct tcg_ctx *s = ctx_new();
    unsigned nb_globals = s->nb_globals;

    g_assert_cmpuint(nb_globals, ==, 1 + NB_G);
    g_assert_cmpint(s->temps[g[2]].mem_offset, ==, 32);
    g_assert_cmpint(s->temps[s->env].fixed_reg, ==, RBP_ENV_REG);
    g_assert_cmpint(s->temps[g[0]].fixed_reg, ==, -1);
    /* Constants are shared per (type, value); 32-bit ones are kept sign-extended. */
    int c1 = tcg_const(s, TCG_I64, 5);
    g_assert_true(tcg_temp_is_const(s, c1));
    g_assert_cmpint(tcg_const(s, TCG_I64, 5), ==, c1);
    g_assert_cmpint(tcg_const(s, TCG_I32, 5), !=, c1);
    g_assert_cmpint(tcg_const(s, TCG_I32, 0x100000005ll), ==, tcg_const(s, TCG_I32, 5));
    g_assert_cmpint(s->temps[tcg_const(s, TCG_I32, 0xffffffffll)].value, ==, -1);
    /* A freed local is reused for the same type only. */
    int a = tcg_temp_new(s, TCG_I64), b = tcg_temp_new(s, TCG_I32);
    g_assert_false(tcg_temp_is_const(s, a));
    tcg_temp_free(s, a);
    g_assert_cmpint(tcg_temp_new(s, TCG_I32), !=, a);
    g_assert_cmpint(tcg_temp_new(s, TCG_I64), ==, a);
    tcg_temp_free(s, g[0]); /* globals are never freed */
    g_assert_false(s->temps[g[0]].free);
    (void)b;
    /* A new block drops every local, constant and label, and keeps the globals. */
    tcg_gen_op3(s, OP_ADD, TCG_I64, g[0], g[0], c1);
    tcg_label_new(s);
    tcg_func_start(s);
    g_assert_cmpuint(s->nb_temps, ==, nb_globals);
    g_assert_cmpuint(s->nb_ops, ==, 0);
    g_assert_cmpuint(s->nb_labels, ==, 0);
    g_assert_cmpint(tcg_temp_new(s, TCG_I64), ==, (int)nb_globals);
    /* Pinning records the host register the global lives in. */
    tcg_global_pin(s, g[3], tcg_pinnable_regs[0]);
    g_assert_cmpint(s->temps[g[3]].fixed_reg, ==, tcg_pinnable_regs[0]);
    g_free(s);
}

static void test_overflow(void)
{
    struct tcg_ctx *s = ctx_new();

    for (unsigned i = 0; i < TCG_MAX_OPS; i++)
        tcg_gen_op3(s, OP_ADD, TCG_I64, g[0], g[0], g[1]);
    g_assert_false(s->overflow);
    tcg_gen_op3(s, OP_SUB, TCG_I64, g[0], g[0], g[1]);
    g_assert_true(s->overflow);
    g_assert_cmpuint(s->nb_ops, ==, TCG_MAX_OPS);
    g_assert_cmpuint(s->ops[TCG_MAX_OPS - 1].opc, ==, OP_ADD);

    tcg_func_start(s);
    g_assert_false(s->overflow);
    for (unsigned i = 0; i < TCG_MAX_LABELS; i++)
        g_assert_cmpint(tcg_label_new(s), ==, (int)i);
    g_assert_false(s->overflow);
    tcg_label_new(s);
    g_assert_true(s->overflow);

    tcg_func_start(s);
    while (s->nb_temps < TCG_MAX_TEMPS)
        tcg_temp_new(s, TCG_I64);
    g_assert_false(s->overflow);
    g_assert_cmpint(tcg_temp_new(s, TCG_I64), <, TCG_MAX_TEMPS);
    g_assert_true(s->overflow);
    g_free(s);
}

/* ---- the optimizer: constant folding ---- */

struct fold2_case {
    enum tcg_opcode opc;
    enum tcg_type ty;
    enum tcg_type ta, tb; /* the constants' own types: 32-bit ops may read 64-bit values */
    int64_t a, b;
    bool folds;
    int64_t result; /* as the optimizer stores it: 32-bit results sign-extended */
};

#define I64 TCG_I64
#define I32 TCG_I32

static const struct fold2_case fold2_cases[] = {
    {OP_ADD, I64, I64, I64, 5, 7, true, 12},
    {OP_ADD, I64, I64, I64, INT64_MAX, 1, true, INT64_MIN},
    {OP_ADD, I32, I32, I32, INT32_MAX, 1, true, INT32_MIN},
    {OP_ADD, I32, I32, I32, -1, 1, true, 0},
    {OP_SUB, I64, I64, I64, 3, 5, true, -2},
    {OP_SUB, I32, I32, I32, 0, 1, true, -1},
    {OP_SUB, I32, I32, I32, INT32_MIN, 1, true, INT32_MAX},
    {OP_MUL, I64, I64, I64, -3, 7, true, -21},
    {OP_MUL, I32, I32, I32, 0x10000, 0x10000, true, 0},
    {OP_MUL, I32, I32, I32, 0x12345, 0x54321, true, (int32_t)(0x12345u * 0x54321u)},
    {OP_AND, I64, I64, I64, 0xff00ff00ff00ll, 0x0ff00ff00ff0ll, true, 0x0f000f000f00ll},
    {OP_OR, I64, I64, I64, 0xf0, 0x0f, true, 0xff},
    {OP_XOR, I64, I64, I64, 0xff, 0x0f, true, 0xf0},
    {OP_XOR, I32, I32, I32, -1, 0x7fffffff, true, INT32_MIN},
    {OP_ANDC, I64, I64, I64, 0xff, 0x0f, true, 0xf0},
    {OP_ANDC, I32, I32, I32, -1, 1, true, -2},
    {OP_SHL, I64, I64, I64, 1, 63, true, INT64_MIN},
    {OP_SHL, I64, I64, I64, 1, 65, true, 2}, /* counts are taken modulo the width */
    {OP_SHL, I32, I32, I32, 1, 31, true, INT32_MIN},
    {OP_SHL, I32, I32, I32, 3, 33, true, 6},
    {OP_SHL, I32, I32, I32, 0x12345678, 8, true, 0x34567800},
    {OP_SHR, I64, I64, I64, -1, 60, true, 15},
    {OP_SHR, I32, I32, I32, -1, 28, true, 15},
    {OP_SHR, I32, I32, I32, INT32_MIN, 31, true, 1},
    {OP_SAR, I64, I64, I64, -16, 2, true, -4},
    {OP_SAR, I64, I64, I64, INT64_MIN, 63, true, -1},
    {OP_SAR, I32, I32, I32, INT32_MIN, 4, true, (int32_t)0xf8000000u},
    {OP_SAR, I32, I32, I32, 0x40000000, 30, true, 1},
    {OP_ROTL, I64, I64, I64, (int64_t)0x8000000000000001ull, 1, true, 3},
    {OP_ROTL, I64, I64, I64, 0x1234, 64, true, 0x1234},
    {OP_ROTR, I64, I64, I64, 1, 1, true, INT64_MIN},
    {OP_ROTL, I32, I32, I32, (int32_t)0x80000001u, 1, true, 3},
    {OP_ROTL, I32, I32, I32, 0x1234, 32, true, 0x1234},
    {OP_ROTR, I32, I32, I32, 1, 1, true, INT32_MIN},
    {OP_ROTR, I32, I32, I32, 0x12345678, 8, true, 0x78123456},
    {OP_DIV, I64, I64, I64, 7, -2, true, -3},
    {OP_DIV, I64, I64, I64, INT64_MIN, 2, true, INT64_MIN / 2},
    {OP_REM, I64, I64, I64, 7, -2, true, 1},
    {OP_REM, I64, I64, I64, -7, 2, true, -1},
    {OP_DIVU, I64, I64, I64, -1, 2, true, INT64_MAX},
    {OP_REMU, I64, I64, I64, -1, 10, true, 5},
    {OP_DIV, I32, I32, I32, -7, 2, true, -3},
    {OP_REM, I32, I32, I32, -7, 2, true, -1},
    {OP_DIVU, I32, I32, I32, -1, 2, true, INT32_MAX},
    {OP_REMU, I32, I32, I32, -1, 10, true, 5},
    /* What the host would trap on is left for run time, never folded into C's UB. */
    {OP_DIV, I64, I64, I64, 5, 0, false, 0},
    {OP_REM, I64, I64, I64, 5, 0, false, 0},
    {OP_DIVU, I64, I64, I64, 5, 0, false, 0},
    {OP_REMU, I64, I64, I64, 5, 0, false, 0},
    {OP_DIV, I64, I64, I64, INT64_MIN, -1, false, 0},
    {OP_REM, I64, I64, I64, INT64_MIN, -1, false, 0},
    {OP_DIV, I32, I32, I32, INT32_MIN, -1, false, 0},
    {OP_REM, I32, I32, I32, INT32_MIN, -1, false, 0},
    {OP_DIVU, I32, I32, I32, 5, 0, false, 0},
    /* 32-bit ops on 64-bit values (a global known to be constant) use the low halves. */
    {OP_ADD, I32, I64, I32, 0x1fffffffell, 1, true, -1},
    {OP_DIVU, I32, I32, I64, 5, 0x100000000ll, false, 0},
    {OP_DIV, I32, I64, I32, 0x100000007ll, 2, true, 3},
    {OP_DIV, I32, I32, I64, 7, 0x100000000ll, false, 0},
    {OP_REM, I32, I64, I64, 0x180000000ll, 0x1ffffffffll, false, 0},
    {OP_REM, I32, I64, I32, 0x100000007ll, 4, true, 3},
    {OP_SAR, I32, I64, I32, 0x180000000ll, 31, true, -1},
    {OP_SHR, I32, I64, I32, 0x1ffffffffll, 16, true, 0xffff},
    {OP_AND, I32, I64, I64, 0x1ffffffffll, 0x180000000ll, true, INT32_MIN},
    {OP_OR, I32, I64, I32, 0x100000000ll, 0x7fffffff, true, INT32_MAX},
    {OP_XOR, I32, I64, I32, 0x100000000ll, 0, true, 0},
    {OP_ANDC, I32, I64, I32, 0x1ffffffffll, 0, true, -1},
};

static int64_t const_value(const struct tcg_ctx *s, int t)
{
    g_assert_true(tcg_temp_is_const(s, t));
    return s->temps[t].value;
}

/* The op writing d, after the optimizer ran. */
static unsigned find_def(const struct tcg_ctx *s, int d)
{
    for (unsigned i = 0; i < s->nb_ops; i++)
        if (s->ops[i].nb_o && s->ops[i].args[0] == d)
            return i;
    g_assert_not_reached();
}

static void test_fold_binary(void)
{
    struct tcg_ctx *s = ctx_new();

    for (unsigned i = 0; i < G_N_ELEMENTS(fold2_cases); i++) {
        const struct fold2_case *c = &fold2_cases[i];
        tcg_func_start(s);
        int d = tcg_temp_new(s, c->ty), a = tcg_const(s, c->ta, c->a);
        int b = tcg_const(s, c->tb, c->b);
        /* 64-bit values go through globals, as a frontend writes them: the optimizer must
         * track what they hold. */
        if (c->ta == I64) {
            tcg_gen_mov(s, I64, g[0], a);
            a = g[0];
        }
        if (c->tb == I64) {
            tcg_gen_mov(s, I64, g[1], b);
            b = g[1];
        }
        tcg_gen_op3(s, c->opc, c->ty, d, a, b);
        tcg_gen_op2(s, c->ty == I32 ? OP_EXT32S : OP_MOV, I64, g[2], d);
        tcg_optimize(s);
        g_test_message("case %u: %s_%s 0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x", i,
                       tcg_op_name(c->opc), c->ty == I32 ? "i32" : "i64", c->a, c->b);
        unsigned n = find_def(s, d);
        const struct tcg_op *op = &s->ops[n], *use = &s->ops[n + 1];
        g_assert_cmpuint(n + 2, ==, s->nb_ops);
        if (c->folds) {
            g_assert_cmpuint(op->opc, ==, OP_MOV);
            g_assert_cmphex((uint64_t)const_value(s, (int)op->args[1]), ==, (uint64_t)c->result);
            /* The constant propagates into the next use, and folds there too. */
            g_assert_cmpuint(use->opc, ==, OP_MOV);
            g_assert_cmphex((uint64_t)const_value(s, (int)use->args[1]), ==, (uint64_t)c->result);
        } else {
            g_assert_cmpuint(op->opc, ==, c->opc);
            g_assert_cmpint(use->args[1], ==, d);
        }
    }
    g_free(s);
}

struct fold1_case {
    enum tcg_opcode opc;
    enum tcg_type ty;
    int64_t a;
    int64_t result;
};

static const struct fold1_case fold1_cases[] = {
    {OP_NEG, I64, 5, -5},
    {OP_NEG, I64, INT64_MIN, INT64_MIN},
    {OP_NEG, I32, INT32_MIN, INT32_MIN},
    {OP_NOT, I64, 0, -1},
    {OP_NOT, I32, 0x7fffffff, INT32_MIN},
    {OP_EXT8S, I64, 0x180, -128},
    {OP_EXT8U, I64, 0x1ff, 0xff},
    {OP_EXT16S, I64, 0x18000, -32768},
    {OP_EXT16U, I64, -1, 0xffff},
    {OP_EXT32S, I64, 0x80000000ll, INT32_MIN},
    {OP_EXT32U, I64, -1, 0xffffffffll},
    {OP_EXT8S, I32, 0x7f, 0x7f},
    {OP_EXT16U, I32, -1, 0xffff},
    {OP_EXTRL, I32, 0x123456789ll, 0x23456789},
    {OP_EXTRL, I32, 0x1ffffffffll, -1},
};

static void test_fold_unary(void)
{
    struct tcg_ctx *s = ctx_new();

    for (unsigned i = 0; i < G_N_ELEMENTS(fold1_cases); i++) {
        const struct fold1_case *c = &fold1_cases[i];
        tcg_func_start(s);
        int d = tcg_temp_new(s, c->ty);
        tcg_gen_movi(s, I64, g[0], c->a);
        tcg_gen_op2(s, c->opc, c->ty, d, g[0]);
        tcg_optimize(s);
        g_test_message("case %u: %s", i, tcg_op_name(c->opc));
        g_assert_cmpuint(s->ops[1].opc, ==, OP_MOV);
        g_assert_cmphex((uint64_t)const_value(s, (int)s->ops[1].args[1]), ==, (uint64_t)c->result);
    }
    /* Bit counts are not folded: the op stays. */
    tcg_func_start(s);
    int d = tcg_temp_new(s, I64);
    tcg_gen_op2(s, OP_CPOP, I64, d, tcg_const(s, I64, 0xff));
    tcg_optimize(s);
    g_assert_cmpuint(s->ops[0].opc, ==, OP_CPOP);
    g_free(s);
}

struct cond_case {
    enum tcg_type ty;
    enum tcg_cond cond;
    int64_t a, b;
    bool holds;
};

static const struct cond_case cond_cases[] = {
    {I64, TCG_COND_EQ, -1, 1, false},
    {I64, TCG_COND_NE, -1, 1, true},
    {I64, TCG_COND_LT, -1, 1, true},
    {I64, TCG_COND_GE, -1, 1, false},
    {I64, TCG_COND_LE, -1, 1, true},
    {I64, TCG_COND_GT, -1, 1, false},
    {I64, TCG_COND_LTU, -1, 1, false},
    {I64, TCG_COND_GEU, -1, 1, true},
    {I64, TCG_COND_LEU, -1, 1, false},
    {I64, TCG_COND_GTU, -1, 1, true},
    {I64, TCG_COND_ALWAYS, 0, 1, true},
    {I64, TCG_COND_NEVER, 0, 0, false},
    {I64, TCG_COND_LE, 7, 7, true},
    {I64, TCG_COND_GEU, 7, 7, true},
    {I32, TCG_COND_LT, -1, 1, true},
    {I32, TCG_COND_LTU, -1, 1, false},
    {I32, TCG_COND_GTU, INT32_MIN, INT32_MAX, true},
    /* 32-bit comparisons of 64-bit values look at the low halves only. */
    {I32, TCG_COND_EQ, 0x100000000ll, 0, true},
    {I32, TCG_COND_NE, 0x100000000ll, 0, false},
    {I32, TCG_COND_LT, 0xffffffffll, 0, true},
    {I32, TCG_COND_GE, 0xffffffffll, 0, false},
    {I32, TCG_COND_LTU, 0x100000001ll, 2, true},
    {I32, TCG_COND_GT, 0x17fffffffll, 0, true},
};

static void test_fold_conditions(void)
{
    struct tcg_ctx *s = ctx_new();

    for (unsigned i = 0; i < G_N_ELEMENTS(cond_cases); i++) {
        const struct cond_case *c = &cond_cases[i];
        g_test_message("case %u", i);
        /* setcond becomes 0 or 1. */
        tcg_func_start(s);
        int d = tcg_temp_new(s, c->ty);
        tcg_gen_movi(s, I64, g[0], c->a);
        tcg_gen_setcond(s, c->ty, c->cond, d, g[0], tcg_const(s, c->ty, c->b));
        tcg_optimize(s);
        g_assert_cmpuint(s->ops[1].opc, ==, OP_MOV);
        g_assert_cmpint(const_value(s, (int)s->ops[1].args[1]), ==, c->holds);
        /* movcond becomes a copy of the chosen value. */
        tcg_func_start(s);
        d = tcg_temp_new(s, c->ty);
        tcg_gen_movi(s, I64, g[0], c->a);
        tcg_gen_movcond(s, c->ty, c->cond, d, g[0], tcg_const(s, c->ty, c->b), g[2], g[3]);
        tcg_optimize(s);
        g_assert_cmpuint(s->ops[1].opc, ==, OP_MOV);
        g_assert_cmpint(s->ops[1].args[1], ==, c->holds ? g[2] : g[3]);
        /* brcond becomes br, or disappears. */
        tcg_func_start(s);
        int l = tcg_label_new(s);
        tcg_gen_movi(s, I64, g[0], c->a);
        tcg_gen_brcond(s, c->ty, c->cond, g[0], tcg_const(s, c->ty, c->b), l);
        tcg_gen_movi(s, I64, g[1], 1);
        tcg_gen_set_label(s, l);
        tcg_optimize(s);
        if (c->holds) {
            g_assert_cmpuint(s->nb_ops, ==, 4);
            g_assert_cmpuint(s->ops[1].opc, ==, OP_BR);
            g_assert_cmpint(s->ops[1].args[0], ==, l);
            g_assert_cmpuint(s->ops[1].nb_i, ==, 0);
            g_assert_cmpuint(s->ops[1].nb_c, ==, 1);
        } else {
            /* and its label goes with it, now that no branch names it */
            g_assert_cmpuint(s->nb_ops, ==, 2);
            g_assert_cmpuint(s->ops[1].opc, ==, OP_MOV);
        }
    }
    g_free(s);
}

static void test_fold_branch_dump(void)
{
    struct tcg_ctx *s = ctx_new();
    int l0 = tcg_label_new(s), l1 = tcg_label_new(s);
    int one = tcg_const(s, I64, 1), two = tcg_const(s, I64, 2);

    tcg_gen_brcond(s, I64, TCG_COND_LT, one, two, l0);
    tcg_gen_brcond(s, I64, TCG_COND_GT, one, two, l1);
    tcg_gen_brcond(s, I64, TCG_COND_GT, g[0], two, l1); /* not constant: stays */
    tcg_gen_set_label(s, l0);
    tcg_gen_set_label(s, l1);
    tcg_optimize(s);
    assert_dump(s, " br $L0\n"
                   " brcond_i64 g0, $0x2, gt, $L1\n"
                   " set_label $L0\n"
                   " set_label $L1\n");
    g_free(s);
}

/* Identities with one constant or twice the same input. */
static void test_simplify(void)
{
    struct tcg_ctx *s = ctx_new();
    int t[24];

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++)
        t[i] = tcg_temp_new(s, i == 23 ? I32 : I64);
    int zero = tcg_const(s, I64, 0), one = tcg_const(s, I64, 1), ones = tcg_const(s, I64, -1);
    int low = tcg_const(s, I64, 0xffffffffll), zero32 = tcg_const(s, I32, 0);
    tcg_gen_op3(s, OP_ADD, I64, t[0], g[0], zero);
    tcg_gen_op3(s, OP_ADD, I64, t[1], zero, g[0]);
    tcg_gen_op3(s, OP_SUB, I64, t[2], g[0], zero);
    tcg_gen_op3(s, OP_SUB, I64, t[3], zero, g[0]); /* a negation, not a copy */
    tcg_gen_op3(s, OP_OR, I64, t[4], g[0], zero);
    tcg_gen_op3(s, OP_XOR, I64, t[5], zero, g[0]);
    tcg_gen_op3(s, OP_SHL, I64, t[6], g[0], zero);
    tcg_gen_op3(s, OP_SAR, I64, t[7], g[0], zero);
    tcg_gen_op3(s, OP_ROTR, I64, t[8], g[0], zero);
    tcg_gen_op3(s, OP_SHL, I64, t[9], zero, g[0]); /* shifting zero: not simplified */
    tcg_gen_op3(s, OP_AND, I64, t[10], g[0], zero);
    tcg_gen_op3(s, OP_AND, I64, t[11], ones, g[0]);
    tcg_gen_op3(s, OP_AND, I64, t[12], g[0], low); /* not all ones in 64 bits */
    tcg_gen_op3(s, OP_MUL, I64, t[13], zero, g[0]);
    tcg_gen_op3(s, OP_MUL, I64, t[14], g[0], one);
    tcg_gen_op3(s, OP_SUB, I64, t[15], g[1], g[1]);
    tcg_gen_op3(s, OP_XOR, I64, t[16], g[1], g[1]);
    tcg_gen_op3(s, OP_ANDC, I64, t[17], g[1], g[1]);
    tcg_gen_op3(s, OP_AND, I64, t[18], g[1], g[1]);
    tcg_gen_op3(s, OP_OR, I64, t[19], g[1], g[1]);
    tcg_gen_op3(s, OP_ADD, I64, t[20], g[1], g[1]);   /* not an identity */
    tcg_gen_op3(s, OP_DIV, I64, t[21], g[1], one);    /* not simplified, and not wrong */
    tcg_gen_op3(s, OP_MULUH, I64, t[22], g[1], zero); /* not simplified either */
    tcg_gen_op3(s, OP_AND, I32, t[23], g[1], tcg_const(s, I32, -1));
    tcg_gen_op3(s, OP_OR, I32, t[23], g[1], zero32);
    tcg_optimize(s);
    assert_dump(s, " mov_i64 tmp0, g0\n"
                   " mov_i64 tmp1, g0\n"
                   " mov_i64 tmp2, g0\n"
                   " sub_i64 tmp3, $0x0, g0\n"
                   " mov_i64 tmp4, g0\n"
                   " mov_i64 tmp5, g0\n"
                   " mov_i64 tmp6, g0\n"
                   " mov_i64 tmp7, g0\n"
                   " mov_i64 tmp8, g0\n"
                   " shl_i64 tmp9, $0x0, g0\n"
                   " mov_i64 tmp10, $0x0\n"
                   " mov_i64 tmp11, g0\n"
                   " and_i64 tmp12, g0, $0xffffffff\n"
                   " mov_i64 tmp13, $0x0\n"
                   " mov_i64 tmp14, g0\n"
                   " mov_i64 tmp15, $0x0\n"
                   " mov_i64 tmp16, $0x0\n"
                   " mov_i64 tmp17, $0x0\n"
                   " mov_i64 tmp18, g1\n"
                   " mov_i64 tmp19, g1\n"
                   " add_i64 tmp20, g1, g1\n"
                   " div_i64 tmp21, g1, $0x1\n"
                   " muluh_i64 tmp22, g1, $0x0\n"
                   " mov_i32 tmp23, g1\n"
                   " mov_i32 tmp23, g1\n");
    g_free(s);
}

/* ---- the optimizer: copy propagation ---- */

static void test_copy_propagation(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I64), t2 = tcg_temp_new(s, I64);

    tcg_gen_mov(s, I64, t0, g[0]);
    tcg_gen_mov(s, I64, t1, t0);                   /* a copy of a copy: of g0 */
    tcg_gen_op3(s, OP_ADD, I64, t2, t1, g[1]);     /* reads g0 */
    tcg_gen_op3(s, OP_SUB, I64, g[0], g[0], g[2]); /* g0 changes: t0 and t1 keep the old */
    tcg_gen_op3(s, OP_ADD, I64, g[3], t1, t0);     /* reads t0 twice, not g0 */
    tcg_gen_mov(s, I64, t0, g[1]);                 /* t0 now copies g1; t1 still old g0 */
    tcg_gen_op3(s, OP_XOR, I64, g[2], t0, t1);
    tcg_gen_mov(s, I64, g[1], t2);
    tcg_optimize(s);
    assert_dump(s, " mov_i64 tmp0, g0\n"
                   " mov_i64 tmp1, g0\n"
                   " add_i64 tmp2, g0, g1\n"
                   " sub_i64 g0, g0, g2\n"
                   " add_i64 g3, tmp0, tmp0\n"
                   " mov_i64 tmp0, g1\n"
                   " xor_i64 g2, g1, tmp1\n"
                   " mov_i64 g1, tmp2\n");
    g_free(s);
}

static void test_copy_propagation_stops_at_labels(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I64);
    int l0 = tcg_label_new(s), l1 = tcg_label_new(s);

    tcg_gen_mov(s, I64, t0, g[0]);
    tcg_gen_movi(s, I64, t1, 5);
    tcg_gen_op3(s, OP_ADD, I64, g[1], t0, t1);
    tcg_gen_brcond(s, I64, TCG_COND_EQ, g[2], g[3], l0);
    /* The fall-through path still knows nothing: another path may join at the next label. */
    tcg_gen_op3(s, OP_ADD, I64, g[1], t0, t1);
    tcg_gen_set_label(s, l0);
    tcg_gen_op3(s, OP_ADD, I64, g[2], t0, t1);
    tcg_gen_movi(s, I64, t1, 7);
    tcg_gen_br(s, l1);
    tcg_gen_set_label(s, l1);
    tcg_gen_op3(s, OP_ADD, I64, g[2], t1, t1);
    tcg_optimize(s);
    assert_dump(s, " mov_i64 tmp0, g0\n"
                   " mov_i64 tmp1, $0x5\n"
                   " add_i64 g1, g0, $0x5\n"
                   " brcond_i64 g2, g3, eq, $L0\n"
                   " add_i64 g1, tmp0, tmp1\n"
                   " set_label $L0\n"
                   " add_i64 g2, tmp0, tmp1\n"
                   " mov_i64 tmp1, $0x7\n"
                   " br $L1\n"
                   " set_label $L1\n"
                   " add_i64 g2, tmp1, tmp1\n");
    g_free(s);
}

/* A label no branch names is dropped first, so it stops nothing (the RISC-V loop head). */
static void test_unused_labels_dropped(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64);
    int unused = tcg_label_new(s), used = tcg_label_new(s);

    tcg_gen_set_label(s, unused);
    tcg_gen_movi(s, I64, t0, 5);
    tcg_gen_set_label(s, tcg_label_new(s));
    tcg_gen_op3(s, OP_ADD, I64, g[1], g[0], t0);
    tcg_gen_brcond(s, I64, TCG_COND_EQ, g[2], g[3], used);
    tcg_gen_set_label(s, used);
    tcg_optimize(s);
    assert_dump(s, " mov_i64 tmp0, $0x5\n"
                   " add_i64 g1, g0, $0x5\n"
                   " brcond_i64 g2, g3, eq, $L1\n"
                   " set_label $L1\n");
    g_free(s);
}

/* Helpers that may write globals end what the optimizer knows about them. */
static void test_copy_propagation_and_calls(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I64), t2 = tcg_temp_new(s, I64);
    int args[TCG_MAX_CALL_ARGS] = {s->env};

    tcg_gen_mov(s, I64, t0, g[0]);
    tcg_gen_movi(s, I64, g[1], 9);
    tcg_gen_call(s, &h_reads, t1, args);
    tcg_gen_op3(s, OP_ADD, I64, g[2], t0, g[1]); /* g0 and 9: the call wrote nothing */
    tcg_gen_call(s, &h_writes, -1, args);
    tcg_gen_op3(s, OP_ADD, I64, g[3], t0, g[1]); /* t0 and g1 themselves now */
    tcg_gen_op3(s, OP_ADD, I64, t2, t1, t1);
    tcg_gen_mov(s, I64, g[0], t2);
    tcg_optimize(s);
    assert_dump(s, " mov_i64 tmp0, g0\n"
                   " mov_i64 g1, $0x9\n"
                   " call tmp1, env, reads\n"
                   " add_i64 g2, g0, $0x9\n"
                   " call env, writes\n"
                   " add_i64 g3, tmp0, g1\n"
                   " add_i64 tmp2, tmp1, tmp1\n"
                   " mov_i64 g0, tmp2\n");
    g_free(s);
}

/* A guest load into a copy's source ends the copy too. */
static void test_copy_propagation_outputs(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64);

    tcg_gen_mov(s, I64, t0, g[0]);
    tcg_gen_guest_ld(s, I64, g[0], g[1], MO_64, 0);
    tcg_gen_op3(s, OP_ADD, I64, g[2], t0, g[0]);
    tcg_gen_movi(s, I64, g[3], 4);
    tcg_gen_guest_ld(s, I64, g[3], g[1], MO_8, 0);
    tcg_gen_op3(s, OP_ADD, I64, g[2], g[3], g[3]);
    tcg_optimize(s);
    assert_dump(s, " mov_i64 tmp0, g0\n"
                   " guest_ld_i64 g0, g1, u64 mmu0\n"
                   " add_i64 g2, tmp0, g0\n"
                   " mov_i64 g3, $0x4\n"
                   " guest_ld_i64 g3, g1, u8 mmu0\n"
                   " add_i64 g2, g3, g3\n");
    g_free(s);
}

/*
 * A discarded temp holds nothing any more: it must not stand in for the value it copied,
 * and discarding a copy must not discard what it copied (a global stays wanted).
 */
static void test_discard_of_a_copy(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I64);

    tcg_gen_op3(s, OP_ADD, I64, g[0], g[0], g[1]);
    tcg_gen_mov(s, I64, t0, g[0]);
    tcg_gen_mov(s, I64, t1, g[0]);
    tcg_gen_discard(s, t0);
    tcg_gen_movi(s, I64, g[0], 3);
    tcg_gen_mov(s, I64, g[2], t1);
    tcg_gen_exit_tb(s, 0);
    tcg_optimize(s);
    tcg_liveness(s);
    /* The first add survives, and g2 gets the old g0 through a temp that still holds it. */
    g_assert_cmpuint(s->ops[0].opc, ==, OP_ADD);
    g_assert_cmpint(s->ops[0].args[0], ==, g[0]);
    char *text = dump_ops(s);
    g_assert_nonnull(strstr(text, " mov_i64 tmp1, g0\n"));
    g_assert_nonnull(strstr(text, " mov_i64 g2, tmp1"));
    g_assert_null(strstr(text, "tmp0"));
    free(text);
    g_free(s);
}

/*
 * A copy made by a 32-bit op holds only the low half: when the source changes it must not
 * become what the 64-bit copies are renamed to (it was picked by temp order before).
 */
static void test_narrow_copy(void)
{
    struct tcg_ctx *s = ctx_new();
    int t32 = tcg_temp_new(s, I32), t64 = tcg_temp_new(s, I64);

    tcg_gen_mov(s, I64, t64, g[0]);
    tcg_gen_mov(s, I32, t32, t64);
    tcg_gen_op2(s, OP_EXT32S, I64, g[2], t32); /* may still read g0: same low half */
    tcg_gen_movi(s, I64, g[0], 5);
    tcg_gen_op3(s, OP_ADD, I64, g[1], t64, g[2]);
    tcg_gen_op2(s, OP_EXT32S, I64, g[3], t32);
    tcg_optimize(s);
    assert_dump(s, " mov_i64 tmp1, g0\n"
                   " mov_i32 tmp0, g0\n"
                   " ext32s_i64 g2, g0\n"
                   " mov_i64 g0, $0x5\n"
                   " add_i64 g1, tmp1, g2\n"
                   " ext32s_i64 g3, tmp0\n");
    g_free(s);
}

/* ---- liveness: dead code and dying inputs ---- */

static void test_liveness_removes_dead_code(void)
{
    struct tcg_ctx *s = ctx_new();
    int t[8];
    int args[TCG_MAX_CALL_ARGS] = {g[0], g[1]};

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++)
        t[i] = tcg_temp_new(s, I64);
    tcg_gen_op3(s, OP_ADD, I64, t[0], g[0], g[1]);    /* unused: gone */
    tcg_gen_op3i(s, OP_MUL, I64, t[1], g[0], 3);      /* only feeds dead code: gone */
    tcg_gen_op3(s, OP_SUB, I64, t[2], t[1], g[2]);    /* unused: gone */
    tcg_gen_call(s, &h_pure, t[3], args);             /* pure, unused: gone */
    tcg_gen_call(s, &h_effect, t[4], args);           /* side effects: kept */
    tcg_gen_call(s, &h_pure, t[5], args);             /* pure, used: kept */
    tcg_gen_guest_ld(s, I64, t[6], g[0], MO_32, 0);   /* may fault: kept */
    tcg_gen_ld(s, OP_LD, I64, t[7], s->env, 0x100);   /* unused host load: gone */
    tcg_gen_st(s, OP_ST32, I64, t[5], s->env, 0x108); /* kept */
    tcg_gen_guest_st(s, I64, g[3], g[0], MO_16, 0);   /* kept */
    tcg_gen_op3i(s, OP_ADD, I64, g[1], g[1], 1);      /* globals are always wanted */
    tcg_gen_exit_check(s);
    tcg_gen_goto_tb(s, 0);
    tcg_gen_exit_tb(s, 0);
    tcg_liveness(s);
    assert_dump(s, " call tmp4, g0, g1, effect\n"
                   " call tmp5, g0, g1, pure\n"
                   " guest_ld_i64 tmp6, g0, u32 mmu0\n"
                   " st32_i64 tmp5, env, $0x108  dead:1\n"
                   " guest_st_i64 g3, g0, u16 mmu0\n"
                   " add_i64 g1, g1, $0x1\n"
                   " exit_check\n"
                   " goto_tb $0x0\n"
                   " exit_tb $0x0\n");
    g_free(s);
}

static void test_liveness_dying_inputs(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I64), t2 = tcg_temp_new(s, I64);

    tcg_gen_op3(s, OP_ADD, I64, t0, g[0], g[1]);
    tcg_gen_op3(s, OP_ADD, I64, t1, t0, t0); /* the same temp twice dies once */
    tcg_gen_op3(s, OP_MUL, I64, t2, t1, t0); /* both die here */
    tcg_gen_movcond(s, I64, TCG_COND_EQ, g[2], t2, g[3], g[0], t2); /* bit 0 only: last read */
    tcg_gen_discard(s, t2);
    tcg_liveness(s);
    assert_dump(s, " add_i64 tmp0, g0, g1\n"
                   " add_i64 tmp1, tmp0, tmp0\n"
                   " mul_i64 tmp2, tmp1, tmp0  dead:3\n"
                   " movcond_i64 g2, tmp2, g3, g0, tmp2, eq  dead:1\n");
    g_free(s);
}

/* Values used in another basic block stay, and are not said to die before the branch. */
static void test_liveness_across_blocks(void)
{
    struct tcg_ctx *s = ctx_new();
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I64), t2 = tcg_temp_new(s, I64);
    int l0 = tcg_label_new(s);

    tcg_gen_op3(s, OP_ADD, I64, t0, g[0], g[1]);
    tcg_gen_op3(s, OP_ADD, I64, t1, g[0], g[2]);
    tcg_gen_op3(s, OP_ADD, I64, t2, t1, t0); /* t0 is read again after the label */
    tcg_gen_brcond(s, I64, TCG_COND_NE, t2, g[3], l0);
    tcg_gen_movi(s, I64, g[3], 0);
    tcg_gen_set_label(s, l0);
    tcg_gen_mov(s, I64, g[2], t0);
    tcg_liveness(s);
    g_assert_true(s->temps[t0].crosses_bb);
    g_assert_false(s->temps[t1].crosses_bb);
    g_assert_false(s->temps[t2].crosses_bb); /* the branch reads it in its own block */
    assert_dump(s, " add_i64 tmp0, g0, g1\n"
                   " add_i64 tmp1, g0, g2\n"
                   " add_i64 tmp2, tmp1, tmp0  dead:1\n"
                   " brcond_i64 tmp2, g3, ne, $L0  dead:1\n"
                   " mov_i64 g3, $0x0\n"
                   " set_label $L0\n"
                   " mov_i64 g2, tmp0  dead:1\n");
    g_free(s);
}

/* The two passes together, as tb.c runs them, on a loop shaped like the RISC-V frontend's. */
static void test_optimize_then_liveness(void)
{
    struct tcg_ctx *s = ctx_new();
    int head = tcg_label_new(s), done = tcg_label_new(s);
    int t0 = tcg_temp_new(s, I64), t1 = tcg_temp_new(s, I64), t2 = tcg_temp_new(s, I32);

    tcg_gen_set_label(s, head);
    tcg_gen_insn_start(s, 0x1000);
    tcg_gen_movi(s, I64, t0, 6);
    tcg_gen_op3i(s, OP_MUL, I64, t1, t0, 7); /* 42 */
    tcg_gen_op3(s, OP_ADD, I64, g[0], g[0], t1);
    tcg_gen_op3i(s, OP_ADD, I32, t2, t0, 0x7ffffffa); /* 32-bit wraparound */
    tcg_gen_op2(s, OP_EXT32S, I64, g[1], t2);
    tcg_gen_insn_start(s, 0x1004);
    tcg_gen_op3i(s, OP_SUB, I64, g[2], g[2], 1);
    tcg_gen_brcond(s, I64, TCG_COND_EQ, g[2], tcg_const(s, I64, 0), done);
    tcg_gen_exit_check(s);
    tcg_gen_br(s, head);
    tcg_gen_set_label(s, done);
    tcg_gen_goto_tb(s, 0);
    tcg_optimize(s);
    tcg_liveness(s);
    assert_dump(s, " set_label $L0\n"
                   " ---- 0000000000001000\n"
                   " add_i64 g0, g0, $0x2a\n"
                   " mov_i64 g1, $0xffffffff80000000\n"
                   " ---- 0000000000001004\n"
                   " sub_i64 g2, g2, $0x1\n"
                   " brcond_i64 g2, $0x0, eq, $L1\n"
                   " exit_check\n"
                   " br $L0\n"
                   " set_label $L1\n"
                   " goto_tb $0x0\n");
    g_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcg_ir/dump/every_kind", test_dump_every_kind);
    g_test_add_func("/tcg_ir/ir/op_shapes", test_op_shapes);
    g_test_add_func("/tcg_ir/ir/temps_and_consts", test_temps_and_consts);
    g_test_add_func("/tcg_ir/ir/overflow", test_overflow);
    g_test_add_func("/tcg_ir/opt/fold_binary", test_fold_binary);
    g_test_add_func("/tcg_ir/opt/fold_unary", test_fold_unary);
    g_test_add_func("/tcg_ir/opt/fold_conditions", test_fold_conditions);
    g_test_add_func("/tcg_ir/opt/fold_branch_dump", test_fold_branch_dump);
    g_test_add_func("/tcg_ir/opt/simplify", test_simplify);
    g_test_add_func("/tcg_ir/opt/copy_propagation", test_copy_propagation);
    g_test_add_func("/tcg_ir/opt/copy_propagation_labels", test_copy_propagation_stops_at_labels);
    g_test_add_func("/tcg_ir/opt/unused_labels_dropped", test_unused_labels_dropped);
    g_test_add_func("/tcg_ir/opt/copy_propagation_calls", test_copy_propagation_and_calls);
    g_test_add_func("/tcg_ir/opt/copy_propagation_outputs", test_copy_propagation_outputs);
    g_test_add_func("/tcg_ir/opt/discard_of_a_copy", test_discard_of_a_copy);
    g_test_add_func("/tcg_ir/opt/narrow_copy", test_narrow_copy);
    g_test_add_func("/tcg_ir/liveness/dead_code", test_liveness_removes_dead_code);
    g_test_add_func("/tcg_ir/liveness/dying_inputs", test_liveness_dying_inputs);
    g_test_add_func("/tcg_ir/liveness/across_blocks", test_liveness_across_blocks);
    g_test_add_func("/tcg_ir/passes/optimize_then_liveness", test_optimize_then_liveness);
    return g_test_run();
}
