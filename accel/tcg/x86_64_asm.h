/* An x86-64 machine-code assembler for the TCG backend: encodings only, no policy. */
#ifndef KESTREL_ACCEL_TCG_X86_64_ASM_H
#define KESTREL_ACCEL_TCG_X86_64_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_reg {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
    X86_NO_REG = -1,
};

enum x86_xmm { XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7 };

/* Condition codes, numbered as in the Jcc/SETcc/CMOVcc opcodes. */
enum x86_cond {
    CC_O = 0x0, CC_NO = 0x1, CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6,
    CC_A = 0x7, CC_S = 0x8, CC_NS = 0x9, CC_P = 0xa, CC_NP = 0xb, CC_L = 0xc, CC_GE = 0xd,
    CC_LE = 0xe, CC_G = 0xf,
};

/* Group-1 ALU operations, numbered as their /digit in opcodes 0x81/0x83. */
enum x86_alu { ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5,
               ALU_XOR = 6, ALU_CMP = 7 };

/* Group-2 shifts, numbered as their /digit in opcodes 0xc1/0xd3. */
enum x86_shift { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };

/* Group-3 unary operations (0xf7 /digit). */
enum x86_unary { UNARY_NOT = 2, UNARY_NEG = 3, UNARY_MUL = 4, UNARY_IMUL = 5, UNARY_DIV = 6,
                 UNARY_IDIV = 7 };

/* A memory operand: [base + index * (1 << scale) + disp]. index X86_NO_REG for none. */
struct x86_mem {
    int base;
    int index;
    unsigned scale;
    int32_t disp;
};

static inline struct x86_mem x86_mem_base(int base, int32_t disp)
{
    return (struct x86_mem){base, X86_NO_REG, 0, disp};
}

static inline struct x86_mem x86_mem_index(int base, int index, int32_t disp)
{
    return (struct x86_mem){base, index, 0, disp};
}

struct x86_asm {
    uint8_t *buf;   /* start of the buffer being written */
    uint8_t *ptr;   /* next byte */
    uint8_t *end;   /* one past the last byte that may be written */
    bool overflow;  /* set, never cleared, when ptr would pass end */
    /* Optional listing for -d out_asm: each instruction's text, appended here. */
    char *listing;
    size_t listing_len, listing_cap;
};

void x86_asm_init(struct x86_asm *a, uint8_t *buf, size_t size);
/* Turns on the textual listing (kept until x86_asm_free_listing). */
void x86_asm_enable_listing(struct x86_asm *a);
void x86_asm_free_listing(struct x86_asm *a);
static inline size_t x86_asm_offset(const struct x86_asm *a) { return (size_t)(a->ptr - a->buf); }

/* Sizes: 1, 2, 4 or 8 bytes; "w" is 64-bit (REX.W) when true. */
void x86_mov_rr(struct x86_asm *a, bool w, int dst, int src);
/* Loads the smallest encoding of an immediate. */
void x86_mov_ri(struct x86_asm *a, int dst, uint64_t imm);
void x86_load(struct x86_asm *a, int dst, struct x86_mem m, unsigned size, bool sign);
void x86_store(struct x86_asm *a, struct x86_mem m, int src, unsigned size);
void x86_store_imm(struct x86_asm *a, struct x86_mem m, int32_t imm, unsigned size);
void x86_lea(struct x86_asm *a, bool w, int dst, struct x86_mem m);

void x86_alu_rr(struct x86_asm *a, enum x86_alu op, bool w, int dst, int src);
void x86_alu_ri(struct x86_asm *a, enum x86_alu op, bool w, int dst, int32_t imm);
void x86_alu_rm(struct x86_asm *a, enum x86_alu op, bool w, int dst, struct x86_mem m);
void x86_alu_mi(struct x86_asm *a, enum x86_alu op, bool w, struct x86_mem m, int32_t imm,
                unsigned size);
void x86_test_rr(struct x86_asm *a, bool w, int r1, int r2);
void x86_test_ri(struct x86_asm *a, bool w, int r, int32_t imm);
void x86_shift_ri(struct x86_asm *a, enum x86_shift op, bool w, int dst, unsigned count);
void x86_shift_rcl(struct x86_asm *a, enum x86_shift op, bool w, int dst);
void x86_unary(struct x86_asm *a, enum x86_unary op, bool w, int r);
void x86_imul_rr(struct x86_asm *a, bool w, int dst, int src);
void x86_imul_rri(struct x86_asm *a, bool w, int dst, int src, int32_t imm);
void x86_cqo(struct x86_asm *a, bool w); /* cqo (w) or cdq */
void x86_movsx(struct x86_asm *a, int dst, int src, unsigned from_size); /* to 64 bits */
void x86_movzx(struct x86_asm *a, int dst, int src, unsigned from_size); /* to 64 bits */
void x86_setcc(struct x86_asm *a, enum x86_cond cc, int dst); /* dst's low byte */
void x86_cmov(struct x86_asm *a, enum x86_cond cc, bool w, int dst, int src);
void x86_bswap(struct x86_asm *a, bool w, int r);
/* lzcnt, tzcnt, popcnt (0xbd, 0xbc, 0xb8 after f3 0f). */
void x86_bitcount(struct x86_asm *a, uint8_t opcode, bool w, int dst, int src);

void x86_push(struct x86_asm *a, int r);
void x86_pop(struct x86_asm *a, int r);
void x86_ret(struct x86_asm *a);
void x86_call_r(struct x86_asm *a, int r);
void x86_jmp_r(struct x86_asm *a, int r);
void x86_jmp_m(struct x86_asm *a, struct x86_mem m);
/* Direct control transfer to an absolute address within +-2 GiB; returns false if too far. */
bool x86_call_abs(struct x86_asm *a, const void *target);
/* Jumps and branches with a 32-bit displacement; return the displacement's address. */
uint8_t *x86_jmp32(struct x86_asm *a, const void *target);
uint8_t *x86_jcc32(struct x86_asm *a, enum x86_cond cc, const void *target);
/* Points a previously emitted rel32 (its displacement field) at target. */
void x86_patch_rel32(uint8_t *disp_field, const void *target);
void x86_nop(struct x86_asm *a, unsigned bytes);
void x86_ud2(struct x86_asm *a);

/* SSE scalar floating point: op is the second opcode byte (0x58 add, 0x59 mul, 0x5c sub,
 * 0x5e div, 0x51 sqrt, 0x5d min, 0x5f max); dbl selects sd over ss. */
void x86_sse_arith(struct x86_asm *a, uint8_t op, bool dbl, int dst, int src);
void x86_movq_xr(struct x86_asm *a, bool w, int xmm, int gpr); /* movq/movd xmm <- gpr */
void x86_movq_rx(struct x86_asm *a, bool w, int gpr, int xmm); /* movq/movd gpr <- xmm */
void x86_ucomis(struct x86_asm *a, bool dbl, int x1, int x2);
void x86_cvt_f2f(struct x86_asm *a, bool from_dbl, int dst, int src); /* cvtsd2ss / cvtss2sd */
void x86_cvtsi2s(struct x86_asm *a, bool dbl, bool w, int xmm, int gpr);
void x86_cvtts2si(struct x86_asm *a, bool dbl, bool w, int gpr, int xmm); /* truncating */
void x86_cvts2si(struct x86_asm *a, bool dbl, bool w, int gpr, int xmm);  /* MXCSR rounding */
/* vfmadd231s{s,d} dst += src1 * src2 (FMA3, VEX encoded). */
void x86_vfmadd231s(struct x86_asm *a, bool dbl, int dst, int src1, int src2);
void x86_ldmxcsr(struct x86_asm *a, struct x86_mem m);
void x86_stmxcsr(struct x86_asm *a, struct x86_mem m);

#endif
