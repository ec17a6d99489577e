/* A thousand domains created and destroyed through the hypercall entry as a toolstack does it:
 * createdomain, max_mem, memory, an event channel and a grant mapping to Dom0, a vCPU context,
 * unpause; then destroyed paused, destroyed while running, or shut down by the guest and reaped.
 * Afterwards every frame, heap byte, domid and VMID is back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gnttab/gnttab.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "tests/hcall/domctl_world.h"

#define CYCLES      1000
#define GUEST_PAGES 48
#define MAP_IPA     UINT64_C(0x50000000) /* where Dom0 maps the new domain's granted page */

enum fate { DESTROY_PAUSED, DESTROY_RUNNING, SHUTDOWN_REAPED, FATES };

struct link {
	evtchn_port_t dom0_port;
	grant_handle_t handle;
	bool mapped;
};

static struct vcpu *running(domid_t id)
{
	for (unsigned cpu = 0; cpu < WORLD_PCPUS; cpu++) {
		struct vcpu *v = world_pick(cpu);
		if (v) {
			assert_int_equal(v->dom->id, id); /* the only vCPU that can run here */
			return v;
		}
	}
	fail_msg("d%u's vCPU 0 is on no run queue", id);
	return NULL;
}

/* What a toolstack does to build domain @id (libxl's order), each step through the hypercalls. */
static struct link build(domid_t id)
{
	struct domain *d = domain_by_id(id);
	struct xen_domctl op = world_op(XEN_DOMCTL_max_mem, id);
	struct link l = { 0 };

	op.u.max_mem.max_memkb = GUEST_PAGES * 4;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_true(domain_may_grow(d, GUEST_PAGES));
	world_populate(d, WORLD_ARG_IPA >> 12, GUEST_PAGES);
	assert_false(domain_may_grow(d, 1));
	/* Its console-style port for Dom0, and Dom0's end of it. */
	struct evtchn_alloc_unbound au = { .dom = id, .remote_dom = 0 };
	assert_int_equal(world_call(world_dom0, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &au, sizeof(au)),
			 0);
	struct evtchn_bind_interdomain bi = { .remote_dom = id, .remote_port = au.port };
	assert_int_equal(
	    world_call(world_dom0, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
	l.dom0_port = bi.local_port;
	/* Its xenstore-style page granted to Dom0 (as the toolstack seeds ref 1), and mapped there. */
	assert_int_equal(gnttab_seed(d, 1, 0, (WORLD_ARG_IPA >> 12) + 1), 0);
	struct gnttab_map_grant_ref m = { .host_addr = MAP_IPA, .flags = GNTMAP_host_map, .ref = 1, .dom = id };
	assert_int_equal(world_call(world_dom0, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, &m, sizeof(m)), 0);
	assert_int_equal(m.status, GNTST_okay);
	l.handle = m.handle;
	l.mapped = true;
	struct vcpu_guest_context c = { .flags = VGCF_online };
	c.user_regs.pc64 = WORLD_ARG_IPA;
	c.user_regs.cpsr = 0x3c5;
	memcpy(world_guest(world_dom0, WORLD_ARG_IPA + 0x400), &c, sizeof(c));
	op = world_op(XEN_DOMCTL_setvcpucontext, id);
	op.u.vcpucontext.ctxt = WORLD_ARG_IPA + 0x400;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	return l;
}

static void unmap(struct link *l)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = MAP_IPA, .handle = l->handle };
	assert_int_equal(world_call(world_dom0, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &u, sizeof(u)),
			 0);
	assert_int_equal(u.status, GNTST_okay);
	l->mapped = false;
}

/* Dom0's end of the channel went back to unbound with the domain; Dom0 closes it. */
static void close_dom0_end(struct link *l)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = l->dom0_port };
	assert_int_equal(world_call(world_dom0, __HYPERVISOR_event_channel_op, EVTCHNOP_status, &st, sizeof(st)), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	evtchn_port_t port = l->dom0_port;
	assert_int_equal(world_call(world_dom0, __HYPERVISOR_event_channel_op, EVTCHNOP_close, &port, sizeof(port)), 0);
}

static void cycle(unsigned i)
{
	domid_t id = world_create(1);
	struct link l = build(id);
	enum fate fate = (enum fate)(i % FATES);
	bool unmap_first = i / FATES % 2; /* the other half: the mapping outlives its granter */

	if (unmap_first)
		unmap(&l);
	if (fate == DESTROY_PAUSED) {
		assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	} else {
		assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
		struct vcpu *v = running(id);
		if (fate == DESTROY_RUNNING) {
			/* Continued while its vCPU is on a pCPU: dying, visible, its frames still held. */
			assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), WORLD_AGAIN);
			assert_true(world_info(id).flags & XEN_DOMINF_dying);
		} else {
			uint32_t reason = SHUTDOWN_poweroff;
			assert_int_equal(
			    world_call(v->dom, __HYPERVISOR_sched_op, SCHEDOP_shutdown, &reason, sizeof(reason)), 0);
		}
		world_put(v); /* the vCPU leaves its pCPU */
		if (fate == SHUTDOWN_REAPED)
			assert_true(world_info(id).flags & XEN_DOMINF_shutdown);
		else
			assert_true(world_info(id).flags & XEN_DOMINF_dying); /* until the destroy is asked again */
		assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	}
	assert_null(domain_by_id(id));
	close_dom0_end(&l);
	if (l.mapped) {
		/* Its granted page outlived it, the hypervisor's until Dom0 lets go. */
		paddr_t pa;
		assert_int_equal(p2m_lookup(&world_dom0->p2m, ipa_init(MAP_IPA), &pa, NULL), P2M_GRANT_RW);
		assert_int_equal(frame_owner(pa), DOMID_XEN);
		unmap(&l);
		assert_int_equal(frame_owner(pa), FRAME_OWNER_NONE);
	}
}

static void test_a_thousand_create_destroy_cycles_leak_nothing(void **state)
{
	(void)state;
	cycle(0); /* Dom0's port table and grant maptrack grow once, for good */
	struct world_snap s = world_snap();
	uint64_t xen_frames = frame_count(DOMID_XEN);
	domid_t first = world_create(1), last = first;

	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, first), 0);
	for (unsigned i = 0; i < CYCLES; i++)
		cycle(i);
	world_back_to(s);
	assert_int_equal(frame_count(DOMID_XEN), xen_frames);
	/* Every domid (and the VMID that goes with it) is free again: all of them can be had at once. */
	unsigned n = 0;
	for (struct xen_domctl op = world_create_op(0, 1); world_domctl(world_dom0, &op) == 0; n++) {
		last = op.domain;
		op = world_create_op(0, 1);
	}
	assert_int_equal(n, DOMAIN_MAX - 2);
	(void)last;
	for (domid_t id = 2; id < DOMAIN_MAX; id++)
		assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	world_back_to(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_thousand_create_destroy_cycles_leak_nothing, world_setup_v3,
						world_teardown_test),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
