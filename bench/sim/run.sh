#!/usr/bin/env bash
# The sim's null-hypercall rate through the whole trap path (guest instruction, stage-2-walked
# program, EL2 exit, the core's dispatch, return): hypsim runs Dom0's hvcrate program with N calls
# and with none, and the difference is the calls' cost. Figures only, never pass/fail.
# Usage: bazel run --config=nosan //bench/sim:run [-- N]   (callgrind needs the unsanitised build)
set -euo pipefail
hypsim=${HYPSIM:-hal/sim/hypsim}
dts=${HVCRATE_DTS:-bench/sim/hvcrate.dts}
n=${1:-200000}
ncg=$((n / 10))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tree() { sed "s/CALLS/$1/" "$dts" >"$work/hvcrate-$1.dts"; echo "$work/hvcrate-$1.dts"; }
run() { "$hypsim" "$(tree "$1")" --pcpus 1 --until 1000s >"$work/out-$1" 2>&1; }
seconds() { local t0 t1; t0=$(date +%s.%N); run "$1"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

run 0
grep -q "hvcrate: 0 calls, 0 bad" "$work/out-0" || { cat "$work/out-0"; echo "bench/sim: the scenario did not run" >&2; exit 1; }
best0=999 bestn=999
for _ in 1 2 3; do
  t=$(seconds 0); best0=$(echo "if ($t < $best0) $t else $best0" | bc -l)
  t=$(seconds "$n"); bestn=$(echo "if ($t < $bestn) $t else $bestn" | bc -l)
done
grep -q "hvcrate: $n calls, 0 bad" "$work/out-$n" || { cat "$work/out-$n"; exit 1; }
per_us=$(echo "($bestn - $best0) * 1000000 / $n" | bc -l)

sanitised=no
if nm -C "$hypsim" 2>/dev/null | grep -q __asan_init; then sanitised=yes; fi
echo "Sim null hypercall (xen_version) through the whole trap path, Dom0 on 1 pCPU:"
printf '  wall: %d calls in %.3f s over an empty run of %.3f s (best of 3)\n' "$n" "$bestn" "$best0"
printf '  %.2f us per call, %.0f calls per second (ASan+UBSan build: %s)\n' "$per_us" "$(echo "1 / $per_us * 1000000" | bc -l)" "$sanitised"
if [ "$sanitised" = yes ]; then
  echo "  callgrind: skipped (sanitised binary; use bazel run --config=nosan //bench/sim:run)"
elif command -v valgrind >/dev/null; then
  ir() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg-$1" "$hypsim" "$(tree "$1")" --pcpus 1 --until 1000s \
      >/dev/null 2>&1
    sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$work/cg-$1"
  }
  i0=$(ir 0) in=$(ir "$ncg")
  printf '  callgrind: %.0f host instructions per call (%d calls: %s Ir, empty run: %s Ir)\n' \
    "$(echo "($in - $i0) / $ncg" | bc -l)" "$ncg" "$in" "$i0"
fi
