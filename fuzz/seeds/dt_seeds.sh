#!/bin/sh
# Regenerates fuzz/corpus/dt: QEMU virt's own trees (compacted) and the same trees carrying Xen's
# boot protocol under /chosen (a Dom0 kernel and ramdisk, dom0less DomUs with Halcyon's options),
# so the boot-domain and guest-tree paths are reached from the first input.
set -eu
cd "$(dirname "$0")/../.."
out=fuzz/corpus/dt
mkdir -p "$out"
for f in tests/dt/data/*.dtb; do
	dtc -q -I dtb -O dtb -o "$out/$(basename "$f")" "$f"
done
dtc -q -I dts -O dtb -o "$out/board-two-banks.dtb" tests/dt/data/board-two-banks.dts

boot() { # SRC DST BOOTARGS
	cp "$1" "$2"
	fdtput -t u "$2" /chosen '#address-cells' 2
	fdtput -t u "$2" /chosen '#size-cells' 2
	fdtput -t s "$2" /chosen xen,xen-bootargs "$3"
	fdtput -t s "$2" /chosen xen,dom0-bootargs "console=hvc0 earlycon=xen"
	fdtput -c "$2" /chosen/module@50000000
	fdtput -t s "$2" /chosen/module@50000000 compatible multiboot,kernel multiboot,module
	fdtput -t x "$2" /chosen/module@50000000 reg 0 50000000 0 2000
	fdtput -c "$2" /chosen/module@51000000
	fdtput -t s "$2" /chosen/module@51000000 compatible multiboot,ramdisk multiboot,module
	fdtput -t x "$2" /chosen/module@51000000 reg 0 51000000 0 100000
	for i in 1 2; do
		n=/chosen/domU$i
		fdtput -c "$2" $n
		fdtput -t s "$2" $n compatible xen,domain
		fdtput -t u "$2" $n '#address-cells' 1
		fdtput -t u "$2" $n '#size-cells' 1
		fdtput -t u "$2" $n memory 0 $((i * 32768))
		fdtput -t u "$2" $n cpus $i
		fdtput -t u "$2" $n halcyon,sched-weight $((i * 256))
		fdtput -t u "$2" $n halcyon,sched-cap 50
		fdtput -t x "$2" $n halcyon,vcpu-affinity 0 3
		m=$n/module@6${i}000000
		fdtput -c "$2" $m
		fdtput -t s "$2" $m compatible multiboot,kernel multiboot,module
		fdtput -t x "$2" $m reg 6${i}000000 1000
		fdtput -t s "$2" $m bootargs "console=hvc0 domU$i"
	done
}
boot "$out/qemu-virt-gicv3-smp4.dtb" "$out/boot-gicv3.dtb" "console=dtuart dtuart=/pl011@9000000 dom0_mem=256M dom0_max_vcpus=2"
boot "$out/qemu-virt-gicv2-smp2.dtb" "$out/boot-gicv2.dtb" "dom0_mem=128M sched=null"
boot "$out/board-two-banks.dtb" "$out/boot-board.dtb" "dom0_max_vcpus=4 poweroff_when_idle"
