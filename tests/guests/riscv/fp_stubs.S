/* One stub per F/D instruction and rounding mode, for the table harness (see fp.h). */

/* Moves into fa0..fa2: singles through fmv.w.x (NaN-boxed), doubles through fmv.d.x. */
.macro in_s n
    .if \n >= 1
    fmv.w.x fa0, a0
    .endif
    .if \n >= 2
    fmv.w.x fa1, a1
    .endif
    .if \n >= 3
    fmv.w.x fa2, a2
    .endif
.endm
.macro in_d n
    .if \n >= 1
    fmv.d.x fa0, a0
    .endif
    .if \n >= 2
    fmv.d.x fa1, a1
    .endif
    .if \n >= 3
    fmv.d.x fa2, a2
    .endif
.endm
.macro in_x n
.endm

/* A stub: inputs, fflags cleared, the instruction, fflags to a1, the result to a0. */
.macro STUB name, in, n, insn:vararg
    .globl \name
    .type \name, @function
\name:
    \in \n
    fsflags zero
    \insn
    frflags a1
    ret
.endm

/* The same instruction in the five static rounding modes and dyn. */
.macro STUBS_RM name, in, n, insn, ops:vararg
    .irp rm, rne, rtz, rdn, rup, rmm, dyn
    STUB \name\()_\rm, \in, \n, \insn \ops, \rm
    .endr
.endm

    .text
    .balign 4
/* float result: computed into fa0, returned as its 64-bit register image */
.macro FRES_RM name, in, n, insn, ops:vararg
    .irp rm, rne, rtz, rdn, rup, rmm, dyn
    .globl \name\()_\rm
\name\()_\rm:
    \in \n
    fsflags zero
    \insn \ops, \rm
    frflags a1
    fmv.x.d a0, fa0
    ret
    .endr
.endm
.macro FRES name, in, n, insn, ops:vararg
    .globl \name
\name:
    \in \n
    fsflags zero
    \insn \ops
    frflags a1
    fmv.x.d a0, fa0
    ret
.endm

.irp f, s, d
    FRES_RM fadd_\f, in_\f, 2, fadd.\f, fa0, fa0, fa1
    FRES_RM fsub_\f, in_\f, 2, fsub.\f, fa0, fa0, fa1
    FRES_RM fmul_\f, in_\f, 2, fmul.\f, fa0, fa0, fa1
    FRES_RM fdiv_\f, in_\f, 2, fdiv.\f, fa0, fa0, fa1
    FRES_RM fsqrt_\f, in_\f, 1, fsqrt.\f, fa0, fa0
    FRES_RM fmadd_\f, in_\f, 3, fmadd.\f, fa0, fa0, fa1, fa2
    FRES_RM fmsub_\f, in_\f, 3, fmsub.\f, fa0, fa0, fa1, fa2
    FRES_RM fnmsub_\f, in_\f, 3, fnmsub.\f, fa0, fa0, fa1, fa2
    FRES_RM fnmadd_\f, in_\f, 3, fnmadd.\f, fa0, fa0, fa1, fa2
    FRES fmin_\f, in_\f, 2, fmin.\f, fa0, fa0, fa1
    FRES fmax_\f, in_\f, 2, fmax.\f, fa0, fa0, fa1
    FRES fsgnj_\f, in_\f, 2, fsgnj.\f, fa0, fa0, fa1
    FRES fsgnjn_\f, in_\f, 2, fsgnjn.\f, fa0, fa0, fa1
    FRES fsgnjx_\f, in_\f, 2, fsgnjx.\f, fa0, fa0, fa1
    STUB feq_\f, in_\f, 2, feq.\f a0, fa0, fa1
    STUB flt_\f, in_\f, 2, flt.\f a0, fa0, fa1
    STUB fle_\f, in_\f, 2, fle.\f a0, fa0, fa1
    STUB fclass_\f, in_\f, 1, fclass.\f a0, fa0
.endr

/* (gas does not substitute an outer .irp's symbol inside an inner one: one loop each) */
.irp k, w, wu, l, lu
    STUBS_RM fcvt_\k\()_s, in_s, 1, fcvt.\k\().s, a0, fa0
    STUBS_RM fcvt_\k\()_d, in_d, 1, fcvt.\k\().d, a0, fa0
.endr

.irp k, w, wu, l, lu
    FRES_RM fcvt_s_\k, in_x, 0, fcvt.s.\k, fa0, a0
.endr
    FRES_RM fcvt_d_l, in_x, 0, fcvt.d.l, fa0, a0
    FRES_RM fcvt_d_lu, in_x, 0, fcvt.d.lu, fa0, a0
    /* Always exact: no rounding mode. */
    FRES fcvt_d_w, in_x, 0, fcvt.d.w, fa0, a0
    FRES fcvt_d_wu, in_x, 0, fcvt.d.wu, fa0, a0
    FRES_RM fcvt_s_d, in_d, 1, fcvt.s.d, fa0, fa0
    FRES fcvt_d_s, in_s, 1, fcvt.d.s, fa0, fa0
