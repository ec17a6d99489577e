# check_net FILE BROADCASTS: the PV network scenario's verdicts on the console FILE (net_test.sh on
# the sim, net_qemu.sh on QEMU): d4 and d5 exchanged their 200 checked frames each way, got their 8
# echoes from the wire and BROADCASTS (a regex: the sim's wire sends a fixed number) broadcasts from
# outside; d5's 6 malformed requests were refused and counted (5 errors, 1 spoofed) and its broken
# ring cut it off alone; d4 counted nothing wrong; the driver domain sent 16 frames to the wire,
# dropped none and the card missed none. Sourced by scripts that define fail().
check_net() {
	local f=$1 bcasts=$2
	! grep -q "FAIL" "$f" || fail "$(grep -m1 FAIL "$f")"
	for d in 4 5; do
		grep -qxE "\(d$d\) netfront: PASS: 200 frames each way with the peer checked, 8 echoes from the wire, $bcasts broadcasts from outside" "$f" ||
			fail "d$d did not pass"
	done
	grep -qx "(d5) netfront: PASS: the backend refused all 6 malformed requests" "$f" || fail "malformed requests"
	grep -qx "(d3) netback: d5 vif 0 broke its ring: cut off" "$f" || fail "d5's broken ring not cut off"
	grep -qxE "\(d3\) netback: d5 vif 0 disconnected: tx [0-9]+ frames 5 errors 1 spoofed, rx [0-9]+ frames 0 dropped 0 errors" "$f" ||
		fail "d5's counts"
	grep -qxE "\(d3\) netback: d4 vif 0 disconnected: tx [0-9]+ frames 0 errors 0 spoofed, rx [0-9]+ frames 0 dropped 0 errors" "$f" ||
		fail "d4's counts"
	grep -qxE "\(d3\) netback: every frontend closed; wire rx [0-9]+ tx 16 dropped 0, card missed 0: done" "$f" ||
		fail "netback's wire counts"
}
