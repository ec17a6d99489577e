#!/usr/bin/env bash
# The round-trip bench's guests work: two DomUs running guests/evtping (200 round trips) finish with
# every ping answered and seen, under several seeds (different interleavings of the two pCPUs), and
# one seed replays byte for byte. Not a timing test: the figures are bench/pvsim/run.sh's.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/evtping
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && tail -20 "$out.clean"; exit 1; }

sed 's/ROUNDS/200/g' "$dts" >"$out.dts"
for seed in 1 2 3 7; do
	"$hypsim" "$out.dts" --seed $seed --until 10s >"$out.$seed" 2>&1
	rc=$?
	tr -d '\r' <"$out.$seed" >"$out.clean"
	for line in '(d2) evtping: pong answered 200 pings' '(d1) evtping: ping done' '(d2) evtping: pong done'; do
		grep -qxF -- "$line" "$out.clean" || fail "seed $seed: no line '$line'"
	done
	grep -qE '^\(d1\) evtping: 200 round trips in [1-9][0-9]* counter ticks at [1-9][0-9]* Hz$' "$out.clean" ||
		fail "seed $seed: no timing line"
	! grep -q 'failed' "$out.clean" || fail "seed $seed: a side failed"
	[ $rc -eq 0 ] || fail "seed $seed: hypsim exit status $rc"
done
"$hypsim" "$out.dts" --seed 2 --until 10s >"$out.again" 2>&1
cmp -s "$out.2" "$out.again" || fail "same seed, different console"
echo "PASS: 200 event-channel round trips between two DomUs under 4 seeds, deterministic"
