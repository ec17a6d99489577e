#!/usr/bin/env bash
# The domains scenario: Dom0 (hcalltest, 1:1) and a DomU (memtest) on two sim pCPUs. Both must pass
# every check, be torn down with all their frames, stop the machine with status 0, and replay
# byte for byte from the same seed.
set -u
hypsim=$1 dtb=$2
out=${TEST_TMPDIR:-/tmp}/domains
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && cat "$out.1"; echo "replay: bazel run //:hypsim -- hal/sim/scenarios/domains.dts --seed 5"; exit 1; }

"$hypsim" "$dtb" --seed 5 >"$out.1" 2>"$out.err1"
rc=$?
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
tr -d '\r' <"$out.1" >"$out.clean"
for line in '(d0) hcalltest: running as Dom0' '(d0) hcalltest: all passed' '(d1) memtest: all passed' \
	'Domain d0 (dom0): destroyed, 8192 frames returned' 'Domain d1 (domU1): destroyed, 4099 frames returned'; do
	grep -qxF -- "$line" "$out.clean" || fail "no line '$line'"
done
! grep -q 'FAIL' "$out.clean" || fail "a guest check failed"
"$hypsim" "$dtb" --seed 5 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
echo "PASS: $(grep -c PASS "$out.clean") guest checks, deterministic"
