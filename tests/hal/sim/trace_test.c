/* hal/sim/trace: what the HAL-boundary observer counts from architectural state alone (VTTBR's
 * VMID, VMPIDR, ESR_EL2, x16/x0, list registers), without a machine running. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/machine.h"
#include "sim/trace.h"

#define ESR(ec, iss) ((uint64_t)(ec) << 26 | 1ull << 25 | (iss))

static struct sim_cpu cpu0;

static struct hal_vcpu_ctx ctx_of(unsigned domid, unsigned vcpu)
{
	struct hal_vcpu_ctx c;

	memset(&c, 0, sizeof(c));
	c.vttbr = (uint64_t)(domid + 1) << 48 | 0x40000000ull;
	c.vmpidr = 1ull << 31 | vcpu;
	return c;
}

static void round_trip(struct hal_vcpu_ctx *c, uint64_t esr)
{
	struct hal_exit e = { .reason = HAL_EXIT_SYNC, .esr = esr };

	sim_trace_enter(&cpu0, c);
	sim_trace_exit(&cpu0, c, &e);
}

static void test_trace_hypercalls_count_by_op_from_x16_and_evtchn_send_from_x0(void **state)
{
	(void)state;
	struct hal_vcpu_ctx c = ctx_of(3, 1);

	c.x[16] = 17; /* xen_version */
	round_trip(&c, ESR(0x16, 0xea1));
	c.x[16] = 32; /* event_channel_op */
	c.x[0] = 4;   /* EVTCHNOP_send */
	round_trip(&c, ESR(0x16, 0xea1));
	c.x[0] = 3; /* EVTCHNOP_close: not a send */
	round_trip(&c, ESR(0x16, 0xea1));
	c.x[16] = 17;
	round_trip(&c, ESR(0x16, 0)); /* hvc #0: SMCCC, not a Xen hypercall */
	const struct sim_trace_dom *d = sim_trace_dom(3);
	assert_true(d->seen);
	assert_int_equal(d->nr_vcpus, 2);
	assert_int_equal(d->hcalls[17], 1);
	assert_int_equal(d->hcalls[32], 2);
	assert_int_equal(d->events, 1);
	assert_int_equal(d->smccc, 1);
	assert_int_equal(d->exits[0x16], 4);
}

static void test_trace_exit_classes_and_stage2_faults_come_from_esr(void **state)
{
	(void)state;
	struct hal_vcpu_ctx c = ctx_of(4, 0);
	struct hal_exit irq = { .reason = HAL_EXIT_IRQ };

	round_trip(&c, ESR(0x24, 0x40)); /* data abort, write */
	round_trip(&c, ESR(0x20, 0));    /* instruction abort */
	round_trip(&c, ESR(0x01, 0));    /* WFI */
	sim_trace_enter(&cpu0, &c);
	sim_trace_exit(&cpu0, &c, &irq);
	const struct sim_trace_dom *d = sim_trace_dom(4);
	assert_int_equal(d->s2_faults, 2);
	assert_int_equal(d->exits[0x24], 1);
	assert_int_equal(d->exits[0x20], 1);
	assert_int_equal(d->exits[0x01], 1);
	assert_int_equal(d->exits[SIM_TRACE_EXIT_IRQ], 1);
	assert_string_equal(sim_trace_exit_name(0x24), "dabt");
	assert_string_equal(sim_trace_hcall_name(29), "sched_op");
}

static void test_trace_irq_counts_an_lr_once_while_it_stays_pending(void **state)
{
	(void)state;
	struct hal_vcpu_ctx c = ctx_of(5, 0);

	c.vgic.nr_lr = 1;
	c.vgic.lr[0] = HAL_LR_PENDING | HAL_LR_GROUP1 | 31; /* the event-channel upcall */
	round_trip(&c, ESR(0x01, 0));
	round_trip(&c, ESR(0x01, 0));                      /* still pending at the next entry: the same injection */
	c.vgic.lr[0] = HAL_LR_ACTIVE | HAL_LR_GROUP1 | 31; /* taken */
	round_trip(&c, ESR(0x01, 0));
	c.vgic.lr[0] = HAL_LR_PENDING | HAL_LR_GROUP1 | 31; /* injected again */
	round_trip(&c, ESR(0x01, 0));
	c.vgic.lr[0] = HAL_LR_PENDING | HAL_LR_GROUP1 | 27; /* another vINTID in the same LR */
	round_trip(&c, ESR(0x01, 0));
	assert_int_equal(sim_trace_dom(5)->irqs, 3);
}

static void test_trace_ignores_vmid_0_and_counts_vcpu_switches(void **state)
{
	(void)state;
	struct hal_vcpu_ctx host = ctx_of(0, 0), a = ctx_of(6, 0), b = ctx_of(6, 1);
	uint64_t before = sim_trace_totals()->switches;

	host.vttbr = 0; /* VMID 0 is no domain */
	round_trip(&host, ESR(0x16, 0xea1));
	round_trip(&a, ESR(0x16, 0xea1));
	round_trip(&a, ESR(0x16, 0xea1)); /* the same vCPU again: no decision */
	round_trip(&b, ESR(0x16, 0xea1));
	sim_trace_idle(&cpu0);
	sim_trace_idle(&cpu0); /* still idle */
	assert_int_equal(sim_trace_totals()->switches - before, 3);
	assert_false(sim_trace_dom(SIM_TRACE_DOMS - 1)->seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_hypercalls_count_by_op_from_x16_and_evtchn_send_from_x0),
		cmocka_unit_test(test_trace_exit_classes_and_stage2_faults_come_from_esr),
		cmocka_unit_test(test_trace_irq_counts_an_lr_once_while_it_stays_pending),
		cmocka_unit_test(test_trace_ignores_vmid_0_and_counts_vcpu_switches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
