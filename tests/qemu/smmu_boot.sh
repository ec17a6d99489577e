#!/bin/bash
# Boots //:hyp_arm64 on QEMU virt with iommu=smmuv3 (GICv3, 2 CPUs) and a test guest as Dom0 (1:1,
# 32 MiB). The hypervisor's SMMUv3 driver must find the SMMU at 0x09050000 and print its ID
# registers. QEMU 7.2's SMMUv3 implements stage 1 only (IDR0.S2P = 0), so the driver must refuse it
# and say why, and Dom0 (the PCIe bridge behind it included) must still boot and pass; an SMMU with
# stage 2 must instead get Dom0's 256 root-bus streams attached to its stage 2.
# Usage: smmu_boot.sh GUEST_IMAGE EXPECTED_LINE...
set -u
guest="${TEST_SRCDIR}/${TEST_WORKSPACE}/$1"
shift
img="${TEST_SRCDIR}/${TEST_WORKSPACE}/hyp_arm64.bin"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
dtb="$tmp/smmu.dtb" log="$tmp/qemu-smmu.log"
machine="virt,virtualization=on,gic-version=3,iommu=smmuv3"
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 2 -m 1G -nographic -nic none -semihosting)

fail() {
	echo "FAIL (SMMUv3, $(basename "$guest")): $*"
	[ -f "$log" ] && { echo "--- QEMU printed:"; cat "$log"; }
	exit 1
}

command -v fdtput >/dev/null || fail "fdtput not found (Debian package device-tree-compiler)"
"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >"$tmp/dump.log" 2>&1 || fail "dumpdtb: $(cat "$tmp/dump.log")"
set -e
mod=/chosen/module@50000000
fdtput -t s "$dtb" /chosen bootargs "poweroff_when_idle semihosting dom0_mem=32M dom0_max_vcpus=1"
fdtput -t u "$dtb" /chosen "#address-cells" 2
fdtput -t u "$dtb" /chosen "#size-cells" 2
fdtput -c "$dtb" "$mod"
fdtput -t s "$dtb" "$mod" compatible "multiboot,kernel" "multiboot,module"
fdtput -t x "$dtb" "$mod" reg 0 50000000 0 "$(printf %x "$(stat -Lc %s "$guest")")"
set +e

timeout 60 "${qemu[@]}" -M "$machine" -kernel "$img" -dtb "$dtb" -device "loader,file=$guest,addr=0x50000000" \
	</dev/null >"$log" 2>&1
rc=$?
[ $rc -ne 124 ] || fail "QEMU still running after 60 s"
tr -d '\r' <"$log" >"$tmp/clean.log"
id=$(grep -E '^smmu: SMMUv3\.[0-9] at 0x9050000: IDR0 0x[0-9a-f]+ \(S2P [01], ' "$tmp/clean.log") ||
	fail "no ID register line for the SMMU at 0x9050000"
case "$id" in
*"(S2P 0,"*)
	grep -qxF 'smmu: smmuv3@9050000 not used (-19: no stage-2 translation, IDR0.S2P 0): DomUs get none of its devices, Dom0'"'"'s DMA stays untranslated' \
		"$tmp/clean.log" || fail "a stage-1-only SMMU was not refused with its reason"
	grep -qxF 'd0: pcie@10000000: no SMMU: its DMA is untranslated (Dom0 is 1:1)' "$tmp/clean.log" ||
		fail "Dom0's PCIe bridge was not given untranslated"
	;;
*)
	grep -qxF 'd0: 256 SMMU stream(s) attached to its stage 2 (VMID 1)' "$tmp/clean.log" ||
		fail "Dom0's PCI streams were not attached"
	;;
esac
for line in "$@"; do
	grep -qxF -- "$line" "$tmp/clean.log" || fail "no line '$line'"
done
[ $rc -eq 0 ] || fail "QEMU exit status $rc, expected 0"
echo "PASS (SMMUv3, $(basename "$guest")): $id"
cat "$log"
