#!/usr/bin/env bash
# Turns one test's gcov data into an lcov tracefile. Bazel's collect_cc_coverage.sh has already
# put every .gcda next to a copy of its .gcno under --coverage_dir; lcov's geninfo does the rest.
set -euo pipefail
coverage_dir= output_file= filters=()
for arg in "$@"; do
  case "$arg" in
    --coverage_dir=*) coverage_dir=${arg#*=} ;;
    --output_file=*) output_file=${arg#*=} ;;
    --filter_sources=*) filters+=("${arg#*=}") ;;
  esac
done
[ -n "$coverage_dir" ] && [ -n "$output_file" ] || { echo "lcov_merger: missing arguments" >&2; exit 2; }
: > "$output_file"
if ! find "$coverage_dir" -name '*.gcda' -print -quit | grep -q .; then
  exit 0
fi
gcov_opts=(--rc lcov_branch_coverage=1)
lcov --quiet "${gcov_opts[@]}" --capture --directory "$coverage_dir" --base-directory "$PWD" \
  --ignore-errors source,gcov --output-file "$output_file.raw" >&2 || true
[ -s "$output_file.raw" ] || exit 0
# lcov --remove takes globs, Bazel passes regexes of system and external paths: drop those.
lcov --quiet "${gcov_opts[@]}" --remove "$output_file.raw" '/usr/*' '*/external/*' \
  --ignore-errors unused --output-file "$output_file" >&2 || cp "$output_file.raw" "$output_file"
rm -f "$output_file.raw"
# Report sources by workspace path, not by the sandbox they happened to be compiled in.
sed -i -E 's#^SF:.*/execroot/[^/]+/#SF:#' "$output_file"
# Headers seen through strip_include_prefix sit in _virtual_includes symlink farms that the
# sandbox does not hold. Halcyon strips a package's parent (hyp/core/x.h is "core/x.h"), so
# bazel-out/CFG/bin/hyp/core/_virtual_includes/TARGET/core/x.h is hyp/core/x.h.
sed -i -E 's#^SF:bazel-out/[^/]+/bin/(.*/)?([^/]+)/_virtual_includes/[^/]+/\2/#SF:\1\2/#' "$output_file"
