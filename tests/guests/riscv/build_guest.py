#!/usr/bin/env python3
"""Builds one freestanding RISC-V test guest: compile each source, link at 0x80000000.

The guest runs in M-mode on the virt board with -bios none: QEMU's reset ROM jumps to the
start of RAM (0x80000000), where the linker script puts _start, which is also the ELF entry.
"""
import argparse
import os
import subprocess
import sys

CFLAGS = [
    "-std=gnu11", "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany",
    "-ffreestanding", "-nostdlib", "-fno-pic", "-fno-pie", "-O2", "-g",
    "-Wall", "-Wextra", "-Werror",
    "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables",
    # Absolute addresses (MMIO at 0x100000, 0x10000000...) are real, not null-page accesses.
    "--param=min-pagesize=0",
]


def run(cmd):
    result = subprocess.run(cmd)
    if result.returncode != 0:
        sys.exit("build_guest: failed: " + " ".join(cmd))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True, help="riscv64-linux-gnu-gcc")
    ap.add_argument("--linker-script", required=True)
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--define", action="append", default=[], help="NAME=VALUE for every source")
    ap.add_argument("--cflag", action="append", default=[],
                    help="an extra compiler flag for every source (write --cflag=-fxyz)")
    ap.add_argument("--out", required=True, help="the guest ELF")
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()

    objdir = args.out + ".d"
    os.makedirs(objdir, exist_ok=True)
    flags = (CFLAGS + ["-I" + d for d in args.include]
             + ["-D" + d for d in args.define] + args.cflag)
    objects = []
    for i, src in enumerate(args.sources):
        # Numbered, so that sources with the same base name in two folders cannot collide.
        obj = os.path.join(objdir, "%02d-%s.o" % (i, os.path.basename(src)))
        run([args.cc] + flags + ["-c", src, "-o", obj])
        objects.append(obj)
    run([args.cc, "-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-static", "-no-pie",
         "-Wl,--build-id=none", "-Wl,-z,max-page-size=0x1000", "-Wl,-z,noexecstack",
         "-Wl,-T," + args.linker_script, "-o", args.out] + objects + ["-lgcc"])


if __name__ == "__main__":
    main()
