#!/usr/bin/env bash
# Issue 6's PV figures in the sim, through the whole trap path: (a) an event-channel notify round
# trip between two DomUs on their own pCPUs (guests/evtping: d1 sends, d2's handler answers on a
# second channel, d1's handler sees it), (b) grant map+unmap pairs as Dom0 issues them (guests/
# gnttest with gnttest.pairs=N, one map call and one unmap call a pair). For each: virtual time per
# event from the guest's own counter, host wall time (best of 3, minus the same run with no events)
# and host instructions per event (callgrind, N events minus none). Figures only, never pass/fail.
# Usage: bazel run --config=nosan //bench/pvsim:run [-- N]   (callgrind needs the unsanitised build)
set -euo pipefail
hypsim=${HYPSIM:-hal/sim/hypsim}
n=${1:-20000}
ncg=$((n / 10))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "${SIM_BENCH_LIB:-bench/sim/lib.sh}"
sanitised=$(sim_sanitised "$hypsim")
# tree DTS WORD N: the scenario with WORD replaced by N.
tree() { sed "s/$2/$3/g" "$1" >"$work/t-$2-$3.dts"; echo "$work/t-$2-$3.dts"; }
run() { "$hypsim" "$(tree "$1" "$2" "$3")" --until 1000s >"$work/out-$2-$3" 2>&1; }
seconds() { sim_seconds run "$@"; }
ir() { sim_ir "$work/cg" "$hypsim" "$(tree "$1" "$2" "$3")" --until 1000s; }

# measure LABEL DTS WORD REGEX: REGEX (sed -E) takes "events ticks hz" from the guest's line.
measure() {
	local label=$1 dts=$2 word=$3 re=$4 best0=999 bestn=999 t line
	for _ in 1 2 3; do
		t=$(seconds "$dts" "$word" 0); best0=$(echo "if ($t < $best0) $t else $best0" | bc -l)
		t=$(seconds "$dts" "$word" "$n"); bestn=$(echo "if ($t < $bestn) $t else $bestn" | bc -l)
	done
	line=$(tr -d '\r' <"$work/out-$word-$n" | sed -nE "s/$re/\\1 \\2 \\3/p" | head -1)
	if [ -z "$line" ] || [ "${line%% *}" != "$n" ]; then
		echo "bench/pvsim: $label did not run; console tail:" >&2
		tail -5 "$work/out-$word-$n" >&2
		printf '| %-36s | %10s | %10s | %12s | %10s |\n' "$label" n/a n/a n/a n/a
		return
	fi
	local virt host cg=-
	virt=$(echo "$line" | awk '{ printf "%.3f", $2 / $3 * 1e6 / $1 }')
	host=$(echo "($bestn - $best0) * 1000000 / $n" | bc -l)
	if [ "$sanitised" = no ] && command -v valgrind >/dev/null; then
		local i0 in; i0=$(ir "$dts" "$word" 0); in=$(ir "$dts" "$word" "$ncg")
		cg=$(printf '%.0f' "$(echo "($in - $i0) / $ncg" | bc -l)")
	fi
	local rate=-
	# Below the run-to-run noise (a loaded machine, or too few events): no host figure.
	if [ "$(echo "$host > 0" | bc -l)" = 1 ]; then
		rate=$(printf '%.0f' "$(echo "1000000 / $host" | bc -l)") host=$(printf '%.3f' "$host")
	else
		host=noise
	fi
	printf '| %-36s | %10s | %10s | %12s | %10s |\n' "$label" "$virt" "$host" "$rate" "$cg"
}

here=${PVSIM_DIR:-bench/pvsim}
echo "hypsim, $n events a run (callgrind: $ncg), host wall time best of 3 minus an empty run;"
echo "ASan+UBSan build: $sanitised$([ "$sanitised" = yes ] && echo ' (no callgrind; use --config=nosan)')"
echo
echo "| event                                | virtual us |    host us | host per s   |   host Ir  |"
echo "|--------------------------------------|-----------:|-----------:|-------------:|-----------:|"
measure "evtchn round trip, DomU to DomU" "$here/evtping.dts" ROUNDS \
	'.*evtping: ([0-9]+) round trips in ([0-9]+) counter ticks at ([0-9]+) Hz.*'
measure "grant map+unmap pair, Dom0" "$here/gntpairs.dts" PAIRS \
	'.*gnttest: ([0-9]+) map\+unmap pairs in ([0-9]+) counter ticks at ([0-9]+) Hz.*'
