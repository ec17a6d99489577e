# Helpers the sim benches source (bench/sim/run.sh, bench/pvsim/run.sh).
# sim_sanitised HYPSIM: "yes" for an ASan build (callgrind cannot run it), else "no".
sim_sanitised() { if nm "$1" 2>/dev/null | grep -q __asan_init; then echo yes; else echo no; fi; }
# sim_seconds CMD...: wall seconds CMD took.
sim_seconds() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
# sim_ir OUT CMD...: callgrind's instruction total for CMD (its profile in OUT).
sim_ir() {
	local out=$1; shift
	valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out"
}
