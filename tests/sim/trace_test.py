#!/usr/bin/env python3
"""hypsim --trace: the JSON is well-formed Chrome trace-event format (what Perfetto's UI opens), its
instant events count what the summary table counts per domain, its spans are consistent (no
negative durations, every guest span on a pCPU and a vCPU track), and the same seed writes the same
bytes while another seed does not. A failure prints the command that replays it."""
import collections
import json
import re
import subprocess
import sys
import os

hypsim, dtbs = sys.argv[1], sys.argv[2:]
tmp = os.environ.get("TEST_TMPDIR", "/tmp")
failed = False


def fail(scn, seed, msg):
    global failed
    failed = True
    name = os.path.basename(scn).replace(".dtb", ".dts")
    print(f"FAIL: {name} seed {seed}: {msg}")
    print(f"replay: bazel run //:hypsim -- hal/sim/scenarios/{name} --seed {seed} --trace /tmp/t.json")


def run(dtb, seed, path):
    p = subprocess.run([hypsim, dtb, "--seed", str(seed), "--trace", path], capture_output=True, text=True)
    return p.returncode, p.stdout


def summary(out):
    """Per domain: the table's counters and the exits/hypercalls lists."""
    doms = {}
    cur = None
    for line in out.splitlines():
        m = re.match(r"^d(\d+)\s", line)
        if m and "hypsim summary" not in line:
            f = line.split()
            cur = int(m.group(1))
            # domain name vCPUs run guest IRQs events s2-faults peak MiB end MiB shutdown
            k = 1 if not re.match(r"^\d+$", f[1]) else 0
            nums = f[1 + k:]
            doms[cur] = {"vcpus": int(nums[0]), "irqs": int(nums[3]), "events": int(nums[4]),
                         "s2": int(nums[5])}
        elif cur is not None and line.strip().startswith(("exits:", "hypercalls:")):
            kind = line.split(":")[0].strip()
            pairs = dict((k, int(v)) for k, v in re.findall(r"(\S+)=(\d+)", line))
            doms[cur][kind] = pairs
    return doms


for dtb in dtbs:
    seed = 5
    a, b, c = (os.path.join(tmp, f"trace.{x}.json") for x in "abc")
    rc, out = run(dtb, seed, a)
    if rc != 0:
        fail(dtb, seed, f"hypsim exit status {rc}")
        continue
    try:
        with open(a) as f:
            doc = json.load(f)
    except ValueError as e:
        fail(dtb, seed, f"the trace is not JSON: {e}")
        continue
    ev = doc.get("traceEvents")
    if not isinstance(ev, list) or not ev:
        fail(dtb, seed, "no traceEvents list")
        continue
    for e in ev:
        if e.get("ph") not in ("X", "i", "M") or "pid" not in e or "name" not in e:
            fail(dtb, seed, f"malformed event {e}")
            break
        if e["ph"] in "Xi" and (not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0):
            fail(dtb, seed, f"bad ts in {e}")
            break
        if e["ph"] == "X" and e.get("dur", -1) < 0:
            fail(dtb, seed, f"bad dur in {e}")
            break
    doms = summary(out)
    if not doms:
        fail(dtb, seed, "no domain in the summary")
    count = collections.Counter()
    hc_ops = collections.defaultdict(collections.Counter)
    for e in ev:
        if e["ph"] != "i" or e["pid"] == 0:
            continue
        d = e["pid"] - 1
        kind = e["name"].split(" ")[0]
        count[(d, kind)] += 1
        if kind == "hypercall":
            hc_ops[d][e["name"].split(" ")[1]] += 1
    guest_spans = collections.Counter((e["pid"] - 1) for e in ev if e["ph"] == "X" and e["name"] == "guest")
    for d, s in doms.items():
        want_hc = sum(v for k, v in s.get("hypercalls", {}).items() if k != "smccc")
        checks = [("hypercall instants", count[(d, "hypercall")], want_hc),
                  ("irq instants", count[(d, "irq")], s["irqs"]),
                  ("evtchn send instants", count[(d, "evtchn")], s["events"]),
                  ("stage-2 instants", count[(d, "stage-2")], s["s2"]),
                  ("guest spans", guest_spans[d], sum(s.get("exits", {}).values()))]
        for what, got, want in checks:
            if got != want:
                fail(dtb, seed, f"d{d}: {got} {what} in the trace, the summary says {want}")
        for op, n in s.get("hypercalls", {}).items():
            if op != "smccc" and hc_ops[d][op] != n:
                fail(dtb, seed, f"d{d}: {hc_ops[d][op]} '{op}' hypercalls traced, summary {n}")
    run(dtb, seed, b)
    run(dtb, seed + 1, c)
    if open(a, "rb").read() != open(b, "rb").read():
        fail(dtb, seed, "same seed, different trace")
    if open(a, "rb").read() == open(c, "rb").read():
        fail(dtb, seed, "another seed wrote the same trace (is the seed used?)")
    tracks = {(e["pid"], e.get("tid")) for e in ev if e["ph"] == "X"}
    print(f"{'FAIL' if failed else 'PASS'}: {os.path.basename(dtb)}: {len(ev)} events on {len(tracks)} tracks, "
          f"counts match the summary for {len(doms)} domain(s), deterministic")
sys.exit(1 if failed else 0)
