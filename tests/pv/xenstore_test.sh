#!/usr/bin/env bash
# xenstore on the sim: Dom0's xenstored serves two DomUs over their store rings. Every check of
# every domain passes (reads, writes, perms granted and refused with EACCES, a watch across domains,
# a counter incremented in transactions from both DomUs with none lost), a third DomU that moves
# its ring's req_prod a ring and a half ahead loses its own ring and nothing else, Dom0 releases all
# three when they go, and the same seed replays byte for byte; four more seeds pass too.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/xenstore
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && cat "$out.clean"; exit 1; }

"$hypsim" "$dts" --seed 7 >"$out.1" 2>"$out.err1"
rc=$?
tr -d '\r' <"$out.1" >"$out.clean"
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
for d in 1 2; do
	p=$((3 - d))
	for line in \
		'PASS: xs_open: the store ring from HVM_PARAM_STORE_PFN/STORE_EVTCHN (got 0)' \
		"PASS: reads its domid under its home (a relative path) (got $d)" \
		'PASS: makes data/ readable by its peer (got 0)' \
		'PASS: writes data/hello (got 0)' \
		'PASS: directory of data/ lists hello (got 1)' \
		'PASS: watches the peer'"'"'s data/ (got 0)' \
		'PASS: sees the peer ready (got 1)' \
		'PASS: a missing node of its own is ENOENT (got -2)' \
		'PASS: writing in Dom0'"'"'s home is EACCES (got -13)' \
		'PASS: the peer'"'"'s private node is EACCES (got -13)' \
		'PASS: writing under the peer'"'"'s read-only grant is EACCES (got -13)' \
		'PASS: removing the peer'"'"'s node is EACCES (got -13)' \
		'PASS: increments the shared counter in transactions (got 20)' \
		'PASS: the counter holds both domains'"'"' increments, none lost (got 40)' \
		'all passed'; do
		grep -qxF -- "(d$d) xstest: $line" "$out.clean" || fail "no line '(d$d) xstest: $line'"
	done
	grep -q "^(d$d) xstest: PASS: reads the peer's data/hello where the peer granted it" "$out.clean" ||
		fail "d$d did not read d$p's node"
	grep -q "^(d$d) xstest: PASS: a watch event for the peer's data/go, written after both watches stood" \
		"$out.clean" || fail "d$d had no watch event from d$p"
	grep -q "^(d0) xsd: d$d introduced (store gfn 0x39001, port [0-9]*): 0$" "$out.clean" || fail "d$d not introduced"
	grep -q "^(d0) xsd: d$d is gone: released$" "$out.clean" || fail "d$d not released"
done
for line in 'PASS: a good request first (got 1)' 'PASS: finds its store page (got 0)' \
	'PASS: req_prod 1524 bytes ahead: the daemon flags the ring index error (got 2)' \
	'PASS: and consumed nothing past it (got 0)' 'all passed'; do
	grep -qxF -- "(d3) xstest: $line" "$out.clean" || fail "no line '(d3) xstest: $line'"
done
grep -qxF '(d0) xsd: d3 broke its ring (error 2): no longer served' "$out.clean" || fail "d3's ring not given up"
grep -qxF '(d0) xsd: d3 is gone: released' "$out.clean" || fail "d3 not released"
for line in 'PASS: xenstored started (got 0)' 'PASS: the boot DomUs are introduced, each with its home (got 3)' \
	'the counter ended at 40' 'all passed'; do
	grep -qxF -- "(d0) xsdom0: $line" "$out.clean" || fail "no line '(d0) xsdom0: $line'"
done
grep -q '^(d0) xsdom0: PASS: every DomU released when it went, its home removed' "$out.clean" || fail "Dom0 release"
! grep -q 'FAIL' "$out.clean" || fail "a guest check failed"
"$hypsim" "$dts" --seed 7 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
retried=$(grep -h 'transactions retried after EAGAIN' "$out.clean" | tr '\n' ' ')
for seed in 1 2 3 4; do
	"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
	[ "$(grep -c 'xstest: all passed' "$out.s")" -eq 3 ] || fail "seed $seed: a DomU failed"
	grep -q 'xsdom0: all passed' "$out.s" || fail "seed $seed: Dom0 failed"
done
echo "PASS: $(grep -c PASS "$out.clean") guest checks, deterministic, 5 seeds; seed 7: $retried"
