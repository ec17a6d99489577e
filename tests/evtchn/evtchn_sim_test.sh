#!/usr/bin/env bash
# The evtchn scenario: evtchntest in a DomU uses event channels from inside (ports to itself, an
# interdomain loopback, status, close, unmask, reset, Xen's errnos) and takes 100 upcalls as PPI 31
# through its vGIC on GIC version $3. Every check must pass, the domain power off, the machine stop
# with status 0, and the same seed replay byte for byte.
set -u
hypsim=$1 dts=$2 gic=$3
out=${TEST_TMPDIR:-/tmp}/evtchn_v$gic
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && cat "$out.1"; exit 1; }

"$hypsim" "$dts" --seed 5 >"$out.1" 2>"$out.err1"
rc=$?
tr -d '\r' <"$out.1" >"$out.clean"
for line in "(d1) evtchntest: PASS: a GIC in the device tree (got $gic)" \
	'(d1) evtchntest: PASS: send to self sets the port'"'"'s pending bit (got 0)' \
	'(d1) evtchntest: PASS: the other end is unbound again (got 1)' \
	'(d1) evtchntest: PASS: send to a closed port is EINVAL (got -22)' \
	'(d1) evtchntest: upcall on INTID 31' \
	'(d1) evtchntest: PASS: every send to self raised one upcall interrupt (got 100)' \
	'(d1) evtchntest: PASS: unmask raises the upcall for it (got 101)' \
	'(d1) evtchntest: all passed' 'Domain d1 (domU1): shut down (poweroff)'; do
	grep -qxF -- "$line" "$out.clean" || fail "no line '$line'"
done
! grep -q 'FAIL' "$out.clean" || fail "a guest check failed"
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
"$hypsim" "$dts" --seed 5 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
echo "PASS: $(grep -c PASS "$out.clean") guest checks on GICv$gic, deterministic"
