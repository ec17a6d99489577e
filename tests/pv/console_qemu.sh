#!/bin/bash
# The PV console on QEMU virt, the real hypervisor and bare-metal guests: Dom0 runs consback, two
# dom0less DomUs run consfront (one flooding its ring, one breaking its out_prod), and the same
# checks as the sim's scenario hold (console_check.sh). Dom0 is 1:1; the DomUs get Xen's guest map.
# Usage: console_qemu.sh GIC_VERSION HYP_IMAGE CONSBACK_IMAGE CONSFRONT_IMAGE (runfiles paths)
set -u
gic=$1
run() { echo "${TEST_SRCDIR}/${TEST_WORKSPACE}/$1"; }
img=$(run "$2") dom0=$(run "$3") front=$(run "$4")
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
dtb="$tmp/gicv$gic.dtb" log="$tmp/qemu-gicv$gic.log" out="$tmp/console"
machine="virt,virtualization=on,gic-version=$gic"
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 2 -m 1G -nographic -nic none -semihosting)
fail() {
	echo "FAIL (GICv$gic): $*"
	[ -f "$log" ] && { echo "--- QEMU printed:"; grep -v 'consfront: line' "$log"; }
	exit 1
}
. "$(dirname "$0")/console_check.sh"

command -v fdtput >/dev/null || fail "fdtput not found (Debian package device-tree-compiler)"
"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >"$tmp/dump.log" 2>&1 || fail "dumpdtb: $(cat "$tmp/dump.log")"
size() { printf %x "$(stat -Lc %s "$1")"; }

set -e
fdtput -t s "$dtb" /chosen bootargs "poweroff_when_idle semihosting dom0_mem=32M"
fdtput -t s "$dtb" /chosen xen,dom0-bootargs "consback.domus=2 consback.delay=3000"
fdtput -t u "$dtb" /chosen "#address-cells" 2
fdtput -t u "$dtb" /chosen "#size-cells" 2
fdtput -c "$dtb" /chosen/module@50000000
fdtput -t s "$dtb" /chosen/module@50000000 compatible "multiboot,kernel" "multiboot,module"
fdtput -t x "$dtb" /chosen/module@50000000 reg 0 50000000 0 "$(size "$dom0")"
loaders=(-device "loader,file=$dom0,addr=0x50000000")
for i in 1 2; do
	node=/chosen/domU$i at=$(printf %x $((0x51000000 + (i - 1) * 0x1000000)))
	fdtput -c "$dtb" "$node"
	fdtput -t s "$dtb" "$node" compatible "xen,domain"
	fdtput -t u "$dtb" "$node" "#address-cells" 1
	fdtput -t u "$dtb" "$node" "#size-cells" 1
	fdtput -t u "$dtb" "$node" memory 0 16384
	fdtput -t u "$dtb" "$node" cpus 1
	fdtput -c "$dtb" "$node/module@$at"
	fdtput -t s "$dtb" "$node/module@$at" compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" "$node/module@$at" reg "$at" "$(size "$front")"
	args=consfront.lines=200
	[ "$i" = 2 ] && args=consfront.hostile
	fdtput -t s "$dtb" "$node/module@$at" bootargs "$args"
	loaders+=(-device "loader,file=$front,addr=0x$at")
done
set +e

timeout 60 "${qemu[@]}" -M "$machine" -kernel "$img" -dtb "$dtb" "${loaders[@]}" </dev/null >"$log" 2>&1
rc=$?
[ $rc -ne 124 ] || fail "QEMU still running after 60 s"
tr -d '\r' <"$log" >"$out.clean"
[ $rc -eq 0 ] || fail "QEMU exit status $rc, expected 0"
# Domain ids follow the order the hypervisor finds the nodes in: learn which DomU broke its ring.
hostile=$(sed -n 's/^(d\([0-9]*\)) consfront: hostile out_prod written$/\1/p' "$out.clean")
flood=$(sed -n 's/^Domain d\([0-9]*\) (domU[12]).*/\1/p' "$out.clean" | sort -u | grep -vx "${hostile:-x}" | head -1)
[ -n "$hostile" ] && [ -n "$flood" ] || fail "no hostile / flooding DomU found"
check_console "$out.clean" "$flood" "$hostile"
echo "PASS (GICv$gic): PV console on QEMU: d$flood's 206 lines in order, d$hostile's broken ring cut off"
grep -v 'consfront: line' "$out.clean"
