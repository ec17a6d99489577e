#!/bin/bash
# Boot domains' PV channels on QEMU virt with the real hypervisor: Dom0 and two dom0less DomUs run
# pvcheck (the checks of the sim's pv_boot scenario: params, seeded grants, store ports, pages by
# GFN into Dom0's ballooned-out 1:1 RAM, physinfo). Every domain passes, QEMU exits 0.
# Usage: pv_qemu.sh GIC_VERSION HYP_IMAGE PVCHECK_IMAGE (runfiles paths)
set -u
gic=$1
img="${TEST_SRCDIR}/${TEST_WORKSPACE}/$2" guest="${TEST_SRCDIR}/${TEST_WORKSPACE}/$3"
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

# Dom0 at 0x50000000 (Xen's boot protocol, /chosen's cells), DomU i at 0x50000000 + i * 16 MiB.
size=$(printf %x "$(stat -Lc %s "$guest")")
put() { fdtput "$dtb" "$@" || fail "fdtput $*"; }
put -t s /chosen bootargs "poweroff_when_idle semihosting dom0_mem=32M"
put -t s /chosen xen,dom0-bootargs "pvcheck.peers=2"
put -t u /chosen "#address-cells" 2
put -t u /chosen "#size-cells" 2
loaders=()
for i in 0 1 2; do
	at=$(printf %x $((0x50000000 + i * 0x1000000)))
	loaders+=(-device "loader,file=$guest,addr=0x$at")
	if [ "$i" = 0 ]; then
		node=/chosen reg=(0 "$at" 0 "$size")
	else
		node=/chosen/domU$i reg=("$at" "$size")
		put -c "$node"
		put -t s "$node" compatible "xen,domain"
		put -t u "$node" "#address-cells" 1
		put -t u "$node" "#size-cells" 1
		put -t u "$node" memory 0 16384
		put -t u "$node" cpus 1
	fi
	put -c "$node/module@$at"
	put -t s "$node/module@$at" compatible "multiboot,kernel" "multiboot,module"
	put -t x "$node/module@$at" reg "${reg[@]}"
done

timeout 60 "${qemu[@]}" -M "$machine" -kernel "$img" -dtb "$dtb" "${loaders[@]}" </dev/null >"$log" 2>&1
rc=$?
[ $rc -ne 124 ] || fail "QEMU still running after 60 s"
[ $rc -eq 0 ] || fail "QEMU exit status $rc, expected 0"
tr -d '\r' <"$log" >"$tmp/clean"
! grep -q FAIL "$tmp/clean" || fail "a check failed"
[ "$(grep -c '^(d[012]) pvcheck: all passed$' "$tmp/clean")" -eq 3 ] || fail "not every domain passed"
# Domain ids follow the order the hypervisor finds the nodes in: either DomU may be d1.
[ "$(grep -cE '^Domain d[12] \(domU[12]\): destroyed, 4099 frames returned$' "$tmp/clean")" -eq 2 ] ||
	fail "a DomU did not return its RAM, shared_info and both PV pages"
echo "PASS (GICv$gic): $(grep -c 'pvcheck: PASS' "$tmp/clean") checks on QEMU"
