#!/bin/bash
# Line and branch coverage of the core from the host tests: coverage/report.sh OUTDIR [TARGET...]
# Runs `bazel coverage` (offline, gcov + lcov; default targets: every host test under //tests,
# i.e. not the QEMU/Xen ones), writes OUTDIR/coverage.info and lcov HTML at OUTDIR/index.html,
# prints a per-subsystem table and ends with `hyp lines=<NN.N>% branches=<NN.N>%`.
# Exit status: bazel's when a test failed (the figures then cover the tests that ran), else 0.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: coverage/report.sh OUTDIR [TARGET...]" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(//tests/...)
cd "$top"

# Test binaries compile the hyp/ sources they exercise as their own srcs (tests/traps/BUILD), so
# test targets are instrumented too and test code is dropped from the report afterwards. Outputs
# go to their own tree (-cov): the instrumented objects do not replace everyone's plain ones, and
# the bazel-bin/bazel-out symlinks are left pointing where everyone else's builds expect.
# UBSan's checks are compiled out (ASan stays): gcov would count each check as a branch.
rc=0
stamp=$(mktemp)
bazel coverage --build_tests_only --keep_going \
	--test_tag_filters=-qemu,-xen,-external \
	--instrument_test_targets \
	--instrumentation_filter='^//(hyp|hal|models|tests|fuzz)[/:]' \
	--platform_suffix=-cov --experimental_convenience_symlinks=ignore \
	--per_file_copt='.*\.c$@-fno-sanitize=undefined' \
	-- "${targets[@]}" >&2 || rc=$?
cov="$(bazel info output_path 2>/dev/null)/_coverage"
report=$cov/_coverage_report.dat
# Bazel writes no combined report when any target failed to build (another module's work in
# progress, say): merge the tests that did run from its list of their tracefiles instead.
if [ ! "$report" -nt "$stamp" ] && [ -s "$cov/lcov_files.tmp" ]; then
	echo "report.sh: no combined report from bazel (exit $rc); merging the tests that ran" >&2
	report=$out/merged.dat args=() exec_root=$(bazel info execution_root 2>/dev/null)
	while read -r f; do
		[[ $f == /* ]] || f=$exec_root/$f
		grep -q '^DA:' "$f" 2>/dev/null && args+=(-a "$f")
	done <"$cov/lcov_files.tmp"
	[ ${#args[@]} -gt 0 ] && lcov --quiet --rc lcov_branch_coverage=1 "${args[@]}" --output-file "$report" >&2
fi
rm -f "$stamp"
[ -s "$report" ] || { echo "report.sh: no coverage data (bazel exit $rc)" >&2; exit "${rc/#0/1}"; }

lcov_rc=(--rc lcov_branch_coverage=1)
lcov --quiet "${lcov_rc[@]}" --extract "$report" "$top/hyp/*" "$top/hal/*" "$top/models/*" 'hyp/*' 'hal/*' \
	'models/*' --output-file "$out/coverage.info" >&2
genhtml --quiet --branch-coverage --legend --title "Halcyon: host tests" --prefix "$top" \
	--output-directory "$out" "$out/coverage.info" >&2 || echo "report.sh: genhtml failed; tracefile kept" >&2

# One row per subsystem (hyp/<dir>, hal/<dir>, models/<dir>), from the tracefile's per-file totals.
awk -v top="$top/" '
function pct(h, f) { return f ? sprintf("%5.1f%%", 100 * h / f) : "    -" }
/^SF:/ { f = substr($0, 4); sub("^" top, "", f); n = split(f, p, "/"); g = (n > 2) ? p[1] "/" p[2] : p[1] }
/^LF:/ { lf[g] += substr($0, 4) } /^LH:/ { lh[g] += substr($0, 4) }
/^BRF:/ { bf[g] += substr($0, 5) } /^BRH:/ { bh[g] += substr($0, 5) }
END {
	printf "%-16s %13s %8s %15s %8s\n", "subsystem", "lines hit/all", "lines", "branches hit/all", "branches"
	m = 0
	for (g in lf) keys[++m] = g
	for (i = 2; i <= m; i++) for (j = i; j > 1 && keys[j - 1] > keys[j]; j--) { t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t }
	for (i = 1; i <= m; i++) {
		g = keys[i]
		printf "%-16s %6d/%-6d %8s %7d/%-7d %8s\n", g, lh[g], lf[g], pct(lh[g], lf[g]), bh[g], bf[g], pct(bh[g], bf[g])
		if (g ~ /^hyp\//) { HL += lh[g]; HF += lf[g]; BH += bh[g]; BF += bf[g] }
	}
	printf "%-16s %6d/%-6d %8s %7d/%-7d %8s\n", "hyp (all)", HL, HF, pct(HL, HF), BH, BF, pct(BH, BF)
	printf "hyp lines=%.1f%% branches=%.1f%%\n", HF ? 100 * HL / HF : 0, BF ? 100 * BH / BF : 0
}' "$out/coverage.info" >"$out/table.txt"

# Sources no host test compiles have no gcov data at all: name them rather than let them vanish.
missing=()
while read -r f; do
	grep -q "^SF:\(.*/\)\?$f\$" "$out/coverage.info" || missing+=("$f")
done < <(git ls-files --cached --others --exclude-standard -- 'hyp/*.c')
if [ ${#missing[@]} -gt 0 ]; then
	echo "hyp/ sources no host test compiles (not in the figures): ${missing[*]}"
fi
echo "HTML: $out/index.html"
cat "$out/table.txt"
exit "$rc"
