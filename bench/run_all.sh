#!/usr/bin/env bash
# Every benchmark of the tree, one after another, and one table of their figures and ratios:
#   bench/run_all.sh [--quick] [--linux] [--only NAME[,NAME...]]
# NAME: sim hvc irq evtchn gnttab mmu mm pvblock pvnet fuzz linux. --quick uses small counts (a smoke
# run of the runner, not figures to quote); --linux adds the Linux boot-time comparison (minutes).
# Benchmarks are figures, never verdicts: a bench that cannot run gets "n/a" in the table and its
# log's tail below it; the exit status is 0 unless the arguments are wrong. Logs stay in
# BENCH_OUT (default a new /tmp/bench-all.XXXXXX); a bench still running after BENCH_TIMEOUT
# seconds (default 1800, 600 with --quick) is stopped. Runs under `nice -n 19`: the machine is shared.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
quick=0 linux=0 only=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--linux) linux=1 ;;
	--only) only=,$2, && shift ;;
	*) echo "usage: bench/run_all.sh [--quick] [--linux] [--only NAME[,NAME...]]" >&2; exit 2 ;;
	esac
	shift
done
out=${BENCH_OUT:-$(mktemp -d /tmp/bench-all.XXXXXX)}
mkdir -p "$out"
rows=$out/rows
: >"$rows"
failed=()

want() { [ -z "$only" ] && { [ "$1" != linux ] || [ $linux -eq 1 ]; } || [[ $only == *,$1,* ]]; }
pick() { [ $quick -eq 1 ] && echo "$2" || echo "$1"; }
# row AREA FIGURE HALCYON [REFERENCE [RATIO]]: one line of the table.
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:--}" "${4:--}" "${5:--}" >>"$rows"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf (a / b < 0.01 ? "%.2e" : "%.2f"), a / b; else print "-" }'; }

# run NAME CMD...: CMD's output into NAME.log, its errors into NAME.err, niced, in its own
# process group so that a bench still running after $limit seconds is stopped whole (a hung
# bench costs its figure, not the table). A failure is noted, never fatal.
limit=${BENCH_TIMEOUT:-$(pick 1800 600)}
run() {
	local name=$1 pid waited=0
	shift
	echo "== $name: $*" >&2
	(cd "$top" && exec setsid nice -n 19 "$@") >"$out/$name.log" 2>"$out/$name.err" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && [ $waited -lt "$limit" ]; do
		sleep 1
		waited=$((waited + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM -- "-$pid" 2>/dev/null
		sleep 2
		kill -KILL -- "-$pid" 2>/dev/null
		echo "run_all: stopped after ${limit}s (BENCH_TIMEOUT)" >>"$out/$name.err"
	fi
	wait "$pid" || failed+=("$name")
}
# brun NAME TARGET [ARGS...]: a bench target through `bazel run` with the nosan config (figures
# describe the code, not the sanitizers).
brun() {
	local name=$1 target=$2
	shift 2
	run "$name" bazel run --config=nosan --noshow_progress --ui_event_filters=-info "$target" -- "$@"
}
# Markdown rows of a log: the cells of each "| ... |" line that is not a rule, tab-separated.
cells() { sed -n '/^|[^-]/{s/^| *//; s/ *|$//; s/ *| */\t/g; p}' "$1" | tail -n +2; }

if want sim; then
	brun sim //bench/sim:run "$(pick 200000 20000)"
	while IFS=$'\t' read -r label us rate ir; do
		row sim "$label, events/s (host Ir/event $ir)" "$rate"
	done < <(cells "$out/sim.log")
fi

# The QEMU -icount path lengths, Halcyon Dom0 against Xen 4.17 Dom0.
for b in hvc irq evtchn; do
	want $b || continue
	brun $b //bench/$b:run $(pick "" 2000)
	while IFS=$'\t' read -r label gic h0 hu xen r; do
		row $b "$label, instructions ($gic; DomU $hu)" "$h0" "$xen" "$r"
	done < <(cells "$out/$b.log")
done

if want evtchn; then
	brun evtchn_host //bench/evtchn:evtchn_bench
	sed -n 's/^send, \([a-z]*\) port: *\([0-9.]*\) ns per call.*/\1 \2/p' "$out/evtchn_host.log" |
		while read -r port ns; do row evtchn "EVTCHNOP_send, $port port, host ns/call" "$ns"; done
fi

if want gnttab; then
	brun gnttab_host //bench/gnttab:gnttab_bench
	awk 'NR > 1 && $NF ~ /^[0-9]+$/ { l = substr($0, 1, 22); sub(/ +$/, "", l); print l "\t" $NF }' \
		"$out/gnttab_host.log" | while IFS=$'\t' read -r what rate; do
		row gnttab "map+unmap pairs/s, $what (host)" "$rate"
	done
	brun gnttab_cg //bench/gnttab:gnttab_callgrind
	awk 'NR > 1 && NF == 3 { print $1, $3 }' "$out/gnttab_cg.log" |
		while read -r batch ir; do row gnttab "map+unmap pair, host Ir ($batch per call)" "$ir"; done
	brun gnttab_qemu //bench/gnttab:qemu_pairs $(pick "" 200)
	cells "$out/gnttab_qemu.log" | while IFS=$'\t' read -r h x r; do
		row gnttab "map+unmap pair as Dom0 sees it, instructions (QEMU -icount, v3)" "$h" "$x" "$r"
	done
fi

if want mmu; then
	brun mmu //bench/mmu:mmu_bench
	awk '$2 ~ /^[0-9]+$/ && $3 ~ /^[0-9.]+$/ { print $1, $2 }' "$out/mmu.log" |
		while read -r s rate; do row mmu "page walks/s, $s" "$rate"; done
	brun mmu_cg //bench/mmu:mmu_callgrind $(pick "" 20000)
	awk 'NR > 1 && NF == 3 { print $1, $3 }' "$out/mmu_cg.log" |
		while read -r s ir; do row mmu "Ir per walk, $s" "$ir"; done
fi

if want mm; then
	brun mm //bench/mm:mm_bench
	awk '$2 ~ /^[0-9]+$/ && $3 ~ /^[0-9.]+$/ { print $1, $3 }' "$out/mm.log" |
		while read -r s us; do row mm "1 GiB map, $s, us/map" "$us"; done
fi

if want pvblock; then
	brun pvblock //bench/pvblock:run $(pick "" 2000)
	pv=$(cells "$out/pvblock.log" | sed -n 's/^PV block[^\t]*\t\([0-9.]*\)$/\1/p')
	mc=$(cells "$out/pvblock.log" | sed -n 's/^host memcpy[^\t]*\t\([0-9.]*\)$/\1/p')
	row pvblock "PV block 4 KiB requests, MB/s (reference: host memcpy)" "$pv" "$mc" "$(ratio "$pv" "$mc")"
fi

if want pvnet; then
	brun pvnet //bench/pvnet:run $(pick "" 4000)
	cells "$out/pvnet.log" | while IFS=$'\t' read -r size virt host mc r; do
		row pvnet "PV net $size-byte frames DomU to DomU, host frames/s (reference: memcpy; virtual $virt/s)" \
			"$host" "$mc" "$r"
	done
fi

# Fuzzing throughput: each harness's libFuzzer binary on a copy of its corpus for a few seconds,
# and the hypercall harness under AFL++ (fuzz/run.sh); the issue's goals are the references.
if want fuzz; then
	secs=$(pick 20 3)
	run fuzz_build bazel build --noshow_progress //fuzz:all
	# Copies: another build in the same tree may replace bazel-bin's files while these run.
	bin=$out/fuzz-bin
	mkdir -p "$bin"
	cp -f "$(cd "$top" && bazel info bazel-bin 2>/dev/null)"/fuzz/*.bin "$bin/"
	for h in $(ls "$top/fuzz/corpus"); do
		scratch=$(mktemp -d "$out/corpus-$h.XXXXXX")
		run fuzz_$h "$bin/${h}_libfuzzer.bin" -max_total_time="$secs" -print_final_stats=1 \
			-dict="$top/fuzz/dict/$h.dict" "$scratch" "$top/fuzz/corpus/$h"
		eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz_$h.err")
		goal=-
		[ "$h" = hcall ] && goal=200000
		row fuzz "$h, libFuzzer execs/s ($secs s, 1 job; reference: goal)" "$eps" "$goal" "$(ratio "$eps" "$goal")"
	done
	if command -v afl-fuzz >/dev/null; then
		run fuzz_afl_hcall env FUZZ_BIN="$bin/hcall_afl.bin" FUZZ_OUT="$out/afl-hcall" fuzz/run.sh hcall "$secs"
		eps=$(sed -n 's/^execs_per_sec=\([0-9]*\).*/\1/p' "$out/fuzz_afl_hcall.log")
		row fuzz "hcall, AFL++ execs/s ($secs s, 1 job; reference: goal)" "$eps" 20000 "$(ratio "$eps" 20000)"
	fi
fi

if want linux; then
	brun linux //bench/linux:run $(pick 3 1)
	awk '$1 ~ /^v[23]$/ { print $1, $2, $3, $4 }' "$out/linux.log" | while read -r gic n x h; do
		row linux "Linux 6.1 to /init, ms ($gic; native $n)" "$h" "$x" "$(ratio "$h" "$x")"
	done
fi

# A bench that failed still gets its line.
for f in "${failed[@]}"; do
	row "${f%%_*}" "$f: n/a (did not run to the end; see below)"
done

echo
echo "Halcyon benchmarks ($(date -u '+%F %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)$([ $quick -eq 1 ] && echo ', --quick: smoke counts'))."
echo "Reference: Xen 4.17 for QEMU -icount rows, host memcpy for PV block and PV net, the issue's goal for fuzzing."
echo
printf '| %-8s | %-78s | %14s | %14s | %7s |\n' area figure Halcyon reference ratio
printf '|%s|%s|%s|%s|%s|\n' ---------- "$(printf '%.0s-' {1..80})" ---------------: ---------------: --------:
while IFS=$'\t' read -r area fig h ref r; do
	printf '| %-8s | %-78s | %14s | %14s | %7s |\n' "$area" "$fig" "$h" "$ref" "$r"
done <"$rows"
for f in "${failed[@]}"; do
	echo
	echo "$f: did not run to the end (n/a above); the tail of $out/$f.err and .log:"
	tail -4 "$out/$f.err" "$out/$f.log" 2>/dev/null | grep -v '^$' | sed 's/^/    /'
done
echo
echo "logs: $out"
exit 0
