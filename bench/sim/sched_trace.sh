#!/usr/bin/env bash
# Scheduler decisions per second and the trace's cost: hypsim runs the fairshare scenario (four
# spinning vCPUs on two pCPUs, 100 us slices) and N null hypercalls (hvcrate) with and without
# --trace. Decisions are the vCPU switches and idles the summary counts at the HAL boundary (a pCPU
# entering another vCPU than last, or idling). Figures only, never pass/fail.
# Usage: bazel run --config=nosan //bench/sim:sched_trace [-- N]
set -euo pipefail
hypsim=${HYPSIM:-hal/sim/hypsim}
fair=${FAIRSHARE_DTS:-hal/sim/scenarios/fairshare.dts}
dts=${HVCRATE_DTS:-bench/sim/hvcrate.dts}
n=${1:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s/CALLS/$n/; s/ MODE//" "$dts" >"$work/hvcrate.dts"

best() { # best wall seconds of 3 runs of "$@"
  local b=999 t0 t1 t
  for _ in 1 2 3; do
    t0=$(date +%s.%N); "$@" >"$work/out" 2>&1; t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l); b=$(echo "if ($t < $b) $t else $b" | bc -l)
  done
  echo "$b"
}
field() { sed -n "s/.*, \([0-9]*\) $1.*/\1/p" "$work/out" | head -1; }

plain=$(best "$hypsim" "$fair" --seed 3)
switches=$(field "vCPU switches") idles=$(field idles) entries=$(field entries)
traced=$(best "$hypsim" "$fair" --seed 3 --trace "$work/fair.json")
size=$(stat -c %s "$work/fair.json")
echo "Scheduler decisions (fairshare: 4 spinning vCPUs, 2 pCPUs, 100 us slices, 30 ms virtual):"
printf '  %d decisions (%d switches incl. %d idles) and %d entries in %.3f s: %.0f decisions/s, %.0f entries/s\n' \
  "$switches" "$switches" "$idles" "$entries" "$plain" "$(echo "$switches / $plain" | bc -l)" "$(echo "$entries / $plain" | bc -l)"
printf '  with --trace: %.3f s (+%.0f%%), %.1f MB of JSON\n' "$traced" "$(echo "($traced / $plain - 1) * 100" | bc -l)" \
  "$(echo "$size / 1000000" | bc -l)"

hp=$(best "$hypsim" "$work/hvcrate.dts" --pcpus 1 --until 1000s)
ht=$(best "$hypsim" "$work/hvcrate.dts" --pcpus 1 --until 1000s --trace "$work/hvc.json")
echo "Null hypercalls ($n, Dom0 on 1 pCPU):"
printf '  %.3f s plain, %.3f s with --trace: %.0f ns per call traced (%.1f MB of JSON)\n' "$hp" "$ht" \
  "$(echo "($ht - $hp) * 1000000000 / $n" | bc -l)" "$(echo "$(stat -c %s "$work/hvc.json") / 1000000" | bc -l)"
if nm -C "$hypsim" 2>/dev/null | grep -q __asan_init; then echo "  (ASan+UBSan build: use --config=nosan)"; fi
