/* dt_irq: interrupt specifiers resolved through interrupt-parent chains and interrupts-extended
 * to GIC INTIDs (SPI n -> 32 + n, PPI n -> 16 + n); anything not going to the GIC is refused. */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dt/dt_node.h"
#include "dt_fixture.h"
#include "public/errno.h"

#define GIC          "/interrupt-controller@2c001000"
#define UART         "/soc@1c000000/serial@20000"
#define DEEP_UART    "/soc@1c000000/bridge@80000/serial@1000"
#define GPIO_PHANDLE 0x77

static void *tree;
static struct dt_error err;
static unsigned intid;
static uint32_t gic;

static int load_board(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	gic = fdt_get_phandle(tree, fx_node(tree, GIC));
	assert_true(gic != 0);
	/* A secondary controller the hypervisor has no driver for. */
	fx_addnode(tree, "/", "gpio");
	fx_bytes(tree, "/gpio", "interrupt-controller", NULL, 0);
	FX_CELLS(tree, "/gpio", "#interrupt-cells", 2);
	FX_CELLS(tree, "/gpio", "phandle", GPIO_PHANDLE);
	return 0;
}

static int free_tree(void **state)
{
	(void)state;
	fx_free(tree);
	return 0;
}

static int irq(const char *path, unsigned index) { return dt_irq(tree, fx_node(tree, path), index, &intid, &err); }

static void test_dt_irq_spi_inherits_root_interrupt_parent_and_adds_32(void **state)
{
	(void)state;
	assert_int_equal(irq(UART, 0), 0);
	assert_int_equal(intid, 32 + 5);
}

static void test_dt_irq_ppi_adds_16(void **state)
{
	(void)state;
	assert_int_equal(irq("/timer", 3), 0);
	assert_int_equal(intid, 16 + 10);
}

static void test_dt_irq_interrupts_extended_goes_straight_to_the_gic(void **state)
{
	(void)state;
	assert_int_equal(irq(DEEP_UART, 0), 0);
	assert_int_equal(intid, 32 + 6);
}

static void test_dt_irq_interrupts_extended_skips_other_controllers_entries(void **state)
{
	(void)state;
	FX_CELLS(tree, DEEP_UART, "interrupts-extended", GPIO_PHANDLE, 3, 1, gic, 0, 7, 4);
	assert_int_equal(irq(DEEP_UART, 1), 0);
	assert_int_equal(intid, 32 + 7);
	assert_int_equal(irq(DEEP_UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, DEEP_UART ": interrupt parent /gpio is not the GIC"));
	assert_int_equal(irq(DEEP_UART, 2), -XEN_ENOENT);
}

static void test_dt_irq_interrupts_extended_cut_short_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, DEEP_UART, "interrupts-extended", gic, 0, 7);
	assert_int_equal(irq(DEEP_UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "interrupts-extended is cut short"));
}

static void test_dt_irq_nearest_interrupt_parent_wins(void **state)
{
	(void)state;
	FX_CELLS(tree, "/soc@1c000000", "interrupt-parent", GPIO_PHANDLE);
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, UART ": interrupt parent /gpio is not the GIC"));
}

static void test_dt_irq_dangling_interrupt_parent_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, UART, "interrupt-parent", 0x1234);
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, UART ": interrupt-parent <0x1234> names no node"));
}

static void test_dt_irq_without_any_interrupt_parent_returns_einval(void **state)
{
	(void)state;
	fx_delprop(tree, "/", "interrupt-parent");
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "no interrupt-parent"));
}

static void test_dt_irq_truncated_interrupts_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, UART, "interrupts", 0, 5);
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, UART ": interrupts has 8 bytes, expected a multiple of 12"));
}

static void test_dt_irq_index_past_the_end_returns_enoent(void **state)
{
	(void)state;
	assert_int_equal(irq(UART, 1), -XEN_ENOENT);
	assert_int_equal(irq("/cpus", 0), -XEN_ENOENT);
}

static void test_dt_irq_unknown_type_or_out_of_range_number_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, UART, "interrupts", 2, 5, 4);
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "unsupported GIC interrupt <2 5>"));
	FX_CELLS(tree, UART, "interrupts", 1, 16, 4);
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	FX_CELLS(tree, UART, "interrupts", 0, 988, 4);
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	FX_CELLS(tree, UART, "interrupts", 0, 987, 4);
	assert_int_equal(irq(UART, 0), 0);
	assert_int_equal(intid, 1019);
}

static void test_dt_irq_gic_without_interrupt_cells_returns_einval(void **state)
{
	(void)state;
	fx_delprop(tree, GIC, "#interrupt-cells");
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, GIC ": not an interrupt controller"));
}

static void test_dt_irq_gic_with_two_interrupt_cells_returns_einval(void **state)
{
	(void)state;
	FX_CELLS(tree, GIC, "#interrupt-cells", 2);
	FX_CELLS(tree, UART, "interrupts", 0, 5);
	assert_int_equal(irq(UART, 0), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "the GIC needs at least 3"));
}

static void test_dt_irq_qemu_smmuv3_queues_are_spis_74_to_77(void **state)
{
	(void)state;
	struct plat_region regs;
	void *qemu = fx_load(FX_QEMU_SMMU);
	int smmu = fx_node(qemu, "/smmuv3@9050000");
	assert_int_equal(dt_reg(qemu, smmu, 0, &regs, &err), 0);
	assert_int_equal(pa_addr(regs.base), 0x09050000);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(dt_irq(qemu, smmu, i, &intid, &err), 0);
		assert_int_equal(intid, 32 + 74 + i);
	}
	fx_free(qemu);
}

#define T(test) cmocka_unit_test_setup_teardown(test, load_board, free_tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dt_irq_spi_inherits_root_interrupt_parent_and_adds_32),
		T(test_dt_irq_ppi_adds_16),
		T(test_dt_irq_interrupts_extended_goes_straight_to_the_gic),
		T(test_dt_irq_interrupts_extended_skips_other_controllers_entries),
		T(test_dt_irq_interrupts_extended_cut_short_returns_einval),
		T(test_dt_irq_nearest_interrupt_parent_wins),
		T(test_dt_irq_dangling_interrupt_parent_returns_einval),
		T(test_dt_irq_without_any_interrupt_parent_returns_einval),
		T(test_dt_irq_truncated_interrupts_returns_einval),
		T(test_dt_irq_index_past_the_end_returns_enoent),
		T(test_dt_irq_unknown_type_or_out_of_range_number_returns_einval),
		T(test_dt_irq_gic_without_interrupt_cells_returns_einval),
		T(test_dt_irq_gic_with_two_interrupt_cells_returns_einval),
		T(test_dt_irq_qemu_smmuv3_queues_are_spis_74_to_77),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
