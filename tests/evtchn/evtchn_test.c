/* Event channels op by op and misuse by misuse: Xen's results and errnos, the 2-level bits and the
 * upcall exactly when Xen would raise it. */
#include "tests/evtchn/evtchn_fake.h"

#define D0 (&fake_dom[0]) /* the control domain */
#define D1 (&fake_dom[1])
#define D2 (&fake_dom[2])

static evtchn_port_t unbound(struct domain *caller, domid_t dom, domid_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	assert_int_equal(evtchn_alloc_unbound(caller, &a), 0);
	return a.port;
}

static evtchn_port_t ipi(struct domain *d, uint32_t vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };
	assert_int_equal(evtchn_bind_ipi(d, &b), 0);
	return b.port;
}

static long bind(struct domain *d, domid_t rdom, evtchn_port_t rport, evtchn_port_t *local)
{
	struct evtchn_bind_interdomain b = { .remote_dom = rdom, .remote_port = rport, .local_port = 0xdead };
	long rc = evtchn_bind_interdomain(d, &b);
	if (local)
		*local = b.local_port;
	return rc;
}

static struct evtchn_status status(struct domain *caller, domid_t dom, evtchn_port_t port, long expect_rc)
{
	struct evtchn_status s = { .dom = dom, .port = port };
	assert_int_equal(evtchn_status(caller, &s), expect_rc);
	return s;
}

/* A connected pair: D1's port *p1 and D2's port *p2, both upcalls acknowledged. */
static void pair(evtchn_port_t *p1, evtchn_port_t *p2)
{
	*p2 = unbound(D2, DOMID_SELF, 1);
	assert_int_equal(bind(D1, 2, *p2, p1), 0);
	fake_shared[1]->evtchn_pending[*p1 / 64] = 0;
	fake_ack_upcall(1, 0);
	memset(fake_injects, 0, sizeof(fake_injects));
}

static void test_evtchn_port_zero_is_reserved(void **state)
{
	(void)state;
	assert_int_equal(status(D1, DOMID_SELF, 0, 0).status, EVTCHNSTAT_closed);
	assert_int_equal(evtchn_close(D1, 0), -XEN_EINVAL);
	assert_int_equal(evtchn_send(D1, 0), -XEN_EINVAL);
	struct evtchn_bind_vcpu bv = { .port = 0, .vcpu = 0 };
	assert_int_equal(evtchn_bind_vcpu(D1, &bv), -XEN_EINVAL);
	assert_int_equal(unbound(D1, DOMID_SELF, 2), 1);
}

static void test_evtchn_alloc_unbound_names_remote_domain(void **state)
{
	(void)state;
	evtchn_port_t p = unbound(D1, DOMID_SELF, 2);
	struct evtchn_status s = status(D1, 1, p, 0);
	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, 2);
	assert_int_equal(s.vcpu, 0);
	/* Each allocation gets a new port. */
	assert_int_not_equal(unbound(D1, DOMID_SELF, 2), p);
}

static void test_evtchn_alloc_unbound_remote_self_names_the_caller_not_the_owner(void **state)
{
	(void)state;
	evtchn_port_t p = unbound(D0, 2, DOMID_SELF);
	struct evtchn_status s = status(D0, 2, p, 0);
	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, 0);
}

static void test_evtchn_alloc_unbound_foreign_domain_without_permission_returns_eperm(void **state)
{
	(void)state;
	struct evtchn_alloc_unbound a = { .dom = 2, .remote_dom = 1, .port = 77 };
	assert_int_equal(evtchn_alloc_unbound(D1, &a), -XEN_EPERM);
	assert_int_equal(a.port, 77);
	/* Nothing was taken in D2's table: its first port is still free. */
	assert_int_equal(status(D2, DOMID_SELF, 1, 0).status, EVTCHNSTAT_closed);
	/* The control domain may. */
	assert_int_equal(evtchn_alloc_unbound(D0, &a), 0);
	assert_int_equal(status(D2, DOMID_SELF, a.port, 0).status, EVTCHNSTAT_unbound);
}

static void test_evtchn_alloc_unbound_unknown_domain_returns_esrch(void **state)
{
	(void)state;
	struct evtchn_alloc_unbound a = { .dom = 5, .remote_dom = 1 };
	assert_int_equal(evtchn_alloc_unbound(D0, &a), -XEN_ESRCH);
	a.dom = DOMID_IO;
	assert_int_equal(evtchn_alloc_unbound(D0, &a), -XEN_ESRCH);
}

static void test_evtchn_table_full_returns_enospc(void **state)
{
	(void)state;
	for (unsigned i = 1; i < EVTCHN_2L_NR_CHANNELS; i++)
		assert_int_equal(ipi(D1, 0), i);
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	assert_int_equal(evtchn_bind_ipi(D1, &b), -XEN_ENOSPC);
	/* A closed port is handed out again. */
	assert_int_equal(evtchn_close(D1, 1000), 0);
	assert_int_equal(ipi(D1, 0), 1000);
}

static void test_evtchn_table_growth_without_memory_returns_enomem(void **state)
{
	(void)state;
	for (unsigned i = 1; i < EVTCHN_BUCKET_PORTS; i++)
		ipi(D1, 0);
	fake_heap_left = 0;
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	assert_int_equal(evtchn_bind_ipi(D1, &b), -XEN_ENOMEM);
	/* Ports beyond the table do not exist yet. */
	status(D1, DOMID_SELF, EVTCHN_BUCKET_PORTS, -XEN_EINVAL);
	fake_heap_left = -1;
	assert_int_equal(ipi(D1, 0), EVTCHN_BUCKET_PORTS);
}

static void test_evtchn_bind_interdomain_links_both_ends_and_marks_local_pending(void **state)
{
	(void)state;
	evtchn_port_t p2 = unbound(D2, DOMID_SELF, 1), p1;
	assert_int_equal(bind(D1, 2, p2, &p1), 0);
	struct evtchn_status s = status(D1, DOMID_SELF, p1, 0);
	assert_int_equal(s.status, EVTCHNSTAT_interdomain);
	assert_int_equal(s.u.interdomain.dom, 2);
	assert_int_equal(s.u.interdomain.port, p2);
	s = status(D2, DOMID_SELF, p2, 0);
	assert_int_equal(s.status, EVTCHNSTAT_interdomain);
	assert_int_equal(s.u.interdomain.dom, 1);
	assert_int_equal(s.u.interdomain.port, p1);
	/* Sends to the unbound end were dropped: the binder gets one event for them. */
	assert_true(fake_pending(1, p1));
	assert_int_equal(fake_injects[1][0], 1);
	assert_false(fake_pending(2, p2));
}

static void test_evtchn_bind_interdomain_port_for_another_domain_returns_einval(void **state)
{
	(void)state;
	evtchn_port_t p2 = unbound(D2, DOMID_SELF, 7);
	evtchn_port_t local;
	assert_int_equal(bind(D1, 2, p2, &local), -XEN_EINVAL);
	assert_int_equal(local, 0xdead);
	assert_int_equal(status(D2, DOMID_SELF, p2, 0).status, EVTCHNSTAT_unbound);
	assert_int_equal(bind(&fake_dom[3], 2, p2, NULL), 0);
}

static void test_evtchn_bind_interdomain_port_out_of_range_returns_einval(void **state)
{
	(void)state;
	assert_int_equal(bind(D1, 2, EVTCHN_2L_NR_CHANNELS, NULL), -XEN_EINVAL);
	assert_int_equal(bind(D1, 2, UINT32_MAX, NULL), -XEN_EINVAL);
	assert_int_equal(bind(D1, 2, 5, NULL), -XEN_EINVAL); /* free */
	assert_int_equal(bind(D1, 2, 0, NULL), -XEN_EINVAL); /* reserved */
}

static void test_evtchn_bind_interdomain_to_bound_port_returns_einval(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	assert_int_equal(bind(D1, 2, p2, NULL), -XEN_EINVAL);
	evtchn_port_t i = ipi(D2, 0);
	assert_int_equal(bind(D1, 2, i, NULL), -XEN_EINVAL);
}

static void test_evtchn_bind_interdomain_unknown_domain_returns_esrch(void **state)
{
	(void)state;
	assert_int_equal(bind(D1, 3, 1, NULL), -XEN_ESRCH);
	assert_int_equal(bind(D1, DOMID_INVALID, 1, NULL), -XEN_ESRCH);
}

static void test_evtchn_loopback_send_reaches_the_other_end(void **state)
{
	(void)state;
	evtchn_port_t a = unbound(D1, DOMID_SELF, DOMID_SELF), b;
	assert_int_equal(bind(D1, DOMID_SELF, a, &b), 0);
	assert_int_not_equal(a, b);
	fake_shared[1]->evtchn_pending[0] = 0;
	fake_ack_upcall(1, 0);
	assert_int_equal(evtchn_send(D1, a), 0);
	assert_true(fake_pending(1, b));
	assert_false(fake_pending(1, a));
	assert_int_equal(evtchn_send(D1, b), 0);
	assert_true(fake_pending(1, a));
}

static void test_evtchn_send_interdomain_sets_peer_pending_and_raises_upcall(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_true(fake_pending(2, p2));
	assert_false(fake_pending(1, p1));
	assert_int_equal(fake_vi(2, 0)->evtchn_pending_sel, 1ull << (p2 / 64));
	assert_int_equal(fake_vi(2, 0)->evtchn_upcall_pending, 1);
	assert_int_equal(fake_injects[2][0], 1);
	assert_int_equal(fake_injects[1][0], 0);
}

static void test_evtchn_selector_bit_is_the_ports_word(void **state)
{
	(void)state;
	for (unsigned i = 1; i < 130; i++)
		ipi(D1, 0);
	evtchn_port_t p = ipi(D1, 0);
	assert_int_equal(p, 130);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_int_equal(fake_shared[1]->evtchn_pending[2], 1ull << 2);
	assert_int_equal(fake_vi(1, 0)->evtchn_pending_sel, 1ull << 2);
}

static void test_evtchn_send_to_masked_port_sets_pending_without_upcall(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	fake_mask(2, p2, true);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_true(fake_pending(2, p2));
	assert_int_equal(fake_vi(2, 0)->evtchn_pending_sel, 0);
	assert_int_equal(fake_vi(2, 0)->evtchn_upcall_pending, 0);
	assert_int_equal(fake_injects[2][0], 0);
}

static void test_evtchn_send_again_before_the_guest_looks_raises_one_upcall(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	evtchn_port_t q2 = unbound(D2, DOMID_SELF, 1), q1;
	assert_int_equal(bind(D1, 2, q2, &q1), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(evtchn_send(D1, p1), 0);
		assert_int_equal(evtchn_send(D1, q1), 0);
	}
	assert_int_equal(fake_injects[2][0], 1);
	/* The guest handled it: the next event interrupts again. */
	fake_ack_upcall(2, 0);
	fake_shared[2]->evtchn_pending[0] = 0;
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_int_equal(fake_injects[2][0], 2);
}

static void test_evtchn_send_to_closed_port_returns_einval(void **state)
{
	(void)state;
	evtchn_port_t p = ipi(D1, 0);
	assert_int_equal(evtchn_close(D1, p), 0);
	assert_int_equal(evtchn_send(D1, p), -XEN_EINVAL);
	assert_int_equal(evtchn_send(D1, p + 1), -XEN_EINVAL); /* never opened */
	assert_false(fake_pending(1, p));
	assert_int_equal(fake_injects[1][0], 0);
}

static void test_evtchn_send_port_out_of_range_returns_einval(void **state)
{
	(void)state;
	assert_int_equal(evtchn_send(D1, EVTCHN_BUCKET_PORTS), -XEN_EINVAL);
	assert_int_equal(evtchn_send(D1, EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL);
	assert_int_equal(evtchn_send(D1, UINT32_MAX), -XEN_EINVAL);
	assert_int_equal(evtchn_unmask(D1, EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL);
	assert_int_equal(evtchn_close(D1, UINT32_MAX), -XEN_EINVAL);
	status(D1, DOMID_SELF, 1u << 31, -XEN_EINVAL);
}

static void test_evtchn_send_on_unbound_port_is_dropped(void **state)
{
	(void)state;
	evtchn_port_t p = unbound(D1, DOMID_SELF, 2);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_false(fake_pending(1, p));
	for (unsigned i = 0; i < FAKE_DOMS; i++)
		assert_int_equal(fake_injects[i][0], 0);
}

static void test_evtchn_send_on_virq_port_returns_einval(void **state)
{
	(void)state;
	struct evtchn_bind_virq b = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(D1, &b), 0);
	assert_int_equal(evtchn_send(D1, b.port), -XEN_EINVAL);
	assert_false(fake_pending(1, b.port));
}

static void test_evtchn_ipi_to_self_notifies_the_bound_vcpu(void **state)
{
	(void)state;
	fake_register_vinfo(1);
	evtchn_port_t p = ipi(D1, 1);
	assert_int_equal(status(D1, DOMID_SELF, p, 0).status, EVTCHNSTAT_ipi);
	assert_int_equal(status(D1, DOMID_SELF, p, 0).vcpu, 1);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_true(fake_pending(1, p));
	assert_int_equal(fake_vi(1, 1)->evtchn_upcall_pending, 1);
	assert_int_equal(fake_vi(1, 0)->evtchn_upcall_pending, 0);
	assert_int_equal(fake_injects[1][1], 1);
	assert_int_equal(fake_injects[1][0], 0);
}

static void test_evtchn_send_to_vcpu_without_vcpu_info_sets_only_pending(void **state)
{
	(void)state;
	evtchn_port_t p = ipi(D1, 1);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_true(fake_pending(1, p));
	assert_int_equal(fake_injects[1][1], 0);
	assert_int_equal(fake_vi(1, 0)->evtchn_pending_sel, 0);
}

static void test_evtchn_bind_ipi_unknown_vcpu_returns_enoent(void **state)
{
	(void)state;
	struct evtchn_bind_ipi b = { .vcpu = FAKE_VCPUS, .port = 9 };
	assert_int_equal(evtchn_bind_ipi(D1, &b), -XEN_ENOENT);
	b.vcpu = UINT32_MAX;
	assert_int_equal(evtchn_bind_ipi(D1, &b), -XEN_ENOENT);
	assert_int_equal(b.port, 9);
}

static void test_evtchn_bind_virq_checks_number_vcpu_and_duplicates(void **state)
{
	(void)state;
	struct evtchn_bind_virq b = { .virq = NR_VIRQS, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(D1, &b), -XEN_EINVAL);
	b = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 1 }; /* global: vCPU 0 only */
	assert_int_equal(evtchn_bind_virq(D1, &b), -XEN_EINVAL);
	b = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = FAKE_VCPUS };
	assert_int_equal(evtchn_bind_virq(D1, &b), -XEN_ENOENT);
	b = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 1 }; /* per vCPU: any vCPU */
	assert_int_equal(evtchn_bind_virq(D1, &b), 0);
	struct evtchn_status s = status(D1, DOMID_SELF, b.port, 0);
	assert_int_equal(s.status, EVTCHNSTAT_virq);
	assert_int_equal(s.u.virq, VIRQ_TIMER);
	assert_int_equal(s.vcpu, 1);
	assert_int_equal(evtchn_bind_virq(D1, &b), -XEN_EEXIST);
	b.vcpu = 0; /* another vCPU's VIRQ_TIMER is its own */
	assert_int_equal(evtchn_bind_virq(D1, &b), 0);
}

static void test_evtchn_send_virq_delivers_only_when_bound(void **state)
{
	(void)state;
	evtchn_send_virq(&fake_vcpu[1][0], VIRQ_DOM_EXC);
	evtchn_send_virq(&fake_vcpu[1][0], NR_VIRQS + 5);
	assert_int_equal(fake_injects[1][0], 0);
	struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(D1, &b), 0);
	fake_register_vinfo(1);
	struct evtchn_bind_vcpu bv = { .port = b.port, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(D1, &bv), 0);
	/* A global VIRQ, raised from any vCPU, goes where its port is bound. */
	evtchn_send_virq(&fake_vcpu[1][0], VIRQ_DOM_EXC);
	assert_true(fake_pending(1, b.port));
	assert_int_equal(fake_injects[1][1], 1);
	assert_int_equal(fake_injects[1][0], 0);
}

static void test_evtchn_close_interdomain_turns_peer_unbound(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	assert_int_equal(evtchn_close(D1, p1), 0);
	assert_int_equal(status(D1, DOMID_SELF, p1, 0).status, EVTCHNSTAT_closed);
	struct evtchn_status s = status(D2, DOMID_SELF, p2, 0);
	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, 1);
	/* Sends from the survivor are dropped; the closer can bind to it again. */
	assert_int_equal(evtchn_send(D2, p2), 0);
	assert_int_equal(fake_injects[1][0], 0);
	assert_int_equal(bind(D1, 2, p2, NULL), 0);
}

static void test_evtchn_close_clears_pending_and_frees_the_port(void **state)
{
	(void)state;
	evtchn_port_t p = ipi(D1, 0);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_true(fake_pending(1, p));
	assert_int_equal(evtchn_close(D1, p), 0);
	assert_false(fake_pending(1, p));
	assert_int_equal(evtchn_close(D1, p), -XEN_EINVAL);
	assert_int_equal(ipi(D1, 0), p);
}

static void test_evtchn_close_virq_allows_binding_it_again(void **state)
{
	(void)state;
	struct evtchn_bind_virq b = { .virq = VIRQ_DEBUG, .vcpu = 1 };
	assert_int_equal(evtchn_bind_virq(D1, &b), 0);
	assert_int_equal(evtchn_close(D1, b.port), 0);
	assert_int_equal(evtchn_bind_virq(D1, &b), 0);
}

static void test_evtchn_status_foreign_domain_without_permission_returns_eperm(void **state)
{
	(void)state;
	evtchn_port_t p = ipi(D2, 0);
	status(D1, 2, p, -XEN_EPERM);
	status(D1, 9, p, -XEN_ESRCH);
	struct evtchn_status s = status(D0, 2, p, 0);
	assert_int_equal(s.status, EVTCHNSTAT_ipi);
	status(D0, 2, EVTCHN_2L_NR_CHANNELS, -XEN_EINVAL);
}

static void test_evtchn_unmask_delivers_an_event_that_arrived_masked(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	fake_mask(2, p2, true);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_int_equal(fake_injects[2][0], 0);
	assert_int_equal(evtchn_unmask(D2, p2), 0);
	assert_false(fake_shared[2]->evtchn_mask[p2 / 64] >> (p2 % 64) & 1);
	assert_int_equal(fake_vi(2, 0)->evtchn_upcall_pending, 1);
	assert_int_equal(fake_injects[2][0], 1);
	/* Unmasking what is not masked, or not pending, raises nothing. */
	assert_int_equal(evtchn_unmask(D2, p2), 0);
	fake_ack_upcall(2, 0);
	fake_shared[2]->evtchn_pending[0] = 0;
	fake_mask(2, p2, true);
	assert_int_equal(evtchn_unmask(D2, p2), 0);
	assert_int_equal(fake_injects[2][0], 1);
}

static void test_evtchn_bind_vcpu_moves_notifications(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	fake_register_vinfo(2);
	struct evtchn_bind_vcpu bv = { .port = p2, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(D2, &bv), 0);
	assert_int_equal(status(D2, DOMID_SELF, p2, 0).vcpu, 1);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_int_equal(fake_injects[2][1], 1);
	assert_int_equal(fake_injects[2][0], 0);
}

static void test_evtchn_bind_vcpu_misuse_returns_xen_errnos(void **state)
{
	(void)state;
	evtchn_port_t i = ipi(D1, 0);
	struct evtchn_bind_vcpu bv = { .port = i, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(D1, &bv), -XEN_EINVAL); /* IPIs stay on their vCPU */
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };
	assert_int_equal(evtchn_bind_virq(D1, &b), 0);
	bv.port = b.port;
	assert_int_equal(evtchn_bind_vcpu(D1, &bv), -XEN_EINVAL); /* per-vCPU VIRQ */
	bv = (struct evtchn_bind_vcpu){ .port = unbound(D1, DOMID_SELF, 2), .vcpu = FAKE_VCPUS };
	assert_int_equal(evtchn_bind_vcpu(D1, &bv), -XEN_ENOENT);
	bv = (struct evtchn_bind_vcpu){ .port = 40, .vcpu = 1 };
	assert_int_equal(evtchn_bind_vcpu(D1, &bv), -XEN_EINVAL); /* closed */
	bv.port = EVTCHN_2L_NR_CHANNELS;
	assert_int_equal(evtchn_bind_vcpu(D1, &bv), -XEN_EINVAL);
}

static void test_evtchn_reset_closes_every_port_and_unbinds_peers(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	evtchn_port_t i = ipi(D1, 0);
	assert_int_equal(evtchn_reset(D1, DOMID_SELF), 0);
	assert_int_equal(status(D1, DOMID_SELF, p1, 0).status, EVTCHNSTAT_closed);
	assert_int_equal(status(D1, DOMID_SELF, i, 0).status, EVTCHNSTAT_closed);
	assert_int_equal(status(D1, DOMID_SELF, 0, 0).status, EVTCHNSTAT_closed);
	assert_int_equal(status(D2, DOMID_SELF, p2, 0).status, EVTCHNSTAT_unbound);
	assert_int_equal(ipi(D1, 0), 1);
}

static void test_evtchn_reset_of_another_domain_needs_privilege_and_a_pause(void **state)
{
	(void)state;
	evtchn_port_t p = ipi(D2, 0);
	assert_int_equal(evtchn_reset(D1, 2), -XEN_EPERM);
	assert_int_equal(evtchn_reset(D0, 2), -XEN_EINVAL);
	assert_int_equal(evtchn_reset(D0, 4), -XEN_ESRCH);
	assert_int_equal(status(D2, DOMID_SELF, p, 0).status, EVTCHNSTAT_ipi);
	D2->pause_count = 1;
	assert_int_equal(evtchn_reset(D0, 2), 0);
	assert_int_equal(status(D2, DOMID_SELF, p, 0).status, EVTCHNSTAT_closed);
}

static void test_evtchn_domain_destroy_turns_peers_unbound(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	evtchn_domain_destroy(D2);
	assert_null(D2->evtchn);
	struct evtchn_status s = status(D1, DOMID_SELF, p1, 0);
	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, 2);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_int_equal(fake_injects[2][0], 0);
	assert_int_equal(bind(D1, 2, p2, NULL), -XEN_ESRCH);
	evtchn_domain_destroy(D2); /* twice is harmless */
}

static void test_evtchn_guest_word_updates_past_their_attempts_pause_the_guest(void **state)
{
	(void)state;
	evtchn_port_t p1, p2;
	pair(&p1, &p2);
	/* Normally no pause at all. */
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_int_equal(fake_pauses, 0);
	fake_ack_upcall(2, 0);
	fake_shared[2]->evtchn_pending[0] = 0;
	/* No single attempt allowed, as if the guest kept every word from us: each update (pending,
	 * selector, upcall flag) pauses the receiver, kicks its vCPUs and still completes. */
	evtchn_guest_tries = 0;
	fake_vi(2, 0)->evtchn_upcall_mask = 0x5a;
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_true(fake_pending(2, p2));
	assert_int_equal(fake_vi(2, 0)->evtchn_pending_sel, 1ull << (p2 / 64));
	assert_int_equal(fake_vi(2, 0)->evtchn_upcall_pending, 1);
	assert_int_equal(fake_vi(2, 0)->evtchn_upcall_mask, 0x5a); /* the byte beside it is the guest's */
	assert_int_equal(fake_injects[2][0], 2);
	assert_int_equal(fake_pauses, 3);
	assert_int_equal(fake_unpauses, 3);
	assert_int_equal(fake_kicks, 3 * FAKE_VCPUS);
	assert_int_equal(D2->pause_count, 0);
	assert_int_equal(D1->pause_count, 0);
	/* Unmask and close take the same path. */
	fake_mask(2, p2, true);
	assert_int_equal(evtchn_unmask(D2, p2), 0);
	assert_int_equal(evtchn_close(D2, p2), 0);
	assert_false(fake_pending(2, p2));
	assert_int_equal(fake_pauses, fake_unpauses);
	assert_int_equal(D2->pause_count, 0);
}

static void test_evtchn_domain_init_without_memory_returns_enomem(void **state)
{
	(void)state;
	struct domain d = { .id = 9 };
	fake_heap_left = 1; /* the table, not its first bucket */
	assert_int_equal(evtchn_domain_init(&d), -XEN_ENOMEM);
	fake_heap_left = 0;
	assert_int_equal(evtchn_domain_init(&d), -XEN_ENOMEM);
	assert_null(d.evtchn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fake_setup, fake_teardown)
		T(test_evtchn_port_zero_is_reserved),
		T(test_evtchn_alloc_unbound_names_remote_domain),
		T(test_evtchn_alloc_unbound_remote_self_names_the_caller_not_the_owner),
		T(test_evtchn_alloc_unbound_foreign_domain_without_permission_returns_eperm),
		T(test_evtchn_alloc_unbound_unknown_domain_returns_esrch),
		T(test_evtchn_table_full_returns_enospc),
		T(test_evtchn_table_growth_without_memory_returns_enomem),
		T(test_evtchn_bind_interdomain_links_both_ends_and_marks_local_pending),
		T(test_evtchn_bind_interdomain_port_for_another_domain_returns_einval),
		T(test_evtchn_bind_interdomain_port_out_of_range_returns_einval),
		T(test_evtchn_bind_interdomain_to_bound_port_returns_einval),
		T(test_evtchn_bind_interdomain_unknown_domain_returns_esrch),
		T(test_evtchn_loopback_send_reaches_the_other_end),
		T(test_evtchn_send_interdomain_sets_peer_pending_and_raises_upcall),
		T(test_evtchn_selector_bit_is_the_ports_word),
		T(test_evtchn_send_to_masked_port_sets_pending_without_upcall),
		T(test_evtchn_send_again_before_the_guest_looks_raises_one_upcall),
		T(test_evtchn_send_to_closed_port_returns_einval),
		T(test_evtchn_send_port_out_of_range_returns_einval),
		T(test_evtchn_send_on_unbound_port_is_dropped),
		T(test_evtchn_send_on_virq_port_returns_einval),
		T(test_evtchn_ipi_to_self_notifies_the_bound_vcpu),
		T(test_evtchn_send_to_vcpu_without_vcpu_info_sets_only_pending),
		T(test_evtchn_bind_ipi_unknown_vcpu_returns_enoent),
		T(test_evtchn_bind_virq_checks_number_vcpu_and_duplicates),
		T(test_evtchn_send_virq_delivers_only_when_bound),
		T(test_evtchn_close_interdomain_turns_peer_unbound),
		T(test_evtchn_close_clears_pending_and_frees_the_port),
		T(test_evtchn_close_virq_allows_binding_it_again),
		T(test_evtchn_status_foreign_domain_without_permission_returns_eperm),
		T(test_evtchn_unmask_delivers_an_event_that_arrived_masked),
		T(test_evtchn_bind_vcpu_moves_notifications),
		T(test_evtchn_bind_vcpu_misuse_returns_xen_errnos),
		T(test_evtchn_reset_closes_every_port_and_unbinds_peers),
		T(test_evtchn_reset_of_another_domain_needs_privilege_and_a_pause),
		T(test_evtchn_domain_destroy_turns_peers_unbound),
		T(test_evtchn_guest_word_updates_past_their_attempts_pause_the_guest),
		T(test_evtchn_domain_init_without_memory_returns_enomem),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
