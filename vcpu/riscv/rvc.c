/* RVC: each 16-bit compressed instruction expanded to the 32-bit instruction it stands for. */
#include "vcpu/riscv/rvc.h"

#define BITS(v, hi, lo) (((v) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT(v, n) (((v) >> (n)) & 1u)

enum {
    OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_OP_IMM = 0x13, OPC_OP_IMM_32 = 0x1b,
    OPC_STORE = 0x23, OPC_STORE_FP = 0x27, OPC_OP = 0x33, OPC_LUI = 0x37, OPC_OP_32 = 0x3b,
    OPC_BRANCH = 0x63, OPC_JALR = 0x67, OPC_JAL = 0x6f, OPC_SYSTEM = 0x73,
};

static uint32_t enc_i(uint32_t opc, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}

static uint32_t enc_s(uint32_t opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return (BITS(u, 11, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
           (BITS(u, 4, 0) << 7) | opc;
}

static uint32_t enc_r(uint32_t opc, unsigned f3, unsigned f7, unsigned rd, unsigned rs1,
                      unsigned rs2)
{
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}

static uint32_t enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return (BIT(u, 12) << 31) | (BITS(u, 10, 5) << 25) | (rs2 << 20) | (rs1 << 15) |
           (f3 << 12) | (BITS(u, 4, 1) << 8) | (BIT(u, 11) << 7) | OPC_BRANCH;
}

static uint32_t enc_j(unsigned rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return (BIT(u, 20) << 31) | (BITS(u, 10, 1) << 21) | (BIT(u, 11) << 20) |
           (BITS(u, 19, 12) << 12) | (rd << 7) | OPC_JAL;
}

static int32_t sext(uint32_t v, unsigned bits)
{
    return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* rd', rs1', rs2': the 3-bit register fields name x8..x15. */
static unsigned creg(uint32_t c, unsigned lo)
{
    return 8 + BITS(c, lo + 2, lo);
}

static int32_t imm6(uint32_t c)
{
    return sext((BIT(c, 12) << 5) | BITS(c, 6, 2), 6);
}

static uint32_t quadrant0(uint32_t c)
{
    unsigned rd = creg(c, 2), rs1 = creg(c, 7);
    uint32_t uimm_w = (BITS(c, 12, 10) << 3) | (BIT(c, 6) << 2) | (BIT(c, 5) << 6);
    uint32_t uimm_d = (BITS(c, 12, 10) << 3) | (BITS(c, 6, 5) << 6);

    switch (BITS(c, 15, 13)) {
    case 0: { /* c.addi4spn */
        uint32_t nz = (BITS(c, 12, 11) << 4) | (BITS(c, 10, 7) << 6) | (BIT(c, 6) << 2) |
                      (BIT(c, 5) << 3);
        return nz ? enc_i(OPC_OP_IMM, 0, rd, 2, (int32_t)nz) : RVC_ILLEGAL;
    }
    case 1: return enc_i(OPC_LOAD_FP, 3, rd, rs1, (int32_t)uimm_d); /* c.fld */
    case 2: return enc_i(OPC_LOAD, 2, rd, rs1, (int32_t)uimm_w);    /* c.lw */
    case 3: return enc_i(OPC_LOAD, 3, rd, rs1, (int32_t)uimm_d);    /* c.ld */
    case 5: return enc_s(OPC_STORE_FP, 3, rs1, rd, (int32_t)uimm_d); /* c.fsd */
    case 6: return enc_s(OPC_STORE, 2, rs1, rd, (int32_t)uimm_w);    /* c.sw */
    case 7: return enc_s(OPC_STORE, 3, rs1, rd, (int32_t)uimm_d);    /* c.sd */
    default: return RVC_ILLEGAL;
    }
}

static uint32_t quadrant1_alu(uint32_t c)
{
    unsigned rd = creg(c, 7), rs2 = creg(c, 2);
    unsigned shamt = (BIT(c, 12) << 5) | BITS(c, 6, 2);

    switch (BITS(c, 11, 10)) {
    case 0: return enc_i(OPC_OP_IMM, 5, rd, rd, (int32_t)shamt);            /* c.srli */
    case 1: return enc_i(OPC_OP_IMM, 5, rd, rd, (int32_t)(shamt | 0x400));  /* c.srai */
    case 2: return enc_i(OPC_OP_IMM, 7, rd, rd, imm6(c));                   /* c.andi */
    default: break;
    }
    static const struct { uint32_t opc; unsigned f3, f7; } ops[8] = {
        {OPC_OP, 0, 0x20}, {OPC_OP, 4, 0}, {OPC_OP, 6, 0}, {OPC_OP, 7, 0},     /* sub xor or and */
        {OPC_OP_32, 0, 0x20}, {OPC_OP_32, 0, 0}, {0, 0, 0}, {0, 0, 0},         /* subw addw */
    };
    unsigned i = (BIT(c, 12) << 2) | BITS(c, 6, 5);
    if (!ops[i].opc)
        return RVC_ILLEGAL;
    return enc_r(ops[i].opc, ops[i].f3, ops[i].f7, rd, rd, rs2);
}

static uint32_t quadrant1(uint32_t c)
{
    unsigned rd = BITS(c, 11, 7);

    switch (BITS(c, 15, 13)) {
    case 0: return enc_i(OPC_OP_IMM, 0, rd, rd, imm6(c)); /* c.addi, c.nop */
    case 1: return rd ? enc_i(OPC_OP_IMM_32, 0, rd, rd, imm6(c)) : RVC_ILLEGAL; /* c.addiw */
    case 2: return enc_i(OPC_OP_IMM, 0, rd, 0, imm6(c)); /* c.li */
    case 3:
        if (rd == 2) { /* c.addi16sp */
            int32_t nz = sext((BIT(c, 12) << 9) | (BIT(c, 6) << 4) | (BIT(c, 5) << 6) |
                              (BITS(c, 4, 3) << 7) | (BIT(c, 2) << 5), 10);
            return nz ? enc_i(OPC_OP_IMM, 0, 2, 2, nz) : RVC_ILLEGAL;
        } else { /* c.lui */
            int32_t nz = sext((BIT(c, 12) << 17) | (BITS(c, 6, 2) << 12), 18);
            return nz ? ((uint32_t)nz & 0xfffff000u) | (rd << 7) | OPC_LUI : RVC_ILLEGAL;
        }
    case 4: return quadrant1_alu(c);
    case 5: { /* c.j */
        int32_t imm = sext((BIT(c, 12) << 11) | (BIT(c, 11) << 4) | (BITS(c, 10, 9) << 8) |
                           (BIT(c, 8) << 10) | (BIT(c, 7) << 6) | (BIT(c, 6) << 7) |
                           (BITS(c, 5, 3) << 1) | (BIT(c, 2) << 5), 12);
        return enc_j(0, imm);
    }
    default: { /* c.beqz, c.bnez */
        int32_t imm = sext((BIT(c, 12) << 8) | (BITS(c, 11, 10) << 3) | (BITS(c, 6, 5) << 6) |
                           (BITS(c, 4, 3) << 1) | (BIT(c, 2) << 5), 9);
        return enc_b(BITS(c, 15, 13) == 6 ? 0 : 1, creg(c, 7), 0, imm);
    }
    }
}

static uint32_t quadrant2_misc(uint32_t c)
{
    unsigned rd = BITS(c, 11, 7), rs2 = BITS(c, 6, 2);

    if (!BIT(c, 12)) {
        if (rs2 == 0) /* c.jr */
            return rd ? enc_i(OPC_JALR, 0, 0, rd, 0) : RVC_ILLEGAL;
        return enc_r(OPC_OP, 0, 0, rd, 0, rs2); /* c.mv */
    }
    if (rd == 0 && rs2 == 0)
        return 0x00100073; /* c.ebreak */
    if (rs2 == 0)
        return enc_i(OPC_JALR, 0, 1, rd, 0); /* c.jalr */
    return enc_r(OPC_OP, 0, 0, rd, rd, rs2); /* c.add */
}

static uint32_t quadrant2(uint32_t c)
{
    unsigned rd = BITS(c, 11, 7), rs2 = BITS(c, 6, 2);
    uint32_t lwsp = (BIT(c, 12) << 5) | (BITS(c, 6, 4) << 2) | (BITS(c, 3, 2) << 6);
    uint32_t ldsp = (BIT(c, 12) << 5) | (BITS(c, 6, 5) << 3) | (BITS(c, 4, 2) << 6);
    uint32_t swsp = (BITS(c, 12, 9) << 2) | (BITS(c, 8, 7) << 6);
    uint32_t sdsp = (BITS(c, 12, 10) << 3) | (BITS(c, 9, 7) << 6);

    switch (BITS(c, 15, 13)) {
    case 0: /* c.slli */
        return enc_i(OPC_OP_IMM, 1, rd, rd, (int32_t)((BIT(c, 12) << 5) | BITS(c, 6, 2)));
    case 1: return enc_i(OPC_LOAD_FP, 3, rd, 2, (int32_t)ldsp); /* c.fldsp */
    case 2: return rd ? enc_i(OPC_LOAD, 2, rd, 2, (int32_t)lwsp) : RVC_ILLEGAL; /* c.lwsp */
    case 3: return rd ? enc_i(OPC_LOAD, 3, rd, 2, (int32_t)ldsp) : RVC_ILLEGAL; /* c.ldsp */
    case 4: return quadrant2_misc(c);
    case 5: return enc_s(OPC_STORE_FP, 3, 2, rs2, (int32_t)sdsp); /* c.fsdsp */
    case 6: return enc_s(OPC_STORE, 2, 2, rs2, (int32_t)swsp);    /* c.swsp */
    default: return enc_s(OPC_STORE, 3, 2, rs2, (int32_t)sdsp);   /* c.sdsp */
    }
}

uint32_t rvc_expand(uint16_t insn)
{
    uint32_t c = insn;

    if (c == 0)
        return RVC_ILLEGAL; /* the all-zero halfword is defined illegal */
    switch (c & 3) {
    case 0: return quadrant0(c);
    case 1: return quadrant1(c);
    case 2: return quadrant2(c);
    default: return RVC_ILLEGAL; /* not a compressed instruction */
    }
}
