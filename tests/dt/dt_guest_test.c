/* dt_guest_build: the DomU tree is valid and says what the domain was given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dt/dt_guest.h"
#include "public/errno.h"

static char buf[4096];

static void test_dt_guest_tree_is_valid_with_memory_cpus_and_bootargs(void **state)
{
	(void)state;
	struct dt_guest g = { .bank = { { ipa_init(0x40000000), 16u << 20 } },
			      .banks = 1,
			      .vcpus = 2,
			      .bootargs = "console=hvc0 root=/dev/xvda" };
	int size = dt_guest_build(buf, sizeof(buf), &g);
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(buf, (size_t)size), 0);

	int mem = fdt_path_offset(buf, "/memory@40000000");
	assert_true(mem >= 0);
	int len;
	/* Properties are only 4-byte aligned: read 64-bit cells with fdt64_ld. */
	const fdt64_t *reg = fdt_getprop(buf, mem, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), 0x40000000);
	assert_int_equal(fdt64_ld(&reg[1]), 16u << 20);
	assert_string_equal(fdt_getprop(buf, fdt_path_offset(buf, "/chosen"), "bootargs", NULL),
			    "console=hvc0 root=/dev/xvda");
	assert_true(fdt_path_offset(buf, "/cpus/cpu@0") >= 0);
	assert_true(fdt_path_offset(buf, "/cpus/cpu@1") >= 0);
	assert_true(fdt_path_offset(buf, "/cpus/cpu@2") < 0);
}

static void test_dt_guest_hypervisor_node_is_compatible_with_xen(void **state)
{
	(void)state;
	struct dt_guest g = { .bank = { { ipa_init(0x40000000), 1u << 20 } }, .banks = 1, .vcpus = 1 };
	assert_true(dt_guest_build(buf, sizeof(buf), &g) > 0);
	int hyp = fdt_path_offset(buf, "/hypervisor");
	assert_true(hyp >= 0);
	assert_int_equal(fdt_node_check_compatible(buf, hyp, "xen,xen"), 0);
	assert_false(fdt_getprop(buf, fdt_path_offset(buf, "/chosen"), "bootargs", NULL));
}

static void test_dt_guest_small_buffer_returns_enospc(void **state)
{
	(void)state;
	struct dt_guest g = { .bank = { { ipa_init(0x40000000), 1u << 20 } }, .banks = 1, .vcpus = 1 };
	assert_int_equal(dt_guest_build(buf, 128, &g), -XEN_ENOSPC);
}

static void test_dt_guest_bad_vcpu_count_returns_einval(void **state)
{
	(void)state;
	struct dt_guest g = { .bank = { { ipa_init(0x40000000), 1u << 20 } }, .banks = 1, .vcpus = 0 };
	assert_int_equal(dt_guest_build(buf, sizeof(buf), &g), -XEN_EINVAL);
	g.vcpus = DT_GUEST_MAX_VCPUS + 1;
	assert_int_equal(dt_guest_build(buf, sizeof(buf), &g), -XEN_EINVAL);
	g.vcpus = 1;
	g.banks = 0;
	assert_int_equal(dt_guest_build(buf, sizeof(buf), &g), -XEN_EINVAL);
}

static void test_dt_guest_dom0_banks_and_initrd_are_described(void **state)
{
	(void)state;
	struct dt_guest g = { .bank = { { ipa_init(0x60000000), 256u << 20 }, { ipa_init(0x48000000), 2u << 20 } },
			      .banks = 2,
			      .vcpus = 1,
			      .initrd = ipa_init(0x60400000),
			      .initrd_size = 0x1234 };
	assert_true(dt_guest_build(buf, sizeof(buf), &g) > 0);
	assert_true(fdt_path_offset(buf, "/memory@60000000") >= 0);
	assert_true(fdt_path_offset(buf, "/memory@48000000") >= 0);
	int chosen = fdt_path_offset(buf, "/chosen"), len;
	const fdt64_t *start = fdt_getprop(buf, chosen, "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_ld(start), 0x60400000);
	const fdt64_t *end = fdt_getprop(buf, chosen, "linux,initrd-end", &len);
	assert_int_equal(fdt64_ld(end), 0x60401234);
}

static const struct dt_guest gicv3_guest = {
	.bank = { { { 0x40000000 }, 16u << 20 } },
	.banks = 1,
	.vcpus = 4,
	.gic = { .version = 3, .dist = { { 0x03001000 }, 0x10000 }, .redist = { { 0x03020000 }, 4 * 0x20000 } },
};

/* The node the root's interrupt-parent points at. */
static int interrupt_parent(void)
{
	int len;
	const fdt32_t *ph = fdt_getprop(buf, 0, "interrupt-parent", &len);
	assert_non_null(ph);
	assert_int_equal(len, 4);
	int node = fdt_node_offset_by_phandle(buf, fdt32_ld(ph));
	assert_true(node >= 0);
	return node;
}

static void assert_reg_pair(int node, unsigned i, uint64_t base, uint64_t size)
{
	int len;
	const fdt64_t *reg = fdt_getprop(buf, node, "reg", &len);
	assert_non_null(reg);
	assert_true(len >= (int)(16 * (i + 1)));
	assert_int_equal(fdt64_ld(&reg[2 * i]), base);
	assert_int_equal(fdt64_ld(&reg[2 * i + 1]), size);
}

static void test_dt_guest_gicv3_node_has_distributor_and_redistributors(void **state)
{
	(void)state;
	int size = dt_guest_build(buf, sizeof(buf), &gicv3_guest);
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(buf, (size_t)size), 0);
	int gic = interrupt_parent();
	assert_int_equal(fdt_node_check_compatible(buf, gic, "arm,gic-v3"), 0);
	assert_non_null(fdt_getprop(buf, gic, "interrupt-controller", NULL));
	const fdt32_t *cells = fdt_getprop(buf, gic, "#interrupt-cells", NULL);
	assert_int_equal(fdt32_ld(cells), 3);
	int len;
	fdt_getprop(buf, gic, "reg", &len);
	assert_int_equal(len, 32);
	assert_reg_pair(gic, 0, 0x03001000, 0x10000);
	assert_reg_pair(gic, 1, 0x03020000, 0x80000);
	assert_string_equal(fdt_get_name(buf, gic, NULL), "interrupt-controller@3001000");
}

static void test_dt_guest_gicv2_node_has_distributor_and_cpu_interface(void **state)
{
	(void)state;
	struct dt_guest g = gicv3_guest;
	g.gic.version = 2;
	g.gic.dist.size = 0x1000;
	g.gic.cpuif = (struct dt_guest_bank){ ipa_init(0x03002000), 0x2000 };
	int size = dt_guest_build(buf, sizeof(buf), &g);
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(buf, (size_t)size), 0);
	int gic = interrupt_parent();
	assert_int_equal(fdt_node_check_compatible(buf, gic, "arm,cortex-a15-gic"), 0);
	assert_reg_pair(gic, 0, 0x03001000, 0x1000);
	assert_reg_pair(gic, 1, 0x03002000, 0x2000);
}

static void test_dt_guest_timer_node_lists_four_level_low_ppis_virtual_third(void **state)
{
	(void)state;
	assert_true(dt_guest_build(buf, sizeof(buf), &gicv3_guest) > 0);
	int timer = fdt_path_offset(buf, "/timer");
	assert_true(timer >= 0);
	assert_int_equal(fdt_node_check_compatible(buf, timer, "arm,armv8-timer"), 0);
	int len;
	const fdt32_t *irq = fdt_getprop(buf, timer, "interrupts", &len);
	assert_int_equal(len, 4 * 3 * 4);
	const uint32_t intids[] = { 29, 30, 27, 26 };
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(fdt32_ld(&irq[3 * i]), 1); /* a PPI */
		assert_int_equal(fdt32_ld(&irq[3 * i + 1]) + 16, intids[i]);
		assert_int_equal(fdt32_ld(&irq[3 * i + 2]), 0xf08);
	}
}

static void test_dt_guest_without_gic_has_no_interrupt_parent_or_timer(void **state)
{
	(void)state;
	struct dt_guest g = gicv3_guest;
	g.gic.version = 0;
	assert_true(dt_guest_build(buf, sizeof(buf), &g) > 0);
	assert_null(fdt_getprop(buf, 0, "interrupt-parent", NULL));
	assert_true(fdt_path_offset(buf, "/timer") < 0);
}

static void test_dt_guest_unknown_gic_version_returns_einval(void **state)
{
	(void)state;
	struct dt_guest g = gicv3_guest;
	g.gic.version = 4;
	assert_int_equal(dt_guest_build(buf, sizeof(buf), &g), -XEN_EINVAL);
}

/* What Linux's Xen support reads: grant frames from reg[0], the upcall from interrupts (PPI 15 =
 * INTID 31, the hypervisor's DOMAIN_EVTCHN_PPI), and PSCI through hvc for its secondary vCPUs. */
static void test_dt_guest_hypervisor_node_has_grant_region_evtchn_ppi_and_psci(void **state)
{
	(void)state;
	struct dt_guest g = { .bank = { { ipa_init(0x40000000), 1u << 20 } }, .banks = 1, .vcpus = 2 };
	g.gnttab = (struct dt_guest_bank){ ipa_init(0x38000000), 0x1000000 };
	g.gic.version = 3;
	g.gic.dist = (struct dt_guest_bank){ ipa_init(0x03001000), 0x10000 };
	g.gic.redist = (struct dt_guest_bank){ ipa_init(0x03020000), 2 * 0x20000 };
	assert_true(dt_guest_build(buf, sizeof(buf), &g) > 0);
	int hyp = fdt_path_offset(buf, "/hypervisor"), len;
	const fdt64_t *reg = fdt_getprop(buf, hyp, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), 0x38000000);
	assert_int_equal(fdt64_ld(&reg[1]), 0x1000000);
	const fdt32_t *irq = fdt_getprop(buf, hyp, "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_ld(&irq[0]), 1); /* a PPI */
	assert_int_equal(16 + fdt32_ld(&irq[1]), 31);
	int psci = fdt_node_offset_by_compatible(buf, -1, "arm,psci-0.2");
	assert_true(psci >= 0);
	assert_string_equal(fdt_getprop(buf, psci, "method", NULL), "hvc");
	/* Without a GIC there is no interrupt to name, nor without a region a reg. */
	g.gic.version = 0;
	g.gnttab.size = 0;
	assert_true(dt_guest_build(buf, sizeof(buf), &g) > 0);
	assert_null(fdt_getprop(buf, fdt_path_offset(buf, "/hypervisor"), "interrupts", NULL));
	assert_null(fdt_getprop(buf, fdt_path_offset(buf, "/hypervisor"), "reg", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dt_guest_tree_is_valid_with_memory_cpus_and_bootargs),
		cmocka_unit_test(test_dt_guest_hypervisor_node_is_compatible_with_xen),
		cmocka_unit_test(test_dt_guest_hypervisor_node_has_grant_region_evtchn_ppi_and_psci),
		cmocka_unit_test(test_dt_guest_small_buffer_returns_enospc),
		cmocka_unit_test(test_dt_guest_bad_vcpu_count_returns_einval),
		cmocka_unit_test(test_dt_guest_dom0_banks_and_initrd_are_described),
		cmocka_unit_test(test_dt_guest_gicv3_node_has_distributor_and_redistributors),
		cmocka_unit_test(test_dt_guest_gicv2_node_has_distributor_and_cpu_interface),
		cmocka_unit_test(test_dt_guest_timer_node_lists_four_level_low_ppis_virtual_third),
		cmocka_unit_test(test_dt_guest_without_gic_has_no_interrupt_parent_or_timer),
		cmocka_unit_test(test_dt_guest_unknown_gic_version_returns_einval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
