/* The F/D table harness: each case in each static rounding mode and again through frm. */
#include "fp.h"

static const char *const rm_names[] = {"rne", "rtz", "rdn", "rup", "rmm", "dyn"};

static void fp_check(const struct fp_op *op, const struct fp_case *c, int stub, int rm)
{
    struct fp_result r = op->stubs[stub](c->in[0], c->in[1], c->in[2]);

    if (r.value == c->want[rm] && r.flags == c->flags[rm]) {
        check_count++;
        return;
    }
    check_failed("%s%s%s%s in 0x%lx 0x%lx 0x%lx: got 0x%lx flags 0x%lx, want 0x%lx flags 0x%x",
                 op->name, op->has_rm ? " " : "", op->has_rm ? rm_names[stub] : "",
                 stub == RM_DYN ? (rm == 0 ? "(frm=rne)" : rm == 1 ? "(frm=rtz)" :
                                   rm == 2 ? "(frm=rdn)" : rm == 3 ? "(frm=rup)" : "(frm=rmm)")
                                : "",
                 c->in[0], c->in[1], c->in[2], r.value, r.flags, c->want[rm], c->flags[rm]);
}

void fp_run_op(const char *guest, const struct fp_op *op)
{
    char name[80];

    for (unsigned i = 0; i < op->ncases; i++) {
        const struct fp_case *c = &op->cases[i];
        if (!op->has_rm) {
            fp_check(op, c, 0, 0);
            continue;
        }
        for (int rm = RM_RNE; rm <= RM_RMM; rm++) {
            fp_check(op, c, rm, rm);
            fsrm(rm);
            fp_check(op, c, RM_DYN, rm);
            fsrm(RM_RNE);
        }
    }
    snprintf(name, sizeof(name), "%s: %s%s", guest, op->name,
             op->has_rm ? " in every static and dynamic rounding mode" : "");
    group_done(name);
}

void fp_run_table(const char *guest, const struct fp_op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fp_run_op(guest, &ops[i]);
}

void fp_check_result(const char *what, struct fp_result r, uint64_t want, uint64_t flags)
{
    if (r.value == want && r.flags == flags)
        check_count++;
    else
        check_failed("%s: got 0x%lx flags 0x%lx, want 0x%lx flags 0x%lx", what, r.value,
                     r.flags, want, flags);
}
