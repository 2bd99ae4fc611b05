/* RISC-V RV64GC disassembler: opcode tables (like binutils' riscv-opc.c) and an operand printer. */
#include "vcpu/riscv/disas.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * An opcode entry matches when (insn & mask) == match and its check, if any, accepts the
 * encoding. Entries are tried in order and the first match wins, so a more specific entry
 * (c.unimp, c.ebreak) comes before the general one it overlaps (c.addi4spn, c.add).
 *
 * args is a template: "%x" is an operand (see print_args), anything else is copied.
 */
struct rv_opcode {
    uint32_t mask;
    uint32_t match;
    const char *name;
    const char *args;
    uint8_t flags;
    bool (*check)(uint32_t insn);
};

enum {
    RV_AQRL = 1 << 0,     /* bits 26:25 append .aq/.rl/.aqrl to the mnemonic */
    RV_RM = 1 << 1,       /* bits 14:12 are a rounding mode, printed unless dyn */
    RV_RM_EXACT = 1 << 2, /* an exact conversion: rounding mode printed unless rne */
};

/* The output line under construction; it always has room for the longest line we print. */
struct rv_out {
    char text[96];
    size_t len;
};

static const char *const rv_gpr[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const rv_fpr[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Rounding modes 5 and 6 are reserved: an instruction that names them is illegal. */
static const char *const rv_rm[8] = {"rne", "rtz", "rdn", "rup", "rmm", NULL, NULL, "dyn"};

static void out_printf(struct rv_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_printf(struct rv_out *o, const char *fmt, ...)
{
    size_t room = sizeof(o->text) - o->len;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(o->text + o->len, room, fmt, ap);
    va_end(ap);
    if (n > 0) {
        o->len += (size_t)n < room ? (size_t)n : room - 1;
    }
}

static void out_char(struct rv_out *o, char c)
{
    if (o->len + 1 < sizeof(o->text)) {
        o->text[o->len++] = c;
        o->text[o->len] = '\0';
    }
}

/* ---- Field extraction ---- */

static uint32_t bits(uint32_t insn, unsigned hi, unsigned lo)
{
    return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Sign-extends the low n bits of v. */
static int32_t sext(uint32_t v, unsigned n)
{
    uint32_t m = 1u << (n - 1);

    v &= (m << 1) - 1;
    return (int32_t)((v ^ m) - m);
}

static int32_t imm_i(uint32_t insn)
{
    return sext(bits(insn, 31, 20), 12);
}

static int32_t imm_s(uint32_t insn)
{
    return sext(bits(insn, 31, 25) << 5 | bits(insn, 11, 7), 12);
}

static int32_t imm_b(uint32_t insn)
{
    return sext(bits(insn, 31, 31) << 12 | bits(insn, 7, 7) << 11 | bits(insn, 30, 25) << 5 |
                    bits(insn, 11, 8) << 1,
                13);
}

static int32_t imm_j(uint32_t insn)
{
    return sext(bits(insn, 31, 31) << 20 | bits(insn, 19, 12) << 12 | bits(insn, 20, 20) << 11 |
                    bits(insn, 30, 21) << 1,
                21);
}

/* CI format: imm[5] in bit 12, imm[4:0] in bits 6:2 (c.addi, c.li, c.andi, shifts, c.lui). */
static uint32_t cimm_ci(uint32_t insn)
{
    return bits(insn, 12, 12) << 5 | bits(insn, 6, 2);
}

static uint32_t cimm_lw(uint32_t insn)
{
    return bits(insn, 12, 10) << 3 | bits(insn, 6, 6) << 2 | bits(insn, 5, 5) << 6;
}

static uint32_t cimm_ld(uint32_t insn)
{
    return bits(insn, 12, 10) << 3 | bits(insn, 6, 5) << 6;
}

static uint32_t cimm_lwsp(uint32_t insn)
{
    return bits(insn, 12, 12) << 5 | bits(insn, 6, 4) << 2 | bits(insn, 3, 2) << 6;
}

static uint32_t cimm_ldsp(uint32_t insn)
{
    return bits(insn, 12, 12) << 5 | bits(insn, 6, 5) << 3 | bits(insn, 4, 2) << 6;
}

static uint32_t cimm_swsp(uint32_t insn)
{
    return bits(insn, 12, 9) << 2 | bits(insn, 8, 7) << 6;
}

static uint32_t cimm_sdsp(uint32_t insn)
{
    return bits(insn, 12, 10) << 3 | bits(insn, 9, 7) << 6;
}

static uint32_t cimm_addi4spn(uint32_t insn)
{
    return bits(insn, 12, 11) << 4 | bits(insn, 10, 7) << 6 | bits(insn, 6, 6) << 2 |
           bits(insn, 5, 5) << 3;
}

static int32_t cimm_addi16sp(uint32_t insn)
{
    return sext(bits(insn, 12, 12) << 9 | bits(insn, 6, 6) << 4 | bits(insn, 5, 5) << 6 |
                    bits(insn, 4, 3) << 7 | bits(insn, 2, 2) << 5,
                10);
}

static int32_t cimm_b(uint32_t insn)
{
    return sext(bits(insn, 12, 12) << 8 | bits(insn, 11, 10) << 3 | bits(insn, 6, 5) << 6 |
                    bits(insn, 4, 3) << 1 | bits(insn, 2, 2) << 5,
                9);
}

static int32_t cimm_j(uint32_t insn)
{
    return sext(bits(insn, 12, 12) << 11 | bits(insn, 11, 11) << 4 | bits(insn, 10, 9) << 8 |
                    bits(insn, 8, 8) << 10 | bits(insn, 7, 7) << 6 | bits(insn, 6, 6) << 7 |
                    bits(insn, 5, 3) << 1 | bits(insn, 2, 2) << 5,
                12);
}

/* ---- CSR names ---- */

struct rv_csr_name {
    uint16_t num;
    const char *name;
};

/* Numbered families: CSR first + i is prefix(base + i)suffix. */
struct rv_csr_range {
    uint16_t first;
    uint8_t count;
    uint8_t base;
    const char *prefix;
    const char *suffix;
};

/* The names binutils 2.40 knows, including RV32-only high halves, H, AIA, vector, debug. */
static const struct rv_csr_name rv_csrs[] = {
    {0x001, "fflags"},     {0x002, "frm"},        {0x003, "fcsr"},          {0x008, "vstart"},
    {0x009, "vxsat"},      {0x00a, "vxrm"},       {0x00f, "vcsr"},          {0x015, "seed"},
    {0x100, "sstatus"},    {0x104, "sie"},        {0x105, "stvec"},         {0x106, "scounteren"},
    {0x10a, "senvcfg"},    {0x10c, "sstateen0"},  {0x10d, "sstateen1"},     {0x10e, "sstateen2"},
    {0x10f, "sstateen3"},  {0x114, "sieh"},       {0x140, "sscratch"},      {0x141, "sepc"},
    {0x142, "scause"},     {0x143, "stval"},      {0x144, "sip"},           {0x14d, "stimecmp"},
    {0x150, "siselect"},   {0x151, "sireg"},      {0x154, "siph"},          {0x15c, "stopei"},
    {0x15d, "stimecmph"},  {0x180, "satp"},       {0x200, "vsstatus"},      {0x204, "vsie"},
    {0x205, "vstvec"},     {0x214, "vsieh"},      {0x240, "vsscratch"},     {0x241, "vsepc"},
    {0x242, "vscause"},    {0x243, "vstval"},     {0x244, "vsip"},          {0x24d, "vstimecmp"},
    {0x250, "vsiselect"},  {0x251, "vsireg"},     {0x254, "vsiph"},         {0x25c, "vstopei"},
    {0x25d, "vstimecmph"}, {0x280, "vsatp"},      {0x300, "mstatus"},       {0x301, "misa"},
    {0x302, "medeleg"},    {0x303, "mideleg"},    {0x304, "mie"},           {0x305, "mtvec"},
    {0x306, "mcounteren"}, {0x308, "mvien"},      {0x309, "mvip"},          {0x30a, "menvcfg"},
    {0x30c, "mstateen0"},  {0x30d, "mstateen1"},  {0x30e, "mstateen2"},     {0x30f, "mstateen3"},
    {0x310, "mstatush"},   {0x313, "midelegh"},   {0x314, "mieh"},          {0x318, "mvienh"},
    {0x319, "mviph"},      {0x31a, "menvcfgh"},   {0x31c, "mstateen0h"},    {0x31d, "mstateen1h"},
    {0x31e, "mstateen2h"}, {0x31f, "mstateen3h"}, {0x320, "mcountinhibit"}, {0x340, "mscratch"},
    {0x341, "mepc"},       {0x342, "mcause"},     {0x343, "mtval"},         {0x344, "mip"},
    {0x34a, "mtinst"},     {0x34b, "mtval2"},     {0x350, "miselect"},      {0x351, "mireg"},
    {0x354, "miph"},       {0x35c, "mtopei"},     {0x5a8, "scontext"},      {0x600, "hstatus"},
    {0x602, "hedeleg"},    {0x603, "hideleg"},    {0x604, "hie"},           {0x605, "htimedelta"},
    {0x606, "hcounteren"}, {0x607, "hgeie"},      {0x608, "hvien"},         {0x609, "hvictl"},
    {0x60a, "henvcfg"},    {0x60c, "hstateen0"},  {0x60d, "hstateen1"},     {0x60e, "hstateen2"},
    {0x60f, "hstateen3"},  {0x613, "hidelegh"},   {0x615, "htimedeltah"},   {0x618, "hvienh"},
    {0x61a, "henvcfgh"},   {0x61c, "hstateen0h"}, {0x61d, "hstateen1h"},    {0x61e, "hstateen2h"},
    {0x61f, "hstateen3h"}, {0x643, "htval"},      {0x644, "hip"},           {0x645, "hvip"},
    {0x646, "hviprio1"},   {0x647, "hviprio2"},   {0x64a, "htinst"},        {0x655, "hviph"},
    {0x656, "hviprio1h"},  {0x657, "hviprio2h"},  {0x680, "hgatp"},         {0x6a8, "hcontext"},
    {0x747, "mseccfg"},    {0x757, "mseccfgh"},   {0x7a0, "tselect"},       {0x7a1, "tdata1"},
    {0x7a2, "tdata2"},     {0x7a3, "tdata3"},     {0x7a4, "tinfo"},         {0x7a5, "tcontrol"},
    {0x7a8, "mcontext"},   {0x7aa, "mscontext"},  {0x7b0, "dcsr"},          {0x7b1, "dpc"},
    {0x7b2, "dscratch0"},  {0x7b3, "dscratch1"},  {0xb00, "mcycle"},        {0xb02, "minstret"},
    {0xb80, "mcycleh"},    {0xb82, "minstreth"},  {0xc00, "cycle"},         {0xc01, "time"},
    {0xc02, "instret"},    {0xc20, "vl"},         {0xc21, "vtype"},         {0xc22, "vlenb"},
    {0xc80, "cycleh"},     {0xc81, "timeh"},      {0xc82, "instreth"},      {0xda0, "scountovf"},
    {0xdb0, "stopi"},      {0xe12, "hgeip"},      {0xeb0, "vstopi"},        {0xf11, "mvendorid"},
    {0xf12, "marchid"},    {0xf13, "mimpid"},     {0xf14, "mhartid"},       {0xf15, "mconfigptr"},
    {0xfb0, "mtopi"},
};

static const struct rv_csr_range rv_csr_ranges[] = {
    {0x323, 29, 3, "mhpmevent", ""},   {0x3a0, 16, 0, "pmpcfg", ""},
    {0x3b0, 64, 0, "pmpaddr", ""},     {0x723, 29, 3, "mhpmevent", "h"},
    {0xb03, 29, 3, "mhpmcounter", ""}, {0xb83, 29, 3, "mhpmcounter", "h"},
    {0xc03, 29, 3, "hpmcounter", ""},  {0xc83, 29, 3, "hpmcounter", "h"},
};

static void print_csr(struct rv_out *o, uint32_t csr)
{
    size_t i;

    for (i = 0; i < sizeof(rv_csrs) / sizeof(rv_csrs[0]); i++) {
        if (rv_csrs[i].num == csr) {
            out_printf(o, "%s", rv_csrs[i].name);
            return;
        }
    }
    for (i = 0; i < sizeof(rv_csr_ranges) / sizeof(rv_csr_ranges[0]); i++) {
        const struct rv_csr_range *r = &rv_csr_ranges[i];

        if (csr >= r->first && csr < r->first + r->count) {
            out_printf(o, "%s%u%s", r->prefix, csr - r->first + r->base, r->suffix);
            return;
        }
    }
    out_printf(o, "0x%x", csr);
}

/* ---- Operands ---- */

/* A FENCE predecessor or successor set; LLVM's "0" for the empty set (objdump: "unknown"). */
static void print_fence_set(struct rv_out *o, uint32_t set)
{
    static const char letters[] = "iorw";
    unsigned i;

    if (set == 0) {
        out_char(o, '0');
        return;
    }
    for (i = 0; i < 4; i++) {
        if (set & (8u >> i)) {
            out_char(o, letters[i]);
        }
    }
}

static void print_target(struct rv_out *o, uint64_t pc, int32_t offset)
{
    out_printf(o, "0x%" PRIx64, pc + (uint64_t)(int64_t)offset);
}

/* Registers: d s t are rd rs1 rs2, c is a compressed rs2, w x the compressed rs1'/rs2'. */
static bool print_register(struct rv_out *o, char code, uint32_t insn)
{
    switch (code) {
    case 'd': out_printf(o, "%s", rv_gpr[bits(insn, 11, 7)]); break;
    case 's': out_printf(o, "%s", rv_gpr[bits(insn, 19, 15)]); break;
    case 't': out_printf(o, "%s", rv_gpr[bits(insn, 24, 20)]); break;
    case 'c': out_printf(o, "%s", rv_gpr[bits(insn, 6, 2)]); break;
    case 'w': out_printf(o, "%s", rv_gpr[8 + bits(insn, 9, 7)]); break;
    case 'x': out_printf(o, "%s", rv_gpr[8 + bits(insn, 4, 2)]); break;
    case 'D': out_printf(o, "%s", rv_fpr[bits(insn, 11, 7)]); break;
    case 'S': out_printf(o, "%s", rv_fpr[bits(insn, 19, 15)]); break;
    case 'T': out_printf(o, "%s", rv_fpr[bits(insn, 24, 20)]); break;
    case 'R': out_printf(o, "%s", rv_fpr[bits(insn, 31, 27)]); break;
    case 'C': out_printf(o, "%s", rv_fpr[bits(insn, 6, 2)]); break;
    case 'X': out_printf(o, "%s", rv_fpr[8 + bits(insn, 4, 2)]); break;
    default: return false;
    }
    return true;
}

/* Immediates of the 32-bit formats. */
static bool print_imm32(struct rv_out *o, char code, uint32_t insn, uint64_t pc)
{
    switch (code) {
    case 'j': out_printf(o, "%" PRId32, imm_i(insn)); break;
    case 'q': out_printf(o, "%" PRId32, imm_s(insn)); break;
    case 'u': out_printf(o, "0x%" PRIx32, bits(insn, 31, 12)); break;
    case 'p': print_target(o, pc, imm_b(insn)); break;
    case 'a': print_target(o, pc, imm_j(insn)); break;
    case '>': out_printf(o, "0x%" PRIx32, bits(insn, 25, 20)); break;
    case '<': out_printf(o, "0x%" PRIx32, bits(insn, 24, 20)); break;
    case 'E': print_csr(o, bits(insn, 31, 20)); break;
    case 'Z': out_printf(o, "%" PRIu32, bits(insn, 19, 15)); break;
    case 'P': print_fence_set(o, bits(insn, 27, 24)); break;
    case 'Q': print_fence_set(o, bits(insn, 23, 20)); break;
    default: return false;
    }
    return true;
}

/* Immediates of the compressed formats. */
static bool print_imm16(struct rv_out *o, char code, uint32_t insn, uint64_t pc)
{
    switch (code) {
    case 'i': out_printf(o, "%" PRId32, sext(cimm_ci(insn), 6)); break;
    case 'U': out_printf(o, "0x%" PRIx32, (uint32_t)sext(cimm_ci(insn), 6) & 0xfffff); break;
    case 'h': out_printf(o, "0x%" PRIx32, cimm_ci(insn)); break;
    case 'k': out_printf(o, "%" PRIu32, cimm_lw(insn)); break;
    case 'l': out_printf(o, "%" PRIu32, cimm_ld(insn)); break;
    case 'M': out_printf(o, "%" PRIu32, cimm_lwsp(insn)); break;
    case 'N': out_printf(o, "%" PRIu32, cimm_ldsp(insn)); break;
    case 'V': out_printf(o, "%" PRIu32, cimm_swsp(insn)); break;
    case 'W': out_printf(o, "%" PRIu32, cimm_sdsp(insn)); break;
    case 'K': out_printf(o, "%" PRIu32, cimm_addi4spn(insn)); break;
    case 'L': out_printf(o, "%" PRId32, cimm_addi16sp(insn)); break;
    case 'b': print_target(o, pc, cimm_b(insn)); break;
    case 'J': print_target(o, pc, cimm_j(insn)); break;
    default: return false;
    }
    return true;
}

static void print_args(struct rv_out *o, const char *args, uint32_t insn, uint64_t pc)
{
    for (; *args; args++) {
        if (*args != '%') {
            out_char(o, *args);
            continue;
        }
        args++;
        /* An unknown code is a typo in the tables; every entry is covered by test_disas. */
        if (!print_register(o, *args, insn) && !print_imm32(o, *args, insn, pc) &&
            !print_imm16(o, *args, insn, pc)) {
            out_char(o, '?');
        }
    }
}

/* ---- Checks for encodings that a mask alone cannot express ---- */

static bool rd_nonzero(uint32_t insn)
{
    return bits(insn, 11, 7) != 0;
}

static bool c_rs2_nonzero(uint32_t insn)
{
    return bits(insn, 6, 2) != 0;
}

static bool c_addi4spn_ok(uint32_t insn)
{
    return cimm_addi4spn(insn) != 0;
}

static bool c_lui_ok(uint32_t insn)
{
    return bits(insn, 11, 7) != 2 && cimm_ci(insn) != 0;
}

/* ---- Opcode tables ---- */

/* clang-format off */
#define M_OP 0x0000007fu
#define M_F3 0x0000707fu   /* funct3 + opcode */
#define M_R 0xfe00707fu    /* funct7 + funct3 + opcode */
#define M_RS2 0x01f00000u
#define M_AMO 0xf800707fu  /* funct5 + funct3 + opcode; aq/rl are free */
#define M_FP 0xfe00007fu   /* funct7 + opcode; funct3 is the rounding mode */
#define M_FMA 0x0600007fu  /* fmt + opcode */
#define M_ALL 0xffffffffu

#define F3(f) ((uint32_t)(f) << 12)
#define F7(f) ((uint32_t)(f) << 25)
#define RS2(r) ((uint32_t)(r) << 20)

#define LOAD(name, f3) {M_F3, 0x03 | F3(f3), name, "%d,%j(%s)", 0, NULL}
#define STORE(name, f3) {M_F3, 0x23 | F3(f3), name, "%t,%q(%s)", 0, NULL}
#define BRANCH(name, f3) {M_F3, 0x63 | F3(f3), name, "%s,%t,%p", 0, NULL}
#define OPIMM(name, f3) {M_F3, 0x13 | F3(f3), name, "%d,%s,%j", 0, NULL}
#define OP(name, f7, f3) {M_R, 0x33 | F7(f7) | F3(f3), name, "%d,%s,%t", 0, NULL}
#define OP32(name, f7, f3) {M_R, 0x3b | F7(f7) | F3(f3), name, "%d,%s,%t", 0, NULL}
#define CSR(name, f3, src) {M_F3, 0x73 | F3(f3), name, "%d,%E," src, 0, NULL}
#define AMO(name, f5, f3) \
    {M_AMO, 0x2f | (uint32_t)(f5) << 27 | F3(f3), name, "%d,%t,(%s)", RV_AQRL, NULL}
#define FP3(name, f7, f3) {M_R, 0x53 | F7(f7) | F3(f3), name, "%D,%S,%T", 0, NULL}
#define FPRM(name, f7, args) {M_FP, 0x53 | F7(f7), name, args, RV_RM, NULL}
#define FPCVT(name, f7, rs2, args, fl) \
    {M_FP | M_RS2, 0x53 | F7(f7) | RS2(rs2), name, args, fl, NULL}
#define FCMP(name, f7, f3) {M_R, 0x53 | F7(f7) | F3(f3), name, "%d,%S,%T", 0, NULL}
#define FMV(name, f7, f3, args) {M_R | M_RS2, 0x53 | F7(f7) | F3(f3), name, args, 0, NULL}
#define FMA(name, op, fmt) \
    {M_FMA, (op) | (uint32_t)(fmt) << 25, name, "%D,%S,%T,%R", RV_RM, NULL}

static const struct rv_opcode rv_opcodes32[] = {
    {M_OP, 0x37, "lui", "%d,%u", 0, NULL},
    {M_OP, 0x17, "auipc", "%d,%u", 0, NULL},
    {M_OP, 0x6f, "jal", "%d,%a", 0, NULL},
    {M_F3, 0x67, "jalr", "%d,%j(%s)", 0, NULL},
    BRANCH("beq", 0), BRANCH("bne", 1), BRANCH("blt", 4),
    BRANCH("bge", 5), BRANCH("bltu", 6), BRANCH("bgeu", 7),
    LOAD("lb", 0), LOAD("lh", 1), LOAD("lw", 2), LOAD("ld", 3),
    LOAD("lbu", 4), LOAD("lhu", 5), LOAD("lwu", 6),
    STORE("sb", 0), STORE("sh", 1), STORE("sw", 2), STORE("sd", 3),
    OPIMM("addi", 0), OPIMM("slti", 2), OPIMM("sltiu", 3),
    OPIMM("xori", 4), OPIMM("ori", 6), OPIMM("andi", 7),
    {0xfc00707f, 0x00001013, "slli", "%d,%s,%>", 0, NULL},
    {0xfc00707f, 0x00005013, "srli", "%d,%s,%>", 0, NULL},
    {0xfc00707f, 0x40005013, "srai", "%d,%s,%>", 0, NULL},
    OP("add", 0, 0), OP("sub", 0x20, 0), OP("sll", 0, 1), OP("slt", 0, 2),
    OP("sltu", 0, 3), OP("xor", 0, 4), OP("srl", 0, 5), OP("sra", 0x20, 5),
    OP("or", 0, 6), OP("and", 0, 7),
    {M_F3, 0x1b, "addiw", "%d,%s,%j", 0, NULL},
    {M_R, 0x0000101b, "slliw", "%d,%s,%<", 0, NULL},
    {M_R, 0x0000501b, "srliw", "%d,%s,%<", 0, NULL},
    {M_R, 0x4000501b, "sraiw", "%d,%s,%<", 0, NULL},
    OP32("addw", 0, 0), OP32("subw", 0x20, 0), OP32("sllw", 0, 1),
    OP32("srlw", 0, 5), OP32("sraw", 0x20, 5),
    /* fm, rs1 and rd of FENCE are reserved; objdump shows such encodings raw, and so do we. */
    {0xf00fffff, 0x0000000f, "fence", "%P,%Q", 0, NULL},
    {M_ALL, 0x8330000f, "fence.tso", "", 0, NULL},
    {M_ALL, 0x0000100f, "fence.i", "", 0, NULL},
    {M_ALL, 0x00000073, "ecall", "", 0, NULL},
    {M_ALL, 0x00100073, "ebreak", "", 0, NULL},
    {M_ALL, 0x10200073, "sret", "", 0, NULL},
    {M_ALL, 0x30200073, "mret", "", 0, NULL},
    {M_ALL, 0x7b200073, "dret", "", 0, NULL},
    {M_ALL, 0x10500073, "wfi", "", 0, NULL},
    {0xfe007fff, 0x12000073, "sfence.vma", "%s,%t", 0, NULL},
    CSR("csrrw", 1, "%s"), CSR("csrrs", 2, "%s"), CSR("csrrc", 3, "%s"),
    CSR("csrrwi", 5, "%Z"), CSR("csrrsi", 6, "%Z"), CSR("csrrci", 7, "%Z"),
    /* M */
    OP("mul", 1, 0), OP("mulh", 1, 1), OP("mulhsu", 1, 2), OP("mulhu", 1, 3),
    OP("div", 1, 4), OP("divu", 1, 5), OP("rem", 1, 6), OP("remu", 1, 7),
    OP32("mulw", 1, 0), OP32("divw", 1, 4), OP32("divuw", 1, 5),
    OP32("remw", 1, 6), OP32("remuw", 1, 7),
    /* A */
    {M_AMO | M_RS2, 0x1000202f, "lr.w", "%d,(%s)", RV_AQRL, NULL},
    {M_AMO | M_RS2, 0x1000302f, "lr.d", "%d,(%s)", RV_AQRL, NULL},
    AMO("sc.w", 0x03, 2), AMO("amoswap.w", 0x01, 2), AMO("amoadd.w", 0x00, 2),
    AMO("amoxor.w", 0x04, 2), AMO("amoand.w", 0x0c, 2), AMO("amoor.w", 0x08, 2),
    AMO("amomin.w", 0x10, 2), AMO("amomax.w", 0x14, 2), AMO("amominu.w", 0x18, 2),
    AMO("amomaxu.w", 0x1c, 2),
    AMO("sc.d", 0x03, 3), AMO("amoswap.d", 0x01, 3), AMO("amoadd.d", 0x00, 3),
    AMO("amoxor.d", 0x04, 3), AMO("amoand.d", 0x0c, 3), AMO("amoor.d", 0x08, 3),
    AMO("amomin.d", 0x10, 3), AMO("amomax.d", 0x14, 3), AMO("amominu.d", 0x18, 3),
    AMO("amomaxu.d", 0x1c, 3),
    /* F and D */
    {M_F3, 0x00002007, "flw", "%D,%j(%s)", 0, NULL},
    {M_F3, 0x00003007, "fld", "%D,%j(%s)", 0, NULL},
    {M_F3, 0x00002027, "fsw", "%T,%q(%s)", 0, NULL},
    {M_F3, 0x00003027, "fsd", "%T,%q(%s)", 0, NULL},
    FMA("fmadd.s", 0x43, 0), FMA("fmsub.s", 0x47, 0),
    FMA("fnmsub.s", 0x4b, 0), FMA("fnmadd.s", 0x4f, 0),
    FMA("fmadd.d", 0x43, 1), FMA("fmsub.d", 0x47, 1),
    FMA("fnmsub.d", 0x4b, 1), FMA("fnmadd.d", 0x4f, 1),
    FPRM("fadd.s", 0x00, "%D,%S,%T"), FPRM("fsub.s", 0x04, "%D,%S,%T"),
    FPRM("fmul.s", 0x08, "%D,%S,%T"), FPRM("fdiv.s", 0x0c, "%D,%S,%T"),
    FPRM("fadd.d", 0x01, "%D,%S,%T"), FPRM("fsub.d", 0x05, "%D,%S,%T"),
    FPRM("fmul.d", 0x09, "%D,%S,%T"), FPRM("fdiv.d", 0x0d, "%D,%S,%T"),
    FPCVT("fsqrt.s", 0x2c, 0, "%D,%S", RV_RM), FPCVT("fsqrt.d", 0x2d, 0, "%D,%S", RV_RM),
    FP3("fsgnj.s", 0x10, 0), FP3("fsgnjn.s", 0x10, 1), FP3("fsgnjx.s", 0x10, 2),
    FP3("fsgnj.d", 0x11, 0), FP3("fsgnjn.d", 0x11, 1), FP3("fsgnjx.d", 0x11, 2),
    FP3("fmin.s", 0x14, 0), FP3("fmax.s", 0x14, 1),
    FP3("fmin.d", 0x15, 0), FP3("fmax.d", 0x15, 1),
    FPCVT("fcvt.s.d", 0x20, 1, "%D,%S", RV_RM),
    FPCVT("fcvt.d.s", 0x21, 0, "%D,%S", RV_RM_EXACT),
    FCMP("fle.s", 0x50, 0), FCMP("flt.s", 0x50, 1), FCMP("feq.s", 0x50, 2),
    FCMP("fle.d", 0x51, 0), FCMP("flt.d", 0x51, 1), FCMP("feq.d", 0x51, 2),
    FPCVT("fcvt.w.s", 0x60, 0, "%d,%S", RV_RM), FPCVT("fcvt.wu.s", 0x60, 1, "%d,%S", RV_RM),
    FPCVT("fcvt.l.s", 0x60, 2, "%d,%S", RV_RM), FPCVT("fcvt.lu.s", 0x60, 3, "%d,%S", RV_RM),
    FPCVT("fcvt.w.d", 0x61, 0, "%d,%S", RV_RM), FPCVT("fcvt.wu.d", 0x61, 1, "%d,%S", RV_RM),
    FPCVT("fcvt.l.d", 0x61, 2, "%d,%S", RV_RM), FPCVT("fcvt.lu.d", 0x61, 3, "%d,%S", RV_RM),
    FPCVT("fcvt.s.w", 0x68, 0, "%D,%s", RV_RM), FPCVT("fcvt.s.wu", 0x68, 1, "%D,%s", RV_RM),
    FPCVT("fcvt.s.l", 0x68, 2, "%D,%s", RV_RM), FPCVT("fcvt.s.lu", 0x68, 3, "%D,%s", RV_RM),
    FPCVT("fcvt.d.w", 0x69, 0, "%D,%s", RV_RM_EXACT),
    FPCVT("fcvt.d.wu", 0x69, 1, "%D,%s", RV_RM_EXACT),
    FPCVT("fcvt.d.l", 0x69, 2, "%D,%s", RV_RM), FPCVT("fcvt.d.lu", 0x69, 3, "%D,%s", RV_RM),
    FMV("fmv.x.w", 0x70, 0, "%d,%S"), FMV("fclass.s", 0x70, 1, "%d,%S"),
    FMV("fmv.x.d", 0x71, 0, "%d,%S"), FMV("fclass.d", 0x71, 1, "%d,%S"),
    FMV("fmv.w.x", 0x78, 0, "%D,%s"), FMV("fmv.d.x", 0x79, 0, "%D,%s"),
};

#define C_OP 0xe003u  /* funct3 + quadrant */
#define C_ALU 0xec03u /* c.srli, c.srai, c.andi */
#define C_RR 0xfc63u  /* c.sub ... c.addw */

/*
 * RV64C. HINTs (rd = x0, zero shift amounts: c.slli64 and friends) and the reserved
 * c.addi16sp sp,0 decode as objdump decodes them.
 */
static const struct rv_opcode rv_opcodes16[] = {
    {0xffff, 0x0000, "c.unimp", "", 0, NULL},
    {C_OP, 0x0000, "c.addi4spn", "%x,sp,%K", 0, c_addi4spn_ok},
    {C_OP, 0x2000, "c.fld", "%X,%l(%w)", 0, NULL},
    {C_OP, 0x4000, "c.lw", "%x,%k(%w)", 0, NULL},
    {C_OP, 0x6000, "c.ld", "%x,%l(%w)", 0, NULL},
    {C_OP, 0xa000, "c.fsd", "%X,%l(%w)", 0, NULL},
    {C_OP, 0xc000, "c.sw", "%x,%k(%w)", 0, NULL},
    {C_OP, 0xe000, "c.sd", "%x,%l(%w)", 0, NULL},
    {C_OP, 0x0001, "c.addi", "%d,%i", 0, NULL},
    {C_OP, 0x2001, "c.addiw", "%d,%i", 0, rd_nonzero},
    {C_OP, 0x4001, "c.li", "%d,%i", 0, NULL},
    {0xef83, 0x6101, "c.addi16sp", "sp,%L", 0, NULL},
    {C_OP, 0x6001, "c.lui", "%d,%U", 0, c_lui_ok},
    {0xfc7f, 0x8001, "c.srli64", "%w", 0, NULL},
    {0xfc7f, 0x8401, "c.srai64", "%w", 0, NULL},
    {C_ALU, 0x8001, "c.srli", "%w,%h", 0, NULL},
    {C_ALU, 0x8401, "c.srai", "%w,%h", 0, NULL},
    {C_ALU, 0x8801, "c.andi", "%w,%i", 0, NULL},
    {C_RR, 0x8c01, "c.sub", "%w,%x", 0, NULL},
    {C_RR, 0x8c21, "c.xor", "%w,%x", 0, NULL},
    {C_RR, 0x8c41, "c.or", "%w,%x", 0, NULL},
    {C_RR, 0x8c61, "c.and", "%w,%x", 0, NULL},
    {C_RR, 0x9c01, "c.subw", "%w,%x", 0, NULL},
    {C_RR, 0x9c21, "c.addw", "%w,%x", 0, NULL},
    {C_OP, 0xa001, "c.j", "%J", 0, NULL},
    {C_OP, 0xc001, "c.beqz", "%w,%b", 0, NULL},
    {C_OP, 0xe001, "c.bnez", "%w,%b", 0, NULL},
    {0xf07f, 0x0002, "c.slli64", "%d", 0, NULL},
    {C_OP, 0x0002, "c.slli", "%d,%h", 0, NULL},
    {C_OP, 0x2002, "c.fldsp", "%D,%N(sp)", 0, NULL},
    {C_OP, 0x4002, "c.lwsp", "%d,%M(sp)", 0, rd_nonzero},
    {C_OP, 0x6002, "c.ldsp", "%d,%N(sp)", 0, rd_nonzero},
    {0xf07f, 0x8002, "c.jr", "%d", 0, rd_nonzero},
    {0xf003, 0x8002, "c.mv", "%d,%c", 0, c_rs2_nonzero},
    {0xffff, 0x9002, "c.ebreak", "", 0, NULL},
    {0xf07f, 0x9002, "c.jalr", "%d", 0, rd_nonzero},
    {0xf003, 0x9002, "c.add", "%d,%c", 0, c_rs2_nonzero},
    {C_OP, 0xa002, "c.fsdsp", "%C,%W(sp)", 0, NULL},
    {C_OP, 0xc002, "c.swsp", "%c,%V(sp)", 0, NULL},
    {C_OP, 0xe002, "c.sdsp", "%c,%W(sp)", 0, NULL},
};

/* clang-format on */

/* ---- Driver ---- */

static const struct rv_opcode *find_opcode(const struct rv_opcode *table, size_t n, uint32_t insn)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct rv_opcode *op = &table[i];

        if ((insn & op->mask) == op->match && (!op->check || op->check(insn))) {
            return op;
        }
    }
    return NULL;
}

/* The rounding-mode suffix, or false when the encoding names a reserved mode. */
static bool print_rm(struct rv_out *o, const struct rv_opcode *op, uint32_t insn)
{
    uint32_t rm = bits(insn, 14, 12);
    uint32_t silent = (op->flags & RV_RM_EXACT) ? 0 : 7;

    if (!rv_rm[rm]) {
        return false;
    }
    if (rm != silent) {
        out_printf(o, ",%s", rv_rm[rm]);
    }
    return true;
}

static bool print_insn(struct rv_out *o, const struct rv_opcode *op, uint32_t insn, uint64_t pc)
{
    static const char *const aqrl[4] = {"", ".rl", ".aq", ".aqrl"};

    out_printf(o, "%s%s", op->name, (op->flags & RV_AQRL) ? aqrl[bits(insn, 26, 25)] : "");
    if (op->args[0]) {
        out_char(o, '\t');
        print_args(o, op->args, insn, pc);
    }
    if (op->flags & (RV_RM | RV_RM_EXACT)) {
        return print_rm(o, op, insn);
    }
    return true;
}

static unsigned insn_length(uint32_t insn)
{
    /* Low bits 11111 start an encoding longer than 32 bits; RV64GC has none. */
    return (insn & 0x3) == 0x3 && (insn & 0x1f) != 0x1f ? 4 : 2;
}

unsigned riscv_disas(uint32_t insn, uint64_t pc, char *buf, size_t buflen)
{
    struct rv_out o = {.text = "", .len = 0};
    unsigned len = insn_length(insn);
    const struct rv_opcode *op;

    if (len == 2) {
        insn &= 0xffff;
        op = find_opcode(rv_opcodes16, sizeof(rv_opcodes16) / sizeof(rv_opcodes16[0]), insn);
        /* 0b11111 prefixes go through here too; no 16-bit entry matches them. */
    } else {
        op = find_opcode(rv_opcodes32, sizeof(rv_opcodes32) / sizeof(rv_opcodes32[0]), insn);
    }
    if (!op || !print_insn(&o, op, insn, pc)) {
        o.len = 0;
        out_printf(&o, ".%ubyte\t0x%" PRIx32, len, insn);
    }
    if (buflen > 0) {
        snprintf(buf, buflen, "%s", o.text);
    }
    return len;
}
