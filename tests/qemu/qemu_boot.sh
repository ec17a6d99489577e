#!/bin/bash
# Boots //:hyp_arm64 on QEMU virt at EL2 and checks the console: the banner and every CPU online.
# Usage: qemu_boot.sh exit|plain GIC_VERSION NCPUS
#   exit:  -semihosting -append "poweroff_when_idle semihosting": QEMU must exit 0 within 60 s.
#   plain: the README's bare command line (no semihosting, no bootargs): both lines within 30 s,
#          then QEMU is killed, as the image idles forever.
set -u

mode=$1 gic=$2 ncpus=$3
img="${TEST_SRCDIR}/${TEST_WORKSPACE}/hyp_arm64.bin"
log="${TEST_TMPDIR:-$(mktemp -d)}/qemu-$mode-gicv$gic.log"
qemu=(qemu-system-aarch64 -M "virt,virtualization=on,gic-version=$gic" -cpu cortex-a57 -smp "$ncpus"
	-m 1G -nographic -nic none)

fail() {
	echo "FAIL ($mode, GICv$gic, $ncpus CPUs): $*"
	echo "--- QEMU printed:"
	cat "$log"
	exit 1
}

online() {
	tr -d '\r' <"$log" | grep -qx "Halcyon: $ncpus CPUs online"
}

case $mode in
exit)
	timeout 60 "${qemu[@]}" -semihosting -kernel "$img" -append "poweroff_when_idle semihosting" \
		</dev/null >"$log" 2>&1
	rc=$?
	[ $rc -ne 124 ] || fail "QEMU still running after 60 s"
	;;
plain)
	"${qemu[@]}" -kernel "$img" </dev/null >"$log" 2>&1 &
	pid=$!
	trap 'kill $pid 2>/dev/null' EXIT
	for _ in $(seq 300); do
		online && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=0
	;;
*)
	echo "usage: $0 exit|plain GIC_VERSION NCPUS" >&2
	exit 2
	;;
esac

grep -q "Halcyon .* at EL2" "$log" || fail "no 'Halcyon <version> at EL2' banner"
online || fail "no 'Halcyon: $ncpus CPUs online'"
[ $rc -eq 0 ] || fail "QEMU exit status $rc, expected 0"
echo "PASS ($mode, GICv$gic, $ncpus CPUs)"
cat "$log"
