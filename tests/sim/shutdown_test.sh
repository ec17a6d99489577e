#!/usr/bin/env bash
# The shutdown scenario: three DomUs shut down with poweroff, reboot and crash (their bootargs).
# The hypervisor must name each reason, tear every domain down, and with poweroff_when_idle exit
# with status 1, as not every domain powered off; the same seed replays byte for byte.
set -u
hypsim=$1 dtb=$2
out=${TEST_TMPDIR:-/tmp}/shutdown
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && cat "$out.1" "$out.err1"; echo "replay: bazel run //:hypsim -- hal/sim/scenarios/shutdown.dts --seed 4"; exit 1; }

"$hypsim" "$dtb" --seed 4 >"$out.1" 2>"$out.err1"
rc=$?
tr -d '\r' <"$out.1" >"$out.clean"
for line in 'Domain d1 (domU1): shut down (poweroff)' 'Domain d2 (domU2): shut down (reboot)' \
	'Domain d3 (domU3): shut down (crash)'; do
	grep -qxF -- "$line" "$out.clean" || fail "no line '$line'"
done
for d in 1 2 3; do
	grep -qxF -- "Domain d$d (domU$d): destroyed, 4099 frames returned" "$out.clean" || fail "d$d not torn down"
done
[ $rc -eq 1 ] || fail "hypsim exit status $rc, expected 1"
"$hypsim" "$dtb" --seed 4 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
echo "PASS: three shutdown reasons, status 1, deterministic"
