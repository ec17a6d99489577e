#!/usr/bin/env bash
# Instructions per grant map+unmap pair, counted by callgrind inside bench_pairs only (setup
# excluded): one op per call, and 64 per call. Usage: bazel run //bench/gnttab:gnttab_callgrind
set -euo pipefail
bench=${GNTTAB_BENCH:-bench/gnttab/gnttab_bench}
iters=${1:-200}
command -v valgrind >/dev/null || { echo "gnttab_callgrind: valgrind not installed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-10s %14s %12s\n' "ops/call" "Ir" "Ir/pair"
for batch in 1 64; do
  valgrind --tool=callgrind --toggle-collect=bench_pairs --callgrind-out-file="$out/$batch" \
    "$bench" --batch="$batch" --iters="$iters" >/dev/null 2>&1
  ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out/$batch")
  printf '%-10s %14s %12.0f\n' "$batch" "$ir" "$(echo "$ir / ($iters * $batch)" | bc -l)"
done
