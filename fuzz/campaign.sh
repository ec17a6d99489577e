#!/bin/bash
# A campaign measured in CPU time, not wall time: fuzz/campaign.sh HARNESS CPU_SECONDS [CHUNK]
# On a shared machine a wall-clock budget buys an unknown amount of fuzzing, so this runs
# fuzz/run.sh in CHUNK-second pieces (default 300) on one output folder, each resuming the last
# (AFL_AUTORESUME), until afl-fuzz and its target together have used CPU_SECONDS of user + sys.
# Prints each chunk's figures, then
#   campaign harness=<H> cpu_s=<N> wall_s=<N> execs=<N> execs_per_cpu_s=<N> crashes=<N> hangs=<N> edges=<N>
# and exits 1 if a crash or hang was saved in any chunk, 2 on a usage or setup error.
# Environment: FUZZ_OUT (the folder, default a new /tmp/campaign-HARNESS.XXXXXX), FUZZ_BIN.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: fuzz/campaign.sh HARNESS CPU_SECONDS [CHUNK]" >&2; exit 2; }
h=$1 budget=$2 chunk=${3:-300}
[[ $budget =~ ^[0-9]+$ && $chunk =~ ^[0-9]+$ && $chunk -ge 10 ]] || { echo "campaign.sh: seconds must be integers, CHUNK >= 10" >&2; exit 2; }

if [ -z "${FUZZ_BIN:-}" ]; then
	(cd "$top" && bazel build --noshow_progress "//fuzz:${h}_afl" >&2)
	FUZZ_BIN="$(cd "$top" && bazel info bazel-bin 2>/dev/null)/fuzz/${h}_afl.bin"
fi
export FUZZ_BIN
export FUZZ_OUT=${FUZZ_OUT:-$(mktemp -d "/tmp/campaign-$h.XXXXXX")}
mkdir -p "$FUZZ_OUT"
export AFL_AUTORESUME=1

cpu=0 wall=0 status=0 n=0
while [ "$(awk -v c="$cpu" -v b="$budget" 'BEGIN { print (c < b) }')" = 1 ]; do
	n=$((n + 1))
	t=$(mktemp)
	# /usr/bin/time counts every waited-for descendant: afl-fuzz and the persistent target.
	rc=0
	/usr/bin/time -f "%e %U %S" -o "$t" "$top/fuzz/run.sh" "$h" "$chunk" 1 >"$FUZZ_OUT/chunk$n.log" 2>&1 || rc=$?
	read -r e u s <"$t"
	rm -f "$t"
	cpu=$(awk -v c="$cpu" -v u="$u" -v s="$s" 'BEGIN { printf "%.0f", c + u + s }')
	wall=$(awk -v w="$wall" -v e="$e" 'BEGIN { printf "%.0f", w + e }')
	echo "chunk $n: wall ${e}s cpu $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.0f", u + s }')s (total cpu ${cpu}s of $budget) -- $(tail -1 "$FUZZ_OUT/chunk$n.log")"
	[ "$rc" -eq 2 ] && { cat "$FUZZ_OUT/chunk$n.log" >&2; exit 2; }
	[ "$rc" -eq 0 ] || status=1
done

# fuzzer_stats describes the last chunk; execs_done is cumulative across resumed runs.
field() { sed -n "s/^$1 *: *//p" "$FUZZ_OUT/main/fuzzer_stats" | head -1; }
execs=$(field execs_done) edges=$(field edges_found)
crashes=$(find "$FUZZ_OUT" -path "*/crashes*/id:*" 2>/dev/null | wc -l)
hangs=$(find "$FUZZ_OUT" -path "*/hangs*/id:*" 2>/dev/null | wc -l)
eps=$(awk -v x="$execs" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? x / c : 0) }')
echo "campaign harness=$h cpu_s=$cpu wall_s=$wall execs=$execs execs_per_cpu_s=$eps crashes=$crashes hangs=$hangs edges=$edges output=$FUZZ_OUT"
[ $((crashes + hangs)) -eq 0 ] && [ "$status" -eq 0 ] || exit 1
