#!/usr/bin/env bash
# The fairshare scenario: two DomUs of two spinning vCPUs each on two pCPUs, weights 512 and 256,
# 30 ms of hypervisor time. Each vCPU must have run within 5% of its weighted share of the pCPUs
# (2/3 and 1/3 of the 30 ms), as the hypervisor accounts it, with the same output for the same seed.
set -u
hypsim=$1 dtb=$2
out=${TEST_TMPDIR:-/tmp}/fairshare
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && cat "$out.1"; echo "replay: bazel run //:hypsim -- hal/sim/scenarios/fairshare.dts --seed 3"; exit 1; }

"$hypsim" "$dtb" --seed 3 >"$out.1" 2>"$out.err" || fail "hypsim exit status $?"
tr -d '\r' <"$out.1" >"$out.clean"
check() { # DOMAIN VCPU EXPECTED_MS
	local ms
	ms=$(sed -n "s/^Domain d$1 ([^)]*): ran .*v$2 \([0-9.]*\) ms.*/\1/p" "$out.clean")
	[ -n "$ms" ] || fail "no run time for d$1 v$2"
	awk -v got="$ms" -v want="$3" 'BEGIN { d = got - want; if (d < 0) d = -d; exit !(d <= 0.05 * want) }' ||
		fail "d$1 v$2 ran $ms ms, want $3 ms within 5%"
	echo "d$1 v$2 ran $ms ms (want $3)"
}
check 1 0 20
check 1 1 20
check 2 0 10
check 2 1 10
"$hypsim" "$dtb" --seed 3 >"$out.2" 2>/dev/null
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
echo "PASS: weighted fair share within 5%, deterministic"
