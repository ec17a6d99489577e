#!/usr/bin/env bash
# The vgic scenarios: vgictest in a DomU with four vCPUs on two pCPUs, on a GICv3 and a GICv2
# machine: edge coalescing, preemption (nested handlers), EOImode split, a level interrupt pending
# again while high, an SGI storm between four vCPUs, an SPI retargeted while pending. Every check
# must pass on several seeds and the same seed must replay byte for byte.
set -u
hypsim=$1
shift
out=${TEST_TMPDIR:-/tmp}/vgic
fail() { echo "FAIL: $*"; echo "replay: bazel run //:hypsim -- $dtb --seed $seed"; cat "$out.1" "$out.err1"; exit 1; }

for dtb in "$@"; do
	for seed in 1 5 17 42; do
		"$hypsim" "$dtb" --seed $seed >"$out.1" 2>"$out.err1"
		rc=$?
		tr -d '\r' <"$out.1" >"$out.clean"
		for line in '(d1) vgictest: PASS: edge: two SGIs sent while masked are taken once (got 1)' \
			'(d1) vgictest: PASS: preemption: higher priority nests inside, lower waits for the EOI (2 3 102 4) (got 2003102004)' \
			'(d1) vgictest: PASS: EOImode 1: deactivation releases the waiting SGI (got 2)' \
			'(d1) vgictest: PASS: level: the physical timer PPI pends again after each EOI while its line is high (got 3)' \
			'(d1) vgictest: PASS: storm: every pair delivered exactly its SGIs (got 300)' \
			'(d1) vgictest: PASS: SPI retargeted while pending: taken once by its new vCPU (got 1)' \
			'(d1) vgictest: all passed' 'Domain d1 (domU1): shut down (poweroff)'; do
			grep -qxF -- "$line" "$out.clean" || fail "$dtb seed $seed: no line '$line'"
		done
		! grep -q 'FAIL' "$out.clean" || fail "$dtb seed $seed: a guest check failed"
		[ $rc -eq 0 ] || fail "$dtb seed $seed: hypsim exit status $rc"
	done
	seed=9
	"$hypsim" "$dtb" --seed $seed >"$out.2" 2>"$out.err2"
	"$hypsim" "$dtb" --seed $seed >"$out.1" 2>"$out.err1"
	cmp -s "$out.1" "$out.2" && cmp -s "$out.err1" "$out.err2" || fail "$dtb: same seed, different output"
	echo "PASS: $dtb: $(grep -c PASS "$out.1") guest checks, 4 seeds, deterministic"
done
