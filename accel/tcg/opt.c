/* The optimizer: constant folding, copy propagation and algebraic simplification. */
#include <stdbool.h>
#include <string.h>

#include "accel/tcg/ir.h"

struct opt_info {
    int canon;        /* the temp this one is a copy of (itself if none) */
    bool is_const;
    bool narrow;      /* a copy by a 32-bit op: only the low half of canon's value */
    int64_t value;
};

struct opt_state {
    struct tcg_ctx *s;
    struct opt_info info[TCG_MAX_TEMPS];
};

static int64_t fit_type(enum tcg_type ty, int64_t v)
{
    return ty == TCG_I32 ? (int64_t)(int32_t)v : v;
}

static void opt_reset(struct opt_state *o)
{
    for (unsigned t = 0; t < o->s->nb_temps; t++) {
        const struct tcg_temp *tp = &o->s->temps[t];
        o->info[t] = (struct opt_info){(int)t, tp->kind == TEMP_CONST, false, tp->value};
    }
}

/* A write to t ends every copy relation through t. */
static void opt_invalidate(struct opt_state *o, int t)
{
    int new_canon = -1;

    for (unsigned u = 0; u < o->s->nb_temps; u++) {
        if ((int)u == t || o->info[u].canon != t)
            continue;
        if (o->info[u].narrow) {
            /* It cannot stand in for the 64-bit copies: it stops being a copy. */
            o->info[u].canon = (int)u;
            o->info[u].narrow = false;
            continue;
        }
        if (new_canon < 0)
            new_canon = (int)u;
        o->info[u].canon = new_canon;
    }
    o->info[t] = (struct opt_info){t, false, false, 0};
}

static void opt_invalidate_globals(struct opt_state *o)
{
    for (unsigned t = 0; t < o->s->nb_globals; t++)
        if (o->s->temps[t].kind == TEMP_GLOBAL)
            opt_invalidate(o, (int)t);
}

/* A constant temp, with its optimizer info set up if it is new. */
static int opt_const(struct opt_state *o, enum tcg_type ty, int64_t value)
{
    unsigned before = o->s->nb_temps;
    int t = tcg_const(o->s, ty, value);

    if ((unsigned)t >= before)
        o->info[t] = (struct opt_info){t, true, false, o->s->temps[t].value};
    return t;
}

static int opt_input(struct opt_state *o, int t)
{
    const struct opt_info *i = &o->info[t];

    if (i->is_const && o->s->temps[t].kind != TEMP_CONST)
        return opt_const(o, o->s->temps[t].type, i->value);
    return i->canon;
}

/* Rewrites op into "mov d, $value". */
static void fold_to_const(struct opt_state *o, struct tcg_op *op, int64_t value)
{
    int d = (int)op->args[0];
    int64_t v = fit_type(op->type, value);

    op->opc = OP_MOV;
    op->nb_i = 1;
    op->nb_c = 0;
    op->args[1] = opt_const(o, op->type, v);
    opt_invalidate(o, d);
    o->info[d].is_const = true;
    o->info[d].value = v;
}

static void fold_to_copy(struct opt_state *o, struct tcg_op *op, int src)
{
    int d = (int)op->args[0];

    op->opc = OP_MOV;
    op->nb_i = 1;
    op->nb_c = 0;
    op->args[1] = src;
    opt_invalidate(o, d);
    if (o->info[src].is_const) {
        o->info[d].is_const = true;
        o->info[d].value = o->info[src].value;
    } else if (src != d) {
        o->info[d].canon = o->info[src].canon;
        o->info[d].narrow = op->type == TCG_I32 || o->info[src].narrow;
    }
}

static bool cond_holds(enum tcg_cond c, enum tcg_type ty, int64_t a, int64_t b)
{
    /* A 32-bit op may read a 64-bit value: only its low half counts. */
    a = fit_type(ty, a);
    b = fit_type(ty, b);
    uint64_t ua = ty == TCG_I32 ? (uint32_t)a : (uint64_t)a;
    uint64_t ub = ty == TCG_I32 ? (uint32_t)b : (uint64_t)b;

    switch (c) {
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return a < b;
    case TCG_COND_GE: return a >= b;
    case TCG_COND_LE: return a <= b;
    case TCG_COND_GT: return a > b;
    case TCG_COND_LTU: return ua < ub;
    case TCG_COND_GEU: return ua >= ub;
    case TCG_COND_LEU: return ua <= ub;
    case TCG_COND_GTU: return ua > ub;
    case TCG_COND_ALWAYS: return true;
    default: return false;
    }
}

/* Evaluates a two-input op on constants; false when it cannot (division hazards). */
static bool eval2(enum tcg_opcode opc, enum tcg_type ty, int64_t a, int64_t b, int64_t *r)
{
    a = fit_type(ty, a); /* as in cond_holds */
    b = fit_type(ty, b);
    unsigned bits = ty == TCG_I32 ? 32 : 64;
    uint64_t ua = ty == TCG_I32 ? (uint32_t)a : (uint64_t)a;
    uint64_t ub = ty == TCG_I32 ? (uint32_t)b : (uint64_t)b;
    unsigned sh = (unsigned)(ub & (bits - 1));
    int64_t min = ty == TCG_I32 ? INT32_MIN : INT64_MIN;

    switch (opc) {
    case OP_ADD: *r = (int64_t)(ua + ub); return true;
    case OP_SUB: *r = (int64_t)(ua - ub); return true;
    case OP_MUL: *r = (int64_t)(ua * ub); return true;
    case OP_AND: *r = a & b; return true;
    case OP_OR: *r = a | b; return true;
    case OP_XOR: *r = a ^ b; return true;
    case OP_ANDC: *r = a & ~b; return true;
    case OP_SHL: *r = (int64_t)(ua << sh); return true;
    case OP_SHR: *r = (int64_t)(ua >> sh); return true;
    case OP_SAR: *r = ty == TCG_I32 ? (int32_t)a >> sh : a >> sh; return true;
    case OP_ROTL: *r = (int64_t)(sh ? (ua << sh) | (ua >> (bits - sh)) : ua); return true;
    case OP_ROTR: *r = (int64_t)(sh ? (ua >> sh) | (ua << (bits - sh)) : ua); return true;
    case OP_DIV:
    case OP_REM:
        if (b == 0 || (a == min && b == -1))
            return false;
        *r = opc == OP_DIV ? a / b : a % b;
        return true;
    case OP_DIVU:
    case OP_REMU:
        if (ub == 0)
            return false;
        *r = (int64_t)(opc == OP_DIVU ? ua / ub : ua % ub);
        return true;
    default:
        return false;
    }
}

static bool eval1(enum tcg_opcode opc, int64_t a, int64_t *r)
{
    switch (opc) {
    case OP_NEG: *r = (int64_t)(0 - (uint64_t)a); return true;
    case OP_NOT: *r = ~a; return true;
    case OP_EXT8S: *r = (int8_t)a; return true;
    case OP_EXT8U: *r = (uint8_t)a; return true;
    case OP_EXT16S: *r = (int16_t)a; return true;
    case OP_EXT16U: *r = (uint16_t)a; return true;
    case OP_EXT32S: *r = (int32_t)a; return true;
    case OP_EXT32U: *r = (uint32_t)a; return true;
    case OP_EXTRL: *r = (int32_t)a; return true;
    default: return false;
    }
}

/* Identities with one constant operand; returns true if op was rewritten. */
static bool simplify2(struct opt_state *o, struct tcg_op *op)
{
    int a = (int)op->args[1], b = (int)op->args[2];
    bool bc = o->info[b].is_const, ac = o->info[a].is_const;
    int64_t bv = o->info[b].value, av = o->info[a].value;
    int64_t ones = fit_type(op->type, -1);

    switch (op->opc) {
    case OP_ADD: case OP_OR: case OP_XOR:
        if (bc && bv == 0) return fold_to_copy(o, op, a), true;
        if (ac && av == 0) return fold_to_copy(o, op, b), true;
        break;
    case OP_SUB: case OP_SHL: case OP_SHR: case OP_SAR: case OP_ROTL: case OP_ROTR:
        if (bc && bv == 0) return fold_to_copy(o, op, a), true;
        break;
    case OP_AND:
        if ((bc && bv == 0) || (ac && av == 0)) return fold_to_const(o, op, 0), true;
        if (bc && bv == ones) return fold_to_copy(o, op, a), true;
        if (ac && av == ones) return fold_to_copy(o, op, b), true;
        break;
    case OP_MUL:
        if ((bc && bv == 0) || (ac && av == 0)) return fold_to_const(o, op, 0), true;
        if (bc && bv == 1) return fold_to_copy(o, op, a), true;
        if (ac && av == 1) return fold_to_copy(o, op, b), true;
        break;
    default:
        break;
    }
    if (a == b) {
        switch (op->opc) {
        case OP_SUB: case OP_XOR: case OP_ANDC: return fold_to_const(o, op, 0), true;
        case OP_AND: case OP_OR: return fold_to_copy(o, op, a), true;
        default: break;
        }
    }
    return false;
}

static bool is_arith2(enum tcg_opcode opc)
{
    return (opc >= OP_ADD && opc <= OP_REMU);
}

static bool is_arith1(enum tcg_opcode opc)
{
    return (opc >= OP_NEG && opc <= OP_NOT) || (opc >= OP_EXT8S && opc <= OP_EXTRL);
}

/* Returns false when the op is to be deleted (a branch never taken). */
static bool opt_op(struct opt_state *o, struct tcg_op *op)
{
    unsigned flags = tcg_op_flags(op->opc);

    if (op->opc == OP_DISCARD) {
        /* Not a read: renaming it to a copy's source would discard the source (a global).
         * The temp no longer holds anything another temp may be renamed to. */
        opt_invalidate(o, (int)op->args[0]);
        return true;
    }
    for (unsigned a = 0; a < op->nb_i; a++)
        op->args[op->nb_o + a] = opt_input(o, (int)op->args[op->nb_o + a]);
    if (op->opc == OP_MOV) {
        fold_to_copy(o, op, (int)op->args[1]);
        return true;
    }
    if (is_arith2(op->opc)) {
        int64_t r;
        int a = (int)op->args[1], b = (int)op->args[2];
        if (o->info[a].is_const && o->info[b].is_const &&
            eval2(op->opc, op->type, o->info[a].value, o->info[b].value, &r))
            return fold_to_const(o, op, r), true;
        if (simplify2(o, op))
            return true;
    } else if (is_arith1(op->opc) && o->info[op->args[1]].is_const) {
        int64_t r;
        if (eval1(op->opc, o->info[op->args[1]].value, &r))
            return fold_to_const(o, op, r), true;
    } else if (op->opc == OP_SETCOND && o->info[op->args[1]].is_const &&
               o->info[op->args[2]].is_const) {
        return fold_to_const(o, op, cond_holds((enum tcg_cond)op->args[3], op->type,
                                               o->info[op->args[1]].value,
                                               o->info[op->args[2]].value)),
               true;
    } else if (op->opc == OP_MOVCOND && o->info[op->args[1]].is_const &&
               o->info[op->args[2]].is_const) {
        bool c = cond_holds((enum tcg_cond)op->args[5], op->type, o->info[op->args[1]].value,
                            o->info[op->args[2]].value);
        return fold_to_copy(o, op, (int)op->args[c ? 3 : 4]), true;
    } else if (op->opc == OP_BRCOND && o->info[op->args[0]].is_const &&
               o->info[op->args[1]].is_const) {
        if (!cond_holds((enum tcg_cond)op->args[2], op->type, o->info[op->args[0]].value,
                        o->info[op->args[1]].value))
            return false;
        int label = (int)op->args[3];
        op->opc = OP_BR;
        op->nb_i = 0;
        op->nb_c = 1;
        op->args[0] = label;
    }
    for (unsigned a = 0; a < op->nb_o; a++)
        opt_invalidate(o, (int)op->args[a]);
    if (op->opc == OP_CALL) {
        const struct tcg_helper *h = (const void *)(uintptr_t)op->args[op->nb_o + op->nb_i];
        if (!(h->flags & HELPER_NO_WRITE_GLOBALS))
            opt_invalidate_globals(o);
    }
    if (flags & OPF_BB_END)
        opt_reset(o);
    return true;
}

/*
 * Drops labels no branch names (a frontend may place one it ends up not using, like the
 * RISC-V translator's loop head): each label ends a basic block, which costs write-backs
 * and forgets what the optimizer and the register allocator knew.
 */
static void remove_unused_labels(struct tcg_ctx *s)
{
    static __thread bool used[TCG_MAX_LABELS];
    unsigned out = 0;

    memset(used, 0, sizeof(used[0]) * s->nb_labels);
    for (unsigned i = 0; i < s->nb_ops; i++) {
        const struct tcg_op *op = &s->ops[i];
        if (op->opc == OP_BR)
            used[op->args[0]] = true;
        else if (op->opc == OP_BRCOND)
            used[op->args[3]] = true;
    }
    for (unsigned i = 0; i < s->nb_ops; i++)
        if (s->ops[i].opc != OP_SET_LABEL || used[s->ops[i].args[0]])
            s->ops[out++] = s->ops[i];
    s->nb_ops = out;
}

void tcg_optimize(struct tcg_ctx *s)
{
    static __thread struct opt_state o;
    unsigned out = 0;

    o.s = s;
    opt_reset(&o);
    remove_unused_labels(s); /* so that what is known carries past them */
    for (unsigned i = 0; i < s->nb_ops; i++) {
        struct tcg_op op = s->ops[i];
        bool keep = opt_op(&o, &op);
        if (keep)
            s->ops[out++] = op;
    }
    s->nb_ops = out;
    /* After folding: a decided branch may have left its label unused. */
    remove_unused_labels(s);
}
