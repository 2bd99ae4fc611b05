#!/usr/bin/env python3
"""Regenerates vectors.inc, the (pc, encoding, expected text) table of test_disas.c.

Needs the Debian cross binutils (riscv64-linux-gnu-as/ld/objcopy/objdump); the unit test does
not. Two sources of vectors, both disassembled by
`objdump -D -b binary -m riscv:rv64 -M no-aliases`, the syntax riscv_disas() prints:

  * an assembly file exercising every RV64GC instruction with many operand forms, assembled
    with -march=rv64gc and linked at 0x80000000;
  * raw encodings at the top of the address space (so targets wrap): a deterministic sample
    of the 16-bit space, random 32-bit words per major opcode, and sweeps of the fields that
    select instructions (FENCE sets, SYSTEM, rounding modes).

Encodings where riscv_disas() deliberately differs from objdump 2.40 are left out here and
tested by hand in test_disas.c (see DEVIATIONS below).

Usage: tests/unit/disas/gen_vectors.py > tests/unit/disas/vectors.inc
"""
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

CROSS = 'riscv64-linux-gnu-'
ASM_BASE = 0x80000000
RAW_BASE = 0xffffffffffff0000

GPR = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3',
       'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11',
       't3', 't4', 't5', 't6']
FPR = ['ft%d' % i for i in range(8)] + ['fs0', 'fs1'] + ['fa%d' % i for i in range(8)] + \
      ['fs%d' % i for i in range(2, 12)] + ['ft%d' % i for i in range(8, 12)]
CGPR = GPR[8:16]
CFPR = FPR[8:16]
RMS = ['', 'rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn']
NAMED_CSRS = set()  # the CSR numbers objdump has a name for; filled in by main()


def reg_triples(regs):
    """Every register in every position, plus a few fixed mixes."""
    n = len(regs)
    out = [(regs[i], regs[(i + 7) % n], regs[(i + 13) % n]) for i in range(n)]
    return out[:: max(1, n // 8)] + [(regs[0], regs[0], regs[0]), (regs[-1], regs[-1], regs[-1])]


def rv64i():
    out = []
    for imm in (0, 1, 0x12345, 0x7ffff, 0x80000, 0xfffff):
        out += ['lui %s,0x%x' % (r, imm) for r in ('a0', 'zero', 't6')]
        out += ['auipc %s,0x%x' % (r, imm) for r in ('a0', 'zero', 't6')]
    for off in (-1048576, -2, 0, 2, 2048, 1048574):
        out += ['jal %s,.%+d' % (r, off) for r in ('ra', 'zero', 't0')]
    for imm in (-2048, -1, 0, 1, 2047):
        out += ['jalr %s,%d(%s)' % (d, imm, s) for d, s in (('ra', 'a0'), ('zero', 'ra'),
                                                            ('t6', 'zero'))]
    for op in ('beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'):
        for off in (-4096, -2, 0, 2, 4094):
            out += ['%s %s,%s,.%+d' % (op, a, b, off) for a, b, _ in reg_triples(GPR)[:3]]
    for op in ('lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'):
        for off in (-2048, -8, 0, 8, 2047):
            out += ['%s %s,%d(%s)' % (op, d, off, s) for d, s, _ in reg_triples(GPR)[:3]]
    for op in ('sb', 'sh', 'sw', 'sd'):
        for off in (-2048, -8, 0, 8, 2047):
            out += ['%s %s,%d(%s)' % (op, d, off, s) for d, s, _ in reg_triples(GPR)[:3]]
    for op in ('addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'):
        for imm in (-2048, -1, 0, 1, 42, 2047):
            out += ['%s %s,%s,%d' % (op, d, s, imm) for d, s, _ in reg_triples(GPR)[:2]]
    for op, top in (('slli', 63), ('srli', 63), ('srai', 63),
                    ('slliw', 31), ('srliw', 31), ('sraiw', 31)):
        for sh in sorted({0, 1, 13, 31, top}):
            out += ['%s %s,%s,%d' % (op, d, s, sh) for d, s, _ in reg_triples(GPR)[:2]]
    for op in ('add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
               'addw', 'subw', 'sllw', 'srlw', 'sraw'):
        out += ['%s %s,%s,%s' % (op, *t) for t in reg_triples(GPR)]
    for pred, succ in (('iorw', 'iorw'), ('rw', 'rw'), ('r', 'r'), ('w', 'w'), ('r', 'w'),
                       ('i', 'o'), ('io', 'rw'), ('o', 'i'), ('ir', 'ow')):
        out.append('fence %s,%s' % (pred, succ))
    out += ['fence', 'fence.tso', 'fence.i']
    return out


def system():
    out = ['ecall', 'ebreak', 'sret', 'mret', 'wfi', 'sfence.vma', 'sfence.vma a0',
           'sfence.vma a0,a1', 'sfence.vma zero,t6', 'sfence.vma t6,zero']
    for op in ('csrrw', 'csrrs', 'csrrc'):
        for csr in (0x001, 0x300, 0xc00, 0x7c0, 0xfff):
            out += ['%s %s,0x%x,%s' % (op, d, csr, s) for d, s, _ in reg_triples(GPR)[:3]]
    for op in ('csrrwi', 'csrrsi', 'csrrci'):
        for csr in (0x003, 0x180, 0x000):
            out += ['%s %s,0x%x,%d' % (op, d, csr, imm) for d in ('a0', 'zero')
                    for imm in (0, 1, 31)]
    # Every CSR number objdump names, and unnamed neighbours.
    for csr in range(4096):
        if csr in NAMED_CSRS or csr % 97 == 0:
            out.append('csrrs a0,0x%x,zero' % csr)
    return out


def rv64m():
    out = []
    for op in ('mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu',
               'mulw', 'divw', 'divuw', 'remw', 'remuw'):
        out += ['%s %s,%s,%s' % (op, *t) for t in reg_triples(GPR)]
    return out


def rv64a():
    out = []
    for sz in ('w', 'd'):
        for order in ('', '.aq', '.rl', '.aqrl'):
            for d, s, t in reg_triples(GPR)[:3]:
                out.append('lr.%s%s %s,(%s)' % (sz, order, d, s))
                for op in ('sc', 'amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin',
                           'amomax', 'amominu', 'amomaxu'):
                    out.append('%s.%s%s %s,%s,(%s)' % (op, sz, order, d, t, s))
    return out


def with_rm(op, operands):
    return ['%s %s%s' % (op, operands, ',' + rm if rm else '') for rm in RMS]


def rv64fd():
    out = []
    for sz, w in (('s', 'w'), ('d', 'd')):
        for off in (-2048, -8, 0, 8, 2047):
            out += ['fl%s %s,%d(%s)' % (w, f, off, g) for f, g in zip(FPR[::9], GPR[::9])]
            out += ['fs%s %s,%d(%s)' % (w, f, off, g) for f, g in zip(FPR[::9], GPR[::9])]
        for op in ('fmadd', 'fmsub', 'fnmsub', 'fnmadd'):
            for a, b, c in reg_triples(FPR)[:4]:
                r4 = FPR[31 - FPR.index(a)]
                out += with_rm('%s.%s' % (op, sz), '%s,%s,%s,%s' % (a, b, c, r4))
        for op in ('fadd', 'fsub', 'fmul', 'fdiv'):
            for t in reg_triples(FPR)[:3]:
                out += with_rm('%s.%s' % (op, sz), '%s,%s,%s' % t)
        for a, b, _ in reg_triples(FPR)[:3]:
            out += with_rm('fsqrt.%s' % sz, '%s,%s' % (a, b))
        for op in ('fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax'):
            out += ['%s.%s %s,%s,%s' % (op, sz, *t) for t in reg_triples(FPR)]
        for op in ('feq', 'flt', 'fle'):
            out += ['%s.%s %s,%s,%s' % (op, sz, g, a, b)
                    for g, (a, b, _) in zip(GPR[::3], reg_triples(FPR))]
        for it in ('w', 'wu', 'l', 'lu'):
            for g, f in zip(GPR[::11], FPR[::11]):
                out += with_rm('fcvt.%s.%s' % (it, sz), '%s,%s' % (g, f))
                if sz == 'd' and it in ('w', 'wu'):
                    out.append('fcvt.d.%s %s,%s' % (it, f, g))  # exact: no rounding mode
                else:
                    out += with_rm('fcvt.%s.%s' % (sz, it), '%s,%s' % (f, g))
        for g, f in zip(GPR[::5], FPR[::5]):
            out.append('fclass.%s %s,%s' % (sz, g, f))
            out.append('fmv.x.%s %s,%s' % (w, g, f))
            out.append('fmv.%s.x %s,%s' % (w, f, g))
    for a, b, _ in reg_triples(FPR)[:4]:
        out += with_rm('fcvt.s.d', '%s,%s' % (a, b))
        out.append('fcvt.d.s %s,%s' % (a, b))
    return out


def rv64c():
    out = ['c.unimp', 'c.nop', 'c.ebreak']
    for d in CGPR:
        out += ['c.addi4spn %s,sp,%d' % (d, imm) for imm in (4, 16, 1020)]
    for op, regs, offs in (('c.lw', CGPR, (0, 4, 124)), ('c.sw', CGPR, (0, 4, 124)),
                           ('c.ld', CGPR, (0, 8, 248)), ('c.sd', CGPR, (0, 8, 248)),
                           ('c.fld', CFPR, (0, 8, 248)), ('c.fsd', CFPR, (0, 8, 248))):
        out += ['%s %s,%d(%s)' % (op, r, off, CGPR[(i + 3) % 8])
                for i, r in enumerate(regs) for off in offs]
    for op, regs, offs in (('c.lwsp', GPR[1:], (0, 4, 252)), ('c.swsp', GPR, (0, 4, 252)),
                           ('c.ldsp', GPR[1:], (0, 8, 504)), ('c.sdsp', GPR, (0, 8, 504)),
                           ('c.fldsp', FPR, (0, 8, 504)), ('c.fsdsp', FPR, (0, 8, 504))):
        out += ['%s %s,%d(sp)' % (op, r, offs[i % 3]) for i, r in enumerate(regs)]
    for d in GPR[1:]:
        out += ['c.addi %s,%d' % (d, imm) for imm in (-32, -1, 1, 31)]
        out += ['c.addiw %s,%d' % (d, imm) for imm in (-32, 0, 31)]
        out += ['c.li %s,%d' % (d, imm) for imm in (-32, 0, 31)]
        out += ['c.slli %s,%d' % (d, sh) for sh in (1, 31, 32, 63)]
        out += ['c.jr %s' % d, 'c.jalr %s' % d]
        out += ['c.mv %s,%s' % (d, GPR[(i * 5 + 1) % 31 + 1]) for i in range(2)]
        out += ['c.add %s,%s' % (d, GPR[(i * 7 + 3) % 31 + 1]) for i in range(2)]
        if d != 'sp':
            out += ['c.lui %s,0x%x' % (d, imm) for imm in (1, 0x1f, 0xfffe0, 0xfffff)]
    out += ['c.addi16sp sp,%d' % imm for imm in (-512, -16, 16, 496)]
    for i, d in enumerate(CGPR):
        out += ['c.srli %s,%d' % (d, sh) for sh in (1, 31, 32, 63)]
        out += ['c.srai %s,%d' % (d, sh) for sh in (1, 31, 32, 63)]
        out += ['c.andi %s,%d' % (d, imm) for imm in (-32, -1, 0, 31)]
        for op in ('c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw'):
            out += ['%s %s,%s' % (op, d, CGPR[(i + k) % 8]) for k in (0, 3)]
        out += ['c.beqz %s,.%+d' % (d, off) for off in (-256, -2, 0, 254)]
        out += ['c.bnez %s,.%+d' % (d, off) for off in (-256, -2, 0, 254)]
    out += ['c.j .%+d' % off for off in (-2048, -2, 0, 2, 2046)]
    return out


def asm_source():
    lines = ['.option norvc'] + rv64i() + system() + rv64m() + rv64a() + rv64fd()
    lines += ['.option rvc'] + rv64c()
    return '\n'.join(lines) + '\n'


def raw_words():
    rnd = random.Random(20240611)
    words = []
    # 1 in 24 of the 16-bit space, plus every HINT/reserved corner named in the spec.
    for v in range(0x10000):
        if v & 3 != 3 and (rnd.random() < 1 / 24 or v in C_CORNERS):
            words.append((v, 2))
    for op in range(32):
        if op & 7 == 7:
            continue
        for _ in range(24):
            words.append((rnd.getrandbits(25) << 7 | op << 2 | 3, 4))
        for f3 in range(8):
            for f7 in (0x00, 0x01, 0x20, 0x21) + tuple(rnd.sample(range(128), 2)):
                r = rnd.getrandbits(32) & 0x01ff8f80
                words.append((f7 << 25 | r | f3 << 12 | op << 2 | 3, 4))
    for fm in (0, 1, 8):
        for p in range(1, 16):
            words += [(fm << 28 | p << 24 | s << 20 | 0x0f, 4) for s in range(1, 16, 3)]
    words += [(v, 4) for v in (0x0000100f, 0x0010100f, 0x0000108f, 0x0000900f, 0x8330008f,
                               0x00000073 | 1 << 7, 0x00100073 | 1 << 15, 0x30200073 | 1 << 20,
                               0x7b200073, 0x10500073 | 1 << 12, 0x12000073 | 1 << 7)]
    for f12 in range(0, 4096, 11):
        words.append((f12 << 20 | 0x73, 4))
    for f7 in (0x2c, 0x2d, 0x20, 0x21, 0x60, 0x61, 0x68, 0x69, 0x70, 0x71, 0x78, 0x79):
        for rs2 in range(4):
            for rm in range(8):
                words.append((f7 << 25 | rs2 << 20 | 11 << 15 | rm << 12 | 10 << 7 | 0x53, 4))
    return words


# c.addi4spn 0, c.lui/c.addi16sp 0, c.addi/c.li/c.slli/c.mv/c.add with rd or rs2 x0,
# zero shifts, c.jr/c.jalr x0, c.lwsp/c.ldsp x0, Q0 funct3 100, shifts with bit 12 set.
C_CORNERS = {0x0000, 0x0004, 0x0020, 0x6001, 0x6101, 0x6081, 0x6105, 0x0001, 0x0005, 0x0501,
             0x4001, 0x4005, 0x0002, 0x0006, 0x1002, 0x8002, 0x8006, 0x9002, 0x9006, 0x8502,
             0x9502, 0x4002, 0x6002, 0x8001, 0x8401, 0x9001, 0x9401, 0x8000, 0x9000, 0x2001,
             0x2005, 0x8c01, 0x9c41, 0x9c61, 0xa001, 0xc001, 0xe001, 0xffff & ~3}


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def disassemble(binary, base, lengths):
    """objdump's text for each instruction, in order, with its pc."""
    out = run(CROSS + 'objdump', '-D', '-z', '-b', 'binary', '-m', 'riscv:rv64',
              '-M', 'no-aliases', '--adjust-vma=0x%x' % base, binary)
    res, pc = [], base
    rows = [m for m in (re.match(r'^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$', l)
                        for l in out.splitlines()) if m]
    for m, (val, length) in zip(rows, lengths):
        assert int(m.group(2).replace(' ', ''), 16) == val, m.group(0)
        # objdump tracks lui/auipc across instructions and comments on the result; a
        # one-instruction disassembler cannot, so the comment is not part of the text.
        res.append((pc, val, length, re.sub(r'\s+#.*$', '', m.group(3))))
        pc = (pc + length) & (2**64 - 1)
    assert len(res) == len(lengths) == len(rows), (len(res), len(lengths), len(rows))
    return res


def asm_vectors(tmp):
    src, obj, elf, binary = (os.path.join(tmp, n) for n in ('a.s', 'a.o', 'a.elf', 'a.bin'))
    with open(src, 'w') as f:
        f.write(asm_source())
    run(CROSS + 'as', '-march=rv64gc', '-mno-relax', src, '-o', obj)
    run(CROSS + 'ld', '-Ttext=0x%x' % ASM_BASE, '-e', '0', obj, '-o', elf)
    run(CROSS + 'objcopy', '-O', 'binary', '-j', '.text', elf, binary)
    data = open(binary, 'rb').read()
    lengths, i = [], 0
    while i < len(data):
        half = struct.unpack_from('<H', data, i)[0]
        n = 4 if half & 3 == 3 else 2
        lengths.append((int.from_bytes(data[i:i + n], 'little'), n))
        i += n
    return disassemble(binary, ASM_BASE, lengths)


def raw_vectors(tmp):
    words = raw_words()
    binary = os.path.join(tmp, 'r.bin')
    with open(binary, 'wb') as f:
        f.write(b''.join(struct.pack('<H' if n == 2 else '<I', v) for v, n in words))
    return disassemble(binary, RAW_BASE, words)


# Where riscv_disas() differs from objdump 2.40 on purpose (test_disas.c checks these):
# reserved rounding modes and empty FENCE sets ("unknown"), the withdrawn uret, hret and
# sfence.vm, and fcvt.d.s/fcvt.d.w/fcvt.d.wu with a rounding mode other than rne.
def is_deviation(val, length, text):
    if 'unknown' in text or text in ('uret', 'hret') or text.startswith('sfence.vm\t'):
        return True
    exact = (val & 0xfff0007f) in (0x42000053, 0xd2000053, 0xd2100053)
    return length == 4 and exact and (val >> 12) & 7 != 0


def c_string(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"').replace('\t', '\\t') + '"'


def main():
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, 'csr.bin')
        with open(probe, 'wb') as f:
            f.write(b''.join(struct.pack('<I', c << 20 | 2 << 12 | 10 << 7 | 0x73)
                             for c in range(4096)))
        for pc, val, _, text in disassemble(probe, 0, [(c << 20 | 0x2573, 4)
                                                         for c in range(4096)]):
            if not text.split(',')[1].startswith('0x'):
                NAMED_CSRS.add(val >> 20)
        vectors = asm_vectors(tmp) + raw_vectors(tmp)
    kept = [v for v in vectors if not is_deviation(v[1], v[2], v[3])]
    print('/* Generated by gen_vectors.py from binutils %s; do not edit. */'
          % run(CROSS + 'objdump', '--version').split('\n')[0].split()[-1])
    print('/* %d vectors: pc, encoding, length, objdump -M no-aliases text. */' % len(kept))
    for pc, val, length, text in kept:
        print('{0x%xull, 0x%0*x, %d, %s},' % (pc, length * 2, val, length, c_string(text)))
    print('%d vectors (%d deviations left out)' % (len(kept), len(vectors) - len(kept)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
