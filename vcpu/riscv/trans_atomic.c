/* Translation of the A extension: LR/SC and the AMOs, through helpers with exact faults. */
#include "vcpu/riscv/translate.h"

#define S (d->s)

enum amo_op {
    AMO_ADD = 0x00, AMO_SWAP = 0x01, AMO_XOR = 0x04, AMO_OR = 0x08, AMO_AND = 0x0c,
    AMO_MIN = 0x10, AMO_MAX = 0x14, AMO_MINU = 0x18, AMO_MAXU = 0x1c,
};

static uint64_t amo_compute(unsigned op, uint64_t old, uint64_t v, bool wide)
{
    int64_t so = wide ? (int64_t)old : (int32_t)old, sv = wide ? (int64_t)v : (int32_t)v;
    uint64_t uo = wide ? old : (uint32_t)old, uv = wide ? v : (uint32_t)v;

    switch (op) {
    case AMO_ADD: return old + v;
    case AMO_SWAP: return v;
    case AMO_XOR: return old ^ v;
    case AMO_OR: return old | v;
    case AMO_AND: return old & v;
    case AMO_MIN: return so < sv ? old : v;
    case AMO_MAX: return so > sv ? old : v;
    case AMO_MINU: return uo < uv ? old : v;
    default: return uo > uv ? old : v;
    }
}

/*
 * The host address of an AMO's operand, checked as a store: misaligned addresses and
 * anything but RAM fault with the store/AMO causes, as the specification requires.
 */
static void *amo_target(struct riscv_cpu *env, uint64_t addr, unsigned size, uintptr_t ra)
{
    if (addr & (size - 1))
        riscv_raise(env, EXCP_STORE_MISALIGNED, addr, ra);
    void *p = tcg_probe_access(&env->tcg, addr, size, ACCESS_WRITE, riscv_data_mmu_idx(env), ra);
    if (!p)
        riscv_raise(env, EXCP_STORE_ACCESS, addr, ra);
    return p;
}

/* op_size: the AMO funct5 | (1 << 8 for doubleword). Returns the old value, sign-extended. */
__attribute__((noinline)) static uint64_t helper_amo(struct riscv_cpu *env, uint64_t addr,
                                                     uint64_t value, uint64_t op_size)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    bool wide = op_size >> 8;
    unsigned op = (unsigned)op_size & 0x1f;

    if (wide) {
        uint64_t *p = amo_target(env, addr, 8, ra), old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
        while (!__atomic_compare_exchange_n(p, &old, amo_compute(op, old, value, true), false,
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            ;
        return old;
    }
    uint32_t *p = amo_target(env, addr, 4, ra), old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    while (!__atomic_compare_exchange_n(p, &old, (uint32_t)amo_compute(op, old, value, false),
                                        false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    return (uint64_t)(int64_t)(int32_t)old;
}

/*
 * SC succeeds when the reservation covers the address and memory still holds what LR read,
 * as QEMU decides it; the reservation is used up either way. Returns 0 on success, else 1.
 */
__attribute__((noinline)) static uint64_t helper_sc(struct riscv_cpu *env, uint64_t addr,
                                                    uint64_t value, uint64_t wide)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    uint64_t res = env->load_res;

    env->load_res = UINT64_MAX;
    if (addr & (wide ? 7 : 3))
        riscv_raise(env, EXCP_STORE_MISALIGNED, addr, ra);
    if (res != addr)
        return 1;
    if (wide) {
        uint64_t *p = amo_target(env, addr, 8, ra), expected = env->load_val;
        return __atomic_compare_exchange_n(p, &expected, value, false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_SEQ_CST) ? 0 : 1;
    }
    uint32_t *p = amo_target(env, addr, 4, ra), expected = (uint32_t)env->load_val;
    return __atomic_compare_exchange_n(p, &expected, (uint32_t)value, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST) ? 0 : 1;
}

static const struct tcg_helper amo_helper = {
    "amo", (void *)helper_amo, HELPER_MAY_RAISE | HELPER_NO_WRITE_GLOBALS, 4, true,
};
/* SC writes load_res, which is a global: it may not promise NO_WRITE_GLOBALS. */
static const struct tcg_helper sc_helper = {"sc", (void *)helper_sc, HELPER_MAY_RAISE, 4, true};

static bool trans_lr(struct dc *d)
{
    bool wide = FUNCT3(d->insn) == 3;
    int addr = gpr_src(d, RS1(d->insn)), v = tmp64(d);

    if (RS2(d->insn))
        return false;
    tcg_gen_guest_ld(S, TCG_I64, v, addr, (wide ? MO_64 : (MO_32 | MO_SIGN)) | MO_ALIGN,
                     d->mmu_idx);
    tcg_gen_mov(S, TCG_I64, cpu_load_res, addr);
    tcg_gen_mov(S, TCG_I64, cpu_load_val, v);
    gpr_set(d, RD(d->insn), v);
    return true;
}

static bool trans_sc(struct dc *d)
{
    bool wide = FUNCT3(d->insn) == 3;

    gen_helper(d, &sc_helper, gpr_dst(d, RD(d->insn)), S->env, gpr_src(d, RS1(d->insn)),
               gpr_src(d, RS2(d->insn)), tcg_const(S, TCG_I64, wide));
    return true;
}

static bool trans_amo(struct dc *d)
{
    unsigned f5 = d->insn >> 27;
    bool wide = FUNCT3(d->insn) == 3;

    switch (f5) {
    case AMO_ADD: case AMO_SWAP: case AMO_XOR: case AMO_OR: case AMO_AND:
    case AMO_MIN: case AMO_MAX: case AMO_MINU: case AMO_MAXU:
        break;
    default:
        return false;
    }
    gen_helper(d, &amo_helper, gpr_dst(d, RD(d->insn)), S->env, gpr_src(d, RS1(d->insn)),
               gpr_src(d, RS2(d->insn)), tcg_const(S, TCG_I64, f5 | (wide << 8)));
    return true;
}

static bool trans_atomic(struct dc *d)
{
    unsigned f3 = FUNCT3(d->insn), f5 = d->insn >> 27;

    if (f3 != 2 && f3 != 3)
        return false;
    if (f5 == 0x02)
        return trans_lr(d);
    if (f5 == 0x03)
        return trans_sc(d);
    return trans_amo(d);
}

const struct insn_pattern riscv_atomic_patterns[] = {
    {0x0000007f, 0x0000002f, trans_atomic, "amo", 'A'},
};
const unsigned riscv_nb_atomic_patterns =
    sizeof(riscv_atomic_patterns) / sizeof(riscv_atomic_patterns[0]);
