#!/usr/bin/env python3
"""Regenerates fuzz/corpus/gnttab_evtchn: grant and event-channel sequences between Dom0 (0) and
the DomUs (1, 2) that reach each op's success path, in fuzz/gnttab_evtchn.c's 8-byte steps
(kind, caller | vcpu << 2, peer, flags, a, b)."""
import os
import struct

(GRANT, REVOKE, MAP, UNMAP, COPY, TABLE, PHYSMAP, ALLOC, BIND, CLOSE, SEND, UNMASK, BIND_VCPU, BIND_IPI,
 BIND_VIRQ, RESET_STATUS) = range(16)
SELF = 0xFF


def step(kind, who, peer=0, flags=0, a=0, b=0):
    return struct.pack("<BBBBHH", kind, who, peer, flags, a, b)


seeds = {
    "map-unmap": b"".join([
        step(GRANT, 1, 2, 0, 8, 2), step(MAP, 2, 1, 0, 8, 0), step(UNMAP, 2, 1, 0, 0, 0),
    ]),
    "map-readonly-copy-revoke": b"".join([
        step(GRANT, 1, 0, 1, 3, 1), step(MAP, 0, 1, 1, 3, 5), step(COPY, 0, 1, 1, 3, 64),
        step(REVOKE, 1, 0, 0, 3), step(UNMAP, 0, 1, 0, 0, 5), step(MAP, 0, 1, 1, 3, 5),
    ]),
    "map-twice-unmap-wrong-address": b"".join([
        step(GRANT, 2, 1, 0, 1, 3), step(MAP, 1, 2, 0, 1, 1), step(MAP, 1, 2, 1, 1, 2),
        step(UNMAP, 1, 2, 2, 0, 9), step(UNMAP, 1, 2, 0, 1), step(UNMAP, 1, 2, 0, 0),
    ]),
    "copy-to-grant": b"".join([
        step(GRANT, 2, 0, 0, 4, 4), step(COPY, 0, 2, 2, 4 * 64 + 1, 0x800), step(COPY, 0, 2, 0, 9, 32),
    ]),
    "map-own-grant": b"".join([step(GRANT, 1, 1, 0, 2, 0), step(MAP, 1, 1, 0, 2, 3), step(UNMAP, 1, 1, 0, 0, 3)]),
    "table-frames": b"".join([
        step(PHYSMAP, 1, 0, 0, 1, 1), step(TABLE, 1, SELF, 0, 0, 2), step(TABLE, 2, SELF, 1),
        step(TABLE, 0, 1, 0, 0, 4), step(TABLE, 2, SELF, 2), step(PHYSMAP, 2, 0, 1, 0, 6),
    ]),
    "evtchn-pair": b"".join([
        step(ALLOC, 1, 2), step(BIND, 2, 1, 0, 1), step(SEND, 1, 0, 0, 1), step(UNMASK, 2, 0, 0, 1),
        step(BIND_VCPU, 2, 0, 0, 1, 1), step(RESET_STATUS, 2, SELF, 0, 1), step(CLOSE, 2, 0, 0, 1),
        step(SEND, 1, 0, 0, 1),
    ]),
    "evtchn-dom0-for-others": b"".join([
        step(ALLOC, 0, 2, 1), step(BIND, 1, 2, 0, 1), step(RESET_STATUS, 0, 2, 1), step(RESET_STATUS, 0, 1, 0, 1),
    ]),
    "evtchn-virq-ipi-reset": b"".join([
        step(BIND_VIRQ, 0, 0, 0, 2, 0), step(BIND_VIRQ, 1, 0, 0, 0, 1), step(BIND_IPI, 1, 0, 0, 0, 1),
        step(SEND, 1, 0, 0, 2), step(RESET_STATUS, 1, SELF, 1),
    ]),
    "grant-and-channel": b"".join([
        step(GRANT, 1, 0, 0, 10, 6), step(ALLOC, 1, 0), step(MAP, 0, 1, 0, 10, 7), step(BIND, 0, 1, 0, 1),
        step(SEND, 0, 0, 0, 1), step(UNMAP, 0, 1, 0, 0, 7), step(CLOSE, 1, 0, 0, 1),
    ]),
}
# Inputs starting 0x80-0x87 also tear the machine down and check for leaks in the engine builds.
seeds["map-then-teardown"] = step(GRANT | 0x80, 1, 2, 0, 8, 2) + step(MAP, 2, 1, 0, 8, 0) + step(ALLOC, 1, 2)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "gnttab_evtchn")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
