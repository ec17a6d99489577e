#!/bin/bash
# PV block on QEMU virt with the real hypervisor: pvdom0 as Dom0 (xenstored, the toolstack's vbd
# entries, the console backend), blkback as a dom0less driver domain (d1) and blkfront as a DomU
# (d2). The RAM disk is the last MiB of QEMU's 1 GiB, carved out of /memory as device-tree users do:
# /reserved-memory/ramdisk@7ff00000 { compatible = "halcyon,ramdisk"; no-map; }. The hypervisor keeps
# it from its frame allocator and gives its first 256 KiB to d1 at 0x20000000 through d1's partial
# tree (xen,path, xen,reg). The sim scenario's checks hold (block_check.sh).
# Usage: block_qemu.sh GIC_VERSION HYP PVDOM0 BLKBACK BLKFRONT (runfiles paths)
set -u
gic=$1
fail() {
	echo "FAIL (GICv$gic): $*"
	[ -f "${log:-}" ] && { echo "--- QEMU printed:"; tail -80 "$log"; }
	exit 1
}
. "$(dirname "$0")/block_check.sh"
. "$(dirname "$0")/qemu_pv.sh"
. "$(dirname "$0")/qemu_ramdisk.sh"

# The host's reserved RAM disk, and d1's partial tree naming it, loaded as its multiboot,device-tree.
qemu_pv_hook() { qemu_ramdisk "$1" "$2" domU2 54000000; }

# fdtput puts a new node before its siblings, so domU2 comes first in /chosen and is built as d1:
# the driver domain is domU2 (with the partial tree), the frontend domU1 (d2), as pvdom0 expects.
qemu_pv_images=("$5" "$4")
qemu_pv_run "$1" "$2" "$3" "pvdom0.fe=2 pvdom0.be=1" "$5" \
	"blkfront.writes=256 blkfront.blocks=64 blkfront.hostile=1" ""
grep -q '^Domain d1 (domU2)' "$out.clean" || fail "the driver domain (domU2) was not built as d1"
grep -qx 'Reserved memory: 0x7ff00000-0x7fffffff' "$out.clean" || fail "the RAM disk was not kept from the frame allocator"
check_block "$out.clean"
echo "PASS (GICv$gic): PV block on QEMU: $(grep -oE '[0-9]+ requests served' "$out.clean") by the driver domain, reads equal the log"
cat "$out.clean"
