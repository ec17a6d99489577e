/* dom_build's interrupt controller: each domain gets a vGIC of the host's version (Dom0 where the
 * host's is, DomUs at Xen's guest addresses), GICv2 guests the host's GICV frame as their GICC, and
 * the tree the guest boots with says so. Memory, frames and the p2m are faked; the tree is real. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dom_build_fake.h"
#include "public/errno.h"

static void assert_gic_node(const void *fdt, const char *compat, uint64_t dist, uint64_t second)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compat);
	assert_true(node >= 0);
	int len;
	const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(fdt64_ld(&reg[0]), dist);
	assert_int_equal(fdt64_ld(&reg[2]), second);
	assert_non_null(fdt_getprop(fdt, 0, "interrupt-parent", NULL));
	assert_true(fdt_path_offset(fdt, "/timer") >= 0);
}

static void test_dom_build_domu_gicv3_gets_xens_map_and_32_spis(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 2);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_int_equal(vgic_inits, 1);
	assert_int_equal(seen.version, 3);
	assert_int_equal(seen.nr_spis, 32);
	assert_int_equal(ipa_addr(seen.dist), GUEST_GICD_BASE);
	assert_int_equal(ipa_addr(seen.redist), GUEST_GICR_BASE);
	assert_gic_node(guest_tree(), "arm,gic-v3", GUEST_GICD_BASE, GUEST_GICR_BASE);
}

static void test_dom_build_dom0_gicv3_sees_the_hosts_gic_where_it_is(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(true, 4);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_int_equal(seen.version, 3);
	assert_int_equal(seen.nr_spis, DOM0_NR_SPIS);
	assert_int_equal(ipa_addr(seen.dist), QEMU_GICD);
	assert_int_equal(ipa_addr(seen.redist), QEMU_GICR);
	assert_gic_node(guest_tree(), "arm,gic-v3", QEMU_GICD, QEMU_GICR);
}

static void test_dom_build_gicv2_guest_gets_the_hosts_gicv_as_its_gicc(void **state)
{
	(void)state;
	struct platform p = fake_host(2);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_int_equal(seen.version, 2);
	assert_int_equal(ipa_addr(seen.cpuif), GUEST_GICC_BASE);
	bool mapped = false;
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].ipa == GUEST_GICC_BASE) {
			assert_int_equal(maps[i].pa, QEMU_GICV);
			assert_int_equal(maps[i].size, GUEST_GICC_SIZE);
			assert_int_equal(maps[i].type, P2M_MMIO);
			mapped = true;
		}
	assert_true(mapped);
	assert_gic_node(guest_tree(), "arm,cortex-a15-gic", GUEST_GICD_BASE, GUEST_GICC_BASE);
}

static void test_dom_build_dom0_gicv2_maps_gicv_at_the_hosts_gicc(void **state)
{
	(void)state;
	struct platform p = fake_host(2);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(true, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_int_equal(ipa_addr(seen.cpuif), QEMU_GICC);
	bool mapped = false;
	for (unsigned i = 0; i < nmaps; i++)
		mapped |= maps[i].ipa == QEMU_GICC && maps[i].pa == QEMU_GICV && maps[i].type == P2M_MMIO;
	assert_true(mapped);
	assert_gic_node(guest_tree(), "arm,cortex-a15-gic", QEMU_GICD, QEMU_GICC);
}

static void test_dom_build_dom0_with_more_vcpus_than_redistributors_fails_cleanly(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	p.gic.redist[0].size = 0x20000; /* one CPU's frames */
	struct boot_domain bd = boot_dom(true, 2);
	struct domain *d = NULL;
	assert_int_equal(dom_build(&bd, 0, &h, &d), -XEN_EINVAL);
	assert_int_equal(vgic_inits, 0);
	assert_int_equal(destroyed, 1);
	assert_null(d);
}

static void test_dom_build_vgic_failure_destroys_the_domain(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d = NULL;
	vgic_rc = -XEN_ENOMEM;
	assert_int_equal(dom_build(&bd, 1, &h, &d), -XEN_ENOMEM);
	assert_int_equal(destroyed, 1);
	assert_null(d);
}

static void test_dom_build_domu_gets_pv_channels_for_dom0_and_dom0_none(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_int_equal(pv_setups, 1);
	assert_int_equal(pv_backend, 0);
	/* It may balloon within what it was given, never beyond. */
	assert_int_equal(d->max_pages, next_frame);
	assert_true(d->max_pages >= 1024);
	bd = boot_dom(true, 1);
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_int_equal(pv_setups, 1);
}

static void test_dom_build_pv_channel_failure_destroys_the_domain(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d = NULL;
	pv_rc = -XEN_ENOSPC;
	assert_int_equal(dom_build(&bd, 1, &h, &d), -XEN_ENOSPC);
	assert_int_equal(destroyed, 1);
	assert_null(d);
}

/* QEMU virt's GICv3 has 224 SPIs (ITLinesNumber 7), its GICv2 256: Dom0 sees the host's count. */
static void test_dom_build_dom0_gets_as_many_spis_as_the_hosts_gic(void **state)
{
	(void)state;
	static const unsigned host[][2] = {
		{ 224, 224 }, { 256, 256 }, { 988, 960 }, { 100, 96 }, { 0, DOM0_NR_SPIS }
	};
	for (unsigned i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		struct platform p = fake_host(3);
		p.gic.nr_spis = host[i][0];
		struct dom_host h = { .plat = &p };
		struct boot_domain bd = boot_dom(true, 2);
		struct domain *d;
		setup(NULL);
		assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
		assert_int_equal(seen.nr_spis, host[i][1]);
	}
}

static void test_dom_build_domu_keeps_32_spis_whatever_the_host_has(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	p.gic.nr_spis = 224;
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_int_equal(seen.nr_spis, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dom_build_domu_gicv3_gets_xens_map_and_32_spis, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_gicv3_sees_the_hosts_gic_where_it_is, setup),
		cmocka_unit_test_setup(test_dom_build_gicv2_guest_gets_the_hosts_gicv_as_its_gicc, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_gicv2_maps_gicv_at_the_hosts_gicc, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_with_more_vcpus_than_redistributors_fails_cleanly, setup),
		cmocka_unit_test_setup(test_dom_build_vgic_failure_destroys_the_domain, setup),
		cmocka_unit_test_setup(test_dom_build_domu_gets_pv_channels_for_dom0_and_dom0_none, setup),
		cmocka_unit_test_setup(test_dom_build_pv_channel_failure_destroys_the_domain, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_gets_as_many_spis_as_the_hosts_gic, setup),
		cmocka_unit_test_setup(test_dom_build_domu_keeps_32_spis_whatever_the_host_has, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
