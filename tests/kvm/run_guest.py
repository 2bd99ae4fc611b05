#!/usr/bin/env python3
"""Runs one kvm-suite case (tests/kvm/cases.py) and checks what the guest produced.

Exit status follows meson: 0 pass, 1 fail, 77 skip (no usable /dev/kvm, said plainly).
"""
import argparse
import fcntl
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import BASE_ARGS, CASES  # noqa: E402

SKIP = 77


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return "cannot open /dev/kvm: %s" % e.strerror
    os.close(fd)
    return None


def native_checksum(build_dir, iterations, workload="compute"):
    exe = os.path.join(build_dir, "bench", "compute-native")
    out = subprocess.run([exe, "--workload", workload, "--iterations", str(iterations)],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"checksum=(0x[0-9a-f]+)", out)
    if not m:
        sys.exit("compute-native printed no checksum: %r" % out)
    return m.group(1)


class UdpPeer:
    """The host's end of a case's UDP exchange with the guest, through slirp.

    A socket on 127.0.0.1 (the guest reaches it as 10.0.2.2) records every datagram and,
    once as many as the case expects have arrived, answers the last sender with the reply.
    """

    def __init__(self, expect, reply):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.expect, self.reply = list(expect), reply
        self.received = []

    def fileno(self):
        return self.sock.fileno()

    def on_readable(self):
        data, sender = self.sock.recvfrom(65536)
        self.received.append(data)
        if len(self.received) == len(self.expect):
            self.sock.sendto(self.reply, sender)

    def problems(self):
        if self.received == self.expect:
            return []
        return ["the host's UDP socket received %r, expected %r" % (self.received, self.expect)]

    def close(self):
        self.sock.close()


def run(cmd, sends, timeout, peer=None):
    """Runs cmd, writing each (pattern, data) to stdin once pattern appears on stdout.

    peer, if given, is served while cmd runs: its on_readable() is called when its fileno()
    is readable.
    """
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err = b"", b""
    pending = list(sends)
    streams = {proc.stdout.fileno(): "out", proc.stderr.fileno(): "err"}
    for fd in streams:
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
    peers = [peer] if peer else []
    deadline = time.monotonic() + timeout
    timed_out = False
    while streams:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            proc.kill()
            break
        ready, _, _ = select.select(list(streams) + peers, [], [], min(left, 0.5))
        for p in peers:
            if p in ready:
                p.on_readable()
        for fd in ready:
            if fd in peers:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                del streams[fd]
            elif streams[fd] == "out":
                out += chunk
            else:
                err += chunk
        while pending and re.search(pending[0][0].encode(), out, re.M):
            proc.stdin.write(pending.pop(0)[1].encode())
            proc.stdin.flush()
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    status = proc.wait()
    return status, out.decode(errors="replace"), err.decode(errors="replace"), timed_out


def lines_in_order(text, patterns):
    """Returns the first pattern not matched by a line after the previous match, or None."""
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    pos = 0
    for pat in patterns:
        rx = re.compile(pat)
        while pos < len(lines) and not rx.fullmatch(lines[pos]):
            pos += 1
        if pos == len(lines):
            return pat
        pos += 1
    return None


def check(c, status, out, err, tmp):
    problems = []
    if status != c["status"]:
        problems.append("exit status %d, expected %d" % (status, c["status"]))
    missing = lines_in_order(out, c["expect"])
    if missing:
        problems.append("serial output lacks a line matching %r (in order)" % missing)
    for pat in c.get("absent", []):
        if re.search(pat, out, re.M):
            problems.append("serial output has a line matching %r, which must not appear"
                            % pat)
    if c.get("stdout_empty") and out:
        problems.append("stdout should be empty but has %d bytes" % len(out))
    missing = lines_in_order(err, c.get("stderr_expect", []))
    if missing:
        problems.append("stderr lacks a line matching %r" % missing)
    if "log_file" in c:
        path = os.path.join(tmp, c["log_file"])
        text = open(path, errors="replace").read() if os.path.exists(path) else ""
        missing = lines_in_order(text, c.get("log_expect", []))
        if missing:
            problems.append("%s lacks a line matching %r; it holds:\n%s"
                            % (c["log_file"], missing, text))
        for pat, want in c.get("log_count", {}).items():
            got = len(re.findall(pat, text))
            if got != want:
                problems.append("%s has %d lines matching %r, expected %d"
                                % (c["log_file"], got, pat, want))
        for pat, least in c.get("log_min", {}).items():
            got = len(re.findall(pat, text, re.M))
            if got < least:
                problems.append("%s has %d matches of %r, expected at least %d"
                                % (c["log_file"], got, pat, least))
        for pat in c.get("log_absent", []):
            m = re.search(pat, text, re.M)
            if m:
                problems.append("%s matches %r, which must not appear: %r"
                                % (c["log_file"], pat, m.group(0)))
    for fname, want in c.get("files_after", {}).items():
        problems += file_problems(os.path.join(tmp, fname), want)
    return problems


def file_problems(path, want):
    """What differs between the file at path, after kestrel exited, and the bytes want."""
    with open(path, "rb") as f:
        got = f.read()
    if got == want:
        return []
    if len(got) != len(want):
        return ["%s is %d bytes, expected %d" % (os.path.basename(path), len(got), len(want))]
    first = next(i for i in range(len(got)) if got[i] != want[i])
    return ["%s differs from the expected image first at byte %d (sector %d): 0x%02x, "
            "expected 0x%02x" % (os.path.basename(path), first, first // 512, got[first],
                                 want[first])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("case", choices=sorted(CASES))
    args = ap.parse_args()

    why = kvm_usable()
    if why:
        print("SKIP: %s; the kvm suite needs a usable /dev/kvm" % why)
        return SKIP

    c = dict(CASES[args.case])
    peer = UdpPeer(**c["udp"]) if "udp" in c else None
    with tempfile.TemporaryDirectory(prefix="kestrel-test-") as tmp:
        subst = {"tmp": tmp, "udp_port": peer.port if peer else 0}
        if "native_iterations" in c:
            subst["native_checksum"] = native_checksum(args.build_dir, c["native_iterations"])
        c["expect"] = [p.format(**subst) for p in c["expect"]]
        for fname, data in c.get("files", {}).items():
            with open(os.path.join(tmp, fname), "wb") as f:
                f.write(data)
        kestrel = os.path.join(args.build_dir, "kestrel")
        guest = os.path.join(args.build_dir, "tests", "guests", "x86", c["guest"] + ".elf")
        cmd = ([kestrel] + BASE_ARGS + ["-kernel", guest]
               + [a.format(**subst) for a in c["args"]])
        print("$ " + " ".join(cmd))
        status, out, err, timed_out = run(cmd, c.get("send_after", []), args.timeout, peer)
        print("--- serial output ---\n" + out + "--- stderr ---\n" + err + "---")
        if timed_out:
            print("FAIL: no exit within %.0f s" % args.timeout)
            return 1
        problems = check(c, status, out, err, tmp)
        if peer:
            problems += peer.problems()
            peer.close()
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("ok: status %d and every expected line seen" % status)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
