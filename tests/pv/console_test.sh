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
. "$(dirname "$0")/sim_seeds.sh"
check_console_1_2() { check_console "$1" 1 2; }

sim_seeds "$hypsim" "$dts" check_console_1_2
echo "PASS: PV console: 206 lines from d1 in order (waited for room), d2's broken ring cut off, 4 seeds, deterministic"
