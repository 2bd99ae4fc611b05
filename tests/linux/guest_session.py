"""A Linux guest on a serial console, driven like a person at a terminal.

The VMM (kestrel or qemu-system-riscv64, same command line) runs on a pseudo-terminal, so the
console behaves as it does for a user: raw mode, Ctrl-C passed to the guest, Ctrl-A x to quit.
Shared by the linux test suite (tests/linux/run_linux.py) and scripts/bench.
"""

import os
import pty
import re
import select
import signal
import subprocess
import time
import tty

# Printed by the initramfs's /init (tests/linux/init) once the kernel has handed over.
INIT_MARKER = b"kestrel-init: up"
PROMPT = b"# "
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def asset_dir():
    """The directory scripts/riscv-linux-assets fills (it prints it)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([os.path.join(root, "scripts", "riscv-linux-assets")],
                         check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def vmm_command(vmm, assets, bios="fw_jump.bin", append="console=ttyS0", ram_mib=512,
                extra=()):
    return [vmm, "-M", "virt", "-m", str(ram_mib), "-bios", os.path.join(assets, bios),
            "-kernel", os.path.join(assets, "vmlinux"),
            "-initrd", os.path.join(assets, "initrd.gz"), "-append", append, "-nographic",
            *extra]


def text_of(raw):
    """Console bytes as text: escape sequences and carriage returns dropped."""
    return ANSI.sub(b"", raw).replace(b"\r", b"").decode(errors="replace")


class GuestError(Exception):
    def __init__(self, msg, output=b""):
        text = text_of(output)
        tail = "\n".join("    " + line for line in text.strip().splitlines()[-25:])
        super().__init__(f"{msg}\n  console output (last lines):\n{tail}" if tail else msg)


class GuestSession:
    def __init__(self, cmd, env=None):
        self.cmd = cmd
        master, slave = pty.openpty()
        tty.setraw(master)
        self.master = master
        self.start = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True, env=env)
        os.close(slave)
        self.output = b""
        self.seen = 0   # how much of output earlier waits consumed
        self.count = 0  # commands run, for unique end markers

    def elapsed(self):
        return time.monotonic() - self.start

    def _read(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the VMM closed the terminal
            data = b""
        if not data:
            if self.proc.poll() is not None:
                raise GuestError(f"{self.cmd[0]} exited with status {self.proc.returncode} "
                                 "while a reply was awaited", self.output)
            time.sleep(0.01)
        self.output += data
        return True

    def wait_for(self, pattern, timeout):
        """Waits for pattern (bytes or compiled regex) after what earlier waits consumed.
        Returns (the text before it, seconds since start when it appeared)."""
        deadline = time.monotonic() + timeout
        while True:
            if isinstance(pattern, bytes):
                at = self.output.find(pattern, self.seen)
                end = at + len(pattern)
            else:
                m = pattern.search(self.output, self.seen)
                at, end = (m.start(), m.end()) if m else (-1, -1)
            if at >= 0:
                before = self.output[self.seen:at]
                self.seen = end
                return before, self.elapsed()
            if not self._read(deadline):
                raise GuestError(f"timed out after {timeout:.0f} s waiting for {pattern!r}",
                                 self.output)

    def send(self, data):
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def run(self, command, timeout=60):
        """Runs a shell command line; returns (its output, its exit status)."""
        self.count += 1
        start, end = f"kestrel-start-{self.count}", f"kestrel-end-{self.count}"
        # Each marker is split in the typed line, so only the shell's output matches it.
        self.send(f"echo \"@@{start[:6]}\"\"{start[6:]}@@\"; {command}; "
                  f"echo \"@@{end[:6]}\"\"{end[6:]} $?@@\"\r")
        self.wait_for(f"@@{start}@@".encode(), timeout)
        out, _ = self.wait_for(re.compile(rb"@@" + end.encode() + rb" (\d+)@@"), timeout)
        status = int(re.search(rb"(\d+)@@$", self.output[:self.seen]).group(1))
        self.wait_for(PROMPT, timeout)
        return text_of(out).strip("\n"), status

    def type_line(self, line, timeout=60):
        """Types a line as a person would and waits for the next prompt; returns what the
        console showed. For transcripts: run() is the reliable way to get a command's output."""
        self.send(line + "\r")
        echo, _ = self.wait_for(b"\n", timeout)
        out, _ = self.wait_for(PROMPT, timeout)
        return text_of(echo + b"\n" + out)

    def finish(self, timeout=60):
        """Waits for the VMM to exit; returns its status."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            try:
                if not self._read(deadline):
                    break
            except GuestError:
                break
        try:
            return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise GuestError(f"{self.cmd[0]} did not exit within {timeout:.0f} s", self.output)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass
