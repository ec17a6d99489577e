/* dt_platform_parse over real trees: QEMU virt's own DTBs (GICv3, GICv2, GICv3+SMMUv3) and a
 * hand-written board with two RAM banks, nested buses and an aliased console. */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dt/dt.h"
#include "dt_fixture.h"
#include "public/errno.h"

static struct platform plat;
static struct dt_error err;
/* The test's tree, freed after each test: plat.bootargs points into it. */
static void *tree;

static int free_tree(void **state)
{
	(void)state;
	fx_free(tree);
	tree = NULL;
	return 0;
}

static void parse_ok(const char *path)
{
	tree = fx_load(path);
	int rc = dt_platform_parse(tree, &plat, &err);
	if (rc)
		fail_msg("%s: %d (%s)", path, rc, err.msg);
	assert_string_equal(err.msg, "");
}

static void assert_region(struct plat_region r, uint64_t base, uint64_t size)
{
	assert_int_equal(pa_addr(r.base), base);
	assert_int_equal(r.size, size);
}

static void test_dt_parse_qemu_gicv3_finds_four_cpus(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_V3);
	assert_int_equal(plat.cpu_count, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(plat.cpu_mpidr[i], i);
}

static void test_dt_parse_qemu_gicv3_finds_one_gib_at_0x40000000(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_V3);
	assert_int_equal(plat.mem_count, 1);
	assert_region(plat.mem[0], 0x40000000, 1ull << 30);
}

static void test_dt_parse_qemu_gicv3_finds_distributor_and_redistributors(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_V3);
	assert_int_equal(plat.gic.version, 3);
	assert_region(plat.gic.dist, 0x08000000, 0x10000);
	assert_int_equal(plat.gic.redist_count, 1);
	assert_region(plat.gic.redist[0], 0x080a0000, 0xf60000);
	assert_int_equal(plat.gic.maint_intid, 25);
}

static void test_dt_parse_qemu_timer_ppis_are_29_30_27_26(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_V3);
	assert_int_equal(plat.timer.sec_phys, 29);
	assert_int_equal(plat.timer.ns_phys, 30);
	assert_int_equal(plat.timer.virt, 27);
	assert_int_equal(plat.timer.hyp, 26);
}

static void test_dt_parse_qemu_console_is_pl011_spi1(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_V3);
	assert_string_equal(plat.uart.path, "/pl011@9000000");
	assert_region(plat.uart.regs, 0x09000000, 0x1000);
	assert_int_equal(plat.uart.intid, 33);
}

static void test_dt_parse_qemu_virtualization_on_uses_smc_for_psci(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_V3);
	assert_int_equal(plat.psci, PLAT_PSCI_SMC);
	assert_null(plat.bootargs);
}

static void test_dt_parse_qemu_gicv2_finds_all_four_gic_frames(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_V2);
	assert_int_equal(plat.gic.version, 2);
	assert_region(plat.gic.dist, 0x08000000, 0x10000);
	assert_region(plat.gic.cpuif, 0x08010000, 0x10000);
	assert_region(plat.gic.hyp, 0x08030000, 0x10000);
	assert_region(plat.gic.vcpu, 0x08040000, 0x10000);
	assert_int_equal(plat.gic.maint_intid, 25);
	assert_int_equal(plat.gic.redist_count, 0);
	assert_int_equal(plat.cpu_count, 2);
	assert_int_equal(plat.timer.hyp, 26);
	assert_int_equal(plat.uart.intid, 33);
}

static void test_dt_parse_qemu_smmuv3_tree_parses_like_gicv3(void **state)
{
	(void)state;
	parse_ok(FX_QEMU_SMMU);
	assert_int_equal(plat.gic.version, 3);
	assert_int_equal(plat.cpu_count, 2);
	assert_string_equal(plat.uart.path, "/pl011@9000000");
}

static void test_dt_parse_board_sorts_two_banks_and_skips_empty_entry(void **state)
{
	(void)state;
	parse_ok(FX_BOARD);
	assert_int_equal(plat.mem_count, 2);
	assert_region(plat.mem[0], 0x80000000, 0x40000000);
	assert_region(plat.mem[1], 0x880000000, 0x80000000);
}

static void test_dt_parse_board_reads_two_cell_mpidrs_and_skips_disabled_cpu(void **state)
{
	(void)state;
	parse_ok(FX_BOARD);
	assert_int_equal(plat.cpu_count, 4);
	assert_int_equal(plat.cpu_mpidr[0], 0x0);
	assert_int_equal(plat.cpu_mpidr[1], 0x1);
	assert_int_equal(plat.cpu_mpidr[2], 0x100);
	assert_int_equal(plat.cpu_mpidr[3], 0x100000000);
}

static void test_dt_parse_stdout_path_alias_with_options_resolves_uart(void **state)
{
	(void)state;
	parse_ok(FX_BOARD);
	assert_string_equal(plat.uart.path, "/soc@1c000000/serial@20000");
	/* 0x20000 on the soc bus, whose window starts at 0x1c000000. */
	assert_region(plat.uart.regs, 0x1c020000, 0x1000);
	assert_int_equal(plat.uart.intid, 37);
}

static void test_dt_parse_board_gic400_is_gicv2_and_psci_uses_hvc(void **state)
{
	(void)state;
	parse_ok(FX_BOARD);
	assert_int_equal(plat.gic.version, 2);
	assert_region(plat.gic.hyp, 0x2c004000, 0x2000);
	assert_int_equal(plat.psci, PLAT_PSCI_HVC);
	assert_string_equal(plat.bootargs, "console=ttyAMA0 earlycon");
}

static void test_dt_parse_xen_bootargs_win_over_bootargs(void **state)
{
	(void)state;
	void *fdt = tree = fx_load(FX_BOARD);
	fx_string(fdt, "/chosen", "xen,xen-bootargs", "dom0_mem=512M");
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_string_equal(plat.bootargs, "dom0_mem=512M");
}

static void test_dt_parse_dtuart_path_overrides_stdout_path(void **state)
{
	(void)state;
	void *fdt = tree = fx_load(FX_BOARD);
	fx_string(fdt, "/chosen", "xen,xen-bootargs", "console=dtuart dtuart=/soc@1c000000/bridge@80000/serial@1000");
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_string_equal(plat.uart.path, "/soc@1c000000/bridge@80000/serial@1000");
	/* Two windows deep: 0x1000 -> 0x81000 on the soc bus -> 0x1c081000. */
	assert_region(plat.uart.regs, 0x1c081000, 0x1000);
	assert_int_equal(plat.uart.intid, 38);
}

static void test_dt_parse_dtuart_alias_with_options_resolves_uart(void **state)
{
	(void)state;
	void *fdt = tree = fx_load(FX_BOARD);
	fx_string(fdt, "/chosen", "bootargs", "dtuart=serial1:115200n8 loglvl=all");
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_string_equal(plat.uart.path, "/soc@1c000000/bridge@80000/serial@1000");
}

static void test_dt_parse_no_stdout_path_leaves_console_empty(void **state)
{
	(void)state;
	void *fdt = tree = fx_load(FX_QEMU_V3);
	fx_delprop(fdt, "/chosen", "stdout-path");
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_string_equal(plat.uart.path, "");
	assert_int_equal(plat.uart.regs.size, 0);
}

static void test_dt_parse_console_without_interrupts_is_polled(void **state)
{
	(void)state;
	void *fdt = tree = fx_load(FX_QEMU_V3);
	fx_delprop(fdt, "/pl011@9000000", "interrupts");
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(plat.uart.intid, 0);
	assert_region(plat.uart.regs, 0x09000000, 0x1000);
}

static void test_dt_parse_without_psci_node_reports_no_conduit(void **state)
{
	(void)state;
	void *fdt = tree = fx_load(FX_QEMU_V3);
	fx_delnode(fdt, "/psci");
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(plat.psci, PLAT_PSCI_NONE);
}

#define T(test) cmocka_unit_test_teardown(test, free_tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dt_parse_qemu_gicv3_finds_four_cpus),
		T(test_dt_parse_qemu_gicv3_finds_one_gib_at_0x40000000),
		T(test_dt_parse_qemu_gicv3_finds_distributor_and_redistributors),
		T(test_dt_parse_qemu_timer_ppis_are_29_30_27_26),
		T(test_dt_parse_qemu_console_is_pl011_spi1),
		T(test_dt_parse_qemu_virtualization_on_uses_smc_for_psci),
		T(test_dt_parse_qemu_gicv2_finds_all_four_gic_frames),
		T(test_dt_parse_qemu_smmuv3_tree_parses_like_gicv3),
		T(test_dt_parse_board_sorts_two_banks_and_skips_empty_entry),
		T(test_dt_parse_board_reads_two_cell_mpidrs_and_skips_disabled_cpu),
		T(test_dt_parse_stdout_path_alias_with_options_resolves_uart),
		T(test_dt_parse_board_gic400_is_gicv2_and_psci_uses_hvc),
		T(test_dt_parse_xen_bootargs_win_over_bootargs),
		T(test_dt_parse_dtuart_path_overrides_stdout_path),
		T(test_dt_parse_dtuart_alias_with_options_resolves_uart),
		T(test_dt_parse_no_stdout_path_leaves_console_empty),
		T(test_dt_parse_console_without_interrupts_is_polled),
		T(test_dt_parse_without_psci_node_reports_no_conduit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
