#!/usr/bin/env bash
# Xen 4.17 compatibility check: boots one guest image as Dom0 under //:hyp_arm64 and under Debian's
# Xen 4.17 arm64 hypervisor, in the same QEMU recipe with the same device tree, and requires the
# guest to print the same verdicts under both.
# Usage: xen_compat.sh [--vcpus=N] GIC_VERSION GUEST_IMAGE [REQUIRED_LINE...]
#   --vcpus=N: Dom0 gets N vCPUs (dom0_max_vcpus=N, default 1) on the machine's 2 CPUs.
#   GUEST_IMAGE: workspace-relative, e.g. guests/hcalltest/hcalltest_arm64.bin; its name up to
#   "_arm64" is the prefix of the guest's own lines ("hcalltest: ...").
#   REQUIRED_LINE: guest lines (without any console prefix) that must appear under both.
# Compared: the guest's PASS/FAIL lines, "running as ..." and its final "all passed"/"FAILED".
# Other lines (addresses, counts) may differ legitimately and are only shown.
#
# Xen is not downloaded here (tests run offline): run tests/xen/fetch_xen.sh once, or point
# XEN_IMAGE at a Xen arm64 Image (bazel test --test_env=XEN_IMAGE=...). Without it the test prints
# "SKIP: ..." and passes, since Bazel 4.2.3 has no skipped status. The cache is found through this
# script's own symlink into the source tree, so the test is tagged "external" (never cached).
set -euo pipefail

vcpus=1
case "${1:-}" in --vcpus=*)
	vcpus=${1#--vcpus=}
	shift
	;;
esac
gic=$1 guest_rel=$2
shift 2
self=$(readlink -f "${BASH_SOURCE[0]}")
top=$(cd "$(dirname "$self")/../.." && pwd)
xen=${XEN_IMAGE:-$top/.cache/xen-arm64/boot/xen-4.17-arm64}
if [ ! -f "$xen" ]; then
	echo "SKIP: no Xen 4.17 image at $xen (run tests/xen/fetch_xen.sh once to enable this test)"
	exit 0
fi

runfiles="${TEST_SRCDIR:?run under bazel test}/${TEST_WORKSPACE:?}"
guest="$runfiles/$guest_rel" hyp="$runfiles/hyp_arm64.bin"
name=$(basename "$guest_rel" .bin)
name=${name%_arm64}
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
machine="virt,virtualization=on,gic-version=$gic"
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 2 -m 1G -nographic -nic none)
# The anchor recipe of FACTS.md with a small Dom0. Halcyon reads xen,xen-bootargs too; it also needs
# to power the machine off once Dom0 is gone and to report the outcome as QEMU's exit status, which
# Xen does on its own ("Hardware Dom0 halted: halting machine" -> PSCI SYSTEM_OFF).
xen_args="console=dtuart dtuart=/pl011@9000000 dom0_mem=64M dom0_max_vcpus=$vcpus"

fail() {
	echo "FAIL (GICv$gic, $name as Dom0): $*"
	exit 1
}

command -v fdtput >/dev/null || fail "fdtput not found (Debian package device-tree-compiler)"
size=$(stat -Lc %s "$guest")

# make_dtb FILE BOOTARGS: QEMU's own tree for the machine plus Xen's boot protocol under /chosen.
# fdtput appends properties before the subnode it creates, as Xen's parser wants.
make_dtb() {
	local dtb=$1 mod=/chosen/module@50000000
	"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >"$tmp/dump.log" 2>&1 || fail "dumpdtb: $(cat "$tmp/dump.log")"
	fdtput -t u "$dtb" /chosen "#address-cells" 2
	fdtput -t u "$dtb" /chosen "#size-cells" 2
	fdtput -t s "$dtb" /chosen xen,xen-bootargs "$2"
	fdtput -t s "$dtb" /chosen xen,dom0-bootargs ""
	fdtput -c "$dtb" "$mod"
	fdtput -t s "$dtb" "$mod" compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" "$mod" reg 0 50000000 0 "$(printf %x "$size")"
}

# boot TAG KERNEL EXTRA_QEMU_ARGS...: runs the machine to its end; the guest's own lines, console
# prefixes stripped ("(d0) " from Halcyon; Xen writes Dom0's console_io unprefixed), go to TAG.lines.
boot() {
	local tag=$1 kernel=$2 rc=0
	shift 2
	timeout 60 "${qemu[@]}" -M "$machine" -kernel "$kernel" -dtb "$tmp/$tag.dtb" \
		-device "loader,file=$guest,addr=0x50000000" "$@" </dev/null >"$tmp/$tag.log" 2>&1 || rc=$?
	tr -d '\r' <"$tmp/$tag.log" | sed -E 's/^\((XEN|d[0-9]+)\) //' | grep -E "^$name: " >"$tmp/$tag.all" || true
	grep -E "^$name: ((PASS|FAIL): |running as |(all passed|FAILED)$)" "$tmp/$tag.all" >"$tmp/$tag.lines" || true
	echo "--- $tag (QEMU exit status $rc), the guest printed:"
	cat "$tmp/$tag.all"
	[ "$rc" -ne 124 ] || { echo "--- $tag: QEMU still running after 60 s; its console:"; cat "$tmp/$tag.log"; fail "$tag did not finish"; }
	grep -qE "^$name: (all passed|FAILED)$" "$tmp/$tag.lines" ||
		{ echo "--- $tag console:"; cat "$tmp/$tag.log"; fail "$tag: the guest never printed its verdict"; }
	return "$rc"
}

make_dtb "$tmp/halcyon.dtb" "$xen_args poweroff_when_idle semihosting"
make_dtb "$tmp/xen.dtb" "$xen_args"
hrc=0
boot halcyon "$hyp" -semihosting || hrc=$?
# -no-reboot: after a crashed Dom0 Xen restarts the machine (5 s later); QEMU then exits instead of
# booting Xen again.
boot xen "$xen" -no-reboot
xen_end=$(tr -d '\r' <"$tmp/xen.log" | grep -oE 'Hardware Dom0 [a-z]+' | tail -1 || true)
echo "--- Halcyon's exit status $hrc (0: every domain powered off); Xen: ${xen_end:-no Dom0 shutdown message}"

problems=()
echo "--- verdicts, Halcyon against Xen 4.17:"
diff -u --label "Halcyon (GICv$gic)" --label "Xen 4.17 (GICv$gic)" "$tmp/halcyon.lines" "$tmp/xen.lines" ||
	problems+=("the guest's verdicts differ between Halcyon and Xen 4.17 (diff above)")
for line in "$@"; do
	grep -qxF -- "$line" "$tmp/halcyon.lines" || problems+=("Halcyon: no line '$line'")
	grep -qxF -- "$line" "$tmp/xen.lines" || problems+=("Xen 4.17: no line '$line'")
done
[ ${#problems[@]} -eq 0 ] || fail "$(printf '%s; ' "${problems[@]}")"
[ "$hrc" -eq 0 ] || fail "Halcyon's QEMU exit status $hrc, expected 0"
[ "$xen_end" = "Hardware Dom0 halted" ] || fail "Xen did not see Dom0 power off (${xen_end:-nothing})"
echo "PASS (GICv$gic, $name as Dom0): $(wc -l <"$tmp/xen.lines") lines the same under Halcyon and Xen 4.17"
