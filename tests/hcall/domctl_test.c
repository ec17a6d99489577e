/* The toolstack's domctls over the real domain life cycle: createdomain, getdomaininfo, max_mem,
 * setvcpucontext, pause/unpause and destroydomain, with every misuse getting Xen's errno and every
 * frame and heap byte coming back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "evtchn/evtchn.h"
#include "hal/mmu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "tests/hcall/domctl_world.h"

struct snapshot {
	uint64_t free_frames, heap;
	unsigned live;
};

static struct snapshot snap(void)
{
	return (struct snapshot){ frame_free_count(), heap_bytes_in_use(), domain_live_count() };
}

static void assert_back_to(struct snapshot s)
{
	assert_int_equal(frame_free_count(), s.free_frames);
	assert_int_equal(heap_bytes_in_use(), s.heap);
	assert_int_equal(domain_live_count(), s.live);
}

static int setup_v3(void **state)
{
	(void)state;
	world_setup(3);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	world_teardown();
	return 0;
}

static domid_t create(unsigned vcpus)
{
	struct xen_domctl op = world_create_op(0, vcpus);
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	return op.domain;
}

static long simple(struct domain *caller, uint32_t cmd, domid_t dom)
{
	struct xen_domctl op = world_op(cmd, dom);
	return world_domctl(caller, &op);
}

static struct xen_domctl_getdomaininfo info(domid_t dom)
{
	struct xen_domctl op = world_op(XEN_DOMCTL_getdomaininfo, dom);
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.domain, dom);
	assert_int_equal(op.u.getdomaininfo.domain, dom);
	return op.u.getdomaininfo;
}

static void test_createdomain_picks_a_free_domid_paused_empty_with_a_vgic(void **state)
{
	(void)state;
	struct xen_domctl op = world_create_op(0, 2);

	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.domain, 2); /* 0 and 1 are the callers */
	assert_int_equal(op.u.createdomain.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);
	struct domain *d = domain_by_id(2);
	assert_non_null(d);
	assert_non_null(d->vgic);
	assert_false(d->privileged);
	assert_int_equal(p2m_lookup(&d->p2m, ipa_init(0x40000000), NULL, NULL), P2M_INVALID);
	struct xen_domctl_getdomaininfo i = info(2);
	assert_int_equal(i.flags & (XEN_DOMINF_paused | XEN_DOMINF_running | XEN_DOMINF_blocked | XEN_DOMINF_dying |
				    XEN_DOMINF_shutdown),
			 XEN_DOMINF_paused);
	assert_true(i.flags & XEN_DOMINF_hvm_guest);
	assert_int_equal(i.tot_pages, 0);
	assert_int_equal(i.max_pages, 0);
	assert_int_equal(i.nr_online_vcpus, 0);
	assert_int_equal(i.max_vcpu_id, 1);
	assert_int_equal(i.handle[15], 0xab);
	assert_int_equal(i.arch_config.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, 2), 0);
}

static void test_createdomain_on_gicv2_maps_the_gicv_frame_at_xens_gicc(void **state)
{
	(void)state;
	world_teardown();
	world_setup(2);
	struct xen_domctl op = world_create_op(0, 1);
	paddr_t pa;

	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.u.createdomain.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V2);
	struct domain *d = domain_by_id(op.domain);
	assert_int_equal(p2m_lookup(&d->p2m, ipa_init(0x03002000), &pa, NULL), P2M_MMIO);
	assert_int_equal(pa_addr(pa), 0x08040000);
	op = world_create_op(0, 1);
	op.u.createdomain.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_ENODEV);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, d->id), 0);
}

static void test_createdomain_with_a_chosen_domid_refuses_a_live_one(void **state)
{
	(void)state;
	struct xen_domctl op = world_create_op(7, 1);

	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.domain, 7);
	op = world_create_op(7, 1);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EEXIST);
	op = world_create_op(1, 1); /* the DomU caller */
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EEXIST);
	op = world_create_op(DOMAIN_MAX, 1); /* an id Halcyon's VMIDs cannot give */
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EINVAL);
	op = world_create_op(DOMID_SELF, 1); /* reserved: the hypervisor chooses */
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.domain, 2);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, 7), 0);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, 2), 0);
}

static void test_createdomain_refuses_bad_configs_leaving_nothing(void **state)
{
	(void)state;
	struct snapshot s = snap();
	static const struct {
		size_t off;
		uint32_t val;
		int err;
	} bad[] = {
#define F(field) offsetof(struct xen_domctl_createdomain, field)
		{ F(max_vcpus), 0, -XEN_EINVAL },
		{ F(max_vcpus), DOMAIN_MAX_VCPUS + 1, -XEN_EINVAL },
		{ F(flags), XEN_DOMCTL_CDF_hap, -XEN_EINVAL }, /* not HVM */
		{ F(flags), XEN_DOMCTL_CDF_hvm, -XEN_EINVAL }, /* no HAP */
		{ F(flags), XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_iommu, -XEN_EINVAL },
		{ F(flags), XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_vpmu, -XEN_EINVAL },
		{ F(flags), XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | (1u << 8), -XEN_EINVAL },
		{ F(iommu_opts), 1, -XEN_EINVAL },
		{ F(max_grant_frames), 0, -XEN_EINVAL },
		{ F(max_grant_frames), 65, -XEN_EINVAL },
		{ F(max_maptrack_frames), 1025, -XEN_EINVAL },
		{ F(grant_opts), 2, -XEN_EINVAL }, /* version 2 tables */
		{ F(grant_opts), 0, -XEN_EINVAL },
		{ F(grant_opts), 0x11, -XEN_EINVAL },
		{ F(vmtrace_size), 4096, -XEN_EINVAL },
		{ F(cpupool_id), 1, -XEN_ENOENT },
		{ F(arch.nr_spis), 989, -XEN_EINVAL },
#undef F
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xen_domctl op = world_create_op(0, 1);
		memcpy((uint8_t *)&op.u.createdomain + bad[i].off, &bad[i].val, sizeof(bad[i].val));
		assert_int_equal(world_domctl(world_dom0, &op), bad[i].err);
	}
	struct xen_domctl op = world_create_op(0, 1);
	op.u.createdomain.arch.gic_version = 3; /* no such version */
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EINVAL);
	op = world_create_op(0, 1);
	op.u.createdomain.arch.tee_type = 1; /* OP-TEE */
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EINVAL);
	assert_back_to(s);
	/* Defaults (-1) and a few SPIs are fine. */
	op = world_create_op(0, 1);
	op.u.createdomain.max_grant_frames = -1;
	op.u.createdomain.max_maptrack_frames = -1;
	op.u.createdomain.arch.nr_spis = 40;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, op.domain), 0);
	assert_back_to(s);
}

static void test_createdomain_runs_out_of_domids_with_enomem(void **state)
{
	(void)state;
	struct snapshot s = snap();
	unsigned n = 0;
	struct xen_domctl op;

	for (op = world_create_op(0, 1); world_domctl(world_dom0, &op) == 0; op = world_create_op(0, 1))
		n++;
	assert_int_equal(n, DOMAIN_MAX - 2);
	op = world_create_op(0, 1);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_ENOMEM);
	for (domid_t id = 2; id < DOMAIN_MAX; id++)
		assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_back_to(s);
}

static void test_destroyed_domid_is_reused_only_after_the_others(void **state)
{
	(void)state;
	domid_t a = create(1);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, a), 0);
	domid_t b = create(1);
	assert_int_equal(b, a + 1); /* Xen's rover: not the id just freed */
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, b), 0);
}

static void test_domctl_checks_in_xens_order(void **state)
{
	(void)state;
	domid_t d = create(1);
	struct xen_domctl op = world_op(XEN_DOMCTL_pausedomain, d);
	struct vcpu *v = world_dom0->vcpu[0];

	v->ctx.x[16] = 36;
	v->ctx.x[0] = WORLD_ARG_IPA + PAGE_SIZE - 8; /* runs off the argument page */
	hcall_dispatch(v);
	assert_int_equal((long)v->ctx.x[0], -XEN_EFAULT);
	op.interface_version = 0x14;
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EACCES);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_pausedomain, 9), -XEN_ESRCH);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, 9), -XEN_ESRCH);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_max_mem, DOMID_SELF), -XEN_ESRCH);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_setvcpucontext, 9), -XEN_ESRCH);
	assert_int_equal(simple(world_dom0, 99, d), -XEN_ENOSYS);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL); /* itself */
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_an_unprivileged_caller_gets_eperm_for_every_op(void **state)
{
	(void)state;
	domid_t d = create(1);
	struct snapshot s = snap();
	static const uint32_t cmds[] = { XEN_DOMCTL_pausedomain, XEN_DOMCTL_unpausedomain, XEN_DOMCTL_destroydomain,
					 XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_max_mem,    XEN_DOMCTL_setvcpucontext };

	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(simple(world_domu, cmds[i], d), -XEN_EPERM);
	struct xen_domctl op = world_create_op(0, 1);
	assert_int_equal(world_domctl(world_domu, &op), -XEN_EPERM);
	op = world_op(XEN_DOMCTL_getdomaininfo, 0);
	assert_int_equal(world_domctl(world_domu, &op), -XEN_EPERM);
	assert_int_equal(op.u.getdomaininfo.domain, 0); /* nothing written back */
	assert_back_to(s);
	assert_true(domain_paused(domain_by_id(d)));
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_getdomaininfo_walks_to_the_next_live_domain(void **state)
{
	(void)state;
	struct xen_domctl op = world_create_op(5, 1);
	assert_int_equal(world_domctl(world_dom0, &op), 0);

	op = world_op(XEN_DOMCTL_getdomaininfo, 2);
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.domain, 5);
	assert_int_equal(op.u.getdomaininfo.domain, 5);
	op = world_op(XEN_DOMCTL_getdomaininfo, 0);
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.domain, 0);
	assert_true(op.u.getdomaininfo.tot_pages >= 1); /* its argument page */
	assert_int_equal(op.u.getdomaininfo.nr_online_vcpus, 0);
	op = world_op(XEN_DOMCTL_getdomaininfo, 6);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_ESRCH);
	op = world_op(XEN_DOMCTL_getdomaininfo, DOMID_SELF);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EINVAL);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, 5), 0);
	op = world_op(XEN_DOMCTL_getdomaininfo, 2);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_ESRCH);
}

static void test_max_mem_sets_the_limit_domains_grow_under(void **state)
{
	(void)state;
	domid_t id = create(1);
	struct domain *d = domain_by_id(id);
	struct xen_domctl op = world_op(XEN_DOMCTL_max_mem, id);

	assert_false(domain_may_grow(d, 1));
	op.u.max_mem.max_memkb = 64 * 1024 + 3; /* whole pages: the rest is dropped */
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(info(id).max_pages, 16384);
	assert_true(domain_may_grow(d, 16384));
	assert_false(domain_may_grow(d, 16385));
	world_populate(d, 0x40000, 16);
	assert_int_equal(info(id).tot_pages, 16);
	assert_true(domain_may_grow(d, 16368));
	assert_false(domain_may_grow(d, 16369));
	op.u.max_mem.max_memkb = 32; /* below what it holds: it keeps them, and gets no more */
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_false(domain_may_grow(d, 1));
	assert_true(domain_may_grow(d, 0) == false);
	op.u.max_mem.max_memkb = UINT64_MAX;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(info(id).max_pages, UINT64_MAX >> 2);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
}

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
	domid_t id = create(2);
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
	assert_int_equal(info(id).nr_online_vcpus, 0);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(d->vcpu[0]->state, VCPU_RUNNABLE);
	assert_int_equal(d->vcpu[1]->state, VCPU_OFFLINE); /* PSCI CPU_ON's to start */
	struct xen_domctl_getdomaininfo i = info(id);
	assert_int_equal(i.nr_online_vcpus, 1);
	assert_int_equal(i.flags & (XEN_DOMINF_paused | XEN_DOMINF_blocked), 0);
	/* Running: its context is no longer the toolstack's. */
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_pausedomain, id), 0);
	assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EBUSY);
	assert_true(info(id).flags & XEN_DOMINF_paused);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	world_settle();
	assert_null(domain_by_id(id));
}

static void test_setvcpucontext_refuses_bad_modes_vcpus_and_pointers(void **state)
{
	(void)state;
	domid_t id = create(1);
	struct domain *d = domain_by_id(id);
	struct vcpu_guest_context c = guest_ctx(0x40080000);
	static const uint64_t bad_modes[] = { 0x3c9 /* EL2h */, 0x3c8, 0x3cd /* EL3h */, 0x3d3 /* AArch32 SVC */, 0x3c1 };

	for (unsigned i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		c.user_regs.cpsr = bad_modes[i];
		assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EINVAL);
	}
	c.user_regs.cpsr = 0x3c5;
	c.user_regs.spsr_el1 = 0x3c9; /* an EL2 return state for the guest's own eret */
	assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EINVAL);
	c.user_regs.spsr_el1 = 0x3c0; /* EL0t */
	assert_int_equal(setvcpucontext(id, 1, &c), -XEN_EINVAL); /* it has one vCPU */
	assert_int_equal(d->vcpu[0]->ctx.pc, 0); /* nothing written by the refusals */
	struct xen_domctl op = world_op(XEN_DOMCTL_setvcpucontext, id);
	op.u.vcpucontext.ctxt = WORLD_ARG_IPA + PAGE_SIZE - 16; /* runs off the page */
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EFAULT);
	op = world_op(XEN_DOMCTL_setvcpucontext, 0);
	op.u.vcpucontext.ctxt = CTX_IPA;
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EINVAL); /* its own */
	c.user_regs.cpsr = 0x3c4; /* EL1t is an EL1 mode too */
	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	/* Unpaused without a started vCPU (NULL context = back to reset, offline): not paused any more. */
	assert_int_equal(setvcpucontext(id, 0, NULL), 0);
	assert_int_equal(d->vcpu[0]->ctx.pc, 0);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(d->vcpu[0]->state, VCPU_OFFLINE);
	assert_int_equal(setvcpucontext(id, 0, &c), -XEN_EBUSY);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id)); /* nothing ran: gone at once */
}

static void test_destroy_of_a_paused_domain_returns_every_frame(void **state)
{
	(void)state;
	struct snapshot s = snap();
	domid_t id = create(2);
	struct domain *d = domain_by_id(id);
	struct xen_domctl op = world_op(XEN_DOMCTL_max_mem, id);

	op.u.max_mem.max_memkb = 1024;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	world_populate(d, 0x40000, 256);
	assert_int_equal(info(id).tot_pages, 256);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
	assert_int_equal(frame_count(id), 0);
	assert_back_to(s);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), -XEN_ESRCH);
}

static void test_destroy_of_a_running_domain_waits_for_its_vcpu_to_leave_the_pcpu(void **state)
{
	(void)state;
	struct snapshot s = snap();
	domid_t id = create(1);
	struct vcpu_guest_context c = guest_ctx(0x40080000);

	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	struct vcpu *v = NULL;
	for (unsigned cpu = 0; !v && cpu < WORLD_PCPUS; cpu++)
		v = world_pick(cpu);
	assert_non_null(v);
	assert_int_equal(v->dom->id, id);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_int_equal(v->dom->state, DOMAIN_SHUTDOWN); /* its run loop leaves the guest at the next exit */
	/* Still there, dying, its id taken, until its pCPU lets go of it. */
	struct xen_domctl_getdomaininfo i = info(id);
	assert_true(i.flags & XEN_DOMINF_dying);
	struct xen_domctl op = world_create_op(id, 1);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EEXIST);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0); /* again: nothing more */
	world_put(v);
	assert_null(domain_by_id(id));
	assert_back_to(s);
}

static void test_a_created_domain_stays_shut_down_until_destroyed(void **state)
{
	(void)state;
	struct snapshot s = snap();
	domid_t id = create(1);
	struct domain *d = domain_by_id(id);
	struct vcpu_guest_context c = guest_ctx(0x40080000);

	assert_int_equal(setvcpucontext(id, 0, &c), 0);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_unpausedomain, id), 0);
	domain_shutdown(d, SHUTDOWN_reboot);
	world_settle(); /* its vCPU retires */
	assert_int_equal(d->vcpus_live, 0);
	struct xen_domctl_getdomaininfo i = info(id);
	assert_int_equal(i.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying), XEN_DOMINF_shutdown);
	assert_int_equal(i.flags >> XEN_DOMINF_shutdownshift & XEN_DOMINF_shutdownmask, SHUTDOWN_reboot);
	assert_int_equal(i.nr_online_vcpus, 0);
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_by_id(id));
	assert_back_to(s);
}

static void test_dom_exc_virq_tells_dom0_of_shutdowns_and_deaths(void **state)
{
	(void)state;
	struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
	const struct shared_info *si = hal_pa_to_va(world_dom0->shared_info);

	assert_int_equal(evtchn_bind_virq(world_dom0, &b), 0);
	uint64_t bit = 1ull << (b.port % 64);
	domid_t id = create(1);
	assert_false(si->evtchn_pending[b.port / 64] & bit);
	domain_shutdown(domain_by_id(id), SHUTDOWN_poweroff);
	assert_true(si->evtchn_pending[b.port / 64] & bit);
	((struct shared_info *)si)->evtchn_pending[b.port / 64] &= ~bit;
	assert_int_equal(simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	assert_true(si->evtchn_pending[b.port / 64] & bit);
}

static void test_destroying_dom0_reaps_the_domains_it_left_shut_down(void **state)
{
	(void)state;
	domid_t id = create(1);
	domain_shutdown(domain_by_id(id), SHUTDOWN_crash);
	assert_non_null(domain_by_id(id)); /* kept for the toolstack */
	domain_destroy(world_dom0);
	assert_null(domain_by_id(id));
	world_dom0 = NULL;
	domain_destroy(world_domu);
	assert_int_equal(domain_live_count(), 0);
	world_setup(3); /* for the teardown */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_v3, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_createdomain_picks_a_free_domid_paused_empty_with_a_vgic),
		T(test_createdomain_on_gicv2_maps_the_gicv_frame_at_xens_gicc),
		T(test_createdomain_with_a_chosen_domid_refuses_a_live_one),
		T(test_createdomain_refuses_bad_configs_leaving_nothing),
		T(test_createdomain_runs_out_of_domids_with_enomem),
		T(test_destroyed_domid_is_reused_only_after_the_others),
		T(test_domctl_checks_in_xens_order),
		T(test_an_unprivileged_caller_gets_eperm_for_every_op),
		T(test_getdomaininfo_walks_to_the_next_live_domain),
		T(test_max_mem_sets_the_limit_domains_grow_under),
		T(test_setvcpucontext_sets_vcpu0_which_starts_at_unpause),
		T(test_setvcpucontext_refuses_bad_modes_vcpus_and_pointers),
		T(test_destroy_of_a_paused_domain_returns_every_frame),
		T(test_destroy_of_a_running_domain_waits_for_its_vcpu_to_leave_the_pcpu),
		T(test_a_created_domain_stays_shut_down_until_destroyed),
		T(test_dom_exc_virq_tells_dom0_of_shutdowns_and_deaths),
		T(test_destroying_dom0_reaps_the_domains_it_left_shut_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
