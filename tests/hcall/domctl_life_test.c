/* The toolstack's domctls that run a domain's life: setvcpucontext and the start at unpause,
 * destroydomain of paused, running and shut-down domains, VIRQ_DOM_EXC, the control domain's end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "dom/runstate.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "hal/mmu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "sched/sched.h"
#include "tests/hcall/domctl_world.h"

static struct vcpu_guest_context guest_ctx(uint64_t pc)
{
	struct vcpu_guest_context c = { .flags = VGCF_online };
	for (unsigned i = 0; i < 31; i++)
		c.user_regs.x[i] = 0x1000 + i;
	c.user_regs.pc64 = pc;
	c.user_regs.cpsr = 0x3c5; /* EL1h, DAIF masked */
	c.user_regs.sp_el1 = 0x48000000;
	c.sctlr = 0x00c50078;
	c.ttbr0 = 0x1234000;
	return c;
}

#define CTX_IPA (WORLD_ARG_IPA + 0x400)

static long setvcpucontext(domid_t dom, unsigned vcpu, const struct vcpu_guest_context *c)
{
	struct xen_domctl op = world_op(XEN_DOMCTL_setvcpucontext, dom);
	op.u.vcpucontext.vcpu = vcpu;
	op.u.vcpucontext.ctxt = c ? CTX_IPA : 0;
	if (c)
		memcpy(world_guest(world_dom0, CTX_IPA), c, sizeof(*c));
	return world_domctl(world_dom0, &op);
}

static void test_setvcpucontext_sets_vcpu0_which_starts_at_unpause(void **state)
{
	(void)state;
	domid_t id = world_create(2);
	struct domain *d = domain_by_id(id);
	struct vcpu_guest_context c = guest_ctx(0x40080000);

	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	assert_int_equal(d->vcpu[0]->ctx.pc, 0x40080000);
	assert_int_equal(d->vcpu[0]->ctx.x[0], 0x1000);
	assert_int_equal(d->vcpu[0]->ctx.x[30], 0x1000 + 30);
	assert_int_equal(d->vcpu[0]->ctx.pstate, 0x3c5);
	assert_int_equal(d->vcpu[0]->ctx.el1.sp_el1, 0x48000000);
	assert_int_equal(d->vcpu[0]->ctx.el1.sctlr, 0x00c50078);
	assert_int_equal(d->vcpu[0]->ctx.el1.ttbr0, 0x1234000);
	assert_int_equal(d->vcpu[0]->ctx.vttbr, p2m_vttbr(&d->p2m)); /* the hypervisor's part stays its own */
	assert_int_equal(d->vcpu[0]->state, VCPU_OFFLINE);
	assert_int_equal(world_info(id).nr_online_vcpus, 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(d->vcpu[0]->state, VCPU_RUNNABLE);
	assert_int_equal(d->vcpu[1]->state, VCPU_OFFLINE); /* PSCI CPU_ON's to start */
	struct xen_domctl_getdomaininfo i = world_info(id);
	assert_int_equal(i.nr_online_vcpus, 1);
	assert_int_equal(i.flags & (XEN_DOMINF_paused | XEN_DOMINF_blocked), 0);
	/* Running: its context is no longer the toolstack's. */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_pausedomain, id), 0);
	assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EBUSY);
	assert_true(world_info(id).flags & XEN_DOMINF_paused);
	/* Its vCPU is still claimed (on a run queue): the destroy is continued until it retires. */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), WORLD_AGAIN);
	world_settle();
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
}

static void test_setvcpucontext_refuses_bad_modes_vcpus_and_pointers(void **state)
{
	(void)state;
	domid_t id = world_create(1);
	struct domain *d = domain_by_id(id);
	struct vcpu_guest_context c = guest_ctx(0x40080000);
	static const uint64_t bad_modes[] = { 0x3c9 /* EL2h */, 0x3c8, 0x3cd /* EL3h */, 0x3d3 /* AArch32 SVC */,
					      0x3c1 };

	for (unsigned i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		c.user_regs.cpsr = bad_modes[i];
		assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EINVAL);
	}
	c.user_regs.cpsr = 0x3c5;
	c.user_regs.spsr_el1 = 0x3c9; /* an EL2 return state for the guest's own eret */
	assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EINVAL);
	c.user_regs.spsr_el1 = 0x3c0;                             /* EL0t */
	assert_int_equal(setvcpucontext(id, 1, &c), -XEN_EINVAL); /* it has one vCPU */
	assert_int_equal(d->vcpu[0]->ctx.pc, 0);                  /* nothing written by the refusals */
	struct xen_domctl op = world_op(XEN_DOMCTL_setvcpucontext, id);
	op.u.vcpucontext.ctxt = WORLD_ARG_IPA + PAGE_SIZE - 16; /* runs off the page */
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EFAULT);
	op = world_op(XEN_DOMCTL_setvcpucontext, 0);
	op.u.vcpucontext.ctxt = CTX_IPA;
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EINVAL); /* its own */
	c.user_regs.cpsr = 0x3c4;                                     /* EL1t is an EL1 mode too */
	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	/* Unpaused without a started vCPU (NULL context = back to reset, offline): not paused any more. */
	assert_int_equal(setvcpucontext(id, 0, NULL), 0);
	assert_int_equal(d->vcpu[0]->ctx.pc, 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(d->vcpu[0]->state, VCPU_OFFLINE);
	assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EBUSY);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id)); /* nothing ran: gone at once */
}

static void test_destroy_of_a_paused_domain_returns_every_frame(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t id = world_create(2);
	struct domain *d = domain_by_id(id);
	struct xen_domctl op = world_op(XEN_DOMCTL_max_mem, id);

	op.u.max_mem.max_memkb = 1024;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	world_populate(d, 0x40000, 256);
	assert_int_equal(world_info(id).tot_pages, 256);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
	assert_int_equal(frame_count(id), 0);
	world_back_to(s);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), -XEN_ESRCH);
}

static void test_destroy_of_a_running_domain_waits_for_its_vcpu_to_leave_the_pcpu(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t id = world_create(1);
	struct vcpu_guest_context c = guest_ctx(0x40080000);

	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	struct vcpu *v = NULL;
	for (unsigned cpu = 0; !v && cpu < WORLD_PCPUS; cpu++)
		v = world_pick(cpu);
	assert_non_null(v);
	assert_int_equal(v->dom->id, id);
	/* Xen's continuation: the call comes back to be issued again while the vCPU is on its pCPU. */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), WORLD_AGAIN);
	assert_int_equal(v->dom->state, DOMAIN_SHUTDOWN); /* its run loop leaves the guest at the next exit */
	/* Still there, dying, its id taken and its memory held, until its pCPU lets go of it. */
	struct xen_domctl_getdomaininfo i = world_info(id);
	assert_true(i.flags & XEN_DOMINF_dying);
	struct xen_domctl op = world_create_op(id, 1);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EEXIST);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), WORLD_AGAIN);
	world_put(v);
	/* Retiring its last vCPU leaves the teardown to the destroyer, whose call now completes. */
	assert_non_null(domain_by_id(id));
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), -XEN_ESRCH);
	world_back_to(s);
}

static void test_a_created_domain_stays_shut_down_until_destroyed(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t id = world_create(1);
	struct domain *d = domain_by_id(id);
	struct vcpu_guest_context c = guest_ctx(0x40080000);

	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	domain_shutdown(d, SHUTDOWN_reboot);
	world_settle(); /* its vCPU retires */
	assert_int_equal(d->vcpus_live, 0);
	struct xen_domctl_getdomaininfo i = world_info(id);
	assert_int_equal(i.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying), XEN_DOMINF_shutdown);
	assert_int_equal(i.flags >> XEN_DOMINF_shutdownshift & XEN_DOMINF_shutdownmask, SHUTDOWN_reboot);
	assert_int_equal(i.nr_online_vcpus, 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
	world_back_to(s);
}

static void test_dom_exc_virq_tells_dom0_of_shutdowns_and_deaths(void **state)
{
	(void)state;
	struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
	const struct shared_info *si = hal_pa_to_va(world_dom0->shared_info);

	assert_int_equal(evtchn_bind_virq(world_dom0, &b), 0);
	uint64_t bit = 1ull << (b.port % 64);
	domid_t id = world_create(1);
	assert_false(si->evtchn_pending[b.port / 64] & bit);
	domain_shutdown(domain_by_id(id), SHUTDOWN_poweroff);
	assert_true(si->evtchn_pending[b.port / 64] & bit);
	((struct shared_info *)si)->evtchn_pending[b.port / 64] &= ~bit;
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_true(si->evtchn_pending[b.port / 64] & bit);
}

static void test_destroying_dom0_reaps_the_domains_it_left_shut_down(void **state)
{
	(void)state;
	domid_t id = world_create(1);
	domain_shutdown(domain_by_id(id), SHUTDOWN_crash);
	assert_non_null(domain_by_id(id)); /* kept for the toolstack */
	domain_destroy(world_dom0);
	assert_null(domain_by_id(id));
	world_dom0 = NULL;
	domain_destroy(world_domu);
	assert_int_equal(domain_live_count(), 0);
	world_setup(3); /* for the teardown */
}

/* Xen's flags as the run loop moves the vCPU: running on a pCPU, blocked in WFI, woken. */
static void test_getdomaininfo_follows_the_vcpu_running_blocking_and_waking(void **state)
{
	(void)state;
	domid_t id = world_create(1);
	struct vcpu_guest_context c = guest_ctx(0x40080000);
	const uint32_t mask = XEN_DOMINF_running | XEN_DOMINF_blocked | XEN_DOMINF_paused;

	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	assert_int_equal(world_info(id).flags & mask, XEN_DOMINF_paused); /* no vCPU online: neither */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(world_info(id).flags & mask, 0); /* runnable, waiting for a pCPU */
	struct vcpu *v = world_pick(0) ?: world_pick(1);
	assert_non_null(v);
	runstate_set(v, RUNSTATE_running);
	assert_int_equal(world_info(id).flags & mask, XEN_DOMINF_running);
	sched_block(v); /* WFI with nothing pending */
	runstate_set(v, RUNSTATE_blocked);
	world_put(v);
	assert_int_equal(world_info(id).flags & mask, XEN_DOMINF_blocked);
	vcpu_kick(v);
	assert_int_equal(world_info(id).flags & mask, 0);
	/* Its vCPU is still claimed (on a run queue): the destroy is continued until it retires. */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), WORLD_AGAIN);
	world_settle();
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
}

/* Domain @id's page at 0x40000000 ("ring" in it), granted to Dom0 and mapped by it at 0x50000000. */
static grant_handle_t grant_to_dom0(domid_t id)
{
	struct domain *d = domain_by_id(id);

	d->max_pages = 1;
	world_populate(d, 0x40000, 1);
	memcpy(world_guest(d, 0x40000000), "ring", 5);
	assert_int_equal(gnttab_seed(d, 1, 0, 0x40000), 0);
	struct gnttab_map_grant_ref m = { .host_addr = 0x50000000, .flags = GNTMAP_host_map, .ref = 1, .dom = id };
	assert_int_equal(world_call(world_dom0, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, &m, sizeof(m)), 0);
	assert_int_equal(m.status, GNTST_okay);
	return m.handle;
}

static void dom0_unmaps(grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = 0x50000000, .handle = handle };
	assert_int_equal(world_call(world_dom0, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &u, sizeof(u)),
			 0);
	assert_int_equal(u.status, GNTST_okay);
}

/* Dom0 maps a page d granted it; d is destroyed: the page stays, readable, until Dom0 unmaps it. */
static void test_destroy_while_dom0_maps_a_grant_keeps_the_frame_until_unmapped(void **state)
{
	(void)state;
	domid_t id = world_create(1);
	paddr_t pa;

	/* Once first: Dom0's stage-2 tables and maptrack grow for good. */
	dom0_unmaps(grant_to_dom0(id));
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	struct world_snap s = world_snap();
	id = world_create(1);
	grant_handle_t h = grant_to_dom0(id);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
	assert_int_equal(frame_count(id), 0);
	assert_int_equal(p2m_lookup(&world_dom0->p2m, ipa_init(0x50000000), &pa, NULL), P2M_GRANT_RW);
	assert_int_equal(frame_owner(pa), DOMID_XEN);
	assert_string_equal(world_guest(world_dom0, 0x50000000), "ring");
	/* A newcomer with the same id gets none of it. */
	struct xen_domctl op = world_create_op(id, 1);
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(frame_count(id), 1); /* its shared_info page only */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	dom0_unmaps(h);
	assert_int_equal(frame_owner(pa), FRAME_OWNER_NONE);
	world_back_to(s);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, world_setup_v3, world_teardown_test)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_setvcpucontext_sets_vcpu0_which_starts_at_unpause),
		T(test_setvcpucontext_refuses_bad_modes_vcpus_and_pointers),
		T(test_destroy_of_a_paused_domain_returns_every_frame),
		T(test_destroy_of_a_running_domain_waits_for_its_vcpu_to_leave_the_pcpu),
		T(test_a_created_domain_stays_shut_down_until_destroyed),
		T(test_dom_exc_virq_tells_dom0_of_shutdowns_and_deaths),
		T(test_destroying_dom0_reaps_the_domains_it_left_shut_down),
		T(test_destroy_while_dom0_maps_a_grant_keeps_the_frame_until_unmapped),
		T(test_getdomaininfo_follows_the_vcpu_running_blocking_and_waking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
