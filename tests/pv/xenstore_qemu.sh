#!/bin/bash
# xenstore on QEMU virt, the real hypervisor and bare-metal guests: Dom0 runs xsdom0 (xenstored),
# three dom0less DomUs run xstest (two peers, one breaking its ring), and the checks of the sim's
# scenario hold. Dom0 is 1:1; the DomUs get Xen's guest map.
# Usage: xenstore_qemu.sh GIC_VERSION HYP_IMAGE XSDOM0_IMAGE XSTEST_IMAGE (runfiles paths)
set -u
gic=$1
run() { echo "${TEST_SRCDIR}/${TEST_WORKSPACE}/$1"; }
img=$(run "$2") dom0=$(run "$3") xstest=$(run "$4")
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
dtb="$tmp/gicv$gic.dtb" log="$tmp/qemu-gicv$gic.log"
machine="virt,virtualization=on,gic-version=$gic"
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 2 -m 1G -nographic -nic none -semihosting)
fail() {
	echo "FAIL (GICv$gic): $*"
	[ -f "$log" ] && { echo "--- QEMU printed:"; cat "$log"; }
	exit 1
}

command -v fdtput >/dev/null || fail "fdtput not found (Debian package device-tree-compiler)"
"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >"$tmp/dump.log" 2>&1 || fail "dumpdtb: $(cat "$tmp/dump.log")"
size() { printf %x "$(stat -Lc %s "$1")"; }

set -e
fdtput -t s "$dtb" /chosen bootargs "poweroff_when_idle semihosting dom0_mem=32M"
fdtput -t s "$dtb" /chosen xen,dom0-bootargs "xsdom0.domus=3"
fdtput -t u "$dtb" /chosen "#address-cells" 2
fdtput -t u "$dtb" /chosen "#size-cells" 2
fdtput -c "$dtb" /chosen/module@50000000
fdtput -t s "$dtb" /chosen/module@50000000 compatible "multiboot,kernel" "multiboot,module"
fdtput -t x "$dtb" /chosen/module@50000000 reg 0 50000000 0 "$(size "$dom0")"
loaders=(-device "loader,file=$dom0,addr=0x50000000")
args=("xstest.peer=2 xstest.rounds=20" "xstest.peer=1 xstest.rounds=20" "xstest.hostile=1")
# A new node goes first among /chosen's children: made last to first, they are found (and numbered)
# domU1, domU2, domU3.
for i in 3 2 1; do
	node=/chosen/domU$i at=$(printf %x $((0x51000000 + (i - 1) * 0x1000000)))
	fdtput -c "$dtb" "$node"
	fdtput -t s "$dtb" "$node" compatible "xen,domain"
	fdtput -t u "$dtb" "$node" "#address-cells" 1
	fdtput -t u "$dtb" "$node" "#size-cells" 1
	fdtput -t u "$dtb" "$node" memory 0 16384
	fdtput -t u "$dtb" "$node" cpus 1
	fdtput -c "$dtb" "$node/module@$at"
	fdtput -t s "$dtb" "$node/module@$at" compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" "$node/module@$at" reg "$at" "$(size "$xstest")"
	fdtput -t s "$dtb" "$node/module@$at" bootargs "${args[$((i - 1))]}"
	loaders+=(-device "loader,file=$xstest,addr=0x$at")
done
set +e

timeout 120 "${qemu[@]}" -M "$machine" -kernel "$img" -dtb "$dtb" "${loaders[@]}" </dev/null >"$log" 2>&1
rc=$?
[ $rc -ne 124 ] || fail "QEMU still running after 120 s"
out="$tmp/xenstore.clean"
tr -d '\r' <"$log" >"$out"
[ $rc -eq 0 ] || fail "QEMU exit status $rc, expected 0"
for d in 1 2 3; do
	grep -q "^Domain d$d (domU$d)" "$out" || fail "domU$d is not d$d"
done
for d in 1 2 3; do
	grep -qxF "(d$d) xstest: all passed" "$out" || fail "d$d: not all passed"
	grep -qxF "(d0) xsd: d$d is gone: released" "$out" || fail "d$d not released"
done
grep -qxF '(d0) xsd: d3 broke its ring (error 2): no longer served' "$out" || fail "d3's ring not given up"
grep -qxF '(d1) xstest: PASS: the counter holds both domains'"'"' increments, none lost (got 40)' "$out" ||
	fail "counter"
grep -q "^(d1) xstest: PASS: a watch event for the peer's data/go" "$out" || fail "no watch event"
grep -qxF '(d0) xsdom0: all passed' "$out" || fail "Dom0 failed"
! grep -q 'FAIL' "$out" || fail "a guest check failed"
echo "PASS (GICv$gic): xenstore on QEMU: $(grep -c PASS "$out") guest checks"
grep -E 'xsd:|retried|all passed' "$out"
