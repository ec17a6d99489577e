#!/usr/bin/env bash
# The pinning scenario: two vCPUs pinned to pCPU 1 share it (15 ms each of 30 ms, at most 5% more)
# while the unpinned third vCPU keeps pCPU 0 (at least 95% of 30 ms). Unpinned, all three would
# have run about 20 ms: stealing must never move a vCPU off its affinity.
set -u
hypsim=$1 dtb=$2
out=${TEST_TMPDIR:-/tmp}/pinning
fail() { echo "FAIL: $*"; [ -f "$out" ] && cat "$out"; echo "replay: bazel run //:hypsim -- hal/sim/scenarios/pinning.dts --seed 11"; exit 1; }

"$hypsim" "$dtb" --seed 11 >"$out" 2>/dev/null || fail "hypsim exit status $?"
ran() { tr -d '\r' <"$out" | sed -n "s/^Domain d$1 ([^)]*): ran .*v$2 \([0-9.]*\) ms.*/\1/p"; }
at_most() { awk -v g="$1" -v w="$2" 'BEGIN { exit !(g != "" && g <= w) }'; }
at_least() { awk -v g="$1" -v w="$2" 'BEGIN { exit !(g != "" && g >= w) }'; }
at_most "$(ran 1 0)" 15.75 || fail "pinned d1 v0 ran $(ran 1 0) ms, more than its half of pCPU 1"
at_most "$(ran 1 1)" 15.75 || fail "pinned d1 v1 ran $(ran 1 1) ms, more than its half of pCPU 1"
at_least "$(ran 2 0)" 28.5 || fail "unpinned d2 v0 ran $(ran 2 0) ms, less than pCPU 0 to itself"
echo "PASS: pinned $(ran 1 0) + $(ran 1 1) ms on pCPU 1, unpinned $(ran 2 0) ms"
