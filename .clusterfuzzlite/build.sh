#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: every harness's libFuzzer flavour compiled with the service's
# $CC, $CFLAGS and $LIB_FUZZING_ENGINE (toolchains/fuzz.bzl takes them as FUZZ_CC, FUZZ_CFLAGS and
# FUZZ_ENGINE), with its seed corpus and dictionary, into $OUT. Run from the source root ($SRC/halcyon
# in the builder image); also runs on a workstation with those four variables set.
cd "$(dirname "$0")/.."
harnesses=$(ls fuzz/corpus)
targets=()
for h in $harnesses; do targets+=("//fuzz:${h}_libfuzzer"); done
bazel build --noshow_progress \
	--action_env=FUZZ_CC="$CC" --action_env=FUZZ_CFLAGS="$CFLAGS" \
	--action_env=FUZZ_ENGINE="$LIB_FUZZING_ENGINE" "${targets[@]}"
bin=$(bazel info bazel-bin 2>/dev/null)/fuzz
for h in $harnesses; do
	install -m 755 "$bin/${h}_libfuzzer.bin" "$OUT/$h"
	rm -f "$OUT/${h}_seed_corpus.zip"
	(cd "fuzz/corpus/$h" && zip -q -j "$OUT/${h}_seed_corpus.zip" ./*)
	cp "fuzz/dict/$h.dict" "$OUT/$h.dict"
done
