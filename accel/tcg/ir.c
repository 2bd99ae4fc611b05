/* The TCG intermediate representation: op table, temps, builders and the textual dump. */
#include "accel/tcg/ir.h"

#include <inttypes.h>
#include <string.h>

struct tcg_op_def {
    const char *name;
    uint8_t nb_o, nb_i, nb_c;
    uint8_t flags;
};

static const struct tcg_op_def op_defs[OP_NB] = {
    [OP_INSN_START] = {"insn_start", 0, 0, 1, 0},
    [OP_DISCARD] = {"discard", 0, 1, 0, 0},
    [OP_MOV] = {"mov", 1, 1, 0, 0},
    [OP_ADD] = {"add", 1, 2, 0, 0},
    [OP_SUB] = {"sub", 1, 2, 0, 0},
    [OP_MUL] = {"mul", 1, 2, 0, 0},
    [OP_AND] = {"and", 1, 2, 0, 0},
    [OP_OR] = {"or", 1, 2, 0, 0},
    [OP_XOR] = {"xor", 1, 2, 0, 0},
    [OP_ANDC] = {"andc", 1, 2, 0, 0},
    [OP_SHL] = {"shl", 1, 2, 0, 0},
    [OP_SHR] = {"shr", 1, 2, 0, 0},
    [OP_SAR] = {"sar", 1, 2, 0, 0},
    [OP_ROTL] = {"rotl", 1, 2, 0, 0},
    [OP_ROTR] = {"rotr", 1, 2, 0, 0},
    [OP_MULSH] = {"mulsh", 1, 2, 0, 0},
    [OP_MULUH] = {"muluh", 1, 2, 0, 0},
    [OP_DIV] = {"div", 1, 2, 0, 0},
    [OP_DIVU] = {"divu", 1, 2, 0, 0},
    [OP_REM] = {"rem", 1, 2, 0, 0},
    [OP_REMU] = {"remu", 1, 2, 0, 0},
    [OP_NEG] = {"neg", 1, 1, 0, 0},
    [OP_NOT] = {"not", 1, 1, 0, 0},
    [OP_CLZ] = {"clz", 1, 1, 0, 0},
    [OP_CTZ] = {"ctz", 1, 1, 0, 0},
    [OP_CPOP] = {"cpop", 1, 1, 0, 0},
    [OP_EXT8S] = {"ext8s", 1, 1, 0, 0},
    [OP_EXT8U] = {"ext8u", 1, 1, 0, 0},
    [OP_EXT16S] = {"ext16s", 1, 1, 0, 0},
    [OP_EXT16U] = {"ext16u", 1, 1, 0, 0},
    [OP_EXT32S] = {"ext32s", 1, 1, 0, 0},
    [OP_EXT32U] = {"ext32u", 1, 1, 0, 0},
    [OP_EXTRL] = {"extrl", 1, 1, 0, 0},
    [OP_SETCOND] = {"setcond", 1, 2, 1, 0},
    [OP_MOVCOND] = {"movcond", 1, 4, 1, 0},
    [OP_BRCOND] = {"brcond", 0, 2, 2, OPF_BB_END | OPF_COND_BRANCH},
    [OP_BR] = {"br", 0, 0, 1, OPF_BB_END},
    [OP_SET_LABEL] = {"set_label", 0, 0, 1, OPF_BB_END},
    [OP_LD8U] = {"ld8u", 1, 1, 1, 0},
    [OP_LD8S] = {"ld8s", 1, 1, 1, 0},
    [OP_LD16U] = {"ld16u", 1, 1, 1, 0},
    [OP_LD16S] = {"ld16s", 1, 1, 1, 0},
    [OP_LD32U] = {"ld32u", 1, 1, 1, 0},
    [OP_LD32S] = {"ld32s", 1, 1, 1, 0},
    [OP_LD] = {"ld", 1, 1, 1, 0},
    [OP_ST8] = {"st8", 0, 2, 1, OPF_SIDE_EFFECTS},
    [OP_ST16] = {"st16", 0, 2, 1, OPF_SIDE_EFFECTS},
    [OP_ST32] = {"st32", 0, 2, 1, OPF_SIDE_EFFECTS},
    [OP_ST] = {"st", 0, 2, 1, OPF_SIDE_EFFECTS},
    [OP_GUEST_LD] = {"guest_ld", 1, 1, 1, OPF_SIDE_EFFECTS},
    [OP_GUEST_ST] = {"guest_st", 0, 2, 1, OPF_SIDE_EFFECTS},
    [OP_CALL] = {"call", 0, 0, 1, OPF_SIDE_EFFECTS},
    [OP_GOTO_TB] = {"goto_tb", 0, 0, 1, OPF_BB_END | OPF_SIDE_EFFECTS | OPF_TB_EXIT},
    [OP_EXIT_TB] = {"exit_tb", 0, 0, 1, OPF_BB_END | OPF_SIDE_EFFECTS | OPF_TB_EXIT},
    [OP_LOOKUP_AND_GOTO] = {"lookup_and_goto", 0, 1, 1,
                            OPF_BB_END | OPF_SIDE_EFFECTS | OPF_TB_EXIT},
    [OP_EXIT_CHECK] = {"exit_check", 0, 0, 0, OPF_SIDE_EFFECTS},
    [OP_FADD] = {"fadd", 1, 2, 0, 0},
    [OP_FSUB] = {"fsub", 1, 2, 0, 0},
    [OP_FMUL] = {"fmul", 1, 2, 0, 0},
    [OP_FDIV] = {"fdiv", 1, 2, 0, 0},
    [OP_FSQRT] = {"fsqrt", 1, 1, 0, 0},
    [OP_FMADD] = {"fmadd", 1, 3, 0, 0},
};

const char *tcg_op_name(enum tcg_opcode opc)
{
    return opc < OP_NB && op_defs[opc].name ? op_defs[opc].name : "?";
}

unsigned tcg_op_flags(enum tcg_opcode opc)
{
    return op_defs[opc].flags;
}

void tcg_ctx_init(struct tcg_ctx *s)
{
    memset(s, 0, sizeof(*s));
}

void tcg_func_start(struct tcg_ctx *s)
{
    s->nb_temps = s->nb_globals;
    s->nb_ops = 0;
    s->nb_labels = 0;
    s->overflow = false;
}

static int tcg_temp_alloc(struct tcg_ctx *s)
{
    if (s->nb_temps == TCG_MAX_TEMPS) {
        s->overflow = true;
        return TCG_MAX_TEMPS - 1; /* a scratch temp; the block is discarded */
    }
    int t = (int)s->nb_temps++;
    memset(&s->temps[t], 0, sizeof(s->temps[t]));
    s->temps[t].fixed_reg = -1;
    s->temps[t].reg = -1;
    return t;
}

static int tcg_global_alloc(struct tcg_ctx *s)
{
    /* Globals are created before any block, so they sit first and survive func_start. */
    int t = tcg_temp_alloc(s);
    s->nb_globals = s->nb_temps;
    return t;
}

int tcg_global_fixed_new(struct tcg_ctx *s, enum tcg_type type, int reg, const char *name)
{
    int t = tcg_global_alloc(s);

    s->temps[t].kind = TEMP_FIXED;
    s->temps[t].type = (uint8_t)type;
    s->temps[t].fixed_reg = (int8_t)reg;
    s->temps[t].name = name;
    return t;
}

int tcg_global_mem_new(struct tcg_ctx *s, enum tcg_type type, int32_t offset, const char *name)
{
    int t = tcg_global_alloc(s);

    s->temps[t].kind = TEMP_GLOBAL;
    s->temps[t].type = (uint8_t)type;
    s->temps[t].mem_offset = offset;
    s->temps[t].name = name;
    return t;
}

void tcg_global_pin(struct tcg_ctx *s, int global, int reg)
{
    s->temps[global].fixed_reg = (int8_t)reg;
}

int tcg_temp_new(struct tcg_ctx *s, enum tcg_type type)
{
    for (unsigned t = s->nb_globals; t < s->nb_temps; t++) {
        struct tcg_temp *tp = &s->temps[t];
        if (tp->free && tp->type == type && tp->kind == TEMP_LOCAL) {
            tp->free = false;
            return (int)t;
        }
    }
    int t = tcg_temp_alloc(s);
    s->temps[t].kind = TEMP_LOCAL;
    s->temps[t].type = (uint8_t)type;
    return t;
}

void tcg_temp_free(struct tcg_ctx *s, int t)
{
    if (s->temps[t].kind == TEMP_LOCAL)
        s->temps[t].free = true;
}

int tcg_const(struct tcg_ctx *s, enum tcg_type type, int64_t value)
{
    if (type == TCG_I32)
        value = (int32_t)value;
    for (unsigned t = s->nb_globals; t < s->nb_temps; t++) {
        const struct tcg_temp *tp = &s->temps[t];
        if (tp->kind == TEMP_CONST && tp->type == type && tp->value == value)
            return (int)t;
    }
    int t = tcg_temp_alloc(s);
    s->temps[t].kind = TEMP_CONST;
    s->temps[t].type = (uint8_t)type;
    s->temps[t].value = value;
    return t;
}

int tcg_label_new(struct tcg_ctx *s)
{
    if (s->nb_labels == TCG_MAX_LABELS) {
        s->overflow = true;
        return 0;
    }
    return (int)s->nb_labels++;
}

struct tcg_op *tcg_emit(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type type,
                        unsigned nb_o, unsigned nb_i, unsigned nb_c)
{
    static __thread struct tcg_op scratch;
    struct tcg_op *op;

    if (s->nb_ops == TCG_MAX_OPS) {
        s->overflow = true;
        op = &scratch;
    } else {
        op = &s->ops[s->nb_ops++];
    }
    memset(op, 0, sizeof(*op));
    op->opc = (uint16_t)opc;
    op->type = (uint8_t)type;
    op->nb_o = (uint8_t)nb_o;
    op->nb_i = (uint8_t)nb_i;
    op->nb_c = (uint8_t)nb_c;
    return op;
}

static struct tcg_op *emit_std(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty)
{
    const struct tcg_op_def *d = &op_defs[opc];
    return tcg_emit(s, opc, ty, d->nb_o, d->nb_i, d->nb_c);
}

void tcg_gen_insn_start(struct tcg_ctx *s, uint64_t pc)
{
    emit_std(s, OP_INSN_START, TCG_I64)->args[0] = (int64_t)pc;
}

void tcg_gen_discard(struct tcg_ctx *s, int t)
{
    emit_std(s, OP_DISCARD, s->temps[t].type)->args[0] = t;
}

void tcg_gen_mov(struct tcg_ctx *s, enum tcg_type ty, int d, int a)
{
    if (d == a)
        return;
    struct tcg_op *op = emit_std(s, OP_MOV, ty);
    op->args[0] = d;
    op->args[1] = a;
}

void tcg_gen_movi(struct tcg_ctx *s, enum tcg_type ty, int d, int64_t v)
{
    tcg_gen_mov(s, ty, d, tcg_const(s, ty, v));
}

void tcg_gen_op2(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int a)
{
    struct tcg_op *op = emit_std(s, opc, ty);
    op->args[0] = d;
    op->args[1] = a;
}

void tcg_gen_op3(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int a, int b)
{
    struct tcg_op *op = emit_std(s, opc, ty);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
}

void tcg_gen_op3i(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int a,
                  int64_t imm)
{
    tcg_gen_op3(s, opc, ty, d, a, tcg_const(s, ty, imm));
}

void tcg_gen_setcond(struct tcg_ctx *s, enum tcg_type ty, enum tcg_cond c, int d, int a, int b)
{
    struct tcg_op *op = emit_std(s, OP_SETCOND, ty);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = c;
}

void tcg_gen_movcond(struct tcg_ctx *s, enum tcg_type ty, enum tcg_cond c, int d, int a, int b,
                     int v1, int v2)
{
    struct tcg_op *op = emit_std(s, OP_MOVCOND, ty);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = v1;
    op->args[4] = v2;
    op->args[5] = c;
}

void tcg_gen_brcond(struct tcg_ctx *s, enum tcg_type ty, enum tcg_cond c, int a, int b,
                    int label)
{
    struct tcg_op *op = emit_std(s, OP_BRCOND, ty);
    op->args[0] = a;
    op->args[1] = b;
    op->args[2] = c;
    op->args[3] = label;
}

void tcg_gen_br(struct tcg_ctx *s, int label)
{
    emit_std(s, OP_BR, TCG_I64)->args[0] = label;
}

void tcg_gen_set_label(struct tcg_ctx *s, int label)
{
    emit_std(s, OP_SET_LABEL, TCG_I64)->args[0] = label;
}

void tcg_gen_ld(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int d, int base,
                int32_t offset)
{
    struct tcg_op *op = emit_std(s, opc, ty);
    op->args[0] = d;
    op->args[1] = base;
    op->args[2] = offset;
}

void tcg_gen_st(struct tcg_ctx *s, enum tcg_opcode opc, enum tcg_type ty, int v, int base,
                int32_t offset)
{
    struct tcg_op *op = emit_std(s, opc, ty);
    op->args[0] = v;
    op->args[1] = base;
    op->args[2] = offset;
}

void tcg_gen_guest_ld(struct tcg_ctx *s, enum tcg_type ty, int d, int addr, unsigned memop,
                      unsigned mmu_idx)
{
    struct tcg_op *op = emit_std(s, OP_GUEST_LD, ty);
    op->args[0] = d;
    op->args[1] = addr;
    op->args[2] = TCG_MEMOP(memop, mmu_idx);
}

void tcg_gen_guest_st(struct tcg_ctx *s, enum tcg_type ty, int v, int addr, unsigned memop,
                      unsigned mmu_idx)
{
    struct tcg_op *op = emit_std(s, OP_GUEST_ST, ty);
    op->args[0] = v;
    op->args[1] = addr;
    op->args[2] = TCG_MEMOP(memop, mmu_idx);
}

void tcg_gen_call(struct tcg_ctx *s, const struct tcg_helper *h, int ret, const int *args)
{
    unsigned nb_o = ret >= 0 ? 1 : 0;
    struct tcg_op *op = tcg_emit(s, OP_CALL, TCG_I64, nb_o, h->nb_args, 1);
    unsigned i = 0;

    if (ret >= 0)
        op->args[i++] = ret;
    for (unsigned a = 0; a < h->nb_args; a++)
        op->args[i++] = args[a];
    op->args[i] = (int64_t)(uintptr_t)h;
}

void tcg_gen_goto_tb(struct tcg_ctx *s, unsigned slot)
{
    emit_std(s, OP_GOTO_TB, TCG_I64)->args[0] = slot;
}

void tcg_gen_exit_tb(struct tcg_ctx *s, uintptr_t value)
{
    emit_std(s, OP_EXIT_TB, TCG_I64)->args[0] = (int64_t)value;
}

void tcg_gen_lookup_and_goto(struct tcg_ctx *s, int target_pc, uint64_t flags)
{
    struct tcg_op *op = emit_std(s, OP_LOOKUP_AND_GOTO, TCG_I64);
    op->args[0] = target_pc;
    op->args[1] = (int64_t)flags;
}

void tcg_gen_exit_check(struct tcg_ctx *s)
{
    emit_std(s, OP_EXIT_CHECK, TCG_I64);
}

/* ---- dump ---- */

static const char *const cond_names[] = {"eq", "ne", "lt", "ge", "le", "gt",
                                         "ltu", "geu", "leu", "gtu", "always", "never"};

static void dump_temp(const struct tcg_ctx *s, int t, FILE *out)
{
    const struct tcg_temp *tp = &s->temps[t];

    switch (tp->kind) {
    case TEMP_CONST:
        fprintf(out, "$0x%" PRIx64, (uint64_t)tp->value);
        break;
    case TEMP_GLOBAL:
    case TEMP_FIXED:
        fprintf(out, "%s", tp->name ? tp->name : "g?");
        break;
    default:
        fprintf(out, "tmp%d", t - (int)s->nb_globals);
        break;
    }
}

static void dump_consts(const struct tcg_op *op, unsigned first, FILE *out)
{
    for (unsigned i = 0; i < op->nb_c; i++) {
        int64_t c = op->args[first + i];
        fprintf(out, "%s", i || first ? ", " : " ");
        switch (op->opc) {
        case OP_SETCOND:
        case OP_MOVCOND:
            fprintf(out, "%s", cond_names[c]);
            break;
        case OP_BRCOND:
            if (i == 0)
                fprintf(out, "%s", cond_names[c]);
            else
                fprintf(out, "$L%" PRId64, c);
            break;
        case OP_BR:
        case OP_SET_LABEL:
            fprintf(out, "$L%" PRId64, c);
            break;
        case OP_GUEST_LD:
        case OP_GUEST_ST:
            fprintf(out, "%s%u mmu%u", (TCG_MEMOP_OP(c) & MO_SIGN) ? "s" : "u",
                    8u << (TCG_MEMOP_OP(c) & MO_SIZE), TCG_MEMOP_MMU(c));
            break;
        case OP_CALL:
            fprintf(out, "%s", ((const struct tcg_helper *)(uintptr_t)c)->name);
            break;
        default:
            fprintf(out, "$0x%" PRIx64, (uint64_t)c);
            break;
        }
    }
}

void tcg_dump_ops(const struct tcg_ctx *s, FILE *out)
{
    for (unsigned i = 0; i < s->nb_ops; i++) {
        const struct tcg_op *op = &s->ops[i];
        if (op->opc == OP_INSN_START) {
            fprintf(out, " ---- %016" PRIx64 "\n", (uint64_t)op->args[0]);
            continue;
        }
        fprintf(out, " %s%s", tcg_op_name(op->opc),
                op->opc == OP_CALL || op->nb_o + op->nb_i == 0 ? ""
                : op->type == TCG_I32                          ? "_i32"
                                                               : "_i64");
        unsigned n = op->nb_o + op->nb_i;
        for (unsigned a = 0; a < n; a++) {
            fprintf(out, "%s", a ? ", " : " ");
            dump_temp(s, (int)op->args[a], out);
        }
        dump_consts(op, n, out);
        if (op->life)
            fprintf(out, "  dead:%x", op->life);
        fprintf(out, "\n");
    }
}
