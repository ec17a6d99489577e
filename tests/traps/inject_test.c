/* inject_*: the exception a guest's own vector sees, built as the architecture delivers it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "traps/esr.h"
#include "traps/inject.h"
#include "tests/core/fake_hal.h"

static struct domain dom;
static struct vcpu vc;
static unsigned shutdowns, last_reason;

void domain_shutdown(struct domain *d, unsigned reason)
{
	assert_ptr_equal(d, &dom);
	shutdowns++;
	last_reason = reason;
}

static int setup(void **state)
{
	(void)state;
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	vc.dom = &dom;
	vc.ctx.pc = 0x40081234;
	vc.ctx.pstate = 0x3c5 & ~0x3c0ull; /* EL1h, interrupts unmasked */
	vc.ctx.el1.vbar = 0x40090000;
	shutdowns = 0;
	fake_hal_reset();
	return 0;
}

static void test_inject_dabt_from_el1h_enters_current_el_spx_vector(void **state)
{
	(void)state;
	inject_dabt(&vc, 0x41000040, true);
	assert_int_equal(vc.ctx.pc, 0x40090200);
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_DABT_CUR);
	assert_true(vc.ctx.el1.esr & ESR_IL);
	assert_int_equal(esr_iss(vc.ctx.el1.esr), 0); /* Xen injects ISS 0 */
	assert_int_equal(vc.ctx.el1.far, 0x41000040);
	assert_int_equal(vc.ctx.el1.elr, 0x40081234);
	assert_int_equal(vc.ctx.el1.spsr, 0x005);
	assert_int_equal(vc.ctx.pstate, PSTATE_EL1H_MASKED);
}

static void test_inject_dabt_from_el0_uses_lower_el_vector_and_ec(void **state)
{
	(void)state;
	vc.ctx.pstate = 0x0; /* EL0t */
	inject_dabt(&vc, 0x1000, false);
	assert_int_equal(vc.ctx.pc, 0x40090400);
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_DABT_LOW);
	assert_false(vc.ctx.el1.esr & ESR_IL);
	assert_int_equal(vc.ctx.el1.spsr, 0x0);
}

static void test_inject_from_el1t_uses_sp0_vector(void **state)
{
	(void)state;
	vc.ctx.pstate = 0x4; /* EL1t */
	inject_iabt(&vc, 0x40000000);
	assert_int_equal(vc.ctx.pc, 0x40090000);
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_IABT_CUR);
}

static void test_inject_undef_keeps_far_and_points_elr_at_instruction(void **state)
{
	(void)state;
	vc.ctx.el1.far = 0xfeed;
	inject_undef(&vc);
	assert_int_equal(vc.ctx.el1.esr, ESR_IL); /* EC 0: unknown reason */
	assert_int_equal(vc.ctx.el1.far, 0xfeed);
	assert_int_equal(vc.ctx.el1.elr, 0x40081234);
	assert_int_equal(vc.ctx.pc, 0x40090200);
}

static void test_inject_from_aarch32_el0_uses_lower_el_aarch32_vector(void **state)
{
	(void)state;
	vc.ctx.pstate = 0x10; /* AArch32 User mode */
	inject_dabt(&vc, 0x8000, true);
	assert_int_equal(vc.ctx.pc, 0x40090600);
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_DABT_LOW);
	assert_int_equal(vc.ctx.el1.spsr, 0x10);
	assert_int_equal(shutdowns, 0);
}

static void test_inject_fault_at_its_own_vector_crashes_domain_instead_of_looping(void **state)
{
	(void)state;
	vc.ctx.el1.vbar = 0;
	vc.ctx.pc = 0x200; /* the EL1h sync vector of VBAR_EL1 0, itself unmapped */
	inject_iabt(&vc, 0x200);
	assert_int_equal(shutdowns, 1);
	assert_int_equal(last_reason, SHUTDOWN_crash);
	assert_int_equal(vc.ctx.pc, 0x200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_inject_dabt_from_el1h_enters_current_el_spx_vector, setup),
		cmocka_unit_test_setup(test_inject_dabt_from_el0_uses_lower_el_vector_and_ec, setup),
		cmocka_unit_test_setup(test_inject_from_el1t_uses_sp0_vector, setup),
		cmocka_unit_test_setup(test_inject_undef_keeps_far_and_points_elr_at_instruction, setup),
		cmocka_unit_test_setup(test_inject_from_aarch32_el0_uses_lower_el_aarch32_vector, setup),
		cmocka_unit_test_setup(test_inject_fault_at_its_own_vector_crashes_domain_instead_of_looping, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
