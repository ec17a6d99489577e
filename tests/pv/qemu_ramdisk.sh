# qemu_ramdisk DTB DIR NODE AT, inside a qemu_pv_hook (qemu_pv.sh: it uses size() and appends to
# loaders): QEMU's last MiB of RAM becomes the RAM disk as device-tree users carve one out of
# /memory, /reserved-memory/ramdisk@7ff00000 { compatible = "halcyon,ramdisk"; no-map; }, and its
# first 256 KiB goes to the dom0less DomU /chosen/NODE at guest address 0x20000000 through a partial
# tree (xen,path, xen,reg) written in DIR and loaded at 0xAT as that DomU's multiboot,device-tree.
# For scripts that define fail().
qemu_ramdisk() {
	local dtb=$1 part=$2/ramdisk-partial.dtb node=/chosen/$3 at=$4 disk=7ff00000
	local rd=/reserved-memory/ramdisk@$disk
	command -v dtc >/dev/null || fail "dtc not found (Debian package device-tree-compiler)"
	dtc -q -I dts -O dtb -o "$part" - <<-DTS
		/dts-v1/;
		/ {
			#address-cells = <2>;
			#size-cells = <2>;
			passthrough {
				compatible = "simple-bus";
				ranges;
				#address-cells = <2>;
				#size-cells = <2>;
				ramdisk@20000000 {
					compatible = "halcyon,ramdisk";
					reg = <0x0 0x20000000 0x0 0x40000>;
					xen,path = "$rd";
					xen,reg = <0x0 0x$disk 0x0 0x40000 0x0 0x20000000>;
				};
			};
		};
	DTS
	fdtput -c "$dtb" /reserved-memory
	fdtput -t u "$dtb" /reserved-memory "#address-cells" 2
	fdtput -t u "$dtb" /reserved-memory "#size-cells" 2
	fdtput -t x "$dtb" /reserved-memory ranges
	fdtput -c "$dtb" "$rd"
	fdtput -t s "$dtb" "$rd" compatible "halcyon,ramdisk"
	fdtput -t x "$dtb" "$rd" reg 0 "$disk" 0 100000
	fdtput -t x "$dtb" "$rd" no-map
	fdtput -c "$dtb" "$node/module@$at"
	fdtput -t s "$dtb" "$node/module@$at" compatible "multiboot,device-tree" "multiboot,module"
	fdtput -t x "$dtb" "$node/module@$at" reg "$at" "$(size "$part")"
	loaders+=(-device "loader,file=$part,addr=0x$at")
}
