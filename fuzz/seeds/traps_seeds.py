#!/usr/bin/env python3
"""Regenerates fuzz/corpus/traps: one input per kind of exit the decoder knows (fuzz/traps.c's
32-byte records), plus a mixed sequence, so every branch of trap_handle is reached at once."""
import os
import struct

EC_SHIFT, IL = 26, 1 << 25


def rec(kind=0, param=0, esr=0, far=0, hpfar=0, x=0x1122334455667788, pc=0, esrhi=0):
    return struct.pack("<BBIQQQBB", kind, param, esr & 0xFFFFFFFF, far, hpfar, x, pc, esrhi)


def sync(ec, iss, **kw):
    return rec(esr=ec << EC_SHIFT | IL | iss, **kw)


def dabt(region, offset, sas, write, srt=3, sse=False, sf=True, isv=True):
    iss = (1 << 24 if isv else 0) | sas << 22 | (1 << 21 if sse else 0) | srt << 16 | (1 << 15 if sf else 0)
    iss |= (1 << 6 if write else 0) | 0x5  # level-1 translation fault
    return rec(kind=4, param=region, esr=0x24 << EC_SHIFT | IL | iss, far=offset)


seeds = {
    "hvc-xen": sync(0x16, 0xEA1),
    "hvc-smccc": sync(0x16, 0),
    "hvc-other": sync(0x16, 0x42),
    "smc-psci": sync(0x17, 0),
    "smc-other": sync(0x17, 1),
    "wfi": sync(0x01, 0),
    "wfi-pending": rec(kind=0x40, esr=0x01 << EC_SHIFT | IL),
    "wfe": sync(0x01, 1),
    "sysreg": sync(0x18, 0x3A1A3),
    "iabt": sync(0x20, 0x5, far=0x50000000),
    "dabt-unmapped": rec(esr=0x93C08005, far=0x50000000, hpfar=0x500000),
    "dabt-gicd-read32": dabt(0, 0x100, 2, False, sf=False),
    "dabt-gicd-write64": dabt(0, 0x6100, 3, True),
    "dabt-gicd-read8-signed": dabt(0, 0x400, 0, False, sse=True),
    "dabt-gicd-xzr": dabt(0, 0x80, 2, True, srt=31),
    "dabt-gicd-device-error": dabt(0, 0xF0, 2, False),
    "dabt-page-nosyndrome": dabt(1, 0x10, 2, False, isv=False),
    "dabt-window-spill": dabt(2, 0x6, 2, False),
    "dabt-el0": rec(kind=0x24, param=1, esr=0x24 << EC_SHIFT | IL | 1 << 24 | 2 << 22 | 0x5, far=0x20),
    "undef-aarch32": rec(kind=0x30, esr=0x07 << EC_SHIFT | IL),
    "fault-at-vector": rec(pc=0x84, esr=0x00 << EC_SHIFT | IL),
    "serror": rec(kind=3, esr=0xBE000000),
    "irq": rec(kind=2),
}
seeds["sequence"] = b"".join(seeds[k] for k in ("hvc-xen", "dabt-gicd-write64", "dabt-gicd-read32", "wfi", "hvc-other"))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "traps")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
