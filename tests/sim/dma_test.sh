#!/usr/bin/env bash
# The dma scenario: a hostile dom0less driver domain (d1) owning the sim's DMA engine behind the
# SMMUv3 copies within its own RAM (works), then aims DMA writes and reads at every 4 MiB of the
# machine's RAM outside its own, twice, back to back: Dom0's 1:1 RAM and d2's lie in there. Every
# one must be blocked and reported (counted against d1) and none lost, although the 240 faults come
# back to back and outnumber the event queue's 128 records: the hypervisor must take them from the
# queue's SPI as they happen (polled every 10 ms, as before, 112 of them were lost). The victims'
# RAM checksums, printed before the attack starts and after it ends, must not change. Before the
# attack d2 grants d1 a page: d1's DMA into it lands while d1 maps it (the SMMU walks d1's stage 2,
# grant mappings included) and is blocked and reported once d1 has unmapped it, the page unchanged. The run replays byte for byte from its seed.
set -u
hypsim=$1 dtb=$2
out=${TEST_TMPDIR:-/tmp}/dma
fail() { echo "FAIL: $*"; [ -f "$out.clean" ] && cat "$out.clean"; exit 1; }

for seed in 1 5 3; do
	"$hypsim" "$dtb" --seed "$seed" >"$out.1" 2>"$out.err1"
	rc=$?
	[ $rc -eq 0 ] || fail "seed $seed: hypsim exit status $rc"
	tr -d '\r' <"$out.1" >"$out.clean"
	for line in 'smmu: faults reported on SPI 106 (level)' \
		'd1: 1 SMMU stream(s) attached to its stage 2 (VMID 2)' \
		'(d1) dmatest: PASS: DMA within its own memory works' \
		'(d1) dmatest: 120 DMA writes and 120 reads aimed outside its RAM, 120 and 120 blocked' \
		'(d1) dmatest: PASS: every DMA write outside its memory is blocked' \
		'(d1) dmatest: PASS: every DMA read outside its memory is blocked' \
		'd1: 241 SMMU fault(s) reported' \
		'(d2) dmatest: page 0x40300000 granted to d1: ref 8' \
		"(d1) dmatest: d2's grant 8 mapped at 0x38800000: 0" \
		'(d2) dmatest: PASS: the driver domain'"'"'s DMA landed in the page granted to it' \
		'(d1) dmatest: PASS: DMA into the peer'"'"'s mapped grant works' \
		'(d1) dmatest: PASS: the grant unmapped' \
		'smmu: d1 stream 5: DMA write at 0x38800000 blocked (translation fault, event 0x10)' \
		'(d1) dmatest: PASS: DMA at the unmapped grant is blocked' \
		'(d2) dmatest: PASS: once unmapped, the page is out of the driver domain'"'"'s DMA'"'"'s reach' \
		'(d0) dmatest: PASS: no byte of this domain'"'"'s RAM changed' \
		'(d2) dmatest: PASS: no byte of this domain'"'"'s RAM changed'; do
		grep -qxF -- "$line" "$out.clean" || fail "no line '$line'"
	done
	! grep -q 'FAIL' "$out.clean" || fail "a guest check failed"
	! grep -q 'overflowed' "$out.clean" || fail "fault records were lost"

	# Every fault the hypervisor reported is d1's stream, a translation fault at an address d1 aimed at.
	n=$(grep -cE '^smmu: d1 stream 5: DMA (write|read) at 0x[0-9a-f]+ blocked \(translation fault, event 0x10\)$' "$out.clean")
	[ "$n" -eq 241 ] || fail "$n fault reports, not 241 (240 of the attack, 1 at the unmapped grant)"
	# The granter looked at its page again only after the DMA at the unmapped grant was tried.
	tried=$(grep -n 'DMA at the unmapped grant is blocked' "$out.clean" | cut -d: -f1)
	kept=$(grep -n 'once unmapped, the page is out of' "$out.clean" | cut -d: -f1)
	[ -n "$tried" ] && [ -n "$kept" ] && [ "$tried" -lt "$kept" ] || fail "d2 checked its page before d1's last DMA"
	[ "$(grep -c '^smmu:' "$out.clean")" -eq $((n + 2)) ] || fail "SMMU lines other than d1's faults, the ID and the SPI lines"
	us=$(sed -n 's/^(d1) dmatest: the attack took \([0-9]*\) us$/\1/p' "$out.clean")
	[ -n "$us" ] || fail "the attack's duration not printed"

	# Some of them were aimed at Dom0's RAM (1:1: its IPAs are physical addresses).
	d0=$(sed -n 's/^Domain d0 (dom0): 16 MiB in 1 bank from \(0x[0-9a-f]*\) (1:1).*/\1/p' "$out.clean")
	[ -n "$d0" ] || fail "Dom0's bank not printed"
	hits=0
	for a in $(sed -n 's/^smmu: d1 stream 5: DMA write at \(0x[0-9a-f]*\) blocked.*/\1/p' "$out.clean"); do
		((a >= d0 && a < d0 + (16 << 20))) && hits=$((hits + 1))
	done
	[ $hits -ge 2 ] || fail "only $hits blocked writes aimed at Dom0's RAM at $d0"

	# Each victim's checksum: the same after the attack as before it; before it started, after it ended.
	attack=$(grep -n 'aimed outside its RAM' "$out.clean" | cut -d: -f1)
	for d in d0 d2; do
		b=$(grep -n "^($d) dmatest: victim RAM .* checksum before " "$out.clean")
		a=$(grep -n "^($d) dmatest: victim RAM .* checksum after " "$out.clean")
		[ -n "$b" ] && [ -n "$a" ] || fail "$d printed no checksums"
		[ "${b%%:*}" -lt "$attack" ] || fail "$d's first checksum came after the attack"
		[ "${a%%:*}" -gt "$attack" ] || fail "$d's second checksum came before the attack ended"
		[ "${b##* }" = "${a##* }" ] || fail "$d's RAM changed: ${b##* } -> ${a##* }"
	done
done

"$hypsim" "$dtb" --seed 3 >"$out.2" 2>"$out.err2"
cmp -s "$out.1" "$out.2" || fail "same seed, different console"
echo "PASS: DMA into a mapped grant lands and is blocked once unmapped; 240 DMA accesses outside d1 blocked in $us us and reported ($hits at Dom0's RAM), victims unchanged, deterministic"
