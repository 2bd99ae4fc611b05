/* Translation of RV64I, M, Zicsr, Zifencei and the privileged instructions. */
#include "accel/tcg/backend.h"
#include "vcpu/riscv/translate.h"

#define S (d->s)

/* ---- upper immediates and jumps ---- */

static bool trans_lui(struct dc *d)
{
    if (RD(d->insn))
        tcg_gen_movi(S, TCG_I64, cpu_x[RD(d->insn)], IMM_U(d->insn));
    return true;
}

static bool trans_auipc(struct dc *d)
{
    if (RD(d->insn))
        tcg_gen_movi(S, TCG_I64, cpu_x[RD(d->insn)], (int64_t)d->pc + IMM_U(d->insn));
    return true;
}

static bool trans_jal(struct dc *d)
{
    uint64_t target = d->pc + (uint64_t)imm_j(d->insn);

    if (RD(d->insn))
        tcg_gen_movi(S, TCG_I64, cpu_x[RD(d->insn)], (int64_t)d->pc_next);
    gen_goto(d, 0, target);
    d->state = DISAS_NORETURN;
    return true;
}

static bool trans_jalr(struct dc *d)
{
    int target = tmp64(d);

    /* The target first: rd may be rs1. With C, targets are 2-byte aligned: no fault. */
    tcg_gen_op3i(S, OP_ADD, TCG_I64, target, gpr_src(d, RS1(d->insn)), IMM_I(d->insn));
    tcg_gen_op3i(S, OP_AND, TCG_I64, target, target, -2);
    if (RD(d->insn))
        tcg_gen_movi(S, TCG_I64, cpu_x[RD(d->insn)], (int64_t)d->pc_next);
    tcg_gen_mov(S, TCG_I64, cpu_pc, target);
    tcg_gen_lookup_and_goto(S, target, d->tb->flags);
    d->state = DISAS_NORETURN;
    return true;
}

static bool trans_branch(struct dc *d)
{
    static const enum tcg_cond conds[8] = {
        TCG_COND_EQ, TCG_COND_NE, TCG_COND_NEVER, TCG_COND_NEVER,
        TCG_COND_LT, TCG_COND_GE, TCG_COND_LTU, TCG_COND_GEU,
    };
    enum tcg_cond c = conds[FUNCT3(d->insn)];
    int taken = tcg_label_new(S);

    if (c == TCG_COND_NEVER)
        return false;
    tcg_gen_brcond(S, TCG_I64, c, gpr_src(d, RS1(d->insn)), gpr_src(d, RS2(d->insn)), taken);
    gen_goto(d, 1, d->pc_next);
    tcg_gen_set_label(S, taken);
    gen_goto(d, 0, d->pc + (uint64_t)imm_b(d->insn));
    d->state = DISAS_NORETURN;
    return true;
}

/* ---- loads and stores ---- */

static int address(struct dc *d, int64_t offset)
{
    int base = gpr_src(d, RS1(d->insn));

    if (offset == 0)
        return base;
    int a = tmp64(d);
    tcg_gen_op3i(S, OP_ADD, TCG_I64, a, base, offset);
    return a;
}

static bool trans_load(struct dc *d)
{
    static const int memops[8] = {MO_8 | MO_SIGN, MO_16 | MO_SIGN, MO_32 | MO_SIGN, MO_64,
                                  MO_8, MO_16, MO_32, -1};
    int memop = memops[FUNCT3(d->insn)];

    if (memop < 0)
        return false;
    int addr = address(d, IMM_I(d->insn));
    tcg_gen_guest_ld(S, TCG_I64, gpr_dst(d, RD(d->insn)), addr, (unsigned)memop, d->mmu_idx);
    return true;
}

static bool trans_store(struct dc *d)
{
    if (FUNCT3(d->insn) > 3)
        return false;
    int addr = address(d, IMM_S(d->insn));
    tcg_gen_guest_st(S, TCG_I64, gpr_src(d, RS2(d->insn)), addr, FUNCT3(d->insn), d->mmu_idx);
    return true;
}

/* ---- integer register-immediate and register-register ---- */

static void gen_op_imm(struct dc *d, enum tcg_opcode op, int64_t imm)
{
    int dst = gpr_dst(d, RD(d->insn));
    tcg_gen_op3i(S, op, TCG_I64, dst, gpr_src(d, RS1(d->insn)), imm);
}

static void gen_setcond_imm(struct dc *d, enum tcg_cond c)
{
    tcg_gen_setcond(S, TCG_I64, c, gpr_dst(d, RD(d->insn)), gpr_src(d, RS1(d->insn)),
                    tcg_const(S, TCG_I64, IMM_I(d->insn)));
}

static bool trans_op_imm(struct dc *d)
{
    int64_t imm = IMM_I(d->insn);
    unsigned shamt = (d->insn >> 20) & 63, f6 = d->insn >> 26;

    switch (FUNCT3(d->insn)) {
    case 0: gen_op_imm(d, OP_ADD, imm); return true;
    case 2: gen_setcond_imm(d, TCG_COND_LT); return true;
    case 3: gen_setcond_imm(d, TCG_COND_LTU); return true;
    case 4: gen_op_imm(d, OP_XOR, imm); return true;
    case 6: gen_op_imm(d, OP_OR, imm); return true;
    case 7: gen_op_imm(d, OP_AND, imm); return true;
    case 1:
        if (f6 != 0)
            return false;
        gen_op_imm(d, OP_SHL, shamt);
        return true;
    default: /* 5 */
        if (f6 != 0 && f6 != 0x10)
            return false;
        gen_op_imm(d, f6 ? OP_SAR : OP_SHR, shamt);
        return true;
    }
}

/* A 32-bit operation on the low halves, sign-extended into rd (the W forms). */
static void gen_w(struct dc *d, enum tcg_opcode op, int a, int b)
{
    int t = tmp64(d);

    tcg_gen_op3(S, op, TCG_I32, t, a, b);
    tcg_gen_op2(S, OP_EXT32S, TCG_I64, gpr_dst(d, RD(d->insn)), t);
}

static bool trans_op_imm_32(struct dc *d)
{
    unsigned shamt = (d->insn >> 20) & 31, f7 = FUNCT7(d->insn);
    int rs1 = gpr_src(d, RS1(d->insn));

    switch (FUNCT3(d->insn)) {
    case 0: gen_w(d, OP_ADD, rs1, tcg_const(S, TCG_I32, IMM_I(d->insn))); return true;
    case 1:
        if (f7)
            return false;
        gen_w(d, OP_SHL, rs1, tcg_const(S, TCG_I32, shamt));
        return true;
    case 5:
        if (f7 != 0 && f7 != 0x20)
            return false;
        gen_w(d, f7 ? OP_SAR : OP_SHR, rs1, tcg_const(S, TCG_I32, shamt));
        return true;
    default:
        return false;
    }
}

static void gen_op_rr(struct dc *d, enum tcg_opcode op)
{
    tcg_gen_op3(S, op, TCG_I64, gpr_dst(d, RD(d->insn)), gpr_src(d, RS1(d->insn)),
                gpr_src(d, RS2(d->insn)));
}

/* RISC-V division: x/0 is all ones, x%0 is x; MIN/-1 is MIN with remainder 0. */
static void gen_div(struct dc *d, enum tcg_type ty, bool sign, bool rem, int dst, int a, int b)
{
    int one = tcg_const(S, TCG_I64, 1), zero = tcg_const(S, TCG_I64, 0);
    int safe = tmp64(d), q = tmp64(d);

    tcg_gen_movcond(S, TCG_I64, TCG_COND_EQ, safe, b, zero, one, b);
    if (sign && ty == TCG_I64) {
        /* MIN / -1 overflows the host's idiv: divide by 1 instead, which gives MIN rem 0. */
        int is_m1 = tmp64(d), is_min = tmp64(d);
        tcg_gen_setcond(S, TCG_I64, TCG_COND_EQ, is_m1, b, tcg_const(S, TCG_I64, -1));
        tcg_gen_setcond(S, TCG_I64, TCG_COND_EQ, is_min, a, tcg_const(S, TCG_I64, INT64_MIN));
        tcg_gen_op3(S, OP_AND, TCG_I64, is_m1, is_m1, is_min);
        tcg_gen_movcond(S, TCG_I64, TCG_COND_NE, safe, is_m1, zero, one, safe);
    }
    tcg_gen_op3(S, rem ? (sign ? OP_REM : OP_REMU) : (sign ? OP_DIV : OP_DIVU), TCG_I64, q, a,
                safe);
    /* Division by zero: quotient all ones, remainder the dividend. */
    tcg_gen_movcond(S, TCG_I64, TCG_COND_EQ, q, b, zero, rem ? a : tcg_const(S, TCG_I64, -1), q);
    if (ty == TCG_I32)
        tcg_gen_op2(S, OP_EXT32S, TCG_I64, dst, q);
    else
        tcg_gen_mov(S, TCG_I64, dst, q);
}

static bool trans_muldiv(struct dc *d)
{
    int dst = gpr_dst(d, RD(d->insn)), a = gpr_src(d, RS1(d->insn)), b = gpr_src(d, RS2(d->insn));

    switch (FUNCT3(d->insn)) {
    case 0: tcg_gen_op3(S, OP_MUL, TCG_I64, dst, a, b); break;
    case 1: tcg_gen_op3(S, OP_MULSH, TCG_I64, dst, a, b); break;
    case 2: { /* mulhsu: unsigned high product, corrected for a negative a */
        int hi = tmp64(d), fix = tmp64(d);
        tcg_gen_op3(S, OP_MULUH, TCG_I64, hi, a, b);
        tcg_gen_op3i(S, OP_SAR, TCG_I64, fix, a, 63);
        tcg_gen_op3(S, OP_AND, TCG_I64, fix, fix, b);
        tcg_gen_op3(S, OP_SUB, TCG_I64, dst, hi, fix);
        break;
    }
    case 3: tcg_gen_op3(S, OP_MULUH, TCG_I64, dst, a, b); break;
    case 4: gen_div(d, TCG_I64, true, false, dst, a, b); break;
    case 5: gen_div(d, TCG_I64, false, false, dst, a, b); break;
    case 6: gen_div(d, TCG_I64, true, true, dst, a, b); break;
    default: gen_div(d, TCG_I64, false, true, dst, a, b); break;
    }
    return true;
}

static bool trans_op(struct dc *d)
{
    unsigned f7 = FUNCT7(d->insn), f3 = FUNCT3(d->insn);

    if (f7 == 1)
        return (d->env->misa & MISA_EXT('M')) && trans_muldiv(d);
    if (f7 == 0x20) {
        switch (f3) {
        case 0: gen_op_rr(d, OP_SUB); return true;
        case 5: gen_op_rr(d, OP_SAR); return true;
        default: return false;
        }
    }
    if (f7 != 0)
        return false;
    switch (f3) {
    case 0: gen_op_rr(d, OP_ADD); break;
    case 1: gen_op_rr(d, OP_SHL); break;
    case 2:
        tcg_gen_setcond(S, TCG_I64, TCG_COND_LT, gpr_dst(d, RD(d->insn)),
                        gpr_src(d, RS1(d->insn)), gpr_src(d, RS2(d->insn)));
        break;
    case 3:
        tcg_gen_setcond(S, TCG_I64, TCG_COND_LTU, gpr_dst(d, RD(d->insn)),
                        gpr_src(d, RS1(d->insn)), gpr_src(d, RS2(d->insn)));
        break;
    case 4: gen_op_rr(d, OP_XOR); break;
    case 5: gen_op_rr(d, OP_SHR); break;
    case 6: gen_op_rr(d, OP_OR); break;
    default: gen_op_rr(d, OP_AND); break;
    }
    return true;
}

static bool trans_muldiv_32(struct dc *d)
{
    int dst = gpr_dst(d, RD(d->insn)), a = gpr_src(d, RS1(d->insn)), b = gpr_src(d, RS2(d->insn));
    int a64 = tmp64(d), b64 = tmp64(d);
    bool sign = !(FUNCT3(d->insn) & 1);

    if (FUNCT3(d->insn) == 0) {
        gen_w(d, OP_MUL, a, b);
        return true;
    }
    if (FUNCT3(d->insn) < 4)
        return false;
    /* 32-bit operands widened: 64-bit division cannot overflow on them. */
    tcg_gen_op2(S, sign ? OP_EXT32S : OP_EXT32U, TCG_I64, a64, a);
    tcg_gen_op2(S, sign ? OP_EXT32S : OP_EXT32U, TCG_I64, b64, b);
    gen_div(d, TCG_I32, sign, FUNCT3(d->insn) >= 6, dst, a64, b64);
    return true;
}

static bool trans_op_32(struct dc *d)
{
    unsigned f7 = FUNCT7(d->insn), f3 = FUNCT3(d->insn);
    int a = gpr_src(d, RS1(d->insn)), b = gpr_src(d, RS2(d->insn));

    if (f7 == 1)
        return (d->env->misa & MISA_EXT('M')) && trans_muldiv_32(d);
    if (f7 == 0 && f3 == 0) gen_w(d, OP_ADD, a, b);
    else if (f7 == 0x20 && f3 == 0) gen_w(d, OP_SUB, a, b);
    else if (f7 == 0 && f3 == 1) gen_w(d, OP_SHL, a, b);
    else if (f7 == 0 && f3 == 5) gen_w(d, OP_SHR, a, b);
    else if (f7 == 0x20 && f3 == 5) gen_w(d, OP_SAR, a, b);
    else return false;
    return true;
}

/* ---- system ---- */

static bool trans_fence(struct dc *d)
{
    (void)d;
    return true; /* one hart, in order: nothing to do */
}

static bool trans_fence_i(struct dc *d)
{
    /* Stores already dropped stale blocks; leave so the next fetch sees the new code. */
    d->state = DISAS_UPDATE;
    return true;
}

static bool trans_ecall_ebreak(struct dc *d)
{
    uint32_t imm = d->insn >> 20;

    if (RD(d->insn) || RS1(d->insn))
        return false;
    if (imm == 0)
        gen_raise(d, EXCP_ECALL_U + d->priv, 0);
    else if (imm == 1)
        gen_raise(d, EXCP_BREAKPOINT, 0); /* mtval 0, as QEMU leaves it */
    else
        return false;
    return true;
}

__attribute__((noinline)) static uint64_t helper_csr(struct riscv_cpu *env, uint64_t csr_op,
                                                     uint64_t value)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    unsigned csr = (unsigned)(csr_op & 0xfff), op = (unsigned)(csr_op >> 12) & 3;
    bool write = (csr_op >> 14) & 1, read = (csr_op >> 15) & 1;
    uint64_t old = 0;

    env->helper_insn = (uint32_t)(csr_op >> 32);
    if (read || op != 1)
        old = riscv_csr_read(env, csr, ra);
    if (write)
        riscv_csr_write(env, csr,
                        op == 1 ? value : op == 2 ? (old | value) : (old & ~value), ra);
    return old;
}

static const struct tcg_helper csr_helper = {
    "csr", (void *)helper_csr, HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS, 3, true,
};

static bool trans_csr(struct dc *d)
{
    unsigned f3 = FUNCT3(d->insn), csr = d->insn >> 20, op = f3 & 3;
    unsigned rs1 = RS1(d->insn), rd = RD(d->insn);
    bool imm = f3 & 4;

    if (op == 0)
        return false;
    /* csrrw always writes; csrrs/csrrc write only with a nonzero source register or uimm. */
    bool write = op == 1 || rs1 != 0;
    int value = imm ? tcg_const(S, TCG_I64, rs1) : gpr_src(d, rs1);
    int64_t csr_op = (int64_t)(csr | (op << 12) | ((uint64_t)write << 14) |
                               ((uint64_t)(rd != 0) << 15) | ((uint64_t)d->raw << 32));
    int old = gpr_dst(d, rd);

    gen_helper(d, &csr_helper, old, S->env, tcg_const(S, TCG_I64, csr_op), value, -1);
    if (write && riscv_csr_ends_block(csr))
        d->state = DISAS_UPDATE;
    return true;
}

__attribute__((noinline)) static void helper_mret(struct riscv_cpu *env, uint64_t insn)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    uint64_t s = env->mstatus;
    unsigned mpp = (unsigned)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);

    if (env->priv != RISCV_PRIV_M)
        riscv_raise(env, EXCP_ILLEGAL_INSN, insn, ra);
    env->pc = env->mepc;
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP; /* the least privileged mode: U */
    if (mpp != RISCV_PRIV_M)
        s &= ~MSTATUS_MPRV;
    env->mstatus = s;
    env->priv = (uint8_t)mpp;
    env->load_res = UINT64_MAX;
    if (__atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & env->mie)
        env->tcg.exit_request = 1;
}

__attribute__((noinline)) static void helper_sret(struct riscv_cpu *env, uint64_t insn)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    uint64_t s = env->mstatus;

    if (env->priv < RISCV_PRIV_S || (env->priv == RISCV_PRIV_S && (s & MSTATUS_TSR)))
        riscv_raise(env, EXCP_ILLEGAL_INSN, insn, ra);
    env->pc = env->sepc;
    unsigned spp = (s & MSTATUS_SPP) ? RISCV_PRIV_S : RISCV_PRIV_U;
    s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV; /* returning below M clears MPRV */
    env->mstatus = s;
    env->priv = (uint8_t)spp;
    env->load_res = UINT64_MAX;
    if (__atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & env->mie)
        env->tcg.exit_request = 1;
}

static const struct tcg_helper mret_helper = {"mret", (void *)helper_mret, HELPER_MAY_RAISE, 2,
                                              false};
static const struct tcg_helper sret_helper = {"sret", (void *)helper_sret, HELPER_MAY_RAISE, 2,
                                              false};

static bool gen_xret(struct dc *d, const struct tcg_helper *h)
{
    if (RD(d->insn) || RS1(d->insn))
        return false;
    tcg_gen_movi(S, TCG_I64, cpu_pc, (int64_t)d->pc);
    gen_helper(d, h, -1, S->env, tcg_const(S, TCG_I64, d->raw), -1, -1);
    tcg_gen_exit_tb(S, TCG_EXIT_NOCHAIN); /* pc, privilege and mode all changed */
    d->state = DISAS_NORETURN;
    return true;
}

static bool trans_mret(struct dc *d)
{
    return gen_xret(d, &mret_helper);
}

static bool trans_sret(struct dc *d)
{
    return gen_xret(d, &sret_helper);
}

__attribute__((noinline)) static void helper_wfi(struct riscv_cpu *env, uint64_t insn)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);

    if ((env->priv < RISCV_PRIV_M && (env->mstatus & MSTATUS_TW)) || env->priv == RISCV_PRIV_U)
        riscv_raise(env, EXCP_ILLEGAL_INSN, insn, ra);
    if (!riscv_has_work(&env->tcg))
        env->tcg.halted = true; /* the loop sleeps until an interrupt is pending */
}

static const struct tcg_helper wfi_helper = {
    "wfi", (void *)helper_wfi, HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS, 2, false,
};

static bool trans_wfi(struct dc *d)
{
    tcg_gen_movi(S, TCG_I64, cpu_pc, (int64_t)d->pc);
    gen_helper(d, &wfi_helper, -1, S->env, tcg_const(S, TCG_I64, d->raw), -1, -1);
    d->state = DISAS_UPDATE;
    return true;
}

/*
 * sfence.vma: rs1 names one page (flushed in every address space), rs2 one ASID (whose
 * non-global mappings go; the TLB holds only the current ASID's), neither everything.
 * all_insn: bit 0 set when rs1 is x0, bit 1 when rs2 is x0, the instruction above.
 */
__attribute__((noinline)) static void helper_sfence_vma(struct riscv_cpu *env, uint64_t vaddr,
                                                        uint64_t all_insn)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);

    if (env->priv == RISCV_PRIV_U ||
        (env->priv == RISCV_PRIV_S && (env->mstatus & MSTATUS_TVM)))
        riscv_raise(env, EXCP_ILLEGAL_INSN, all_insn >> 2, ra);
    bool every_page = all_insn & 1, every_asid = all_insn & 2;
    if (!every_page)
        tlb_flush_page(&env->tcg, vaddr, (1u << RISCV_NB_MMU_MODES) - 1);
    else if (every_asid)
        tlb_flush(&env->tcg);
    else
        tlb_flush_nonglobal(&env->tcg);
}

static const struct tcg_helper sfence_helper = {
    "sfence_vma", (void *)helper_sfence_vma, HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS, 3,
    false,
};

static bool trans_sfence_vma(struct dc *d)
{
    unsigned rs1 = RS1(d->insn);

    if (RD(d->insn))
        return false;
    tcg_gen_movi(S, TCG_I64, cpu_pc, (int64_t)d->pc);
    gen_helper(d, &sfence_helper, -1, S->env, gpr_src(d, rs1),
               tcg_const(S, TCG_I64,
                         (int64_t)((rs1 == 0) | (RS2(d->insn) == 0) << 1 | (uint64_t)d->raw << 2)),
               -1);
    d->state = DISAS_UPDATE; /* mappings of code may have changed */
    return true;
}

const struct insn_pattern riscv_base_patterns[] = {
    {0x0000007f, 0x00000037, trans_lui, "lui", 0},
    {0x0000007f, 0x00000017, trans_auipc, "auipc", 0},
    {0x0000007f, 0x0000006f, trans_jal, "jal", 0},
    {0x0000707f, 0x00000067, trans_jalr, "jalr", 0},
    {0x0000007f, 0x00000063, trans_branch, "branch", 0},
    {0x0000007f, 0x00000003, trans_load, "load", 0},
    {0x0000007f, 0x00000023, trans_store, "store", 0},
    {0x0000007f, 0x00000013, trans_op_imm, "op-imm", 0},
    {0x0000007f, 0x0000001b, trans_op_imm_32, "op-imm-32", 0},
    {0x0000007f, 0x00000033, trans_op, "op", 0},
    {0x0000007f, 0x0000003b, trans_op_32, "op-32", 0},
    {0x0000707f, 0x0000000f, trans_fence, "fence", 0},
    {0x0000707f, 0x0000100f, trans_fence_i, "fence.i", 0},
    {0xffffffff, 0x30200073, trans_mret, "mret", 0},
    {0xffffffff, 0x10200073, trans_sret, "sret", 'S'},
    {0xffffffff, 0x10500073, trans_wfi, "wfi", 0},
    {0xfe007fff, 0x12000073, trans_sfence_vma, "sfence.vma", 'S'},
    {0x0000707f, 0x00000073, trans_ecall_ebreak, "ecall/ebreak", 0},
    {0x0000007f, 0x00000073, trans_csr, "csr", 0},
};
const unsigned riscv_nb_base_patterns = sizeof(riscv_base_patterns) / sizeof(riscv_base_patterns[0]);
