#!/usr/bin/env python3
"""Packs the Dom0 test initramfs: a gzipped cpio (newc) with busybox, /init and the Xen modules.

Usage: mkinitrd.py TREE KVER INIT OUT. TREE holds the unpacked kernel and busybox-static packages.
Debian's kernel package ships no modules.dep (depmod makes it on install), so each module's
dependencies come from the depends= field of its own .modinfo section.
"""
import gzip
import os
import struct
import sys

WANTED = ["xen-evtchn", "xenfs", "xen-privcmd"]


def modinfo(path):
    """The NUL-separated key=value strings of an ELF64 little-endian module's .modinfo section."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"mkinitrd: {path}: not an ELF64 little-endian module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def section(i):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        return name, off, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            fields = {}
            for item in data[off:off + size].split(b"\0"):
                if b"=" in item:
                    k, v = item.decode().split("=", 1)
                    fields.setdefault(k, v)
            return fields
    return {}


def load_order(moddir):
    """Wanted modules' paths (relative to moddir), each after the modules it depends on."""
    by_name = {}
    for root, _, files in os.walk(moddir):
        for f in files:
            if f.endswith(".ko"):
                by_name[f[:-3].replace("_", "-")] = os.path.relpath(os.path.join(root, f), moddir)
    order, seen = [], set()

    def visit(name):
        name = name.replace("_", "-")
        if name in seen:
            return
        seen.add(name)
        if name not in by_name:
            raise SystemExit(f"mkinitrd: module {name} not in the kernel package")
        deps = modinfo(os.path.join(moddir, by_name[name])).get("depends", "")
        for d in filter(None, deps.split(",")):
            visit(d)
        order.append(by_name[name])

    for w in WANTED:
        visit(w)
    return order


class Cpio:
    """A cpio 'newc' archive (the format the kernel unpacks as an initramfs)."""

    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def _entry(self, name, mode, data=b""):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join(
            f"{v:08x}" for v in (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        self.ino += 1
        self.out += hdr.encode() + name_b
        self.out += b"\0" * (-len(self.out) % 4)
        self.out += data
        self.out += b"\0" * (-len(self.out) % 4)

    def dir(self, name):
        self._entry(name, 0o040755)

    def file(self, name, data, mode=0o644):
        self._entry(name, 0o100000 | mode, data)

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return bytes(self.out)


def main():
    tree, kver, init, out = sys.argv[1:5]
    moddir = os.path.join(tree, "lib/modules", kver)
    order = load_order(moddir)
    a = Cpio()
    for d in ["bin", "dev", "proc", "sys", "lib", "lib/modules"]:
        a.dir(d)
    a.file("bin/busybox", open(os.path.join(tree, "bin/busybox"), "rb").read(), 0o755)
    a.file("init", open(init, "rb").read(), 0o755)
    made = set()
    for rel in order:
        parts = os.path.dirname(rel).split("/")
        for i in range(1, len(parts) + 1):
            d = "lib/modules/" + "/".join(parts[:i])
            if d not in made:
                made.add(d)
                a.dir(d)
        a.file("lib/modules/" + rel, open(os.path.join(moddir, rel), "rb").read())
    a.file("lib/modules/order", ("\n".join(order) + "\n").encode())
    with open(out, "wb") as f:
        f.write(gzip.compress(a.finish(), 9, mtime=0))
    print(f"mkinitrd: {out}: busybox, /init, modules in load order: {' '.join(order)}")


if __name__ == "__main__":
    main()
