#!/bin/bash
# A short, deterministic libFuzzer run of one harness for CI: smoke_test.sh BINARY DICT RUNS CORPUS_FILE...
# Fixed seed and a fixed number of inputs (RUNS; FUZZ_SMOKE_RUNS overrides it), so the same tree gives
# the same verdict; fails on any crash, sanitizer report, leak or timeout. Crash inputs are kept
# in the test's undeclared outputs (bazel-testlogs/.../test.outputs).
set -euo pipefail
bin=$1 dict=$2 runs=${FUZZ_SMOKE_RUNS:-$3}
shift 3
work=${TEST_TMPDIR:-$(mktemp -d)}/corpus
art=${TEST_UNDECLARED_OUTPUTS_DIR:-$work/..}/
mkdir -p "$work"
cp "$@" "$work/"
"$bin" -seed=1 -runs="$runs" -dict="$dict" -timeout=10 -max_len=16384 -artifact_prefix="$art" \
	-print_final_stats=1 "$work" 2>&1 | grep -a -v '^#[0-9]' || true
# libFuzzer's status is lost in the pipe: its artifacts are the verdict.
if ls "$art" | grep -q -E '^(crash|leak|timeout|oom)-'; then
	echo "smoke_test: the fuzzer saved $(ls "$art" | grep -E '^(crash|leak|timeout|oom)-' | tr '\n' ' ')" >&2
	exit 1
fi
