# check_block FILE: the PV block scenario's verdicts (hal/sim/scenarios/pvblock.dts on the sim,
# block_qemu.sh on QEMU): the driver domain d1 found its 256 KiB RAM disk and the frontend d2's vbd,
# they connected once, the backend refused the frontend's 8 malformed requests (6 rejected by its
# checks, 2 by the hypervisor's grant copy: no grant, a read-only one written) without touching the
# disk, all 256 writes were acknowledged, every read on the way and the final read-back of the 64
# blocks equal the log of acknowledged writes, and every domain ended cleanly.
# Sourced by scripts that define fail().
check_block() {
	local f=$1
	for line in '(d1) blkback: serving a 256 KiB RAM disk at 0x20000000' \
		'(d1) blkback: d2 vbd 0: 512 sectors, frontend /local/domain/2/device/vbd/0' \
		'(d2) blkfront: connected to backend d1 (/local/domain/1/backend/vbd/2/0), 0 requests reissued' \
		'(d2) blkfront: PASS: the backend refused all 8 malformed requests' \
		'(d0) pvdom0: frontend and driver domain gone: done'; do
		grep -qxF -- "$line" "$f" || fail "$f: no line '$line'"
	done
	grep -qE '^\(d2\) blkfront: PASS: 64 blocks read back equal the log of 256 acknowledged writes \([0-9]+ reads checked on the way, 1 connections, 0 requests reissued\)$' "$f" ||
		fail "$f: the frontend did not pass"
	grep -qE '^\(d1\) blkback: d2 vbd 0 disconnected after [0-9]+ reads, 256 writes, 6 bad requests, 2 failed$' "$f" ||
		fail "$f: the backend's counts"
	grep -qE '^\(d1\) blkback: every frontend closed, [0-9]+ requests served: done$' "$f" || fail "$f: backend did not finish"
	! grep -q 'FAIL' "$f" || fail "$f: a guest check failed"
}
