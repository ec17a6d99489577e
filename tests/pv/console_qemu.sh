#!/bin/bash
# The PV console on QEMU virt, the real hypervisor and bare-metal guests: Dom0 runs consback, two
# dom0less DomUs run consfront (one flooding its ring, one breaking its out_prod), and the same
# checks as the sim's scenario hold (console_check.sh).
# Usage: console_qemu.sh GIC_VERSION HYP_IMAGE CONSBACK_IMAGE CONSFRONT_IMAGE (runfiles paths)
set -u
gic=$1
fail() {
	echo "FAIL (GICv$gic): $*"
	[ -f "${log:-}" ] && { echo "--- QEMU printed:"; grep -v 'consfront: line' "$log"; }
	exit 1
}
. "$(dirname "$0")/console_check.sh"
. "$(dirname "$0")/qemu_pv.sh"

qemu_pv_run "$1" "$2" "$3" "consback.domus=2 consback.delay=3000" "$4" consfront.lines=200 consfront.hostile
# Domain ids follow the order the hypervisor finds the nodes in: learn which DomU broke its ring.
hostile=$(sed -n 's/^(d\([0-9]*\)) consfront: hostile out_prod written$/\1/p' "$out.clean")
flood=$(sed -n 's/^Domain d\([0-9]*\) (domU[12]).*/\1/p' "$out.clean" | sort -u | grep -vx "${hostile:-x}" | head -1)
[ -n "$hostile" ] && [ -n "$flood" ] || fail "no hostile / flooding DomU found"
check_console "$out.clean" "$flood" "$hostile"
echo "PASS (GICv$gic): PV console on QEMU: d$flood's 206 lines in order, d$hostile's broken ring cut off"
grep -v 'consfront: line' "$out.clean"
