/* dt_platform_parse on hostile and broken trees (header, memory, CPUs): every fault gives a Xen
 * errno and a message naming the node, nothing outside the tree is read, the rest is still found. */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dt/dt.h"
#include "dt_fixture.h"
#include "public/errno.h"

static void *tree;
static struct platform plat;
static struct dt_error err;

static int free_tree(void **state)
{
	(void)state;
	fx_free(tree);
	tree = NULL;
	return 0;
}

static int parse(void) { return dt_platform_parse(tree, &plat, &err); }

static void test_dt_parse_bad_magic_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	fdt_set_magic(tree, 0xd00dfeee);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "not a flattened device tree"));
}

static void test_dt_parse_totalsize_beyond_limit_returns_e2big_without_reading_it(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	fdt_set_totalsize(tree, PLAT_FDT_MAX_SIZE + 8);
	assert_int_equal(parse(), -XEN_E2BIG);
}

static void test_dt_parse_corrupt_structure_block_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	int uart = fx_node(tree, "/soc@1c000000/serial@20000");
	memset((char *)tree + fdt_off_dt_struct(tree) + uart, 0xa5, 4);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "corrupt device tree"));
}

static void test_dt_parse_missing_memory_returns_enoent_but_keeps_the_rest(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	fx_delnode(tree, "/memory@80000000");
	fx_delnode(tree, "/memory@880000000");
	assert_int_equal(parse(), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "no memory"));
	assert_string_equal(plat.uart.path, "/soc@1c000000/serial@20000");
	assert_int_equal(plat.cpu_count, 4);
	assert_int_equal(plat.timer.hyp, 26);
}

static void test_dt_parse_memory_reg_too_short_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/memory@40000000", "reg", 0x0, 0x40000000, 0x0);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/memory@40000000: reg has 12 bytes, expected a multiple of 16"));
}

static void test_dt_parse_disabled_memory_node_is_skipped(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	fx_string(tree, "/memory@880000000", "status", "disabled");
	assert_int_equal(parse(), 0);
	assert_int_equal(plat.mem_count, 1);
}

static void test_dt_parse_nine_memory_banks_returns_e2big_keeping_eight(void **state)
{
	(void)state;
	uint32_t reg[9 * 4];
	tree = fx_load(FX_QEMU_V3);
	for (unsigned i = 0; i < 9; i++) {
		uint32_t r[4] = { 0, 0x40000000 + i * 0x1000000, 0, 0x100000 };
		memcpy(&reg[i * 4], r, sizeof(r));
	}
	fx_cells(tree, "/memory@40000000", "reg", reg, 9 * 4);
	assert_int_equal(parse(), -XEN_E2BIG);
	assert_true(fx_contains(err.msg, "/memory@40000000: more than 8 memory banks"));
	assert_int_equal(plat.mem_count, PLAT_MAX_MEM_BANKS);
}

static void test_dt_parse_overlapping_memory_banks_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	FX_CELLS(tree, "/memory@880000000", "reg", 0x0, 0xa0000000, 0x0, 0x1000);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "memory banks at 0x80000000 and 0xa0000000 overlap"));
}

static void test_dt_parse_missing_cpus_returns_enoent(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_delnode(tree, "/cpus");
	assert_int_equal(parse(), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "no /cpus node"));
}

static void test_dt_parse_cpu_reg_wrong_length_returns_einval_naming_the_cpu(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	FX_CELLS(tree, "/cpus/cpu@1", "reg", 0x0, 0x1, 0x0);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/cpus/cpu@1: reg has 12 bytes, expected 8"));
}

static void test_dt_parse_failed_and_disabled_cpus_are_skipped(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_string(tree, "/cpus/cpu@1", "status", "fail");
	fx_string(tree, "/cpus/cpu@3", "status", "disabled");
	assert_int_equal(parse(), 0);
	assert_int_equal(plat.cpu_count, 2);
	assert_int_equal(plat.cpu_mpidr[1], 2);
}

static void test_dt_parse_seventeen_cpus_returns_e2big(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	for (unsigned i = 4; i < 17; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%x", i);
		int node = fx_addnode(tree, "/cpus", name);
		assert_int_equal(fdt_setprop_string(tree, node, "device_type", "cpu"), 0);
		assert_int_equal(fdt_setprop_u32(tree, node, "reg", i), 0);
	}
	assert_int_equal(parse(), -XEN_E2BIG);
	assert_true(fx_contains(err.msg, "more than 16 CPUs"));
	assert_int_equal(plat.cpu_count, PLAT_MAX_CPUS);
}

static void test_dt_parse_duplicate_mpidr_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/cpus/cpu@2", "reg", 1);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/cpus/cpu@2: MPIDR 0x1 is already another CPU's"));
}

static void test_dt_parse_mpidr_with_non_affinity_bits_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/cpus/cpu@2", "reg", 0x1000002);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/cpus/cpu@2: reg 0x1000002 has bits outside MPIDR"));
}

/* A cheap stand-in for the fuzzer: every byte of a real tree, overwritten, must not crash us. */
static void test_dt_parse_survives_every_single_byte_corruption(void **state)
{
	(void)state;
	static const uint8_t values[] = { 0x00, 0xff, 0x7f };
	tree = fx_load(FX_BOARD);
	/* Only the tree's own bytes: the free space fx_load adds is never read. */
	assert_int_equal(fdt_pack(tree), 0);
	uint32_t size = fdt_totalsize(tree);
	for (uint32_t off = 0; off < size; off++) {
		uint8_t *byte = (uint8_t *)tree + off, saved = *byte;
		for (unsigned v = 0; v < sizeof(values); v++) {
			*byte = values[v];
			(void)parse();
		}
		*byte = saved;
	}
	assert_int_equal(parse(), 0);
}

#define T(test) cmocka_unit_test_teardown(test, free_tree)

/* The fuzz harness's two libfdt 1.6.1 findings (fuzz/findings/dt): a tree older than version 16
 * (fdt_check_full reads a NULL name) and a property length that wraps libfdt's int offsets
 * (fdt_check_full loops) are refused with a message before libfdt walks them. */
static void test_dt_parse_version_before_16_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fdt_set_version(tree, 8);
	fdt_set_last_comp_version(tree, 2);
	assert_int_equal(parse(), -XEN_EINVAL);
	if (!fx_contains(err.msg, "version 8"))
		fail_msg("%s", err.msg);
}

static void test_dt_parse_property_length_wrapping_offsets_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	/* The root's first property: FDT_BEGIN_NODE, its empty name padded to 4, FDT_PROP, then len. */
	uint8_t *len = (uint8_t *)tree + fdt_off_dt_struct(tree) + 8 + 4;
	assert_int_equal(fdt32_ld((const fdt32_t *)(len - 4)), FDT_PROP);
	fdt32_st(len, 0xfffffff4u);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "overruns"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dt_parse_bad_magic_returns_einval),
		T(test_dt_parse_totalsize_beyond_limit_returns_e2big_without_reading_it),
		T(test_dt_parse_corrupt_structure_block_returns_einval),
		T(test_dt_parse_version_before_16_returns_einval),
		T(test_dt_parse_property_length_wrapping_offsets_returns_einval),
		T(test_dt_parse_missing_memory_returns_enoent_but_keeps_the_rest),
		T(test_dt_parse_memory_reg_too_short_returns_einval),
		T(test_dt_parse_disabled_memory_node_is_skipped),
		T(test_dt_parse_nine_memory_banks_returns_e2big_keeping_eight),
		T(test_dt_parse_overlapping_memory_banks_returns_einval),
		T(test_dt_parse_missing_cpus_returns_enoent),
		T(test_dt_parse_cpu_reg_wrong_length_returns_einval_naming_the_cpu),
		T(test_dt_parse_failed_and_disabled_cpus_are_skipped),
		T(test_dt_parse_seventeen_cpus_returns_e2big),
		T(test_dt_parse_duplicate_mpidr_returns_einval),
		T(test_dt_parse_mpidr_with_non_affinity_bits_returns_einval),
		T(test_dt_parse_survives_every_single_byte_corruption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
