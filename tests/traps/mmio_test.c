/* mmio_register / mmio_handle: stage-2 data aborts decoded from crafted ESR_EL2 syndromes into one
 * access to an emulated region, the result written back as the load instruction would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "public/errno.h"
#include "traps/esr.h"
#include "traps/mmio.h"

#define BASE  0x03001000ull
#define PC    0x40080000ull
#define VBAR  0x40100000ull
#define FAR_V 0xffff000012345678ull

static struct domain dom;
static struct vcpu vc;
static struct {
	unsigned calls;
	uint64_t offset;
	unsigned size;
	bool write;
	uint64_t val;
	uint64_t reply;
	int rc;
	void *priv;
} dev;

void domain_shutdown(struct domain *d, unsigned reason)
{
	(void)d;
	(void)reason;
	fail_msg("no MMIO access may crash the domain here");
}

static int device(struct vcpu *v, uint64_t offset, unsigned size, bool write, uint64_t *val, void *priv)
{
	assert_ptr_equal(v, &vc);
	dev.calls++;
	dev.offset = offset;
	dev.size = size;
	dev.write = write;
	dev.priv = priv;
	if (write)
		dev.val = *val;
	else
		*val = dev.reply;
	return dev.rc;
}

static int setup(void **state)
{
	(void)state;
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	memset(&dev, 0, sizeof(dev));
	vc.dom = &dom;
	vc.ctx.pc = PC;
	vc.ctx.pstate = 0x3c5;
	vc.ctx.el1.vbar = VBAR;
	assert_int_equal(mmio_register(&dom, ipa_init(BASE), 0x1000, device, &dev), 0);
	return 0;
}

/* A data abort syndrome as the hardware reports a single load or store with a valid ISS. */
static uint64_t dabt(unsigned sas, bool sse, unsigned srt, bool sf, bool wnr)
{
	return (uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT | ESR_IL | 1u << 24 | sas << 22 | (sse ? 1u << 21 : 0) |
	       srt << 16 | (sf ? 1u << 15 : 0) | (wnr ? 1u << 6 : 0) | 0x07; /* level-3 translation fault */
}

static bool access(uint64_t ipa, uint64_t esr) { return mmio_handle(&vc, ipa_init(ipa), esr, FAR_V); }

static void assert_abort_injected(void)
{
	assert_int_equal(vc.ctx.pc, VBAR + 0x200); /* current EL with SP_ELx, sync */
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_DABT_CUR);
	assert_int_equal(vc.ctx.el1.far, FAR_V);
	assert_int_equal(vc.ctx.el1.elr, PC);
}

static void test_mmio_word_load_fills_wt_and_advances_pc(void **state)
{
	(void)state;
	dev.reply = 0xdeadbeefcafef00dull;
	vc.ctx.x[3] = 0x1111111111111111ull;
	assert_true(access(BASE + 0x10, dabt(2, false, 3, false, false)));
	assert_int_equal(dev.calls, 1);
	assert_int_equal(dev.offset, 0x10);
	assert_int_equal(dev.size, 4);
	assert_false(dev.write);
	assert_ptr_equal(dev.priv, &dev);
	assert_int_equal(vc.ctx.x[3], 0xcafef00d); /* truncated to the access, upper half zero */
	assert_int_equal(vc.ctx.pc, PC + 4);
}

static void test_mmio_doubleword_load_fills_xt(void **state)
{
	(void)state;
	dev.reply = 0xdeadbeefcafef00dull;
	assert_true(access(BASE + 0x18, dabt(3, false, 7, true, false)));
	assert_int_equal(dev.size, 8);
	assert_int_equal(vc.ctx.x[7], 0xdeadbeefcafef00dull);
}

static void test_mmio_ldrsb_into_x_register_sign_extends_to_64_bits(void **state)
{
	(void)state;
	dev.reply = 0x80;
	assert_true(access(BASE + 1, dabt(0, true, 0, true, false)));
	assert_int_equal(dev.size, 1);
	assert_int_equal(vc.ctx.x[0], 0xffffffffffffff80ull);
}

static void test_mmio_ldrsh_into_w_register_sign_extends_to_32_bits_only(void **state)
{
	(void)state;
	dev.reply = 0x8001;
	assert_true(access(BASE + 2, dabt(1, true, 1, false, false)));
	assert_int_equal(dev.size, 2);
	assert_int_equal(vc.ctx.x[1], 0xffff8001ull);
}

static void test_mmio_ldrsb_of_a_positive_byte_zero_extends(void **state)
{
	(void)state;
	dev.reply = 0x17f; /* the device returned more than asked: only the byte counts */
	assert_true(access(BASE, dabt(0, true, 2, true, false)));
	assert_int_equal(vc.ctx.x[2], 0x7f);
}

static void test_mmio_store_passes_value_truncated_to_size(void **state)
{
	(void)state;
	vc.ctx.x[5] = 0x0123456789abcdefull;
	assert_true(access(BASE + 0x100, dabt(1, false, 5, false, true)));
	assert_true(dev.write);
	assert_int_equal(dev.size, 2);
	assert_int_equal(dev.val, 0xcdef);
	assert_int_equal(vc.ctx.x[5], 0x0123456789abcdefull);
	assert_int_equal(vc.ctx.pc, PC + 4);
}

static void test_mmio_store_from_register_31_writes_zero(void **state)
{
	(void)state;
	vc.ctx.x[30] = ~0ull;
	assert_true(access(BASE + 0x100, dabt(2, false, 31, false, true)));
	assert_int_equal(dev.val, 0);
}

static void test_mmio_load_into_register_31_discards_the_value(void **state)
{
	(void)state;
	dev.reply = 0x55;
	vc.ctx.x[30] = 0x1234;
	assert_true(access(BASE, dabt(2, false, 31, false, false)));
	assert_int_equal(dev.calls, 1);
	assert_int_equal(vc.ctx.x[30], 0x1234);
	assert_int_equal(vc.ctx.pc, PC + 4);
}

static void test_mmio_16bit_instruction_advances_pc_by_two(void **state)
{
	(void)state;
	assert_true(access(BASE, dabt(2, false, 0, false, false) & ~ESR_IL));
	assert_int_equal(vc.ctx.pc, PC + 2);
}

static void test_mmio_without_isv_injects_abort_and_skips_device(void **state)
{
	(void)state;
	assert_true(access(BASE + 8, dabt(3, false, 0, true, false) & ~(1ull << 24)));
	assert_int_equal(dev.calls, 0);
	assert_abort_injected();
}

static void test_mmio_access_crossing_region_end_injects_abort(void **state)
{
	(void)state;
	assert_true(access(BASE + 0xffc, dabt(3, false, 0, true, false)));
	assert_int_equal(dev.calls, 0);
	assert_abort_injected();
}

static void test_mmio_last_word_of_region_is_emulated(void **state)
{
	(void)state;
	assert_true(access(BASE + 0xffc, dabt(2, false, 0, false, false)));
	assert_int_equal(dev.calls, 1);
	assert_int_equal(dev.offset, 0xffc);
}

static void test_mmio_stage1_walk_into_region_injects_abort(void **state)
{
	(void)state;
	assert_true(access(BASE, dabt(3, false, 0, true, false) | 1u << 7));
	assert_int_equal(dev.calls, 0);
	assert_abort_injected();
}

static void test_mmio_cache_maintenance_is_skipped_without_device_access(void **state)
{
	(void)state;
	assert_true(access(BASE, dabt(0, false, 0, false, true) | 1u << 8));
	assert_int_equal(dev.calls, 0);
	assert_int_equal(vc.ctx.pc, PC + 4);
}

static void test_mmio_device_error_injects_abort_and_leaves_register(void **state)
{
	(void)state;
	dev.rc = -1;
	dev.reply = 0x99;
	vc.ctx.x[4] = 0x4444;
	assert_true(access(BASE, dabt(2, false, 4, false, false)));
	assert_int_equal(vc.ctx.x[4], 0x4444);
	assert_abort_injected();
}

static void test_mmio_outside_every_region_is_not_claimed(void **state)
{
	(void)state;
	assert_false(access(BASE - 1, dabt(0, false, 0, false, false)));
	assert_false(access(BASE + 0x1000, dabt(0, false, 0, false, false)));
	assert_int_equal(dev.calls, 0);
	assert_int_equal(vc.ctx.pc, PC);
}

static void test_mmio_second_region_gets_its_own_accesses(void **state)
{
	(void)state;
	static int other;
	assert_int_equal(mmio_register(&dom, ipa_init(0x03020000), 0x20000, device, &other), 0);
	assert_true(access(0x03020000 + 0x10080, dabt(2, false, 0, false, false)));
	assert_ptr_equal(dev.priv, &other);
	assert_int_equal(dev.offset, 0x10080);
}

static void test_mmio_register_rejects_overlap_empty_and_wrapping_ranges(void **state)
{
	(void)state;
	assert_int_equal(mmio_register(&dom, ipa_init(BASE + 0xfff), 0x10, device, NULL), -XEN_EINVAL);
	assert_int_equal(mmio_register(&dom, ipa_init(BASE - 0x10), 0x11, device, NULL), -XEN_EINVAL);
	assert_int_equal(mmio_register(&dom, ipa_init(0x9000000), 0, device, NULL), -XEN_EINVAL);
	assert_int_equal(mmio_register(&dom, ipa_init(~0ull - 0xfff), 0x2000, device, NULL), -XEN_EINVAL);
	assert_int_equal(mmio_register(&dom, ipa_init(0x9000000), 0x1000, NULL, NULL), -XEN_EINVAL);
	assert_int_equal(mmio_register(&dom, ipa_init(BASE + 0x1000), 0x1000, device, NULL), 0); /* adjacent */
}

static void test_mmio_register_table_full_returns_enospc(void **state)
{
	(void)state;
	for (unsigned i = 1; i < DOMAIN_MMIO_MAX; i++)
		assert_int_equal(mmio_register(&dom, ipa_init(0x10000000 + i * 0x1000ull), 0x1000, device, NULL), 0);
	assert_int_equal(mmio_register(&dom, ipa_init(0x20000000), 0x1000, device, NULL), -XEN_ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mmio_word_load_fills_wt_and_advances_pc, setup),
		cmocka_unit_test_setup(test_mmio_doubleword_load_fills_xt, setup),
		cmocka_unit_test_setup(test_mmio_ldrsb_into_x_register_sign_extends_to_64_bits, setup),
		cmocka_unit_test_setup(test_mmio_ldrsh_into_w_register_sign_extends_to_32_bits_only, setup),
		cmocka_unit_test_setup(test_mmio_ldrsb_of_a_positive_byte_zero_extends, setup),
		cmocka_unit_test_setup(test_mmio_store_passes_value_truncated_to_size, setup),
		cmocka_unit_test_setup(test_mmio_store_from_register_31_writes_zero, setup),
		cmocka_unit_test_setup(test_mmio_load_into_register_31_discards_the_value, setup),
		cmocka_unit_test_setup(test_mmio_16bit_instruction_advances_pc_by_two, setup),
		cmocka_unit_test_setup(test_mmio_without_isv_injects_abort_and_skips_device, setup),
		cmocka_unit_test_setup(test_mmio_access_crossing_region_end_injects_abort, setup),
		cmocka_unit_test_setup(test_mmio_last_word_of_region_is_emulated, setup),
		cmocka_unit_test_setup(test_mmio_stage1_walk_into_region_injects_abort, setup),
		cmocka_unit_test_setup(test_mmio_cache_maintenance_is_skipped_without_device_access, setup),
		cmocka_unit_test_setup(test_mmio_device_error_injects_abort_and_leaves_register, setup),
		cmocka_unit_test_setup(test_mmio_outside_every_region_is_not_claimed, setup),
		cmocka_unit_test_setup(test_mmio_second_region_gets_its_own_accesses, setup),
		cmocka_unit_test_setup(test_mmio_register_rejects_overlap_empty_and_wrapping_ranges, setup),
		cmocka_unit_test_setup(test_mmio_register_table_full_returns_enospc, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
