#!/usr/bin/env python3
"""Writes hand-built seed inputs for fuzz/fuzz_virtq.c (its header comment gives the layout)
into the directory named on the command line: well-formed queues the fuzzer mutates from."""
import struct
import sys
from pathlib import Path

RAM = 0x80000000  # layouts 0 and 1 start here
TOP = 0xFFFFFFFFFFFFF000 - 0x1000  # layout 2's upper region
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4
DESC, AVAIL, USED, INDIRECT, BUF = 0x0, 0x400, 0x800, 0xC00, 0x1000


def desc(addr, length, flags=0, nxt=0):
    return struct.pack("<QIHH", addr, length, flags, nxt)


def seed(flags=0, size_sel=3, raw=0, modes=0, chunk=0, areas=(DESC, AVAIL, USED), ram=(),
         load=0):
    """ram: (offset into RAM, bytes) pairs; the input's RAM part starts at offset load (and
    wraps around at the RAM size, so offsets past it land at the start)."""
    header = struct.pack("<BBHBHB", flags, size_sel, raw, modes, chunk, load // 64)
    header += struct.pack("<QQQ", *areas)
    body = bytearray(max((off + len(b) - load for off, b in ram), default=0))
    for off, b in ram:
        body[off - load:off - load + len(b)] = b
    return header + bytes(body)


def avail(heads, used_event=None, num=8):
    ring = struct.pack("<HH", 0, len(heads)) + b"".join(struct.pack("<H", h) for h in heads)
    ring += b"\0" * (2 * (num - len(heads)))
    return ring + (struct.pack("<H", used_event) if used_event is not None else b"")


def basic(base, flags=0):
    """Three chains: read then write; one through an indirect table; a lone write."""
    table = desc(base + BUF, 16, F_NEXT, 1) + desc(base + BUF + 0x100, 64, F_WRITE)
    table += desc(base + INDIRECT, 3 * 16, F_INDIRECT) + desc(base + BUF + 0x200, 8, F_WRITE)
    indirect = desc(base + BUF, 4, F_NEXT, 2) + desc(base + BUF + 0x300, 1, F_WRITE)
    indirect += desc(base + BUF + 0x20, 12, F_NEXT, 1)
    return [(DESC, table), (AVAIL, avail([0, 2, 3], 1 if flags & 1 else None)),
            (INDIRECT, indirect), (BUF, b"request payload!")]


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    seeds = {
        "basic": seed(ram=basic(RAM)),
        "event-idx": seed(flags=1, chunk=5, ram=basic(RAM, 1)),
        "reactivate": seed(flags=16, ram=basic(RAM)),
        # Layout 1: the used ring at the end of the first region, a buffer past the hole.
        "hole": seed(flags=1 << 2, areas=(DESC, AVAIL, 0x1000 - 4 - 8 * 8),
                     ram=[(DESC, desc(RAM + 0x10000, 0x100, F_WRITE)), (AVAIL, avail([0]))]),
        # Layout 2: a buffer in the region just below the top of the address space.
        "top": seed(flags=2 << 2, ram=[(DESC, desc(TOP + 0xff0, 16, F_WRITE)),
                                       (AVAIL, avail([0]))]),
        "raw-size": seed(flags=2, raw=1024, ram=basic(RAM)),
        # Two buffers, then a 1024-entry indirect table whose first entry names itself: the
        # chain reaches VIRTQ_MAX_SEGS buffers before the loop is seen.
        "seg-cap": seed(ram=[(DESC, desc(RAM + BUF, 8, F_NEXT, 1) + desc(RAM + BUF, 8, F_NEXT, 2)
                              + desc(RAM + 0x1800, 1024 * 16, F_INDIRECT)),
                             (AVAIL, avail([0])), (0x1800, desc(RAM + BUF, 8, F_NEXT, 0))]),
        # Tables that end where a region ends, so an index one too far leaves RAM; the chains
        # wrap from the last entry to the first. Layout 1: the descriptor table ends the first
        # region, a buffer ends the second.
        "hole-end": seed(flags=1 << 2, areas=(0x1000 - 8 * 16, 0x1000, 0x1100), load=0xf80,
                         ram=[(0xf80, desc(RAM + (72 << 20) + 0x10000 - 32, 32, F_WRITE)),
                              (0xff0, desc(RAM, 16, F_NEXT, 0)), (0x1000, avail([7]))]),
        # Layout 2: an indirect table ends the top region; the input wraps around from there
        # to the start of RAM (8 KiB here), where the rings and a second indirect table are.
        # The chain in the first table has a next index just past its end: the queue breaks.
        "top-end": seed(flags=2 << 2, areas=(0, 0x80, 0x100), load=0x1fc0,
                        ram=[(0x1fd0, desc(TOP, 8, F_NEXT, 2) + desc(0, 0)
                              + desc(TOP + 0x100, 0xf00, F_WRITE | F_NEXT, 3)),
                             (0x2000, desc(0x200, 32, F_INDIRECT)
                              + desc(TOP + 0x1000 - 48, 48, F_INDIRECT)),
                             (0x2080, avail([0, 1])),
                             (0x2200, desc(TOP, 8, F_NEXT, 1) + desc(TOP + 0x100, 8, F_WRITE))]),
    }
    for name, data in seeds.items():
        (out / f"seed-{name}").write_bytes(data)


if __name__ == "__main__":
    main()
