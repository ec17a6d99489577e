#!/usr/bin/env bash
# Boots hyp_arm64.bin in QEMU's virt machine at EL2 and shows the console.
# Usage: run.sh [--gic 2|3] [--smp N] [--mem SIZE] [--append "bootargs"] [--stay] [-- extra qemu args]
set -euo pipefail

here=$(dirname "$0")
image=
for c in "${RUNFILES_DIR:-}/halcyon/hyp_arm64.bin" "$here/../../../hyp_arm64.bin" "$0.runfiles/halcyon/hyp_arm64.bin"; do
  if [ -f "$c" ]; then image=$c; break; fi
done
[ -n "$image" ] || { echo "run.sh: hyp_arm64.bin not found (bazel build //:hyp_arm64)" >&2; exit 2; }

gic=3 smp=4 mem=1G append=poweroff_when_idle extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --gic) gic=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --stay) append=; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,3s/^# //p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$gic" in 2|3) ;; *) echo "run.sh: --gic must be 2 or 3" >&2; exit 2 ;; esac

args=(-M "virt,virtualization=on,gic-version=$gic" -cpu cortex-a57 -smp "$smp" -m "$mem"
      -nographic -nic none -kernel "$image")
[ -n "$append" ] && args+=(-append "$append")
echo "+ qemu-system-aarch64 ${args[*]} ${extra[*]}" >&2
exec qemu-system-aarch64 "${args[@]}" "${extra[@]}"
