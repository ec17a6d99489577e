#!/bin/bash
# Static checks of //:hyp_arm64 and the bare-metal guest images that no boot would pinpoint: the
# arm64 Image header (so loaders pass the DTB in x0 and reserve .bss), an aarch64 position-independent
# ELF, relocations start.S can apply, VBAR alignment, and no FP/SIMD code reachable in the hypervisor.
set -u

dir="${TEST_SRCDIR}/${TEST_WORKSPACE}"
errors=0

check() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $2"
	else
		echo "FAIL: $1 is '$2', expected '$3'"
		errors=$((errors + 1))
	fi
}

# check_image NAME BIN ELF VECTORS_SYMBOL
check_image() {
	local name=$1 bin=$2 elf=$3 vectors=$4
	le64() { od -An -t u8 -j "$1" -N 8 "$bin" | tr -d ' '; }
	sym() { aarch64-linux-gnu-nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }

	echo "== $name"
	check "magic at offset 56" "$(dd if="$bin" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')" 'ARMd'
	# code0 must be an unconditional branch (B: bits 31:26 = 000101).
	check "code0 is B" "$(($(od -An -t u4 -N 4 "$bin") >> 26))" 5
	check "text_offset" "$(le64 8)" 0
	check "flags (LE, 4 KiB pages, anywhere)" "$(le64 24)" 10
	check "image_size (covers .bss)" "$(le64 16)" "$((16#$(sym _end)))"
	local size
	size=$(stat -Lc %s "$bin")
	[ "$(le64 16)" -ge "$size" ] || check "image_size >= file size" "$(le64 16)" ">= $size"
	check "ELF machine" "$(aarch64-linux-gnu-readelf -h "$elf" | awk -F: '/Machine/ { gsub(/ /, "", $2); print $2 }')" AArch64
	check "ELF type" "$(aarch64-linux-gnu-readelf -h "$elf" | awk '/Type:/ { print $2 }')" DYN
	check "relocation types other than RELATIVE" \
		"$(aarch64-linux-gnu-readelf -rW "$elf" | awk '/^[0-9a-f]+ / && $3 != "R_AARCH64_RELATIVE"' | wc -l)" 0
	check "_start at offset 0" "$((16#$(sym _start)))" 0
	check "$vectors 2 KiB aligned" "$((16#$(sym "$vectors") % 2048))" 0
	echo "image: $size bytes in the file, $(le64 16) bytes loaded with .bss"
}

# Functions outside libfdt that reach, by direct calls, code using FP/SIMD registers other than
# hal/real/fp.S. A guest's FP/SIMD state stays in the registers while the hypervisor runs (it is
# switched lazily), so such code would corrupt it. Debian's libfdt.a has three such functions
# (fdt_open_into, fdt_appendprop_addrrange, fdt_splice_mem_rsv_); the core must not call them.
fp_reachers() {
	aarch64-linux-gnu-objdump -d --no-show-raw-insn "$1" | awk -F'\t' '
		/^[0-9a-f]+ <.*>:$/ { fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn); next }
		NF < 3 { next }
		$2 ~ /^(b|bl)$/ && match($3, /<[^>+]+/) {
			callee = substr($3, RSTART + 1, RLENGTH - 1)
			if (callee != fn) calls[fn, callee] = 1
			next
		}
		$2 !~ /^(b\..*|cbn?z|tbn?z)$/ {
			ops = $3; sub(/[ \t]*(\/\/|<).*$/, "", ops)
			if (ops ~ /(^|[ ,[{])[qdshbv]([0-9]|[12][0-9]|3[01])(\.[0-9]*[bhsdq])?([],} ]|$)/ && fn !~ /^fp_(save|load)$/)
				bad[fn] = 1
		}
		END {
			do {
				grew = 0
				for (k in calls) {
					split(k, p, SUBSEP)
					if ((p[2] in bad) && !(p[1] in bad)) { bad[p[1]] = 1; grew = 1 }
				}
			} while (grew)
			for (f in bad) if (f !~ /^(fdt|_fdt|overlay)_/) print f
		}' | sort | tr '\n' ' '
}

check_image hyp_arm64 "$dir/hyp_arm64.bin" "$dir/hyp_arm64.elf" vec_table
check "_etext page aligned" "$((16#$(aarch64-linux-gnu-nm "$dir/hyp_arm64.elf" | awk '$3 == "_etext" { print $1 }') % 4096))" 0
check "hypervisor code reaching FP/SIMD code" "$(fp_reachers "$dir/hyp_arm64.elf")" ""
check_image memtest_arm64 "$dir/guests/memtest/memtest_arm64.bin" "$dir/guests/memtest/memtest_arm64.elf" gl_vectors

[ $errors -eq 0 ]
