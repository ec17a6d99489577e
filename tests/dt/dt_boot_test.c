/* dt_boot_parse: Xen's boot protocol under /chosen (dom0less xen,domain nodes, Dom0 modules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dt/dt_boot.h"
#include "dt_fixture.h"
#include "public/errno.h"

static const char kernel_compat[] = "multiboot,kernel\0multiboot,module";
static const char ramdisk_compat[] = "multiboot,ramdisk\0multiboot,module";

/* QEMU's tree plus /chosen/domU1 { xen,domain; 1/1 cells; memory; cpus; module@50000000 }. */
static void *with_domu(void)
{
	void *fdt = fx_load(FX_QEMU_V3);
	fx_addnode(fdt, "/chosen", "domU1");
	fx_string(fdt, "/chosen/domU1", "compatible", "xen,domain");
	FX_CELLS(fdt, "/chosen/domU1", "#address-cells", 1);
	FX_CELLS(fdt, "/chosen/domU1", "#size-cells", 1);
	FX_CELLS(fdt, "/chosen/domU1", "memory", 0, 0x4000);
	FX_CELLS(fdt, "/chosen/domU1", "cpus", 2);
	fx_addnode(fdt, "/chosen/domU1", "module@50000000");
	fx_bytes(fdt, "/chosen/domU1/module@50000000", "compatible", kernel_compat, sizeof(kernel_compat));
	FX_CELLS(fdt, "/chosen/domU1/module@50000000", "reg", 0x50000000, 0x3000);
	fx_string(fdt, "/chosen/domU1/module@50000000", "bootargs", "console=hvc0");
	return fdt;
}

static void test_dt_boot_no_chosen_domains_boots_nothing(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = fx_load(FX_QEMU_V3);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_int_equal(bi.count, 0);
	fx_free(fdt);
}

static void test_dt_boot_domu_reads_memory_cpus_module_and_bootargs(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = with_domu();
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_int_equal(bi.count, 1);
	assert_string_equal(bi.dom[0].name, "domU1");
	assert_false(bi.dom[0].dom0);
	assert_int_equal(bi.dom[0].mem_kib, 0x4000);
	assert_int_equal(bi.dom[0].vcpus, 2);
	assert_int_equal(pa_addr(bi.dom[0].kernel.base), 0x50000000);
	assert_int_equal(bi.dom[0].kernel.size, 0x3000);
	assert_int_equal(bi.dom[0].ramdisk.size, 0);
	assert_string_equal(bi.dom[0].bootargs, "console=hvc0");
	assert_int_equal(bi.dom[0].sched_weight, 256);
	assert_int_equal(bi.dom[0].sched_cap, 0);
	assert_int_equal(bi.dom[0].vcpu_affinity, 0);
	FX_CELLS(fdt, "/chosen/domU1", "halcyon,sched-weight", 512);
	FX_CELLS(fdt, "/chosen/domU1", "halcyon,sched-cap", 50);
	FX_CELLS(fdt, "/chosen/domU1", "halcyon,vcpu-affinity", 0, 0x6);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_int_equal(bi.dom[0].sched_weight, 512);
	assert_int_equal(bi.dom[0].sched_cap, 50);
	assert_int_equal(bi.dom[0].vcpu_affinity, 0x6);
	FX_CELLS(fdt, "/chosen/domU1", "halcyon,sched-cap", 101);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	FX_CELLS(fdt, "/chosen/domU1", "halcyon,sched-cap", 0);
	FX_CELLS(fdt, "/chosen/domU1", "halcyon,sched-weight", 0);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	fx_free(fdt);
}

/* Xen's dom0less direct-map: an empty property on the xen,domain node; absent, the DomU is not. */
static void test_dt_boot_domu_direct_map_property_is_read(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = with_domu();
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_false(bi.dom[0].direct_map);
	fx_bytes(fdt, "/chosen/domU1", "direct-map", "", 0);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_true(bi.dom[0].direct_map);
	fx_free(fdt);
}

/* A DomU's multiboot,device-tree module is its dom0less passthrough tree; one per domain. */
static void test_dt_boot_domu_device_tree_module_is_recorded_once(void **state)
{
	(void)state;
	static const char dtb_compat[] = "multiboot,device-tree\0multiboot,module";
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = with_domu();
	fx_addnode(fdt, "/chosen/domU1", "module@51000000");
	fx_bytes(fdt, "/chosen/domU1/module@51000000", "compatible", dtb_compat, sizeof(dtb_compat));
	FX_CELLS(fdt, "/chosen/domU1/module@51000000", "reg", 0x51000000, 0x800);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_int_equal(pa_addr(bi.dom[0].dtb.base), 0x51000000);
	assert_int_equal(bi.dom[0].dtb.size, 0x800);
	fx_addnode(fdt, "/chosen/domU1", "module@52000000");
	fx_bytes(fdt, "/chosen/domU1/module@52000000", "compatible", dtb_compat, sizeof(dtb_compat));
	FX_CELLS(fdt, "/chosen/domU1/module@52000000", "reg", 0x52000000, 0x800);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "second device-tree module"));
	fx_free(fdt);
}

static void test_dt_boot_dom0_modules_directly_under_chosen(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = fx_load(FX_QEMU_V3);
	FX_CELLS(fdt, "/chosen", "#address-cells", 2);
	FX_CELLS(fdt, "/chosen", "#size-cells", 2);
	fx_addnode(fdt, "/chosen", "module@60000000");
	fx_bytes(fdt, "/chosen/module@60000000", "compatible", kernel_compat, sizeof(kernel_compat));
	FX_CELLS(fdt, "/chosen/module@60000000", "reg", 0, 0x60000000, 0, 0x800000);
	fx_addnode(fdt, "/chosen", "module@68000000");
	fx_bytes(fdt, "/chosen/module@68000000", "compatible", ramdisk_compat, sizeof(ramdisk_compat));
	FX_CELLS(fdt, "/chosen/module@68000000", "reg", 0, 0x68000000, 0, 0x100000);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_int_equal(bi.count, 1);
	assert_true(bi.dom[0].dom0);
	assert_int_equal(pa_addr(bi.dom[0].kernel.base), 0x60000000);
	assert_int_equal(bi.dom[0].kernel.size, 0x800000);
	assert_int_equal(pa_addr(bi.dom[0].ramdisk.base), 0x68000000);
	assert_null(bi.dom[0].bootargs);
	fx_string(fdt, "/chosen/module@60000000", "bootargs", "from-module");
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_string_equal(bi.dom[0].bootargs, "from-module");
	fx_string(fdt, "/chosen", "xen,dom0-bootargs", "console=hvc0 earlycon=xen");
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_string_equal(bi.dom[0].bootargs, "console=hvc0 earlycon=xen"); /* Xen's preference */
	fx_free(fdt);
}

static void test_dt_boot_domu_without_kernel_returns_enoent(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = with_domu();
	fx_delnode(fdt, "/chosen/domU1/module@50000000");
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "/chosen/domU1"));
	fx_free(fdt);
}

static void test_dt_boot_bad_memory_or_cpus_returns_einval(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = with_domu();
	FX_CELLS(fdt, "/chosen/domU1", "memory", 0, 3); /* not a multiple of 4 KiB */
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	FX_CELLS(fdt, "/chosen/domU1", "memory", 0, 0x4000);
	FX_CELLS(fdt, "/chosen/domU1", "cpus", 0);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	FX_CELLS(fdt, "/chosen/domU1", "cpus", 1);
	fx_delprop(fdt, "/chosen/domU1", "memory");
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "memory"));
	fx_free(fdt);
}

static void test_dt_boot_module_reg_short_or_wrapping_returns_einval(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = with_domu();
	FX_CELLS(fdt, "/chosen/domU1/module@50000000", "reg", 0x50000000);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	FX_CELLS(fdt, "/chosen/domU1/module@50000000", "reg", 0xfffff000, 0x2000);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0); /* 32-bit cells cannot wrap 64 bits */
	FX_CELLS(fdt, "/chosen/domU1", "#address-cells", 2);
	FX_CELLS(fdt, "/chosen/domU1/module@50000000", "reg", 0xffffffff, 0xfffff000, 0x2000);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	fx_free(fdt);
}

static void test_dt_boot_two_kernels_in_one_domain_returns_einval(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = with_domu();
	fx_addnode(fdt, "/chosen/domU1", "module@51000000");
	fx_bytes(fdt, "/chosen/domU1/module@51000000", "compatible", kernel_compat, sizeof(kernel_compat));
	FX_CELLS(fdt, "/chosen/domU1/module@51000000", "reg", 0x51000000, 0x1000);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "second kernel"));
	fx_free(fdt);
}

static bool has_rsv(const struct boot_info *bi, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < bi->nrsv; i++)
		if (pa_addr(bi->rsv[i].base) == base && bi->rsv[i].size == size)
			return true;
	return false;
}

/* /reserved-memory children with a reg are kept from the frame allocator whatever they are for;
 * disabled ones and dynamic ones (size, no reg) place nothing. */
static void test_dt_boot_reserved_memory_regions_are_recorded(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	void *fdt = fx_load(FX_QEMU_V3);
	fx_reserved_ramdisk(fdt);
	fx_addnode(fdt, "/reserved-memory", "fw@7fe00000");
	FX_CELLS(fdt, "/reserved-memory/fw@7fe00000", "reg", 0, 0x7fe00000, 0, 0x10000, 0, 0x7fe80000, 0, 0x2000);
	fx_addnode(fdt, "/reserved-memory", "off@7fd00000");
	FX_CELLS(fdt, "/reserved-memory/off@7fd00000", "reg", 0, 0x7fd00000, 0, 0x1000);
	fx_string(fdt, "/reserved-memory/off@7fd00000", "status", "disabled");
	fx_addnode(fdt, "/reserved-memory", "pool");
	FX_CELLS(fdt, "/reserved-memory/pool", "size", 0, 0x400000);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_int_equal(bi.count, 0);
	assert_int_equal(bi.nrsv, 3);
	/* libfdt adds a node before its siblings: the order is the tree's, not the test's. */
	assert_true(has_rsv(&bi, 0x7ff00000, 0x100000));
	assert_true(has_rsv(&bi, 0x7fe00000, 0x10000));
	assert_true(has_rsv(&bi, 0x7fe80000, 0x2000));
	fx_free(fdt);
}

static void test_dt_boot_reserved_memory_malformed_or_too_many_fails(void **state)
{
	(void)state;
	struct boot_info bi;
	struct dt_error err = { { 0 } };
	char name[32], path[64];
	void *fdt = fx_load(FX_QEMU_V3);
	fx_reserved_ramdisk(fdt);
	FX_CELLS(fdt, FX_RAMDISK, "reg", 0, 0x7ff00000, 0);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "ramdisk@7ff00000"));
	FX_CELLS(fdt, FX_RAMDISK, "reg", 0, 0x7ff00000, 0, 0x1000);
	for (unsigned i = 1; i < BOOT_MAX_RESERVED; i++) {
		snprintf(name, sizeof(name), "r@%x", 0x7f000000 + 0x1000 * i);
		snprintf(path, sizeof(path), "/reserved-memory/%s", name);
		fx_addnode(fdt, "/reserved-memory", name);
		FX_CELLS(fdt, path, "reg", 0, 0x7f000000 + 0x1000 * i, 0, 0x1000);
	}
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), 0);
	assert_int_equal(bi.nrsv, BOOT_MAX_RESERVED);
	fx_addnode(fdt, "/reserved-memory", "r@7e000000");
	FX_CELLS(fdt, "/reserved-memory/r@7e000000", "reg", 0, 0x7e000000, 0, 0x1000);
	assert_int_equal(dt_boot_parse(fdt, &bi, &err), -XEN_E2BIG);
	fx_free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dt_boot_no_chosen_domains_boots_nothing),
		cmocka_unit_test(test_dt_boot_domu_reads_memory_cpus_module_and_bootargs),
		cmocka_unit_test(test_dt_boot_domu_direct_map_property_is_read),
		cmocka_unit_test(test_dt_boot_domu_device_tree_module_is_recorded_once),
		cmocka_unit_test(test_dt_boot_dom0_modules_directly_under_chosen),
		cmocka_unit_test(test_dt_boot_domu_without_kernel_returns_enoent),
		cmocka_unit_test(test_dt_boot_bad_memory_or_cpus_returns_einval),
		cmocka_unit_test(test_dt_boot_module_reg_short_or_wrapping_returns_einval),
		cmocka_unit_test(test_dt_boot_two_kernels_in_one_domain_returns_einval),
		cmocka_unit_test(test_dt_boot_reserved_memory_regions_are_recorded),
		cmocka_unit_test(test_dt_boot_reserved_memory_malformed_or_too_many_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
