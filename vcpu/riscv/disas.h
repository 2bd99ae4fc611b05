/* RISC-V RV64GC disassembler for -d in_asm: one instruction to text, in objdump's syntax. */
#ifndef KESTREL_VCPU_RISCV_DISAS_H
#define KESTREL_VCPU_RISCV_DISAS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Disassembles one instruction at pc. insn holds at least the low 16 bits; when those say the
 * instruction is compressed, the upper 16 bits are never looked at. Returns the instruction
 * length, 2 or 4. buf receives the NUL-terminated text, truncated to buflen - 1 characters
 * (nothing is written when buflen is 0).
 *
 * The text is what `riscv64-linux-gnu-objdump -D -b binary -m riscv:rv64 -M no-aliases`
 * (binutils 2.40) prints: the canonical mnemonic (never a pseudo-instruction; compressed
 * instructions keep their c. prefix), a tab, then operands with ABI register names, e.g.
 * "addi\ta0,sp,16", "c.ld\ts0,8(a1)", "beq\ta0,a1,0x80000010", "csrrs\ta0,mstatus,zero".
 * Branch and jump targets are absolute (pc + offset, in hex). Encodings that are not
 * RV64GC instructions print as ".2byte\t0x..." or ".4byte\t0x...". Encodings longer than
 * 32 bits (low bits 11111) are not part of RV64GC: they print as ".2byte" of their first
 * parcel and return 2.
 *
 * Differences from objdump, on purpose: no "# 0x..." comments (objdump tracks lui/auipc
 * results across instructions; this is one instruction at a time); an empty FENCE set is
 * "0" (objdump: "unknown"); reserved rounding modes 5/6 and the withdrawn uret, hret and
 * sfence.vm are unknown encodings; fcvt.d.s/fcvt.d.w/fcvt.d.wu print a rounding mode other
 * than rne (objdump 2.40 does not decode them at all).
 */
unsigned riscv_disas(uint32_t insn, uint64_t pc, char *buf, size_t buflen);

#endif
