/* dt_platform_parse on broken device nodes: GIC, timer, PSCI and the console chosen by dtuart= or
 * stdout-path. Each fault is a Xen errno and a message naming the node at fault. */
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

static void test_dt_parse_unknown_interrupt_controller_returns_enoent(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_delprop(tree, "/chosen", "stdout-path");
	fx_string(tree, "/intc@8000000", "compatible", "vendor,other-intc");
	assert_int_equal(parse(), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "no enabled GIC"));
}

static void test_dt_parse_gicv2_without_virtualization_frames_returns_enodev(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V2);
	FX_CELLS(tree, "/intc@8000000", "reg", 0x0, 0x8000000, 0x0, 0x10000, 0x0, 0x8010000, 0x0, 0x10000);
	assert_int_equal(parse(), -XEN_ENODEV);
	assert_true(fx_contains(err.msg, "/intc@8000000: reg has 2 regions"));
}

static void test_dt_parse_gicv3_two_redistributor_regions_are_both_recorded(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/intc@8000000", "#redistributor-regions", 2);
	FX_CELLS(tree, "/intc@8000000", "reg", 0x0, 0x8000000, 0x0, 0x10000, 0x0, 0x80a0000, 0x0, 0x80000, 0x0,
		 0x20000000, 0x0, 0x100000);
	assert_int_equal(parse(), 0);
	assert_int_equal(plat.gic.redist_count, 2);
	assert_int_equal(pa_addr(plat.gic.redist[1].base), 0x20000000);
}

static void test_dt_parse_gicv3_reg_short_of_redistributor_regions_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/intc@8000000", "#redistributor-regions", 2);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "reg has 2 regions, expected the distributor and 2 redistributor regions"));
}

static void test_dt_parse_gicv3_five_redistributor_regions_returns_e2big(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/intc@8000000", "#redistributor-regions", 5);
	assert_int_equal(parse(), -XEN_E2BIG);
}

static void test_dt_parse_maintenance_interrupt_that_is_an_spi_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/intc@8000000", "interrupts", 0, 9, 4);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/intc@8000000: maintenance interrupt is INTID 41, not a PPI"));
}

static void test_dt_parse_timer_with_three_interrupts_returns_enoent(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	FX_CELLS(tree, "/timer", "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4);
	assert_int_equal(parse(), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "/timer: has 3 interrupts, no interrupt 3"));
}

static void test_dt_parse_missing_timer_returns_enoent(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_delnode(tree, "/timer");
	assert_int_equal(parse(), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "no enabled arm,armv8-timer"));
}

static void test_dt_parse_psci_unknown_method_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_string(tree, "/psci", "method", "smc64");
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/psci: method \"smc64\" is neither"));
}

static void test_dt_parse_stdout_path_to_missing_node_returns_enoent(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_string(tree, "/chosen", "stdout-path", "/pl011@9999999:115200n8");
	assert_int_equal(parse(), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "/chosen: console from stdout-path: '/pl011@9999999' names no node"));
	assert_int_equal(plat.cpu_count, 4);
}

static void test_dt_parse_stdout_path_alias_loop_returns_einval_without_crashing(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	fx_string(tree, "/aliases", "serial0", "serial0");
	assert_int_equal(parse(), -XEN_EINVAL);
}

static void test_dt_parse_disabled_console_returns_enodev(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_string(tree, "/pl011@9000000", "status", "disabled");
	assert_int_equal(parse(), -XEN_ENODEV);
	assert_true(fx_contains(err.msg, "/pl011@9000000: the console UART is disabled"));
}

static void test_dt_parse_overlong_dtuart_returns_einval(void **state)
{
	(void)state;
	char args[400] = "dtuart=/";
	memset(args + 8, 'a', 300);
	tree = fx_load(FX_QEMU_V3);
	fx_string(tree, "/chosen", "bootargs", args);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "dtuart= is longer than"));
}

static void test_dt_parse_unterminated_bootargs_returns_einval(void **state)
{
	(void)state;
	tree = fx_load(FX_QEMU_V3);
	fx_bytes(tree, "/chosen", "xen,xen-bootargs", "dtuart=serial0", 14);
	assert_int_equal(parse(), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/chosen: xen,xen-bootargs is not a NUL-terminated string"));
	assert_null(plat.bootargs);
	/* The console still comes up from stdout-path to report it. */
	assert_string_equal(plat.uart.path, "/pl011@9000000");
}

#define T(test) cmocka_unit_test_teardown(test, free_tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dt_parse_unknown_interrupt_controller_returns_enoent),
		T(test_dt_parse_gicv2_without_virtualization_frames_returns_enodev),
		T(test_dt_parse_gicv3_two_redistributor_regions_are_both_recorded),
		T(test_dt_parse_gicv3_reg_short_of_redistributor_regions_returns_einval),
		T(test_dt_parse_gicv3_five_redistributor_regions_returns_e2big),
		T(test_dt_parse_maintenance_interrupt_that_is_an_spi_returns_einval),
		T(test_dt_parse_timer_with_three_interrupts_returns_enoent),
		T(test_dt_parse_missing_timer_returns_enoent),
		T(test_dt_parse_psci_unknown_method_returns_einval),
		T(test_dt_parse_stdout_path_to_missing_node_returns_enoent),
		T(test_dt_parse_stdout_path_alias_loop_returns_einval_without_crashing),
		T(test_dt_parse_disabled_console_returns_enodev),
		T(test_dt_parse_overlong_dtuart_returns_einval),
		T(test_dt_parse_unterminated_bootargs_returns_einval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
