# The xenbus console scenario's checks, shared by the sim run (xenbus_test.sh) and the QEMU run
# (xenbus_qemu.sh): check_xenbus FILE, the cleaned console output. Needs fail() and $out.
check_xenbus() {
	local f=$1
	for line in "xenstored started, Dom0's client connected" "wrote the device's frontend and backend directories" \
		"mapped the frontend's page and bound its port" "connected, then closed after the frontend" \
		"the DomU was released, its home removed"; do
		grep -q "^(d0) vconsback: PASS: $line (got [0-9]*)\$" "$f" || fail "no Dom0 PASS line '$line'"
	done
	for line in "the xenstore tells this domain its id (got 1)" \
		"granted the console page to Dom0 and made a port for it (got 0)" "the backend connected to our ring (got 0)" \
		"every line went into the ring (got 0)" "the grant cannot end while Dom0 maps the page (got -16)" \
		"the grant ends once Dom0 unmapped the page (got 0)" "closed through the handshake (got 0)" \
		"our state is Closed (got 6)"; do
		grep -qxF "(d1) vconsfront: PASS: $line" "$f" || fail "no DomU PASS line '$line'"
	done
	grep -qxF '(d0) [d1] vconsfront: hello over a xenbus console' "$f" || fail "no greeting through the ring"
	grep '^(d0) \[d1\] vconsfront: line ' "$f" >"$out.lines"
	[ "$(wc -l <"$out.lines")" -eq 60 ] || fail "$(wc -l <"$out.lines") of 60 lines arrived"
	for i in $(seq 0 59); do
		echo "(d0) [d1] vconsfront: line $(printf %03u "$i") of 060 --------------------------------"
	done | cmp -s - "$out.lines" || fail "the lines are not all there in order"
	grep -qxF '(d0) vconsback: d1: 61 lines, 3700 bytes' "$f" || fail "Dom0's count"
	grep -qxF '(d0) vconsback: all passed' "$f" || fail "Dom0 failed"
	grep -qxF '(d1) vconsfront: all passed' "$f" || fail "the DomU failed"
	! grep -q 'FAIL' "$f" || fail "a guest check failed"
}
