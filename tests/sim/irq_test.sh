#!/usr/bin/env bash
# The irq scenarios: irqtest in a DomU with two vCPUs, on a GICv3 and on a GICv2 machine, through
# the whole interrupt path (hal/sim's GIC and timer models, the core's vGIC and vtimer): its GIC
# read and set up as an OS does, 20 virtual-timer deadlines taken in WFI, IMASK/ISTATUS/TVAL, PMR
# and distributor masking, SGIs both ways. Every check must pass on several seeds, the machine stop
# with status 0, the same seed replay byte for byte, and idle time pass as jumps, not steps.
set -u
hypsim=$1
shift
out=${TEST_TMPDIR:-/tmp}/irq
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && cat "$out.1" "$out.err1"; echo "replay: bazel run //:hypsim -- hal/sim/scenarios/$(basename "$dtb" .dtb).dts --seed ${seed:-9}"; exit 1; }

for dtb in "$@"; do
	for seed in 1 9 23; do
		"$hypsim" "$dtb" --seed $seed >"$out.1" 2>"$out.err1"
		rc=$?
		tr -d '\r' <"$out.1" >"$out.clean"
		for line in '(d1) irqtest: PASS: 20 virtual-timer deadlines, each interrupted once (got 20)' \
			'(d1) irqtest: PASS: every timer interrupt came at or after its deadline (got 20)' \
			'(d1) irqtest: PASS: clearing IMASK delivers its interrupt (got 1)' \
			'(d1) irqtest: PASS: opening PMR delivers it (got 1)' \
			'(d1) irqtest: PASS: enabling it delivers the pending SGI (got 1)' \
			'(d1) irqtest: PASS: vCPU 1 took every SGI vCPU 0 sent it (got 10)' \
			'(d1) irqtest: PASS: vCPU 0 took every SGI vCPU 1 sent it (got 10)' \
			'(d1) irqtest: PASS: no interrupt nobody enabled (got 0)' \
			'(d1) irqtest: all passed' 'Domain d1 (domU1): shut down (poweroff)'; do
			grep -qxF -- "$line" "$out.clean" || fail "$dtb seed $seed: no line '$line'"
		done
		! grep -q 'FAIL' "$out.clean" || fail "$dtb seed $seed: a guest check failed"
		[ $rc -eq 0 ] || fail "$dtb seed $seed: hypsim exit status $rc"
		# 20 deadlines of 0.5-2.5 ms waited for in WFI: tens of ms of virtual time in far fewer
		# steps than 16 ticks each would take.
		steps=$(sed -n 's/.*ticks, \([0-9]*\) steps.*/\1/p' "$out.err1")
		ticks=$(sed -n 's/.*(\([0-9]*\) ticks.*/\1/p' "$out.err1")
		[ -n "$steps" ] && [ $((steps * 16 * 4)) -lt "$ticks" ] || fail "$dtb seed $seed: no time jump ($steps steps, $ticks ticks)"
	done
	"$hypsim" "$dtb" --seed 9 >"$out.2" 2>"$out.err2"
	"$hypsim" "$dtb" --seed 9 >"$out.1" 2>"$out.err1"
	cmp -s "$out.1" "$out.2" || fail "$dtb: same seed, different console"
	cmp -s "$out.err1" "$out.err2" || fail "$dtb: same seed, different summary"
	grep -q "running on GICv" "$out.1" || fail "$dtb: no GIC"
	echo "PASS: $dtb: $(grep -c PASS "$out.1") guest checks on $(sed -n 's/.*running on \(GICv[23]\).*/\1/p' "$out.1"), deterministic"
done
