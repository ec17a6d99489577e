/* Hypercalls that name another domain (hvm_op's params, event channels on a foreign table) hold a
 * domain_get reference while they use it: a domain whose teardown another pCPU has decided is not
 * found (-ESRCH), and each call puts what it took, so a destroy right after it is immediate.
 * "Another pCPU" is a reference the test holds, as an in-flight domctl would: the teardown waits
 * for it, which is the window a lookup without a reference could step into. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hcall/hcall.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "tests/hcall/domctl_world.h"

static long hvm(struct domain *caller, unsigned cmd, domid_t dom, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = dom, .index = index, .value = *value };
	long rc = world_call(caller, __HYPERVISOR_hvm_op, cmd, &p, sizeof(p));
	*value = p.value;
	return rc;
}

static long alloc_unbound(domid_t dom, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	long rc = world_call(world_dom0, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &a, sizeof(a));
	*port = a.port;
	return rc;
}

static long bind(struct domain *caller, domid_t remote, evtchn_port_t rport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport };
	return world_call(caller, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, &b, sizeof(b));
}

static long status(domid_t dom, evtchn_port_t port)
{
	struct evtchn_status s = { .dom = dom, .port = port };
	return world_call(world_dom0, __HYPERVISOR_event_channel_op, EVTCHNOP_status, &s, sizeof(s));
}

static long reset(domid_t dom)
{
	domid_t d = dom;
	return world_call(world_dom0, __HYPERVISOR_event_channel_op, EVTCHNOP_reset, &d, sizeof(d));
}

/* Destroys @id, which nobody else references: it must be gone at once, leaving @s. */
static void destroy_now(domid_t id, struct world_snap s)
{
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
	world_back_to(s);
}

static void test_hvm_param_of_a_domain_being_torn_down_returns_esrch(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t id = world_create(1);
	uint64_t v = 0x1234;
	assert_int_equal(hvm(world_dom0, HVMOP_set_param, id, HVM_PARAM_STORE_PFN, &v), 0);

	struct domain *held = domain_get(id);
	assert_non_null(held);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_ptr_equal(domain_by_id(id), held); /* still listed: its teardown waits for us */
	v = 0x5678;
	assert_int_equal(hvm(world_dom0, HVMOP_set_param, id, HVM_PARAM_STORE_PFN, &v), -XEN_ESRCH);
	assert_int_equal(hvm(world_dom0, HVMOP_get_param, id, HVM_PARAM_STORE_PFN, &v), -XEN_ESRCH);
	assert_int_equal(held->hvm_param[HVM_PARAM_STORE_PFN], 0x1234);
	domain_put(held);
	assert_null(domain_by_id(id));
	world_back_to(s);
}

static void test_hvm_param_calls_leave_no_reference_behind(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t id = world_create(1);
	uint64_t v = 77;

	assert_int_equal(hvm(world_dom0, HVMOP_set_param, id, HVM_PARAM_CONSOLE_PFN, &v), 0);
	v = 0;
	assert_int_equal(hvm(world_dom0, HVMOP_get_param, id, HVM_PARAM_CONSOLE_PFN, &v), 0);
	assert_int_equal(v, 77);
	/* Refused and failed calls on a foreign domain put their reference too. */
	assert_int_equal(hvm(world_domu, HVMOP_get_param, id, HVM_PARAM_CONSOLE_PFN, &v), -XEN_EPERM);
	assert_int_equal(hvm(world_domu, HVMOP_set_param, 0, HVM_PARAM_CONSOLE_PFN, &v), -XEN_EPERM);
	destroy_now(id, s);
	assert_int_equal(hvm(world_dom0, HVMOP_get_param, id, HVM_PARAM_CONSOLE_PFN, &v), -XEN_ESRCH);
}

static void test_evtchn_ops_on_a_domain_being_torn_down_return_esrch(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t id = world_create(1);
	evtchn_port_t port;
	assert_int_equal(alloc_unbound(id, world_domu->id, &port), 0);

	struct domain *held = domain_get(id);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_ptr_equal(domain_by_id(id), held);
	evtchn_port_t other;
	assert_int_equal(alloc_unbound(id, world_domu->id, &other), -XEN_ESRCH);
	assert_int_equal(bind(world_domu, id, port), -XEN_ESRCH);
	assert_int_equal(status(id, port), -XEN_ESRCH);
	assert_int_equal(reset(id), -XEN_ESRCH);
	domain_put(held);
	assert_null(domain_by_id(id));
	world_back_to(s);
}

static void test_evtchn_ops_on_a_foreign_domain_leave_no_reference_behind(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t id = world_create(1);
	evtchn_port_t port;

	assert_int_equal(alloc_unbound(id, world_domu->id, &port), 0);
	assert_int_equal(status(id, port), 0);
	assert_int_equal(bind(world_domu, id, port), 0);
	assert_int_equal(bind(world_domu, id, port), -XEN_EINVAL); /* bound now: refused, still put */
	assert_int_equal(reset(id), 0);                            /* created paused, as Xen's are */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(reset(id), -XEN_EINVAL); /* running: refused, still put */
	destroy_now(id, s);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, world_setup_v3, world_teardown_test)
	const struct CMUnitTest tests[] = {
		T(test_hvm_param_of_a_domain_being_torn_down_returns_esrch),
		T(test_hvm_param_calls_leave_no_reference_behind),
		T(test_evtchn_ops_on_a_domain_being_torn_down_return_esrch),
		T(test_evtchn_ops_on_a_foreign_domain_leave_no_reference_behind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
