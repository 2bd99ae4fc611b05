#!/usr/bin/env python3
"""Regenerates vectors.inc, the (encoder call, GNU as text, bytes) table of test_x86_asm.c.

Needs the host binutils (as, nm, objcopy); the unit test does not. Each case below pairs a
call on the encoder in accel/tcg/x86_64_asm.h, written as C that test_x86_asm.c compiles
into a function of `struct x86_asm *a`, with the Intel-syntax text GNU as must assemble to
the very same bytes. Where gas could pick another valid form, the text selects the encoder's
one with a pseudo-prefix ({load} for the 0x8b/0x03-style reg,r/m opcodes, {disp8} and
{disp32} for displacement sizes); nothing is relaxed or masked.

All cases go into one assembly file, each behind a label `case_N`, assembled with
`as --64 -msyntax=intel -mnaked-reg`; nm gives the labels' offsets and `objcopy -O binary`
the bytes, which are cut at the labels into one expected encoding per case. A warning from
as (a truncated immediate, say) is an error here.

Branch targets are written relative to the start of the buffer the case is emitted into
(a->buf, with room on both sides), so `x86_jmp32(a, a->buf + 0x105)` is `jmp .+0x105`.

Not here, because gas cannot spell them: the encoder's ModRM form of ALU/TEST with an imm32
on rax (gas always takes the short accumulator opcodes 0x05.../0xa9, and 2.40 has no .insn);
test_x86_asm.c checks those by hand.

Usage: tests/unit/tcg_asm/gen_vectors.py > tests/unit/tcg_asm/vectors.inc
"""
import os
import re
import subprocess
import sys
import tempfile

AS = ['as', '--64', '-msyntax=intel', '-mnaked-reg']

R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
       'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15']
R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] + \
      ['r%dd' % i for i in range(8, 16)]
R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] + ['r%dw' % i for i in range(8, 16)]
R8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'] + ['r%db' % i for i in range(8, 16)]
RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8_, R9, R10, R11, R12, R13, R14, R15 = range(16)
ALL_REGS = list(range(16))

INT32_MIN, INT32_MAX = -0x80000000, 0x7fffffff
CONDS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g']
CC_B, CC_NE = 2, 5
ALU_OPS = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp']
SHIFT_OPS = {'rol': 0, 'ror': 1, 'shl': 4, 'shr': 5, 'sar': 7}
UNARY_OPS = ['not', 'neg', 'mul', 'imul', 'div', 'idiv']
BITCOUNT_OPS = {'lzcnt': 0xbd, 'tzcnt': 0xbc, 'popcnt': 0xb8}
SSE_OPS = {0x58: 'add', 0x59: 'mul', 0x5c: 'sub', 0x5e: 'div', 0x51: 'sqrt', 0x5d: 'min',
           0x5f: 'max'}
PTR = {1: 'byte ptr', 2: 'word ptr', 4: 'dword ptr', 8: 'qword ptr'}

# Register pairs: every register once as each operand, low and high mixed, plus a few same.
PAIRS = [(i, (i * 5 + 3) % 16) for i in range(16)] + [(RAX, RAX), (RSP, RSP), (R12, R12),
                                                      (R15, R15)]
FEW_PAIRS = [(RAX, RCX), (R8_, RDX), (RSI, R15), (R12, R13), (RSP, RBP), (RDI, RDI)]
FEW_REGS = [RAX, RCX, RSP, RBP, RSI, RDI, R8_, R12, R13, R15]
IMM32 = [0, 1, -1, 127, 128, -128, -129, 0x7fff, 0x12345678, INT32_MAX, INT32_MIN]
DISPS = [0, 1, -1, 127, 128, -128, -129, 0x12345, INT32_MAX, INT32_MIN]

# Memory operands (base, index, scale, disp), None for no register: rsp/r12 bases need a SIB,
# rbp/r13 bases a displacement, r8-r15 set REX.B/REX.X, no base means an absolute disp32.
MEM_SAMPLE = [
    (RAX, None, 0, 0), (RCX, None, 0, 8), (RSP, None, 0, 0), (RSP, None, 0, 16),
    (R12, None, 0, 0), (R12, None, 0, -8), (RBP, None, 0, 0), (RBP, None, 0, -128),
    (R13, None, 0, 0), (R13, None, 0, 128), (R15, None, 0, INT32_MAX),
    (RBX, None, 0, INT32_MIN), (RDX, RSI, 0, 0), (RBX, R8_, 1, 1), (RSP, R15, 2, -129),
    (R12, R12, 3, 0x12345678), (RBP, RAX, 3, 0), (R13, R9, 0, -1), (R11, RDI, 2, 127),
    (R14, RBP, 1, -0x1000), (None, None, 0, 0x1000), (None, RCX, 2, 0x40), (None, R10, 3, -8),
]


def full_mems():
    """Every base with every displacement class, every index with every scale."""
    out = [(b, None, 0, d) for b in ALL_REGS for d in DISPS]
    bases = [RAX, RBP, R13, RSP, R12, R15, RDI, R8_]
    disps = [0, 8, -129, 0x10000]
    index_regs = [r for r in ALL_REGS if r != RSP]  # rsp cannot be an index
    for i, idx in enumerate(index_regs):
        for scale in range(4):
            out.append((bases[(i + scale) % len(bases)], idx, scale, disps[(i + scale) % 4]))
    out += [(None, idx, scale, d) for idx, scale, d in
            ((RAX, 0, 0), (R8_, 1, 4), (R15, 2, -4), (R12, 3, INT32_MAX), (RBP, 0, -1))]
    out += [(None, None, 0, d) for d in (0, -8, INT32_MAX, INT32_MIN)]
    return out


# ---- C and gas spellings ----

def c_reg(r):
    return 'X86_NO_REG' if r is None else R64[r].upper()


def c_xmm(x):
    return 'XMM%d' % x if x < 8 else str(x)


def c_bool(b):
    return 'true' if b else 'false'


def c_int(v):
    return {INT32_MIN: 'INT32_MIN', INT32_MAX: 'INT32_MAX'}.get(v, str(v))


def c_mem(m):
    base, index, scale, disp = m
    if index is None and base is not None:
        return 'x86_mem_base(%s, %s)' % (c_reg(base), c_int(disp))
    if scale == 0 and base is not None:
        return 'x86_mem_index(%s, %s, %s)' % (c_reg(base), c_reg(index), c_int(disp))
    return 'mem_sib(%s, %s, %d, %s)' % (c_reg(base), c_reg(index), scale, c_int(disp))


def gas_mem(m, size=None):
    base, index, scale, disp = m
    parts = []
    if base is not None:
        parts.append(R64[base])
    if index is not None:
        parts.append('%s*%d' % (R64[index], 1 << scale))
    text = '+'.join(parts)
    if disp or not parts:
        text += ('%+d' % disp) if parts else '%d' % disp
    return ('%s [%s]' % (PTR[size], text)) if size else '[%s]' % text


def reg(r, w):
    return R64[r] if w else R32[r]


def target(off):
    """A branch target off bytes from the start of the case: C expression, gas expression."""
    if off == 0:
        return 'a->buf', '.'
    return 'a->buf %s 0x%x' % ('+' if off > 0 else '-', abs(off)), '.%+d' % off


# ---- the cases: lists of (C call, gas text) ----

def moves():
    out = []
    for w in (True, False):
        out += [('x86_mov_rr(a, %s, %s, %s)' % (c_bool(w), c_reg(d), c_reg(s)),
                 '{load} mov %s, %s' % (reg(d, w), reg(s, w))) for d, s in PAIRS]
    imms = [0, 1, 0x7f, 0x80, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
            0x7fffffffffffffff, 0x8000000000000000, 0xffffffff80000000, 0xffffffff7fffffff,
            0xffffffffffffffff, 0xffffffffffffff80, 0x123456789abcdef0]
    for i, imm in enumerate(imms):
        for r in ALL_REGS if i % 3 == 0 else FEW_REGS:
            out.append(('x86_mov_ri(a, %s, UINT64_C(0x%x))' % (c_reg(r), imm),
                        mov_ri_text(r, imm)))
    return out


def mov_ri_text(r, imm):
    """The smallest form: xor, mov r32 (zero-extends), mov r/m64 imm32 (sign-extends), movabs."""
    signed = imm - (1 << 64) if imm >= 1 << 63 else imm
    if imm == 0:
        return '{load} xor %s, %s' % (R32[r], R32[r])
    if imm <= 0xffffffff:
        return 'mov %s, 0x%x' % (R32[r], imm)
    if INT32_MIN <= signed <= INT32_MAX:
        return 'mov %s, %d' % (R64[r], signed)
    return 'movabs %s, 0x%x' % (R64[r], imm)


LOAD_FORMS = [  # size, sign, gas mnemonic, destination width is 64 bits
    (1, False, 'movzx', False), (1, True, 'movsx', True), (2, False, 'movzx', False),
    (2, True, 'movsx', True), (4, False, 'mov', False), (4, True, 'movsxd', True),
    (8, False, 'mov', True), (8, True, 'mov', True)]


def load_case(d, m, size, sign, mnemonic, w):
    return ('x86_load(a, %s, %s, %d, %s)' % (c_reg(d), c_mem(m), size, c_bool(sign)),
            '%s %s, %s' % (mnemonic, reg(d, w), gas_mem(m, size)))


def loads():
    out = [load_case((i * 7) % 16, m, 8, False, 'mov', True)
           for i, m in enumerate(full_mems())]
    for size, sign, mnemonic, w in LOAD_FORMS:
        out += [load_case((i * 5 + size) % 16, m, size, sign, mnemonic, w)
                for i, m in enumerate(MEM_SAMPLE)]
    return out


def store_regs(size):
    return {1: R8, 2: R16, 4: R32, 8: R64}[size]


def stores():
    out = []
    for i, m in enumerate(full_mems()):
        s = (i * 3) % 16
        out.append(('x86_store(a, %s, %s, 8)' % (c_mem(m), c_reg(s)),
                    'mov %s, %s' % (gas_mem(m, 8), R64[s])))
    mems = MEM_SAMPLE + MEM_SAMPLE[:16 - len(MEM_SAMPLE) % 16]  # a multiple of 16 long
    for size in (1, 2, 4, 8):
        for i, m in enumerate(mems):
            s = i % 16  # every source, so byte stores meet spl, bpl, sil, dil and r8b-r15b
            out.append(('x86_store(a, %s, %s, %d)' % (c_mem(m), c_reg(s), size),
                        'mov %s, %s' % (gas_mem(m, size), store_regs(size)[s])))
    return out


STORE_IMMS = {1: [0, 1, 127, -128, -1, 255], 2: [0, 1, -1, 0x1234, 0x7fff, -32768, 0xffff],
              4: IMM32, 8: IMM32}


def store_imms():
    out = []
    for size, imms in STORE_IMMS.items():
        for i, imm in enumerate(imms):
            for m in MEM_SAMPLE[i % 3::3]:
                out.append(('x86_store_imm(a, %s, %s, %d)' % (c_mem(m), c_int(imm), size),
                            'mov %s, %d' % (gas_mem(m, size), imm)))
    return out


def leas():
    out = []
    for i, m in enumerate(full_mems()):
        d = (i * 11) % 16
        out.append(('x86_lea(a, true, %s, %s)' % (c_reg(d), c_mem(m)),
                    'lea %s, %s' % (R64[d], gas_mem(m))))
    out += [('x86_lea(a, false, %s, %s)' % (c_reg(i % 16), c_mem(m)),
             'lea %s, %s' % (R32[i % 16], gas_mem(m))) for i, m in enumerate(MEM_SAMPLE)]
    return out


def alu():
    out = []
    for op, name in enumerate(ALU_OPS):
        c_op = 'ALU_' + name.upper()
        for w in (True, False):
            out += [('x86_alu_rr(a, %s, %s, %s, %s)' % (c_op, c_bool(w), c_reg(d), c_reg(s)),
                     '{load} %s %s, %s' % (name, reg(d, w), reg(s, w))) for d, s in FEW_PAIRS]
            out += alu_ri(c_op, name, w, op)
            out += [('x86_alu_rm(a, %s, %s, %s, %s)' % (c_op, c_bool(w), c_reg(i % 16),
                                                      c_mem(m)),
                     '%s %s, %s' % (name, reg(i % 16, w), gas_mem(m, 8 if w else 4)))
                    for i, m in enumerate(MEM_SAMPLE[op % 2::2])]
        out += alu_mi(c_op, name, op)
    return out


def alu_ri(c_op, name, w, op):
    out = []
    for i, imm in enumerate(IMM32):
        for r in (RAX, R13, (op * 3 + i) % 16, (op * 3 + i + 8) % 16):
            if r == RAX and not -128 <= imm <= 127:
                continue  # gas takes the accumulator form; see the docstring
            out.append(('x86_alu_ri(a, %s, %s, %s, %s)' % (c_op, c_bool(w), c_reg(r),
                                                           c_int(imm)),
                        '%s %s, %d' % (name, reg(r, w), imm)))
    return out


ALU_MI_FORMS = [  # w, size, immediates
    (False, 1, [0, 1, 127, -128, -1, 255]),
    (False, 2, [1, -1, 127, 128, -128, -129, 0x7fff, -32768]),
    (False, 4, IMM32),
    (True, 8, IMM32)]


def alu_mi(c_op, name, op):
    out = []
    for w, size, imms in ALU_MI_FORMS:
        for i, imm in enumerate(imms):
            m = MEM_SAMPLE[(op * 5 + i * 3 + size) % len(MEM_SAMPLE)]
            out.append(('x86_alu_mi(a, %s, %s, %s, %s, %d)' % (c_op, c_bool(w), c_mem(m),
                                                               c_int(imm), size),
                        '%s %s, %d' % (name, gas_mem(m, size), imm)))
    return out


def tests_and_shifts():
    out = []
    for w in (True, False):
        out += [('x86_test_rr(a, %s, %s, %s)' % (c_bool(w), c_reg(d), c_reg(s)),
                 'test %s, %s' % (reg(d, w), reg(s, w))) for d, s in PAIRS]
        out += [('x86_test_ri(a, %s, %s, %s)' % (c_bool(w), c_reg(r), c_int(imm)),
                 'test %s, %d' % (reg(r, w), imm))
                for i, imm in enumerate(IMM32) for r in ALL_REGS[1 + i % 3::3]]
        for name, op in SHIFT_OPS.items():
            c_op = 'SHIFT_' + name.upper()
            counts = (1, 2, 32, 63) if w else (0, 1, 7, 31)
            out += [('x86_shift_ri(a, %s, %s, %s, %d)' % (c_op, c_bool(w), c_reg(r), n),
                     '%s %s, %d' % (name, reg(r, w), n))
                    for i, r in enumerate(FEW_REGS) for n in counts[i % 2::2]]
            out += [('x86_shift_rcl(a, %s, %s, %s)' % (c_op, c_bool(w), c_reg(r)),
                     '%s %s, cl' % (name, reg(r, w))) for r in FEW_REGS]
    return out


def multiplies():
    out = []
    for w in (True, False):
        for name in UNARY_OPS:
            out += [('x86_unary(a, UNARY_%s, %s, %s)' % (name.upper(), c_bool(w), c_reg(r)),
                     '%s %s' % (name, reg(r, w))) for r in ALL_REGS]
        out += [('x86_imul_rr(a, %s, %s, %s)' % (c_bool(w), c_reg(d), c_reg(s)),
                 'imul %s, %s' % (reg(d, w), reg(s, w))) for d, s in PAIRS]
        out += [('x86_imul_rri(a, %s, %s, %s, %s)' % (c_bool(w), c_reg(d), c_reg(s), c_int(imm)),
                 'imul %s, %s, %d' % (reg(d, w), reg(s, w), imm))
                for imm in IMM32 for d, s in FEW_PAIRS[:3]]
        out.append(('x86_cqo(a, %s)' % c_bool(w), 'cqo' if w else 'cdq'))
    return out


def extensions():
    out = []
    for d, s in PAIRS + [(RAX, r) for r in (RSP, RBP, RSI, RDI)]:
        out += [('x86_movsx(a, %s, %s, 1)' % (c_reg(d), c_reg(s)),
                 'movsx %s, %s' % (R64[d], R8[s])),
                ('x86_movsx(a, %s, %s, 2)' % (c_reg(d), c_reg(s)),
                 'movsx %s, %s' % (R64[d], R16[s])),
                ('x86_movsx(a, %s, %s, 4)' % (c_reg(d), c_reg(s)),
                 'movsxd %s, %s' % (R64[d], R32[s])),
                ('x86_movzx(a, %s, %s, 1)' % (c_reg(d), c_reg(s)),
                 'movzx %s, %s' % (R32[d], R8[s])),
                ('x86_movzx(a, %s, %s, 2)' % (c_reg(d), c_reg(s)),
                 'movzx %s, %s' % (R32[d], R16[s])),
                ('x86_movzx(a, %s, %s, 4)' % (c_reg(d), c_reg(s)),
                 '{load} mov %s, %s' % (R32[d], R32[s]))]
    return out


def conditions():
    out = []
    for cc, name in enumerate(CONDS):
        c_cc = 'CC_' + name.upper()
        out += [('x86_setcc(a, %s, %s)' % (c_cc, c_reg(r)), 'set%s %s' % (name, R8[r]))
                for r in (ALL_REGS if cc in (CC_NE, CC_B) else ALL_REGS[cc % 4::4])]
        for w in (True, False):
            out += [('x86_cmov(a, %s, %s, %s, %s)' % (c_cc, c_bool(w), c_reg(d), c_reg(s)),
                     'cmov%s %s, %s' % (name, reg(d, w), reg(s, w)))
                    for d, s in FEW_PAIRS[cc % 2::2]]
    return out


def bit_ops():
    out = []
    for w in (True, False):
        out += [('x86_bswap(a, %s, %s)' % (c_bool(w), c_reg(r)), 'bswap %s' % reg(r, w))
                for r in ALL_REGS]
        for name, opcode in BITCOUNT_OPS.items():
            out += [('x86_bitcount(a, 0x%x, %s, %s, %s)' % (opcode, c_bool(w), c_reg(d),
                                                          c_reg(s)),
                     '%s %s, %s' % (name, reg(d, w), reg(s, w))) for d, s in FEW_PAIRS]
    return out


NOPS = ['', 'nop', 'xchg ax, ax', 'nop dword ptr [rax]', '{disp8} nop dword ptr [rax]',
        '{disp8} nop dword ptr [rax+rax*1]', '{disp8} nop word ptr [rax+rax*1]',
        '{disp32} nop dword ptr [rax]', '{disp32} nop dword ptr [rax+rax*1]']


def nop_text(n):
    """The encoder pads with 8-byte NOPs and ends with one of the remainder's size."""
    return '; '.join([NOPS[8]] * (n // 8) + ([NOPS[n % 8]] if n % 8 else []))


JUMP_OFFSETS = [0, 5, 6, 0x85, 0x105, 0x1000, -1, -0x80, -0x1000]


def control():
    out = []
    for r in ALL_REGS:
        out += [('x86_push(a, %s)' % c_reg(r), 'push %s' % R64[r]),
                ('x86_pop(a, %s)' % c_reg(r), 'pop %s' % R64[r]),
                ('x86_call_r(a, %s)' % c_reg(r), 'call %s' % R64[r]),
                ('x86_jmp_r(a, %s)' % c_reg(r), 'jmp %s' % R64[r])]
    out += [('x86_jmp_m(a, %s)' % c_mem(m), 'jmp %s' % gas_mem(m, 8)) for m in MEM_SAMPLE]
    out += [('x86_ret(a)', 'ret'), ('x86_ud2(a)', 'ud2')]
    out += [('x86_nop(a, %d)' % n, nop_text(n)) for n in list(range(1, 10)) + [15, 16, 17]]
    for off in JUMP_OFFSETS:
        c_target, gas_target = target(off)
        out.append(('x86_call_abs(a, %s)' % c_target, 'call %s' % gas_target))
        out.append(('x86_jmp32(a, %s)' % c_target, '{disp32} jmp %s' % gas_target))
        out += [('x86_jcc32(a, CC_%s, %s)' % (name.upper(), c_target),
                 '{disp32} j%s %s' % (name, gas_target))
                for name in CONDS[JUMP_OFFSETS.index(off) % 4::4]]
    out.append(('x86_jmp32(a, NULL)', '{disp32} jmp .+5'))  # no target yet: falls through
    out += [('x86_jcc32(a, CC_%s, NULL)' % name.upper(), '{disp32} j%s .+6' % name)
            for name in CONDS]
    return out


XMM_PAIRS = [(0, 1), (7, 0), (3, 8), (8, 3), (15, 9), (12, 12), (5, 14)]
XMM_GPR = [(0, RAX), (1, R8_), (8, RCX), (15, R15), (7, RSP), (4, RBP), (10, R13)]


def sse():
    out = []
    for dbl in (True, False):
        sd = 'sd' if dbl else 'ss'
        for op, name in SSE_OPS.items():
            out += [('x86_sse_arith(a, 0x%x, %s, %s, %s)' % (op, c_bool(dbl), c_xmm(d),
                                                           c_xmm(s)),
                     '%s%s xmm%d, xmm%d' % (name, sd, d, s)) for d, s in XMM_PAIRS]
        out += [('x86_ucomis(a, %s, %s, %s)' % (c_bool(dbl), c_xmm(d), c_xmm(s)),
                 'ucomis%s xmm%d, xmm%d' % (sd[1], d, s)) for d, s in XMM_PAIRS]
        out += [('x86_cvt_f2f(a, %s, %s, %s)' % (c_bool(dbl), c_xmm(d), c_xmm(s)),
                 '%s xmm%d, xmm%d' % ('cvtsd2ss' if dbl else 'cvtss2sd', d, s))
                for d, s in XMM_PAIRS]
        out += [('x86_vfmadd231s(a, %s, %s, %s, %s)' % (c_bool(dbl), c_xmm(d), c_xmm(s1),
                                                       c_xmm(s2)),
                 'vfmadd231%s xmm%d, xmm%d, xmm%d' % (sd, d, s1, s2))
                for d, s1, s2 in ((0, 1, 2), (8, 9, 10), (15, 0, 7), (1, 15, 8), (7, 7, 7),
                                  (9, 3, 12), (4, 12, 15))]
        for w in (True, False):
            out += sse_gpr(dbl, sd, w)
    for w in (True, False):
        out += movq(w)
    out += [('x86_%s(a, %s)' % (op, c_mem(m)), '%s %s' % (op, gas_mem(m, 4)))
            for op in ('ldmxcsr', 'stmxcsr') for m in MEM_SAMPLE]
    return out


def movq(w):
    mov = 'movq' if w else 'movd'
    out = []
    for x, g in XMM_GPR:
        out += [('x86_movq_xr(a, %s, %s, %s)' % (c_bool(w), c_xmm(x), c_reg(g)),
                 '%s xmm%d, %s' % (mov, x, reg(g, w))),
                ('x86_movq_rx(a, %s, %s, %s)' % (c_bool(w), c_reg(g), c_xmm(x)),
                 '%s %s, xmm%d' % (mov, reg(g, w), x))]
    return out


def sse_gpr(dbl, sd, w):
    out = []
    for x, g in XMM_GPR:
        out += [('x86_cvtsi2s(a, %s, %s, %s, %s)' % (c_bool(dbl), c_bool(w), c_xmm(x), c_reg(g)),
                 'cvtsi2%s xmm%d, %s' % (sd, x, reg(g, w))),
                ('x86_cvtts2si(a, %s, %s, %s, %s)' % (c_bool(dbl), c_bool(w), c_reg(g),
                                                     c_xmm(x)),
                 'cvtt%s2si %s, xmm%d' % (sd, reg(g, w), x)),
                ('x86_cvts2si(a, %s, %s, %s, %s)' % (c_bool(dbl), c_bool(w), c_reg(g), c_xmm(x)),
                 'cvt%s2si %s, xmm%d' % (sd, reg(g, w), x))]
    return out


def all_cases():
    cases = (moves() + loads() + stores() + store_imms() + leas() + alu() + tests_and_shifts()
             + multiplies() + extensions() + conditions() + bit_ops() + control() + sse())
    return list(dict.fromkeys(cases))  # loops overlap at the edges; once is enough


# ---- assembling ----

def run(*args):
    res = subprocess.run(args, capture_output=True, text=True)
    if res.returncode != 0 or res.stderr.strip():
        sys.exit('gen_vectors.py: %s failed:\n%s' % (args[0], res.stderr))
    return res.stdout


def assemble(cases, tmp):
    """The bytes gas gives each case's text, cut at the case_N labels."""
    src, obj, binary = (os.path.join(tmp, n) for n in ('cases.s', 'cases.o', 'cases.bin'))
    with open(src, 'w') as f:
        for i, (_, text) in enumerate(cases):
            f.write('case_%d:\n\t%s\n' % (i, text))
        f.write('case_%d:\n' % len(cases))
    run(*AS, src, '-o', obj)
    run('objcopy', '-O', 'binary', '-j', '.text', obj, binary)
    with open(binary, 'rb') as f:
        code = f.read()
    offsets = {}
    for line in run('nm', '--defined-only', obj).splitlines():
        value, _, name = line.split()
        if re.fullmatch(r'case_\d+', name):
            offsets[int(name[5:])] = int(value, 16)
    return [code[offsets[i]:offsets[i + 1]] for i in range(len(cases))]


def c_string(s):
    return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')


def main():
    cases = all_cases()
    with tempfile.TemporaryDirectory() as tmp:
        encodings = assemble(cases, tmp)
    version = run(AS[0], '--version').split('\n')[0].split()[-1]
    print('/* Generated by gen_vectors.py from GNU as %s; do not edit. */' % version)
    print('/* %d cases: encoder call, Intel-syntax text, the bytes as gives it. */'
          % len(cases))
    for (call, text), code in zip(cases, encodings):
        if not code:
            sys.exit('gen_vectors.py: no bytes for %s' % text)
        print('CASE(%s, %s, {%s})' % (call, c_string(text),
                                      ', '.join('0x%02x' % b for b in code)))
    print('%d cases' % len(cases), file=sys.stderr)


if __name__ == '__main__':
    main()
