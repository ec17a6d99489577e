#!/usr/bin/env python3
"""Regenerates fuzz/corpus/hcall: short hypercall sequences that reach each op's success path
(fuzz/hcall.c's records: who, op index, pointer mask, memlen, x0-x4, then memlen bytes)."""
import os
import struct

OPS = ["memory_op", "xen_version", "console_io", "grant_table_op", "vcpu_op", "sched_op",
       "event_channel_op", "hvm_op", "domctl"]
STORE = 0xFE
ARG = (0x40000 + 7) << 12
SELF = 0x7FF0


def call(dom, op, x=(0, 0, 0, 0, 0), ptrs=0, mem=b"", vcpu=0):
    x = list(x) + [0] * (5 - len(x))
    return struct.pack("<BBBB5Q", dom | vcpu << 2, OPS.index(op) if isinstance(op, str) else op, ptrs,
                       len(mem), *x) + mem


def store(dom, offset, data, table=True, page=0):
    return call(dom, STORE, (offset, 1 if table else page * 2), mem=data)


def evtchn(dom, cmd, body):
    return call(dom, "event_channel_op", (cmd, 0), ptrs=0x2, mem=body)


def gnttab(dom, cmd, body, count=1):
    return call(dom, "grant_table_op", (cmd, 0, count), ptrs=0x2, mem=body)


seeds = {
    "xen-version": call(1, "xen_version", (0, 0)),
    "xen-version-extraversion": call(2, "xen_version", (1, 0), ptrs=0x2),
    "console-write": call(0, "console_io", (0, 6, 0), ptrs=0x4, mem=b"hello\n"),
    "sched-yield": call(1, "sched_op", (0, 0)),
    "hvm-get-callback": call(1, "hvm_op", (1, 0), ptrs=0x2, mem=struct.pack("<HHIQ", SELF, 0, 0, 0)),
    "domctl-pause": call(0, "domctl", (0,), ptrs=0x1, mem=struct.pack("<IIH", 3, 0x15, 1) + bytes(120)),
    "shared-info": call(1, "memory_op", (7, 0), ptrs=0x2,
                        mem=struct.pack("<HHIQQ", SELF, 0, 0, 0, 0x40005)),
    "vcpu-info": call(1, "vcpu_op", (10, 0, 0), ptrs=0x4, mem=struct.pack("<QII", 0x40004, 64, 0)),
    "evtchn-interdomain-send": (
        evtchn(1, 6, struct.pack("<HHI", SELF, 2, 0))                       # d1: alloc_unbound for d2
        + evtchn(2, 0, struct.pack("<HHII", 1, 0, 1, 0))                    # d2: bind to d1's port 1
        + evtchn(1, 4, struct.pack("<I", 1))                                # d1: send
        + evtchn(2, 5, struct.pack("<HHIII", SELF, 0, 1, 0, 0) + bytes(8))  # d2: status
        + evtchn(1, 3, struct.pack("<I", 1))),                              # d1: close
    "evtchn-virq-ipi": (evtchn(0, 1, struct.pack("<III", 0, 0, 0)) + evtchn(1, 7, struct.pack("<II", 1, 0))
                        + evtchn(1, 8, struct.pack("<II", 1, 1)) + evtchn(2, 10, struct.pack("<H", SELF))),
    "gnttab-map-copy-unmap": (
        store(1, 8 * 8, struct.pack("<HHI", 0x1, 2, 0x40002))               # d1 grants page 2 to d2
        + gnttab(2, 0, struct.pack("<QIIHhIQ", 0x50000 << 12, 0x2, 8, 1, 0, 0, 0))
        + gnttab(2, 5, struct.pack("<QHHQHHHHh", 8, 1, 0, 0x40001, SELF, 0, 64, 0x1, 0) + bytes(6))
        + gnttab(2, 1, struct.pack("<QQIh", 0x50000 << 12, 0, 0, 0))),
    "gnttab-setup-query": (gnttab(1, 2, struct.pack("<HIhQ", SELF, 2, 0, ARG + 0x100)[:24].ljust(24, b"\0"))
                           + gnttab(2, 6, struct.pack("<HIIh", SELF, 0, 0, 0).ljust(16, b"\0"))),
    "sched-shutdown": call(2, "sched_op", (2, 0), ptrs=0x2, mem=struct.pack("<I", 0)),
    "sched-remote-shutdown": call(0, "sched_op", (4, 0), ptrs=0x2, mem=struct.pack("<HHI", 2, 0, 0)),
    "hvm-dom0-sets-store-pfn": (call(0, "hvm_op", (0, 0), ptrs=0x2, mem=struct.pack("<HHIQ", 1, 0, 1, 0x40003))
                                + call(1, "hvm_op", (1, 0), ptrs=0x2, mem=struct.pack("<HHIQ", SELF, 0, 1, 0))),
    "runstate-area": call(1, "vcpu_op", (5, 1, 0), ptrs=0x4, mem=struct.pack("<Q", 0x40002000)),
    "domctl-pause-unpause": (call(0, "domctl", (0,), ptrs=0x1, mem=struct.pack("<IIH", 3, 0x15, 2) + bytes(120))
                             + call(0, "domctl", (0,), ptrs=0x1, mem=struct.pack("<IIH", 4, 0x15, 2) + bytes(120))),
    "console-read-dom0": call(0, "console_io", (1, 16, 0), ptrs=0x4),
    "grant-table-over-ram": call(1, "memory_op", (7, 0), ptrs=0x2, mem=struct.pack("<HHIQQ", SELF, 0, 1, 0, 0x40005)),
    "teardown-after-map": (
        struct.pack("<B", 0x81)[0:0]
        + call(1, STORE, (8 * 8, 1), mem=struct.pack("<HHI", 0x1, 2, 0x40002))
        + gnttab(2, 0, struct.pack("<QIIHhIQ", 0x50000 << 12, 0x2, 8, 1, 0, 0, 0))),
}
# Inputs whose first byte is 0x80-0x87 also tear the world down and check for leaks in the engine
# builds: one with a grant still mapped (who = 0x81: d1, bit pattern 0x80 set).
seeds["teardown-after-map"] = bytes([0x81]) + seeds["teardown-after-map"][1:]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "hcall")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
