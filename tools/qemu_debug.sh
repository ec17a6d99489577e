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
gdb=gdb-multiarch
command -v gdb-multiarch >/dev/null || gdb="gdb-multiarch (apt-get install gdb-multiarch; ./setup.sh lists it)"
cat >&2 <<MSG
qemu_debug: QEMU waits for a debugger on localhost:1234 (quit QEMU with Ctrl-A X). In another shell:

  $gdb -q $elf \\
      -ex 'target remote localhost:1234' -ex 'break hyp_start' -ex continue

The CPUs start at the image's entry at EL2; symbols are the core's and hal/real's (hyp_start,
trap_handle, vgic_flush, ...). Software breakpoints work once the MMU maps text; use hbreak before.
MSG
exec "$run" "$@" -- -s -S
