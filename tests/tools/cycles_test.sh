#!/usr/bin/env bash
# The cycles scenario: Dom0 (guests/cycler) builds, runs and destroys N domains running tiny with
# the toolstack on a GICv3 or GICv2 machine, half of them destroyed while still running, and finds the machine's free pages
# unchanged after every cycle. Every check must pass under two seeds, each tiny must report the
# RAM and PV wiring the toolstack gave it, the summary must list the domains, and one seed must
# replay byte for byte.
set -u
hypsim=$1 dts=$2 n=$3 gic=$4 vcpus=$5
out=${TEST_TMPDIR:-/tmp}/cycles$gic
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && tail -60 "$out.clean"; exit 1; }

for seed in 1 2; do
	start=$(date +%s.%N)
	"$hypsim" "$dts" --seed $seed >"$out.$seed" 2>"$out.err$seed"
	rc=$?
	end=$(date +%s.%N)
	tr -d '\r' <"$out.$seed" >"$out.clean"
	cat "$out.err$seed" >>"$out.clean"
	for line in "(d0) cycler: PASS: every cycle built a domain with the toolstack (got $n)" \
		"(d0) cycler: PASS: every domain ran and marked its RAM with its number (got $n)" \
		"(d0) cycler: $vcpus vCPUs a domain" "(d0) cycler: PASS: every vCPU of every domain ran (got $n)" \
		"(d0) cycler: PASS: half shut down by themselves (poweroff) before being destroyed (got $((n - n / 2)))" \
		"(d0) cycler: PASS: half were destroyed while still running (got $((n / 2)))" \
		"(d0) cycler: PASS: every destroyed domain is gone (getdomaininfo ESRCH) (got $n)" \
		'(d0) cycler: PASS: free pages after each cycle equal those before (cycles that leaked) (got 0)' \
		'(d0) cycler: PASS: free pages at the end equal those at the start (got 0)' \
		'(d0) cycler: all passed'; do
		grep -qxF -- "$line" "$out.clean" || fail "seed $seed: no line '$line'"
	done
	! grep -q 'FAIL' "$out.clean" || fail "seed $seed: a check failed"
	# Each domain says what it was given: 2 MiB at Xen's RAM base, its vCPUs (all started), the
	# host's GIC version (found in its tree and brought up), the magic pages, its ports.
	[ "$vcpus" -eq 1 ] && cpus="1 vCPU" || cpus="$vcpus vCPUs"
	tiny="^\\(d[0-9]+\\) tiny [0-9]+: 2048 KiB at 0x40000000, $cpus, GICv$gic, console 0x39000 port [0-9]+, store 0x39001 port [0-9]+\$"
	got=$(grep -cE "$tiny" "$out.clean")
	[ "$got" -eq "$n" ] || fail "seed $seed: $got of $n tiny domains reported their RAM and PV wiring"
	for i in 0 1 $((n - 1)); do
		grep -qE "^\(d[0-9]+\) tiny $i: " "$out.clean" || fail "seed $seed: tiny $i never ran"
	done
	# The summary lists Dom0 and the toolstack's domains (a row per domid, which the rover reuses;
	# the hypervisor knows them by number only, as Xen does): 2 MiB at peak, nothing held at the end.
	grep -qE '^d0 dom0 ' "$out.clean" || fail "seed $seed: no Dom0 in the summary"
	rows=$(grep -cE "^d[1-9][0-9]* +d[0-9]+ +$vcpus +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ +2\\.0 MiB +0\\.0 MiB " "$out.clean")
	[ "$rows" -ge 2 ] || fail "seed $seed: $rows toolstack domains in the summary"
	! grep -E '^d[0-9]+ ' "$out.clean" | grep -vqE ' 0\.0 MiB  ' || fail "seed $seed: a domain holds memory at the end"
	[ $rc -eq 0 ] || fail "seed $seed: hypsim exit status $rc"
	echo "seed $seed: $(grep -F 'ns of virtual time per cycle' "$out.clean" | sed 's/^(d0) cycler: //'), $(awk "BEGIN { printf \"%.1f\", $end - $start }") s of host time;" \
		"$(grep -F 'saw frames come back' "$out.clean" | sed 's/^(d0) cycler: //');" \
		"$(grep -F 'per cycle: ' "$out.clean" | sed 's/^(d0) cycler: //')"
done
"$hypsim" "$dts" --seed 2 >"$out.again" 2>"$out.again_err"
cmp -s "$out.2" "$out.again" || fail "same seed, different console"
cmp -s "$out.err2" "$out.again_err" || fail "same seed, different summary"
echo "PASS: $n domain create/destroy cycles ($vcpus vCPUs, GICv$gic) under 2 seeds, no frame leaked, deterministic"
