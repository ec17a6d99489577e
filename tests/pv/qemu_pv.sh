# Boots the real hypervisor on QEMU virt with a Dom0 and dom0less DomUs, for the tests/pv scripts
# that define fail() (which prints $log) and source this. qemu_pv_run GIC HYP DOM0 DOM0_ARGS DOMU
# ARGS... : Dom0 (1:1, 32 MiB) runs image DOM0 with DOM0_ARGS, one 16 MiB DomU per ARGS runs image
# DOMU with those bootargs (node domU<i>, module at 0x51000000 + (i - 1) * 16 MiB; runfiles paths).
# QEMU must exit 0 within 60 s; its console, cleaned, is left in $out.clean.
# Options, set by the caller before the call: qemu_pv_images (an array, runfiles paths) gives DomU i
# the image ${qemu_pv_images[i-1]} instead of DOMU where that is non-empty; a function qemu_pv_hook,
# if defined, is called with the DTB and a scratch directory once the domains are in the tree, to
# edit it further and append -device loader arguments to the array loaders.
qemu_pv_run() {
	local gic=$1 img dom0 front dom0args=$4 i=0 at node args image
	img=${TEST_SRCDIR}/${TEST_WORKSPACE}/$2 dom0=${TEST_SRCDIR}/${TEST_WORKSPACE}/$3
	front=${TEST_SRCDIR}/${TEST_WORKSPACE}/$5
	shift 5
	local tmp=${TEST_TMPDIR:-$(mktemp -d)} machine="virt,virtualization=on,gic-version=$gic"
	local dtb="$tmp/gicv$gic.dtb" qemu=(qemu-system-aarch64 -cpu cortex-a57 -smp 2 -m 1G -nographic -nic none -semihosting)
	log="$tmp/qemu-gicv$gic.log" out="$tmp/console"
	command -v fdtput >/dev/null || fail "fdtput not found (Debian package device-tree-compiler)"
	"${qemu[@]}" -M "$machine,dumpdtb=$dtb" </dev/null >"$tmp/dump.log" 2>&1 || fail "dumpdtb: $(cat "$tmp/dump.log")"
	size() { printf %x "$(stat -Lc %s "$1")"; }
	set -e
	fdtput -t s "$dtb" /chosen bootargs "poweroff_when_idle semihosting dom0_mem=32M"
	fdtput -t s "$dtb" /chosen xen,dom0-bootargs "$dom0args"
	fdtput -t u "$dtb" /chosen "#address-cells" 2
	fdtput -t u "$dtb" /chosen "#size-cells" 2
	fdtput -c "$dtb" /chosen/module@50000000
	fdtput -t s "$dtb" /chosen/module@50000000 compatible "multiboot,kernel" "multiboot,module"
	fdtput -t x "$dtb" /chosen/module@50000000 reg 0 50000000 0 "$(size "$dom0")"
	local loaders=(-device "loader,file=$dom0,addr=0x50000000")
	for args in "$@"; do
		i=$((i + 1)) node=/chosen/domU$i at=$(printf %x $((0x51000000 + (i - 1) * 0x1000000)))
		image=$front
		[ -z "${qemu_pv_images[i - 1]:-}" ] || image=${TEST_SRCDIR}/${TEST_WORKSPACE}/${qemu_pv_images[i - 1]}
		fdtput -c "$dtb" "$node"
		fdtput -t s "$dtb" "$node" compatible "xen,domain"
		fdtput -t u "$dtb" "$node" "#address-cells" 1
		fdtput -t u "$dtb" "$node" "#size-cells" 1
		fdtput -t u "$dtb" "$node" memory 0 16384
		fdtput -t u "$dtb" "$node" cpus 1
		fdtput -c "$dtb" "$node/module@$at"
		fdtput -t s "$dtb" "$node/module@$at" compatible "multiboot,kernel" "multiboot,module"
		fdtput -t x "$dtb" "$node/module@$at" reg "$at" "$(size "$image")"
		fdtput -t s "$dtb" "$node/module@$at" bootargs "$args"
		loaders+=(-device "loader,file=$image,addr=0x$at")
	done
	! declare -F qemu_pv_hook >/dev/null || qemu_pv_hook "$dtb" "$tmp"
	set +e
	timeout 60 "${qemu[@]}" -M "$machine" -kernel "$img" -dtb "$dtb" "${loaders[@]}" </dev/null >"$log" 2>&1
	local rc=$?
	[ $rc -ne 124 ] || fail "QEMU still running after 60 s"
	tr -d '\r' <"$log" >"$out.clean"
	[ $rc -eq 0 ] || fail "QEMU exit status $rc, expected 0"
}
