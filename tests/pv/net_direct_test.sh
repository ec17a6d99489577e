#!/usr/bin/env bash
# Dom0less direct-map on the sim: the net scenario (hal/sim/scenarios/net.dts) with its NIC taken
# from behind the SMMU (no iommus: the card's DMA addresses are physical ones) and marked a DMA
# master (dma-coherent). The hypervisor refuses it to d3 without xen,force-assign-without-iommu
# (-EINVAL) and, with it, to a d3 that is not direct-mapped (-EPERM), each with its boot line; with
# both, d3's RAM is at IPA == PA, the card DMAs straight into it, and the scenario's verdicts
# (net_check.sh) hold as behind the SMMU. Two seeds; the same seed replays byte for byte.
set -u
hypsim=$1 dts=$2
tmp=${TEST_TMPDIR:-$(mktemp -d)}
out=$tmp/net_direct
fail() { echo "FAIL: $*"; [ -f "$out.1" ] && tail -40 "$out.1"; exit 1; }
. "$(dirname "$0")/net_check.sh"
command -v dtc >/dev/null && command -v fdtput >/dev/null || fail "dtc/fdtput not found (device-tree-compiler)"

nic=/nic@a100000 part=/chosen/domU3/module@4f500000/halcyon,sim-partial/passthrough/nic@22000000
# variant NAME FORCE DIRECT: the scenario as a tree with the NIC untranslated, FORCE and DIRECT
# saying whether the partial tree has xen,force-assign-without-iommu and domU3 direct-map.
variant() {
	local t=$tmp/$1.dtb
	dtc -q -I dts -O dtb -o "$t" "$dts" || fail "dtc $dts"
	fdtput -d "$t" "$nic" iommus
	fdtput -t x "$t" "$nic" dma-coherent
	[ "$2" = 0 ] || fdtput -t x "$t" "$part" xen,force-assign-without-iommu
	[ "$3" = 0 ] || fdtput -t x "$t" /chosen/domU3 direct-map
	echo "$t"
}

# Refused: the rest of the machine still runs (the frontends then wait for a backend that never
# comes, so the run is cut short); only the boot lines matter.
# refused NAME FORCE DIRECT LINE ERRNO
refused() {
	timeout 20 "$hypsim" "$(variant "$1" "$2" "$3")" --seed 1 >"$out.$1" 2>&1
	tr -d '\r' <"$out.$1" >"$out.$1.clean"
	grep -qxF "d3: nic@a100000 does DMA and no SMMU translates it: refused$4" "$out.$1.clean" || fail "$1: no refusal line"
	grep -qxF "domU3: cannot build domain 3 ($5)" "$out.$1.clean" || fail "$1: d3 was built or refused with another errno"
}
refused noforce 0 1 " without xen,force-assign-without-iommu" -22
refused nodirect 1 0 ", the domain is not direct-map" -1

direct=$(variant direct 1 1)
"$hypsim" "$direct" --seed 5 >"$out.1" 2>"$out.err1" || fail "hypsim exit status $?"
tr -d '\r' <"$out.1" >"$out.clean"
grep -qE '^Domain d3 \(domU3\): 8 MiB in 1 bank from 0x[0-9a-f]+ \(direct-map\)' "$out.clean" || fail "d3 is not direct-mapped"
grep -qxF "d3: nic@a100000: DMA untranslated (direct-map, bus address == IPA == PA): the domain is trusted with it" "$out.clean" ||
	fail "the NIC was not given untranslated"
! grep -q "SMMU stream(s) attached" "$out.clean" || fail "a stream was attached: the NIC is still behind the SMMU"
check_net "$out.clean" 4
"$hypsim" "$direct" --seed 5 >"$out.2" 2>/dev/null
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
"$hypsim" "$direct" --seed 2 >"$out.s" 2>/dev/null || fail "seed 2: exit status $?"
tr -d '\r' <"$out.s" >"$out.sc"
check_net "$out.sc" 4
echo "PASS: the untranslated NIC refused to d3 without xen,force-assign-without-iommu (-EINVAL) and without direct-map (-EPERM); with both, d3's RAM at IPA == PA and the net scenario's verdicts hold, 2 seeds, deterministic"
