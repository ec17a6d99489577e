#!/usr/bin/env bash
# The PV console on the sim: Dom0's backend prints every line d1 writes through its xencons ring as
# "[d1] ...", in order and complete (the 300-byte line in pieces that join up, 200 burst lines
# though the ring holds 2 KiB and d1 had to wait for room), while d2 breaks its out_prod and loses
# only its own console. Several seeds, and the same seed replays byte for byte.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/pv_console
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && tail -40 "$out.clean"; exit 1; }

. "$(dirname "$0")/console_check.sh"

"$hypsim" "$dts" --seed 7 >"$out.1" 2>"$out.err1"
rc=$?
tr -d '\r' <"$out.1" >"$out.clean"
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
check_console "$out.clean" 1 2
"$hypsim" "$dts" --seed 7 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
for seed in 1 2 3; do
	"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
	tr -d '\r' <"$out.s" >"$out.clean"
	check_console "$out.clean" 1 2
done
echo "PASS: PV console: 206 lines from d1 in order (waited for room), d2's broken ring cut off, 4 seeds, deterministic"
