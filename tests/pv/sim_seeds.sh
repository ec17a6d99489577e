# The runs every sim scenario of tests/pv makes, for a script that defines fail() and $out:
# sim_seeds HYPSIM DTS CHECK runs seed 7, checks its cleaned console with CHECK FILE, runs it again
# and compares both outputs byte for byte, then checks seeds 1, 2 and 3 the same way.
sim_seeds() {
	local hypsim=$1 dts=$2 check=$3 rc seed
	"$hypsim" "$dts" --seed 7 >"$out.1" 2>"$out.err1"
	rc=$?
	tr -d '\r' <"$out.1" >"$out.clean"
	[ $rc -eq 0 ] || fail "hypsim exit status $rc"
	"$check" "$out.clean"
	"$hypsim" "$dts" --seed 7 >"$out.2" 2>"$out.err2"
	cmp -s "$out.1" "$out.2" || fail "same seed, different console"
	cmp -s "$out.err1" "$out.err2" || fail "same seed, different summary"
	for seed in 1 2 3; do
		"$hypsim" "$dts" --seed $seed >"$out.s" 2>/dev/null || fail "seed $seed: exit status $?"
		tr -d '\r' <"$out.s" >"$out.clean"
		"$check" "$out.clean"
	done
}
