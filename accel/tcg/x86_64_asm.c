/* An x86-64 machine-code assembler for the TCG backend: encodings only, no policy. */
#include "accel/tcg/x86_64_asm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the listing kept for -d out_asm ---- */

static const char *const reg64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                      "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const reg32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                      "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d",
                                      "r15d"};
static const char *const reg16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                                      "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w",
                                      "r15w"};
static const char *const reg8[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                                     "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b",
                                     "r15b"};
static const char *const cond_names[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                           "s", "ns", "p", "np", "l", "ge", "le", "g"};
static const char *const alu_names[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

static const char *rname(int r, unsigned size)
{
    return size == 8 ? reg64[r] : size == 4 ? reg32[r] : size == 2 ? reg16[r] : reg8[r];
}

void x86_asm_init(struct x86_asm *a, uint8_t *buf, size_t size)
{
    a->buf = a->ptr = buf;
    a->end = buf + size;
    a->overflow = false;
    a->listing = NULL;
    a->listing_len = a->listing_cap = 0;
}

void x86_asm_enable_listing(struct x86_asm *a)
{
    if (!a->listing) {
        a->listing_cap = 4096;
        a->listing = calloc(1, a->listing_cap);
    }
}

void x86_asm_free_listing(struct x86_asm *a)
{
    free(a->listing);
    a->listing = NULL;
    a->listing_len = a->listing_cap = 0;
}

__attribute__((format(printf, 3, 4))) static void asm_log(struct x86_asm *a, const uint8_t *start,
                                                          const char *fmt, ...)
{
    char text[160];
    va_list ap;

    if (!a->listing)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    char line[256];
    int n = snprintf(line, sizeof(line), "  %04zx: %-32s ", (size_t)(start - a->buf), text);
    for (const uint8_t *p = start; p < a->ptr && n < (int)sizeof(line) - 4; p++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", *p);
    n += snprintf(line + n, sizeof(line) - (size_t)n, "\n");
    if (a->listing_len + (size_t)n + 1 > a->listing_cap) {
        size_t cap = a->listing_cap * 2 + (size_t)n;
        char *grown = realloc(a->listing, cap);
        if (!grown)
            return;
        a->listing = grown;
        a->listing_cap = cap;
    }
    memcpy(a->listing + a->listing_len, line, (size_t)n + 1);
    a->listing_len += (size_t)n;
}

/* The operand's text for the listing; nothing is formatted when no listing is kept. */
static const char *mem_text(const struct x86_asm *a, struct x86_mem m, char *buf, size_t len)
{
    if (!a->listing)
        return "";
    if (m.index == X86_NO_REG)
        snprintf(buf, len, "[%s%+d]", m.base == X86_NO_REG ? "" : reg64[m.base], m.disp);
    else
        snprintf(buf, len, "[%s+%s*%u%+d]", m.base == X86_NO_REG ? "" : reg64[m.base],
                 reg64[m.index], 1u << m.scale, m.disp);
    return buf;
}

/* ---- raw bytes ---- */

static void emit8(struct x86_asm *a, uint8_t b)
{
    if (a->ptr >= a->end) {
        a->overflow = true;
        return;
    }
    *a->ptr++ = b;
}

static void emit32(struct x86_asm *a, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        emit8(a, (uint8_t)(v >> (8 * i)));
}

static void emit64(struct x86_asm *a, uint64_t v)
{
    emit32(a, (uint32_t)v);
    emit32(a, (uint32_t)(v >> 32));
}

static bool fits_i8(int64_t v)
{
    return v >= -128 && v <= 127;
}

static bool fits_i32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/*
 * A REX prefix when needed. byte_reg/byte_rm: that operand is an 8-bit register, where
 * registers 4-7 mean spl..dil only with a REX prefix (without one they are ah..bh).
 */
static void emit_rex(struct x86_asm *a, bool w, int reg, int index, int base, bool byte_reg,
                     bool byte_rm)
{
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) |
                            ((index >= 0 && (index & 8)) ? 2 : 0) |
                            ((base >= 0 && (base & 8)) ? 1 : 0));
    bool need = rex != 0x40 || (byte_reg && reg >= 4 && reg < 8) ||
                (byte_rm && base >= 4 && base < 8);
    if (need)
        emit8(a, rex);
}

static void emit_modrm_reg(struct x86_asm *a, int reg, int rm)
{
    emit8(a, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

static void emit_modrm_mem(struct x86_asm *a, int reg, struct x86_mem m)
{
    int r = reg & 7;

    if (m.base == X86_NO_REG) { /* disp32 with no base: SIB base 5 under mod 0 */
        int index = m.index == X86_NO_REG ? 4 : (m.index & 7); /* 4: no index */
        emit8(a, (uint8_t)(0x04 | (r << 3)));
        emit8(a, (uint8_t)((m.scale << 6) | (index << 3) | 5));
        emit32(a, (uint32_t)m.disp);
        return;
    }
    int base = m.base & 7;
    /* rbp/r13 as a base always need a displacement; disp 0 then takes one byte. */
    unsigned mod = (m.disp == 0 && base != RBP) ? 0 : fits_i8(m.disp) ? 1 : 2;
    bool sib = m.index != X86_NO_REG || base == RSP;
    emit8(a, (uint8_t)((mod << 6) | (r << 3) | (sib ? 4 : base)));
    if (sib) {
        int index = m.index == X86_NO_REG ? 4 : (m.index & 7); /* 4: no index */
        emit8(a, (uint8_t)((m.scale << 6) | (index << 3) | base));
    }
    if (mod == 1)
        emit8(a, (uint8_t)m.disp);
    else if (mod == 2)
        emit32(a, (uint32_t)m.disp);
}

/*
 * An instruction with a register-direct r/m operand. prefix 0 for none. byte_regs: 1 when
 * the reg field names an 8-bit register, 2 when the r/m field does, 3 for both.
 */
static void emit_op_rr(struct x86_asm *a, uint8_t prefix, const uint8_t *op, unsigned oplen,
                       bool w, int reg, int rm, unsigned byte_regs)
{
    if (prefix)
        emit8(a, prefix);
    emit_rex(a, w, reg, -1, rm, byte_regs & 1, byte_regs & 2);
    for (unsigned i = 0; i < oplen; i++)
        emit8(a, op[i]);
    emit_modrm_reg(a, reg, rm);
}

/* The same with a memory operand; byte_reg: the reg field names an 8-bit register. */
static void emit_op_rm(struct x86_asm *a, uint8_t prefix, const uint8_t *op, unsigned oplen,
                       bool w, int reg, struct x86_mem m, bool byte_reg)
{
    if (prefix)
        emit8(a, prefix);
    emit_rex(a, w, reg, m.index, m.base, byte_reg, 0);
    for (unsigned i = 0; i < oplen; i++)
        emit8(a, op[i]);
    emit_modrm_mem(a, reg, m);
}

#define OP1(x) ((const uint8_t[]){x}), 1
#define OP2(x, y) ((const uint8_t[]){x, y}), 2

/* ---- moves ---- */

void x86_mov_rr(struct x86_asm *a, bool w, int dst, int src)
{
    uint8_t *s = a->ptr;
    emit_op_rr(a, 0, OP1(0x8b), w, dst, src, 0);
    asm_log(a, s, "mov %s, %s", rname(dst, w ? 8 : 4), rname(src, w ? 8 : 4));
}

void x86_mov_ri(struct x86_asm *a, int dst, uint64_t imm)
{
    uint8_t *s = a->ptr;

    if (imm == 0) {
        emit_op_rr(a, 0, OP1(0x33), false, dst, dst, 0); /* xor r32, r32 */
        asm_log(a, s, "xor %s, %s", reg32[dst], reg32[dst]);
    } else if (imm <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
        emit_rex(a, false, 0, -1, dst, 0, 0);
        emit8(a, (uint8_t)(0xb8 + (dst & 7)));
        emit32(a, (uint32_t)imm);
        asm_log(a, s, "mov %s, 0x%llx", reg32[dst], (unsigned long long)imm);
    } else if (fits_i32((int64_t)imm)) { /* mov r/m64, imm32 sign-extends */
        emit_rex(a, true, 0, -1, dst, 0, 0);
        emit8(a, 0xc7);
        emit_modrm_reg(a, 0, dst);
        emit32(a, (uint32_t)imm);
        asm_log(a, s, "mov %s, %lld", reg64[dst], (long long)imm);
    } else {
        emit_rex(a, true, 0, -1, dst, 0, 0);
        emit8(a, (uint8_t)(0xb8 + (dst & 7)));
        emit64(a, imm);
        asm_log(a, s, "movabs %s, 0x%llx", reg64[dst], (unsigned long long)imm);
    }
}

void x86_load(struct x86_asm *a, int dst, struct x86_mem m, unsigned size, bool sign)
{
    uint8_t *s = a->ptr;
    char mt[64];

    switch (size) {
    case 1:
        emit_op_rm(a, 0, OP2(0x0f, sign ? 0xbe : 0xb6), sign, dst, m, 0);
        break;
    case 2:
        emit_op_rm(a, 0, OP2(0x0f, sign ? 0xbf : 0xb7), sign, dst, m, 0);
        break;
    case 4:
        if (sign)
            emit_op_rm(a, 0, OP1(0x63), true, dst, m, 0); /* movsxd */
        else
            emit_op_rm(a, 0, OP1(0x8b), false, dst, m, 0);
        break;
    default:
        emit_op_rm(a, 0, OP1(0x8b), true, dst, m, 0);
        break;
    }
    asm_log(a, s, "%s %s, %s%s", size == 8 ? "mov" : sign ? "movsx" : (size == 4 ? "mov" : "movzx"),
            rname(dst, (size == 8 || sign) ? 8 : 4),
            size == 1 ? "byte " : size == 2 ? "word " : size == 4 ? "dword " : "qword ",
            mem_text(a, m, mt, sizeof(mt)));
}

void x86_store(struct x86_asm *a, struct x86_mem m, int src, unsigned size)
{
    uint8_t *s = a->ptr;
    char mt[64];

    switch (size) {
    case 1:
        emit_op_rm(a, 0, OP1(0x88), false, src, m, true);
        break;
    case 2:
        emit_op_rm(a, 0x66, OP1(0x89), false, src, m, 0);
        break;
    default:
        emit_op_rm(a, 0, OP1(0x89), size == 8, src, m, 0);
        break;
    }
    asm_log(a, s, "mov %s, %s", mem_text(a, m, mt, sizeof(mt)), rname(src, size));
}

void x86_store_imm(struct x86_asm *a, struct x86_mem m, int32_t imm, unsigned size)
{
    uint8_t *s = a->ptr;
    char mt[64];

    if (size == 1) {
        emit_op_rm(a, 0, OP1(0xc6), false, 0, m, 0);
        emit8(a, (uint8_t)imm);
    } else if (size == 2) {
        emit_op_rm(a, 0x66, OP1(0xc7), false, 0, m, 0);
        emit8(a, (uint8_t)imm);
        emit8(a, (uint8_t)(imm >> 8));
    } else {
        emit_op_rm(a, 0, OP1(0xc7), size == 8, 0, m, 0);
        emit32(a, (uint32_t)imm);
    }
    asm_log(a, s, "mov %u-byte %s, %d", size, mem_text(a, m, mt, sizeof(mt)), imm);
}

void x86_lea(struct x86_asm *a, bool w, int dst, struct x86_mem m)
{
    uint8_t *s = a->ptr;
    char mt[64];

    emit_op_rm(a, 0, OP1(0x8d), w, dst, m, 0);
    asm_log(a, s, "lea %s, %s", rname(dst, w ? 8 : 4), mem_text(a, m, mt, sizeof(mt)));
}

/* ---- arithmetic ---- */

void x86_alu_rr(struct x86_asm *a, enum x86_alu op, bool w, int dst, int src)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP1((uint8_t)((op << 3) | 0x03)), w, dst, src, 0);
    asm_log(a, s, "%s %s, %s", alu_names[op], rname(dst, w ? 8 : 4), rname(src, w ? 8 : 4));
}

void x86_alu_ri(struct x86_asm *a, enum x86_alu op, bool w, int dst, int32_t imm)
{
    uint8_t *s = a->ptr;

    if (fits_i8(imm)) {
        emit_op_rr(a, 0, OP1(0x83), w, op, dst, 0);
        emit8(a, (uint8_t)imm);
    } else {
        emit_op_rr(a, 0, OP1(0x81), w, op, dst, 0);
        emit32(a, (uint32_t)imm);
    }
    asm_log(a, s, "%s %s, %d", alu_names[op], rname(dst, w ? 8 : 4), imm);
}

void x86_alu_rm(struct x86_asm *a, enum x86_alu op, bool w, int dst, struct x86_mem m)
{
    uint8_t *s = a->ptr;
    char mt[64];

    emit_op_rm(a, 0, OP1((uint8_t)((op << 3) | 0x03)), w, dst, m, 0);
    asm_log(a, s, "%s %s, %s", alu_names[op], rname(dst, w ? 8 : 4), mem_text(a, m, mt, sizeof(mt)));
}

void x86_alu_mi(struct x86_asm *a, enum x86_alu op, bool w, struct x86_mem m, int32_t imm,
                unsigned size)
{
    uint8_t *s = a->ptr;
    uint8_t prefix = size == 2 ? 0x66 : 0; /* 16-bit operand: 0x81 then takes an imm16 */
    char mt[64];

    if (size == 1) {
        emit_op_rm(a, 0, OP1(0x80), false, op, m, 0);
        emit8(a, (uint8_t)imm);
    } else if (fits_i8(imm)) {
        emit_op_rm(a, prefix, OP1(0x83), w, op, m, 0);
        emit8(a, (uint8_t)imm);
    } else {
        emit_op_rm(a, prefix, OP1(0x81), w, op, m, 0);
        if (size == 2) {
            emit8(a, (uint8_t)imm);
            emit8(a, (uint8_t)(imm >> 8));
        } else {
            emit32(a, (uint32_t)imm);
        }
    }
    asm_log(a, s, "%s %u-byte %s, %d", alu_names[op], size, mem_text(a, m, mt, sizeof(mt)), imm);
}

void x86_test_rr(struct x86_asm *a, bool w, int r1, int r2)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP1(0x85), w, r2, r1, 0);
    asm_log(a, s, "test %s, %s", rname(r1, w ? 8 : 4), rname(r2, w ? 8 : 4));
}

void x86_test_ri(struct x86_asm *a, bool w, int r, int32_t imm)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP1(0xf7), w, 0, r, 0);
    emit32(a, (uint32_t)imm);
    asm_log(a, s, "test %s, %d", rname(r, w ? 8 : 4), imm);
}

static const char *const shift_names[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};

void x86_shift_ri(struct x86_asm *a, enum x86_shift op, bool w, int dst, unsigned count)
{
    uint8_t *s = a->ptr;

    if (count == 1) {
        emit_op_rr(a, 0, OP1(0xd1), w, op, dst, 0);
    } else {
        emit_op_rr(a, 0, OP1(0xc1), w, op, dst, 0);
        emit8(a, (uint8_t)count);
    }
    asm_log(a, s, "%s %s, %u", shift_names[op], rname(dst, w ? 8 : 4), count);
}

void x86_shift_rcl(struct x86_asm *a, enum x86_shift op, bool w, int dst)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP1(0xd3), w, op, dst, 0);
    asm_log(a, s, "%s %s, cl", shift_names[op], rname(dst, w ? 8 : 4));
}

void x86_unary(struct x86_asm *a, enum x86_unary op, bool w, int r)
{
    static const char *const names[8] = {"test", "?", "not", "neg", "mul", "imul", "div", "idiv"};
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP1(0xf7), w, op, r, 0);
    asm_log(a, s, "%s %s", names[op], rname(r, w ? 8 : 4));
}

void x86_imul_rr(struct x86_asm *a, bool w, int dst, int src)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP2(0x0f, 0xaf), w, dst, src, 0);
    asm_log(a, s, "imul %s, %s", rname(dst, w ? 8 : 4), rname(src, w ? 8 : 4));
}

void x86_imul_rri(struct x86_asm *a, bool w, int dst, int src, int32_t imm)
{
    uint8_t *s = a->ptr;

    if (fits_i8(imm)) {
        emit_op_rr(a, 0, OP1(0x6b), w, dst, src, 0);
        emit8(a, (uint8_t)imm);
    } else {
        emit_op_rr(a, 0, OP1(0x69), w, dst, src, 0);
        emit32(a, (uint32_t)imm);
    }
    asm_log(a, s, "imul %s, %s, %d", rname(dst, w ? 8 : 4), rname(src, w ? 8 : 4), imm);
}

void x86_cqo(struct x86_asm *a, bool w)
{
    uint8_t *s = a->ptr;

    if (w)
        emit8(a, 0x48);
    emit8(a, 0x99);
    asm_log(a, s, "%s", w ? "cqo" : "cdq");
}

void x86_movsx(struct x86_asm *a, int dst, int src, unsigned from_size)
{
    uint8_t *s = a->ptr;

    if (from_size == 4)
        emit_op_rr(a, 0, OP1(0x63), true, dst, src, 0);
    else
        emit_op_rr(a, 0, OP2(0x0f, from_size == 1 ? 0xbe : 0xbf), true, dst, src,
                   from_size == 1 ? 2 : 0);
    asm_log(a, s, "movsx %s, %s", reg64[dst], rname(src, from_size));
}

void x86_movzx(struct x86_asm *a, int dst, int src, unsigned from_size)
{
    uint8_t *s = a->ptr;

    if (from_size == 4)
        emit_op_rr(a, 0, OP1(0x8b), false, dst, src, 0); /* mov r32 zero-extends */
    else
        emit_op_rr(a, 0, OP2(0x0f, from_size == 1 ? 0xb6 : 0xb7), false, dst, src,
                   from_size == 1 ? 2 : 0);
    asm_log(a, s, "movzx %s, %s", rname(dst, 4), rname(src, from_size));
}

void x86_setcc(struct x86_asm *a, enum x86_cond cc, int dst)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP2(0x0f, (uint8_t)(0x90 | cc)), false, 0, dst, 2);
    asm_log(a, s, "set%s %s", cond_names[cc], reg8[dst]);
}

void x86_cmov(struct x86_asm *a, enum x86_cond cc, bool w, int dst, int src)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP2(0x0f, (uint8_t)(0x40 | cc)), w, dst, src, 0);
    asm_log(a, s, "cmov%s %s, %s", cond_names[cc], rname(dst, w ? 8 : 4), rname(src, w ? 8 : 4));
}

void x86_bswap(struct x86_asm *a, bool w, int r)
{
    uint8_t *s = a->ptr;

    emit_rex(a, w, 0, -1, r, 0, 0);
    emit8(a, 0x0f);
    emit8(a, (uint8_t)(0xc8 + (r & 7)));
    asm_log(a, s, "bswap %s", rname(r, w ? 8 : 4));
}

void x86_bitcount(struct x86_asm *a, uint8_t opcode, bool w, int dst, int src)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0xf3, OP2(0x0f, opcode), w, dst, src, 0);
    asm_log(a, s, "%s %s, %s", opcode == 0xbd ? "lzcnt" : opcode == 0xbc ? "tzcnt" : "popcnt",
            rname(dst, w ? 8 : 4), rname(src, w ? 8 : 4));
}

/* ---- control flow ---- */

void x86_push(struct x86_asm *a, int r)
{
    uint8_t *s = a->ptr;

    emit_rex(a, false, 0, -1, r, 0, 0);
    emit8(a, (uint8_t)(0x50 + (r & 7)));
    asm_log(a, s, "push %s", reg64[r]);
}

void x86_pop(struct x86_asm *a, int r)
{
    uint8_t *s = a->ptr;

    emit_rex(a, false, 0, -1, r, 0, 0);
    emit8(a, (uint8_t)(0x58 + (r & 7)));
    asm_log(a, s, "pop %s", reg64[r]);
}

void x86_ret(struct x86_asm *a)
{
    uint8_t *s = a->ptr;

    emit8(a, 0xc3);
    asm_log(a, s, "ret");
}

void x86_call_r(struct x86_asm *a, int r)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP1(0xff), false, 2, r, 0);
    asm_log(a, s, "call %s", reg64[r]);
}

void x86_jmp_r(struct x86_asm *a, int r)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0, OP1(0xff), false, 4, r, 0);
    asm_log(a, s, "jmp %s", reg64[r]);
}

void x86_jmp_m(struct x86_asm *a, struct x86_mem m)
{
    uint8_t *s = a->ptr;
    char mt[64];

    emit_op_rm(a, 0, OP1(0xff), false, 4, m, 0);
    asm_log(a, s, "jmp qword %s", mem_text(a, m, mt, sizeof(mt)));
}

static int64_t rel_from(const uint8_t *next, const void *target)
{
    return (int64_t)((const uint8_t *)target - next);
}

bool x86_call_abs(struct x86_asm *a, const void *target)
{
    uint8_t *s = a->ptr;
    int64_t rel = rel_from(a->ptr + 5, target);

    if (!fits_i32(rel))
        return false;
    emit8(a, 0xe8);
    emit32(a, (uint32_t)rel);
    asm_log(a, s, "call %p", target);
    return true;
}

uint8_t *x86_jmp32(struct x86_asm *a, const void *target)
{
    uint8_t *s = a->ptr;

    emit8(a, 0xe9);
    uint8_t *disp = a->ptr;
    emit32(a, (uint32_t)rel_from(a->ptr + 4, target ? target : a->ptr + 4));
    asm_log(a, s, "jmp %p", target);
    return disp;
}

uint8_t *x86_jcc32(struct x86_asm *a, enum x86_cond cc, const void *target)
{
    uint8_t *s = a->ptr;

    emit8(a, 0x0f);
    emit8(a, (uint8_t)(0x80 | cc));
    uint8_t *disp = a->ptr;
    emit32(a, (uint32_t)rel_from(a->ptr + 4, target ? target : a->ptr + 4));
    asm_log(a, s, "j%s %p", cond_names[cc], target);
    return disp;
}

void x86_patch_rel32(uint8_t *disp_field, const void *target)
{
    int32_t rel = (int32_t)rel_from(disp_field + 4, target);
    /* A single aligned 32-bit store, so a concurrent reader sees old or new, never a mix. */
    __atomic_store_n((uint32_t *)(void *)disp_field, (uint32_t)rel, __ATOMIC_RELEASE);
}

void x86_nop(struct x86_asm *a, unsigned bytes)
{
    uint8_t *s = a->ptr;

    /* Multi-byte NOPs as the Intel manual recommends; longer runs are split. */
    static const uint8_t nops[9][9] = {
        {0}, {0x90}, {0x66, 0x90}, {0x0f, 0x1f, 0x00}, {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00}, {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    while (bytes) {
        unsigned n = bytes > 8 ? 8 : bytes;
        for (unsigned i = 0; i < n; i++)
            emit8(a, nops[n][i]);
        bytes -= n;
    }
    asm_log(a, s, "nop");
}

void x86_ud2(struct x86_asm *a)
{
    uint8_t *s = a->ptr;

    emit8(a, 0x0f);
    emit8(a, 0x0b);
    asm_log(a, s, "ud2");
}

/* ---- SSE and FMA ---- */

void x86_sse_arith(struct x86_asm *a, uint8_t op, bool dbl, int dst, int src)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, dbl ? 0xf2 : 0xf3, OP2(0x0f, op), false, dst, src, 0);
    asm_log(a, s, "sse%02x%s xmm%d, xmm%d", op, dbl ? "sd" : "ss", dst, src);
}

void x86_movq_xr(struct x86_asm *a, bool w, int xmm, int gpr)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0x66, OP2(0x0f, 0x6e), w, xmm, gpr, 0);
    asm_log(a, s, "mov%c xmm%d, %s", w ? 'q' : 'd', xmm, rname(gpr, w ? 8 : 4));
}

void x86_movq_rx(struct x86_asm *a, bool w, int gpr, int xmm)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, 0x66, OP2(0x0f, 0x7e), w, xmm, gpr, 0);
    asm_log(a, s, "mov%c %s, xmm%d", w ? 'q' : 'd', rname(gpr, w ? 8 : 4), xmm);
}

void x86_ucomis(struct x86_asm *a, bool dbl, int x1, int x2)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, dbl ? 0x66 : 0, OP2(0x0f, 0x2e), false, x1, x2, 0);
    asm_log(a, s, "ucomis%c xmm%d, xmm%d", dbl ? 'd' : 's', x1, x2);
}

void x86_cvt_f2f(struct x86_asm *a, bool from_dbl, int dst, int src)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, from_dbl ? 0xf2 : 0xf3, OP2(0x0f, 0x5a), false, dst, src, 0);
    asm_log(a, s, "%s xmm%d, xmm%d", from_dbl ? "cvtsd2ss" : "cvtss2sd", dst, src);
}

void x86_cvtsi2s(struct x86_asm *a, bool dbl, bool w, int xmm, int gpr)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, dbl ? 0xf2 : 0xf3, OP2(0x0f, 0x2a), w, xmm, gpr, 0);
    asm_log(a, s, "cvtsi2s%c xmm%d, %s", dbl ? 'd' : 's', xmm, rname(gpr, w ? 8 : 4));
}

void x86_cvtts2si(struct x86_asm *a, bool dbl, bool w, int gpr, int xmm)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, dbl ? 0xf2 : 0xf3, OP2(0x0f, 0x2c), w, gpr, xmm, 0);
    asm_log(a, s, "cvtts%c2si %s, xmm%d", dbl ? 'd' : 's', rname(gpr, w ? 8 : 4), xmm);
}

void x86_cvts2si(struct x86_asm *a, bool dbl, bool w, int gpr, int xmm)
{
    uint8_t *s = a->ptr;

    emit_op_rr(a, dbl ? 0xf2 : 0xf3, OP2(0x0f, 0x2d), w, gpr, xmm, 0);
    asm_log(a, s, "cvts%c2si %s, xmm%d", dbl ? 'd' : 's', rname(gpr, w ? 8 : 4), xmm);
}

void x86_vfmadd231s(struct x86_asm *a, bool dbl, int dst, int src1, int src2)
{
    uint8_t *s = a->ptr;

    /* VEX.LIG.66.0F38.W{1,0} B9 /r: three-byte VEX, vvvv = src1. */
    emit8(a, 0xc4);
    emit8(a, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src2 & 8) ? 0 : 0x20) | 0x02));
    emit8(a, (uint8_t)((dbl ? 0x80 : 0) | ((~src1 & 0xf) << 3) | 0x01));
    emit8(a, 0xb9);
    emit_modrm_reg(a, dst, src2);
    asm_log(a, s, "vfmadd231s%c xmm%d, xmm%d, xmm%d", dbl ? 'd' : 's', dst, src1, src2);
}

void x86_ldmxcsr(struct x86_asm *a, struct x86_mem m)
{
    uint8_t *s = a->ptr;
    char mt[64];

    emit_op_rm(a, 0, OP2(0x0f, 0xae), false, 2, m, 0);
    asm_log(a, s, "ldmxcsr %s", mem_text(a, m, mt, sizeof(mt)));
}

void x86_stmxcsr(struct x86_asm *a, struct x86_mem m)
{
    uint8_t *s = a->ptr;
    char mt[64];

    emit_op_rm(a, 0, OP2(0x0f, 0xae), false, 3, m, 0);
    asm_log(a, s, "stmxcsr %s", mem_text(a, m, mt, sizeof(mt)));
}
