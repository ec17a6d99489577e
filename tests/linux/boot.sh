#!/usr/bin/env bash
# Boots Debian's Linux 6.1 with the test initramfs (tests/linux/fetch.sh) on QEMU virt, natively,
# as Dom0 of Debian's Xen 4.17, or as Dom0 of Halcyon (//:hyp_arm64), and prints a verdict summary.
# Usage: boot.sh native|xen|halcyon [--gic 2|3] [--timeout S] [--log FILE] [--quiet] [--dump-dtb FILE]
#               [--domu IMAGE]...
#   --log FILE keeps the console (default: a temporary file); --quiet prints only the summary;
#   --dump-dtb FILE (halcyon) saves the device tree Halcyon built for Dom0 (dtc -I dtb FILE);
#   --domu IMAGE (halcyon; repeatable) adds a dom0less DomU booting IMAGE (32 MiB, 1 vCPU), which
#   must power itself off and print no FAIL.
# Exit: 0 when Linux reached /init, sees what its mode should (xen / control_d under a hypervisor),
# has both CPUs online and the machine powered off cleanly with no Xen-related warnings; 1 otherwise;
# 2 on usage errors; 77 when the kernel, initramfs or hypervisor image is missing. Under bazel test
# (TEST_SRCDIR set) a missing download prints "SKIP: ..." and exits 0 instead. HYP_IMAGE and
# XEN_IMAGE override the hypervisor images (default: bazel-bin's, .cache/xen-arm64's).
# The line "linuxinit-ms: N" gives QEMU start to the /init marker in milliseconds (bench/linux).
set -uo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
top=$(cd "$(dirname "$self")/../.." && pwd)
mode=${1:-}
shift || true
gic=3 timeout_s=180 log="" quiet=0 dump_dtb="" domus=()
while [ $# -gt 0 ]; do
	case "$1" in
	--gic) gic=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--dump-dtb) dump_dtb=$(readlink -f "$2"); shift 2 ;;
	--domu) domus+=("$(readlink -f "$2")"); shift 2 ;;
	*) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
case "$mode" in native | xen | halcyon) ;; *) sed -n '2,15s/^# \{0,1\}//p' "$self" >&2; exit 2 ;; esac
case "$gic" in 2 | 3) ;; *) echo "boot.sh: --gic must be 2 or 3" >&2; exit 2 ;; esac

missing() {
	if [ -n "${TEST_SRCDIR:-}" ]; then
		echo "SKIP: $* (run tests/linux/fetch.sh once to enable this test)"
		exit 0
	fi
	echo "boot.sh: $*" >&2
	exit 77
}
cache="$top/.cache/linux-arm64"
kernel="$cache/Image" initrd="$cache/initrd.cpio.gz"
[ -f "$kernel" ] && [ -f "$initrd" ] || missing "no Debian kernel and initramfs in $cache"
if [ -n "${HYP_IMAGE:-}" ]; then
	hyp=$HYP_IMAGE
elif [ -n "${TEST_SRCDIR:-}" ]; then
	hyp="$TEST_SRCDIR/${TEST_WORKSPACE:-halcyon}/hyp_arm64.bin"
else
	hyp="$top/bazel-bin/hyp_arm64.bin"
fi
xen=${XEN_IMAGE:-$top/.cache/xen-arm64/boot/xen-4.17-arm64}
[ "$mode" != xen ] || [ -f "$xen" ] || missing "no Xen 4.17 image at $xen (tests/xen/fetch_xen.sh)"
[ "$mode" != halcyon ] || [ -f "$hyp" ] || missing "no Halcyon image at $hyp (bazel build //:hyp_arm64)"
[ ${#domus[@]} = 0 ] || [ "$mode" = halcyon ] || { echo "boot.sh: --domu is for halcyon" >&2; exit 2; }
for f in "${domus[@]}"; do [ -f "$f" ] || { echo "boot.sh: no DomU image $f" >&2; exit 2; }; done
[ ${#domus[@]} -le 15 ] || { echo "boot.sh: at most 15 DomUs" >&2; exit 2; }
# shellcheck source=hal/real/qemu/domu.sh
[ ${#domus[@]} = 0 ] || . "$top/hal/real/qemu/domu.sh"
command -v fdtput >/dev/null || { echo "boot.sh: fdtput not found (device-tree-compiler)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$log" ] || log="$tmp/console.log"
: >"$log"
qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 2 -m 2G -nographic -nic none -no-reboot)
machine="virt,virtualization=on,gic-version=$gic"
kaddr=0x60000000 raddr=0x68000000
dom0_args="console=hvc0 earlycon=xen panic=-1"
# bootscrub=0 (Xen's option, honoured by both hypervisors): QEMU starts afresh for every boot and
# -no-reboot turns a reset into an exit, so boot RAM holds nothing of an earlier run to scrub.
xen_args="console=dtuart dtuart=/pl011@9000000 dom0_mem=512M dom0_max_vcpus=2 bootscrub=0"

# Xen's boot protocol (FACTS.md, the anchor recipe): QEMU's own tree plus /chosen's multiboot modules.
# fdtput adds properties before the subnodes it creates, as Xen's parser wants.
make_dtb() { # FILE XEN_BOOTARGS
	local dtb=$1 k=/chosen/module@60000000 r=/chosen/module@68000000
	"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >"$tmp/dump.log" 2>&1 ||
		{ echo "boot.sh: dumpdtb: $(cat "$tmp/dump.log")" >&2; exit 2; }
	fdtput -t u "$dtb" /chosen "#address-cells" 2
	fdtput -t u "$dtb" /chosen "#size-cells" 2
	fdtput -t s "$dtb" /chosen xen,xen-bootargs "$2"
	fdtput -t s "$dtb" /chosen xen,dom0-bootargs "$dom0_args"
	fdtput -c "$dtb" "$k"
	fdtput -t s "$dtb" "$k" compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" "$k" reg 0 "${kaddr#0x}" 0 "$(printf %x "$(stat -Lc %s "$kernel")")"
	fdtput -c "$dtb" "$r"
	fdtput -t s "$dtb" "$r" compatible "multiboot,ramdisk" "multiboot,module"
	fdtput -t x "$dtb" "$r" reg 0 "${raddr#0x}" 0 "$(printf %x "$(stat -Lc %s "$initrd")")"
	local n=1 f
	for f in "${domus[@]}"; do
		domu_add "$dtb" "$n" "$f" modules
		n=$((n + 1))
	done
}
modules=(-device "loader,file=$kernel,addr=$kaddr" -device "loader,file=$initrd,addr=$raddr")
case "$mode" in
native)
	args=(-M "$machine" -kernel "$kernel" -initrd "$initrd" -append "console=ttyAMA0 panic=-1")
	;;
xen)
	make_dtb "$tmp/boot.dtb" "$xen_args"
	args=(-M "$machine" -kernel "$xen" -dtb "$tmp/boot.dtb" "${modules[@]}")
	;;
halcyon)
	# poweroff_when_idle + semihosting: Halcyon powers the machine off once Dom0 is gone and reports
	# the outcome as QEMU's exit status (Xen halts the machine on its own).
	make_dtb "$tmp/boot.dtb" "$xen_args poweroff_when_idle semihosting"
	args=(-M "$machine" -kernel "$hyp" -dtb "$tmp/boot.dtb" -semihosting "${modules[@]}")
	;;
esac

# The console goes through a reader that notes when the /init marker appears and stops the machine
# a few seconds after a kernel panic (panic=-1 reboots, which may only halt). Under Halcyon, with
# --dump-dtb FILE, it saves Dom0's device tree through QEMU's monitor once Dom0 prints its first line.
# QEMU's stdin is a FIFO held open here, so its monitor (Ctrl-A c on -nographic's stdio) can be
# reached while the console is read.
mkfifo "$tmp/stdin"
exec 3<>"$tmp/stdin"
monitor() { printf '\001c%s\n\001c' "$1" >&3; }
start=$(date +%s%N)
{
	timeout "$timeout_s" "${qemu[@]}" "${args[@]}" <"$tmp/stdin" 2>&1 &
	echo $! >"$tmp/pid"
	wait $!
	echo $? >"$tmp/rc"
} | while IFS= read -r line; do
	printf '%s\n' "$line" >>"$log"
	[ "$quiet" = 1 ] || printf '%s\n' "$line"
	case "$line" in
	*"linuxinit: reached /init"*) date +%s%N >"$tmp/marker" ;;
	*"Domain d0 "*" tree 0x"*) tree=${line##* tree } tree=${tree%%[!0-9a-fx]*} ;;
	"(d0) "*)
		if [ -n "$dump_dtb" ] && [ -n "${tree:-}" ] && [ ! -f "$tmp/dumped" ]; then
			monitor "pmemsave $tree 0x20000 \"$dump_dtb\"" && touch "$tmp/dumped"
		fi
		;;
	esac
	case "$line" in *"Kernel panic - not syncing"*)
		[ -f "$tmp/panic" ] || { touch "$tmp/panic"; (sleep 3; kill "$(cat "$tmp/pid")" 2>/dev/null) & } ;;
	esac
done
rc=$(cat "$tmp/rc")
[ ! -f "$tmp/panic" ] || [ "$rc" != 143 ] || rc=panic

# The console without CRs and without the hypervisors' prefixes for Dom0's lines.
tr -d '\r' <"$log" | sed -E 's/^\((XEN|d0)\) //' >"$tmp/clean"
field() { sed -n "s/^.*linuxinit: $1: //p" "$tmp/clean" | head -1; }
reached=no ms=""
if [ -f "$tmp/marker" ]; then
	reached=yes ms=$((($(cat "$tmp/marker") - start) / 1000000))
fi
type=$(field "hypervisor type") caps=$(field capabilities) cpus=$(field "cpus online")
# Xen-related kernel messages that report trouble (natively the Xen modules are bound to fail), any
# kernel warning, oops or panic, and under a hypervisor every message at KERN_WARNING or worse that
# Linux does not also print as Dom0 of Xen 4.17 (xen417_warnings.txt, measured on both GICs).
[ "$mode" = native ] || grep -aiE 'linuxinit: dmesg: .*(err|warn|fail|unable|cannot|can.t|not supported|unknown|bug)' "$tmp/clean" |
	sed 's/^linuxinit: dmesg: //' >"$tmp/warn" || true
grep -aE '(WARNING: CPU|BUG:|Oops|Kernel panic|Unable to handle|Internal error)' "$tmp/clean" >>"$tmp/warn" || true
sed -n 's/^.*linuxinit: warning: //p' "$tmp/clean" >"$tmp/kwarn"
if [ "$mode" != native ]; then
	# hrtimer's "interrupt took N ns" times the host: a TCG vCPU thread the host descheduled.
	grep -vxFf "$(dirname "$self")/xen417_warnings.txt" "$tmp/kwarn" | grep -vE '^hrtimer: interrupt took [0-9]+ ns$' |
		sed 's/^/not under Xen 4.17: /' >>"$tmp/warn" || true
fi

problems=()
[ "$reached" = yes ] || problems+=("/init never reached")
if [ "$mode" = native ]; then
	[ "$type" != xen ] || problems+=("hypervisor type xen on bare QEMU")
else
	[ "$type" = xen ] || problems+=("hypervisor type '${type:-none}', expected xen")
	case "$caps" in *control_d*) ;; *) problems+=("capabilities '${caps:-none}', expected control_d") ;; esac
fi
case "$cpus" in "0-1 "*) ;; *) problems+=("cpus online '${cpus:-none}', expected 0-1") ;; esac
grep -qa 'linuxinit: powering off' "$tmp/clean" || problems+=("init never powered off")
case "$rc" in
0) ;;
124) problems+=("QEMU still running after $timeout_s s") ;;
panic) problems+=("the kernel panicked (QEMU stopped 3 s later)") ;;
*) problems+=("QEMU exit status $rc") ;;
esac
[ "$mode" != xen ] || grep -qa 'Hardware Dom0 halted' "$tmp/clean" || problems+=("Xen never saw Dom0 power off")
if [ ${#domus[@]} -gt 0 ]; then
	# Each DomU powers itself off once its checks are done; a test guest reports a failure as FAIL.
	n=$(grep -caE '^Domain d[0-9]+ \(domU[0-9]+\): shut down \(poweroff\)' "$tmp/clean")
	[ "$n" = ${#domus[@]} ] || problems+=("$n of ${#domus[@]} DomUs powered off")
	! grep -qaE '^\(d[1-9][0-9]*\) .*FAIL' "$tmp/clean" || problems+=("a DomU printed FAIL")
fi
[ ! -s "$tmp/warn" ] || problems+=("$(wc -l <"$tmp/warn") Xen-related or new kernel warning(s)")

echo "=== Linux $(cat "$cache/version" 2>/dev/null) $mode, GICv$gic: QEMU exit status $rc"
echo "    /init marker reached: $reached${ms:+ after $ms ms}"
echo "    hypervisor type: ${type:-none}; capabilities: ${caps:-none}; cpus online: ${cpus:-none}"
echo "    kernel warnings (KERN_WARNING or worse): $(wc -l <"$tmp/kwarn")"
[ ! -s "$tmp/warn" ] || { echo "    problems in the kernel log:"; sed 's/^/      /' "$tmp/warn"; }
[ -z "$ms" ] || echo "linuxinit-ms: $ms"
if [ ${#problems[@]} -ne 0 ]; then
	echo "    last console lines:"
	tail -n 25 "$tmp/clean" | sed 's/^/      /'
	echo "FAIL (Linux $mode, GICv$gic): $(printf '%s; ' "${problems[@]}")"
	exit 1
fi
echo "PASS (Linux $mode, GICv$gic)"
