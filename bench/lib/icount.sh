#!/usr/bin/env bash
# Guest-visible path lengths under QEMU -icount, shared by bench/hvc, bench/irq and bench/evtchn:
# boots guests/NAMEbench under Halcyon (as Dom0 and as a dom0less DomU) and under Xen 4.17 (as Dom0,
# when tests/xen/fetch_xen.sh has fetched it), GICv3 and GICv2, with -icount shift=0,sleep=off
# -smp 1, and prints the instructions per event each guest reports and Halcyon/Xen. Figures only:
# it fails only when a machine cannot be booted at all.
# Usage: icount.sh NAME [N]  (NAME from the bench's BUILD args, N from `bazel run ... -- N`)
#   NAME: hvc, irq or evtchn: the guest guests/NAMEbench, whose lines read
#   "NAMEbench: KEY <x> instructions per ..."; N: events of each kind per boot.
# Environment: XEN_IMAGE (a Xen arm64 Image, default .cache/xen-arm64/boot/xen-4.17-arm64),
# HYP_IMAGE and GUEST_IMAGE (default: the runfiles of the target).
set -euo pipefail

# Per bench: the default count, the table's heading (N_EVENTS stands for the count) and its rows,
# KEY=LABEL (a -KEY row gets no Halcyon/Xen ratio).
name=$1
case $name in
hvc)
	calls=1000000
	title="Hypervisor path length, instructions per call (QEMU 7.2 TCG -icount shift=0,sleep=off -smp 1,
N_EVENTS calls of each kind, minus the same loop without the trap; Halcyon/Xen compares Dom0s):"
	rows=("xen_version=null hypercall (xen_version)" "psci_version=PSCI_VERSION via hvc #0"
		"unknown_op=unknown hypercall 63 (ENOSYS)" "-loop=empty loop, per iteration")
	;;
irq)
	calls=100000
	title="Interrupt path length, instructions per interrupt (QEMU 7.2 TCG -icount shift=0,sleep=off -smp 1,
N_EVENTS of each kind, minus the same loop with no interrupt; includes the guest's 5-instruction
handler; Halcyon/Xen compares Dom0s):"
	rows=("vtimer=vtimer expiry to guest handler" "sgi=vSGI to self, send to handler")
	;;
evtchn)
	calls=100000
	title="EVTCHNOP_send path length, instructions per send (QEMU 7.2 TCG -icount shift=0,sleep=off -smp 1,
N_EVENTS of each kind, minus the same loop without the hvc; the upcall figure includes the guest's
8-instruction handler; Halcyon/Xen compares Dom0s):"
	rows=("masked=EVTCHNOP_send, masked port" "upcall=EVTCHNOP_send to self, to handler")
	;;
*)
	echo "icount.sh: unknown bench '$name' (hvc, irq or evtchn)" >&2
	exit 2
	;;
esac
calls=${2:-$calls}
self=$(readlink -f "${BASH_SOURCE[0]}")
top=${BUILD_WORKSPACE_DIRECTORY:-$(cd "$(dirname "$self")/../.." && pwd)}
runfiles=.
[ -f "$runfiles/hyp_arm64.bin" ] || runfiles="${RUNFILES_DIR:-$0.runfiles}/halcyon"
hyp=${HYP_IMAGE:-$runfiles/hyp_arm64.bin}
guest=${GUEST_IMAGE:-$runfiles/guests/${name}bench/${name}bench_arm64.bin}
xen=${XEN_IMAGE:-$top/.cache/xen-arm64/boot/xen-4.17-arm64}
for f in "$hyp" "$guest"; do
	[ -f "$f" ] || { echo "$name bench: $f not found (run through bazel run //bench/$name:run)" >&2; exit 1; }
done
command -v fdtput >/dev/null || { echo "$name bench: fdtput not found (device-tree-compiler)" >&2; exit 1; }
have_xen=1
[ -f "$xen" ] || { have_xen=0; echo "$name bench: no Xen at $xen: Halcyon only (tests/xen/fetch_xen.sh fetches it)"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
size=$(printf %x "$(stat -Lc %s "$guest")")
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 1 -m 1G -nographic -nic none -icount "shift=0,sleep=off")
# Halcyon powers the machine off once no domain is left and exits through semihosting; Xen halts
# the machine by itself when Dom0 powers off.
base_args="console=dtuart dtuart=/pl011@9000000 dom0_mem=64M dom0_max_vcpus=1"

# run HV ROLE GIC: one boot; its console goes to $tmp/HV-ROLE-GIC.log.
run() {
	local hv=$1 role=$2 gic=$3 tag="$1-$2-$3" kernel=$hyp extra=(-semihosting)
	local dtb="$tmp/$tag.dtb" machine="virt,virtualization=on,gic-version=$3" mod args="$base_args"
	[ "$hv" = xen ] && kernel=$xen extra=(-no-reboot)
	[ "$hv" = halcyon ] && args+=" poweroff_when_idle semihosting"
	"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >/dev/null 2>&1
	fdtput -t u "$dtb" /chosen "#address-cells" 2
	fdtput -t u "$dtb" /chosen "#size-cells" 2
	fdtput -t s "$dtb" /chosen xen,xen-bootargs "$args"
	# No xen,dom0-bootargs: Xen prefers it, even empty, to the module's own bootargs, which carry
	# the number of events to both hypervisors in both roles.
	if [ "$role" = dom0 ]; then
		mod=/chosen/module@50000000
	else
		fdtput -c "$dtb" /chosen/domU1
		fdtput -t s "$dtb" /chosen/domU1 compatible "xen,domain"
		fdtput -t u "$dtb" /chosen/domU1 "#address-cells" 2
		fdtput -t u "$dtb" /chosen/domU1 "#size-cells" 2
		fdtput -t u "$dtb" /chosen/domU1 memory 0 $((64 * 1024))
		fdtput -t u "$dtb" /chosen/domU1 cpus 1
		mod=/chosen/domU1/module@50000000
	fi
	fdtput -c "$dtb" "$mod"
	fdtput -t s "$dtb" "$mod" compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" "$mod" reg 0 50000000 0 "$size"
	fdtput -t s "$dtb" "$mod" bootargs "${name}bench.n=$calls"
	local start=$SECONDS rc=0
	timeout 900 "${qemu[@]}" -M "$machine" -kernel "$kernel" -dtb "$dtb" \
		-device "loader,file=$guest,addr=0x50000000" "${extra[@]}" </dev/null >"$tmp/$tag.log" 2>&1 || rc=$?
	echo "$((SECONDS - start))" >"$tmp/$tag.secs"
	[ "$rc" -eq 0 ] || echo "$name bench: $tag: QEMU exit status $rc" >&2
}

# figure TAG KEY: instructions per event the guest printed for KEY in that boot, or "-".
figure() {
	local v
	v=$(tr -d '\r' <"$tmp/$1.log" 2>/dev/null | sed -nE "s/^(\((XEN|d[0-9]+)\) )?${name}bench: $2 ([0-9.]+) instructions per.*/\3/p" | tail -1)
	echo "${v:--}"
}

configs=()
for gic in 3 2; do
	configs+=("halcyon dom0 $gic" "halcyon domu $gic")
	[ "$have_xen" -eq 0 ] || configs+=("xen dom0 $gic")
done
# Under -icount the figures do not depend on the host's load, so the boots may share the cores.
jobs_max=$(nproc)
for c in "${configs[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
	# shellcheck disable=SC2086
	run $c &
done
wait

echo
echo "${title//N_EVENTS/$calls}"
echo
printf '| %-36s | %-4s | %12s | %12s | %13s | %11s |\n' path GIC "Halcyon Dom0" "Halcyon DomU" "Xen 4.17 Dom0" "Halcyon/Xen"
printf '|%s|%s|%s|%s|%s|%s|\n' "--------------------------------------" ------ -------------: -------------: --------------: ------------:
for spec in "${rows[@]}"; do
	key=${spec%%=*} label=${spec#*=} noratio=0
	case $key in -*) key=${key#-} noratio=1 ;; esac
	for gic in 3 2; do
		h0=$(figure "halcyon-dom0-$gic" "$key") hu=$(figure "halcyon-domu-$gic" "$key") x=-
		[ "$have_xen" -eq 0 ] || x=$(figure "xen-dom0-$gic" "$key")
		ratio=-
		if [ "$noratio" -eq 0 ] && [ "$h0" != - ] && [ "$x" != - ]; then
			ratio=$(awk -v h="$h0" -v x="$x" 'BEGIN { if (x > 0) printf "%.2f", h / x; else print "-" }')
		fi
		printf '| %-36s | v%-3s | %12s | %12s | %13s | %11s |\n' "$label" "$gic" "$h0" "$hu" "$x" "$ratio"
	done
done
echo
for c in "${configs[@]}"; do
	tag=${c// /-}
	printf 'boot %-16s %4ss wall' "$tag" "$(cat "$tmp/$tag.secs" 2>/dev/null || echo '?')"
	bad=$(tr -d '\r' <"$tmp/$tag.log" | grep -E "UNEXPECTED|${name}bench: done" | grep -v "${name}bench: done" || true)
	if ! tr -d '\r' <"$tmp/$tag.log" | grep -q "${name}bench: done"; then
		echo "  (the guest did not finish; console tail below)"
		tail -5 "$tmp/$tag.log"
	elif [ -n "$bad" ]; then
		echo "  (unexpected results: $bad)"
	else
		echo
	fi
done
