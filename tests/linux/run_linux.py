#!/usr/bin/env python3
"""The linux suite: Debian's riscv64 kernel and a busybox initramfs under kestrel's TCG.

Each case boots `kestrel -M virt -m 512 -bios fw_jump.bin -kernel vmlinux -initrd initrd.gz`
on a pseudo-terminal, waits for /init's marker, types commands at the shell and checks what
they print, then checks how kestrel ends (its exit status is the guest's verdict).

    run_linux.py --build-dir build --list
    run_linux.py --build-dir build CASE [--vmm qemu-system-riscv64]
"""

import argparse
import functools
import hashlib
import http.server
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_session import (INIT_MARKER, PROMPT, GuestError, GuestSession,  # noqa: E402
                           asset_dir, text_of, vmm_command)

BOOT_TIMEOUT = float(os.environ.get("KESTREL_LINUX_BOOT_TIMEOUT", "120"))
CMD_TIMEOUT = 60


class CheckFailed(Exception):
    pass


def expect(cond, what, got):
    if not cond:
        raise CheckFailed(f"{what}: got {got!r}")


def boot(s):
    s.wait_for(INIT_MARKER, BOOT_TIMEOUT)
    s.wait_for(PROMPT, BOOT_TIMEOUT)


def power_off(s):
    """poweroff -f at the shell: kestrel must end with status 0."""
    s.send("poweroff -f\r")
    status = s.finish(CMD_TIMEOUT)
    expect(status == 0, "kestrel's exit status after poweroff -f", status)


def check_run(s, command, want_status=0):
    out, status = s.run(command, CMD_TIMEOUT)
    expect(status == want_status, f"`{command}` exit status (want {want_status})", status)
    return out.strip()


def case_shell(s, assets):
    """Boots to the shell, runs busybox commands and checks their output, powers off."""
    boot(s)
    release = re.search(r"linux-image-(\S+) ", open(os.path.join(assets, "versions.txt")).read())
    expect(check_run(s, "uname -m") == "riscv64", "uname -m", "")
    got = check_run(s, "uname -r")
    expect(release and got == release.group(1), f"uname -r (want {release and release.group(1)})",
           got)
    expect(check_run(s, "echo $((6 * 7))") == "42", "shell arithmetic", "")
    want = hashlib.sha256(b"kestrel\n" * 1000).hexdigest()
    got = check_run(s, "yes kestrel | head -n 1000 | sha256sum")
    expect(got.split()[0] == want, f"sha256 of a pipeline (want {want})", got)
    got = check_run(s, "grep -c ^processor /proc/cpuinfo")
    expect(got == "1", "processors in /proc/cpuinfo", got)
    got = check_run(s, "grep ^isa /proc/cpuinfo")
    expect("rv64imafdc" in got, "the isa line of /proc/cpuinfo", got)
    got = check_run(s, "awk '/MemTotal/ { print $2 }' /proc/meminfo")
    expect(got.isdigit() and 400000 < int(got) <= 512 * 1024, "MemTotal (kB) for -m 512", got)
    # /chosen/rng-seed: the kernel's random pool is ready before any driver starts.
    got = check_run(s, "dmesg | grep 'random: crng init done'")
    expect("[    0.000000]" in got, "when the random pool was ready", got)
    got = check_run(s, "cat /sys/firmware/devicetree/base/model")
    expect(got.rstrip("\0") == "riscv-virtio,qemu", "the device tree's model", got)
    # Files in the initramfs's tmpfs, written and read back through the page cache.
    check_run(s, "seq 1 5000 > /tmp/n && sync")
    got = check_run(s, "awk '{ s += $1 } END { print s }' /tmp/n")
    expect(got == str(5000 * 5001 // 2), "sum of seq 1 5000", got)
    got = check_run(s, "ls /definitely-missing", want_status=1)
    expect("No such file" in got, "ls of a missing file", got)
    # The timer: sleep must take about as long as it says, on the guest's own clock.
    got = check_run(s, "a=$(cut -d' ' -f1 /proc/uptime); sleep 1; b=$(cut -d' ' -f1 /proc/uptime);"
                       " echo $a $b")
    a, b = (float(x) for x in got.split())
    expect(0.9 <= b - a <= 3.0, "uptime across `sleep 1` (seconds)", b - a)
    s.send("exit\r")
    status = s.finish(CMD_TIMEOUT)
    expect(status == 0, "kestrel's exit status after the guest powered off", status)


def case_exit_status(s, assets):
    """A guest's failure code reaches kestrel's exit status (sifive_test FAIL)."""
    boot(s)
    s.send("exit 7\r")
    s.wait_for(b"shell exited with status 7", CMD_TIMEOUT)
    status = s.finish(CMD_TIMEOUT)
    expect(status == 7, "kestrel's exit status for a guest that exits 7", status)


def case_interactive(s, assets):
    """Line editing, Ctrl-C to the guest's foreground job, Ctrl-A x to quit kestrel."""
    boot(s)
    # Backspace (DEL), then cursor-left twice and an insertion: "echo wrd" -> "echo word".
    s.send("echo hellX\x7fo\r")
    out = text_of(s.wait_for(PROMPT, CMD_TIMEOUT)[0])
    expect("\nhello\n" in out, "output of a line edited with backspace", out)
    s.send("echo wrd\x1b[D\x1b[Do\r")
    out = text_of(s.wait_for(PROMPT, CMD_TIMEOUT)[0])
    expect("\nword\n" in out, "output of a line edited with the cursor keys", out)
    # Ctrl-C stops `sleep 600` at once; the shell reports 130 (128 + SIGINT). The key is sent
    # a second after the command starts, as a person would, not while the shell still forks.
    s.send("echo \"@@sle\"\"eping@@\"; sleep 600; echo \"@@not-\"\"stopped@@\"\r")
    s.wait_for(b"@@sleeping@@", CMD_TIMEOUT)
    time.sleep(1)
    started = s.elapsed()
    s.send("\x03")
    s.wait_for(PROMPT, 30)
    expect(s.elapsed() - started < 20, "seconds for Ctrl-C to end sleep", s.elapsed() - started)
    expect(b"@@not-stopped@@" not in s.output, "Ctrl-C ended the whole command line", "")
    out, status = s.run("echo still here", CMD_TIMEOUT)
    expect(out == "still here" and status == 0, "the shell after Ctrl-C", out)
    # Ctrl-A x: kestrel quits, even with the guest still running.
    s.send("\x01x")
    status = s.finish(CMD_TIMEOUT)
    expect(status == 0, "kestrel's exit status after Ctrl-A x", status)
    expect(b"terminated (C-a x)" in s.output, "kestrel's Ctrl-A x notice", s.output[-200:])


def case_fw_dynamic(s, assets):
    """OpenSBI's fw_dynamic.bin finds the kernel through the fw_dynamic record in a2."""
    boot(s)
    expect(b"Domain0 Next Address        : 0x0000000080200000" in s.output,
           "OpenSBI's next-stage address", "")
    power_off(s)


def case_reboot(s, assets):
    """`reboot -f` resets the board (syscon-reboot) and Linux boots again."""
    boot(s)
    s.send("reboot -f\r")
    s.wait_for(b"OpenSBI v", BOOT_TIMEOUT)
    boot(s)
    out, status = s.run("cat /proc/uptime", CMD_TIMEOUT)
    expect(status == 0 and float(out.split()[0]) < 60, "uptime after the reboot", out)
    power_off(s)


def case_no_reboot(s, assets):
    """Under -no-reboot, the guest's reboot ends kestrel with status 0, as in QEMU."""
    boot(s)
    s.send("reboot -f\r")
    status = s.finish(CMD_TIMEOUT)
    expect(status == 0, "kestrel's exit status for a reboot under -no-reboot", status)
    expect(s.output.count(b"OpenSBI v") == 1, "firmware banners (no second boot)", "")


def case_virtio_rng(s, assets):
    """-device virtio-rng-device: Debian's own virtio_mmio and virtio-rng modules find it and
    /dev/hwrng hands out the host's random bytes."""
    boot(s)
    check_run(s, "insmod /lib/modules/kestrel/virtio_mmio.ko")
    check_run(s, "insmod /lib/modules/kestrel/virtio-rng.ko")
    got = check_run(s, "cat /sys/bus/virtio/devices/virtio0/device")
    expect(got == "0x0004", "the virtio device id in slot 0 (4: entropy)", got)
    got = check_run(s, "cat /sys/class/misc/hw_random/rng_current")
    expect(got == "virtio_rng.0", "the kernel's current hardware RNG", got)
    reads = [check_run(s, "dd if=/dev/hwrng bs=64 count=1 2>/dev/null | od -An -tx1 | tr -d ' \\n'")
             for _ in range(2)]
    for r in reads:
        expect(len(r) == 128 and r != "00" * 64, "64 bytes from /dev/hwrng, in hex", r)
    expect(reads[0] != reads[1], "two reads of /dev/hwrng differ", reads)
    power_off(s)


DISK_SECTORS = 16384  # an 8 MiB image
DISK_SEED_SECTOR = 8  # where the host puts its pattern
GUEST_WRITE_SECTOR = 100  # where the guest writes its own


def disk_pattern(n):
    """Bytes nobody would find by chance: the host's pattern for the guest to read."""
    return b"".join(hashlib.sha256(b"kestrel-disk-%d" % i).digest() for i in range(n // 32))


def make_disk(tmp):
    path = os.path.join(tmp, "disk.img")
    with open(path, "wb") as f:
        f.truncate(DISK_SECTORS * 512)
        f.seek(DISK_SEED_SECTOR * 512)
        f.write(disk_pattern(64 * 1024))
    return path


def virtio_blk_args(tmp):
    return ["-drive", f"file={make_disk(tmp)},format=raw,if=none,id=d0",
            "-device", "virtio-blk-device,drive=d0,serial=KSTL-DISK-0001"]


def virtio_blk_ro_args(tmp):
    return ["-drive", f"file={make_disk(tmp)},format=raw,if=virtio,readonly=on"]


def load_virtio_blk(s):
    check_run(s, "dmesg -n 1")  # kernel messages would land in the middle of command output
    check_run(s, "insmod /lib/modules/kestrel/virtio_mmio.ko")
    check_run(s, "insmod /lib/modules/kestrel/virtio_blk.ko")
    got = check_run(s, "cat /sys/block/vda/size")
    expect(got == str(DISK_SECTORS), "/sys/block/vda/size (sectors)", got)


def case_virtio_blk(s, assets, tmp):
    """Debian's virtio_blk module reads what the host put in the image, writes and syncs,
    and the host finds the guest's bytes in the image after kestrel exits."""
    boot(s)
    load_virtio_blk(s)
    expect(check_run(s, "cat /sys/block/vda/serial") == "KSTL-DISK-0001", "the disk's serial",
           "")
    expect(check_run(s, "cat /sys/block/vda/ro") == "0", "/sys/block/vda/ro", "")
    want = hashlib.sha256(disk_pattern(64 * 1024)).hexdigest()
    got = check_run(s, f"dd if=/dev/vda bs=512 skip={DISK_SEED_SECTOR} count=128 2>/dev/null"
                       " | sha256sum")
    expect(got.split()[0] == want, f"sha256 of the host's 64 KiB pattern (want {want})", got)
    # 1 MiB of the guest's own bytes, in 4 KiB writes through the page cache, then sync.
    check_run(s, f"yes kestrel-guest-wrote-this | head -c 1048576 | dd of=/dev/vda bs=4096 "
                 f"seek={GUEST_WRITE_SECTOR // 8} conv=fsync 2>/dev/null")
    check_run(s, "sync")
    got = check_run(s, "echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=4096 "
                       f"skip={GUEST_WRITE_SECTOR // 8} count=256 2>/dev/null | sha256sum")
    want_guest = hashlib.sha256((b"kestrel-guest-wrote-this\n" * 50000)[:1048576]).hexdigest()
    expect(got.split()[0] == want_guest, "sha256 of the guest's 1 MiB, read back", got)
    power_off(s)
    with open(os.path.join(tmp, "disk.img"), "rb") as f:
        f.seek(GUEST_WRITE_SECTOR // 8 * 4096)
        on_disk = hashlib.sha256(f.read(1048576)).hexdigest()
    expect(on_disk == want_guest, "sha256 of the guest's 1 MiB in the image on the host",
           on_disk)


def case_virtio_blk_readonly(s, assets, tmp):
    """readonly=on: the guest sees a read-only disk, writes fail, the image is unchanged."""
    boot(s)
    load_virtio_blk(s)
    expect(check_run(s, "cat /sys/block/vda/ro") == "1", "/sys/block/vda/ro", "")
    want = hashlib.sha256(disk_pattern(64 * 1024)).hexdigest()
    got = check_run(s, f"dd if=/dev/vda bs=512 skip={DISK_SEED_SECTOR} count=128 2>/dev/null"
                       " | sha256sum")
    expect(got.split()[0] == want, "sha256 of the host's pattern", got)
    out, status = s.run("echo x | dd of=/dev/vda bs=512 seek=1 conv=fsync", CMD_TIMEOUT)
    expect(status != 0, "dd to a read-only disk fails", out)
    power_off(s)
    with open(os.path.join(tmp, "disk.img"), "rb") as f:
        expect(f.read(4096) == bytes(4096), "the image's first 4 KiB, untouched", "")


NET_BLOB_SIZE = 1 << 20
GUEST_HTTP_PORT = 8080


def free_tcp_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_http(directory):
    """An HTTP server on the host's loopback, in a thread; returns its port."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def virtio_net_args(tmp):
    www = os.path.join(tmp, "www")
    os.mkdir(www)
    with open(os.path.join(www, "blob"), "wb") as f:
        f.write(disk_pattern(NET_BLOB_SIZE))
    ports = {"http": serve_http(www), "fwd": free_tcp_port()}
    with open(os.path.join(tmp, "ports"), "w") as f:
        f.write("%(http)d %(fwd)d" % ports)
    return ["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{ports['fwd']}-:{GUEST_HTTP_PORT}",
            "-device", "virtio-net-device,netdev=n0"]


def fetch_from_guest(url, timeout):
    """GET url on the host, retrying while the guest's server starts."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def case_virtio_net(s, assets, tmp):
    """Debian's virtio_net module over slirp: DHCP gives QEMU's addresses, the guest fetches
    a file from an HTTP server on the host's loopback, and the host reaches a server in the
    guest through hostfwd."""
    http_port, fwd_port = map(int, open(os.path.join(tmp, "ports")).read().split())
    boot(s)
    check_run(s, "dmesg -n 1")
    for m in ("failover", "net_failover", "virtio_net", "virtio_mmio"):
        check_run(s, f"insmod /lib/modules/kestrel/{m}.ko")
    got = check_run(s, "cat /sys/class/net/eth0/address")
    expect(got == "52:54:00:12:34:56", "eth0's MAC (QEMU's default)", got)
    check_run(s, "ip link set eth0 up && udhcpc -i eth0 -n -q -t 5 >/dev/null 2>&1")
    got = check_run(s, "ip -4 -o addr show eth0")
    expect(" 10.0.2.15/24 " in got, "eth0's address from DHCP", got)
    got = check_run(s, "ip route show default")
    expect(got.startswith("default via 10.0.2.2 "), "the default route", got)
    got = check_run(s, "cat /etc/resolv.conf")
    expect(got == "nameserver 10.0.2.3", "the DNS server from DHCP", got)
    want = hashlib.sha256(disk_pattern(NET_BLOB_SIZE)).hexdigest()
    got = check_run(s, f"wget -q -O - http://10.0.2.2:{http_port}/blob | sha256sum")
    expect(got.split()[0] == want, f"sha256 of the host's 1 MiB over HTTP (want {want})", got)
    check_run(s, "mkdir -p /www && echo served-by-the-guest > /www/hello.txt && "
                 f"httpd -p {GUEST_HTTP_PORT} -h /www")
    body = fetch_from_guest(f"http://127.0.0.1:{fwd_port}/hello.txt", CMD_TIMEOUT)
    expect(body == b"served-by-the-guest\n", "the guest's file through hostfwd", body)
    got = check_run(s, "cat /sys/class/net/eth0/statistics/rx_packets")
    expect(int(got) > NET_BLOB_SIZE // 1514, "eth0's received packets", got)
    power_off(s)


def virtio_console_args(tmp):
    """A virtconsole on a UNIX socket the test connects to, and a named port on a file."""
    return ["-device", "virtio-serial-device",
            "-chardev", f"socket,id=con0,path={tmp}/console.sock,server=on,wait=off",
            "-device", "virtconsole,chardev=con0,name=org.kestrel.console",
            "-chardev", f"file,id=log0,path={tmp}/port.log",
            "-device", "virtserialport,chardev=log0,name=org.kestrel.log"]


class HostEnd:
    """The host's end of the guest's hvc0: a client of the console's UNIX socket that reads
    all the time, as a terminal would (the guest's writes wait while nobody reads)."""

    def __init__(self, path, timeout):
        deadline = time.monotonic() + timeout
        while True:  # the VMM creates the socket as it starts
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.data = b""
        self.closed = False
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read_all, daemon=True)
        self.reader.start()

    def _read_all(self):
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                chunk = b""
            with self.lock:
                self.data += chunk
                self.closed = not chunk
            if not chunk:
                return

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                data, closed = self.data.replace(b"\r", b""), self.closed
            if pattern in data:
                return
            if closed or time.monotonic() > deadline:
                raise CheckFailed(f"the host end of hvc0 waited for {pattern[:40]!r}"
                                  f"{' (closed)' if closed else ''}", data[-200:])
            time.sleep(0.05)

    def close(self):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.reader.join(5)


def load_virtio_console(s):
    check_run(s, "dmesg -n 1")
    check_run(s, "insmod /lib/modules/kestrel/virtio_mmio.ko")
    check_run(s, "for i in $(seq 100); do [ -e /dev/vport0p1 ] && break; sleep 0.1; done")


def case_virtio_console(s, assets, tmp):
    """virtio-serial-device with a virtconsole on a UNIX socket and a virtserialport on a
    file: the guest's hvc0 carries data both ways (lines, 60 KB out, 64 KiB in, a shell on
    it), and the named port's bytes reach the file."""
    host = HostEnd(os.path.join(tmp, "console.sock"), BOOT_TIMEOUT)
    try:
        boot(s)
        load_virtio_console(s)
        for port, name in (("vport0p0", "org.kestrel.console"), ("vport0p1", "org.kestrel.log")):
            got = check_run(s, f"cat /sys/class/virtio-ports/{port}/name")
            expect(got == name, f"the name of {port}", got)
        got = check_run(s, "cat /sys/class/tty/hvc0/dev && cat /proc/consoles")
        expect(":" in got, "hvc0's device numbers", got)
        # Guest to host: a line, then 5000 more (60 KB) through the console's tty.
        check_run(s, "echo guest-to-host-$((6 * 7)) > /dev/hvc0")
        host.wait_for(b"guest-to-host-42\n", CMD_TIMEOUT)
        check_run(s, "yes kestrel-hvc-line | head -n 5000 | sed 's/^/x/' > /dev/hvc0")
        host.wait_for(b"xkestrel-hvc-line\n" * 5000, CMD_TIMEOUT)
        # Host to guest: 64 KiB, more than the device buffers, read by a job on hvc0 in raw
        # mode. It says when it is reading, so nothing is sent before stty has run.
        data = b"".join(hashlib.sha256(b"%d" % i).hexdigest().encode() for i in range(1024))
        check_run(s, "(stty raw -echo; echo hvc-rx-""ready > /dev/hvc0; head -c 65536 "
                     "| sha256sum > /tmp/rx.sum) < /dev/hvc0 & true")
        host.wait_for(b"hvc-rx-ready", CMD_TIMEOUT)
        host.sock.sendall(data)
        got = check_run(s, "while [ ! -s /tmp/rx.sum ]; do sleep 0.2; done; cat /tmp/rx.sum")
        want = hashlib.sha256(data).hexdigest()
        expect(got.split()[0] == want, f"sha256 of the host's 64 KiB read from hvc0 (want {want})",
               got)
        # A shell on hvc0, driven from the socket as a person at a terminal would.
        check_run(s, "setsid sh -i < /dev/hvc0 > /dev/hvc0 2>&1 & true")
        host.sock.sendall(b"echo hvc-shell-$((6 * 9))\n")
        host.wait_for(b"hvc-shell-54", CMD_TIMEOUT)
        check_run(s, "echo port-log-line-$((7 * 6)) > /dev/vport0p1")
        power_off(s)
    finally:
        host.close()
    with open(os.path.join(tmp, "port.log"), "rb") as f:
        got = f.read()
    expect(got == b"port-log-line-42\n", "what the guest wrote to /dev/vport0p1, in the file",
           got)


# name: (function, firmware, extra arguments: a list, or a function of a scratch directory)
CASES = {
    "shell": (case_shell, "fw_jump.bin", []),
    "exit-status": (case_exit_status, "fw_jump.bin", []),
    "interactive": (case_interactive, "fw_jump.bin", []),
    "fw-dynamic": (case_fw_dynamic, "fw_dynamic.bin", []),
    "reboot": (case_reboot, "fw_jump.bin", []),
    "no-reboot": (case_no_reboot, "fw_jump.bin", ["-no-reboot"]),
    "virtio-rng": (case_virtio_rng, "fw_jump.bin", ["-device", "virtio-rng-device"]),
    "virtio-blk": (case_virtio_blk, "fw_jump.bin", virtio_blk_args),
    "virtio-blk-readonly": (case_virtio_blk_readonly, "fw_jump.bin", virtio_blk_ro_args),
    "virtio-net": (case_virtio_net, "fw_jump.bin", virtio_net_args),
    "virtio-console": (case_virtio_console, "fw_jump.bin", virtio_console_args),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--vmm", help="another VMM with the same command line (e.g. QEMU)")
    ap.add_argument("case", nargs="?")
    args = ap.parse_args()
    if args.list:
        print("\n".join(CASES))
        return 0
    if args.case not in CASES:
        ap.error(f"unknown case {args.case!r}; --list shows them")
    fn, bios, extra = CASES[args.case]
    assets = asset_dir()
    vmm = args.vmm or os.path.join(args.build_dir, "kestrel")
    tmp = tempfile.mkdtemp(prefix="kestrel-linux-")
    takes_tmp = callable(extra)
    cmd = vmm_command(vmm, assets, bios=bios, extra=extra(tmp) if takes_tmp else extra)
    print("$ " + " ".join(cmd), flush=True)
    s = GuestSession(cmd)
    try:
        if takes_tmp:
            fn(s, assets, tmp)
        else:
            fn(s, assets)
    except (GuestError, CheckFailed) as e:
        print(f"FAIL: {args.case}: {e}", flush=True)
        if isinstance(e, CheckFailed):
            print(GuestError("", s.output), flush=True)
        return 1
    finally:
        s.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok: {args.case} ({s.elapsed():.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
