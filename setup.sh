#!/usr/bin/env bash
# Installs what Halcyon's build, tests, fuzzing and QEMU runs need on Debian 12, and fetches the
# arm64 libfdt.a into a git-ignored cache. Idempotent; run as root or through sudo.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cache="$top/.cache"

packages=(
  bazel-bootstrap gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm
  device-tree-compiler libfdt-dev libcmocka-dev afl++ clang lcov clang-format valgrind
  python3 ca-certificates gdb-multiarch
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
apt_get() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_get update -q
  apt_get install -y -q --no-install-recommends "${missing[@]}"
fi

# The arm64 libfdt.a for the EL2 image. Debian's libfdt-dev is not multi-arch co-installable, so
# download the arm64 .deb with a private apt state instead of adding an architecture.
fdt_dir="$cache/libfdt-arm64"
if [ ! -f "$fdt_dir/usr/lib/aarch64-linux-gnu/libfdt.a" ]; then
  work="$cache/apt-arm64"
  mkdir -p "$work/lists/partial" "$work/archives/partial"
  o=(-o APT::Architecture=arm64 -o APT::Architectures=arm64 -o "Dir::State::Lists=$work/lists"
     -o "Dir::Cache=$work" -o Debug::NoLocking=1 -o "APT::Sandbox::User=$(id -un)")
  apt-get "${o[@]}" update -q
  (cd "$work" && rm -f libfdt-dev_*_arm64.deb && apt-get "${o[@]}" download libfdt-dev)
  rm -rf "$fdt_dir"
  mkdir -p "$fdt_dir"
  dpkg-deb -x "$work"/libfdt-dev_*_arm64.deb "$fdt_dir"
fi
test -f "$fdt_dir/usr/lib/aarch64-linux-gnu/libfdt.a"

# Debian's Xen 4.17 for arm64: the anchor the compatibility tests (tests/xen) and benchmarks
# compare against. Optional: without it those tests print SKIP.
"$top/tests/xen/fetch_xen.sh" >/dev/null || echo "setup: Xen 4.17 not fetched; tests/xen will skip" >&2
# Debian's arm64 Linux 6.1 and busybox for the Dom0 boot tests (tests/linux); optional likewise.
"$top/tests/linux/fetch.sh" >/dev/null || echo "setup: Linux packages not fetched; tests/linux will skip" >&2
echo "setup: ok (arm64 libfdt at $fdt_dir)"
