#!/usr/bin/env bash
# Issue 10's figure: frames per second DomU to DomU through the network driver domain in the sim
# (hal/sim/scenarios/net.dts with its two netfronts exchanging N frames each way of 64 or 1500 bytes, no
# wire traffic; the block pair does its minimum alongside), in the guests' virtual time and in host
# CPU time (the run minus one with 16 frames), against host memcpy of the same frames.
# Figures only, never pass/fail. Usage: bazel run --config=nosan //bench/pvnet:run [-- N]
set -euo pipefail
hypsim=${HYPSIM:-hal/sim/hypsim}
memcpy=${MEMCPY:-bench/pvnet/memcpy_frames}
dts=${NET_DTS:-hal/sim/scenarios/net.dts}
n=${1:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tree() {
	sed -e "s/netfront.frames=200 netfront.wire=8 netfront.broadcasts=4/netfront.frames=$1 netfront.size=$2/" \
	    -e "s/blkfront.writes=256/blkfront.writes=8/" "$dts" >"$work/t-$1-$2.dts"
	echo "$work/t-$1-$2.dts"
}
# The run's host CPU time (user + sys), not its wall time: on a shared host the wall clock counts
# other jobs too, and the difference of two runs came out negative.
cpu() {
	/usr/bin/time -f "%U %S" -o "$work/time" "$hypsim" "$(tree "$1" "$2")" --until 1000s >"$work/out-$1-$2" 2>&1
	awk '{ print $1 + $2 }' "$work/time"
}

echo "hypsim, $n frames each way between two DomUs through the driver domain; host CPU time (user + sys) minus a 16-frame run"
echo
echo "| frame bytes | virtual frames/s | host frames/s | memcpy frames/s | host / memcpy |"
echo "|------------:|-----------------:|--------------:|----------------:|--------------:|"
for size in 64 1500; do
	t0=$(cpu 16 "$size")
	tn=$(cpu "$n" "$size")
	line=$(tr -d '\r' <"$work/out-$n-$size" | sed -nE "s/^\(d4\) netfront: ([0-9]+) frames of $size bytes each way in ([0-9]+) ticks at ([0-9]+) Hz/\1 \2 \3/p" | head -1)
	if [ -z "$line" ] || [ "${line%% *}" != "$n" ] || ! grep -q "(d4) netfront: PASS" "$work/out-$n-$size"; then
		echo "bench/pvnet: the $size-byte run did not pass; console tail:" >&2
		tail -5 "$work/out-$n-$size" >&2
		continue
	fi
	virt=$(echo "$line" | awk '{ printf "%.0f", 2 * $1 / ($2 / $3) }')
	mc=$("$memcpy" "$size" $((2 * n * 100)) | awk '{ print $2 }')
	# Below the clock's 10 ms the difference is no figure.
	if [ "$(echo "$tn > $t0" | bc -l)" = 1 ]; then
		host=$(echo "2 * ($n - 16) / ($tn - $t0)" | bc -l | awk '{ printf "%.0f", $1 }')
		r=$(echo "$host / $mc" | bc -l | awk '{ printf "%.2e", $1 }')
	else
		host=n/a r=n/a
	fi
	printf '| %11s | %16s | %13s | %15s | %13s |\n' "$size" "$virt" "$host" "$mc" "$r"
done
echo
echo "virtual: both directions' frames over d4's exchange time on the guests' counter (62.5 MHz)."
