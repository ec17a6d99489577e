#!/usr/bin/env bash
# PV network with a network driver domain on the sim, beside PV block: Dom0 lists a vif for d4 and
# d5 backed by d3 (the sim NIC passed through behind the SMMU); d4 and d5 exchange 200 numbered
# frames each way through d3's switch (every byte checked, none lost, none seen by a domain it was
# not for), each gets its 8 frames to the wire's far end echoed and (at least) 4 of the far end's
# broadcasts; the NIC's log shows exactly the 16 frames that went out; d2's block workload passes
# alongside and every domain ends cleanly. d5 is hostile too: its 6 malformed requests (bad ref,
# beyond the page, offset + size wrapping, too short, extra_info, forged source) are each refused
# and counted, and its req_prod moved past the ring at the end gets it alone cut off. Several
# seeds; the same seed replays byte for byte.
set -u
hypsim=$1 dts=$2
out=${TEST_TMPDIR:-/tmp}/pv_net
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && tail -40 "$out.1"; exit 1; }

. "$(dirname "$0")/net_check.sh"

check() {
	local f=$1
	check_net "$f" 4
	grep -q "^(d2) blkfront: PASS: 64 blocks read back equal the log of 256 acknowledged writes" "$f" || fail "block workload"
	[ "$(grep -c '^nic0: tx ' "$f")" -eq 16 ] || fail "the NIC did not send exactly 16 frames"
	[ "$(grep -c '^nic0: tx [0-9]* bytes 02:00:00:00:00:99 <- 00:16:3e:00:00:0[45] ' "$f")" -eq 16 ] ||
		fail "a frame other than the DomUs' frames to the far end left on the wire"
	grep -q "(d0) pvdom0: frontend and driver domain gone: done" "$f" || fail "Dom0 did not finish"
}

"$hypsim" "$dts" --seed 5 >"$out.1" 2>"$out.err1" || fail "hypsim exit status $?"
tr -d '\r' <"$out.1" >"$out.clean"
check "$out.clean"
"$hypsim" "$dts" --seed 5 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
for seed in 1 2; do
	"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
	tr -d '\r' <"$out.s" >"$out.sc"
	check "$out.sc"
done
echo "PASS: 400 frames between d4 and d5 through the network driver domain, 16 echoed by the wire, 8 broadcasts in, 6 malformed requests refused and a broken ring cut off, block alongside, deterministic, 3 seeds"
