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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dt_guest_tree_is_valid_with_memory_cpus_and_bootargs),
		cmocka_unit_test(test_dt_guest_hypervisor_node_is_compatible_with_xen),
		cmocka_unit_test(test_dt_guest_small_buffer_returns_enospc),
		cmocka_unit_test(test_dt_guest_bad_vcpu_count_returns_einval),
		cmocka_unit_test(test_dt_guest_dom0_banks_and_initrd_are_described),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
