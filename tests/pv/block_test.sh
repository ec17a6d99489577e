#!/usr/bin/env bash
# PV block with a block driver domain on the sim: Dom0 (xenstored) lists the vbd, the driver domain
# (d1, the RAM disk passed through) and the frontend (d2) connect through the xenstore, the
# frontend's 256 writes are acknowledged, every read it made on the way and the final read-back of
# all 64 blocks equal its log of acknowledged writes, and every domain ends cleanly. Several seeds;
# the same seed replays byte for byte.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/pv_block
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && tail -60 "$out.1"; exit 1; }

. "$(dirname "$0")/block_check.sh"

"$hypsim" "$dts" --seed 5 >"$out.1" 2>"$out.err1"
rc=$?
[ $rc -eq 0 ] || fail "hypsim exit status $rc"
tr -d '\r' <"$out.1" >"$out.clean"
check_block "$out.clean"
"$hypsim" "$dts" --seed 5 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
for seed in 1 2 3; do
	"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
	tr -d '\r' <"$out.s" >"$out.sc"
	check_block "$out.sc"
done
echo "PASS: $(grep -oE '[0-9]+ requests served' "$out.clean") by the driver domain, reads equal the log, deterministic, 4 seeds"
