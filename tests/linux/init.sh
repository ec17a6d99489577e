#!/bin/busybox sh
# /init of the Dom0 test initramfs (tests/linux/fetch.sh packs it with busybox and the Xen modules).
# Every line it prints starts with "linuxinit: " so boot.sh can find them among the kernel's.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "linuxinit: $*"; }
say "reached /init"
if [ -r /sys/hypervisor/type ]; then
	say "hypervisor type: $(cat /sys/hypervisor/type)"
else
	say "hypervisor type: none (no /sys/hypervisor/type)"
fi
# What /sys/hypervisor shows (xen_version's sub-ops); uuid is left out, it asks xenstore.
for f in version/major version/minor version/extra compilation/compiler properties/capabilities \
	properties/changeset properties/virtual_start properties/pagesize properties/features; do
	[ ! -e "/sys/hypervisor/$f" ] || say "sys/hypervisor/$f: $(cat "/sys/hypervisor/$f" 2>&1)"
done
# The build id is binary.
[ ! -e /sys/hypervisor/properties/buildid ] ||
	say "sys/hypervisor/properties/buildid: $(hexdump -ve '1/1 "%02x"' /sys/hypervisor/properties/buildid 2>&1)"
# Dependencies first: mkinitrd.py wrote the load order.
for ko in $(cat /lib/modules/order); do
	if out=$(insmod "/lib/modules/$ko" 2>&1); then
		say "insmod $ko: ok"
	else
		say "insmod $ko: failed: $out"
	fi
done
mkdir -p /proc/xen
if out=$(mount -t xenfs xenfs /proc/xen 2>&1); then
	say "xenfs mounted: $(ls /proc/xen | tr '\n' ' ')"
	say "capabilities: $(cat /proc/xen/capabilities 2>&1)"
else
	say "xenfs mount failed: $out"
fi
dmesg | grep -i xen | sed 's/^/linuxinit: dmesg: /'
# Every kernel message at warning level or worse (KERN_WARNING is 4), without its timestamp.
dmesg -r | sed -n 's/^<[0-4]>\[[^]]*\] */linuxinit: warning: /p'
say "cpus online: $(cat /sys/devices/system/cpu/online) ($(grep -c ^processor /proc/cpuinfo) in cpuinfo)"
say "powering off"
poweroff -f
