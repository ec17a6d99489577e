#!/usr/bin/env bash
# The memory check as a sim scenario: a DomU running the memtest program behind stage 2, every
# access walked by the MMU model; its console, exit status and byte-identical replays from a seed.
# Also the loader's answers to bad `halcyon,sim-program` modules.
set -euo pipefail

hypsim=$1 dtb=$2 dts=$3
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

expect_line() {
	grep -Fxq -- "$2" <(tr -d '\r' <"$tmp/$1.out") || fail "$1: no console line '$2'"
}

expect_err() {
	grep -Fq -- "$2" "$tmp/$1.err" || fail "$1: no '$2' on stderr"
}

run memtest "$dtb"
expect_status memtest 0
expect_line memtest '(d1) memtest: PASS: RAM keeps written patterns'
expect_line memtest '(d1) memtest: PASS: unmapped IPA load gives a data abort'
expect_line memtest '(d1) memtest: PASS: FAR_EL1 holds the faulting address'
expect_line memtest '(d1) memtest: all passed'
cat "$tmp/memtest.out" >&2

# Same seed, same bytes; on one pCPU too.
for seed in 1 42; do
	run "seed-$seed-a" "$dtb" --seed "$seed"
	run "seed-$seed-b" "$dtb" --seed "$seed"
	for stream in out err; do
		cmp -s "$tmp/seed-$seed-a.$stream" "$tmp/seed-$seed-b.$stream" ||
			fail "--seed $seed: two runs differ on std$stream"
	done
done
run one-cpu "$dtb" --pcpus 1
expect_status one-cpu 0
expect_line one-cpu '(d1) memtest: all passed'

# The loader names the node and what is wrong, and the machine never starts.
bad() {
	local name=$1 edit=$2 message=$3
	sed "$edit" "$dts" >"$tmp/$name.dts"
	run "$name" "$tmp/$name.dts"
	expect_status "$name" 1
	expect_err "$name" "$message"
	[ ! -s "$tmp/$name.out" ] || fail "$name: the machine ran"
}
bad unknown 's/"memtest"/"no-such-program"/' \
	'/chosen/domU1/module@50000000: no sim guest program "no-such-program" in this hypsim (it has: '
bad small 's/0x50000000 0x10000/0x50000000 0x40/' 'reg size 0x40 cannot hold a sim guest image'
bad tree 's/0x50000000 0x10000/0x48000000 0x10000/' 'overlaps the host device tree at 0x48000000'
bad outside 's/0x50000000 0x10000/0x90000000 0x10000/' 'reg 0x90000000+0x10000 is not inside one RAM bank'

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "PASS"
