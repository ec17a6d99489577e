#!/bin/bash
# Boots //:hyp_arm64 on QEMU virt with dom0less guests and checks their console lines.
# Usage: guest_boot.sh [--vcpus=N] GIC_VERSION NCPUS GUEST_IMAGE MIB COUNT EXPECTED_LINE...
# QEMU's own tree for the machine gets COUNT nodes /chosen/domU<i> (Xen's dom0less binding) of MIB
# MiB each, their kernel module the image, loaded at 0x50000000 + (i - 1) * 16 MiB; the run must end
# with QEMU exiting 0 within 60 s. COUNT "dom0" boots the image once as Dom0 instead (Xen's boot
# protocol: a multiboot,kernel module directly under /chosen, dom0_mem=MIB M, mapped 1:1).
# --vcpus=N gives each DomU N vCPUs (cpus = <N>; default 1), or Dom0 dom0_max_vcpus=N, for guests
# that start secondaries.
set -u

vcpus=1
case "${1:-}" in --vcpus=*)
	vcpus=${1#--vcpus=}
	shift
	;;
esac
gic=$1 ncpus=$2 guest="${TEST_SRCDIR}/${TEST_WORKSPACE}/$3" mib=$4 count=$5
shift 5
img="${TEST_SRCDIR}/${TEST_WORKSPACE}/hyp_arm64.bin"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
dtb="$tmp/gicv$gic.dtb" log="$tmp/qemu-gicv$gic.log"
machine="virt,virtualization=on,gic-version=$gic"
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp "$ncpus" -m 1G -nographic -nic none -semihosting)

fail() {
	echo "FAIL (GICv$gic, $ncpus CPUs, $(basename "$guest")): $*"
	[ -f "$log" ] && { echo "--- QEMU printed:"; cat "$log"; }
	exit 1
}

command -v fdtput >/dev/null || fail "fdtput not found (Debian package device-tree-compiler)"
"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >"$tmp/dump.log" 2>&1 || fail "dumpdtb: $(cat "$tmp/dump.log")"

set -e
fdtput -t s "$dtb" /chosen bootargs "poweroff_when_idle semihosting"
loaders=()
if [ "$count" = dom0 ]; then
	mod=/chosen/module@50000000
	fdtput -t s "$dtb" /chosen bootargs "poweroff_when_idle semihosting dom0_mem=${mib}M dom0_max_vcpus=$vcpus"
	fdtput -t u "$dtb" /chosen "#address-cells" 2
	fdtput -t u "$dtb" /chosen "#size-cells" 2
	fdtput -c "$dtb" "$mod"
	fdtput -t s "$dtb" "$mod" compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" "$mod" reg 0 50000000 0 "$(printf %x "$(stat -Lc %s "$guest")")"
	loaders+=(-device "loader,file=$guest,addr=0x50000000")
	count=0
fi
for i in $(seq "$count"); do
	node=/chosen/domU$i module=$((0x50000000 + (i - 1) * 0x1000000))
	mod="$node/module@$(printf %x $module)"
	fdtput -c "$dtb" "$node"
	fdtput -t s "$dtb" "$node" compatible "xen,domain"
	fdtput -t u "$dtb" "$node" "#address-cells" 1
	fdtput -t u "$dtb" "$node" "#size-cells" 1
	fdtput -t u "$dtb" "$node" memory 0 $((mib * 1024))
	fdtput -t u "$dtb" "$node" cpus "$vcpus"
	fdtput -c "$dtb" "$mod"
	fdtput -t s "$dtb" "$mod" compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" "$mod" reg "$(printf %x $module)" "$(printf %x "$(stat -Lc %s "$guest")")"
	loaders+=(-device "loader,file=$guest,addr=$module")
done
set +e

timeout 60 "${qemu[@]}" -M "$machine" -kernel "$img" -dtb "$dtb" "${loaders[@]}" </dev/null >"$log" 2>&1
rc=$?
[ $rc -ne 124 ] || fail "QEMU still running after 60 s"
for line in "$@"; do
	tr -d '\r' <"$log" | grep -qxF -- "$line" || fail "no line '$line'"
done
[ $rc -eq 0 ] || fail "QEMU exit status $rc, expected 0"
echo "PASS (GICv$gic, $ncpus CPUs, $(basename "$guest"))"
cat "$log"
