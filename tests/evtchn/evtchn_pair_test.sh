#!/usr/bin/env bash
# The evtchn_pair scenario: two DomUs run evtchntest on two pCPUs, connect to each other (d1
# allocates port 1 for d2, d2 binds to it), exchange 50 events each way through their upcalls, are
# refused the other's table (EPERM), and d1 sees its port go back to unbound when d2 is destroyed.
# Under several seeds (different interleavings) every check must pass; one seed replays byte for byte.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/evtchn_pair
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && cat "$out.clean"; exit 1; }

for seed in 1 2 3 7; do
	"$hypsim" "$dts" --seed $seed >"$out.$seed" 2>"$out.err$seed"
	rc=$?
	tr -d '\r' <"$out.$seed" >"$out.clean"
	for line in '(d1) evtchntest: PASS: alloc_unbound for the peer gives port 1 (got 1)' \
		'(d2) evtchntest: PASS: bind_interdomain to the peer'"'"'s port 1 (got 0)' \
		'(d2) evtchntest: PASS: the binding raised one event on our new port (Xen'"'"'s rule) (got 1)' \
		'(d1) evtchntest: PASS: events went both ways between the domains, one upcall each (got 50)' \
		'(d2) evtchntest: PASS: events went both ways between the domains, one upcall each (got 50)' \
		'(d1) evtchntest: PASS: alloc_unbound in the peer'"'"'s table without privilege is EPERM (got -1)' \
		'(d2) evtchntest: PASS: status of the peer'"'"'s port without privilege is EPERM (got -1)' \
		'(d1) evtchntest: PASS: the peer'"'"'s destruction left our port unbound, waiting for it (got 1)' \
		'(d1) evtchntest: all passed' '(d2) evtchntest: all passed'; do
		grep -qxF -- "$line" "$out.clean" || fail "seed $seed: no line '$line'"
	done
	! grep -q 'FAIL' "$out.clean" || fail "seed $seed: a guest check failed"
	[ $rc -eq 0 ] || fail "seed $seed: hypsim exit status $rc"
done
"$hypsim" "$dts" --seed 2 >"$out.again" 2>/dev/null
cmp -s "$out.2" "$out.again" || fail "same seed, different console"
echo "PASS: two domains exchanged events under 4 seeds, deterministic"
