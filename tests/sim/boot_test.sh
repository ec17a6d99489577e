#!/usr/bin/env bash
# Boots the core on the scenarios shipped in hal/sim/scenarios through hypsim: banner, CPU count,
# exit status, stopping by itself when idle, and byte-identical replays from a seed.
set -euo pipefail

hypsim=$1 hello=$2 gicv2=$3 hello_dts=$4
tmp=${TEST_TMPDIR:-$(mktemp -d)}
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run NAME ARGS...: hypsim's stdout, stderr and status land in $tmp/NAME.{out,err,rc}.
run() {
	local name=$1
	shift
	local rc=0
	"$hypsim" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
	echo "$rc" >"$tmp/$name.rc"
	echo "--- hypsim $* (status $rc)" >&2
	cat "$tmp/$name.err" >&2
}

expect_status() {
	local got
	got=$(cat "$tmp/$1.rc")
	[ "$got" = "$2" ] || fail "$1: exit status $got, expected $2"
}

expect_out() {
	grep -Eq "$2" "$tmp/$1.out" || fail "$1: no line matching '$2' on the console"
}

expect_err() {
	grep -Eq "$2" "$tmp/$1.err" || fail "$1: no '$2' on stderr"
}

expect_boot() {
	local name=$1 cpus=$2
	expect_status "$name" 0
	expect_out "$name" 'Halcyon .* at EL2'
	expect_out "$name" "Halcyon: $cpus CPUs online"
}

run hello "$hello"
expect_boot hello 4
expect_err hello 'exit status 0; seed 1, .* 4 of 4 CPUs started'

run gicv2 "$gicv2"
expect_boot gicv2 2
expect_out gicv2 'GICv2'

# Without poweroff_when_idle every CPU ends in WFI and the machine stops on its own.
run idle "$hello" --bootargs ""
expect_boot idle 4
expect_err idle 'all CPUs idle'

# The source form goes through dtc; --pcpus holds CPUs back as firmware would.
run dts "$hello_dts" --pcpus 2
expect_boot dts 2

# Same seed, same run: console and summary (virtual time, step count) byte for byte.
for seed in 7 123456789; do
	for scenario in hello gicv2; do
		run "$scenario-$seed-a" "${!scenario}" --seed "$seed"
		run "$scenario-$seed-b" "${!scenario}" --seed "$seed"
		for stream in out err; do
			cmp -s "$tmp/$scenario-$seed-a.$stream" "$tmp/$scenario-$seed-b.$stream" ||
				fail "$scenario --seed $seed: two runs differ on std$stream"
		done
	done
done

# ...and the seed does steer the interleaving: some of these runs take different paths.
for seed in 1 2 3 4 5 6; do
	run "seed-$seed" "$hello" --seed "$seed" --bootargs ""
done
paths=$(for seed in 1 2 3 4 5 6; do sed 's/seed [0-9]*,//' "$tmp/seed-$seed.err"; done | sort -u | wc -l)
[ "$paths" -gt 1 ] || fail "six seeds gave one and the same interleaving"

run until "$hello" --until 10us
expect_status until 0
expect_err until 'virtual time limit reached'

run missing "$tmp/no-such-scenario.dtb"
expect_status missing 1
expect_err missing 'no-such-scenario.dtb: No such file or directory'

printf 'not a tree' >"$tmp/junk.dtb"
run junk "$tmp/junk.dtb"
expect_status junk 1
expect_err junk 'junk.dtb: not a device tree blob'

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "PASS"
