#!/usr/bin/env bash
# The block driver domain restarted in the middle of I/O: Dom0 destroys d1 once the frontend has 96
# writes acknowledged, with requests in flight, waits until the hypervisor has torn it down (its
# frames back), and builds a new one with the toolstack (the RAM disk given through iomem; the
# hypervisor picks the domid, d1's again). The frontend sees d1 go, connects to the new backend,
# reissues what d1 never acknowledged, and its final read-back of every block equals its log of
# acknowledged writes. The bystander d3 prints progress through its PV console (Dom0's backend
# prints it) before, during and after the restart. Several seeds; the same seed replays exactly.
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

check() {
	local f=$1
	! grep -q 'FAIL' "$f" || fail "$f: a guest check failed"
	local up freed killed gone started nb back pass ticks
	up=$(line_of "$f" '^\(d2\) blkfront: connected to backend d1 \(/local/domain/1/backend/vbd/2/0\), 0 requests reissued$') || fail "$f: a line is missing"
	freed=$(line_of "$f" '^Domain d1 \(domU1\): destroyed, [0-9]+ frames returned$') || fail "$f: a line is missing"
	killed=$(line_of "$f" '^\(d0\) pvdom0: destroyed driver domain d1 after (9[6-9]|1[0-9][0-9]) acknowledged writes$') || fail "$f: a line is missing"
	gone=$(line_of "$f" '^\(d2\) blkfront: backend d1 gone, [1-9][0-9]* requests unacknowledged$') || fail "$f: a line is missing"
	started=$(line_of "$f" '^\(d0\) pvdom0: new driver domain d[0-9]+ started$') || fail "$f: a line is missing"
	nb=$(sed -n "${started}s/.*new driver domain d\([0-9]*\) started.*/\1/p" "$f")
	line_of "$f" "^Domain d$nb: created by the toolstack, 1 vCPU, GICv3\$" >/dev/null || fail "$f: a line is missing"
	back=$(line_of "$f" "^\(d2\) blkfront: connected to backend d$nb \(/local/domain/$nb/backend/vbd/2/0\), [1-9][0-9]* requests reissued\$") || fail "$f: a line is missing"
	[ "$(grep -c "^(d$nb) blkback: serving a 256 KiB RAM disk at 0x20000000\$" "$f")" -ge 1 ] ||
		fail "$f: the new driver domain did not find the RAM disk"
	pass=$(line_of "$f" '^\(d2\) blkfront: PASS: 64 blocks read back equal the log of 256 acknowledged writes \([0-9]+ reads checked on the way, 2 connections, [1-9][0-9]* requests reissued\)$') || fail "$f: a line is missing"
	line_of "$f" '^\(d0\) pvdom0: bystander d3 destroyed \(0\)$' >/dev/null || fail "$f: a line is missing"
	line_of "$f" '^\(d0\) pvdom0: frontend and driver domain gone: done$' >/dev/null || fail "$f: a line is missing"
	[ "$up" -lt "$freed" ] && [ "$freed" -lt "$killed" ] && [ "$killed" -lt "$started" ] &&
		[ "$started" -lt "$back" ] && [ "$back" -lt "$pass" ] || fail "$f: events out of order"
	[ "$gone" -lt "$back" ] || fail "$f: reconnected before seeing the old backend go"
	# The bystander kept printing: before the restart, while it happened and after it.
	ticks=$(sed -n "1,${up}p" "$f" | grep -c '^(d0) \[d3\] ticker: tick')
	[ "$ticks" -ge 1 ] || fail "$f: no tick before the first connection"
	ticks=$(sed -n "${killed},${back}p" "$f" | grep -c '^(d0) \[d3\] ticker: tick')
	[ "$ticks" -ge 1 ] || fail "$f: no tick between the destruction and the reconnection"
	ticks=$(sed -n "${back},\$p" "$f" | grep -c '^(d0) \[d3\] ticker: tick')
	[ "$ticks" -ge 1 ] || fail "$f: no tick after the reconnection"
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
echo "PASS: $(grep -oE 'backend d1 gone, [0-9]+ requests unacknowledged' "$out.clean"), $(grep -oE '[0-9]+ requests reissued\)' "$out.clean" | tr -d ')') to the new driver domain, read-back equals the log, bystander ticked throughout, 4 seeds, deterministic"
