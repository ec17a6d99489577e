#!/bin/bash
# Boot domains' PV channels on QEMU virt with the real hypervisor: Dom0 and two dom0less DomUs run
# pvcheck (the checks of the sim's pv_boot scenario: params, seeded grants, store ports, pages by
# GFN into Dom0's ballooned-out 1:1 RAM, physinfo, the DomUs' balloons). Every domain passes.
# Usage: pv_qemu.sh GIC_VERSION HYP_IMAGE PVCHECK_IMAGE (runfiles paths)
set -u
gic=$1
fail() {
	echo "FAIL (GICv$gic): $*"
	[ -f "${log:-}" ] && { echo "--- QEMU printed:"; cat "$log"; }
	exit 1
}
. "${TEST_SRCDIR}/${TEST_WORKSPACE}/tests/pv/qemu_pv.sh"

qemu_pv_run "$gic" "$2" "$3" "pvcheck.peers=2" "$3" "" ""
! grep -q FAIL "$out.clean" || fail "a check failed"
[ "$(grep -c '^(d[012]) pvcheck: all passed$' "$out.clean")" -eq 3 ] || fail "not every domain passed"
# Domain ids follow the order the hypervisor finds the nodes in: either DomU may be d1.
[ "$(grep -cE '^Domain d[12] \(domU[12]\): destroyed, 4099 frames returned$' "$out.clean")" -eq 2 ] ||
	fail "a DomU did not return its RAM, shared_info and both PV pages"
echo "PASS (GICv$gic): $(grep -c 'pvcheck: PASS' "$out.clean") checks on QEMU"
