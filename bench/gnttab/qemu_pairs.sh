#!/usr/bin/env bash
# Grant map+unmap pairs as a guest sees them: guests/gnttest as Dom0 does N pairs of its own grant
# (one GNTTABOP_map_grant_ref call, one unmap call) under Halcyon and under Xen 4.17 (when
# tests/xen/fetch_xen.sh has fetched it), GICv3, QEMU -icount shift=0,sleep=off -smp 1 (1 ns per
# instruction, CNTVCT = 16 instructions per tick). Prints instructions per pair (the guest's own
# share included, the same under both) and Halcyon/Xen. Figures only, never pass/fail.
# Usage: bazel run //bench/gnttab:qemu_pairs [-- PAIRS [GIC]]   (default 100000, GIC 3; 2 for GICv2)
set -euo pipefail

pairs=${1:-100000}
gic=${2:-3}
self=$(readlink -f "${BASH_SOURCE[0]}")
top=${BUILD_WORKSPACE_DIRECTORY:-$(cd "$(dirname "$self")/../.." && pwd)}
runfiles=.
[ -f "$runfiles/hyp_arm64.bin" ] || runfiles="${RUNFILES_DIR:-$0.runfiles}/halcyon"
hyp=${HYP_IMAGE:-$runfiles/hyp_arm64.bin} guest=$runfiles/guests/gnttest/gnttest_arm64.bin
xen=${XEN_IMAGE:-$top/.cache/xen-arm64/boot/xen-4.17-arm64}
for f in "$hyp" "$guest"; do
	[ -f "$f" ] || { echo "qemu_pairs: $f not found (run through bazel run)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
size=$(printf %x "$(stat -Lc %s "$guest")")
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 1 -m 1G -nographic -nic none -icount "shift=0,sleep=off")
machine="virt,virtualization=on,gic-version=$gic"

# run HV: one boot, its console in $tmp/HV.log.
run() {
	local hv=$1 kernel=$hyp extra=(-semihosting) dtb="$tmp/$1.dtb"
	local args="console=dtuart dtuart=/pl011@9000000 dom0_mem=64M dom0_max_vcpus=1"
	[ "$hv" = xen ] && kernel=$xen extra=(-no-reboot)
	[ "$hv" = halcyon ] && args+=" poweroff_when_idle semihosting"
	"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >/dev/null 2>&1
	fdtput -t u "$dtb" /chosen "#address-cells" 2
	fdtput -t u "$dtb" /chosen "#size-cells" 2
	fdtput -t s "$dtb" /chosen xen,xen-bootargs "$args"
	fdtput -c "$dtb" /chosen/module@50000000
	fdtput -t s "$dtb" /chosen/module@50000000 compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" /chosen/module@50000000 reg 0 50000000 0 "$size"
	fdtput -t s "$dtb" /chosen/module@50000000 bootargs "gnttest.pairs=$pairs"
	timeout 900 "${qemu[@]}" -M "$machine" -kernel "$kernel" -dtb "$dtb" \
		-device "loader,file=$guest,addr=0x50000000" "${extra[@]}" </dev/null >"$tmp/$hv.log" 2>&1 || true
}

# per_pair HV: instructions per pair from the guest's line, or "-".
per_pair() {
	tr -d '\r' <"$tmp/$1.log" | sed -nE 's/.*gnttest: ([0-9]+) map\+unmap pairs in ([0-9]+) counter ticks.*/\1 \2/p' |
		awk '{ if ($1 > 0) printf "%.0f", $2 * 16 / $1 }' | grep . || echo -
}

hvs=(halcyon)
[ -f "$xen" ] && hvs+=(xen) || echo "qemu_pairs: no Xen at $xen: Halcyon only"
for hv in "${hvs[@]}"; do run "$hv" & done
wait
h=$(per_pair halcyon) x=-
[ -f "$xen" ] && x=$(per_pair xen)
echo "Grant map+unmap pair as Dom0 sees it (QEMU -icount, GICv$gic, $pairs pairs, guest work included):"
printf '| %-14s | %-16s | %11s |\n' "Halcyon Dom0" "Xen 4.17 Dom0" "Halcyon/Xen"
printf '|%s|%s|%s|\n' ----------------: ------------------: ------------:
printf '| %14s | %16s | %11s |\n' "$h" "$x" "$(awk -v h="$h" -v x="$x" 'BEGIN { if (x + 0 > 0 && h + 0 > 0) printf "%.2f", h / x; else print "-" }')"
for hv in "${hvs[@]}"; do
	grep -q "gnttest: all passed" "$tmp/$hv.log" || { echo "$hv: gnttest did not pass; console tail:"; tail -5 "$tmp/$hv.log"; }
done
