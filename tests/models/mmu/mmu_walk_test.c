/* mmu_walk + mmu_translate: successful walks of every shape, through one stage or both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mmu_testlib.h"

static struct world w;

static int teardown(void **state)
{
	(void)state;
	world_free(&w);
	return 0;
}

static uint64_t pa_of(struct mmu_access a)
{
	struct mmu_result res;
	if (!mmu_translate(&w.cpu, &a, &res))
		fail_msg("va %#llx faulted: esr %#llx", (unsigned long long)a.va, (unsigned long long)res.fault.esr);
	return res.pa;
}

static void test_mmu_walk_stage1_4k_page_translates_every_offset(void **state)
{
	(void)state;
	world_init(&w, true, false);
	tt_map(&w.s1, 0x0000123456789000ull, 0x87654000, 3, S1_RW);
	assert_int_equal(pa_of(acc_load(0x0000123456789000ull, 1)), 0x87654000);
	assert_int_equal(pa_of(acc_load(0x0000123456789ff8ull, 1)), 0x87654ff8);
}

static void test_mmu_walk_stage1_blocks_at_level_1_and_2(void **state)
{
	(void)state;
	world_init(&w, true, false);
	tt_map(&w.s1, 0x80000000, 0x1c0000000ull, 1, S1_RW); /* 1 GiB */
	tt_map(&w.s1, 0x00200000, 0x00e00000, 2, S1_RW);     /* 2 MiB */
	struct mmu_access a = acc_load(0x80000000 + 0x3fedcba8, 1);
	struct mmu_result res;
	assert_true(mmu_translate(&w.cpu, &a, &res));
	assert_int_equal(res.pa, 0x1c0000000ull + 0x3fedcba8);
	assert_int_equal(res.size_log2, 30);
	assert_int_equal(pa_of(acc_load(0x002fffff, 1)), 0x00efffff);
}

static void test_mmu_walk_stage1_16k_and_64k_granules(void **state)
{
	(void)state;
	world_init(&w, true, false);
	struct tt t16, t64;
	tt_init(&t16, &w.ram, 14, 48, 0);
	tt_map(&t16, 0x0000400000004000ull, 0x12340000, 3, S1_RW); /* 16 KiB page */
	tt_map(&t16, 0x0000000002000000ull, 0x24000000, 2, S1_RW); /* 32 MiB block */
	w.cpu.regs.tcr_el1 = TCR_T0SZ(16) | TCR_TG0(2) | TCR_IPS(5);
	w.cpu.regs.ttbr0_el1 = t16.root;
	assert_int_equal(pa_of(acc_load(0x0000400000007ff0ull, 1)), 0x12343ff0);
	assert_int_equal(pa_of(acc_load(0x0000000003ffffffull, 1)), 0x25ffffff);

	tt_init(&t64, &w.ram, 16, 42, 2);
	tt_map(&t64, 0x0000023456780000ull & ((1ull << 42) - 1), 0x56780000, 3, S1_RW); /* 64 KiB page */
	tt_map(&t64, 0x20000000, 0x80000000, 2, S1_RW);                                 /* 512 MiB block */
	w.cpu.regs.tcr_el1 = TCR_T0SZ(22) | TCR_TG0(1) | TCR_IPS(5);
	w.cpu.regs.ttbr0_el1 = t64.root;
	assert_int_equal(pa_of(acc_load(0x0000023456789abcull, 1)), 0x56789abc);
	assert_int_equal(pa_of(acc_load(0x3fffffff, 1)), 0x9fffffff);
}

static void test_mmu_walk_stage1_upper_range_uses_ttbr1(void **state)
{
	(void)state;
	world_init(&w, true, false);
	tt_map(&w.s1hi, 0xffff800000001000ull, 0x41000000, 3, S1_RW);
	tt_map(&w.s1, 0x0000800000001000ull, 0x42000000, 3, S1_RW);
	assert_int_equal(pa_of(acc_load(0xffff800000001008ull, 1)), 0x41000008);
	assert_int_equal(pa_of(acc_load(0x0000800000001008ull, 1)), 0x42000008);
}

static void test_mmu_walk_stage2_only_reaches_the_right_concatenated_table(void **state)
{
	(void)state;
	world_init(&w, false, true);
	/* 42-bit IPA from level 1: eight concatenated tables; 0x2c000000000 indexes the sixth. */
	struct tt s2;
	tt_init(&s2, &w.ram, 12, 42, 1);
	tt_map(&s2, 0x2c000123000ull, 0x40321000, 3, S2_RW);
	tt_map(&s2, 0x000040000000ull, 0x80000000, 1, S2_RW);
	w.cpu.regs.vtcr_el2 = VTCR_T0SZ(22) | VTCR_SL0(1) | VTCR_PS(3);
	w.cpu.regs.vttbr_el2 = TTBR(s2.root, 3);
	assert_int_equal(pa_of(acc_load(0x2c000123456ull, 1)), 0x40321456);
	assert_int_equal(pa_of(acc_load(0x7fffffff, 0)), 0xbfffffff);
}

static void test_mmu_walk_stage2_48bit_ipa_starts_at_level_0(void **state)
{
	(void)state;
	world_init(&w, false, true);
	struct tt s2;
	tt_init(&s2, &w.ram, 12, 48, 0);
	tt_map(&s2, 0xfedcba987000ull, 0x40007000, 3, S2_RW);
	w.cpu.regs.vtcr_el2 = VTCR_T0SZ(16) | VTCR_SL0(2) | VTCR_PS(5);
	w.cpu.regs.vttbr_el2 = TTBR(s2.root, 3);
	assert_int_equal(pa_of(acc_load(0xfedcba987654ull, 1)), 0x40007654);
}

static void test_mmu_walk_two_stages_compose_and_report_the_ipa(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x0000000012345000ull, 0x80001000, 3, S1_RW); /* VA -> IPA */
	tt_map(&w.s2, 0x80000000, 0x40600000, 2, S2_RW);            /* IPA 2M -> PA */
	struct mmu_access a = acc_load(0x12345abc, 1);
	struct mmu_result res;
	assert_true(mmu_translate(&w.cpu, &a, &res));
	assert_int_equal(res.ipa, 0x80001abc);
	assert_int_equal(res.pa, 0x40601abc);
	assert_int_equal(res.size_log2, 12);
}

static void test_mmu_walk_stage1_tables_are_fetched_through_stage2(void **state)
{
	(void)state;
	world_init(&w, true, true);
	/* Stage-1 tables live at PA x but software placed them at IPA x + 1 GiB... */
	struct tt s1;
	tt_init(&s1, &w.ram, 12, 39, 1);
	s1.ta_offset = 0x40000000;
	tt_map(&s1, 0x5000, 0x40123000, 3, S1_RW);
	/* ...which stage 2 maps back to RAM. */
	tt_map(&w.s2, RAM_BASE + 0x40000000, RAM_BASE, 1, S2_RW);
	w.cpu.regs.tcr_el1 = TCR_T0SZ(25) | TCR_TG0(0) | TCR_IPS(5);
	w.cpu.regs.ttbr0_el1 = s1.root + s1.ta_offset;
	assert_int_equal(pa_of(acc_load(0x5008, 1)), 0x40123008);
}

static void test_mmu_walk_nested_walk_reads_24_descriptors_without_a_tlb(void **state)
{
	(void)state;
	world_init(&w, true, true);
	struct tt s2;
	tt_init(&s2, &w.ram, 12, 48, 0);
	for (uint64_t a = RAM_BASE; a < RAM_BASE + RAM_SIZE; a += 4096)
		tt_map(&s2, a, a, 3, S2_RW);
	tt_map(&w.s1, 0x1000, RAM_BASE, 3, S1_RW);
	w.cpu.regs.vtcr_el2 = VTCR_T0SZ(16) | VTCR_SL0(2) | VTCR_PS(5);
	w.cpu.regs.vttbr_el2 = TTBR(s2.root, 1);
	w.cpu.tlb.disabled = true;
	uint64_t before = w.cpu.stats.desc_reads;
	pa_of(acc_load(0x1000, 1));
	/* 4 stage-1 levels, each table read needing a 4-level stage-2 walk, then the output's. */
	assert_int_equal(w.cpu.stats.desc_reads - before, 4 * 4 + 4 + 4);
	assert_int_equal(w.cpu.stats.walks, 6);
	/* With the TLB on, the stage-2 translations of the tables stay cached after a VMALLE1. */
	w.cpu.tlb.disabled = false;
	pa_of(acc_load(0x1000, 1));
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLE1, 0, 1);
	before = w.cpu.stats.desc_reads;
	pa_of(acc_load(0x1000, 1));
	assert_int_equal(w.cpu.stats.desc_reads - before, 4);
}

static void test_mmu_walk_stage1_off_is_flat(void **state)
{
	(void)state;
	world_init(&w, false, false);
	struct mmu_access a = acc_store(0xfffff000ull, 1);
	struct mmu_result res;
	assert_true(mmu_translate(&w.cpu, &a, &res));
	assert_int_equal(res.pa, 0xfffff000ull);
	assert_int_equal(res.perm, MMU_PERM_R | MMU_PERM_W | MMU_PERM_X);
	assert_int_equal(w.cpu.stats.desc_reads, 0);
}

static void test_mmu_walk_el2_regime_uses_ttbr0_el2_and_tcr_el2(void **state)
{
	(void)state;
	world_init(&w, false, true);
	struct tt t;
	tt_init(&t, &w.ram, 12, 39, 1);
	tt_map(&t, 0x40000000, 0x40000000, 1, S1_RW);
	w.cpu.regs.tcr_el2 = TCR_T0SZ(25) | (2ull << 16); /* PS = 40 bits */
	w.cpu.regs.ttbr0_el2 = t.root;
	w.cpu.regs.mair_el2 = 0xff;
	w.cpu.regs.sctlr_el2 = SCTLR_M | SCTLR_C | SCTLR_I;
	struct mmu_access a = acc_load(0x40001234, 2);
	struct mmu_result res;
	assert_true(mmu_translate(&w.cpu, &a, &res));
	assert_int_equal(res.pa, 0x40001234);
	assert_int_equal(res.attr, 0xff);
	/* Stage 2 (HCR_EL2.VM) never applies to EL2's own accesses. */
	assert_int_equal(res.perm, MMU_PERM_R | MMU_PERM_W | MMU_PERM_X);
}

static void test_mmu_walk_combined_translation_is_the_smaller_of_the_two_blocks(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x40000000, 0x40000000, 1, S1_RW); /* 1 GiB at stage 1 over 2 MiB stage-2 blocks */
	struct mmu_access a = acc_load(0x40212345, 1);
	struct mmu_result res;
	assert_true(mmu_translate(&w.cpu, &a, &res));
	assert_int_equal(res.pa, 0x40212345);
	assert_int_equal(res.size_log2, 21);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mmu_walk_stage1_4k_page_translates_every_offset, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_stage1_blocks_at_level_1_and_2, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_stage1_16k_and_64k_granules, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_stage1_upper_range_uses_ttbr1, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_stage2_only_reaches_the_right_concatenated_table, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_stage2_48bit_ipa_starts_at_level_0, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_two_stages_compose_and_report_the_ipa, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_stage1_tables_are_fetched_through_stage2, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_nested_walk_reads_24_descriptors_without_a_tlb, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_stage1_off_is_flat, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_el2_regime_uses_ttbr0_el2_and_tcr_el2, teardown),
		cmocka_unit_test_teardown(test_mmu_walk_combined_translation_is_the_smaller_of_the_two_blocks,
					  teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
