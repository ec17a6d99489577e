/* XEN_DOMCTL_assign_device / deassign_device: the toolstack's request checked as Xen 4.17's arm
 * build checks it (device type, flags, a dying target, the path's length and memory) before the
 * IOMMU sees it; here the host has no SMMU, so every real device is refused as unconfined. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"
#include "tests/hcall/domctl_world.h"

#define PATH_IPA (WORLD_ARG_IPA + 2048) /* beside the op in the caller's argument page */

static long assign(struct domain *caller, uint32_t cmd, domid_t dom, uint32_t dev, uint32_t flags, const char *path,
		   uint32_t size, uint64_t at)
{
	struct xen_domctl op = world_op(cmd, dom);
	op.u.assign_device.dev = dev;
	op.u.assign_device.flags = flags;
	op.u.assign_device.u.dt.size = size;
	op.u.assign_device.u.dt.path = at;
	if (path)
		memcpy(world_guest(caller, PATH_IPA), path, strlen(path));
	return world_domctl(caller, &op);
}

static long assign_path(uint32_t cmd, domid_t dom, const char *path)
{
	return assign(world_dom0, cmd, dom, XEN_DOMCTL_DEV_DT, 0, path, (uint32_t)strlen(path), PATH_IPA);
}

static void test_assign_device_of_a_pci_device_returns_enodev(void **state)
{
	(void)state;
	domid_t d = world_create(1);
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_assign_device, d, XEN_DOMCTL_DEV_PCI, 0, NULL, 0, 0),
			 -XEN_ENODEV);
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_deassign_device, d, XEN_DOMCTL_DEV_PCI, 0, NULL, 0, 0),
			 -XEN_ENODEV);
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_assign_device, d, 7, 0, NULL, 0, 0), -XEN_ENODEV);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_assign_device_with_flags_or_to_a_dying_domain_returns_einval(void **state)
{
	(void)state;
	domid_t d = world_create(1);
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_assign_device, d, XEN_DOMCTL_DEV_DT, 1, "/nic", 4, PATH_IPA),
			 -XEN_EINVAL);
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_deassign_device, d, XEN_DOMCTL_DEV_DT, 1, "/nic", 4, PATH_IPA),
			 -XEN_EINVAL);
	domain_by_id(d)->dying = true;
	assert_int_equal(assign_path(XEN_DOMCTL_assign_device, d, "/nic"), -XEN_EINVAL);
	domain_by_id(d)->dying = false;
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_assign_device_path_longer_than_a_page_returns_enobufs_and_unmapped_returns_efault(void **state)
{
	(void)state;
	domid_t d = world_create(1);
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_assign_device, d, XEN_DOMCTL_DEV_DT, 0, NULL, 4097, PATH_IPA),
			 -XEN_ENOBUFS);
	assert_int_equal(
	    assign(world_dom0, XEN_DOMCTL_assign_device, d, XEN_DOMCTL_DEV_DT, 0, NULL, 16, UINT64_C(0x7f000000)),
	    -XEN_EFAULT);
	/* Running off the end of the argument page into nothing. */
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_assign_device, d, XEN_DOMCTL_DEV_DT, 0, NULL, 4096, PATH_IPA),
			 -XEN_EFAULT);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_assign_device_without_an_smmu_refuses_every_path_with_einval(void **state)
{
	(void)state;
	domid_t d = world_create(1);
	assert_int_equal(assign_path(XEN_DOMCTL_assign_device, d, "/nic@9100000"), -XEN_EINVAL);
	assert_int_equal(assign_path(XEN_DOMCTL_deassign_device, d, "/nic@9100000"), -XEN_EINVAL);
	assert_int_equal(assign(world_dom0, XEN_DOMCTL_assign_device, d, XEN_DOMCTL_DEV_DT, 0, NULL, 0, PATH_IPA),
			 -XEN_EINVAL);
	assert_int_equal(world_simple(world_dom0, XEN_DOMCTL_destroydomain, d), 0);
}

static void test_assign_device_by_a_domu_returns_eperm_and_of_no_domain_esrch(void **state)
{
	(void)state;
	assert_int_equal(assign(world_domu, XEN_DOMCTL_assign_device, 0, XEN_DOMCTL_DEV_DT, 0, "/nic", 4, PATH_IPA),
			 -XEN_EPERM);
	assert_int_equal(assign_path(XEN_DOMCTL_assign_device, 77, "/nic"), -XEN_ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, world_setup_v3, world_teardown_test)
		T(test_assign_device_of_a_pci_device_returns_enodev),
		T(test_assign_device_with_flags_or_to_a_dying_domain_returns_einval),
		T(test_assign_device_path_longer_than_a_page_returns_enobufs_and_unmapped_returns_efault),
		T(test_assign_device_without_an_smmu_refuses_every_path_with_einval),
		T(test_assign_device_by_a_domu_returns_eperm_and_of_no_domain_esrch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
