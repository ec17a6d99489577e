#!/usr/bin/env bash
# Instructions per grant map+unmap pair, counted by callgrind inside bench_pairs only (setup
# excluded): one op per call, and 64 per call, with the p2m neighbour first in the grants' table;
# then one op per call with the neighbour 500 entries on (what an emptiness scan would pay).
# Usage: bazel run //bench/gnttab:gnttab_callgrind
set -euo pipefail
bench=${GNTTAB_BENCH:-bench/gnttab/gnttab_bench}
iters=${1:-200}
command -v valgrind >/dev/null || { echo "gnttab_callgrind: valgrind not installed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Three columns (bench/run_all.sh reads them); "1+500" is one op per call, the neighbour 500 on.
printf '%-10s %14s %12s\n' "ops/call" "Ir" "Ir/pair"
for run in 1:0 64:0 1:500; do
  batch=${run%:*} nb=${run#*:} label=${run%:*}
  [ "$nb" = 0 ] || label=$batch+$nb
  valgrind --tool=callgrind --toggle-collect=bench_pairs --callgrind-out-file="$out/$batch-$nb" \
    "$bench" --batch="$batch" --iters="$iters" --neighbour="$nb" >/dev/null 2>&1
  ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out/$batch-$nb")
  printf '%-10s %14s %12.0f\n' "$label" "$ir" "$(echo "$ir / ($iters * $batch)" | bc -l)"
done
