/* hal/sim's physical interrupts and time seen from the core: acknowledge, priority drop and
 * deactivation, SGIs and kicks waking idle pCPUs, SPI routing, the hypervisor timer and the jump of
 * virtual time to its deadline when every CPU waits; on GICv3 and GICv2 machines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/gic.h"
#include "hal/timer.h"
#include "harness.h"
#include "sim/irq.h"

#define PPI_HYP 26u
#define SPI     40u

static uint32_t got[8];
static unsigned ngot;
static volatile bool ready, woken;
static uint64_t t_armed, t_woke;

static void note(uint32_t v) { got[ngot++ % 8] = v; }

static void handled(uint32_t intid)
{
	hal_irq_eoi(intid);
	hal_irq_deactivate(intid);
}

static void use_v2(void)
{
	harness_plat.gic.version = 2;
	harness_plat.gic.redist_count = 0;
	harness_plat.gic.dist = (struct plat_region){ pa_init(0x08000000), 0x10000 };
	harness_plat.gic.cpuif = (struct plat_region){ pa_init(0x08010000), 0x10000 };
	harness_plat.gic.hyp = (struct plat_region){ pa_init(0x08030000), 0x10000 };
	harness_plat.gic.vcpu = (struct plat_region){ pa_init(0x08040000), 0x10000 };
}

static int setup(void **state)
{
	harness_reset();
	if (*state)
		use_v2();
	ngot = 0;
	ready = woken = false;
	t_armed = t_woke = 0;
	return 0;
}

static void run(void (*boot)(void), void (*secondary)(unsigned), uint64_t seed, struct sim_result *r)
{
	assert_int_equal(harness_run(boot, secondary, seed, 0, r), 0);
}

static void sgi_boot(void)
{
	hal_irq_cpu_init();
	hal_irq_enable(5, true);
	hal_irq_send_sgi(0, 5);
	uint32_t a = hal_irq_ack();
	note(a);
	hal_irq_eoi(a); /* priority drop only: EOImode 1 */
	hal_irq_send_sgi(0, 5);
	note(hal_irq_ack()); /* active and pending: not acknowledged again */
	hal_irq_deactivate(a);
	uint32_t b = hal_irq_ack();
	note(b);
	handled(b);
	note(hal_irq_ack());
}

static void test_irq_ack_returns_the_sgi_and_only_deactivation_lets_it_in_again(void **state)
{
	struct sim_result r;

	(void)state;
	run(sgi_boot, NULL, 1, &r);
	assert_int_equal(r.kind, SIM_STOP_EXIT);
	assert_int_equal(ngot, 4);
	assert_int_equal(got[0], 5);
	assert_int_equal(got[1], HAL_IRQ_SPURIOUS);
	assert_int_equal(got[2], 5);
	assert_int_equal(got[3], HAL_IRQ_SPURIOUS);
}

static void disabled_boot(void)
{
	hal_irq_cpu_init();
	hal_irq_send_sgi(0, 6); /* never enabled */
	note(hal_irq_ack());
	hal_irq_enable(6, true); /* pending all along: now it is taken */
	uint32_t a = hal_irq_ack();
	note(a);
	handled(a);
}

static void test_irq_disabled_interrupt_stays_pending_until_enabled(void **state)
{
	struct sim_result r;

	(void)state;
	run(disabled_boot, NULL, 1, &r);
	assert_int_equal(got[0], HAL_IRQ_SPURIOUS);
	assert_int_equal(got[1], 6);
}

static void kick_secondary(unsigned cpu)
{
	(void)cpu;
	hal_irq_cpu_init();
	ready = true;
	hal_cpu_idle();
	uint32_t a = hal_irq_ack();
	note(a);
	handled(a);
	woken = true;
}

static void kick_boot(void)
{
	hal_irq_cpu_init();
	assert_int_equal(hal_cpu_start(1, 1), 0);
	while (!ready)
		hal_cpu_relax();
	hal_cpu_kick(1);
	while (!woken)
		hal_cpu_relax();
}

static void test_irq_kick_is_an_sgi_that_wakes_an_idle_cpu(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		struct sim_result r;
		setup(state);
		run(kick_boot, kick_secondary, seed, &r);
		assert_int_equal(r.kind, SIM_STOP_EXIT);
		assert_int_equal(ngot, 1);
		assert_int_equal(got[0], HAL_SGI_KICK);
	}
}

static void idle_secondary(unsigned cpu)
{
	(void)cpu;
	hal_irq_cpu_init();
	ready = true;
	for (;;) {
		hal_cpu_idle();
		uint32_t a = hal_irq_ack();
		if (a == HAL_IRQ_SPURIOUS)
			continue;
		note(a);
		handled(a);
		woken = true;
	}
}

static void spi_boot(void)
{
	hal_irq_cpu_init();
	assert_int_equal(hal_cpu_start(1, 1), 0);
	while (!ready)
		hal_cpu_relax();
	hal_irq_config_spi(SPI, true, 1);
	hal_irq_enable(SPI, true);
	gic_pulse(sim_gic(), 0, SPI); /* a device's edge */
	while (!woken)
		hal_cpu_relax();
	note(hal_irq_ack()); /* routed to CPU 1: nothing here */
}

static void test_irq_spi_routed_to_a_cpu_wakes_that_cpu_only(void **state)
{
	struct sim_result r;

	(void)state;
	run(spi_boot, idle_secondary, 3, &r);
	assert_int_equal(r.kind, SIM_STOP_EXIT);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[0], SPI);
	assert_int_equal(got[1], HAL_IRQ_SPURIOUS);
}

static void timer_boot(void)
{
	hal_irq_cpu_init();
	hal_irq_enable(PPI_HYP, true);
	t_armed = hal_counter_now() + 10 * 1000 * 1000; /* 160 ms of virtual time */
	hal_timer_arm(t_armed);
	hal_cpu_idle();
	t_woke = hal_counter_now();
	uint32_t a = hal_irq_ack();
	note(a);
	hal_timer_arm(UINT64_MAX); /* the level stays until re-armed or disarmed */
	handled(a);
	note(hal_irq_ack());
}

static void test_irq_idle_machine_jumps_to_the_hypervisor_timer_deadline(void **state)
{
	struct sim_result r;

	(void)state;
	run(timer_boot, NULL, 1, &r);
	assert_int_equal(r.kind, SIM_STOP_EXIT);
	assert_int_equal(got[0], PPI_HYP);
	assert_int_equal(got[1], HAL_IRQ_SPURIOUS);
	assert_true(t_woke >= t_armed);
	assert_true(t_woke - t_armed <= SIM_TICKS_PER_STEP);
	/* A jump, not 625,000 steps of waiting. */
	assert_true(r.steps < 100);
}

static void unrouted_timer_boot(void)
{
	hal_irq_cpu_init();
	t_armed = hal_counter_now() + 5000;
	hal_timer_arm(t_armed); /* its PPI is never enabled: the deadline passes unseen */
	for (;;)
		hal_cpu_idle();
}

static void test_irq_run_stops_idle_once_no_timer_can_wake_a_cpu(void **state)
{
	struct sim_result r;

	(void)state;
	run(unrouted_timer_boot, NULL, 1, &r);
	assert_int_equal(r.kind, SIM_STOP_IDLE);
	assert_true(r.ticks >= t_armed);
}

static void disarmed_boot(void)
{
	hal_irq_cpu_init();
	hal_irq_enable(PPI_HYP, true);
	t_armed = hal_counter_now() + 5000;
	hal_timer_arm(t_armed);
	hal_timer_arm(UINT64_MAX);
	for (;;)
		hal_cpu_idle();
}

static void test_irq_disarmed_timer_leaves_the_machine_idle_at_once(void **state)
{
	struct sim_result r;

	(void)state;
	run(disarmed_boot, NULL, 1, &r);
	assert_int_equal(r.kind, SIM_STOP_IDLE);
	assert_true(r.ticks < t_armed);
}

static unsigned lrs, prio_bits;

static void vtr_boot(void)
{
	lrs = hal_vgic_lrs();
	prio_bits = hal_vgic_prio_bits();
}

static void test_irq_virtual_interface_has_four_lrs_and_five_priority_bits(void **state)
{
	struct sim_result r;

	(void)state;
	run(vtr_boot, NULL, 1, &r);
	assert_int_equal(lrs, SIM_GIC_LRS);
	assert_int_equal(prio_bits, SIM_GIC_VPRIO_BITS);
}

static void test_irq_machine_without_a_gic_is_refused(void **state)
{
	struct sim_result r;

	(void)state;
	harness_plat.gic.version = 0;
	assert_int_equal(harness_run(vtr_boot, NULL, 1, 0, &r), -1);
	assert_non_null(strstr(r.reason, "GIC"));
}

static int v2 = 1;

#define T(name)    cmocka_unit_test_setup(name, setup)
#define T_V2(name) cmocka_unit_test_prestate_setup_teardown(name, setup, NULL, &v2)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_irq_ack_returns_the_sgi_and_only_deactivation_lets_it_in_again),
		T(test_irq_disabled_interrupt_stays_pending_until_enabled),
		T(test_irq_kick_is_an_sgi_that_wakes_an_idle_cpu),
		T(test_irq_spi_routed_to_a_cpu_wakes_that_cpu_only),
		T(test_irq_idle_machine_jumps_to_the_hypervisor_timer_deadline),
		T(test_irq_run_stops_idle_once_no_timer_can_wake_a_cpu),
		T(test_irq_disarmed_timer_leaves_the_machine_idle_at_once),
		T(test_irq_virtual_interface_has_four_lrs_and_five_priority_bits),
		T(test_irq_machine_without_a_gic_is_refused),
		T_V2(test_irq_ack_returns_the_sgi_and_only_deactivation_lets_it_in_again),
		T_V2(test_irq_disabled_interrupt_stays_pending_until_enabled),
		T_V2(test_irq_kick_is_an_sgi_that_wakes_an_idle_cpu),
		T_V2(test_irq_spi_routed_to_a_cpu_wakes_that_cpu_only),
		T_V2(test_irq_idle_machine_jumps_to_the_hypervisor_timer_deadline),
		T_V2(test_irq_virtual_interface_has_four_lrs_and_five_priority_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
