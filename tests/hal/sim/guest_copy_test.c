/* lib/guest.h's bulk copies and compare-and-swap on a sim vCPU (guests/lib/sim/copy.c), against a
 * fake core: a copy crossing two guest pages that lie apart and in reverse order in the host lands
 * in both, and a copy running into a stage-2 hole faults there, as the architecture would, with
 * the bytes before the hole copied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guest_fixture.h"
#include "guests/lib/sim/runtime.h"
#include "public/xen.h"

#define EC(esr) ((unsigned)((esr) >> 26) & 0x3f)
#define PAGE_A  0x41000000ull /* L3-mapped to RAM offset 8 MiB */
#define PAGE_B  0x41001000ull /* ... to RAM offset 6 MiB: below A in the host */
#define HOLE    0x41002000ull /* no L3 entry: a stage-2 translation fault */
#define OFF_A   0x800000ull
#define OFF_B   0x600000ull

static int64_t shutdown_reason;
static unsigned aborts;
static uint8_t got[48];
static struct gl_abort abort_seen;
static uint32_t cas[4];
static uint8_t end_a[16], start_b[16]; /* the host's view of both pages at shutdown */

static bool fake_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	switch (EC(e->esr)) {
	case 0x16:
		/* Only sched_op shutdown matters here; the reason is in guest RAM (the bounce page). */
		if (c->x[16] == __HYPERVISOR_sched_op && c->x[0] == SCHEDOP_shutdown) {
			uint32_t reason;
			memcpy(&reason, fix_guest_ram(c->x[1]), sizeof(reason));
			shutdown_reason = reason;
			memcpy(end_a, (uint8_t *)fix_guest_ram(FIX_IPA + OFF_A) + 0xff0, sizeof(end_a));
			memcpy(start_b, fix_guest_ram(FIX_IPA + OFF_B), sizeof(start_b));
			return false;
		}
		c->x[0] = 0;
		return true;
	case 0x24:
		aborts++;
		fix_inject_dabt(c, e->far);
		return true;
	default: return false;
	}
}

static void copy_main(const void *fdt)
{
	uint8_t pat[32];

	(void)fdt;
	for (unsigned i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(0xa0 + i);
	gl_copy_to(PAGE_A + 0xff0, pat, sizeof(pat));
	gl_copy_from(PAGE_A + 0xff0, got, sizeof(pat));
	gl_catch_aborts(&abort_seen);
	memset(got + 32, 0xee, 16);
	gl_copy_from(PAGE_B + 0xff8, got + 32, 16); /* 8 bytes of B, then 8 in the hole */
	gl_catch_aborts(NULL);
	gl_write32(PAGE_A, 5);
	cas[0] = gl_cmpxchg32(PAGE_A, 5, 9);
	cas[1] = gl_read32(PAGE_A);
	cas[2] = gl_cmpxchg32(PAGE_A, 5, 11);
	cas[3] = gl_read32(PAGE_A);
	gl_mb();
	gl_shutdown(SHUTDOWN_poweroff);
}

static void copy_entry(uint64_t image, uint64_t x0) { gl_sim_start(copy_main, image, x0); }

static void prepare(void)
{
	fix_s2_page(PAGE_A, FIX_GUEST_PA + OFF_A);
	fix_s2_page(PAGE_B, FIX_GUEST_PA + OFF_B);
	memset(fix_guest_ram(FIX_IPA + OFF_B + 0xff8), 0x5c, 8);
}

static void test_copies_cross_scattered_pages_and_fault_at_a_hole(void **state)
{
	static const struct sim_program copy[] = { { "copy", copy_entry } };
	struct sim_result r;

	(void)state;
	fix_reset(copy, 1);
	harness_plat.mem[0].size = 64ull << 20;
	shutdown_reason = -1;
	aborts = 0;
	fix.blocks = 8;
	fix.program = "copy";
	fix.prepare = prepare;
	fix.handle = fake_core;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(shutdown_reason, SHUTDOWN_poweroff);

	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(end_a[i], 0xa0 + i);        /* the end of page A */
		assert_int_equal(start_b[i], 0xa0 + 16 + i); /* the start of page B, elsewhere in the host */
		assert_int_equal(got[i], 0xa0 + i);
		assert_int_equal(got[16 + i], 0xa0 + 16 + i);
	}
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(got[32 + i], 0x5c); /* before the hole */
		assert_int_equal(got[40 + i], 0);    /* in it: each byte's load aborted and read 0 */
	}
	assert_true(abort_seen.taken);
	assert_int_equal(abort_seen.far, HOLE); /* the first byte of the hole */
	assert_int_equal(aborts, 8);
	assert_int_equal(cas[0], 5);
	assert_int_equal(cas[1], 9);
	assert_int_equal(cas[2], 9); /* the old value no longer matched: unchanged */
	assert_int_equal(cas[3], 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copies_cross_scattered_pages_and_fault_at_a_hole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
