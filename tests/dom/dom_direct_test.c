/* Dom0less direct-map: a DomU's RAM at IPA == PA from one contiguous run (its /memory says so, the
 * run's tail goes back), and Xen's rule for passthrough devices that DMA with no SMMU translating
 * them: xen,force-assign-without-iommu and a direct-map domain, else refused. Memory, frames, the
 * p2m and iommu_present are faked (dom_build_fake.h); the trees are QEMU's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dom/dom_direct.h"
#include "dom_build_fake.h"
#include "dt/dt_node.h"
#include "public/errno.h"
#include "tests/core/fake_hal.h"

#define QEMU_SMMU_DTB "tests/dt/data/qemu-virt-gicv3-smmuv3-smp2.dtb"
#define VIRTIO        "/virtio_mmio@a003e00" /* the transport QEMU plugs the first -device into */
#define VIRTIO_PAGE   0xa003000ull
#define GUEST_PAGE    0x22000000ull

static struct platform qemu;
static struct dt_devices devs;
static struct dt_passthrough pt;
static char partial[4096];

static bool ram_mapped(uint64_t ipa, uint64_t pa, uint64_t size)
{
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_RAM_RW && maps[i].ipa == ipa && maps[i].pa == pa && maps[i].size == size)
			return true;
	return false;
}

/* A 6 MiB direct-map DomU: one bank where its frames are, the 8 MiB run's last 2 MiB given back, the
 * tree's /memory naming the physical address, and the domain marked for XENFEAT_direct_mapped. */
static void test_dom_build_direct_map_domu_ram_is_at_its_physical_address(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	bd.mem_kib = 6 << 10;
	bd.direct_map = true;
	next_frame = 2048; /* the run starts 8 MiB into the fake RAM, away from GUEST_RAM0_BASE */
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	uint64_t base = RAM_BASE + (8ull << 20);
	assert_true(ram_mapped(base, base, 6ull << 20));
	assert_true(d->direct_map);
	assert_true(domain_direct_mapped(d));
	assert_int_equal(nfrees, 1);
	assert_int_equal(frees[0].pa, base + (6ull << 20));
	assert_int_equal(frees[0].size, 2ull << 20);
	int len;
	const fdt64_t *reg = fdt_getprop(guest_tree(), fdt_path_offset(guest_tree(), "/memory@40800000"), "reg", &len);
	assert_non_null(reg);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), base);
	assert_int_equal(fdt64_ld(&reg[1]), 6ull << 20);
	assert_int_equal(vcpus[0].ctx.pc, base); /* the kernel runs from its physical address */
}

/* Without direct-map the same DomU sits at Xen's GUEST_RAM0_BASE whatever its frames are. */
static void test_dom_build_plain_domu_ram_stays_at_guest_ram0(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	next_frame = 1024;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_false(domain_direct_mapped(d));
	assert_true(ram_mapped(GUEST_RAM0_BASE, RAM_BASE + (4ull << 20), 4ull << 20));
}

/* No run large enough: -ENOMEM, nothing half-built left. */
static void test_dom_build_direct_map_without_a_contiguous_run_fails_with_enomem(void **state)
{
	(void)state;
	struct platform p = fake_host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d = NULL;
	bd.direct_map = true;
	bd.mem_kib = 12 << 10; /* a 16 MiB run: the fake RAM has 16 MiB, a page already taken */
	next_frame = 1;
	assert_int_equal(dom_build(&bd, 1, &h, &d), -XEN_ENOMEM);
	assert_null(d);
	assert_int_equal(destroyed, 1);
	assert_non_null(strstr(fake_console, "direct-map: no contiguous run of 16 MiB free"));
}

/* Direct-mapped RAM may land anywhere the host has RAM, but never over the parts of Xen's DomU map
 * that stay where they are: the vGIC, the grant-table region, the console and xenstore pages. */
static void test_dom_guest_map_hit_names_the_fixed_guest_regions_only(void **state)
{
	(void)state;
	assert_true(dom_guest_map_hit(GUEST_GICD_BASE, 0x1000));
	assert_true(dom_guest_map_hit(GUEST_GICR_BASE + 0x1f000, 0x1000));
	assert_true(dom_guest_map_hit(GUEST_GNTTAB_BASE - 0x1000, 0x2000));  /* its first page */
	assert_true(dom_guest_map_hit(0x39000000, 0x1000));                  /* the console page */
	assert_true(dom_guest_map_hit(0x30000000, 0x20000000));              /* a bank spanning both */
	assert_false(dom_guest_map_hit(GUEST_GNTTAB_BASE - 0x1000, 0x1000)); /* just below it */
	assert_false(dom_guest_map_hit(0x3a000000, 0x1000));                 /* just past the PV pages */
	assert_false(dom_guest_map_hit(GUEST_RAM0_BASE, 16ull << 20));
}

/* QEMU's last virtio-mmio transport given to DomU 1 (its page-mates removed, so the page is its
 * alone), optionally behind the SMMU as stream 0x20, and its partial tree with or without Xen's
 * xen,force-assign-without-iommu. */
static void *virtio_host(struct dom_host *h, bool behind_smmu, bool force)
{
	void *fdt = fake_qemu_host(QEMU_SMMU_DTB, NULL, &qemu, &devs, h);
	for (uint64_t a = VIRTIO_PAGE; a < VIRTIO_PAGE + 0xe00; a += 0x200) {
		char path[32];
		snprintf(path, sizeof(path), "/virtio_mmio@%llx", (unsigned long long)a);
		assert_int_equal(fdt_del_node(fdt, fdt_path_offset(fdt, path)), 0);
	}
	int node = fdt_path_offset(fdt, VIRTIO);
	assert_int_equal(fdt_setprop(fdt, node, "xen,passthrough", NULL, 0), 0);
	if (behind_smmu) {
		uint32_t smmu = fdt_get_phandle(fdt, fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3"));
		fdt32_t iommus[2] = { cpu_to_fdt32(smmu), cpu_to_fdt32(0x20) };
		assert_true(smmu != 0);
		assert_int_equal(fdt_setprop(fdt, node, "iommus", iommus, sizeof(iommus)), 0);
	}
	struct dt_error err;
	assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &err), 0);

	fdt32_t reg[4] = { 0, cpu_to_fdt32(GUEST_PAGE + 0xe00), 0, cpu_to_fdt32(0x200) };
	fdt32_t xreg[6] = { 0, cpu_to_fdt32(VIRTIO_PAGE), 0, cpu_to_fdt32(0x1000), 0, cpu_to_fdt32(GUEST_PAGE) };
	assert_int_equal(fdt_create_empty_tree(partial, sizeof(partial)), 0);
	assert_int_equal(fdt_setprop_u32(partial, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(partial, 0, "#size-cells", 2), 0);
	int bus = fdt_add_subnode(partial, 0, "passthrough");
	int dev = fdt_add_subnode(partial, bus, "virtio_mmio@22000e00");
	assert_true(bus >= 0 && dev >= 0);
	assert_int_equal(fdt_setprop_string(partial, dev, "compatible", "virtio,mmio"), 0);
	assert_int_equal(fdt_setprop(partial, dev, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_setprop_string(partial, dev, "xen,path", VIRTIO), 0);
	assert_int_equal(fdt_setprop(partial, dev, "xen,reg", xreg, sizeof(xreg)), 0);
	if (force)
		assert_int_equal(fdt_setprop(partial, dev, "xen,force-assign-without-iommu", NULL, 0), 0);
	assert_int_equal(dt_pt_parse(partial, sizeof(partial), fdt, &devs, 1, &pt, &err), 0);
	assert_int_equal(pt.ndev, 1);
	assert_int_equal(pt.dev[0].force, force);
	h->pt = &pt;
	return fdt;
}

static int build_virtio_domu(bool behind_smmu, bool force, bool direct_map)
{
	struct dom_host h;
	void *fdt = virtio_host(&h, behind_smmu, force);
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	bd.direct_map = direct_map;
	int rc = dom_build(&bd, 1, &h, &d);
	free(fdt);
	return rc;
}

static bool virtio_mapped(void)
{
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_MMIO && maps[i].ipa == GUEST_PAGE && maps[i].pa == VIRTIO_PAGE)
			return true;
	return false;
}

/* A DMA master with no SMMU translating it: refused without the property (-EINVAL, as Xen's
 * unprotected assign), refused in a domain that is not direct-mapped (-EPERM), given to a
 * direct-map domain that says xen,force-assign-without-iommu, each with its boot line. */
static void test_dom_build_untranslated_dma_device_needs_force_assign_and_direct_map(void **state)
{
	(void)state;
	assert_int_equal(build_virtio_domu(false, false, true), -XEN_EINVAL);
	assert_non_null(strstr(fake_console, "virtio_mmio@a003e00 does DMA and no SMMU translates it: refused "
					     "without xen,force-assign-without-iommu"));
	assert_false(virtio_mapped());
	assert_int_equal(destroyed, 1);

	setup(NULL);
	assert_int_equal(build_virtio_domu(false, true, false), -XEN_EPERM);
	assert_non_null(strstr(fake_console, "refused, the domain is not direct-map"));
	assert_false(virtio_mapped());

	setup(NULL);
	assert_int_equal(build_virtio_domu(false, true, true), 0);
	assert_true(virtio_mapped());
	assert_non_null(strstr(fake_console, "DMA untranslated (direct-map, bus address == IPA == PA)"));
}

/* Behind an SMMU that is up its streams go through the domain's stage 2: no property, no direct-map
 * needed. With the SMMU not up (QEMU's has no stage 2) the same device is refused. */
static void test_dom_build_dma_device_behind_a_working_smmu_needs_neither(void **state)
{
	(void)state;
	fake_iommu = true;
	assert_int_equal(build_virtio_domu(true, false, false), 0);
	assert_true(virtio_mapped());

	setup(NULL);
	fake_iommu = false;
	assert_int_equal(build_virtio_domu(true, false, false), -XEN_EINVAL);
}

/* A device that does no DMA (QEMU's PL061) needs neither, as before: the rule is for DMA masters. */
static void test_dom_build_device_without_dma_passes_through_as_before(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = fake_qemu_host(QEMU_SMMU_DTB, "/pl061@9030000", &qemu, &devs, &h);
	struct dt_error err;
	FILE *f = fopen("tests/dt/domu-passthrough.dtb", "rb");
	assert_non_null(f);
	assert_true(fread(partial, 1, sizeof(partial), f) > 0);
	fclose(f);
	assert_int_equal(fdt_delprop(partial, fdt_path_offset(partial, "/passthrough/gpio@22000000"),
				     "xen,force-assign-without-iommu"),
			 0);
	assert_int_equal(dt_pt_parse(partial, sizeof(partial), fdt, &devs, 1, &pt, &err), 0);
	h.pt = &pt;
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dom_build_direct_map_domu_ram_is_at_its_physical_address, setup),
		cmocka_unit_test_setup(test_dom_build_plain_domu_ram_stays_at_guest_ram0, setup),
		cmocka_unit_test_setup(test_dom_build_direct_map_without_a_contiguous_run_fails_with_enomem, setup),
		cmocka_unit_test(test_dom_guest_map_hit_names_the_fixed_guest_regions_only),
		cmocka_unit_test_setup(test_dom_build_untranslated_dma_device_needs_force_assign_and_direct_map, setup),
		cmocka_unit_test_setup(test_dom_build_dma_device_behind_a_working_smmu_needs_neither, setup),
		cmocka_unit_test_setup(test_dom_build_device_without_dma_passes_through_as_before, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
