#!/usr/bin/env bash
# bazel run //:qemu_debug [-- demo options]: the demo's QEMU boot (//:demo: hyp_arm64.bin with Dom0
# and two DomUs) with QEMU's gdbstub on tcp::1234 and the CPUs held at reset (-s -S). Prints the
# gdb-multiarch command that attaches with the image's symbols, then runs QEMU in the foreground.
set -euo pipefail
runfiles=${RUNFILES_DIR:-$0.runfiles}
find_file() {
  for c in "$runfiles/halcyon/$1" "$(dirname "$0")/../$1"; do
    [ -f "$c" ] && { echo "$c"; return; }
  done
  echo "qemu_debug: $1 not found (bazel build //:qemu_debug)" >&2
  exit 2
}
run=$(find_file hal/real/qemu/run.sh)
elf=$(readlink -f "$(find_file hyp_arm64.elf)")
image=$(find_file hyp_arm64.bin)
# QEMU loads an arm64 Image at RAM (0x40000000) + text_offset, plus 2 MiB when that is below 4 KiB;
# the ELF is linked at 0, so gdb takes its symbols at that offset.
text_offset=$(od -A n -t u8 -j 8 -N 8 "$image" | tr -d ' ')
[ "$text_offset" -lt 4096 ] && text_offset=$((text_offset + 0x200000))
load=$(printf '%#x' $((0x40000000 + text_offset)))
gdb=gdb-multiarch
command -v gdb-multiarch >/dev/null || gdb="gdb-multiarch (apt-get install gdb-multiarch; ./setup.sh lists it)"
cat >&2 <<MSG
qemu_debug: QEMU waits for a debugger on localhost:1234 (quit QEMU with Ctrl-A X). In another shell:

  $gdb -q -ex 'add-symbol-file $elf -o $load' \\
      -ex 'target remote localhost:1234' -ex 'hbreak hyp_start' -ex continue

The image runs at $load at EL2 with the core's and hal/real's symbols (hyp_start, run_cpu,
trap_handle, vgic_flush, ...); hardware breakpoints (hbreak) work from the first instruction.
MSG
exec "$run" "$@" -- -s -S
