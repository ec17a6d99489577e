#!/usr/bin/env bash
# Fails when any C, header or assembly-free source file drifts from .clang-format.
# The check reads the real source tree (found through this script's own symlink), so it is tagged
# "external" in BUILD and never served from Bazel's cache.
set -euo pipefail
self=$(readlink -f "${BASH_SOURCE[0]}")
top=$(cd "$(dirname "$self")/../.." && pwd)
cd "$top"
[ -f .clang-format ] || { echo "check_format: no .clang-format at $top" >&2; exit 1; }

if [ -d .git ] && command -v git >/dev/null; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.c' '*.h')
else
  mapfile -t files < <(find . -path ./.cache -prune -o -path './bazel-*' -prune -o \( -name '*.c' -o -name '*.h' \) -print)
fi
[ ${#files[@]} -gt 0 ] || { echo "check_format: no sources found under $top" >&2; exit 1; }

bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! clang-format --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f   (fix: clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
echo "checked ${#files[@]} files, $bad not formatted"
[ "$bad" -eq 0 ]
