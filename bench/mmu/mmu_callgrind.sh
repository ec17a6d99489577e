#!/usr/bin/env bash
# Instructions per translation of each mmu_bench scenario, counted by callgrind inside bench_run only
# (setup excluded). Usage: bazel run //bench/mmu:mmu_callgrind [-- ITERS]
set -euo pipefail
bench=${MMU_BENCH:-bench/mmu/mmu_bench}
iters=${1:-200000}
command -v valgrind >/dev/null || { echo "mmu_callgrind: valgrind not installed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-9s %14s %10s\n' scenario "Ir (loop)" "Ir/walk"
for s in s2_warm s2_cold s1_warm s1_cold s12_warm s12_miss s12_cold; do
  valgrind --tool=callgrind --toggle-collect=bench_run --callgrind-out-file="$out/$s" \
    "$bench" --scenario="$s" --iters="$iters" >/dev/null 2>&1
  ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out/$s")
  printf '%-9s %14s %10.1f\n' "$s" "$ir" "$(echo "$ir / $iters" | bc -l)"
done
