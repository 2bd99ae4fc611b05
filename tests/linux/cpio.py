#!/usr/bin/env python3
"""Writes a directory tree as a "newc" cpio archive, the format the Linux kernel unpacks as
its initramfs. Owners are root and times are zero, so the same tree gives the same bytes."""
import argparse
import gzip
import os
import stat
import sys


def header(ino, mode, nlink, size, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields) + name + b"\0"


def pad4(n):
    return b"\0" * (-n % 4)


def entry(ino, mode, name, data=b""):
    head = header(ino, mode, 2 if stat.S_ISDIR(mode) else 1, len(data), name)
    return head + pad4(len(head)) + data + pad4(len(data))


def contents(path):
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return st.st_mode, os.readlink(path).encode()
    if stat.S_ISREG(st.st_mode):
        with open(path, "rb") as f:
            return st.st_mode, f.read()
    if stat.S_ISDIR(st.st_mode):
        return st.st_mode, b""
    sys.exit(f"cpio.py: {path}: only files, links and directories are supported")


def walk(root, rel=""):
    """Yields (relative name, absolute path), each directory before what it holds."""
    for name in sorted(os.listdir(os.path.join(root, rel))):
        sub = os.path.join(rel, name)
        path = os.path.join(root, sub)
        yield sub, path
        if os.path.isdir(path) and not os.path.islink(path):
            yield from walk(root, sub)


def archive(root):
    out = []
    for ino, (rel, path) in enumerate(walk(root), start=1):
        mode, data = contents(path)
        out.append(entry(ino, mode, rel.encode(), data))
    out.append(entry(0, 0, b"TRAILER!!!"))
    blob = b"".join(out)
    return blob + b"\0" * (-len(blob) % 512)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", required=True, help="directory to archive")
    ap.add_argument("--gzip", action="store_true", help="compress the archive with gzip")
    ap.add_argument("output")
    args = ap.parse_args()
    blob = archive(args.root)
    if args.gzip:
        blob = gzip.compress(blob, compresslevel=6, mtime=0)
    with open(args.output + ".tmp", "wb") as f:
        f.write(blob)
    os.replace(args.output + ".tmp", args.output)


if __name__ == "__main__":
    main()
