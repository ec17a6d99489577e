#!/usr/bin/env bash
# Combines the per-test lcov tracefiles listed in --reports_file into one (--output_file).
set -euo pipefail
reports_file= output_file=
for arg in "$@"; do
  case "$arg" in
    --reports_file=*) reports_file=${arg#*=} ;;
    --output_file=*) output_file=${arg#*=} ;;
  esac
done
[ -n "$reports_file" ] && [ -n "$output_file" ] || { echo "coverage_report_generator: missing arguments" >&2; exit 2; }
args=()
while read -r f; do
  # Bazel's baseline files name sources without line data, which lcov rejects as empty.
  grep -q '^DA:' "$f" 2>/dev/null && args+=(-a "$f")
done < "$reports_file"
: > "$output_file"
[ ${#args[@]} -gt 0 ] || exit 0
lcov --quiet --rc lcov_branch_coverage=1 "${args[@]}" --output-file "$output_file" >&2
