#!/usr/bin/env python3
"""Regenerates fuzz/corpus/vgic_mmio: GICv2 and GICv3 guests bringing up their distributor (and
redistributors), enabling, routing and raising interrupts and taking them, in fuzz/vgic_mmio.c's
format (2 bytes of machine, then 16-byte steps)."""
import os
import struct

ACCESS, INJECT, LEVEL, RUN, MISC = 0, 4, 5, 6, 7
DENSE, GICD, GICR = 0, 1, 2


def machine(version, vcpus=2, spi_blocks=1, lrs=4, prio=0):
    return bytes([(1 if version == 3 else 0) | ((vcpus - 1) % 4) << 1 | (spi_blocks - 1) << 3,
                  (lrs - 1) | prio << 4])


def step(kind, vcpu=0, sel=0, acc=0, off=0, val=0):
    return struct.pack("<BBBBIQ", kind, vcpu, sel, acc, off, val)


def rd(off, size=4, where=DENSE, vcpu=0, sse=False):
    sas = {1: 0, 2: 1, 4: 2, 8: 3}[size]
    return step(ACCESS, vcpu, where | 0x20, sas | (8 if sse else 0) | 0x10, off)


def wr(off, val, size=4, where=DENSE, vcpu=0):
    sas = {1: 0, 2: 1, 4: 2, 8: 3}[size]
    return step(ACCESS, vcpu, where | 0x20, sas | 4 | 0x10, off, val)


def run(vcpu=0, ack=True, eoi=0xff00):
    return step(RUN, vcpu, val=1 | (2 if ack else 0) | eoi)


def common(where):
    """Enable SPI 32 and PPI 27 in group 1 at priority 0xa0, level-sensitive SPI 33."""
    return b"".join([
        wr(0x80, 0xffffffff), wr(0x84, 0xffffffff, where=where),
        wr(0x104, 0x3), wr(0x420, 0xa0a0a0a0, where=where), wr(0xc08, 0x0, where=where),
        rd(0x104), rd(0x420, 1), rd(0x400, 8),
    ])


seeds = {}
v2 = machine(2)
seeds["v2-bringup"] = v2 + b"".join([
    rd(0x4), rd(0x8), rd(0xfe8, where=GICD), wr(0x0, 0x3), common(DENSE),
    wr(0x820, 0x02020202), rd(0x820, 1), rd(0x800),
    step(INJECT, 0, off=32), step(INJECT, 1, off=33), step(LEVEL, 0, off=34, val=1),
    run(0), run(1), run(1, ack=False), step(LEVEL, 0, off=34, val=0), run(0),
])
seeds["v2-sgir"] = v2 + b"".join([
    wr(0x0, 0x3), wr(0x100, 0xffff), wr(0xf00, 0x00020005), wr(0xf00, 0x01000003), rd(0xf10), rd(0xf20),
    run(1), run(0), wr(0xf20, 0xff), wr(0x380, 0xffffffff), run(1),
])
seeds["v2-odd-sizes"] = v2 + b"".join([
    rd(0x400, 1), rd(0x401, 1, sse=True), rd(0x402, 2), wr(0x403, 0xff, 1), rd(0x100, 8), wr(0x100, 1, 2),
    step(ACCESS, 0, 0x40, 2, 0x100), step(ACCESS, 0, 0x80 | 0x20, 0x12, 0x4), rd(0x1000, where=3),
])
v3 = machine(3, vcpus=3, spi_blocks=2, lrs=2, prio=2)
seeds["v3-bringup"] = v3 + b"".join([
    rd(0x4), wr(0x0, 0x12), rd(0x0), rd(0xffe8, where=GICD), rd(0x8, 8, where=GICR),
    wr(0x14, 0x0, where=GICR), rd(0x14, where=GICR), rd(0x20008, 8, where=GICR),
    wr(0x10100, 0x08000000, where=GICR), wr(0x10418, 0x80000000, where=GICR), common(GICD),
    wr(0x6100, 0x1, 8, where=GICD), rd(0x6100, 8, where=GICD), wr(0x6108, 1 << 31, 8, where=GICD),
    step(INJECT, 0, off=27), step(INJECT, 2, off=32), step(INJECT, 0, off=33), run(0), run(1), run(2),
])
seeds["v3-sgi1r"] = v3 + b"".join([
    wr(0x0, 0x12), wr(0x10100, 0xffff, where=GICR), wr(0x30100, 0xffff, where=GICR),
    step(MISC, 0, val=(1 << 40) | (3 << 24) | 0x2), step(MISC, 1, val=(1 << 24) | 1), run(0), run(1),
    step(MISC, 0, val=0x10), step(MISC, 1, off=40, val=0x2101), run(1),
])
seeds["v3-many-lrs"] = machine(3, vcpus=1, spi_blocks=8, lrs=16, prio=1) + b"".join(
    [wr(0x0, 0x12), wr(0x80, 0xffffffff), wr(0x84, 0xffffffff), wr(0x104, 0xffffffff)]
    + [step(INJECT, 0, off=32 + i) for i in range(24)] + [run(0, eoi=0xff00 * (i & 1)) for i in range(12)]
)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "vgic_mmio")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
