/* The guest side of event channels on the host: shared_info where the /hypervisor node says, the
 * EVTCHNOP calls as the hypervisor sees them, pending bits taken (callbacks, or kept for
 * gl_evtchn_take), masks, and waits that sleep in WFI (acknowledging the upcall PPI) or yield. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "lib/evtchn.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/shared.h"
#include "tests/guests/ring/fake_shared.h"

static _Alignas(4096) uint8_t region[2 * 4096]; /* the /hypervisor region: shared_info goes at its page 0 */
static uint8_t tree[512];
static int gic_version;
static uint32_t enabled_ppi, eoied;
static unsigned yields, wfis, acks;
static long next_rc;
static evtchn_port_t next_port;
static unsigned last_cmd;
static evtchn_port_t last_port_arg;

static struct shared_info *si(void) { return (struct shared_info *)region; }

/* What the hypervisor does when it sends @port: pending bit, selector bit, upcall flag. */
static void raise_event(evtchn_port_t port)
{
	si()->evtchn_pending[port / 64] |= 1ull << (port % 64);
	si()->vcpu_info[0].evtchn_pending_sel |= 1ull << (port / 64);
	si()->vcpu_info[0].evtchn_upcall_pending = 1;
}

static evtchn_port_t deliver_on_sleep; /* raised by the next WFI or yield, 0: none */

long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	(void)a2, (void)a3, (void)a4;
	if (op == __HYPERVISOR_memory_op) {
		struct xen_add_to_physmap *x = (void *)(uintptr_t)a1;
		assert_int_equal(a0, XENMEM_add_to_physmap);
		assert_int_equal(x->space, XENMAPSPACE_shared_info);
		assert_int_equal(x->gpfn, (uintptr_t)region >> 12);
		return 0;
	}
	if (op == __HYPERVISOR_sched_op) {
		yields++;
		if (deliver_on_sleep)
			raise_event(deliver_on_sleep), deliver_on_sleep = 0;
		return 0;
	}
	assert_int_equal(op, __HYPERVISOR_event_channel_op);
	last_cmd = (unsigned)a0;
	uint8_t *arg = (void *)(uintptr_t)a1;
	switch (a0) {
	case EVTCHNOP_alloc_unbound: memcpy(arg + offsetof(struct evtchn_alloc_unbound, port), &next_port, 4); break;
	case EVTCHNOP_bind_interdomain:
		memcpy(arg + offsetof(struct evtchn_bind_interdomain, local_port), &next_port, 4);
		break;
	case EVTCHNOP_bind_virq: memcpy(arg + offsetof(struct evtchn_bind_virq, port), &next_port, 4); break;
	case EVTCHNOP_send:
	case EVTCHNOP_close: memcpy(&last_port_arg, arg, 4); break;
	}
	return next_rc;
}

void gl_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

int gl_gic_init(const void *fdt)
{
	(void)fdt;
	return gic_version;
}
void gl_gic_enable(uint32_t intid, uint8_t prio)
{
	(void)prio;
	enabled_ppi = intid;
}
void gl_wfi(void)
{
	wfis++;
	if (deliver_on_sleep)
		raise_event(deliver_on_sleep), deliver_on_sleep = 0;
}
/* The upcall PPI once per WFI, then nothing pending. */
uint32_t gl_gic_ack(void) { return acks++ < wfis ? enabled_ppi : 1023; }
void gl_gic_eoi(uint32_t intid) { eoied = intid; }

static int setup(void **state)
{
	(void)state;
	fake_shared_reset();
	fake_shared_window(region, sizeof(region));
	memset(region, 0, sizeof(region));
	gic_version = 3;
	enabled_ppi = eoied = 0;
	yields = wfis = acks = 0;
	next_rc = 0;
	deliver_on_sleep = 0;
	/* A tree whose /hypervisor names the region and PPI 13 (INTID 29, not the default 31). */
	assert_int_equal(fdt_create_empty_tree(tree, sizeof(tree)), 0);
	int node = fdt_add_subnode(tree, 0, "hypervisor");
	uint64_t base = (uintptr_t)region;
	fdt32_t reg[4] = { cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base), 0,
			   cpu_to_fdt32(sizeof(region)) };
	fdt32_t irq[3] = { cpu_to_fdt32(1), cpu_to_fdt32(13), cpu_to_fdt32(0xf08) };
	fdt_setprop(tree, node, "reg", reg, sizeof(reg));
	fdt_setprop(tree, node, "interrupts", irq, sizeof(irq));
	assert_int_equal(gl_evtchn_init(tree), 0);
	return 0;
}

static evtchn_port_t seen_port;
static void *seen_arg;
static unsigned calls;
static void cb(evtchn_port_t port, void *arg)
{
	seen_port = port, seen_arg = arg;
	calls++;
}

static void test_init_maps_shared_info_and_enables_the_tree_ppi(void **state)
{
	(void)state;
	assert_int_equal(enabled_ppi, 16 + 13);
	assert_int_equal(gl_evtchn_init(tree), 0); /* idempotent: no second mapping */
	assert_int_equal(fake_shared_strays, 0);
}

static void test_event_runs_its_callback_and_clears_the_bits(void **state)
{
	(void)state;
	calls = 0;
	assert_int_equal(gl_evtchn_set_handler(70, cb, &calls), 0);
	raise_event(70);
	assert_int_equal(gl_evtchn_poll(), 1);
	assert_int_equal(calls, 1);
	assert_int_equal(seen_port, 70);
	assert_ptr_equal(seen_arg, &calls);
	assert_int_equal(si()->evtchn_pending[1], 0);
	assert_int_equal(si()->vcpu_info[0].evtchn_pending_sel, 0);
	assert_int_equal(si()->vcpu_info[0].evtchn_upcall_pending, 0);
	assert_int_equal(gl_evtchn_poll(), 0);
}

static void test_masked_port_waits_until_a_handler_unmasks_it(void **state)
{
	(void)state;
	calls = 0;
	si()->evtchn_mask[0] = 1ull << 9;
	raise_event(9);
	assert_int_equal(gl_evtchn_poll(), 0);
	assert_true(si()->evtchn_pending[0] & (1ull << 9));
	assert_int_equal(gl_evtchn_set_handler(9, cb, NULL), 0);
	assert_int_equal(si()->evtchn_mask[0], 0);
	raise_event(9); /* the hypervisor's unmask raises the upcall again */
	assert_int_equal(gl_evtchn_poll(), 1);
	assert_int_equal(calls, 1);
}

static void test_event_without_callback_is_kept_for_take(void **state)
{
	(void)state;
	raise_event(3000);
	assert_true(gl_evtchn_take(3000));
	assert_false(gl_evtchn_take(3000));
	assert_false(gl_evtchn_take(EVTCHN_2L_NR_CHANNELS));
	assert_int_equal(gl_evtchn_set_handler(EVTCHN_MAX_HANDLED, cb, NULL), -XEN_EINVAL);
	assert_int_equal(gl_evtchn_set_handler(0, cb, NULL), -XEN_EINVAL);
}

static void test_calls_return_the_hypervisors_port_and_errors(void **state)
{
	(void)state;
	evtchn_port_t p = 0;
	next_port = 12;
	assert_int_equal(gl_evtchn_alloc_unbound(0, &p), 0);
	assert_int_equal(p, 12);
	assert_int_equal(last_cmd, EVTCHNOP_alloc_unbound);
	next_port = 13;
	assert_int_equal(gl_evtchn_bind_interdomain(1, 5, &p), 0);
	assert_int_equal(p, 13);
	next_port = 14;
	assert_int_equal(gl_evtchn_bind_virq(VIRQ_DOM_EXC, &p), 0);
	assert_int_equal(p, 14);
	assert_int_equal(gl_evtchn_notify(14), 0);
	assert_int_equal(last_cmd, EVTCHNOP_send);
	assert_int_equal(last_port_arg, 14);
	gl_evtchn_set_handler(14, cb, NULL);
	assert_int_equal(gl_evtchn_close(14), 0);
	assert_int_equal(last_port_arg, 14);
	calls = 0;
	raise_event(14);
	gl_evtchn_poll();
	assert_int_equal(calls, 0); /* the callback went with the port */
	next_rc = -XEN_EPERM;
	p = 99;
	assert_int_equal(gl_evtchn_alloc_unbound_for(3, 0, &p), -XEN_EPERM);
	assert_int_equal(p, 99);
}

static void test_wait_sleeps_in_wfi_and_acknowledges_the_upcall(void **state)
{
	(void)state;
	deliver_on_sleep = 40;
	assert_int_equal(gl_evtchn_wait(0), 1);
	assert_int_equal(wfis, 1);
	assert_int_equal(yields, 0);
	assert_int_equal(eoied, 16 + 13); /* the tree's PPI, acknowledged and ended */
	assert_true(gl_evtchn_take(40));
	/* Nothing comes: a bounded wait gives up after its sleeps. */
	assert_int_equal(gl_evtchn_wait(3), 0);
	assert_int_equal(wfis, 4);
}

static void test_without_a_gic_waits_yield(void **state)
{
	(void)state;
	fake_shared_reset();
	fake_shared_window(region, sizeof(region));
	gic_version = -1;
	assert_int_equal(gl_evtchn_init(tree), 0);
	deliver_on_sleep = 41;
	assert_int_equal(gl_evtchn_wait(0), 1);
	assert_int_equal(yields, 1);
	assert_int_equal(wfis, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_maps_shared_info_and_enables_the_tree_ppi, setup),
		cmocka_unit_test_setup(test_event_runs_its_callback_and_clears_the_bits, setup),
		cmocka_unit_test_setup(test_masked_port_waits_until_a_handler_unmasks_it, setup),
		cmocka_unit_test_setup(test_event_without_callback_is_kept_for_take, setup),
		cmocka_unit_test_setup(test_calls_return_the_hypervisors_port_and_errors, setup),
		cmocka_unit_test_setup(test_wait_sleeps_in_wfi_and_acknowledges_the_upcall, setup),
		cmocka_unit_test_setup(test_without_a_gic_waits_yield, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
