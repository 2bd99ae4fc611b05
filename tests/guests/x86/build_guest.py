#!/usr/bin/env python3
"""Builds one freestanding x86 test guest: compile, link at 1 MiB, convert to ELF32.

QEMU's -kernel loads multiboot ELF images only as ELF32, so the guest links as x86-64 and
objcopy rewrites it as elf32-i386; kestrel boots either form.
"""
import argparse
import os
import subprocess
import sys

RUNTIME_CFLAGS = [
    "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror",
    "-ffreestanding", "-fno-pic", "-fno-pie", "-fno-stack-protector",
    "-fno-asynchronous-unwind-tables", "-fcf-protection=none",
    "-mno-red-zone", "-mcmodel=small",
    # Absolute addresses (BIOS data area, MMIO) are real here, not null-page accesses.
    "--param=min-pagesize=0",
    # Ring-0 code never touches SSE state, so ring 3 can use it freely.
    "-mgeneral-regs-only",
]


def run(cmd):
    result = subprocess.run(cmd)
    if result.returncode != 0:
        sys.exit("build_guest: failed: " + " ".join(cmd))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--objcopy", required=True)
    ap.add_argument("--linker-script", required=True)
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--out", required=True, help="the ELF32 image")
    ap.add_argument("--extra-object", action="append", default=[],
                    help="objects built elsewhere (the shared compute workload)")
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()

    cc = args.cc.split()
    objdir = args.out + ".d"
    os.makedirs(objdir, exist_ok=True)
    includes = ["-I" + d for d in args.include]
    objects = []
    for i, src in enumerate(args.sources):
        # Numbered: the guest's own smp.c and the runtime's smp.c must not collide.
        obj = os.path.join(objdir, "%02d-%s.o" % (i, os.path.basename(src)))
        run(cc + RUNTIME_CFLAGS + includes + ["-c", src, "-o", obj])
        objects.append(obj)
    elf64 = args.out + "64"
    run(cc + ["-nostdlib", "-static", "-no-pie", "-Wl,--build-id=none",
              "-Wl,-z,max-page-size=0x1000", "-Wl,-z,noexecstack",
              "-Wl,-T," + args.linker_script, "-o", elf64]
        + objects + args.extra_object + ["-lgcc"])
    run([args.objcopy, "-O", "elf32-i386", elf64, args.out])


if __name__ == "__main__":
    main()
