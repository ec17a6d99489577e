#!/usr/bin/env bash
# The block driver domain restarted in the middle of I/O, three times: Dom0 destroys it after 64,
# 128 and 192 acknowledged writes, with requests in flight (at least twice), waits until the
# hypervisor has torn it down (its frames back; the machine's free frames the same at each
# restart), and builds a new one with the toolstack (the RAM disk given through iomem; the
# hypervisor picks the domid, d1's again the first time). The frontend sees each backend go,
# connects to the next, reissues what was never acknowledged, and its final read-back of every
# block equals its log of acknowledged writes. The bystander d3 prints progress through its PV
# console (Dom0's backend prints it) before, during and after each restart. Several seeds; the same
# seed replays exactly.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/pv_restart
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && grep -v 'ticker: tick' "$out.1" | tail -60; exit 1; }

# line_of FILE REGEX: the first line number matching; status 1 (and the reason on stderr) if none.
line_of() {
	local n
	n=$(grep -nE -- "$2" "$1" | head -1 | cut -d: -f1)
	[ -n "$n" ] || { echo "no line matching '$2'" >&2; return 1; }
	echo "$n"
}

# count FILE REGEX: how many lines match.
count() { grep -cE -- "$2" "$1"; }

check() {
	local f=$1 k c next kills=() conns=()
	! grep -q 'FAIL' "$f" || fail "$f: a guest check failed"
	local up freed pass ticks f1 f2 f3
	up=$(line_of "$f" '^\(d2\) blkfront: connected to backend d1 \(/local/domain/1/backend/vbd/2/0\), 0 requests reissued$') || fail "$f: a line is missing"
	freed=$(line_of "$f" '^Domain d1 \(domU1\): destroyed, [0-9]+ frames returned$') || fail "$f: a line is missing"
	pass=$(line_of "$f" '^\(d2\) blkfront: PASS: 64 blocks read back equal the log of 256 acknowledged writes \([0-9]+ reads checked on the way, [2-4] connections, [1-9][0-9]* requests reissued\)$') || fail "$f: a line is missing"
	line_of "$f" '^\(d0\) pvdom0: bystander d3 destroyed \(0\)$' >/dev/null || fail "$f: a line is missing"
	line_of "$f" '^\(d0\) pvdom0: frontend and driver domain gone: done$' >/dev/null || fail "$f: a line is missing"
	# Three restarts, after 64, 128 and 192 acknowledged writes; the frontend sees each backend go.
	for re in '^\(d0\) pvdom0: destroyed driver domain d[0-9]+ after (6[4-9]|[12][0-9][0-9]) acknowledged writes$' \
		'^\(d2\) blkfront: backend d[0-9]+ gone, [0-9]+ requests unacknowledged$' \
		'^\(d0\) pvdom0: new driver domain d[0-9]+ started$' \
		'^Domain d[0-9]+: created by the toolstack, 1 vCPU, GICv3$'; do
		[ "$(count "$f" "$re")" -eq 3 ] || fail "$f: not 3 lines matching '$re'"
	done
	# In the middle of I/O: the frontend reports its progress with 32 requests in flight, but a
	# report waits for Dom0's xenstore answer, and a restart may find them all answered (or kill a
	# driver domain the frontend had not reached yet); most do not.
	[ "$(count "$f" '^\(d2\) blkfront: backend d[0-9]+ gone, [1-9][0-9]* requests unacknowledged$')" -ge 2 ] ||
		fail "$f: fewer than 2 restarts with requests in flight"
	[ "$(count "$f" '^\(d[0-9]+\) blkback: serving a 256 KiB RAM disk at 0x20000000$')" -eq 4 ] ||
		fail "$f: not every driver domain found the RAM disk"
	# No frame leaked by a restart: with the old driver domain gone and the new one built, the
	# machine has the same free frames each time.
	f1=$(sed -n 's/^(d0) pvdom0: restart 1: \([0-9]*\) of [0-9]* frames free$/\1/p' "$f")
	f2=$(sed -n 's/^(d0) pvdom0: restart 2: \([0-9]*\) of [0-9]* frames free$/\1/p' "$f")
	f3=$(sed -n 's/^(d0) pvdom0: restart 3: \([0-9]*\) of [0-9]* frames free$/\1/p' "$f")
	[ -n "$f1" ] && [ "$f1" = "$f2" ] && [ "$f2" = "$f3" ] || fail "$f: free frames at the restarts: '$f1' '$f2' '$f3'"
	mapfile -t kills < <(grep -nE 'pvdom0: destroyed driver domain d[0-9]+ after' "$f" | cut -d: -f1)
	mapfile -t conns < <(grep -nE '^\(d2\) blkfront: connected to backend d[0-9]+ ' "$f" | cut -d: -f1)
	[ "$up" -lt "$freed" ] && [ "$freed" -lt "${kills[0]}" ] && [ "${conns[-1]}" -gt "${kills[2]}" ] &&
		[ "${conns[-1]}" -lt "$pass" ] || fail "$f: events out of order"
	# The bystander kept printing: before the first connection, during each restart (from the
	# destruction to the frontend's next connection), and after the last.
	ticks=$(sed -n "1,${up}p" "$f" | grep -c '^(d0) \[d3\] ticker: tick')
	[ "$ticks" -ge 1 ] || fail "$f: no tick before the first connection"
	for k in 0 1 2; do
		next=
		for c in "${conns[@]}"; do [ "$c" -gt "${kills[$k]}" ] && { next=$c; break; }; done
		[ -n "$next" ] || fail "$f: restart $k: no connection after it"
		ticks=$(sed -n "${kills[$k]},${next}p" "$f" | grep -c '^(d0) \[d3\] ticker: tick')
		[ "$ticks" -ge 1 ] || fail "$f: restart $k: no tick between the destruction and the reconnection"
	done
	ticks=$(sed -n "${conns[-1]},\$p" "$f" | grep -c '^(d0) \[d3\] ticker: tick')
	[ "$ticks" -ge 1 ] || fail "$f: no tick after the last reconnection"
}

"$hypsim" "$dts" --seed 5 >"$out.1" 2>"$out.err1"
rc=$?
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
tr -d '\r' <"$out.1" >"$out.clean"
check "$out.clean"
"$hypsim" "$dts" --seed 5 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
for seed in 1 2 3; do
	"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
	tr -d '\r' <"$out.s" >"$out.sc"
	check "$out.sc"
done
echo "PASS: 3 driver-domain restarts mid-I/O, $(grep -oE '[0-9]+ requests reissued\)' "$out.clean" | tr -d ')') in all, read-back equals the log, bystander ticked throughout, 4 seeds, deterministic"
