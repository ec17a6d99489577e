#!/usr/bin/env bash
# Instructions per 1 GiB p2m_map of each mm_bench scenario, counted by callgrind inside bench_map
# only (setup, unmaps and timing excluded). Usage: bazel run //bench/mm:mm_callgrind [-- ITERS]
set -euo pipefail
bench=${MM_BENCH:-bench/mm/mm_bench}
iters=${1:-20}
command -v valgrind >/dev/null || { echo "mm_callgrind: valgrind not installed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-10s %14s %14s\n' scenario "Ir (maps)" "Ir/map"
for s in block_1g blocks_2m pages_4k; do
  valgrind --tool=callgrind --toggle-collect=bench_map --callgrind-out-file="$out/$s" \
    "$bench" --scenario="$s" --iters="$iters" >/dev/null 2>&1
  ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out/$s")
  printf '%-10s %14s %14.0f\n' "$s" "$ir" "$(echo "$ir / $iters" | bc -l)"
done
