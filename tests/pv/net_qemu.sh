#!/bin/bash
# PV network on QEMU virt with the real hypervisor, the sim's net scenario (hal/sim/scenarios/net.dts)
# on real hardware models: pvdom0 as Dom0, blkback (d1, the RAM disk as in block_qemu.sh) and
# blkfront (d2), netback (d3) as a dom0less *direct-map* driver domain owning QEMU's
# virtio-net-device, netfront in d4 and d5. QEMU 7.2's SMMUv3 has no stage 2, so nothing would
# translate the card's DMA: d3's RAM is at IPA == PA (`direct-map`) and its partial tree says
# xen,force-assign-without-iommu, so the bus addresses its driver gives the card are right. The
# card sits on the last virtio-mmio transport (0xa003e00, SPI 47; QEMU plugs the first -device
# there), whose page-mates are dropped from the host tree so that the page is d3's alone; d3 sees
# it at 0x22000e00. The wire's far end is a Python script on a UDP socket pair (QEMU's -netdev
# socket,udp=): it echoes frames sent to 02:00:00:00:00:99 and sends a bounded run of numbered
# broadcasts, as the sim NIC's scripted wire does. The sim test's verdicts hold, and the script saw
# exactly the 16 frames.
# Usage: net_qemu.sh GIC HYP PVDOM0 BLKBACK BLKFRONT NETBACK NETFRONT (runfiles paths)
set -u
gic=$1
fail() {
	echo "FAIL (GICv$gic): $*"
	[ -f "${log:-}" ] && { echo "--- QEMU printed:"; tail -80 "$log"; }
	[ -f "${wire_log:-}" ] && { echo "--- the wire:"; tail -20 "$wire_log"; }
	exit 1
}
. "$(dirname "$0")/block_check.sh"
. "$(dirname "$0")/net_check.sh"
. "$(dirname "$0")/qemu_pv.sh"
. "$(dirname "$0")/qemu_ramdisk.sh"

rd_at=56000000 net_at=56100000 page=a003000 card=/virtio_mmio@a003e00
wdir=${TEST_TMPDIR:-$(mktemp -d)}/wire
mkdir -p "$wdir"
wire_log=$wdir/wire.log

# The far end of the card's wire: frames from QEMU on one UDP port, answers to QEMU's on another.
cat >"$wdir/wire.py" <<'PY'
import os, signal, socket, sys, time
peer = bytes.fromhex("020000000099")
listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
listen.bind(("127.0.0.1", 0))
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
probe.bind(("127.0.0.1", 0))
qemu_port = probe.getsockname()[1]
probe.close()
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d\n" % (listen.getsockname()[1], qemu_port))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
qemu = ("127.0.0.1", qemu_port)
log = open(sys.argv[2], "w", buffering=1)
seq, last, start = 0, 0.0, time.time()
def done(*_):
    log.write("wire: %d broadcasts sent\n" % seq)
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
listen.settimeout(0.002)
# Numbered broadcasts (EtherType 0x88b5, the number big-endian, bytes counting up from it), as the
# sim's wire sends them: every 2 ms from a guest's first frame until 8 went out after the last of the
# two frontends spoke (each is connected by then, and needs 4), then no more, so none arrives for
# a frontend that has finished and closed.
guests = int(sys.argv[3])
first = {}
while time.time() < start + 90:
    try:
        f, _ = listen.recvfrom(2048)
    except socket.timeout:
        f = None
    if f:
        log.write("wire: rx %d bytes %s <- %s\n" % (len(f), f[0:6].hex(":"), f[6:12].hex(":")))
        first.setdefault(f[6:12], seq)
        if f[0:6] == peer:
            listen.sendto(f[6:12] + peer + f[12:], qemu)
    if first and (len(first) < guests or seq < max(first.values()) + 8) and time.time() >= last + 0.002:
        b = b"\xff" * 6 + peer + b"\x88\xb5" + seq.to_bytes(4, "big")
        listen.sendto(b + bytes((seq + i) & 0xFF for i in range(18, 64)), qemu)
        seq, last = seq + 1, time.time()
done()
PY

qemu_pv_hook() {
	local dtb=$1 net_part=$2/netback-partial.dtb
	command -v python3 >/dev/null || fail "python3 not found"
	qemu_ramdisk "$dtb" "$2" domU5 "$rd_at" # blkback (d1), as block_qemu.sh
	# netback (domU3, d3): direct-map, and the card's transport through its partial tree.
	dtc -q -I dts -O dtb -o "$net_part" - <<-DTS
		/dts-v1/;
		/ {
			#address-cells = <2>;
			#size-cells = <2>;
			passthrough {
				compatible = "simple-bus";
				ranges;
				#address-cells = <2>;
				#size-cells = <2>;
				virtio_mmio@22000e00 {
					compatible = "virtio,mmio";
					reg = <0x0 0x22000e00 0x0 0x200>;
					interrupt-parent = <65000>;
					interrupts = <0 47 1>;
					dma-coherent;
					xen,path = "$card";
					xen,reg = <0x0 0x$page 0x0 0x1000 0x0 0x22000000>;
					xen,force-assign-without-iommu;
				};
			};
		};
	DTS
	for off in 0 200 400 600 800 a00 c00; do
		fdtput -r "$dtb" "/virtio_mmio@$(printf %x $((0x$page + 0x$off)))"
	done
	fdtput -t x "$dtb" "$card" xen,passthrough
	fdtput -t x "$dtb" /chosen/domU3 direct-map
	fdtput -c "$dtb" /chosen/domU3/module@$net_at
	fdtput -t s "$dtb" /chosen/domU3/module@$net_at compatible "multiboot,device-tree" "multiboot,module"
	fdtput -t x "$dtb" /chosen/domU3/module@$net_at reg "$net_at" "$(size "$net_part")"
	loaders+=(-device "loader,file=$net_part,addr=0x$net_at")
	# The card, its transport in version 2 (virtio 1.x) rather than QEMU's legacy default, and the wire.
	python3 "$wdir/wire.py" "$wdir/ports" "$wire_log" 2 &
	wire_pid=$!
	for _ in $(seq 100); do [ -f "$wdir/ports" ] && break; sleep 0.05; done
	[ -f "$wdir/ports" ] || fail "the wire script did not start"
	read -r wire_port qemu_port <"$wdir/ports"
	loaders+=(-global virtio-mmio.force-legacy=false
		-netdev "socket,id=n0,udp=127.0.0.1:$wire_port,localaddr=127.0.0.1:$qemu_port"
		-device virtio-net-device,netdev=n0,mac=02:00:00:00:00:01)
}

# fdtput puts a new node before its siblings: domU5 is built as d1 ... domU1 as d5.
qemu_pv_images=("$7" "$7" "$6" "$5" "$4")
start=$(date +%s%N)
qemu_pv_run "$1" "$2" "$3" "pvdom0.fe=2 pvdom0.be=1 pvdom0.netbe=3 pvdom0.vifs=4,5" "$7" \
	"netfront.peer=4 netfront.frames=200 netfront.wire=8 netfront.broadcasts=4 netfront.hostile=1" \
	"netfront.peer=5 netfront.frames=200 netfront.wire=8 netfront.broadcasts=4" \
	"" \
	"blkfront.writes=256 blkfront.blocks=64 blkfront.hostile=1" \
	""
wall_ms=$((($(date +%s%N) - start) / 1000000))
kill "${wire_pid:-0}" 2>/dev/null
wait "${wire_pid:-0}" 2>/dev/null
f=$out.clean
for d in 1 2 3 4 5; do
	grep -q "^Domain d$d (domU$((6 - d)))" "$f" || fail "domU$((6 - d)) was not built as d$d"
done
grep -qE '^Domain d3 \(domU3\): 16 MiB in 1 bank from 0x[0-9a-f]+ \(direct-map\)' "$f" || fail "d3 is not direct-mapped"
grep -qxF "d3: virtio_mmio@a003e00: DMA untranslated (direct-map, bus address == IPA == PA): the domain is trusted with it" "$f" ||
	fail "the card was not passed through untranslated to the direct-map d3"
grep -qxE "\(d3\) netback: virtio-net: features 0x1000000(20|00) of 0x[0-9a-f]+, 16-entry queues, mac 02:00:00:00:00:01" "$f" ||
	fail "netback did not bring the virtio-net card up"
check_block "$f"
check_net "$f" "[0-9]+"
[ "$(grep -c '^wire: rx ' "$wire_log")" -eq 16 ] || fail "the wire did not get exactly 16 frames"
[ "$(grep -cE '^wire: rx [0-9]+ bytes 02:00:00:00:00:99 <- 00:16:3e:00:00:0[45]$' "$wire_log")" -eq 16 ] ||
	fail "a frame other than the DomUs' frames to the far end left on the wire"
echo "PASS (GICv$gic): PV network on QEMU: 400 frames between d4 and d5 through the direct-map driver domain's virtio-net, 16 echoed by the wire ($(grep -oE '[0-9]+ broadcasts sent' "$wire_log" || echo "? broadcasts sent") by it, $(grep -E '^\(d4\) netfront: PASS: 200' "$f" | grep -oE '[0-9]+ broadcasts from outside') counted by d4), 6 malformed requests refused, a broken ring cut off, block alongside; QEMU wall $((wall_ms / 1000)).$((wall_ms % 1000 / 100)) s"
cat "$f"
cat "$wire_log"
