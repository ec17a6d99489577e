/* The first guest: checks its RAM slice behind stage 2 and that an access to an unmapped IPA comes
 * back as a data abort injected by the hypervisor (Xen's behaviour), then shuts down. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/xen.h"

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define EC_DABT_CUR 0x25 /* data abort without a change in exception level */

static int failures;

static void check(bool ok, const char *what)
{
	gl_printf("memtest: %s: %s\n", ok ? "PASS" : "FAIL", what);
	if (!ok)
		failures++;
}

/* The image and the tree sit at the bottom of RAM; patterns start above them. */
static uint64_t pattern_of(uint64_t addr) { return addr * 0x9e3779b97f4a7c15ull ^ 0x5a5a5a5a5a5a5a5aull; }

static void test_patterns(uint64_t from, uint64_t to)
{
	const uint64_t stride = 4096 - 8; /* every page, drifting through each page's offsets */
	unsigned bad = 0, n = 0;

	for (uint64_t a = from; a + 8 <= to; a += stride)
		gl_write64(a, pattern_of(a));
	for (uint64_t a = from; a + 8 <= to; a += stride, n++)
		bad += gl_read64(a) != pattern_of(a);
	gl_printf("memtest: %u words across %llu KiB, %u mismatches\n", n, (unsigned long long)(to - from) >> 10, bad);
	check(n > 0 && bad == 0, "RAM keeps written patterns");
}

static void test_unmapped_access(uint64_t hole)
{
	struct gl_abort ab = { 0 };

	gl_catch_aborts(&ab);
	uint32_t v = gl_read32(hole);
	gl_catch_aborts(NULL);
	gl_printf("memtest: read %#llx: abort %s, ESR_EL1 %#llx, FAR_EL1 %#llx, value %u\n", (unsigned long long)hole,
		  ab.taken ? "taken" : "not taken", (unsigned long long)ab.esr, (unsigned long long)ab.far, v);
	check(ab.taken && ESR_EC(ab.esr) == EC_DABT_CUR, "unmapped IPA load gives a data abort");
	check(ab.taken && ab.far == hole, "FAR_EL1 holds the faulting address");
}

void guest_main(const void *fdt)
{
	uint64_t base, size;

	if (!fdt || fdt_check_header(fdt) || !gl_ram_bank(fdt, &base, &size)) {
		gl_printf("memtest: FAIL: no usable device tree\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	gl_printf("memtest: RAM %#llx-%#llx\n", (unsigned long long)base, (unsigned long long)(base + size - 1));
	/* Leave the first 2 MiB alone: the image and the device tree live there. */
	test_patterns(base + (2u << 20), base + size);
	test_unmapped_access(base + size + 0x1000);
	gl_printf("memtest: %s\n", failures ? "FAILED" : "all passed");
	gl_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
