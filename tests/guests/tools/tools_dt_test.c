/* tools_dt_build: the tree the toolstack gives a domain is valid and holds the nodes and
 * properties libxl writes on arm, with Xen's guest addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "guests/lib/tools/dt.h"

static char buf[4096];

static struct tools_dt base(void)
{
	return (struct tools_dt){ .xen_major = 4,
				  .xen_minor = 17,
				  .vcpus = 2,
				  .gic_version = 3,
				  .ram_base = 0x40000000,
				  .ram_size = 16u << 20,
				  .bootargs = "console=hvc0 tiny.n=3" };
}

static int build(const struct tools_dt *t)
{
	int size = tools_dt_build(buf, sizeof(buf), t);
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(buf, (size_t)size), 0);
	return size;
}

static int node(const char *path)
{
	int off = fdt_path_offset(buf, path);
	assert_true(off >= 0);
	return off;
}

static uint32_t u32(int off, const char *prop)
{
	int len;
	const fdt32_t *v = fdt_getprop(buf, off, prop, &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*v);
}

/* Two (address, size) pairs of 64-bit cells at most; returns how many cells reg has. */
static int reg(int off, uint64_t *out)
{
	int len;
	const fdt64_t *r = fdt_getprop(buf, off, "reg", &len);
	assert_non_null(r);
	for (int i = 0; i < len / 8; i++)
		out[i] = fdt64_ld(&r[i]);
	return len / 8;
}

static void test_tools_dt_tree_is_valid_with_root_chosen_cpus_and_memory(void **state)
{
	(void)state;
	struct tools_dt t = base();
	build(&t);

	assert_int_equal(fdt_node_check_compatible(buf, 0, "xen,xenvm-4.17"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, 0, "xen,xenvm"), 0);
	assert_int_equal(u32(0, "#address-cells"), 2);
	assert_int_equal(u32(0, "#size-cells"), 2);
	assert_int_equal(u32(0, "interrupt-parent"), TOOLS_DT_GIC_PHANDLE);
	assert_string_equal(fdt_getprop(buf, node("/chosen"), "bootargs", NULL), "console=hvc0 tiny.n=3");

	int cpus = node("/cpus");
	assert_int_equal(u32(cpus, "#address-cells"), 1);
	assert_int_equal(u32(cpus, "#size-cells"), 0);
	for (unsigned i = 0; i < 2; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		int cpu = node(path);
		assert_string_equal(fdt_getprop(buf, cpu, "device_type", NULL), "cpu");
		assert_string_equal(fdt_getprop(buf, cpu, "enable-method", NULL), "psci");
		assert_int_equal(fdt_node_check_compatible(buf, cpu, "arm,armv8"), 0);
		assert_int_equal(u32(cpu, "reg"), i);
	}
	assert_true(fdt_path_offset(buf, "/cpus/cpu@2") < 0);

	uint64_t r[4];
	int mem = node("/memory@40000000");
	assert_string_equal(fdt_getprop(buf, mem, "device_type", NULL), "memory");
	assert_int_equal(reg(mem, r), 2);
	assert_int_equal(r[0], 0x40000000);
	assert_int_equal(r[1], 16u << 20);
}

static void test_tools_dt_psci_uses_the_hvc_conduit(void **state)
{
	(void)state;
	struct tools_dt t = base();
	build(&t);
	int psci = node("/psci");
	assert_int_equal(fdt_node_check_compatible(buf, psci, "arm,psci-1.0"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, psci, "arm,psci-0.2"), 0);
	assert_string_equal(fdt_getprop(buf, psci, "method", NULL), "hvc");
	assert_int_equal(u32(psci, "cpu_on"), 0x84000003);
	assert_int_equal(u32(psci, "cpu_off"), 0x84000002);
}

static void test_tools_dt_gicv3_at_xen_guest_addresses(void **state)
{
	(void)state;
	struct tools_dt t = base();
	build(&t);
	int gic = node("/interrupt-controller@3001000");
	uint64_t r[4];
	assert_int_equal(fdt_node_check_compatible(buf, gic, "arm,gic-v3"), 0);
	assert_non_null(fdt_getprop(buf, gic, "interrupt-controller", NULL));
	assert_int_equal(u32(gic, "#interrupt-cells"), 3);
	assert_int_equal(u32(gic, "#address-cells"), 0);
	assert_int_equal(u32(gic, "phandle"), 65000);
	assert_int_equal(u32(gic, "linux,phandle"), 65000);
	assert_int_equal(reg(gic, r), 4);
	assert_int_equal(r[0], 0x03001000);
	assert_int_equal(r[1], 0x10000);
	assert_int_equal(r[2], 0x03020000);
	assert_int_equal(r[3], 0x01000000);
	assert_int_equal(fdt_node_offset_by_phandle(buf, 65000), gic);
}

static void test_tools_dt_gicv2_has_distributor_and_cpu_interface(void **state)
{
	(void)state;
	struct tools_dt t = base();
	t.gic_version = 2;
	build(&t);
	int gic = node("/interrupt-controller@3001000");
	uint64_t r[4];
	assert_int_equal(fdt_node_check_compatible(buf, gic, "arm,cortex-a15-gic"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, gic, "arm,gic-v3"), 1);
	assert_int_equal(reg(gic, r), 4);
	assert_int_equal(r[0], 0x03001000);
	assert_int_equal(r[1], 0x1000);
	assert_int_equal(r[2], 0x03002000);
	assert_int_equal(r[3], 0x2000);
}

/* Each interrupt specifier: type (1 = PPI), number, flags; returns the PPI numbers in order. */
static int interrupts(int off, uint32_t *ppi)
{
	int len;
	const fdt32_t *v = fdt_getprop(buf, off, "interrupts", &len);
	assert_non_null(v);
	assert_int_equal(len % 12, 0);
	for (int i = 0; i < len / 12; i++) {
		assert_int_equal(fdt32_to_cpu(v[3 * i]), 1);
		assert_int_equal(fdt32_to_cpu(v[3 * i + 2]), 0xf08);
		ppi[i] = fdt32_to_cpu(v[3 * i + 1]);
	}
	return len / 12;
}

static void test_tools_dt_timer_names_secure_physical_and_virtual_ppis(void **state)
{
	(void)state;
	struct tools_dt t = base();
	build(&t);
	int timer = node("/timer");
	uint32_t ppi[3];
	assert_int_equal(fdt_node_check_compatible(buf, timer, "arm,armv8-timer"), 0);
	assert_int_equal(interrupts(timer, ppi), 3);
	assert_int_equal(ppi[0] + 16, 29);
	assert_int_equal(ppi[1] + 16, 30);
	assert_int_equal(ppi[2] + 16, 27); /* the virtual timer third, as guests read it */
}

static void test_tools_dt_hypervisor_node_has_grant_region_and_upcall_ppi(void **state)
{
	(void)state;
	struct tools_dt t = base();
	build(&t);
	int hyp = node("/hypervisor");
	uint64_t r[2];
	uint32_t ppi[1];
	assert_int_equal(fdt_node_check_compatible(buf, hyp, "xen,xen-4.17"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, hyp, "xen,xen"), 0);
	assert_int_equal(reg(hyp, r), 2);
	assert_int_equal(r[0], 0x38000000);
	assert_int_equal(r[1], 0x01000000);
	assert_int_equal(interrupts(hyp, ppi), 1);
	assert_int_equal(ppi[0] + 16, 31);
}

static void test_tools_dt_no_bootargs_and_no_devices_leave_them_out(void **state)
{
	(void)state;
	struct tools_dt t = base();
	t.bootargs = NULL;
	build(&t);
	assert_null(fdt_getprop(buf, node("/chosen"), "bootargs", NULL));
	assert_true(fdt_path_offset(buf, "/passthrough") < 0);
}

static void test_tools_dt_passthrough_device_is_described_under_a_simple_bus(void **state)
{
	(void)state;
	struct tools_dt t = base();
	t.dev[0] = (struct tools_dt_dev){ "halcyon,ramdisk", 0x10000000, 0x400000 };
	t.nr_dev = 1;
	build(&t);
	int pt = node("/passthrough");
	uint64_t r[2];
	assert_int_equal(fdt_node_check_compatible(buf, pt, "simple-bus"), 0);
	assert_non_null(fdt_getprop(buf, pt, "ranges", NULL));
	assert_int_equal(u32(pt, "#address-cells"), 2);
	int dev = fdt_node_offset_by_compatible(buf, -1, "halcyon,ramdisk");
	assert_int_equal(dev, node("/passthrough/ramdisk@10000000"));
	assert_int_equal(reg(dev, r), 2);
	assert_int_equal(r[0], 0x10000000);
	assert_int_equal(r[1], 0x400000);
}

static void test_tools_dt_small_buffer_is_nospace(void **state)
{
	(void)state;
	struct tools_dt t = base();
	assert_int_equal(tools_dt_build(buf, 256, &t), -FDT_ERR_NOSPACE);
}

static void test_tools_dt_unbootable_descriptions_are_badvalue(void **state)
{
	(void)state;
	struct tools_dt t = base();
	t.vcpus = 0;
	assert_int_equal(tools_dt_build(buf, sizeof(buf), &t), -FDT_ERR_BADVALUE);
	t = base();
	t.vcpus = TOOLS_DT_MAX_VCPUS + 1;
	assert_int_equal(tools_dt_build(buf, sizeof(buf), &t), -FDT_ERR_BADVALUE);
	t = base();
	t.ram_size = 0;
	assert_int_equal(tools_dt_build(buf, sizeof(buf), &t), -FDT_ERR_BADVALUE);
	t = base();
	t.gic_version = 4;
	assert_int_equal(tools_dt_build(buf, sizeof(buf), &t), -FDT_ERR_BADVALUE);
	t = base();
	t.nr_dev = 1; /* a device with no compatible */
	assert_int_equal(tools_dt_build(buf, sizeof(buf), &t), -FDT_ERR_BADVALUE);
	t.nr_dev = TOOLS_DT_MAX_DEVS + 1;
	assert_int_equal(tools_dt_build(buf, sizeof(buf), &t), -FDT_ERR_BADVALUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tools_dt_tree_is_valid_with_root_chosen_cpus_and_memory),
		cmocka_unit_test(test_tools_dt_psci_uses_the_hvc_conduit),
		cmocka_unit_test(test_tools_dt_gicv3_at_xen_guest_addresses),
		cmocka_unit_test(test_tools_dt_gicv2_has_distributor_and_cpu_interface),
		cmocka_unit_test(test_tools_dt_timer_names_secure_physical_and_virtual_ppis),
		cmocka_unit_test(test_tools_dt_hypervisor_node_has_grant_region_and_upcall_ppi),
		cmocka_unit_test(test_tools_dt_no_bootargs_and_no_devices_leave_them_out),
		cmocka_unit_test(test_tools_dt_passthrough_device_is_described_under_a_simple_bus),
		cmocka_unit_test(test_tools_dt_small_buffer_is_nospace),
		cmocka_unit_test(test_tools_dt_unbootable_descriptions_are_badvalue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
