#!/usr/bin/env bash
# Boots hyp_arm64.bin in QEMU's virt machine at EL2 with Dom0 (hcalltest) and two dom0less DomUs
# (memtest, hcalltest) and shows the console. Usage:
#   run.sh [--gic 2|3] [--smp N] [--mem SIZE] [--no-domains] [--stay] [-- extra qemu args]
#   run.sh linux [--gic 2|3] [--no-domains]
# --no-domains boots the bare hypervisor; --stay keeps it idling when the domains are gone.
# linux: Debian's Linux 6.1 as Dom0 instead (tests/linux/boot.sh: 2 CPUs, 2 GiB, its verdict).
set -euo pipefail

runfiles=${RUNFILES_DIR:-$0.runfiles}
find_file() {
  for c in "$runfiles/halcyon/$1" "$(dirname "$0")/../../../$1"; do
    [ -f "$c" ] && { echo "$c"; return; }
  done
  echo "run.sh: $1 not found (bazel build //:demo)" >&2
  exit 2
}
image=$(find_file hyp_arm64.bin)
hcalltest=$(find_file guests/hcalltest/hcalltest_arm64.bin)
memtest=$(find_file guests/memtest/memtest_arm64.bin)

if [ "${1:-}" = linux ]; then
	shift
	domus=(--domu "$memtest" --domu "$hcalltest") gic=3
	while [ $# -gt 0 ]; do
		case "$1" in
		--gic) gic=$2; shift 2 ;;
		--no-domains) domus=(); shift ;;
		*) echo "run.sh: linux takes --gic 2|3 and --no-domains only" >&2; exit 2 ;;
		esac
	done
	boot=$(find_file tests/linux/boot.sh)
	rc=0
	HYP_IMAGE=$image "$boot" halcyon --gic "$gic" --timeout 600 "${domus[@]}" || rc=$?
	[ "$rc" != 77 ] || echo "run.sh: the Linux demo needs Debian's kernel and busybox in .cache/linux-arm64: run ./setup.sh or tests/linux/fetch.sh once" >&2
	exit "$rc"
fi

gic=3 smp=4 mem=1G domains=1 stay=0 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --gic) gic=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --no-domains) domains=0; shift ;;
    --stay) stay=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,7s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$gic" in 2|3) ;; *) echo "run.sh: --gic must be 2 or 3" >&2; exit 2 ;; esac

machine="virt,virtualization=on,gic-version=$gic"
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp "$smp" -m "$mem" -nographic -nic none)
bootargs="console=dtuart dtuart=/pl011@9000000"
[ "$stay" = 1 ] || bootargs+=" poweroff_when_idle"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dtb=$tmp/virt.dtb
"${qemu[@]}" -M "$machine,dumpdtb=$dtb" >/dev/null 2>&1
loaders=()
module() { # NODE ADDR FILE: a multiboot,kernel module at ADDR holding FILE
  fdtput -c "$dtb" "$1"
  fdtput -t s "$dtb" "$1" compatible multiboot,kernel multiboot,module
  loaders+=(-device "loader,file=$3,addr=$2")
}
if [ "$domains" = 1 ]; then
  command -v fdtput >/dev/null || { echo "run.sh: fdtput missing (./setup.sh installs it)" >&2; exit 2; }
  bootargs+=" dom0_mem=64M"
  fdtput -t u "$dtb" /chosen '#address-cells' 2
  fdtput -t u "$dtb" /chosen '#size-cells' 2
  module /chosen/module@50000000 0x50000000 "$hcalltest"
  fdtput -t x "$dtb" /chosen/module@50000000 reg 0 50000000 0 "$(printf %x "$(stat -Lc %s "$hcalltest")")"
  # shellcheck source=hal/real/qemu/domu.sh
  . "$(find_file hal/real/qemu/domu.sh)"
  domu_add "$dtb" 1 "$memtest" loaders
  domu_add "$dtb" 2 "$hcalltest" loaders
fi
fdtput -t s "$dtb" /chosen xen,xen-bootargs "$bootargs"

echo "+ qemu-system-aarch64 -M $machine ${qemu[*]:1} -kernel hyp_arm64.bin -dtb virt.dtb ${loaders[*]} ${extra[*]}" >&2
"${qemu[@]}" -M "$machine" -kernel "$image" -dtb "$dtb" "${loaders[@]}" "${extra[@]}"
