/* dom_build's devices on QEMU's own host trees: Dom0 gets every device the hypervisor does not keep
 * (MMIO 1:1 as device memory, SPIs HW-linked at their INTIDs) and a tree made from the host's; a
 * DomU its passthrough devices where its partial tree says; no device ever reaches two owners.
 * Memory, frames, the p2m and irq_assign are faked (dom_build_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dom_build_fake.h"
#include "dt/dt_dev.h"
#include "dt/dt_passthrough.h"
#include "public/errno.h"

/* QEMU's GICv3+SMMUv3 machine as boot sees it: its tree, platform and devices. */
#define QEMU_SMMU_DTB "tests/dt/data/qemu-virt-gicv3-smmuv3-smp2.dtb"
static struct platform qemu;
static struct dt_devices devs;
static const void *qemu_fdt; /* the host tree devs was scanned from */

#define QEMU_V2_DTB "tests/dt/data/qemu-virt-gicv2-smp2.dtb"

static void *qemu_host_from(const char *path, struct dom_host *h, const char *claim)
{
	return fake_qemu_host(path, claim, &qemu, &devs, h);
}

static void *qemu_host(struct dom_host *h, const char *claim) { return qemu_host_from(QEMU_SMMU_DTB, h, claim); }

/* True if @pa is mapped as a device, 1:1 (the vGIC's GICV-as-GICC frame is the vGIC's, not a device's). */
static bool mapped_mmio(uint64_t pa)
{
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_MMIO && pa >= maps[i].pa && pa - maps[i].pa < maps[i].size &&
		    (qemu.gic.version != 2 || maps[i].pa != pa_addr(qemu.gic.vcpu.base))) {
			assert_int_equal(maps[i].ipa, maps[i].pa); /* device MMIO is 1:1 */
			return true;
		}
	return false;
}

static bool forwarded(uint32_t intid, const struct domain *d)
{
	for (unsigned i = 0; i < nassigned; i++)
		if (assigned[i].pintid == intid) {
			assert_int_equal(assigned[i].vintid, intid);
			return assigned[i].d == d;
		}
	return false;
}

static void dom0_gets_every_dom0_device_and_no_hypervisor_region(const char *path)
{
	struct dom_host h;
	void *fdt = qemu_host_from(path, &h, NULL);
	struct boot_domain bd = boot_dom(true, 2);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	unsigned spis = 0;
	for (unsigned i = 0; i < devs.count; i++) {
		const struct dt_dev *dev = &devs.dev[i];
		for (unsigned j = 0; j < dev->nreg; j++)
			if (mapped_mmio(pa_addr(dev->reg[j].base)) != (dev->owner == DT_OWN_DOM0))
				fail_msg("%s reg %u: owner %d", fdt_get_name(fdt, dev->node, NULL), j, dev->owner);
		for (unsigned j = 0; j < dev->nirq; j++) {
			if (dev->irq[j] < 32)
				continue;
			assert_int_equal(forwarded(dev->irq[j], d), dev->owner == DT_OWN_DOM0);
			spis += dev->owner == DT_OWN_DOM0;
		}
	}
	assert_int_equal(nassigned, spis);
	assert_int_equal(spis, 32 + 4 + 2); /* virtio-mmio, PCI INTx, RTC and GPIO; fw-cfg has none */
	assert_false(forwarded(33, d));     /* the console's */
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_MMIO && (qemu.gic.version != 2 || maps[i].pa != pa_addr(qemu.gic.vcpu.base)))
			assert_false(dt_dev_hits_hyp(&devs, maps[i].pa, maps[i].size));
	free(fdt);
}

/* Every Dom0 device's every region is mapped 1:1 as device memory and its every SPI forwarded at its
 * own INTID; no mapping reaches a hypervisor region (UART, GICD/GICH/GICR, ITS, SMMU) but the GICV
 * frame behind Dom0's GICC. */
static void test_dom_build_dom0_gets_every_dom0_device_and_no_hypervisor_region(void **state)
{
	(void)state;
	dom0_gets_every_dom0_device_and_no_hypervisor_region(QEMU_SMMU_DTB);
	assert_false(mapped_mmio(0x9050000)); /* the SMMU */
	setup(NULL);
	dom0_gets_every_dom0_device_and_no_hypervisor_region(QEMU_V2_DTB);
	assert_false(mapped_mmio(0x8030000)); /* GICH */
	assert_false(mapped_mmio(0x8000000)); /* GICD: emulated */
}

/* Dom0's tree is made from the host's: the console and SMMU gone, the grant region where the
 * hypervisor's image is, Dom0's GIC with the host's phandle. */
static void test_dom_build_dom0_boots_with_the_hosts_tree_minus_the_hypervisors(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, NULL);
	struct boot_domain bd = boot_dom(true, 2);
	bd.bootargs = "console=hvc0";
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	const void *tree = guest_tree();
	assert_int_equal(fdt_check_full(tree, fdt_totalsize(tree)), 0);
	assert_true(fdt_path_offset(tree, "/virtio_mmio@a000000") >= 0);
	assert_true(fdt_path_offset(tree, "/pcie@10000000") >= 0);
	assert_true(fdt_path_offset(tree, "/pl011@9000000") < 0);
	assert_true(fdt_path_offset(tree, "/smmuv3@9050000") < 0);
	int len;
	const fdt64_t *reg = fdt_getprop(tree, fdt_path_offset(tree, "/hypervisor"), "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), HYP_IMAGE);
	assert_int_equal(fdt64_ld(&reg[1]), 64 * 4096);
	assert_string_equal(fdt_getprop(tree, fdt_path_offset(tree, "/chosen"), "bootargs", NULL), "console=hvc0");
	assert_int_equal(fdt_get_phandle(tree, fdt_path_offset(tree, "/intc@8000000")),
			 fdt_get_phandle(fdt, fdt_path_offset(fdt, "/intc@8000000")));
	free(fdt);
}

/* The DomU's dom0less partial tree: QEMU's PL061 at guest address 0x22000000 (tests/dt/data). */
#define PARTIAL_DTB "tests/dt/domu-passthrough.dtb"
static char partial[4096];
static struct dt_passthrough pt;

static void with_partial(struct dom_host *h, void *fdt, uint32_t guest_addr)
{
	FILE *f = fopen(PARTIAL_DTB, "rb");
	assert_non_null(f);
	assert_true(fread(partial, 1, sizeof(partial), f) > 0);
	fclose(f);
	int node = fdt_path_offset(partial, "/passthrough/gpio@22000000");
	fdt32_t reg[6] = { 0, cpu_to_fdt32(0x9030000), 0, cpu_to_fdt32(0x1000), 0, cpu_to_fdt32(guest_addr) };
	assert_int_equal(fdt_setprop_inplace(partial, node, "xen,reg", reg, sizeof(reg)), 0);
	struct dt_error err;
	assert_int_equal(dt_pt_parse(partial, sizeof(partial), fdt, &devs, 1, &pt, &err), 0);
	h->pt = &pt;
}

static bool mapped_at(uint64_t ipa, uint64_t pa)
{
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_MMIO && maps[i].ipa == ipa && maps[i].pa == pa)
			return true;
	return false;
}

/* A device the DomU's partial tree claims is mapped where xen,reg says and forwarded to it alone;
 * the DomU's vGIC has the host's lines so the SPI keeps its INTID, and its tree describes it. */
static void test_dom_build_passthrough_device_goes_to_its_domu_not_dom0(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, NULL);
	assert_int_equal(fdt_setprop(fdt, fdt_path_offset(fdt, "/pl061@9030000"), "xen,passthrough", NULL, 0), 0);
	assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &(struct dt_error){ { 0 } }), 0);
	with_partial(&h, fdt, 0x22000000);
	struct boot_domain bd = boot_dom(true, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_false(mapped_mmio(0x9030000));
	assert_false(forwarded(32 + 7, d));
	assert_true(mapped_mmio(0x9010000)); /* the RTC stays Dom0's */
	assert_true(fdt_path_offset(guest_tree(), "/pl061@9030000") < 0);

	setup(NULL);
	bd = boot_dom(false, 1);
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_true(mapped_at(0x22000000, 0x9030000));
	assert_true(forwarded(32 + 7, d));
	assert_int_equal(nassigned, 1);
	assert_int_equal(seen.nr_spis, DOM0_NR_SPIS);
	for (unsigned i = 0; i < nmaps; i++)
		assert_true(maps[i].type != P2M_MMIO || maps[i].pa == 0x9030000 || maps[i].pa == QEMU_GICV);
	assert_true(fdt_path_offset(guest_tree(), "/passthrough/gpio@22000000") >= 0);
	free(fdt);
}

/* xen,reg may not put the device over the guest's RAM (or GIC, or grant region). */
static void test_dom_build_passthrough_over_guest_ram_fails_cleanly(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, NULL);
	assert_int_equal(fdt_setprop(fdt, fdt_path_offset(fdt, "/pl061@9030000"), "xen,passthrough", NULL, 0), 0);
	assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &(struct dt_error){ { 0 } }), 0);
	with_partial(&h, fdt, GUEST_RAM0_BASE);
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d = NULL;
	assert_int_equal(dom_build(&bd, 1, &h, &d), -XEN_EINVAL);
	assert_int_equal(destroyed, 1);
	assert_null(d);
	free(fdt);
}

/* virtio-mmio transports sit eight to a page: one given to a DomU makes its page nobody's, since
 * either owner could otherwise reach the other's registers. */
static void test_dom_build_page_shared_by_two_owners_is_mapped_to_neither(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, "/virtio_mmio@a000000");
	struct boot_domain bd = boot_dom(true, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_false(mapped_mmio(0xa000200));
	assert_true(mapped_mmio(0xa001000));
	assert_true(forwarded(32 + 0x11, d)); /* its interrupt is its own: still Dom0's */

	setup(NULL);
	bd = boot_dom(false, 1);
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_false(mapped_mmio(0xa000000)); /* no partial tree maps it, and it could not */
	assert_true(forwarded(32 + 0x10, d));
	free(fdt);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* The domain that should have @dev: -1 for the hypervisor or nobody. */
static int owner_domid(const struct dt_dev *dev)
{
	return dev->owner == DT_OWN_DOM0 ? 0 : dev->owner == DT_OWN_DOMU ? (int)dev->domu : -1;
}

/* Dom0's stage 2 after a build: every device a mapping touches is Dom0's (or disabled), 1:1. */
static void check_dom0_maps(void)
{
	for (unsigned i = 0; i < nmaps; i++) {
		if (maps[i].type != P2M_MMIO || (qemu.gic.version == 2 && maps[i].pa == pa_addr(qemu.gic.vcpu.base)))
			continue;
		assert_int_equal(maps[i].ipa, maps[i].pa);
		for (unsigned j = 0; j < devs.count; j++) {
			const struct dt_dev *dev = &devs.dev[j];
			for (unsigned k = 0; k < dev->nreg; k++) {
				uint64_t b = pa_addr(dev->reg[k].base);
				bool touches = maps[i].pa < b + dev->reg[k].size && b < maps[i].pa + maps[i].size;
				bool inert = dev->owner == DT_OWN_NONE && !dev->passthrough;
				if (touches && dev->owner != DT_OWN_DOM0 && !inert)
					fail_msg("Dom0 maps %#llx: %s is not Dom0's", (unsigned long long)maps[i].pa,
						 fdt_get_name(qemu_fdt, dev->node, NULL));
			}
		}
	}
}

/* Random owners: each Dom0 device of QEMU's machines marked xen,passthrough (then claimed by DomU 1,
 * DomU 2 or nobody), disabled, or left alone. After Dom0 and both DomUs are built: Dom0's stage 2
 * reaches only Dom0's devices, every SPI went to its device's owner and only there (irq_assign
 * refuses a second owner), every Dom0 SPI was forwarded, and Dom0's tree lists no other's device. */
static void test_dom_build_random_owners_keep_each_device_with_one_domain(void **state)
{
	(void)state;
	static const char *const trees[] = { QEMU_SMMU_DTB, QEMU_V2_DTB };
	static char paths[DT_DEV_MAX][128];
	struct dt_error err;

	for (uint32_t seed = 1; seed <= 40; seed++) {
		uint32_t s = seed;
		struct dom_host h;
		setup(NULL);
		void *fdt = qemu_host_from(trees[seed % 2], &h, NULL);
		unsigned n = devs.count;
		bool dom0[DT_DEV_MAX];
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(fdt_get_path(fdt, devs.dev[i].node, paths[i], sizeof(paths[i])), 0);
			dom0[i] = devs.dev[i].owner == DT_OWN_DOM0;
		}
		for (unsigned i = 0; i < n; i++) {
			uint32_t r = rnd(&s) % 4;
			int node = fdt_path_offset(fdt, paths[i]);
			if (dom0[i] && r == 0)
				assert_int_equal(fdt_setprop(fdt, node, "xen,passthrough", NULL, 0), 0);
			else if (dom0[i] && r == 1)
				assert_int_equal(fdt_setprop_string(fdt, node, "status", "disabled"), 0);
		}
		assert_int_equal(dt_platform_parse(fdt, &qemu, &err), 0);
		assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &err), 0);
		for (unsigned i = 0; i < n; i++) {
			uint32_t r = rnd(&s) % 3;
			if (fdt_getprop(fdt, fdt_path_offset(fdt, paths[i]), "xen,passthrough", NULL) && r < 2)
				assert_int_equal(dt_dev_claim(fdt, &devs, paths[i], 1 + r, &err), 0);
		}
		qemu_fdt = fdt;

		struct boot_domain bd = boot_dom(true, 1);
		struct domain *d;
		assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
		check_dom0_maps();
		const void *tree = guest_tree();
		for (unsigned i = 0; i < devs.count; i++) {
			char path[128];
			assert_int_equal(fdt_get_path(fdt, devs.dev[i].node, path, sizeof(path)), 0);
			bool foreign = devs.dev[i].owner == DT_OWN_DOMU || devs.dev[i].passthrough;
			assert_int_equal(fdt_path_offset(tree, path) >= 0 && foreign, false);
			if (devs.dev[i].owner == DT_OWN_DOM0)
				assert_true(fdt_path_offset(tree, path) >= 0);
		}
		unsigned dom0_spis = nassigned;
		for (domid_t id = 1; id <= 2; id++) {
			nmaps = next_frame = 0; /* a new domain's RAM and stage 2; the SPIs stay assigned */
			bd = boot_dom(false, 1);
			assert_int_equal(dom_build(&bd, id, &h, &d), 0);
		}
		unsigned want_dom0 = 0;
		for (unsigned i = 0; i < devs.count; i++)
			for (unsigned j = 0; j < devs.dev[i].nirq; j++) {
				uint32_t intid = devs.dev[i].irq[j];
				want_dom0 += intid >= 32 && devs.dev[i].owner == DT_OWN_DOM0;
				for (unsigned k = 0; k < nassigned; k++)
					if (assigned[k].pintid == intid)
						assert_int_equal(assigned[k].domid, owner_domid(&devs.dev[i]));
			}
		assert_int_equal(dom0_spis, want_dom0);
		free(fdt);
	}
}

/* /hypervisor's reg covers the whole grant table Linux maps from it (64 frames), in the first RAM
 * region the hypervisor keeps that holds it; with none, no reg rather than a short one. */
static void test_dom_build_dom0_grant_region_holds_every_frame_or_is_absent(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, NULL);
	struct boot_domain bd = boot_dom(true, 1);
	struct domain *d;
	reserved[0].size = 0x10000;
	reserved[1] = (struct plat_region){ pa_init(0x4e000000), 0x100000 };
	nreserved = 2;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	int len;
	const fdt64_t *reg = fdt_getprop(guest_tree(), fdt_path_offset(guest_tree(), "/hypervisor"), "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), 0x4e000000);
	assert_int_equal(fdt64_ld(&reg[1]), 64 * 4096);

	setup(NULL);
	reserved[0].size = 0x10000;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_null(fdt_getprop(guest_tree(), fdt_path_offset(guest_tree(), "/hypervisor"), "reg", NULL));
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dom_build_dom0_gets_every_dom0_device_and_no_hypervisor_region, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_boots_with_the_hosts_tree_minus_the_hypervisors, setup),
		cmocka_unit_test_setup(test_dom_build_passthrough_device_goes_to_its_domu_not_dom0, setup),
		cmocka_unit_test_setup(test_dom_build_passthrough_over_guest_ram_fails_cleanly, setup),
		cmocka_unit_test_setup(test_dom_build_page_shared_by_two_owners_is_mapped_to_neither, setup),
		cmocka_unit_test_setup(test_dom_build_random_owners_keep_each_device_with_one_domain, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_grant_region_holds_every_frame_or_is_absent, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
