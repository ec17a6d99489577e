#!/usr/bin/env bash
# The smp scenario: smptest in a DomU with two vCPUs on two sim pCPUs starts vCPU 1 with PSCI
# CPU_ON and sees it run and turn off. Every check must pass, the machine stop with status 0, and
# the same seed replay byte for byte.
set -u
hypsim=$1 dtb=$2
out=${TEST_TMPDIR:-/tmp}/smp
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && cat "$out.1" "$out.err1"; echo "replay: bazel run //:hypsim -- hal/sim/scenarios/smp.dts --seed 9"; exit 1; }

"$hypsim" "$dtb" --seed 9 >"$out.1" 2>"$out.err1"
rc=$?
tr -d '\r' <"$out.1" >"$out.clean"
for line in 'Domain d1 (domU1): 16 MiB in 1 bank from 0x40000000, 2 vCPUs, entry 0x40000000, tree 0x40200000' \
	'(d1) smptest: PASS: AFFINITY_INFO: vCPU 1 is off before CPU_ON (got 1)' \
	'(d1) smptest: PASS: CPU_ON of vCPU 1 (got 0)' \
	'(d1) smptest: PASS: CPU_ON of a vCPU that is on is ALREADY_ON (got -4)' \
	'(d1) smptest: PASS: vCPU 1 runs the secondary entry (got 1)' \
	'(d1) smptest: PASS: vCPU 1 got context id 1 (got 1)' \
	'(d1) smptest: PASS: vCPU 1 reads MPIDR affinity 1 (got 1)' \
	'(d1) smptest: PASS: AFFINITY_INFO: vCPU 1 is on while it runs (got 0)' \
	'(d1) smptest: PASS: AFFINITY_INFO: vCPU 1 is off after CPU_OFF (got 1)' \
	'(d1) smptest: PASS: CPU_ON with a misaligned entry is INVALID_ADDRESS (got -9)' \
	'(d1) smptest: all passed' 'Domain d1 (domU1): shut down (poweroff)' \
	'Domain d1 (domU1): destroyed, 4099 frames returned'; do
	grep -qxF -- "$line" "$out.clean" || fail "no line '$line'"
done
! grep -q 'FAIL' "$out.clean" || fail "a guest check failed"
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
"$hypsim" "$dtb" --seed 9 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
echo "PASS: $(grep -c PASS "$out.clean") guest checks, deterministic"
