#!/bin/bash
# The xenbus console device on QEMU virt: the real hypervisor, xenstored and the backend in Dom0
# (vconsback), the frontend in a dom0less DomU (vconsfront); the sim scenario's checks hold.
# Usage: xenbus_qemu.sh GIC_VERSION HYP_IMAGE VCONSBACK_IMAGE VCONSFRONT_IMAGE (runfiles paths)
set -u
gic=$1
fail() {
	echo "FAIL (GICv$gic): $*"
	[ -f "${log:-}" ] && { echo "--- QEMU printed:"; grep -v 'vconsfront: line' "$log"; }
	exit 1
}
. "$(dirname "$0")/xenbus_check.sh"
. "$(dirname "$0")/qemu_pv.sh"

qemu_pv_run "$1" "$2" "$3" "vconsback.fe=1" "$4" vconsfront.lines=60
check_xenbus "$out.clean"
echo "PASS (GICv$gic): xenbus console on QEMU"
grep -v 'vconsfront: line' "$out.clean"
