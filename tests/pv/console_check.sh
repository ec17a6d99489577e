# The PV console scenario's checks, shared by the sim run (console_test.sh) and the QEMU run
# (console_qemu.sh). check_console FILE FLOOD HOSTILE: in the cleaned console output FILE, Dom0
# printed every line DomU FLOOD wrote, in order and whole, FLOOD had to wait for room, and DomU
# HOSTILE's out_prod past the ring cut off its console and nothing else. Needs fail() and $out.
check_console() {
	local f=$1 d=$2 h=$3
	for x in "$d" "$h"; do
		grep -qxF "(d0) consback: PASS: attached to d$x's console (got 0)" "$f" || fail "Dom0 did not attach d$x"
	done
	grep -qxF "(d0) [d$d] consfront: hello from the PV console" "$f" || fail "no greeting from d$d"
	# The long line: pieces of 127 bytes that join up to the 300-byte alphabet run.
	local want got
	want=$(for i in $(seq 0 299); do printf "\\x$(printf %x $((65 + i % 26)))"; done)
	got=$(grep "^(d0) \[d$d\] [A-Z]*\$" "$f" | sed "s/^(d0) \[d$d\] //" | tr -d '\n')
	[ "$got" = "$want" ] || fail "the long line did not arrive whole: '$got'"
	[ "$(grep "^(d0) \[d$d\] [A-Z]*\$" "$f" | awk '{ print length($3) }' | tr '\n' ' ')" = "127 127 46 " ] ||
		fail "the long line was not cut at 127 bytes"
	# The burst: every line, in order, none lost or torn.
	grep "^(d0) \[d$d\] consfront: line " "$f" >"$out.burst"
	[ "$(wc -l <"$out.burst")" -eq 200 ] || fail "$(wc -l <"$out.burst") of 200 burst lines arrived"
	for i in 0 1 99 199; do
		[ "$(sed -n "$((i + 1))p" "$out.burst")" = \
			"(d0) [d$d] consfront: line $(printf %04u $i) of 0200 $(printf '.%.0s' $(seq 68))" ] ||
			fail "burst line $i is not where it should be"
	done
	grep -qxF "(d0) [d$d] consfront: done" "$f" || fail "d$d's last line missing"
	grep -q "^(d$d) consfront: 204 lines written, waited [1-9][0-9]* times for room, flushed (0)\$" "$f" ||
		fail "d$d never waited for room (or did not flush)"
	grep -qxF "(d0) consback: d$d: 206 lines, 19977 bytes, done" "$f" || fail "Dom0's count for d$d"
	# The hostile DomU: its two lines, then its console is cut off; it notices; Dom0 goes on.
	grep -qxF "(d0) [d$h] consfront: second line" "$f" || fail "d$h's lines before the break"
	grep -qxF "(d0) [d$h] console: broken ring (out_cons 60, out_prod 3132), disconnected" "$f" ||
		fail "Dom0 did not detect d$h's out_prod"
	[ "$(grep -c 'console: broken ring' "$f")" -eq 1 ] || fail "the break was reported more than once"
	grep -qxF "(d$h) consfront: PASS: the frontend stops on its broken ring (got -5)" "$f" ||
		fail "d$h's frontend went on"
	grep -qxF "(d0) consback: d$h: 2 lines, 60 bytes, broken ring" "$f" || fail "Dom0's count for d$h"
	grep -qxF '(d0) consback: all consoles served' "$f" || fail "Dom0 did not finish"
	! grep -q 'FAIL' "$f" || fail "a guest check failed"
}
