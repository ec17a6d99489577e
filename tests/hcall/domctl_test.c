/* The toolstack's domctls over the real domain life cycle: createdomain, getdomaininfo, max_mem and
 * the checks every op makes, each misuse getting Xen's errno and every frame and heap byte back. */
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
	struct xen_domctl_getdomaininfo i = world_info(2);
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
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, 2), 0);
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
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d->id), 0);
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
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, 7), 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, 2), 0);
}

static void test_createdomain_refuses_bad_configs_leaving_nothing(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
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
	world_back_to(s);
	/* Defaults (-1) and a few SPIs are fine. */
	op = world_create_op(0, 1);
	op.u.createdomain.max_grant_frames = -1;
	op.u.createdomain.max_maptrack_frames = -1;
	op.u.createdomain.arch.nr_spis = 40;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, op.domain), 0);
	world_back_to(s);
}

static void test_createdomain_runs_out_of_domids_with_enomem(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	unsigned n = 0;
	struct xen_domctl op;

	for (op = world_create_op(0, 1); world_domctl(world_dom0, &op) == 0; op = world_create_op(0, 1))
		n++;
	assert_int_equal(n, DOMAIN_MAX - 2);
	op = world_create_op(0, 1);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_ENOMEM);
	for (domid_t id = 2; id < DOMAIN_MAX; id++)
		assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
	world_back_to(s);
}

static void test_destroyed_domid_is_reused_only_after_the_others(void **state)
{
	(void)state;
	domid_t a = world_create(1);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, a), 0);
	domid_t b = world_create(1);
	assert_int_equal(b, a + 1); /* Xen's rover: not the id just freed */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, b), 0);
}

static void test_domctl_checks_in_xens_order(void **state)
{
	(void)state;
	domid_t d = world_create(1);
	struct xen_domctl op = world_op(XEN_DOMCTL_pausedomain, d);
	struct vcpu *v = world_dom0->vcpu[0];

	v->ctx.x[16] = 36;
	v->ctx.x[0] = WORLD_ARG_IPA + PAGE_SIZE - 8; /* runs off the argument page */
	hcall_dispatch(v);
	assert_int_equal((long)v->ctx.x[0], -XEN_EFAULT);
	op.interface_version = 0x14;
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_EACCES);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_pausedomain, 9), -XEN_ESRCH);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, 9), -XEN_ESRCH);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_max_mem, DOMID_SELF), -XEN_ESRCH);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_setvcpucontext, 9), -XEN_ESRCH);
	assert_int_equal(world_simple(world_dom0, 99, d), -XEN_ENOSYS);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL); /* itself */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_an_unprivileged_caller_gets_eperm_for_every_op(void **state)
{
	(void)state;
	domid_t d = world_create(1);
	struct world_snap s = world_snap();
	static const uint32_t cmds[] = {
		XEN_DOMCTL_pausedomain,   XEN_DOMCTL_unpausedomain, XEN_DOMCTL_destroydomain,
		XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_max_mem,       XEN_DOMCTL_setvcpucontext
	};

	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(world_simple(world_domu, cmds[i], d), -XEN_EPERM);
	struct xen_domctl op = world_create_op(0, 1);
	assert_int_equal(world_domctl(world_domu, &op), -XEN_EPERM);
	op = world_op(XEN_DOMCTL_getdomaininfo, 0);
	assert_int_equal(world_domctl(world_domu, &op), -XEN_EPERM);
	assert_int_equal(op.u.getdomaininfo.domain, 0); /* nothing written back */
	world_back_to(s);
	assert_true(domain_paused(domain_by_id(d)));
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
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
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, 5), 0);
	op = world_op(XEN_DOMCTL_getdomaininfo, 2);
	assert_int_equal(world_domctl(world_dom0, &op), -XEN_ESRCH);
}

static void test_max_mem_sets_the_limit_domains_grow_under(void **state)
{
	(void)state;
	domid_t id = world_create(1);
	struct domain *d = domain_by_id(id);
	struct xen_domctl op = world_op(XEN_DOMCTL_max_mem, id);

	assert_false(domain_may_grow(d, 1));
	op.u.max_mem.max_memkb = 64 * 1024 + 3; /* whole pages: the rest is dropped */
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(world_info(id).max_pages, 16384);
	assert_true(domain_may_grow(d, 16384));
	assert_false(domain_may_grow(d, 16385));
	world_populate(d, 0x40000, 16);
	assert_int_equal(world_info(id).tot_pages, 16);
	assert_true(domain_may_grow(d, 16368));
	assert_false(domain_may_grow(d, 16369));
	op.u.max_mem.max_memkb = 32; /* below what it holds: it keeps them, and gets no more */
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_false(domain_may_grow(d, 1));
	assert_true(domain_may_grow(d, 0) == false);
	op.u.max_mem.max_memkb = UINT64_MAX;
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(world_info(id).max_pages, UINT64_MAX >> 2);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, world_setup_v3, world_teardown_test)

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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
