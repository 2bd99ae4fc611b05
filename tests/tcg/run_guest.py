#!/usr/bin/env python3
"""Runs one tcg-suite case (tests/tcg/cases.py) and checks what the guest produced.

Exit status follows meson: 0 pass, 1 fail, 77 skip (only when the RISC-V guests were not
built because the cross compiler is missing, said plainly).

--vmm runs another VMM with the same command line instead of kestrel: with
qemu-system-riscv64 it validates the case table against QEMU, using the case's "qemu"
expectations where QEMU 7.2 departs from the spec.
"""
import argparse
import importlib.util
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def load(name, path):
    """Imports a file under its own module name (both suites have a cases.py)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The kvm suite's runner: run(), check() and native_checksum() serve both suites.
kvm = load("kvm_run_guest", os.path.join(HERE, "..", "kvm", "run_guest.py"))
tcg_cases = load("tcg_cases", os.path.join(HERE, "cases.py"))


def is_qemu(vmm):
    return os.path.basename(vmm).startswith("qemu-system")


def expectations(c, vmm):
    """The case's expected lines, with QEMU's own where QEMU 7.2 departs from the spec."""
    expect = list(c["expect"])
    if is_qemu(vmm):
        expect = [c["qemu"].get(p, p) for p in expect]
    return expect


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--vmm", help="run this instead of BUILD/kestrel, e.g. qemu-system-riscv64")
    ap.add_argument("case", choices=sorted(tcg_cases.CASES))
    args = ap.parse_args()

    c = dict(tcg_cases.CASES[args.case])
    guest = os.path.join(args.build_dir, "tests", "guests", "riscv", c["guest"] + ".elf")
    if not os.path.exists(guest):
        if not shutil.which("riscv64-linux-gnu-gcc"):
            print("SKIP: %s was not built: riscv64-linux-gnu-gcc is not installed "
                  "(scripts/setup installs gcc-riscv64-linux-gnu)" % guest)
            return SKIP
        print("FAIL: %s is missing although riscv64-linux-gnu-gcc is installed" % guest)
        return 1
    vmm = args.vmm or os.path.join(args.build_dir, "kestrel")
    if not (shutil.which(vmm) if os.sep not in vmm else os.path.exists(vmm)):
        print("FAIL: %s not found" % vmm)
        return 1
    if c.get("kestrel_only") and is_qemu(vmm):
        print("SKIP: %s checks kestrel's own debugging output, which QEMU words differently"
              % args.case)
        return SKIP
    c["expect"] = expectations(c, vmm)
    if "native_iterations" in c:
        checksum = kvm.native_checksum(args.build_dir, c["native_iterations"],
                                       c.get("native_workload", "compute"))
        c["expect"] = [p.format(native_checksum=checksum) for p in c["expect"]]

    with tempfile.TemporaryDirectory(prefix="kestrel-tcg-") as tmp:
        cmd = [vmm] + tcg_cases.BASE_ARGS + ["-kernel", guest] + \
            [a.format(tmp=tmp) for a in c["args"]]
        print("$ " + " ".join(cmd))
        status, out, err, timed_out = kvm.run(cmd, [], args.timeout)
        print("--- serial output ---\n" + out + "--- stderr ---\n" + err + "---")
        if timed_out:
            print("FAIL: no exit within %.0f s" % args.timeout)
            return 1
        problems = kvm.check(c, status, out, err, tmp)
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("ok: status %d and every expected line seen" % status)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
