#!/usr/bin/env bash
# Fetches Debian 12's arm64 Linux 6.1 kernel (linux-image-*-arm64-unsigned) and busybox-static into
# the git-ignored .cache/linux-arm64/ and builds the Dom0 test initramfs there. Prints the cache dir.
# Like tests/xen/fetch_xen.sh: a private apt state for arm64, so the host's apt configuration,
# package lists and architectures stay untouched. Idempotent; needs no root. Tests never call it
# (they run offline) and skip when its results are absent.
# Results: .cache/linux-arm64/Image (the kernel's vmlinuz, an uncompressed arm64 Image),
#          .cache/linux-arm64/initrd.cpio.gz, .cache/linux-arm64/version.
set -euo pipefail
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
top=$(cd "$here/../.." && pwd)
cache="$top/.cache"
dest="$cache/linux-arm64"
work="$cache/apt-arm64"
o=(-o APT::Architecture=arm64 -o APT::Architectures=arm64 -o "Dir::State::Lists=$work/lists"
   -o "Dir::Cache=$work" -o Debug::NoLocking=1 -o "APT::Sandbox::User=$(id -un)")

# The initramfs depends on init.sh and mkinitrd.py too: rebuild it when they change.
stamp=$(cat "$here/init.sh" "$here/mkinitrd.py" | sha256sum | cut -c1-16)
if [ -f "$dest/Image" ] && [ -f "$dest/initrd.cpio.gz" ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$dest"
	exit 0
fi

mkdir -p "$work/lists/partial" "$work/archives/partial"
if [ ! -f "$dest/pkgs/kernel.deb" ] || [ ! -f "$dest/pkgs/busybox.deb" ]; then
	apt-get "${o[@]}" update -q >&2
	# The kernel linux-image-arm64 (bookworm's 6.1 metapackage) points at, in its unsigned build.
	signed=$(apt-cache "${o[@]}" show linux-image-arm64 | sed -n 's/^Depends: .*\(linux-image-6\.1\.[^ ,]*-arm64\).*/\1/p' | head -1)
	[ -n "$signed" ] || { echo "fetch.sh: linux-image-arm64 names no 6.1 kernel" >&2; exit 1; }
	kpkg="$signed-unsigned"
	rm -rf "$dest.pkgs"
	mkdir -p "$dest.pkgs"
	(cd "$dest.pkgs" && apt-get "${o[@]}" download "$kpkg" busybox-static >&2)
	mv "$dest.pkgs"/linux-image-*_arm64.deb "$dest.pkgs/kernel.deb"
	mv "$dest.pkgs"/busybox-static_*_arm64.deb "$dest.pkgs/busybox.deb"
	rm -rf "$dest"
	mkdir -p "$dest"
	mv "$dest.pkgs" "$dest/pkgs"
fi

# Unpack beside the destination and rename, so an interrupted run is never taken for a finished one.
rm -rf "$dest/tree.tmp" "$dest/tree"
mkdir -p "$dest/tree.tmp"
dpkg-deb -x "$dest/pkgs/kernel.deb" "$dest/tree.tmp"
dpkg-deb -x "$dest/pkgs/busybox.deb" "$dest/tree.tmp"
mv "$dest/tree.tmp" "$dest/tree"
kver=$(ls "$dest/tree/lib/modules" | head -1)
cp "$dest/tree/boot/vmlinuz-$kver" "$dest/Image"
python3 "$here/mkinitrd.py" "$dest/tree" "$kver" "$here/init.sh" "$dest/initrd.cpio.gz.tmp" >&2
mv "$dest/initrd.cpio.gz.tmp" "$dest/initrd.cpio.gz"
echo "$kver" >"$dest/version"
rm -rf "$dest/tree"
echo "$stamp" >"$dest/stamp"
echo "$dest"
