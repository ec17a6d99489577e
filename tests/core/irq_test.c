/* irq_handle: every pending physical interrupt acknowledged, ended with exactly one EOI, routed
 * (timer queue, vtimer, a domain's vGIC) and deactivated unless a guest owns the deactivation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/irq.h"
#include "hal/gic.h"
#include "public/errno.h"
#include "tests/core/fake_hal.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

#define HYP_PPI   26u
#define VIRT_PPI  27u
#define MAINT_PPI 25u
#define UART_SPI  33u

static uint32_t pending[16];
static unsigned npending, eois, deacts, expiries, virt_irqs, injections, enables, disables;
static char log_[256];
static size_t log_len;
static struct domain dom;
static struct vcpu vc;
static uint32_t last_injected, linked_v, linked_p;
static int link_rc;

static void note(char what, uint32_t intid)
{
	log_len += (size_t)snprintf(log_ + log_len, sizeof(log_) - log_len, "%c%u ", what, intid);
}

uint32_t hal_irq_ack(void)
{
	if (!npending)
		return HAL_IRQ_SPURIOUS;
	uint32_t intid = pending[0];
	memmove(pending, pending + 1, --npending * sizeof(pending[0]));
	note('A', intid);
	return intid;
}
void hal_irq_eoi(uint32_t intid)
{
	eois++;
	note('E', intid);
}
void hal_irq_deactivate(uint32_t intid)
{
	deacts++;
	note('D', intid);
}
void hal_irq_cpu_init(void) {}
void hal_irq_enable(uint32_t intid, bool on)
{
	(void)intid;
	if (on)
		enables++;
	else
		disables++;
}
static uint32_t cfg_intid;
static bool cfg_edge;
static unsigned cfg_cpu, cfgs;
void hal_irq_config_spi(uint32_t intid, bool edge, unsigned cpu)
{
	cfg_intid = intid;
	cfg_edge = edge;
	cfg_cpu = cpu;
	cfgs++;
}
void swtimer_expire(void)
{
	expiries++;
	note('T', 0);
}
void vtimer_virt_irq(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	virt_irqs++;
	note('V', 0);
}
int vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid)
{
	assert_ptr_equal(d, &dom);
	assert_null(v); /* an SPI: the distributor routes it */
	injections++;
	last_injected = intid;
	note('I', intid);
	return 0;
}
int vgic_link_hw(struct domain *d, uint32_t vintid, uint32_t pintid)
{
	assert_ptr_equal(d, &dom);
	linked_v = vintid;
	linked_p = pintid;
	return link_rc;
}

static struct vcpu *spi_target; /* where the fake vGIC's routing sends every SPI */
struct vcpu *vgic_spi_target(struct domain *d, uint32_t intid)
{
	assert_ptr_equal(d, &dom);
	(void)intid;
	return spi_target;
}

static void raise(uint32_t intid) { pending[npending++] = intid; }

static unsigned driver_calls;
static void driver(uint32_t intid)
{
	driver_calls++;
	note('H', intid);
}

static int setup(void **state)
{
	(void)state;
	struct platform p;
	memset(&p, 0, sizeof(p));
	p.timer.hyp = HYP_PPI;
	p.timer.virt = VIRT_PPI;
	p.gic.maint_intid = MAINT_PPI;
	p.uart.intid = UART_SPI;
	irq_init(&p);
	irq_release(&dom);
	npending = eois = deacts = expiries = virt_irqs = injections = enables = disables = 0;
	cfgs = driver_calls = 0;
	spi_target = NULL;
	link_rc = 0;
	log_len = 0;
	log_[0] = 0;
	fake_hal_reset();
	return 0;
}

static void test_irq_hypervisor_timer_runs_the_timer_queue_then_deactivates(void **state)
{
	(void)state;
	raise(HYP_PPI);
	irq_handle(&vc);
	assert_string_equal(log_, "A26 E26 T0 D26 ");
}

static void test_irq_every_pending_interrupt_is_taken_with_one_eoi_each(void **state)
{
	(void)state;
	raise(HAL_SGI_KICK);
	raise(MAINT_PPI);
	raise(HYP_PPI);
	irq_handle(NULL);
	assert_int_equal(npending, 0);
	assert_int_equal(eois, 3);
	assert_int_equal(deacts, 3);
	assert_int_equal(expiries, 1);
}

static void test_irq_virtual_timer_goes_to_the_running_vcpu_and_is_deactivated_last(void **state)
{
	(void)state;
	raise(VIRT_PPI);
	raise(HAL_SGI_KICK);
	irq_handle(&vc);
	assert_int_equal(virt_irqs, 1);
	assert_string_equal(log_, "A27 E27 V0 A0 E0 D0 D27 ");
}

static void test_irq_virtual_timer_while_idle_is_only_ended(void **state)
{
	(void)state;
	raise(VIRT_PPI);
	irq_handle(NULL);
	assert_int_equal(virt_irqs, 0);
	assert_int_equal(eois, 1);
	assert_int_equal(deacts, 1);
}

static void test_irq_assigned_spi_is_injected_and_left_for_the_guest_to_deactivate(void **state)
{
	(void)state;
	assert_int_equal(irq_assign(48, &dom, 40), 0);
	assert_int_equal(linked_p, 48);
	assert_int_equal(linked_v, 40);
	raise(48);
	irq_handle(&vc);
	assert_int_equal(injections, 1);
	assert_int_equal(last_injected, 40);
	assert_int_equal(eois, 1);
	assert_int_equal(deacts, 0);
}

static void test_irq_assign_refuses_private_uart_and_taken_interrupts(void **state)
{
	(void)state;
	assert_int_equal(irq_assign(27, &dom, 27), -XEN_EINVAL);
	assert_int_equal(irq_assign(UART_SPI, &dom, 40), -XEN_EINVAL);
	assert_int_equal(irq_assign(VGIC_MAX_INTID, &dom, 40), -XEN_EINVAL);
	assert_int_equal(irq_assign(50, &dom, 41), 0);
	assert_int_equal(irq_assign(50, &dom, 42), -XEN_EBUSY);
	link_rc = -XEN_EINVAL; /* the vGIC has no such SPI */
	assert_int_equal(irq_assign(51, &dom, 2000), -XEN_EINVAL);
	raise(51);
	irq_handle(&vc); /* not forwarded: nobody's, so disabled */
	assert_int_equal(injections, 0);
	assert_int_equal(deacts, 1);
}

static void test_irq_released_spi_is_no_longer_forwarded(void **state)
{
	(void)state;
	assert_int_equal(irq_assign(60, &dom, 60), 0);
	irq_release(&dom);
	assert_true(disables >= 1);
	raise(60);
	irq_handle(&vc);
	assert_int_equal(injections, 0);
	assert_int_equal(deacts, 1);
}

static void test_irq_unexpected_interrupt_is_disabled_and_deactivated(void **state)
{
	(void)state;
	raise(77);
	irq_handle(&vc);
	assert_int_equal(disables, 1);
	assert_int_equal(deacts, 1);
	assert_non_null(strstr(fake_console, "IRQ 77"));
}

static void test_irq_storm_is_bounded(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 16; i++)
		raise(HAL_SGI_KICK);
	irq_handle(NULL);
	assert_int_equal(eois, 16);
	assert_int_equal(deacts, 16);
}

static void test_irq_forwarded_spi_route_follows_its_target_vcpus_pcpu(void **state)
{
	(void)state;
	struct vcpu a = { .pcpu = 1 }, b = { .pcpu = 3 };
	assert_int_equal(irq_assign(70, &dom, 40), 0);
	assert_int_equal(cfg_cpu, 0); /* pCPU 0 until it first fires */
	assert_int_equal(irq_route_cpu(70), 0);
	spi_target = &a;
	raise(70);
	irq_handle(&vc);
	assert_int_equal(injections, 1); /* this one is delivered where it arrived, then moved */
	assert_int_equal(cfg_intid, 70);
	assert_false(cfg_edge); /* the trigger kept: only the target changes */
	assert_int_equal(cfg_cpu, 1);
	assert_int_equal(irq_route_cpu(70), 1);
	unsigned n = cfgs;
	raise(70);
	irq_handle(&vc);
	assert_int_equal(cfgs, n); /* already there: no GIC write */
	a.pcpu = 2;                /* the scheduler migrated the vCPU */
	raise(70);
	irq_handle(&vc);
	assert_int_equal(cfg_cpu, 2);
	spi_target = &b; /* the guest retargeted the SPI to another vCPU */
	raise(70);
	irq_handle(&vc);
	assert_int_equal(cfg_cpu, 3);
	assert_int_equal(irq_route_cpu(70), 3);
	spi_target = NULL; /* routed to no vCPU: the route stays */
	n = cfgs;
	raise(70);
	irq_handle(&vc);
	assert_int_equal(cfgs, n);
	assert_int_equal(irq_route_cpu(70), 3);
	assert_int_equal(injections, 5);
}

/* Each test keeps its own SPI: a kept SPI is never given back. */
static void test_irq_owned_spi_runs_its_driver_between_eoi_and_deactivation(void **state)
{
	(void)state;
	assert_int_equal(irq_own(106, true, driver), 0);
	assert_int_equal(cfg_intid, 106);
	assert_true(cfg_edge);
	assert_int_equal(cfg_cpu, 0);
	assert_int_equal(enables, 1);
	raise(106);
	irq_handle(&vc);
	assert_int_equal(driver_calls, 1);
	assert_int_equal(injections, 0);
	assert_int_equal(disables, 0);
	assert_string_equal(log_, "A106 E106 H106 D106 ");
}

static void test_irq_own_refuses_private_uart_forwarded_and_kept_interrupts(void **state)
{
	(void)state;
	assert_int_equal(irq_own(27, false, driver), -XEN_EINVAL);
	assert_int_equal(irq_own(UART_SPI, false, driver), -XEN_EINVAL);
	assert_int_equal(irq_own(107, false, NULL), -XEN_EINVAL);
	assert_int_equal(irq_assign(108, &dom, 40), 0);
	assert_int_equal(irq_own(108, false, driver), -XEN_EBUSY);
	assert_int_equal(irq_own(109, false, driver), 0);
	assert_int_equal(irq_own(109, false, driver), -XEN_EBUSY);
	assert_int_equal(irq_assign(109, &dom, 41), -XEN_EBUSY); /* a domain never gets it */
	irq_release(&dom);
	raise(109);
	irq_handle(&vc); /* still the driver's after a domain's release */
	assert_int_equal(driver_calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_irq_hypervisor_timer_runs_the_timer_queue_then_deactivates, setup),
		cmocka_unit_test_setup(test_irq_every_pending_interrupt_is_taken_with_one_eoi_each, setup),
		cmocka_unit_test_setup(test_irq_virtual_timer_goes_to_the_running_vcpu_and_is_deactivated_last, setup),
		cmocka_unit_test_setup(test_irq_virtual_timer_while_idle_is_only_ended, setup),
		cmocka_unit_test_setup(test_irq_assigned_spi_is_injected_and_left_for_the_guest_to_deactivate, setup),
		cmocka_unit_test_setup(test_irq_assign_refuses_private_uart_and_taken_interrupts, setup),
		cmocka_unit_test_setup(test_irq_released_spi_is_no_longer_forwarded, setup),
		cmocka_unit_test_setup(test_irq_unexpected_interrupt_is_disabled_and_deactivated, setup),
		cmocka_unit_test_setup(test_irq_storm_is_bounded, setup),
		cmocka_unit_test_setup(test_irq_forwarded_spi_route_follows_its_target_vcpus_pcpu, setup),
		cmocka_unit_test_setup(test_irq_owned_spi_runs_its_driver_between_eoi_and_deactivation, setup),
		cmocka_unit_test_setup(test_irq_own_refuses_private_uart_forwarded_and_kept_interrupts, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
