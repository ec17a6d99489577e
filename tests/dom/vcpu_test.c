/* vcpu_reset and vcpu_kick: the power-on state Xen gives an arm64 vCPU, and waking or kicking a vCPU
 * so it sees a new interrupt, with the scheduler and the HAL faked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "sched/sched.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

static struct domain dom;
static struct vcpu vc;
static int wake_result;
static unsigned wakes, kicks, last_kick, self_cpu, vgic_resets, vtimer_resets;

void vgic_vcpu_reset(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	assert_int_equal(v->ctx.pc, 0x40080000); /* after the ctx was rewritten, not before */
	vgic_resets++;
}
void vtimer_vcpu_reset(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	assert_int_equal(v->ctx.pc, 0x40080000);
	vtimer_resets++;
}

int sched_wake(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	wakes++;
	return wake_result;
}
int sched_add(struct vcpu *v, unsigned hint)
{
	(void)v;
	return (int)hint;
}
unsigned hal_cpu_id(void) { return self_cpu; }
void hal_cpu_kick(unsigned cpu)
{
	kicks++;
	last_kick = cpu;
}
uint64_t p2m_vttbr(const struct p2m *p2m)
{
	(void)p2m;
	return 3ull << 48 | 0x80000000;
}

static int setup(void **state)
{
	(void)state;
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	vc.dom = &dom;
	wake_result = -1;
	wakes = kicks = vgic_resets = vtimer_resets = 0;
	self_cpu = 0;
	return 0;
}

static void test_vcpu_kick_of_a_sleeping_vcpu_kicks_the_pcpu_it_was_queued_on(void **state)
{
	(void)state;
	vc.pcpu = 1;
	vc.sched.wait = SCHED_ASLEEP;
	wake_result = 3;
	vcpu_kick(&vc);
	assert_int_equal(wakes, 1);
	assert_int_equal(kicks, 1);
	assert_int_equal(last_kick, 3);
}

static void test_vcpu_kick_of_a_vcpu_running_elsewhere_makes_it_exit(void **state)
{
	(void)state;
	vc.pcpu = 2;
	vcpu_kick(&vc);
	assert_int_equal(wakes, 0); /* awake: nothing to wake, only a kick */
	assert_int_equal(kicks, 1);
	assert_int_equal(last_kick, 2);
}

static void test_vcpu_kick_on_its_own_pcpu_sends_nothing(void **state)
{
	(void)state;
	vc.pcpu = 1;
	self_cpu = 1;
	vcpu_kick(&vc); /* the vCPU this pCPU runs */
	assert_int_equal(kicks, 0);
	vc.sched.wait = SCHED_ASLEEP;
	wake_result = 1; /* woken onto this very pCPU: its run loop picks it up */
	vcpu_kick(&vc);
	assert_int_equal(wakes, 1);
	assert_int_equal(kicks, 0);
}

static void test_vcpu_reset_gives_xens_power_on_state(void **state)
{
	(void)state;
	int priv;
	vc.id = 5;
	vc.ctx.hal_priv = &priv;
	vc.ctx.x[7] = 0x77;
	vc.ctx.el1.sctlr = 1; /* MMU on before the reset */
	vcpu_reset(&vc, 0x40080000, 0x48000000);
	assert_int_equal(vc.ctx.pc, 0x40080000);
	assert_int_equal(vc.ctx.x[0], 0x48000000);
	assert_int_equal(vc.ctx.x[7], 0);
	assert_int_equal(vc.ctx.pstate, PSTATE_EL1H_MASKED);
	assert_int_equal(vc.ctx.el1.sctlr, SCTLR_EL1_RESET);
	assert_int_equal(vc.ctx.hcr, HCR_GUEST);
	assert_int_equal(vc.ctx.vttbr, 3ull << 48 | 0x80000000);
	assert_int_equal(vc.ctx.vmpidr, 1ull << 31 | 5);
	assert_ptr_equal(vc.ctx.hal_priv, &priv);
	assert_int_equal(vgic_resets, 0); /* a domain without a vGIC or timers yet */
	assert_int_equal(vtimer_resets, 0);
}

static void test_vcpu_reset_resets_its_vgic_interface_and_timers(void **state)
{
	(void)state;
	vc.vgic = (struct vgic_cpu *)&vc; /* only compared against NULL */
	vc.vtimer = (struct vtimer *)&vc;
	vcpu_reset(&vc, 0x40080000, 0);
	assert_int_equal(vgic_resets, 1);
	assert_int_equal(vtimer_resets, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vcpu_kick_of_a_sleeping_vcpu_kicks_the_pcpu_it_was_queued_on, setup),
		cmocka_unit_test_setup(test_vcpu_kick_of_a_vcpu_running_elsewhere_makes_it_exit, setup),
		cmocka_unit_test_setup(test_vcpu_kick_on_its_own_pcpu_sends_nothing, setup),
		cmocka_unit_test_setup(test_vcpu_reset_gives_xens_power_on_state, setup),
		cmocka_unit_test_setup(test_vcpu_reset_resets_its_vgic_interface_and_timers, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
