/* sysctl: XEN_SYSCTL_physinfo's CPUs, counter rate and frames (what a toolstack's leak check reads),
 * for the control domain only, with Xen's errnos in Xen's order. */
#include "tests/dom/pv_world.h"

#include "hcall/hcall.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "public/memory.h"
#include "public/sysctl.h"

/* The world's domains: the control domain and two others. */
#define dom0 domain_by_id(0)
#define d1   domain_by_id(1)
#define d2   domain_by_id(2)

static long sysctl(struct domain *d, uint32_t cmd, uint32_t version)
{
	struct xen_sysctl *s = pw_arg(d);
	memset(s, 0xa5, sizeof(*s));
	s->cmd = cmd;
	s->interface_version = version;
	return pw_call(d, hcall_sysctl, PW_ARG, 0, 0);
}

static void test_sysctl_physinfo_reports_cpus_and_every_frame(void **state)
{
	(void)state;
	assert_int_equal(sysctl(dom0, XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION), 0);
	const struct xen_sysctl_physinfo *p = &((struct xen_sysctl *)pw_arg(dom0))->u.physinfo;
	assert_int_equal(p->nr_cpus, 2);
	assert_int_equal(p->max_cpu_id, 1);
	assert_int_equal(p->threads_per_core, 1);
	assert_int_equal(p->nr_nodes, 1);
	assert_int_equal(p->cpu_khz, 62500);
	assert_true(p->capabilities & XEN_SYSCTL_PHYSCAP_hap);
	assert_int_equal(p->free_pages, frame_free_count());
	/* Every frame the allocator has (the fake machine's 32 MiB but the frame table) is free or held. */
	assert_int_equal(p->total_pages, frame_free_count() + frame_count(0) + frame_count(1) + frame_count(2) +
					     frame_count(DOMID_XEN));
	assert_true(p->total_pages > 8100 && p->total_pages < 8192);
	assert_int_equal(p->scrub_pages, 0);
	assert_int_equal(p->outstanding_pages, 0);
}

/* The leak check a toolstack makes: what a domain is given shows in free_pages, and comes back. */
static void test_sysctl_physinfo_free_pages_follow_allocations(void **state)
{
	(void)state;
	assert_int_equal(sysctl(dom0, XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION), 0);
	uint64_t before = ((struct xen_sysctl *)pw_arg(dom0))->u.physinfo.free_pages;
	struct xen_memory_reservation *r = pw_arg(dom0);
	*r = (struct xen_memory_reservation){
		.extent_start = PW_ARG + 64, .nr_extents = 1, .extent_order = 2, .domid = 1
	};
	*(uint64_t *)pw_ptr(dom0, PW_ARG + 64) = PW_RAM_GFN + PW_PAGES; /* right after its RAM: same tables */
	assert_int_equal(pw_call(dom0, hcall_memory_op, XENMEM_populate_physmap, PW_ARG, 0), 1);
	assert_int_equal(sysctl(dom0, XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION), 0);
	assert_int_equal(((struct xen_sysctl *)pw_arg(dom0))->u.physinfo.free_pages, before - 4);
	*r = (struct xen_memory_reservation){ .extent_start = PW_ARG + 64, .nr_extents = 4, .domid = 1 };
	for (unsigned i = 0; i < 4; i++)
		((uint64_t *)pw_ptr(dom0, PW_ARG + 64))[i] = PW_RAM_GFN + PW_PAGES + i;
	assert_int_equal(pw_call(dom0, hcall_memory_op, XENMEM_decrease_reservation, PW_ARG, 0), 4);
	assert_int_equal(sysctl(dom0, XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION), 0);
	assert_int_equal(((struct xen_sysctl *)pw_arg(dom0))->u.physinfo.free_pages, before);
}

static void test_sysctl_misuse_gets_xens_errnos_in_xens_order(void **state)
{
	(void)state;
	assert_int_equal(sysctl(d1, XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION), -XEN_EPERM);
	assert_int_equal(sysctl(d1, XEN_SYSCTL_physinfo, 0x14), -XEN_EACCES);
	assert_int_equal(sysctl(dom0, XEN_SYSCTL_physinfo, 0x16), -XEN_EACCES);
	assert_int_equal(sysctl(dom0, 1 /* readconsole */, XEN_SYSCTL_INTERFACE_VERSION), -XEN_ENOSYS);
	assert_int_equal(pw_call(dom0, hcall_sysctl, 0x10, 0, 0), -XEN_EFAULT);
	/* The struct's end past the end of RAM: nothing read. */
	uint64_t end = (PW_RAM_GFN + PW_PAGES) << 12;
	assert_int_equal(pw_call(dom0, hcall_sysctl, end - 64, 0, 0), -XEN_EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, pw_setup, pw_teardown)
		T(test_sysctl_physinfo_reports_cpus_and_every_frame),
		T(test_sysctl_physinfo_free_pages_follow_allocations),
		T(test_sysctl_misuse_gets_xens_errnos_in_xens_order),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
