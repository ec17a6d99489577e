# Sourced by run.sh and tests/linux/boot.sh: dom0less DomUs in a QEMU device tree (Xen's binding).
# domu_add DTB N IMAGE LOADERS: /chosen/domU<N> with 32 MiB (memory in KiB) and 1 vCPU, booting
# IMAGE, which QEMU loads at 0x51000000 + (N - 1) * 16 MiB (appended to the array named LOADERS).
# /chosen must have #address-cells = #size-cells = 2 already.
domu_add() {
	local dtb=$1 node=/chosen/domU$2 image=$3 addr
	local -n domu_loaders=$4
	addr=$(printf %x $((0x51000000 + ($2 - 1) * 0x1000000)))
	fdtput -c "$dtb" "$node"
	fdtput -t s "$dtb" "$node" compatible xen,domain
	fdtput -t u "$dtb" "$node" "#address-cells" 1
	fdtput -t u "$dtb" "$node" "#size-cells" 1
	fdtput -t u "$dtb" "$node" memory 0 $((32 * 1024))
	fdtput -t u "$dtb" "$node" cpus 1
	fdtput -c "$dtb" "$node/module@$addr"
	fdtput -t s "$dtb" "$node/module@$addr" compatible multiboot,kernel multiboot,module
	fdtput -t x "$dtb" "$node/module@$addr" reg "$addr" "$(printf %x "$(stat -Lc %s "$image")")"
	domu_loaders+=(-device "loader,file=$image,addr=0x$addr")
}
