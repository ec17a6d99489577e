/* dt_pt_parse and dt_pt_write: a dom0less DomU's partial tree claims the host devices its xen,path
 * names (only xen,passthrough ones), its xen,reg regions must be whole pages of that device's MMIO,
 * and its /passthrough node reaches the DomU's tree without the xen,* properties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dt/dt_guest.h"
#include "dt/dt_passthrough.h"
#include "dt_fixture.h"
#include "public/errno.h"

static struct platform plat;
static struct dt_devices devs;
static struct dt_passthrough pt;
static struct dt_error err;
static char out[8192];

/* QEMU's GICv3 host with the PL061 marked for passthrough (unless @mark is false). */
static void *host(bool mark)
{
	void *fdt = fx_load(FX_QEMU_V3);
	if (mark)
		fx_bytes(fdt, "/pl061@9030000", "xen,passthrough", "", 0);
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), 0);
	return fdt;
}

static int parse(void *partial, const void *h)
{
	return dt_pt_parse(partial, fdt_totalsize(partial), h, &devs, 1, &pt, &err);
}

static void test_dt_pt_claims_the_device_and_reads_xen_reg(void **state)
{
	(void)state;
	void *h = host(true), *p = fx_load(FX_PARTIAL);
	assert_int_equal(parse(p, h), 0);
	const struct dt_dev *d = dt_dev_find(&devs, fx_node(h, "/pl061@9030000"));
	assert_int_equal(d->owner, DT_OWN_DOMU);
	assert_int_equal(d->domu, 1);
	assert_int_equal(pt.nreg, 1);
	assert_int_equal(pa_addr(pt.reg[0].pa), 0x9030000);
	assert_int_equal(pt.reg[0].size, 0x1000);
	assert_int_equal(ipa_addr(pt.reg[0].ipa), 0x22000000);
	/* The claimed device, and its xen,force-assign-without-iommu (dom_direct decides on it). */
	assert_int_equal(pt.ndev, 1);
	assert_int_equal(pt.dev[0].host_node, fx_node(h, "/pl061@9030000"));
	assert_true(pt.dev[0].force);
	fdt_delprop(p, fx_node(p, "/passthrough/gpio@22000000"), "xen,force-assign-without-iommu");
	fx_bytes(h, "/pl061@9030000", "xen,passthrough", "", 0);
	assert_int_equal(dt_dev_scan(h, &plat, &devs, &err), 0);
	assert_int_equal(parse(p, h), 0);
	assert_int_equal(pt.ndev, 1);
	assert_false(pt.dev[0].force);
	fx_free(p);
	fx_free(h);
}

static void test_dt_pt_host_node_without_xen_passthrough_returns_eperm(void **state)
{
	(void)state;
	void *h = host(false), *p = fx_load(FX_PARTIAL);
	assert_int_equal(parse(p, h), -XEN_EPERM);
	assert_true(fx_contains(err.msg, "/pl061@9030000"));
	assert_int_equal(dt_dev_find(&devs, fx_node(h, "/pl061@9030000"))->owner, DT_OWN_DOM0);
	fx_free(p);
	fx_free(h);
}

/* xen,reg may not reach past the device: the RTC's page next door is Dom0's. */
static void test_dt_pt_xen_reg_outside_the_device_returns_eperm(void **state)
{
	(void)state;
	void *h = host(true), *p = fx_load(FX_PARTIAL);
	FX_CELLS(p, "/passthrough/gpio@22000000", "xen,reg", 0, 0x9030000, 0, 0x2000, 0, 0x22000000);
	assert_int_equal(parse(p, h), -XEN_EPERM);
	FX_CELLS(p, "/passthrough/gpio@22000000", "xen,reg", 0, 0x9010000, 0, 0x1000, 0, 0x22000000);
	assert_int_equal(parse(p, h), -XEN_EPERM);
	fx_free(p);
	fx_free(h);
}

static void test_dt_pt_unaligned_or_short_xen_reg_returns_einval(void **state)
{
	(void)state;
	void *h = host(true), *p = fx_load(FX_PARTIAL);
	FX_CELLS(p, "/passthrough/gpio@22000000", "xen,reg", 0, 0x9030000, 0, 0x1000, 0, 0x22000800);
	assert_int_equal(parse(p, h), -XEN_EINVAL);
	FX_CELLS(p, "/passthrough/gpio@22000000", "xen,reg", 0, 0x9030000, 0, 0x1000, 0);
	assert_int_equal(parse(p, h), -XEN_EINVAL);
	FX_CELLS(p, "/passthrough/gpio@22000000", "xen,reg", 0, 0x9030000, 0, 0, 0, 0x22000000);
	assert_int_equal(parse(p, h), -XEN_EINVAL);
	fx_free(p);
	fx_free(h);
}

static void test_dt_pt_unknown_path_returns_enoent_and_corrupt_tree_einval(void **state)
{
	(void)state;
	void *h = host(true), *p = fx_load(FX_PARTIAL);
	fx_string(p, "/passthrough/gpio@22000000", "xen,path", "/no-such-device");
	assert_int_equal(parse(p, h), -XEN_ENOENT);
	char junk[64] = { 0xd0, 0x0d, 0xfe, 0xed };
	assert_int_equal(dt_pt_parse(junk, sizeof(junk), h, &devs, 1, &pt, &err), -XEN_EINVAL);
	/* A header claiming more than the module holds. */
	assert_int_equal(dt_pt_parse(p, 64, h, &devs, 1, &pt, &err), -XEN_EINVAL);
	fx_free(p);
	fx_free(h);
}

static void test_dt_pt_two_domus_cannot_share_a_device(void **state)
{
	(void)state;
	void *h = host(true), *p = fx_load(FX_PARTIAL);
	assert_int_equal(parse(p, h), 0);
	assert_int_equal(dt_pt_parse(p, fdt_totalsize(p), h, &devs, 2, &pt, &err), -XEN_EBUSY);
	fx_free(p);
	fx_free(h);
}

static void test_dt_pt_tree_without_passthrough_node_gives_nothing(void **state)
{
	(void)state;
	void *h = host(true), *p = fx_load(FX_PARTIAL);
	fx_delnode(p, "/passthrough");
	assert_int_equal(parse(p, h), 0);
	assert_int_equal(pt.nreg, 0);
	assert_int_equal(dt_dev_find(&devs, fx_node(h, "/pl061@9030000"))->owner, DT_OWN_NONE);
	fx_free(p);
	fx_free(h);
}

static void test_dt_pt_node_reaches_the_domu_tree_without_xen_properties(void **state)
{
	(void)state;
	void *h = host(true), *p = fx_load(FX_PARTIAL);
	assert_int_equal(parse(p, h), 0);
	struct dt_guest g = { .bank = { { ipa_init(0x40000000), 1u << 20 } }, .banks = 1, .vcpus = 1, .pt = &pt };
	g.gic.version = 3;
	g.gic.dist = (struct dt_guest_bank){ ipa_init(0x03001000), 0x10000 };
	g.gic.redist = (struct dt_guest_bank){ ipa_init(0x03020000), 0x20000 };
	int size = dt_guest_build(out, sizeof(out), &g);
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(out, (size_t)size), 0);
	int node = fdt_path_offset(out, "/passthrough/gpio@22000000"), len;
	assert_true(node >= 0);
	assert_null(fdt_getprop(out, node, "xen,path", NULL));
	assert_null(fdt_getprop(out, node, "xen,reg", NULL));
	assert_null(fdt_getprop(out, node, "xen,force-assign-without-iommu", NULL));
	assert_non_null(fdt_getprop(out, node, "gpio-controller", NULL));
	/* Its interrupt parent is the DomU's GIC. */
	const fdt32_t *parent = fdt_getprop(out, node, "interrupt-parent", &len);
	assert_int_equal(fdt_node_offset_by_phandle(out, fdt32_ld(parent)),
			 fdt_node_offset_by_compatible(out, -1, "arm,gic-v3"));
	fx_free(p);
	fx_free(h);
}

/* A reserved-memory RAM disk is given like a device: 256 KiB of its MiB at the guest's 0x20000000;
 * xen,reg past its end is refused. */
static void test_dt_pt_reserved_memory_ramdisk_is_claimed(void **state)
{
	(void)state;
	void *h = fx_load(FX_QEMU_V3), *p = fx_load(FX_PARTIAL);
	fx_reserved_ramdisk(h);
	assert_int_equal(dt_platform_parse(h, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(h, &plat, &devs, &err), 0);
	fx_string(p, "/passthrough/gpio@22000000", "xen,path", FX_RAMDISK);
	FX_CELLS(p, "/passthrough/gpio@22000000", "xen,reg", 0, 0x7ff00000, 0, 0x40000, 0, 0x20000000);
	assert_int_equal(parse(p, h), 0);
	assert_int_equal(dt_dev_find(&devs, fx_node(h, FX_RAMDISK))->owner, DT_OWN_DOMU);
	assert_int_equal(pt.nreg, 1);
	assert_int_equal(pa_addr(pt.reg[0].pa), 0x7ff00000);
	assert_int_equal(pt.reg[0].size, 0x40000);
	assert_int_equal(ipa_addr(pt.reg[0].ipa), 0x20000000);
	FX_CELLS(p, "/passthrough/gpio@22000000", "xen,reg", 0, 0x7ffc0000, 0, 0x80000, 0, 0x20000000);
	assert_int_equal(parse(p, h), -XEN_EPERM);
	fx_free(p);
	fx_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dt_pt_claims_the_device_and_reads_xen_reg),
		cmocka_unit_test(test_dt_pt_host_node_without_xen_passthrough_returns_eperm),
		cmocka_unit_test(test_dt_pt_xen_reg_outside_the_device_returns_eperm),
		cmocka_unit_test(test_dt_pt_unaligned_or_short_xen_reg_returns_einval),
		cmocka_unit_test(test_dt_pt_unknown_path_returns_enoent_and_corrupt_tree_einval),
		cmocka_unit_test(test_dt_pt_two_domus_cannot_share_a_device),
		cmocka_unit_test(test_dt_pt_tree_without_passthrough_node_gives_nothing),
		cmocka_unit_test(test_dt_pt_node_reaches_the_domu_tree_without_xen_properties),
		cmocka_unit_test(test_dt_pt_reserved_memory_ramdisk_is_claimed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
