#!/usr/bin/env bash
# The PV console on the sim: Dom0's backend prints every line d1 writes through its xencons ring as
# "[d1] ...", in order and complete (the 300-byte line in pieces that join up, 200 burst lines
# though the ring holds 2 KiB and d1 had to wait for room), while d2 breaks its out_prod and loses
# only its own console. Several seeds, and the same seed replays byte for byte.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/pv_console
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && tail -40 "$out.clean"; exit 1; }

check_run() { # $1: the console output, cleaned
	local f=$1
	grep -qxF '(d0) consback: PASS: attached to d1'"'"'s console (got 0)' "$f" || fail "Dom0 did not attach d1"
	grep -qxF '(d0) consback: PASS: attached to d2'"'"'s console (got 0)' "$f" || fail "Dom0 did not attach d2"
	grep -qxF '(d0) [d1] consfront: hello from the PV console' "$f" || fail "no greeting from d1"
	# The long line: pieces of 127 bytes that join up to the 300-byte alphabet run.
	want=$(for i in $(seq 0 299); do printf "\\x$(printf %x $((65 + i % 26)))"; done)
	got=$(grep '^(d0) \[d1\] [A-Z]*$' "$f" | sed 's/^(d0) \[d1\] //' | tr -d '\n')
	[ "$got" = "$want" ] || fail "the long line did not arrive whole: '$got'"
	[ "$(grep '^(d0) \[d1\] [A-Z]*$' "$f" | awk '{ print length($3) }' | tr '\n' ' ')" = "127 127 46 " ] ||
		fail "the long line was not cut at 127 bytes"
	# The burst: every line, in order, none lost or torn.
	grep '^(d0) \[d1\] consfront: line ' "$f" >"$out.burst"
	[ "$(wc -l <"$out.burst")" -eq 200 ] || fail "$(wc -l <"$out.burst") of 200 burst lines arrived"
	for i in 0 1 99 199; do
		n=$(printf %04u $i)
		[ "$(sed -n "$((i + 1))p" "$out.burst")" = "(d0) [d1] consfront: line $n of 0200 $(printf '.%.0s' $(seq 68))" ] ||
			fail "burst line $i is not where it should be"
	done
	grep -qxF '(d0) [d1] consfront: done' "$f" || fail "d1's last line missing"
	grep -q '^(d1) consfront: 204 lines written, waited [1-9][0-9]* times for room, flushed (0)$' "$f" ||
		fail "d1 never waited for room (or did not flush)"
	grep -qxF '(d0) consback: d1: 206 lines, 19977 bytes, done' "$f" || fail "Dom0's count for d1"
	# The hostile DomU: its two lines, then its console is cut off; it notices; Dom0 goes on.
	grep -qxF '(d0) [d2] consfront: second line' "$f" || fail "d2's lines before the break"
	grep -q '^(d0) \[d2\] console: broken ring (out_cons 60, out_prod 3132), disconnected$' "$f" ||
		fail "Dom0 did not detect d2's out_prod"
	[ "$(grep -c 'console: broken ring' "$f")" -eq 1 ] || fail "the break was reported more than once"
	grep -qxF '(d2) consfront: PASS: the frontend stops on its broken ring (got -5)' "$f" || fail "d2's frontend went on"
	grep -qxF '(d0) consback: d2: 2 lines, 60 bytes, broken ring' "$f" || fail "Dom0's count for d2"
	grep -qxF '(d0) consback: all consoles served' "$f" || fail "Dom0 did not finish"
	! grep -q 'FAIL' "$f" || fail "a guest check failed"
}

"$hypsim" "$dts" --seed 7 >"$out.1" 2>"$out.err1"
rc=$?
tr -d '\r' <"$out.1" >"$out.clean"
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
check_run "$out.clean"
"$hypsim" "$dts" --seed 7 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
for seed in 1 2 3; do
	"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
	tr -d '\r' <"$out.s" >"$out.clean"
	check_run "$out.clean"
done
echo "PASS: PV console: 206 lines from d1 in order (waited for room), d2's broken ring cut off, 4 seeds, deterministic"
