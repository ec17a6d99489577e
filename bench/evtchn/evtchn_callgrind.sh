#!/usr/bin/env bash
# Instructions per EVTCHNOP_send, counted by callgrind inside bench_send only (setup and the guest's
# side excluded), on a masked port and on an unmasked one (upcall injected through the vGIC).
# Usage: bazel run //bench/evtchn:evtchn_callgrind [-- ITERS]
set -euo pipefail
bench=${EVTCHN_BENCH:-bench/evtchn/evtchn_bench}
iters=${1:-1000}
command -v valgrind >/dev/null || { echo "evtchn_callgrind: valgrind not installed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-10s %14s %12s\n' "port" "Ir" "Ir/send"
for mode in masked unmasked; do
  valgrind --tool=callgrind --toggle-collect=bench_send --callgrind-out-file="$out/$mode" \
    "$bench" --mode="$mode" --iters="$iters" >/dev/null 2>&1
  ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out/$mode")
  printf '%-10s %14s %12.0f\n' "$mode" "$ir" "$(echo "$ir / $iters" | bc -l)"
done
