#!/usr/bin/env bash
# Broken scenarios (tests/sim/bad/*.dts): hypsim must refuse or stop each with a message naming
# what is wrong and where (the node, or dtc's line), and exit with a status, never a signal.
set -u
hypsim=$1
shift
fails=0
expect() { # FILE SUBSTRING
	local f=$1 want=$2 out rc
	out=$("$hypsim" "$f" --until 50ms 2>&1)
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then
		echo "FAIL: $f: exit status $rc (want a refusal, not success or a signal)"
		fails=$((fails + 1))
	elif ! grep -qF -- "$want" <<<"$out"; then
		echo "FAIL: $f: no '$want' in:"
		echo "$out" | tail -5
		fails=$((fails + 1))
	else
		echo "ok: $(basename "$f"): $(grep -F -- "$want" <<<"$out" | head -1)"
	fi
}
for f in "$@"; do
	case $(basename "$f") in
	no_memory.dts) expect "$f" 'no enabled device_type = "memory" node' ;;
	unknown_program.dts) expect "$f" '/chosen/domU1/module@50000000: no sim guest program "no-such-program"' ;;
	module_outside_ram.dts) expect "$f" '/chosen/domU1/module@50000000: reg 0x10000+0x10000 is not inside one RAM bank' ;;
	syntax_error.dts) expect "$f" 'syntax_error.dts:25.4-5 syntax error' ;;
	no_gic.dts) expect "$f" 'the machine needs a GICv2 or GICv3, the tree has none' ;;
	too_many_vcpus.dts) expect "$f" '/chosen/domU1: cpus must be 1..8' ;;
	no_program_reg.dts) expect "$f" '/chosen/domU1/module@50000000: no reg' ;;
	*) echo "FAIL: $f: no expectation for it"; fails=$((fails + 1)) ;;
	esac
done
out=$("$hypsim" /nonexistent.dts 2>&1)
rc=$?
[ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qF '/nonexistent.dts' <<<"$out" || { echo "FAIL: a missing file: $rc $out"; fails=$((fails + 1)); }
printf 'garbage' >"${TEST_TMPDIR:-/tmp}/garbage.dtb"
out=$("$hypsim" "${TEST_TMPDIR:-/tmp}/garbage.dtb" 2>&1)
rc=$?
[ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qF 'not a device tree blob' <<<"$out" || { echo "FAIL: a non-DTB file: $rc $out"; fails=$((fails + 1)); }
[ $fails -eq 0 ] || exit 1
echo "PASS: $# broken scenarios and 2 unreadable files refused with their reasons"
