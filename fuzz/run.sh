#!/bin/bash
# A bounded, non-interactive AFL++ campaign on one harness: fuzz/run.sh HARNESS SECONDS [JOBS]
# One main node (CMPLOG from the same binary, -c 0) and JOBS-1 secondaries, each stopped after
# SECONDS (-V). Prints each node's figures, then one line
#   execs_per_sec=<N> crashes=<N> hangs=<N> edges=<N>
# and exits 1 if any crash or hang was saved (afl-fuzz itself exits 0 then), 2 on a usage or
# setup error.
# Environment: FUZZ_OUT (output folder, default a new /tmp/fuzz-HARNESS.XXXXXX, kept), FUZZ_BIN
# (a prebuilt AFL++ binary instead of `bazel build //fuzz:HARNESS_afl`).
set -euo pipefail

usage() {
	echo "usage: fuzz/run.sh HARNESS SECONDS [JOBS]   (harnesses: $(ls "$top/fuzz/corpus" | tr '\n' ' '))" >&2
	exit 2
}

top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] && [ $# -le 3 ] || usage
h=$1 secs=$2 jobs=${3:-1}
[[ $secs =~ ^[0-9]+$ && $jobs =~ ^[0-9]+$ && $jobs -ge 1 ]] || usage
[ -d "$top/fuzz/corpus/$h" ] || usage
command -v afl-fuzz >/dev/null || { echo "run.sh: afl-fuzz missing (./setup.sh installs AFL++)" >&2; exit 2; }

bin=${FUZZ_BIN:-}
if [ -z "$bin" ]; then
	(cd "$top" && bazel build --noshow_progress "//fuzz:${h}_afl" >&2)
	# bazel info, not the bazel-bin symlink: another build's configuration may have moved that.
	bin="$(cd "$top" && bazel info bazel-bin 2>/dev/null)/fuzz/${h}_afl.bin"
fi
out=${FUZZ_OUT:-$(mktemp -d "/tmp/fuzz-$h.XXXXXX")}
mkdir -p "$out"
dict=()
[ -f "$top/fuzz/dict/$h.dict" ] && dict=(-x "$top/fuzz/dict/$h.dict")

# No UI, no CPU binding (the cores are shared), no core_pattern or governor demands: this is a
# batch job, not a tuned fuzzing box.
export AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SUPPRESS_AFL_RUN=1

pids=()
for ((i = 0; i < jobs; i++)); do
	if [ "$i" -eq 0 ]; then role=(-M main -c 0); name=main; else role=(-S "sec$i"); name=sec$i; fi
	# Each node in its own process group: afl-fuzz -V exits leaving its persistent target
	# stopped and unwaited, which the group kill below reaps.
	setsid afl-fuzz -V "$secs" -m none -i "$top/fuzz/corpus/$h" -o "$out" "${dict[@]}" "${role[@]}" \
		-- "$bin" >"$out/$name.log" 2>&1 &
	pids+=($!)
done
reap() { for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done; }
trap 'reap; exit 130' INT TERM
status=0
for p in "${pids[@]}"; do wait "$p" || status=$?; done
reap

field() { sed -n "s/^$2 *: *//p" "$1" | head -1; }
total_eps=0 crashes=0 hangs=0 edges=0 corpus=0
printf '%-6s %10s %8s %8s %8s %7s %6s\n' node execs/s execs corpus edges crashes hangs
for s in "$out"/*/fuzzer_stats; do
	[ -f "$s" ] || continue
	node=$(basename "$(dirname "$s")")
	eps=$(field "$s" execs_per_sec) ex=$(field "$s" execs_done) cc=$(field "$s" corpus_count)
	ed=$(field "$s" edges_found) cr=$(field "$s" saved_crashes) hg=$(field "$s" saved_hangs)
	printf '%-6s %10s %8s %8s %8s %7s %6s\n' "$node" "$eps" "$ex" "$cc" "$ed" "$cr" "$hg"
	total_eps=$(awk -v a="$total_eps" -v b="$eps" 'BEGIN { printf "%.0f", a + b }')
	crashes=$((crashes + cr)) hangs=$((hangs + hg))
	[ "$ed" -gt "$edges" ] && edges=$ed
	[ "$cc" -gt "$corpus" ] && corpus=$cc
done
if [ ! -f "$out/main/fuzzer_stats" ]; then
	echo "run.sh: afl-fuzz did not start (status $status); its log:" >&2
	tail -20 "$out/main.log" >&2
	exit 2
fi
echo "harness=$h seconds=$secs jobs=$jobs corpus=$corpus output=$out"
for f in "$out"/*/crashes/id:* "$out"/*/hangs/id:*; do
	[ -f "$f" ] && echo "saved: $f   (replay: bazel-bin/fuzz/$h '$f')"
done
echo "execs_per_sec=$total_eps crashes=$crashes hangs=$hangs edges=$edges"
[ $((crashes + hangs)) -eq 0 ] || exit 1
