#!/usr/bin/env bash
# Fetches Debian's Xen 4.17 arm64 hypervisor into the git-ignored .cache/xen-arm64/ and prints the
# path of boot/xen-4.17-arm64. The Xen compatibility tests (tests/xen) and bench/hvc use it when it
# is there and skip Xen otherwise; they never download anything themselves (tests run offline).
# Like setup.sh's libfdt: a private apt state for arm64, so the host's apt configuration, package
# lists and installed architectures stay untouched. Idempotent; needs no root.
set -euo pipefail
top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cache="$top/.cache"
dest="$cache/xen-arm64"
xen="$dest/boot/xen-4.17-arm64"
pkg="xen-hypervisor-4.17-arm64"

if [ ! -f "$xen" ]; then
  work="$cache/apt-arm64"
  mkdir -p "$work/lists/partial" "$work/archives/partial"
  o=(-o APT::Architecture=arm64 -o APT::Architectures=arm64 -o "Dir::State::Lists=$work/lists"
     -o "Dir::Cache=$work" -o Debug::NoLocking=1 -o "APT::Sandbox::User=$(id -un)")
  apt-get "${o[@]}" update -q >&2
  (cd "$work" && rm -f "${pkg}"_*_arm64.deb && apt-get "${o[@]}" download "$pkg" >&2)
  # Unpack beside the destination and rename, so an interrupted run never leaves a half tree that
  # the next run would take for a finished one.
  rm -rf "$dest.tmp" "$dest"
  mkdir -p "$dest.tmp"
  dpkg-deb -x "$work"/"${pkg}"_*_arm64.deb "$dest.tmp"
  mv "$dest.tmp" "$dest"
fi
test -f "$xen"
echo "$xen"
