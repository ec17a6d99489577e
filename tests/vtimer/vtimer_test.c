/* vtimer: the virtual timer forwarded while its vCPU is off the pCPUs and masked when it fires under
 * the guest, and the emulated EL1 physical timer (CTL/CVAL/TVAL, ISTATUS, the PPI 30 level), on the
 * real software timer queue with a fake counter and a recording vGIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

static uint64_t now, armed;
static struct domain dom;
static struct vcpu vc;
static unsigned injected_virt, injected_other;
static int phys_level = -1;
static unsigned level_calls;

uint64_t hal_counter_now(void) { return now; }
uint64_t hal_counter_freq(void) { return 62500000; }
unsigned hal_cpu_id(void) { return 0; }
void hal_cpu_relax(void) {}
void hal_timer_arm(uint64_t deadline) { armed = deadline; }
void *heap_alloc(size_t size) { return calloc(1, size); }
void heap_free(void *p) { free(p); }

int vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid)
{
	assert_ptr_equal(d, &dom);
	assert_ptr_equal(v, &vc);
	if (intid == VTIMER_VIRT_PPI)
		injected_virt++;
	else
		injected_other++;
	return 0;
}

int vgic_set_level(struct domain *d, struct vcpu *v, uint32_t intid, bool level)
{
	assert_ptr_equal(d, &dom);
	assert_ptr_equal(v, &vc);
	assert_int_equal(intid, VTIMER_PHYS_PPI);
	phys_level = level;
	level_calls++;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	swtimer_reset();
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	vc.dom = &dom;
	dom.cntvoff = 5000;
	now = 10000;
	armed = UINT64_MAX;
	injected_virt = injected_other = level_calls = 0;
	phys_level = -1;
	assert_int_equal(vtimer_vcpu_init(&vc), 0);
	vtimer_vcpu_reset(&vc);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vtimer_vcpu_destroy(&vc);
	assert_null(vc.vtimer);
	return 0;
}

static void test_vtimer_reset_gives_the_domain_offset_and_timers_off(void **state)
{
	(void)state;
	assert_int_equal(vc.ctx.vtimer.off, 5000);
	assert_int_equal(vc.ctx.vtimer.ctl, 0);
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_CTL), 0);
}

static void test_vtimer_virt_irq_masks_saved_ctl_and_injects_ppi_27(void **state)
{
	(void)state;
	vc.ctx.vtimer.ctl = VTIMER_CTL_ENABLE | VTIMER_CTL_ISTATUS;
	vtimer_virt_irq(&vc);
	assert_int_equal(vc.ctx.vtimer.ctl, VTIMER_CTL_ENABLE | VTIMER_CTL_ISTATUS | VTIMER_CTL_IMASK);
	assert_int_equal(injected_virt, 1);
}

static void test_vtimer_virt_irq_with_timer_masked_or_off_injects_nothing(void **state)
{
	(void)state;
	vc.ctx.vtimer.ctl = VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK;
	vtimer_virt_irq(&vc);
	vc.ctx.vtimer.ctl = 0;
	vtimer_virt_irq(&vc);
	assert_int_equal(injected_virt, 0);
}

static void test_vtimer_save_forwards_the_deadline_in_physical_counts(void **state)
{
	(void)state;
	vc.ctx.vtimer.ctl = VTIMER_CTL_ENABLE;
	vc.ctx.vtimer.cval = 7000; /* virtual count: fires at physical 7000 + CNTVOFF */
	vtimer_save(&vc);
	assert_int_equal(armed, 12000);
	now = 11999;
	swtimer_expire();
	assert_int_equal(injected_virt, 0);
	now = 12000;
	swtimer_expire();
	assert_int_equal(injected_virt, 1);
	assert_true(vc.ctx.vtimer.ctl & VTIMER_CTL_IMASK); /* low when the vCPU is entered again */
}

static void test_vtimer_restore_cancels_the_forwarding(void **state)
{
	(void)state;
	vc.ctx.vtimer.ctl = VTIMER_CTL_ENABLE;
	vc.ctx.vtimer.cval = 7000;
	vtimer_save(&vc);
	vtimer_restore(&vc); /* back on a pCPU: the hardware timer takes over */
	now = 20000;
	swtimer_expire();
	assert_int_equal(injected_virt, 0);
	assert_int_equal(vc.ctx.vtimer.ctl, VTIMER_CTL_ENABLE);
}

static void test_vtimer_save_of_masked_or_disabled_timer_arms_nothing(void **state)
{
	(void)state;
	vc.ctx.vtimer.ctl = VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK;
	vc.ctx.vtimer.cval = 1;
	vtimer_save(&vc);
	vc.ctx.vtimer.ctl = 0;
	vtimer_save(&vc);
	now = 1ull << 40;
	swtimer_expire();
	assert_int_equal(injected_virt, 0);
	assert_false(swtimer_armed(&vc.vtimer->virt));
}

static void test_vtimer_save_with_deadline_already_past_fires_at_once(void **state)
{
	(void)state;
	vc.ctx.vtimer.ctl = VTIMER_CTL_ENABLE;
	vc.ctx.vtimer.cval = 100; /* already met: the guest blocked in WFI with the timer pending */
	vtimer_save(&vc);
	swtimer_expire();
	assert_int_equal(injected_virt, 1);
}

static void test_vtimer_save_with_huge_cval_never_wraps_into_the_past(void **state)
{
	(void)state;
	vc.ctx.vtimer.ctl = VTIMER_CTL_ENABLE;
	vc.ctx.vtimer.cval = UINT64_MAX - 10;
	vtimer_save(&vc);
	swtimer_expire();
	assert_int_equal(injected_virt, 0);
	assert_int_equal(armed, UINT64_MAX);
}

static void test_vtimer_phys_tval_write_sets_cval_relative_to_now(void **state)
{
	(void)state;
	vtimer_phys_write(&vc, VTIMER_CNTP_TVAL, 500);
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_CVAL), 10500);
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_TVAL), 500);
	now = 10600;
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_TVAL), (uint32_t)-100); /* 32 bits, counting on */
}

static void test_vtimer_phys_tval_is_signed_32_bits(void **state)
{
	(void)state;
	vtimer_phys_write(&vc, VTIMER_CNTP_TVAL, 0xffffffffffffff00ull); /* -256 */
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_CVAL), 10000 - 256);
	vtimer_phys_write(&vc, VTIMER_CNTP_TVAL, 0x1234500000010ull); /* only [31:0] count */
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_CVAL), 10000 + 0x10);
}

static void test_vtimer_phys_ctl_istatus_reflects_condition_even_when_masked(void **state)
{
	(void)state;
	vtimer_phys_write(&vc, VTIMER_CNTP_CVAL, 9000);
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_CTL), 0); /* disabled: no status */
	vtimer_phys_write(&vc, VTIMER_CNTP_CTL, VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK | VTIMER_CTL_ISTATUS | 0xf0);
	assert_int_equal(vtimer_phys_read(&vc, VTIMER_CNTP_CTL),
			 VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK | VTIMER_CTL_ISTATUS);
	assert_int_equal(phys_level, 0); /* masked: the output stays low */
}

static void test_vtimer_phys_fires_ppi_30_at_cval(void **state)
{
	(void)state;
	vtimer_phys_write(&vc, VTIMER_CNTP_CVAL, 15000);
	vtimer_phys_write(&vc, VTIMER_CNTP_CTL, VTIMER_CTL_ENABLE);
	assert_int_equal(phys_level, 0);
	assert_int_equal(armed, 15000);
	now = 14999;
	swtimer_expire();
	assert_int_equal(phys_level, 0);
	now = 15000;
	swtimer_expire();
	assert_int_equal(phys_level, 1);
	assert_int_equal(injected_other, 0);
}

static void test_vtimer_phys_enable_with_deadline_past_raises_level_at_once(void **state)
{
	(void)state;
	vtimer_phys_write(&vc, VTIMER_CNTP_CVAL, 100);
	vtimer_phys_write(&vc, VTIMER_CNTP_CTL, VTIMER_CTL_ENABLE);
	assert_int_equal(phys_level, 1);
	assert_false(swtimer_armed(&vc.vtimer->phys));
}

static void test_vtimer_phys_reprogramming_drops_the_level_and_rearms(void **state)
{
	(void)state;
	vtimer_phys_write(&vc, VTIMER_CNTP_CVAL, 100);
	vtimer_phys_write(&vc, VTIMER_CNTP_CTL, VTIMER_CTL_ENABLE);
	assert_int_equal(phys_level, 1);
	vtimer_phys_write(&vc, VTIMER_CNTP_TVAL, 1000); /* the handler's next tick */
	assert_int_equal(phys_level, 0);
	assert_true(swtimer_armed(&vc.vtimer->phys));
	vtimer_phys_write(&vc, VTIMER_CNTP_CTL, 0); /* disabled: nothing left to fire */
	assert_false(swtimer_armed(&vc.vtimer->phys));
	now = 1ull << 30;
	swtimer_expire();
	assert_int_equal(phys_level, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vtimer_reset_gives_the_domain_offset_and_timers_off, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_virt_irq_masks_saved_ctl_and_injects_ppi_27, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_virt_irq_with_timer_masked_or_off_injects_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_save_forwards_the_deadline_in_physical_counts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_restore_cancels_the_forwarding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_save_of_masked_or_disabled_timer_arms_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_save_with_deadline_already_past_fires_at_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_save_with_huge_cval_never_wraps_into_the_past, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_phys_tval_write_sets_cval_relative_to_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_phys_tval_is_signed_32_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_phys_ctl_istatus_reflects_condition_even_when_masked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_phys_fires_ppi_30_at_cval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_phys_enable_with_deadline_past_raises_level_at_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vtimer_phys_reprogramming_drops_the_level_and_rearms, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
