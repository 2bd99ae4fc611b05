#!/usr/bin/env python3
"""Command-line and bad-input checks: exit statuses and messages, hostile kernel files.

None of these needs /dev/kvm: kestrel validates options and kernel files before it picks an
accelerator. Each case asserts the exact exit status (2 usage, 1 runtime error), that the
message names what it is about, and that kestrel did not die by a signal or a sanitizer.
"""
import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

MB_MAGIC = 0x1BADB002


def multiboot_header(flags=0x3):
    return struct.pack("<III", MB_MAGIC, flags, (-(MB_MAGIC + flags)) & 0xFFFFFFFF)


def elf32(segments, entry=0x100000, phoff=None, phnum=None, phentsize=32, pad_to=0x1000):
    """An ELF32 i386 executable with a multiboot header right after the program headers."""
    phoff = 52 if phoff is None else phoff
    n = len(segments) if phnum is None else phnum
    eh = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    eh += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, phoff, 0, 0, 52, phentsize, n, 40,
                      0, 0)
    ph = b"".join(struct.pack("<IIIIIIII", 1, off, vaddr, paddr, filesz, memsz, 7, 0x1000)
                  for (off, vaddr, paddr, filesz, memsz) in segments)
    body = eh + ph
    body += bytes((-len(body)) % 4) + multiboot_header()
    if pad_to:
        body += bytes(max(0, pad_to - len(body)))
    return body


def good_segment(paddr=0x100000, filesz=0x100, memsz=0x1000, off=0):
    return (off, paddr, paddr, filesz, memsz)


def riscv_elf64(entry=0x80000000):
    """A minimal RV64 ELF: one segment of `wfi; j .` at entry."""
    code = struct.pack("<II", 0x10500073, 0x0000006f)
    eh = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    eh += struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, entry, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 7, 0x1000, entry, entry, len(code), len(code), 0x1000)
    body = eh + ph
    return body + bytes(0x1000 - len(body)) + code


def riscv_image_like(gzip=False):
    """A RISC-V Linux Image header (Documentation/arch/riscv/boot-image-header.rst)."""
    if gzip:
        return b"\x1f\x8b\x08" + bytes(100)
    head = struct.pack("<IIQQQIIQQII", 0, 0, 0x200000, 0x10000, 0, 2, 0, 0,
                       int.from_bytes(b"RISCV\0\0\0", "little"), 0x05435352, 0)
    return head + bytes(0x1000 - len(head))


def bzimage_like():
    data = bytearray(0x1000)
    data[0x202:0x206] = b"HdrS"
    return bytes(data)


# Runs the command in a private mount namespace where /dev/kvm is missing (a fresh /dev)
# or unusable (/dev/null bound over it), to check the -accel fallback without touching the
# host. Needs root; without it the case is skipped, saying so.
HIDE_KVM = {
    "missing": 'mount -t tmpfs none /dev && exec "$@"',
    "unusable": 'mount --bind /dev/null /dev/kvm && exec "$@"',
}
SKIP = 77
# Cases with a valid kernel whose error is about the machine, not the file.
ABOUT_THE_MACHINE = {"virt-kvm-cannot", "virt-smp-not-built", "drive-missing",
                     "hostfwd-port-busy", "chardev-socket-not-a-socket",
                     "chardev-file-unwritable"}
BUSY_PORT = "{busy_port}"  # replaced by a port a socket of the test listens on
VIRTCONSOLE = ["-device", "virtio-serial-device", "-device", "virtconsole,chardev=c0"]


# name: (file contents or None, extra args, expected status, substrings stderr must hold)
def cases(guest_dir):
    hello = os.path.join(guest_dir, "hello.elf")
    return {
        "kvm-missing": (None, ["-accel", "kvm", "-kernel", hello], 1,
                        ["/dev/kvm does not exist"]),
        "kvm-unusable-fallback": (None, ["-accel", "kvm:tcg", "-kernel", hello], 1,
                                  ["kvm is not usable", "falling back to tcg",
                                   "TCG has no x86-64 frontend yet",
                                   "no accelerator in the list is usable"]),
        "unknown-option": (None, ["-frobnicate"], 2, ["-frobnicate", "unknown option"]),
        "bad-memory": (None, ["-m", "lots"], 2, ["-m", "lots"]),
        "missing-argument": (None, ["-kernel"], 2, ["-kernel", "requires an argument"]),
        "bad-smp": (None, ["-smp", "0"], 2, ["-smp"]),
        "bad-accel": (None, ["-accel", "warp"], 2, ["-accel", "warp"]),
        "bad-device": (None, ["-device", "flux-capacitor"], 2, ["flux-capacitor"]),
        "bad-debug-exit": (None, ["-device", "isa-debug-exit,iobase=0x1ffff"], 2,
                           ["isa-debug-exit"]),
        "stray-argument": (None, ["hello.elf"], 2, ["hello.elf"]),
        "tcg-x86-not-built": (None, ["-accel", "tcg", "-kernel", hello], 1,
                              ["-accel tcg: TCG has no x86-64 frontend yet"]),
        "virt-bios-missing": (None, ["-M", "virt", "-bios", "/nonexistent/fw.bin", "-kernel",
                                     hello], 1, ["-bios /nonexistent/fw.bin", "No such file"]),
        "virt-image-needs-bios": (riscv_image_like(), ["-M", "virt", "-bios", "none"], 1,
                                  ["a Linux Image is started by firmware", "-bios fw_jump.bin"]),
        "virt-image-gzip": (riscv_image_like(gzip=True), ["-M", "virt", "-bios", "none"], 1,
                            ["gzip-compressed", "gunzip"]),
        "virt-not-a-kernel": (b"\x00" * 4096, ["-M", "virt", "-bios", "none"], 1,
                              ["neither an ELF program nor a RISC-V Linux Image"]),
        "virt-x86-kernel": (None, ["-M", "virt", "-bios", "none", "-kernel", hello], 1,
                            ["an ELF file, but not 64-bit RISC-V"]),
        "virt-kvm-cannot": (riscv_elf64(), ["-M", "virt", "-accel", "kvm", "-bios", "none"], 1,
                            ["KVM on this host runs only x86-64 guests"]),
        "virt-smp-not-built": (riscv_elf64(), ["-M", "virt", "-accel", "tcg", "-bios", "none",
                                               "-smp", "2"], 1,
                               ["TCG runs one vCPU", "-smp 1"]),
        "virt-elf-outside-ram": (riscv_elf64(entry=0x1000), ["-M", "virt", "-accel", "tcg",
                                                             "-bios", "none"], 1,
                                 ["0x1000..0x1008 does not fit in RAM"]),
        "kernel-not-regular": (None, ["-kernel", "/dev/null"], 1,
                               ["-kernel /dev/null", "not a regular file"]),
        "virtio-bad-ioeventfd": (None, ["-device", "virtio-rng-device,ioeventfd=maybe"], 2,
                                 ["-device", "ioeventfd=on|off"]),
        "blk-bad-ioeventfd": (None, ["-drive", "file=disk.img,if=none,id=d0", "-device",
                                     "virtio-blk-device,drive=d0,ioeventfd=1"], 2,
                              ["-device", "ioeventfd takes on or off"]),
        "bad-global": (None, ["-global", "virtio-blk-device.scsi=off"], 2,
                       ["-global", "virtio-mmio.ioeventfd=on|off"]),
        "bad-global-value": (None, ["-global", "virtio-mmio.ioeventfd=no"], 2,
                             ["-global", "ioeventfd takes on or off"]),
        "drive-qcow2-not-built": (None, ["-drive", "file=disk.qcow2,format=qcow2"], 1,
                                  ["-drive", "raw", "not built yet"]),
        "drive-missing": (riscv_elf64(), ["-M", "virt", "-bios", "none", "-drive",
                                          "file=/nonexistent/disk.img,if=virtio"], 1,
                          ["-drive file=/nonexistent/disk.img", "No such file"]),
        "drive-not-attached": (None, ["-drive", "file=disk.img,if=none,id=d0"], 2,
                               ["not attached", "-device virtio-blk-device,drive=d0"]),
        "drive-on-pc-missing": (None, ["-drive", "file=/nonexistent/disk.img", "-kernel",
                                       hello], 1,
                                ["-drive file=/nonexistent/disk.img", "No such file"]),
        "netdev-not-attached": (None, ["-netdev", "user,id=n0"], 2,
                                ["-netdev", "not attached", "virtio-net-device,netdev=n0"]),
        "netdev-tap-not-built": (None, ["-netdev", "tap,id=n0"], 1,
                                 ["-netdev", "other than user", "not built yet"]),
        "hostfwd-bad-port": (None, ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:99999-:22"], 2,
                             ["hostfwd=tcp:127.0.0.1:99999-:22", "port 1-65535"]),
        "hostfwd-port-busy": (riscv_elf64(), ["-M", "virt", "-accel", "tcg", "-bios", "none",
                                              "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:"
                                              + BUSY_PORT + "-:22",
                                              "-device", "virtio-net-device,netdev=n0"], 1,
                              ["-netdev n0", "cannot listen", "choose another port"]),
        "chardev-pipe-not-built": (None, ["-chardev", "pipe,id=c0,path=p"], 1,
                                   ["-chardev", "the pipe backend is not built yet"]),
        "chardev-tcp-not-built": (None, ["-chardev", "socket,id=c0,host=localhost,port=4555"],
                                  1, ["-chardev", "TCP sockets", "not built yet"]),
        "chardev-mux-not-built": (None, ["-chardev", "stdio,id=c0,mux=on"], 1,
                                  ["-chardev", "mux=", "not built yet"]),
        "chardev-no-id": (None, ["-chardev", "null"], 2, ["-chardev", "id= names the backend"]),
        "chardev-stdio-taken": (None, ["-chardev", "stdio,id=c0"] + VIRTCONSOLE, 2,
                                ["stdio is already used by -serial", "-serial none"]),
        "chardev-unknown-id": (None, ["-chardev", "null,id=c1"] + VIRTCONSOLE, 2,
                               ["virtconsole", "no -chardev has id=c0"]),
        "virtconsole-without-bus": (None, ["-chardev", "null,id=c0", "-device",
                                           "virtconsole,chardev=c0"], 2,
                                    ["needs a -device virtio-serial-device before it"]),
        "virtio-serial-ports-not-built": (None, ["-device", "virtio-serial-device,max_ports=31"],
                                          1, ["more than 8 ports", "not built yet"]),
        "chardev-socket-not-a-socket": (riscv_elf64(), [
            "-M", "virt", "-bios", "none", "-chardev",
            "socket,id=c0,path=chardev-socket-not-a-socket.elf,server=on,wait=off"] +
            VIRTCONSOLE, 1, ["-chardev c0", "exists and is not a socket"]),
        "chardev-file-unwritable": (riscv_elf64(), [
            "-M", "virt", "-bios", "none", "-chardev", "file,id=c0,path=/nonexistent/dir/out"] +
            VIRTCONSOLE, 1, ["-chardev c0", "/nonexistent/dir/out"]),
        "gdb-not-built": (None, ["-s"], 1, ["-s", "not built yet"]),
        "bios-not-built": (None, ["-bios", "bios.bin", "-kernel", hello], 1,
                           ["-bios", "not built yet"]),
        "no-kernel": (None, [], 1, ["-kernel"]),
        "kernel-missing": (None, ["-kernel", "/nonexistent/kernel.elf"], 1,
                           ["/nonexistent/kernel.elf", "No such file"]),
        "kernel-is-directory": (None, ["-kernel", "/"], 1, ["-kernel /", "directory"]),
        "serial-file-unwritable": (None, ["-serial", "file:/nonexistent/dir/out",
                                          "-kernel", hello], 1,
                                   ["-serial", "/nonexistent/dir/out"]),
        "log-file-unwritable": (None, ["-D", "/nonexistent/dir/log", "-kernel", hello], 1,
                                ["-D", "/nonexistent/dir/log"]),
        "not-multiboot": (b"\x00" * 9000, [], 1, ["no multiboot header"]),
        "empty-kernel": (b"", [], 1, ["no multiboot header"]),
        "bzimage": (bzimage_like(), [], 1, ["Linux bzImage", "not built yet"]),
        "elf-phoff-outside": (elf32([good_segment()], phoff=0x7fffff00), [], 1,
                              ["program headers"]),
        "elf-phnum-huge": (elf32([good_segment()], phnum=0xffff), [], 1, ["program headers"]),
        "elf-phentsize-wrong": (elf32([good_segment()], phentsize=20), [], 1,
                                ["program headers"]),
        "elf-segment-past-eof": (elf32([good_segment(filesz=0x100000, memsz=0x200000)]), [], 1,
                                 ["outside the file"]),
        "elf-filesz-over-memsz": (elf32([good_segment(filesz=0x80, memsz=0x40)]), [], 1,
                                  ["file size exceeds"]),
        "elf-segment-outside-ram": (elf32([good_segment(paddr=0x8000000)], entry=0x8000000),
                                    ["-m", "64"], 1, ["outside usable RAM"]),
        "elf-segment-in-bios-area": (elf32([good_segment(paddr=0xf0000)], entry=0xf0000), [],
                                     1, ["outside usable RAM"]),
        "elf-segment-in-hole": (elf32([good_segment(paddr=0xfec00000, memsz=0x1000)],
                                      entry=0xfec00000), [], 1, ["below 3.25 GiB"]),
        "elf-memsz-huge": (elf32([good_segment(memsz=0xfff00000)]), [], 1, ["below 3.25 GiB"]),
        "elf-no-segments": (elf32([]), [], 1, ["no loadable segments"]),
        "multiboot-unsupported-flags": (b"\x00" * 64 + multiboot_header(0x3 | 0x8) +
                                        b"\x00" * 64, [], 1, ["features"]),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("case", nargs="?")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    guest_dir = os.path.join(args.build_dir, "tests", "guests", "x86")
    all_cases = cases(guest_dir)
    if args.list:
        print("\n".join(all_cases))
        return 0
    content, extra, want_status, want_msgs = all_cases[args.case]
    with tempfile.TemporaryDirectory(prefix="kestrel-cli-") as tmp:
        cmd = [os.path.join(args.build_dir, "kestrel"), "-M", "pc", "-nographic"]
        if content is not None:
            path = os.path.join(tmp, args.case + ".elf")
            with open(path, "wb") as f:
                f.write(content)
            cmd += ["-kernel", path]
            if args.case not in ABOUT_THE_MACHINE:
                want_msgs = want_msgs + [path]
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        cmd += [a.replace(BUSY_PORT, str(busy.getsockname()[1])) for a in extra]
        hide = {"kvm-missing": "missing", "kvm-unusable-fallback": "unusable"}.get(args.case)
        if hide:
            if os.geteuid() != 0 or not shutil.which("unshare"):
                print("SKIP: hiding /dev/kvm needs root and unshare(1)")
                return SKIP
            cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                   HIDE_KVM[hide], "sh"] + cmd
        print("$ " + " ".join(cmd))
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=60, cwd=tmp)
    print("status %d\nstdout: %r\nstderr: %r" % (p.returncode, p.stdout, p.stderr))
    problems = []
    if p.returncode < 0:
        problems.append("killed by signal %d" % -p.returncode)
    elif p.returncode != want_status:
        problems.append("exit status %d, expected %d" % (p.returncode, want_status))
    for msg in want_msgs:
        if msg not in p.stderr:
            problems.append("stderr does not mention %r" % msg)
    if "Sanitizer" in p.stderr or "runtime error:" in p.stderr:
        problems.append("a sanitizer reported an error")
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
