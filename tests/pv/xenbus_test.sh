#!/usr/bin/env bash
# A xenbus console device on the sim: Dom0 (xenstored + backend) and a DomU meet through the xenbus
# handshake over the real xenstore, the DomU's own page granted to Dom0 carries 61 lines in order,
# the grant cannot be ended while Dom0 maps it and can once Dom0 closed, and Dom0 waits for the
# DomU to be released. Several seeds, and the same seed replays byte for byte.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/pv_xenbus
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && grep -v 'vconsfront: line' "$out.clean"; exit 1; }

. "$(dirname "$0")/sim_seeds.sh"
. "$(dirname "$0")/xenbus_check.sh"

sim_seeds "$hypsim" "$dts" check_xenbus
echo "PASS: xenbus console: handshake over xenstored, 61 lines through a DomU-granted page, grant ended after unmap, 4 seeds, deterministic"
