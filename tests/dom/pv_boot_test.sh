#!/usr/bin/env bash
# Boot domains' PV channels on the sim: two DomUs find their console and xenstore pages and ports
# through their HVM params, Dom0 maps their seeded grants, answers in the xenstore page and binds
# the store ports; Dom0 also maps their pages by GFN into pages of its own it ballooned out, and reads physinfo. Every check passes, each DomU returns its RAM, shared_info and both pages, and
# the same seed replays byte for byte.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/pv_boot
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && cat "$out.1"; exit 1; }

"$hypsim" "$dts" --seed 7 >"$out.1" 2>"$out.err1"
rc=$?
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
tr -d '\r' <"$out.1" >"$out.clean"
for d in 1 2; do
	for line in "PASS: CONSOLE_PFN is the magic region's first page (got 233472)" \
		"PASS: STORE_PFN is the magic region's second page (got 233473)" \
		'PASS: both pages are zeroed RAM (got 0)' \
		'PASS: no page beyond its memory; one given back can be had elsewhere (got 0)' 'all passed'; do
		grep -qxF -- "(d$d) pvcheck: $line" "$out.clean" || fail "no line '(d$d) pvcheck: $line'"
	done
	grep -q "^(d$d) pvcheck: PASS: Dom0 answered in the xenstore page" "$out.clean" || fail "d$d: no answer"
	grep -q "^(d$d) pvcheck: PASS: Dom0 bound the store port" "$out.clean" || fail "d$d: store port not bound"
	grep -qxF -- "Domain d$d (domU$d): destroyed, 4099 frames returned" "$out.clean" || fail "d$d: frames"
done
[ "$(grep -c '^(d0) pvcheck: PASS: mapped the xenstore grant' "$out.clean")" -eq 2 ] || fail "Dom0 did not map both"
[ "$(grep -c '^(d0) pvcheck: PASS: bound the DomU'"'"'s store port' "$out.clean")" -eq 2 ] || fail "Dom0 did not bind both"
# Dom0 as a toolstack: each DomU's pages by GFN (a 100-page batch, continued) into its own ballooned-out
# pages (1:1: given back and taken again where they were).
for check in "mapped 100 of the DomU's pages by GFN in one batch (got 100)" \
	'the console page by GFN is the one its grant maps (got 0)' \
	'removed every foreign page (then ENOENT) (got 100)' 'a page of no domain: ESRCH in its errs slot (got -3)'; do
	[ "$(grep -cxF -- "(d0) pvcheck: PASS: $check" "$out.clean")" -eq 2 ] || fail "Dom0: not twice '$check'"
done
grep -qxF '(d0) pvcheck: PASS: physinfo: 2 CPUs, free pages below the total (got 0)' "$out.clean" || fail "physinfo"
grep -qxF '(d0) pvcheck: PASS: gave 102 pages of its RAM back (a continued call) (got 102)' "$out.clean" || fail "balloon"
grep -qxF '(d0) pvcheck: PASS: took the 102 pages back where they were (got 102)' "$out.clean" || fail "balloon"
grep -qxF '(d0) pvcheck: PASS: the DomUs finished before Dom0 (got 1)' "$out.clean" || fail "Dom0 ended first"
grep -qxF 'Domain d0 (dom0): destroyed, 8193 frames returned' "$out.clean" || fail "Dom0's frames"
grep -qxF '(d0) pvcheck: all passed' "$out.clean" || fail "Dom0 failed"
! grep -q 'FAIL' "$out.clean" || fail "a guest check failed"
"$hypsim" "$dts" --seed 7 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
for seed in 1 2 3 4; do
	"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
	[ "$(grep -c 'pvcheck: all passed' "$out.s")" -eq 3 ] || fail "seed $seed: not all passed"
done
echo "PASS: $(grep -c PASS "$out.clean") guest checks, deterministic, 5 seeds"
