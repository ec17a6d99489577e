/* hyp/iommu's runtime assignment (XEN_DOMCTL_assign_device by DT path): which devices may be given,
 * to whom, what a dead owner frees, and that a failure or a deassign touches only that device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "iommu/iommu.h"
#include "public/errno.h"
#include "tests/core/fake_hal.h"
#include "tests/iommu/smmu_fake.h"

/* A device at /dev@n with streams [@sid, @sid + @count). */
static struct dt_dev *dev_at(int n, enum dt_owner owner, unsigned domu, uint32_t sid, uint32_t count)
{
	char path[8] = "/dev0";
	path[4] = (char)('0' + n);
	struct dt_dev *d = add_dev(owner, domu, sid, count);
	d->node = fdt_path_offset(fdt, path);
	return d;
}

static void test_assign_of_a_free_passthrough_device_attaches_its_streams_to_the_domain(void **state)
{
	(void)state;
	dev_at(1, DT_OWN_NONE, 0, 40, 2);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_dt_assign(&domu2, "/dev1"), 0);
	assert_int_equal(h.attaches, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(h.attach[i].sid, 40 + i);
		assert_int_equal(h.attach[i].vmid, domu2.p2m.vmid);
		assert_int_equal(pa_addr(h.attach[i].root), pa_addr(domu2.p2m.root));
	}
	assert_int_equal(iommu_dt_owner(1), 2);
	assert_int_equal(iommu_dt_owner(0), DOMID_INVALID);
	assert_non_null(strstr(fake_console, "d2: /dev1 assigned: 2 SMMU stream(s)"));
}

static void test_assign_of_a_live_domus_boot_device_is_ebusy_until_that_domain_is_detached(void **state)
{
	(void)state;
	dev_at(1, DT_OWN_DOMU, 1, 40, 1);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	assert_int_equal(iommu_dt_assign(&domu2, "/dev1"), -XEN_EBUSY);
	assert_int_equal(h.attaches, 1);
	/* The driver domain dies: its device goes to the one built to replace it. */
	iommu_domain_detach(&domu1);
	assert_int_equal(iommu_dt_assign(&domu2, "/dev1"), 0);
	assert_int_equal(h.attaches, 2);
	assert_int_equal(h.attach[1].sid, 40);
	assert_int_equal(h.attach[1].vmid, domu2.p2m.vmid);
}

static void test_assign_of_a_device_another_domain_was_given_is_ebusy_and_free_after_its_death(void **state)
{
	(void)state;
	dev_at(1, DT_OWN_NONE, 0, 40, 1);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev1"), 0);
	assert_int_equal(iommu_dt_assign(&domu2, "/dev1"), -XEN_EBUSY);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev1"), -XEN_EBUSY);
	assert_int_equal(h.attaches, 1);
	assert_int_equal(h.detaches, 0);
	iommu_domain_detach(&domu1);
	assert_int_equal(iommu_dt_owner(1), DOMID_INVALID);
	assert_int_equal(iommu_dt_assign(&domu2, "/dev1"), 0);
	assert_int_equal(iommu_dt_owner(1), 2);
}

static void test_assign_refuses_the_hypervisors_dom0s_unknown_and_unconfined_devices(void **state)
{
	(void)state;
	dev_at(1, DT_OWN_DOM0, 0, 40, 1);
	dev_at(2, DT_OWN_NONE, 0, 41, 1)->sid[0].iommu = other_iommu_node;
	dev_at(3, DT_OWN_NONE, 0, HAL_SMMU_MAX_SIDS, 1); /* past the stream table: never confined */
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_dt_assign(&domu1, "/smmuv3@9050000"), -XEN_EINVAL);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev1"), -XEN_EBUSY);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev2"), -XEN_EINVAL);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev3"), -XEN_EINVAL);
	assert_int_equal(iommu_dt_assign(&domu1, "/nowhere"), -XEN_EINVAL);
	assert_int_equal(iommu_dt_assign(&domu1, ""), -XEN_EINVAL);
	assert_int_equal(h.attaches, 0);
}

static void test_assign_without_a_working_smmu_returns_einval(void **state)
{
	(void)state;
	dev_at(1, DT_OWN_NONE, 0, 40, 1);
	h.probe_rc = -XEN_ENODEV;
	assert_int_equal(iommu_init(fdt, &devs), -XEN_ENODEV);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev1"), -XEN_EINVAL);
	assert_int_equal(h.attaches, 0);
}

static void test_assign_hal_failure_rolls_back_only_that_devices_streams(void **state)
{
	(void)state;
	dev_at(1, DT_OWN_NONE, 0, 40, 1);
	dev_at(2, DT_OWN_NONE, 0, 50, 3);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev1"), 0);
	h.attach_fail_at = 4;      /* /dev2's third stream */
	h.attach_rc = -XEN_EINVAL; /* a HAL errno like the refusals: still rolled back */
	assert_int_equal(iommu_dt_assign(&domu1, "/dev2"), -XEN_EINVAL);
	assert_int_equal(h.detaches, 2);
	assert_int_equal(h.detach[0], 50);
	assert_int_equal(h.detach[1], 51);
	assert_int_equal(iommu_dt_owner(2), DOMID_INVALID);
	assert_int_equal(iommu_dt_owner(1), 1);
	/* /dev1 is still domu1's: a detach releases its stream. */
	iommu_domain_detach(&domu1);
	assert_int_equal(h.detaches, 3);
	assert_int_equal(h.detach[2], 40);
}

static void test_deassign_by_a_domain_without_the_device_is_esrch_and_by_its_owner_frees_it(void **state)
{
	(void)state;
	dev_at(1, DT_OWN_NONE, 0, 40, 2);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_dt_deassign(&domu1, "/dev1"), -XEN_ESRCH);
	assert_int_equal(iommu_dt_assign(&domu1, "/dev1"), 0);
	assert_int_equal(iommu_dt_deassign(&domu2, "/dev1"), -XEN_ESRCH);
	assert_int_equal(iommu_dt_deassign(&domu1, "/nowhere"), -XEN_EINVAL);
	assert_int_equal(h.detaches, 0);
	unsigned flushes = h.flushes;
	assert_int_equal(iommu_dt_deassign(&domu1, "/dev1"), 0);
	assert_int_equal(h.detaches, 2);
	assert_int_equal(h.flushes, flushes + 1);
	assert_int_equal(h.flushed_vmid[flushes], domu1.p2m.vmid);
	assert_int_equal(iommu_dt_owner(1), DOMID_INVALID);
	assert_int_equal(iommu_dt_assign(&domu2, "/dev1"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup(t, setup)
		T(test_assign_of_a_free_passthrough_device_attaches_its_streams_to_the_domain),
		T(test_assign_of_a_live_domus_boot_device_is_ebusy_until_that_domain_is_detached),
		T(test_assign_of_a_device_another_domain_was_given_is_ebusy_and_free_after_its_death),
		T(test_assign_refuses_the_hypervisors_dom0s_unknown_and_unconfined_devices),
		T(test_assign_without_a_working_smmu_returns_einval),
		T(test_assign_hal_failure_rolls_back_only_that_devices_streams),
		T(test_deassign_by_a_domain_without_the_device_is_esrch_and_by_its_owner_frees_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
