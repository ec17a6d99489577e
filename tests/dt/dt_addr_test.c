/* dt_reg: reg entries checked against their bus's cells and translated through every ancestor's
 * ranges (empty = identity, absent = unreachable) to CPU physical addresses. */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dt/dt_node.h"
#include "dt_fixture.h"
#include "public/errno.h"

#define SOC       "/soc@1c000000"
#define UART      SOC "/serial@20000"
#define BRIDGE    SOC "/bridge@80000"
#define DEEP_UART BRIDGE "/serial@1000"

static void *tree;
static struct dt_error err;
static struct plat_region r;

static int load_board(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	return 0;
}

static int free_tree(void **state)
{
	(void)state;
	fx_free(tree);
	return 0;
}

static int reg(const char *path, unsigned index) { return dt_reg(tree, fx_node(tree, path), index, &r, &err); }

static void test_dt_reg_root_device_is_identity_mapped(void **state)
{
	(void)state;
	assert_int_equal(reg("/interrupt-controller@2c001000", 3), 0);
	assert_int_equal(pa_addr(r.base), 0x2c006000);
	assert_int_equal(r.size, 0x2000);
}

static void test_dt_reg_two_levels_of_ranges_translate_to_cpu_address(void **state)
{
	(void)state;
	assert_int_equal(reg(DEEP_UART, 0), 0);
	assert_int_equal(pa_addr(r.base), 0x1c081000);
	assert_int_equal(r.size, 0x1000);
}

static void test_dt_reg_empty_ranges_is_identity(void **state)
{
	(void)state;
	fx_bytes(tree, BRIDGE, "ranges", NULL, 0);
	assert_int_equal(reg(DEEP_UART, 0), 0);
	assert_int_equal(pa_addr(r.base), 0x1c001000);
}

static void test_dt_reg_absent_ranges_returns_einval_naming_the_bus(void **state)
{
	(void)state;
	fx_delprop(tree, SOC, "ranges");
	assert_int_equal(reg(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, UART ": not reachable by the CPU: " SOC " has no ranges"));
}

static void test_dt_reg_picks_the_window_that_holds_the_address(void **state)
{
	(void)state;
	FX_CELLS(tree, SOC, "ranges", 0x0, 0x0, 0x1c000000, 0x10000, 0x20000, 0x0, 0x30000000, 0x10000);
	assert_int_equal(reg(UART, 0), 0);
	assert_int_equal(pa_addr(r.base), 0x30000000);
}

static void test_dt_reg_outside_every_window_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, UART, "reg", 0x200000, 0x1000);
	assert_int_equal(reg(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "reg 0x200000 is outside every ranges window of " SOC));
}

static void test_dt_reg_crossing_the_end_of_a_window_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, UART, "reg", 0xff800, 0x1000);
	assert_int_equal(reg(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "crosses the end of a window"));
}

static void test_dt_reg_ranges_of_wrong_length_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, SOC, "ranges", 0x0, 0x0, 0x1c000000);
	assert_int_equal(reg(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, SOC ": ranges has 12 bytes, expected a multiple of 16"));
}

static void test_dt_reg_too_short_returns_einval_with_sizes(void **state)
{
	(void)state;
	FX_CELLS(tree, UART, "reg", 0x20000, 0x1000, 0x0);
	assert_int_equal(reg(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, UART ": reg has 12 bytes, expected a multiple of 8"));
}

static void test_dt_reg_index_past_the_last_entry_returns_enoent(void **state)
{
	(void)state;
	assert_int_equal(reg(UART, 1), -XEN_ENOENT);
	assert_int_equal(dt_reg_count(tree, fx_node(tree, "/interrupt-controller@2c001000"), &err), 4);
}

static void test_dt_reg_missing_reg_returns_enoent(void **state)
{
	(void)state;
	fx_delprop(tree, UART, "reg");
	assert_int_equal(reg(UART, 0), -XEN_ENOENT);
	assert_int_equal(dt_reg_count(tree, fx_node(tree, UART), &err), 0);
}

static void test_dt_reg_bad_address_cells_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, SOC, "#address-cells", 5);
	assert_int_equal(reg(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, SOC ": bad #address-cells"));
}

static void test_dt_reg_of_a_cpu_is_not_an_mmio_region(void **state)
{
	(void)state;
	assert_int_equal(reg("/cpus/cpu@1", 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "#size-cells = 0"));
}

static void test_dt_reg_three_cell_address_beyond_64_bits_returns_einval(void **state)
{
	(void)state;
	fx_addnode(tree, "/", "wide");
	FX_CELLS(tree, "/wide", "#address-cells", 3);
	FX_CELLS(tree, "/wide", "#size-cells", 1);
	fx_bytes(tree, "/wide", "ranges", NULL, 0);
	fx_addnode(tree, "/wide", "dev@0");
	FX_CELLS(tree, "/wide/dev@0", "reg", 0x0, 0x1, 0x0, 0x10);
	assert_int_equal(reg("/wide/dev@0", 0), 0);
	assert_int_equal(pa_addr(r.base), 0x100000000);
	FX_CELLS(tree, "/wide/dev@0", "reg", 0x1, 0x0, 0x0, 0x10);
	assert_int_equal(reg("/wide/dev@0", 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/wide/dev@0: reg entry 0 does not fit in 64 bits"));
}

static void test_dt_reg_region_wrapping_past_2_64_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, "/interrupt-controller@2c001000", "reg", 0xffffffff, 0xfffff000, 0x0, 0x2000);
	assert_int_equal(reg("/interrupt-controller@2c001000", 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "wraps"));
}

#define T(test) cmocka_unit_test_setup_teardown(test, load_board, free_tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dt_reg_root_device_is_identity_mapped),
		T(test_dt_reg_two_levels_of_ranges_translate_to_cpu_address),
		T(test_dt_reg_empty_ranges_is_identity),
		T(test_dt_reg_absent_ranges_returns_einval_naming_the_bus),
		T(test_dt_reg_picks_the_window_that_holds_the_address),
		T(test_dt_reg_outside_every_window_returns_einval),
		T(test_dt_reg_crossing_the_end_of_a_window_returns_einval),
		T(test_dt_reg_ranges_of_wrong_length_returns_einval),
		T(test_dt_reg_too_short_returns_einval_with_sizes),
		T(test_dt_reg_index_past_the_last_entry_returns_enoent),
		T(test_dt_reg_missing_reg_returns_enoent),
		T(test_dt_reg_bad_address_cells_returns_einval),
		T(test_dt_reg_of_a_cpu_is_not_an_mmio_region),
		T(test_dt_reg_three_cell_address_beyond_64_bits_returns_einval),
		T(test_dt_reg_region_wrapping_past_2_64_returns_einval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
