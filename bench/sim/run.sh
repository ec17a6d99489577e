#!/usr/bin/env bash
# The sim's rates through its whole trap path: null hypercalls (guest instruction, EL2 exit, the
# core's dispatch, return) and virtual SGIs to self (ICC_SGI1R trap, vGIC injection, list register,
# IRQ exception at EL1, IAR, EOI). hypsim runs Dom0's hvcrate program with N events and with none;
# the difference is their cost. Figures only, never pass/fail.
# Usage: bazel run --config=nosan //bench/sim:run [-- N]   (callgrind needs the unsanitised build)
set -euo pipefail
hypsim=${HYPSIM:-hal/sim/hypsim}
dts=${HVCRATE_DTS:-bench/sim/hvcrate.dts}
n=${1:-200000}
ncg=$((n / 10))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "${SIM_BENCH_LIB:-bench/sim/lib.sh}"
sanitised=$(sim_sanitised "$hypsim")
tree() { sed "s/CALLS/$1/; s/MODE/$2/" "$dts" >"$work/t-$1.dts"; echo "$work/t-$1.dts"; }
run() { "$hypsim" "$(tree "$1" "$2")" --pcpus 1 --until 1000s >"$work/out-$1" 2>&1; }
seconds() { sim_seconds run "$1" "$2"; }
ir() { sim_ir "$work/cg" "$hypsim" "$(tree "$1" "$2")" --pcpus 1 --until 1000s; }

# measure LABEL MODE WHAT: best-of-3 wall time and callgrind instructions per event.
measure() {
  local label=$1 mode=$2 what=$3 best0=999 bestn=999 t
  run 0 "$mode"
  grep -q "hvcrate: 0 $what, 0 bad" "$work/out-0" || { cat "$work/out-0"; echo "bench/sim: $label did not run" >&2; exit 1; }
  for _ in 1 2 3; do
    t=$(seconds 0 "$mode"); best0=$(echo "if ($t < $best0) $t else $best0" | bc -l)
    t=$(seconds "$n" "$mode"); bestn=$(echo "if ($t < $bestn) $t else $bestn" | bc -l)
  done
  grep -q "hvcrate: $n $what, 0 bad" "$work/out-$n" || { cat "$work/out-$n"; exit 1; }
  local us; us=$(echo "($bestn - $best0) * 1000000 / $n" | bc -l)
  local cg="-"
  if [ "$sanitised" = no ] && command -v valgrind >/dev/null; then
    local i0 in; i0=$(ir 0 "$mode"); in=$(ir "$ncg" "$mode")
    cg=$(printf '%.0f' "$(echo "($in - $i0) / $ncg" | bc -l)")
  fi
  printf '| %-34s | %9.3f | %12.0f | %12s |\n' "$label" "$us" "$(echo "1000000 / $us" | bc -l)" "$cg"
}

echo "hypsim, Dom0 on 1 pCPU, $n events (callgrind: $ncg), best of 3 wall-clock runs minus an empty run;"
echo "ASan+UBSan build: $sanitised$([ "$sanitised" = yes ] && echo ' (no callgrind; use --config=nosan)')"
echo
echo "| path                               |  us/event | events per s | host Ir/event |"
echo "|------------------------------------|----------:|-------------:|-------------:|"
measure "null hypercall (xen_version)" "" calls
measure "virtual SGI to self, IAR + EOI" "hvcrate.sgi" SGIs
