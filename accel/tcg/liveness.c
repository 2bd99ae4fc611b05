/* Liveness: which inputs die at each op, and removal of ops whose results nobody reads. */
#include <stdbool.h>
#include <string.h>

#include "accel/tcg/ir.h"

/* Marks locals used in more than one basic block: they must survive branches and labels. */
static void mark_bb_crossing(struct tcg_ctx *s, int *first_bb)
{
    int bb = 0;

    for (unsigned t = 0; t < s->nb_temps; t++) {
        first_bb[t] = -1;
        s->temps[t].crosses_bb = false;
    }
    for (unsigned i = 0; i < s->nb_ops; i++) {
        const struct tcg_op *op = &s->ops[i];
        if (op->opc == OP_SET_LABEL)
            bb++;
        for (unsigned a = 0; a < (unsigned)op->nb_o + op->nb_i; a++) {
            int t = (int)op->args[a];
            if (s->temps[t].kind != TEMP_LOCAL)
                continue;
            if (first_bb[t] < 0)
                first_bb[t] = bb;
            else if (first_bb[t] != bb)
                s->temps[t].crosses_bb = true;
        }
        if (tcg_op_flags(op->opc) & OPF_BB_END && op->opc != OP_SET_LABEL)
            bb++;
    }
}

static bool op_removable(const struct tcg_op *op)
{
    if (op->opc == OP_CALL) {
        const struct tcg_helper *h = (const void *)(uintptr_t)op->args[op->nb_o + op->nb_i];
        return (h->flags & HELPER_PURE) && op->nb_o > 0;
    }
    return !(tcg_op_flags(op->opc) & (OPF_SIDE_EFFECTS | OPF_BB_END)) && op->nb_o > 0;
}

void tcg_liveness(struct tcg_ctx *s)
{
    static __thread bool live[TCG_MAX_TEMPS];
    static __thread int first_bb[TCG_MAX_TEMPS];
    static __thread bool removed[TCG_MAX_OPS];

    mark_bb_crossing(s, first_bb);
    memset(live, 0, sizeof(live[0]) * s->nb_temps);
    /* Globals are always wanted: they are written back when the block ends. */
    for (unsigned t = 0; t < s->nb_globals; t++)
        live[t] = true;
    for (int i = (int)s->nb_ops - 1; i >= 0; i--) {
        struct tcg_op *op = &s->ops[i];
        removed[i] = false;
        if (tcg_op_flags(op->opc) & OPF_BB_END) {
            /* Across a branch or label, values used in other blocks must stay. */
            for (unsigned t = s->nb_globals; t < s->nb_temps; t++)
                if (s->temps[t].crosses_bb)
                    live[t] = true;
        }
        if (op_removable(op)) {
            bool any_live = false;
            for (unsigned a = 0; a < op->nb_o; a++)
                any_live |= live[op->args[a]];
            if (!any_live) {
                removed[i] = true;
                continue;
            }
        }
        for (unsigned a = 0; a < op->nb_o; a++)
            if (s->temps[op->args[a]].kind == TEMP_LOCAL)
                live[op->args[a]] = false;
        op->life = 0;
        for (unsigned a = 0; a < op->nb_i; a++) {
            int t = (int)op->args[op->nb_o + a];
            if (s->temps[t].kind != TEMP_LOCAL)
                continue;
            if (!live[t])
                op->life |= (uint16_t)(1u << a);
            live[t] = true;
        }
        /* The same temp twice among the inputs dies only at the later read: keep one bit. */
        if (op->opc == OP_DISCARD) {
            live[op->args[0]] = false;
            removed[i] = true;
        }
    }
    unsigned out = 0;
    for (unsigned i = 0; i < s->nb_ops; i++)
        if (!removed[i])
            s->ops[out++] = s->ops[i];
    s->nb_ops = out;
}
