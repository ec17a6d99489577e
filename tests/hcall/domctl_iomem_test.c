/* XEN_DOMCTL_iomem_permission and XEN_DOMCTL_memory_mapping: host device memory handed to a
 * domain as Xen's toolstack hands a passthrough device (a RAM disk to a restarted driver domain),
 * never RAM, never the hypervisor's own devices, never a live DomU's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"
#include "tests/gnttab/fake_hal.h"
#include "tests/hcall/domctl_world.h"

#define DISK_MFN UINT64_C(0x10000) /* a device-RAM region outside /memory, as the sim's RAM disk */
#define DISK_GFN UINT64_C(0x20000)

static long permit(struct domain *caller, domid_t dom, uint64_t mfn, uint64_t nr, bool allow)
{
	struct xen_domctl op = world_op(XEN_DOMCTL_iomem_permission, dom);
	op.u.iomem_permission =
	    (struct xen_domctl_iomem_permission){ .first_mfn = mfn, .nr_mfns = nr, .allow_access = allow };
	return world_domctl(caller, &op);
}

static long map(struct domain *caller, domid_t dom, uint64_t gfn, uint64_t mfn, uint64_t nr, bool add)
{
	struct xen_domctl op = world_op(XEN_DOMCTL_memory_mapping, dom);
	op.u.memory_mapping = (struct xen_domctl_memory_mapping){ gfn, mfn, nr, add, 0 };
	return world_domctl(caller, &op);
}

static enum p2m_type at(domid_t dom, uint64_t gfn, uint64_t *mfn)
{
	paddr_t pa = pa_init(0);
	enum p2m_type t = p2m_lookup(&domain_by_id(dom)->p2m, ipa_init(gfn << 12), &pa, NULL);
	*mfn = pa_pfn(pa);
	return t;
}

static void test_a_permitted_range_maps_as_device_memory_and_unmaps(void **state)
{
	(void)state;
	struct world_snap s = world_snap();
	domid_t d = world_create(1);
	uint64_t mfn;

	assert_int_equal(permit(world_dom0, d, DISK_MFN, 64, true), 0);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN, 64, true), 0);
	for (uint64_t i = 0; i < 64; i += 21) {
		assert_int_equal(at(d, DISK_GFN + i, &mfn), P2M_MMIO);
		assert_int_equal(mfn, DISK_MFN + i);
	}
	/* Removal takes only a mapping of those very frames. */
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN + 1, 8, false), -XEN_EINVAL);
	assert_int_equal(at(d, DISK_GFN, &mfn), P2M_MMIO);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN, 64, false), 0);
	assert_int_equal(at(d, DISK_GFN + 63, &mfn), P2M_INVALID);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN, 32, true), 0); /* destroyed mapped */
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
	world_back_to(s);
}

static void test_mapping_needs_both_domains_permitted(void **state)
{
	(void)state;
	domid_t d = world_create(1);

	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN, 1, true), -XEN_EPERM);
	assert_int_equal(permit(world_dom0, d, DISK_MFN, 16, true), 0);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN + 8, 9, true), -XEN_EPERM); /* one past it */
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN + 8, 8, true), 0);
	assert_int_equal(permit(world_dom0, d, DISK_MFN, 16, false), 0);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN + 8, 8, false), -XEN_EPERM);
	/* A DomU hands on nothing, not even to itself. */
	assert_int_equal(permit(world_domu, d, DISK_MFN, 1, true), -XEN_EPERM);
	assert_int_equal(permit(world_domu, 1, DISK_MFN, 1, true), -XEN_EPERM);
	assert_int_equal(map(world_domu, d, DISK_GFN, DISK_MFN, 1, true), -XEN_EPERM);
	assert_int_equal(permit(world_dom0, 1, DISK_MFN, 1, true), 0);
	assert_int_equal(map(world_domu, 1, DISK_GFN, DISK_MFN, 1, true), -XEN_EPERM);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_ram_and_the_hypervisors_devices_are_never_assignable(void **state)
{
	(void)state;
	domid_t d = world_create(1);
	static const uint64_t refused[][2] = {
		{ FAKE_RAM_BASE >> 12, 1 },       /* free RAM */
		{ (FAKE_RAM_BASE >> 12) - 1, 2 }, /* a range reaching into RAM */
		{ (FAKE_RAM_BASE + FAKE_RAM_SIZE - 4096) >> 12, 1 },
		{ 0x09000, 1 },          /* the console UART */
		{ 0x08000, 16 },         /* the distributor */
		{ 0x080a0, 1 },          /* the redistributors */
		{ 0, UINT64_MAX >> 12 }, /* everything */
	};
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(permit(world_dom0, d, refused[i][0], refused[i][1], true), -XEN_EPERM);
		assert_int_equal(map(world_dom0, d, DISK_GFN, refused[i][0], 1, true), -XEN_EPERM);
	}
	/* Dom0's own RAM page, the very frame behind its argument page. */
	uint64_t mfn;
	assert_int_equal(at(0, WORLD_ARG_IPA >> 12, &mfn), P2M_RAM_RW);
	assert_int_equal(map(world_dom0, d, DISK_GFN, mfn, 1, true), -XEN_EPERM);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_bad_ranges_get_xens_errnos(void **state)
{
	(void)state;
	domid_t d = world_create(1);

	assert_int_equal(permit(world_dom0, d, DISK_MFN, 0, true), -XEN_EINVAL);
	assert_int_equal(permit(world_dom0, d, UINT64_MAX - 1, 4, true), -XEN_EINVAL);
	assert_int_equal(permit(world_dom0, d, DISK_MFN, 256, true), 0);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN, 0, true), -XEN_EINVAL);
	assert_int_equal(map(world_dom0, d, UINT64_MAX, DISK_MFN, 2, true), -XEN_EINVAL); /* gfn wraps */
	assert_int_equal(map(world_dom0, d, 1ull << 28, DISK_MFN, 1, true), -XEN_EINVAL); /* beyond 40 bits */
	assert_int_equal(map(world_dom0, d, DISK_GFN, 1ull << 28, 1, true), -XEN_EINVAL);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN, 65, true), -XEN_E2BIG);
	/* Never over the domain's RAM: its references would be lost. */
	world_populate(domain_by_id(d), 0x40000, 2);
	assert_int_equal(map(world_dom0, d, 0x3ffff, DISK_MFN, 2, true), -XEN_EBUSY);
	uint64_t mfn;
	assert_int_equal(at(d, 0x3ffff, &mfn), P2M_INVALID);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_permissions_merge_split_and_run_out(void **state)
{
	(void)state;
	domid_t id = world_create(1);
	struct domain *d = domain_by_id(id);

	assert_int_equal(permit(world_dom0, id, DISK_MFN, 16, true), 0);
	assert_int_equal(permit(world_dom0, id, DISK_MFN + 16, 16, true), 0); /* adjacent: one range */
	assert_int_equal(d->nr_iomem, 1);
	assert_true(dom_iomem_permitted(d, DISK_MFN, DISK_MFN + 31));
	assert_int_equal(permit(world_dom0, id, DISK_MFN + 8, 4, false), 0); /* a hole: two */
	assert_int_equal(d->nr_iomem, 2);
	assert_true(dom_iomem_permitted(d, DISK_MFN, DISK_MFN + 7));
	assert_false(dom_iomem_permitted(d, DISK_MFN + 7, DISK_MFN + 8));
	assert_false(dom_iomem_permitted(d, DISK_MFN + 11, DISK_MFN + 11));
	assert_true(dom_iomem_permitted(d, DISK_MFN + 12, DISK_MFN + 31));
	assert_int_equal(permit(world_dom0, id, DISK_MFN, 32, false), 0);
	assert_int_equal(d->nr_iomem, 0);
	for (unsigned i = 0; i < DOMAIN_IOMEM_MAX; i++)
		assert_int_equal(permit(world_dom0, id, DISK_MFN + 2 * i, 1, true), 0);
	assert_int_equal(permit(world_dom0, id, DISK_MFN + 100, 1, true), -XEN_ENOMEM);
	assert_int_equal(permit(world_dom0, id, DISK_MFN + 1, 1, true), 0); /* merges two: room again */
	assert_int_equal(d->nr_iomem, DOMAIN_IOMEM_MAX - 1);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, id), 0);
}

/* The RAM disk given at boot to driver domain d1 (dom0less passthrough): d1's while it lives, and
 * the restarted driver domain's once it is gone. */
static void test_a_dead_domus_device_goes_to_its_successor(void **state)
{
	(void)state;
	static struct dt_devices devs;
	devs.count = 1;
	devs.dev[0] = (struct dt_dev){ .owner = DT_OWN_DOMU, .domu = 1, .passthrough = true, .nreg = 1 };
	devs.dev[0].reg[0] = (struct plat_region){ pa_init(DISK_MFN << 12), 64 << 12 };
	world_set_devices(&devs);
	domid_t d = world_create(1);

	assert_int_equal(permit(world_dom0, d, DISK_MFN + 4, 1, true), -XEN_EPERM); /* d1 lives */
	assert_int_equal(permit(world_dom0, 1, DISK_MFN, 64, true), 0);             /* to d1 itself */
	assert_int_equal(permit(world_dom0, d, DISK_MFN + 64, 1, true), 0);         /* past its end */
	domain_destroy(world_domu);
	world_domu = NULL;
	assert_int_equal(permit(world_dom0, d, DISK_MFN, 64, true), 0);
	assert_int_equal(map(world_dom0, d, DISK_GFN, DISK_MFN, 64, true), 0);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
	world_set_devices(NULL);
	struct domain *u;
	assert_int_equal(domain_create(1, "domu", 1, &u), 0); /* for the teardown */
	world_domu = u;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, world_setup_v3, world_teardown_test)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_a_permitted_range_maps_as_device_memory_and_unmaps),
		T(test_mapping_needs_both_domains_permitted),
		T(test_ram_and_the_hypervisors_devices_are_never_assignable),
		T(test_bad_ranges_get_xens_errnos),
		T(test_permissions_merge_split_and_run_out),
		T(test_a_dead_domus_device_goes_to_its_successor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
