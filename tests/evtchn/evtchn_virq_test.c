/* Global VIRQs raised by the hypervisor (evtchn_send_virq_global, VIRQ_DOM_EXC): delivered to the
 * control domain that bound them, as Xen sends them to their default handler, and to no one else. */
#include "tests/evtchn/evtchn_fake.h"

#define D0 (&fake_dom[0]) /* the control domain */
#define D1 (&fake_dom[1])

static evtchn_port_t bind_virq(struct domain *d, unsigned virq)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(d, &b), 0);
	return b.port;
}

static void test_evtchn_send_virq_global_reaches_the_control_domain_that_bound_it(void **state)
{
	(void)state;
	evtchn_send_virq_global(VIRQ_DOM_EXC); /* nobody bound it yet: nothing, no crash */
	assert_int_equal(fake_injects[0][0], 0);
	evtchn_port_t port = bind_virq(D0, VIRQ_DOM_EXC);
	evtchn_send_virq_global(VIRQ_DOM_EXC);
	assert_true(fake_pending(0, port));
	assert_int_equal(fake_injects[0][0], 1);
}

static void test_evtchn_send_virq_global_follows_the_port_to_its_vcpu(void **state)
{
	(void)state;
	evtchn_port_t port = bind_virq(D0, VIRQ_DOM_EXC);
	fake_register_vinfo(0);
	struct evtchn_bind_vcpu bv = { .port = port, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(D0, &bv), 0);
	evtchn_send_virq_global(VIRQ_DOM_EXC);
	assert_int_equal(fake_injects[0][1], 1);
	assert_int_equal(fake_injects[0][0], 0);
}

static void test_evtchn_send_virq_global_never_reaches_an_unprivileged_binder(void **state)
{
	(void)state;
	evtchn_port_t port = bind_virq(D1, VIRQ_DOM_EXC);
	evtchn_send_virq_global(VIRQ_DOM_EXC);
	assert_false(fake_pending(1, port));
	assert_int_equal(fake_injects[1][0], 0);
	/* The control domain binding it as well does not hand the DomU its events. */
	evtchn_port_t p0 = bind_virq(D0, VIRQ_DOM_EXC);
	evtchn_send_virq_global(VIRQ_DOM_EXC);
	assert_true(fake_pending(0, p0));
	assert_false(fake_pending(1, port));
}

static void test_evtchn_send_virq_global_after_close_or_reset_delivers_nothing(void **state)
{
	(void)state;
	evtchn_port_t port = bind_virq(D0, VIRQ_DOM_EXC);
	assert_int_equal(evtchn_close(D0, port), 0);
	evtchn_send_virq_global(VIRQ_DOM_EXC);
	assert_int_equal(fake_injects[0][0], 0);
	port = bind_virq(D0, VIRQ_DOM_EXC);
	assert_int_equal(evtchn_reset(D0, DOMID_SELF), 0);
	evtchn_send_virq_global(VIRQ_DOM_EXC);
	assert_int_equal(fake_injects[0][0], 0);
	assert_false(fake_pending(0, port));
}

/* The handler's table is freed with it: a later VIRQ must not touch it (ASan would see it). */
static void test_evtchn_send_virq_global_after_the_handler_is_destroyed_delivers_nothing(void **state)
{
	(void)state;
	bind_virq(D0, VIRQ_DOM_EXC);
	evtchn_domain_destroy(D0);
	evtchn_send_virq_global(VIRQ_DOM_EXC);
	assert_int_equal(fake_injects[0][0], 0);
	assert_int_equal(evtchn_domain_init(D0), 0); /* for the teardown */
}

static void test_evtchn_send_virq_global_ignores_per_vcpu_and_unknown_virqs(void **state)
{
	(void)state;
	evtchn_port_t port = bind_virq(D0, VIRQ_TIMER);
	evtchn_send_virq_global(VIRQ_TIMER);
	evtchn_send_virq_global(NR_VIRQS);
	evtchn_send_virq_global(~0u);
	assert_false(fake_pending(0, port));
	assert_int_equal(fake_injects[0][0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fake_setup, fake_teardown)
		T(test_evtchn_send_virq_global_reaches_the_control_domain_that_bound_it),
		T(test_evtchn_send_virq_global_follows_the_port_to_its_vcpu),
		T(test_evtchn_send_virq_global_never_reaches_an_unprivileged_binder),
		T(test_evtchn_send_virq_global_after_close_or_reset_delivers_nothing),
		T(test_evtchn_send_virq_global_after_the_handler_is_destroyed_delivers_nothing),
		T(test_evtchn_send_virq_global_ignores_per_vcpu_and_unknown_virqs),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
