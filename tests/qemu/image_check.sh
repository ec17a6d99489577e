#!/bin/bash
# Static checks of //:hyp_arm64 that no boot would pinpoint: the arm64 Image header (so loaders
# pass the DTB in x0 and reserve .bss), an aarch64 ELF, relocations start.S can apply, VBAR alignment.
set -u

dir="${TEST_SRCDIR}/${TEST_WORKSPACE}"
bin="$dir/hyp_arm64.bin"
elf="$dir/hyp_arm64.elf"
errors=0

check() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $2"
	else
		echo "FAIL: $1 is '$2', expected '$3'"
		errors=$((errors + 1))
	fi
}

le64() {
	od -An -t u8 -j "$1" -N 8 "$bin" | tr -d ' '
}

sym() {
	aarch64-linux-gnu-nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'
}

check "magic at offset 56" "$(dd if="$bin" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')" 'ARMd'
# code0 must be an unconditional branch (B: bits 31:26 = 000101).
check "code0 is B" "$(($(od -An -t u4 -N 4 "$bin") >> 26))" 5
check "text_offset" "$(le64 8)" 0
check "flags (LE, 4 KiB pages, anywhere)" "$(le64 24)" 10
check "image_size (covers .bss)" "$(le64 16)" "$((16#$(sym _end)))"
size=$(stat -Lc %s "$bin")
[ "$(le64 16)" -ge "$size" ] || check "image_size >= file size" "$(le64 16)" ">= $size"

check "ELF machine" "$(aarch64-linux-gnu-readelf -h "$elf" | awk -F: '/Machine/ { gsub(/ /, "", $2); print $2 }')" AArch64
check "ELF type" "$(aarch64-linux-gnu-readelf -h "$elf" | awk '/Type:/ { print $2 }')" DYN
check "relocation types other than RELATIVE" \
	"$(aarch64-linux-gnu-readelf -rW "$elf" | awk '/^[0-9a-f]+ / && $3 != "R_AARCH64_RELATIVE"' | wc -l)" 0
check "_start at offset 0" "$((16#$(sym _start)))" 0
check "vec_table 2 KiB aligned" "$((16#$(sym vec_table) % 2048))" 0
check "_etext page aligned" "$((16#$(sym _etext) % 4096))" 0

echo "image: $size bytes in the file, $(le64 16) bytes loaded with .bss"
[ $errors -eq 0 ]
