/* event_channel_op from the guest's side: argument structs copied in and results copied back
 * through guest pointers, bad pointers and unserved commands answered with Xen's errnos, and a
 * storm of random hostile calls between domains that leaves every link consistent. */
#include <stdlib.h>

#include "tests/evtchn/evtchn_fake.h"

#include "hcall/hcall.h"

static long op(unsigned dom, uint64_t cmd, uint64_t gva)
{
	uint64_t a[5] = { cmd, gva };
	bool yield = false;
	long rc = hcall_event_channel_op(&fake_vcpu[dom][0], a, &yield);
	assert_false(yield);
	return rc;
}

static void *at(uint64_t gva) { return fake_guest + (gva - FAKE_GVA); }

static void test_evtchn_hcall_alloc_unbound_writes_the_port_back(void **state)
{
	(void)state;
	struct evtchn_alloc_unbound *a = at(FAKE_GVA + 0x100);
	*a = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = 2, .port = 0 };
	assert_int_equal(op(1, EVTCHNOP_alloc_unbound, FAKE_GVA + 0x100), 0);
	assert_int_equal(a->port, 1);
	assert_int_equal(a->remote_dom, 2);
	struct evtchn_status *s = at(FAKE_GVA + 0x200);
	*s = (struct evtchn_status){ .dom = DOMID_SELF, .port = 1 };
	assert_int_equal(op(1, EVTCHNOP_status, FAKE_GVA + 0x200), 0);
	assert_int_equal(s->status, EVTCHNSTAT_unbound);
	assert_int_equal(s->u.unbound.dom, 2);
}

static void test_evtchn_hcall_bad_pointer_returns_efault(void **state)
{
	(void)state;
	static const unsigned cmds[] = {
		EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_close,     EVTCHNOP_send,   EVTCHNOP_status,
		EVTCHNOP_alloc_unbound,    EVTCHNOP_bind_ipi,  EVTCHNOP_bind_vcpu, EVTCHNOP_unmask, EVTCHNOP_reset
	};
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		assert_int_equal(op(1, cmds[i], 0), -XEN_EFAULT);
		assert_int_equal(op(1, cmds[i], FAKE_GVA + FAKE_GLEN - 1), -XEN_EFAULT);
		assert_int_equal(op(1, cmds[i], UINT64_MAX - 1), -XEN_EFAULT);
	}
}

static void test_evtchn_hcall_result_unwritable_returns_efault_after_the_op(void **state)
{
	(void)state;
	/* Readable, not writable: the op happens (as in Xen), its result cannot be returned. */
	uint64_t gva = FAKE_GVA + FAKE_GWLEN;
	struct evtchn_bind_ipi *b = at(gva);
	*b = (struct evtchn_bind_ipi){ .vcpu = 0 };
	assert_int_equal(op(1, EVTCHNOP_bind_ipi, gva), -XEN_EFAULT);
	struct evtchn_status s = { .dom = DOMID_SELF, .port = 1 };
	assert_int_equal(evtchn_status(&fake_dom[1], &s), 0);
	assert_int_equal(s.status, EVTCHNSTAT_ipi);
	/* In-only ops never write. */
	struct evtchn_send *sd = at(gva);
	sd->port = 1;
	assert_int_equal(op(1, EVTCHNOP_send, gva), 0);
}

static void test_evtchn_hcall_failed_op_leaves_guest_struct_untouched(void **state)
{
	(void)state;
	struct evtchn_bind_ipi *b = at(FAKE_GVA);
	*b = (struct evtchn_bind_ipi){ .vcpu = 99, .port = 1234 };
	assert_int_equal(op(1, EVTCHNOP_bind_ipi, FAKE_GVA), -XEN_ENOENT);
	assert_int_equal(b->port, 1234);
}

static void test_evtchn_hcall_unserved_commands_return_xen_errnos(void **state)
{
	(void)state;
	assert_int_equal(op(1, EVTCHNOP_init_control, FAKE_GVA), -XEN_ENOSYS);
	assert_int_equal(op(1, EVTCHNOP_set_priority, FAKE_GVA), -XEN_ENOSYS);
	assert_int_equal(op(1, EVTCHNOP_expand_array, FAKE_GVA), -XEN_ENOTSUP);
	assert_int_equal(op(1, EVTCHNOP_bind_pirq, FAKE_GVA), -XEN_EINVAL);
	assert_int_equal(op(1, 14, FAKE_GVA), -XEN_ENOSYS);
	assert_int_equal(op(1, 0x7fffffff, FAKE_GVA), -XEN_ENOSYS);
}

static void test_evtchn_hcall_command_is_the_low_32_bits(void **state)
{
	(void)state;
	struct evtchn_bind_ipi *b = at(FAKE_GVA);
	*b = (struct evtchn_bind_ipi){ .vcpu = 0 };
	assert_int_equal(op(1, (1ull << 32) | EVTCHNOP_bind_ipi, FAKE_GVA), 0);
	assert_int_equal(b->port, 1);
}

static void test_evtchn_hcall_domain_without_table_returns_esrch(void **state)
{
	(void)state;
	evtchn_domain_destroy(&fake_dom[1]);
	assert_int_equal(op(1, EVTCHNOP_send, FAKE_GVA), -XEN_ESRCH);
}

/* Every link is mutual and every VIRQ entry points at its port. */
static void check_invariants(void)
{
	for (unsigned i = 0; i < FAKE_DOMS; i++) {
		struct domain *d = &fake_dom[i];
		struct evtchn_dom *e = d->evtchn;
		assert_int_equal(evtchn_port(e, 0)->state, ECS_RESERVED);
		for (evtchn_port_t p = 1; p < e->nr_valid; p++) {
			struct evtchn_port *x = evtchn_port(e, p);
			assert_true(x->vcpu < d->nr_vcpus);
			if (x->state == ECS_INTERDOMAIN) {
				struct domain *r = domain_by_id(x->rdom);
				assert_non_null(r);
				struct evtchn_port *y = evtchn_port(r->evtchn, x->rport);
				assert_non_null(y);
				assert_int_equal(y->state, ECS_INTERDOMAIN);
				assert_int_equal(y->rdom, d->id);
				assert_int_equal(y->rport, p);
			} else if (x->state == ECS_VIRQ) {
				unsigned v = evtchn_virq_is_global(x->virq) ? 0 : x->vcpu;
				assert_int_equal(e->virq_port[v][x->virq], p);
			}
		}
		for (unsigned v = 0; v < DOMAIN_MAX_VCPUS; v++)
			for (unsigned q = 0; q < NR_VIRQS; q++)
				if (e->virq_port[v][q])
					assert_int_equal(evtchn_port(e, e->virq_port[v][q])->state, ECS_VIRQ);
	}
}

static uint32_t small(void) { return (uint32_t)(rand() % 4 == 0 ? rand() : rand() % 80); }

static void test_evtchn_hcall_random_hostile_calls_keep_links_consistent(void **state)
{
	(void)state;
	static const domid_t doms[] = { 0, 1, 2, 7, 3, DOMID_SELF, DOMID_INVALID };
	unsigned linked = 0;
	srand(6);
	for (unsigned n = 0; n < 60000; n++) {
		unsigned caller = (unsigned)rand() % FAKE_DOMS;
		uint64_t gva = FAKE_GVA + (uint64_t)(rand() % 64) * 8;
		uint32_t *w = at(gva);
		for (unsigned k = 0; k < 6; k++)
			w[k] = small();
		/* Domain ids where the structs hold them, mostly real ones. */
		domid_t dom = doms[(unsigned)rand() % (sizeof(doms) / sizeof(doms[0]))];
		unsigned cmd = (unsigned)rand() % 15;
		if (cmd == EVTCHNOP_alloc_unbound) {
			((uint16_t *)w)[0] = dom;
			((uint16_t *)w)[1] = doms[(unsigned)rand() % 4];
		} else if (cmd == EVTCHNOP_bind_interdomain || cmd == EVTCHNOP_status || cmd == EVTCHNOP_reset) {
			((uint16_t *)w)[0] = dom;
		}
		/* Ports mostly among the few in use, so operations meet each other. */
		bool port_first = cmd == EVTCHNOP_close || cmd == EVTCHNOP_send || cmd == EVTCHNOP_unmask ||
				  cmd == EVTCHNOP_bind_vcpu;
		if (rand() % 4 && (port_first || cmd == EVTCHNOP_bind_interdomain || cmd == EVTCHNOP_status))
			w[port_first ? 0 : 1] = (uint32_t)rand() % 10;
		if (rand() % 50 == 0)
			fake_dom[caller].pause_count ^= 1;
		long rc = op(caller, cmd, gva);
		assert_true(rc == 0 || rc == -XEN_EINVAL || rc == -XEN_EPERM || rc == -XEN_ESRCH || rc == -XEN_ENOENT ||
			    rc == -XEN_EEXIST || rc == -XEN_ENOSYS || rc == -XEN_ENOTSUP || rc == -XEN_ENOSPC);
		linked += cmd == EVTCHNOP_bind_interdomain && rc == 0;
		if (n % 64 == 0)
			check_invariants();
	}
	check_invariants();
	print_message("%u links made\n", linked);
	assert_true(linked > 20); /* the storm did exercise links, not only errors */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fake_setup, fake_teardown)
		T(test_evtchn_hcall_alloc_unbound_writes_the_port_back),
		T(test_evtchn_hcall_bad_pointer_returns_efault),
		T(test_evtchn_hcall_result_unwritable_returns_efault_after_the_op),
		T(test_evtchn_hcall_failed_op_leaves_guest_struct_untouched),
		T(test_evtchn_hcall_unserved_commands_return_xen_errnos),
		T(test_evtchn_hcall_command_is_the_low_32_bits),
		T(test_evtchn_hcall_domain_without_table_returns_esrch),
		T(test_evtchn_hcall_random_hostile_calls_keep_links_consistent),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
