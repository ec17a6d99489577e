#!/usr/bin/env bash
# PV block throughput on the sim: 4 KiB requests from the frontend DomU through the driver domain's
# ring to the RAM disk and back (hal/sim/scenarios/pvblock.dts), as MB/s of host wall time, against
# the host's memcpy of the same bytes. Two runs differing only in the number of writes; the
# difference in requests served over the difference in time is the rate (boot, connection and the
# final read-back cancel out). Figures only, never pass/fail.
# Usage: bazel run --config=nosan //bench/pvblock:run [-- WRITES]
set -euo pipefail
hypsim=${HYPSIM:-hal/sim/hypsim}
dts=${BLOCK_DTS:-hal/sim/scenarios/pvblock.dts}
ref=${MEMCPY_BENCH:-bench/pvblock/memcpy_bench}
n=${1:-2048}
base=64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sanitised=no
if nm "$hypsim" 2>/dev/null | grep -q __asan_init; then sanitised=yes; fi
tree() { sed "s/blkfront.writes=[0-9]*/blkfront.writes=$1/" "$dts" >"$work/t-$1.dts"; echo "$work/t-$1.dts"; }
served() { sed -n 's/.*blkback: every frontend closed, \([0-9]*\) requests served.*/\1/p' "$work/out-$1"; }
vtime() { sed -n 's/^hypsim summary: seed [0-9]*, \([0-9.]*\) ms of virtual time.*/\1/p' "$work/out-$1"; }
seconds() {
	local t0 t1
	t0=$(date +%s.%N)
	"$hypsim" "$(tree "$1")" --until 1000s >"$work/out-$1" 2>&1 || true
	t1=$(date +%s.%N)
	grep -q 'blkfront: PASS' "$work/out-$1" || { tail -30 "$work/out-$1"; echo "bench/pvblock: the run with $1 writes failed" >&2; exit 1; }
	echo "$t1 - $t0" | bc -l
}

best0=999 bestn=999
for _ in 1 2 3; do
	t=$(seconds $base); best0=$(echo "if ($t < $best0) $t else $best0" | bc -l)
	t=$(seconds "$n"); bestn=$(echo "if ($t < $bestn) $t else $bestn" | bc -l)
done
reqs=$(( $(served "$n") - $(served $base) ))
mbs=$(echo "$reqs * 4096 / ($bestn - $best0) / 1000000" | bc -l)
vmbs=$(echo "$reqs * 4096 / (($(vtime "$n") - $(vtime $base)) / 1000) / 1000000" | bc -l)
host=$("$ref" $((reqs * 1000)))
echo "hypsim, $(basename "$dts"), $reqs extra 4 KiB requests (writes and checked reads), best of 3 minus a $base-write run;"
echo "ASan+UBSan build: $sanitised$([ "$sanitised" = yes ] && echo ' (use --config=nosan for the figure)')"
echo
echo "| path                                           |       MB/s |"
echo "|------------------------------------------------|-----------:|"
printf '| %-46s | %10.2f |\n' "PV block, 4 KiB requests (sim, host wall time)" "$mbs"
printf '| %-46s | %10.1f |\n' "host memcpy of 4 KiB blocks" "$host"
printf '| %-46s | %9.0fx |\n' "memcpy / PV block" "$(echo "$host / $mbs" | bc -l)"
printf '| %-46s | %10.1f |\n' "sim virtual time: PV block, 4 KiB requests" "$vmbs"
