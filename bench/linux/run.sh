#!/usr/bin/env bash
# Linux 6.1 boot time, QEMU start to the initramfs's /init marker, natively, as Dom0 of Xen 4.17 and
# as Dom0 of Halcyon, in the same QEMU recipe (tests/linux/boot.sh: virt, cortex-a57, 2 CPUs, 2 GiB,
# the same kernel and initramfs), alternated round by round so load on the machine hits all three
# alike. Prints every time, then medians and ratios per GIC version; never passes or fails on time.
# Usage: run.sh [ROUNDS (default 5)] [--gic 2|3] (default both); bazel run //bench/linux:run -- ...
# Needs tests/linux/fetch.sh (and tests/xen/fetch_xen.sh for Xen); a mode without its image is left out.
# HYP_IMAGE_BEFORE=FILE adds a fourth mode, "before": Halcyon from that image (an earlier build), in
# the same rounds, so a change is measured against what it replaces under the same load.
# BENCH_LOG_DIR=DIR keeps every boot's console there as MODE-vGIC-ROUND.log.
set -uo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
top=$(cd "$(dirname "$self")/../.." && pwd)
boot="$top/tests/linux/boot.sh"
# HYP_IMAGE from the environment wins (e.g. an image built from another checkout).
for c in "${HYP_IMAGE:-}" "${RUNFILES_DIR:-$0.runfiles}/halcyon/hyp_arm64.bin" "$top/bazel-bin/hyp_arm64.bin"; do
	[ -n "$c" ] && [ -f "$c" ] && { export HYP_IMAGE=$c; break; }
done
rounds=5 gics=(3 2)
while [ $# -gt 0 ]; do
	case "$1" in
	--gic) gics=("$2"); shift 2 ;;
	[0-9]*) rounds=$1; shift ;;
	*) sed -n '2,7s/^# \{0,1\}//p' "$self" >&2; exit 2 ;;
	esac
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Linux $(cat "$top/.cache/linux-arm64/version" 2>/dev/null || echo '(not fetched)'): QEMU start to /init marker, ms; $rounds rounds, $(nproc) host CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for gic in "${gics[@]}"; do
	for r in $(seq "$rounds"); do
		line="GICv$gic round $r:"
		for mode in native xen halcyon ${HYP_IMAGE_BEFORE:+before}; do
			keep=()
			[ -z "${BENCH_LOG_DIR:-}" ] || keep=(--log "$BENCH_LOG_DIR/$mode-v$gic-$r.log")
			if [ "$mode" = before ]; then
				out=$(HYP_IMAGE=$HYP_IMAGE_BEFORE "$boot" halcyon --gic "$gic" --quiet --timeout 180 "${keep[@]}" 2>&1)
			else
				out=$("$boot" "$mode" --gic "$gic" --quiet --timeout 180 "${keep[@]}" 2>&1)
			fi
			rc=$?
			ms=$(sed -n 's/^linuxinit-ms: //p' <<<"$out")
			if [ "$rc" = 77 ]; then
				line+=" $mode absent"
				continue
			fi
			[ "$rc" = 0 ] || line+=" ($mode FAILED: $(grep -m1 '^FAIL' <<<"$out"))"
			[ -z "$ms" ] || { echo "$ms" >>"$tmp/$mode-$gic"; line+=" $mode $ms"; }
		done
		echo "$line"
	done
done
echo
printf '%-6s %10s %10s %10s %12s %12s %14s' GIC native xen halcyon xen/native halcyon/native halcyon/xen
[ -z "${HYP_IMAGE_BEFORE:-}" ] || printf ' %10s %12s' before before/native
echo
for gic in "${gics[@]}"; do
	n=$(median <"$tmp/native-$gic" 2>/dev/null) x=$(median <"$tmp/xen-$gic" 2>/dev/null) h=$(median <"$tmp/halcyon-$gic" 2>/dev/null)
	ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo -; }
	printf '%-6s %10s %10s %10s %12s %12s %14s' "v$gic" "${n:--}" "${x:--}" "${h:--}" "$(ratio "$x" "$n")" "$(ratio "$h" "$n")" "$(ratio "$h" "$x")"
	if [ -n "${HYP_IMAGE_BEFORE:-}" ]; then
		b=$(median <"$tmp/before-$gic" 2>/dev/null)
		printf ' %10s %12s' "${b:--}" "$(ratio "$b" "$n")"
	fi
	echo
done
