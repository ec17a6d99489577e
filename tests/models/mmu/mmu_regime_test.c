/* mmu_regime: TCR/VTCR/TTBR decoding into walk parameters and the input-range checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "models/mmu/mmu_internal.h"
#include "mmu_testlib.h"

static struct mmu_cpu cpu;

static int setup(void **state)
{
	(void)state;
	mmu_cpu_init(&cpu, (struct mmu_bus){ 0 }, 48);
	return 0;
}

static struct mmu_walkparams s1(uint64_t tcr, uint64_t va, bool *in_range)
{
	struct mmu_walkparams wp;
	uint16_t asid;
	uint64_t cva;
	cpu.regs.tcr_el1 = tcr;
	*in_range = mmu_s1_params(&cpu, MMU_REGIME_EL10, va, &wp, &asid, &cva);
	return wp;
}

static void test_mmu_regime_4k_start_level_follows_t0sz(void **state)
{
	(void)state;
	bool ok;
	assert_int_equal(s1(TCR_T0SZ(16), 0, &ok).start, 0);
	assert_int_equal(s1(TCR_T0SZ(25), 0, &ok).start, 1);
	assert_int_equal(s1(TCR_T0SZ(34), 0, &ok).start, 2);
	assert_int_equal(s1(TCR_T0SZ(39), 0, &ok).start, 2);
	struct mmu_walkparams wp = s1(TCR_T0SZ(25), 0, &ok);
	assert_int_equal(wp.inbits, 39);
	assert_int_equal(wp.gran, 12);
	assert_int_equal(wp.firstblock, 1);
}

static void test_mmu_regime_16k_and_64k_granules_start_where_the_bits_run_out(void **state)
{
	(void)state;
	bool ok;
	assert_int_equal(s1(TCR_T0SZ(16) | TCR_TG0(2), 0, &ok).start, 0); /* 16K 48-bit: 1 bit at L0 */
	assert_int_equal(s1(TCR_T0SZ(17) | TCR_TG0(2), 0, &ok).start, 1); /* 16K 47-bit */
	assert_int_equal(s1(TCR_T0SZ(16) | TCR_TG0(1), 0, &ok).start, 1); /* 64K 48-bit */
	assert_int_equal(s1(TCR_T0SZ(22) | TCR_TG0(1), 0, &ok).start, 2); /* 64K 42-bit */
	assert_int_equal(s1(TCR_T0SZ(16) | TCR_TG0(1), 0, &ok).firstblock, 2);
	/* TG1 encodes granules differently: 1 = 16K, 3 = 64K. */
	assert_int_equal(s1(TCR_T1SZ(16) | TCR_TG1(1), ~0ull, &ok).gran, 14);
	assert_int_equal(s1(TCR_T1SZ(16) | TCR_TG1(3), ~0ull, &ok).gran, 16);
	assert_int_equal(s1(TCR_T1SZ(16) | TCR_TG1(2), ~0ull, &ok).gran, 12);
}

static void test_mmu_regime_out_of_range_txsz_is_clamped(void **state)
{
	(void)state;
	bool ok;
	assert_int_equal(s1(TCR_T0SZ(8), 0, &ok).inbits, 48);
	assert_int_equal(s1(TCR_T0SZ(48), 0, &ok).inbits, 25);
}

static void test_mmu_regime_bit55_selects_ttbr_and_the_rest_must_match(void **state)
{
	(void)state;
	bool ok;
	cpu.regs.ttbr0_el1 = 0x1000;
	cpu.regs.ttbr1_el1 = 0x2000;
	assert_int_equal(s1(TCR_4K_48, 0x0000ffffffffffffull, &ok).base, 0x1000);
	assert_true(ok);
	assert_int_equal(s1(TCR_4K_48, 0xffff000000000000ull, &ok).base, 0x2000);
	assert_true(ok);
	s1(TCR_4K_48, 0x0001000000000000ull, &ok);
	assert_false(ok);
	s1(TCR_4K_48, 0xfffe000000000000ull, &ok);
	assert_false(ok);
	s1(TCR_4K_48 | TCR_EPD0, 0x1000, &ok);
	assert_false(ok);
	s1(TCR_4K_48 | TCR_EPD1, ~0ull, &ok);
	assert_false(ok);
}

static void test_mmu_regime_tbi_ignores_the_top_byte(void **state)
{
	(void)state;
	struct mmu_walkparams wp;
	uint16_t asid;
	uint64_t cva;
	cpu.regs.tcr_el1 = TCR_4K_48;
	assert_false(mmu_s1_params(&cpu, MMU_REGIME_EL10, 0x5a00000000001000ull, &wp, &asid, &cva));
	cpu.regs.tcr_el1 = TCR_4K_48 | TCR_TBI0;
	assert_true(mmu_s1_params(&cpu, MMU_REGIME_EL10, 0x5a00000000001000ull, &wp, &asid, &cva));
	assert_int_equal(cva, 0x1000);
}

static void test_mmu_regime_asid_comes_from_the_ttbr_a1_names(void **state)
{
	(void)state;
	struct mmu_walkparams wp;
	uint16_t asid;
	uint64_t cva;
	cpu.regs.ttbr0_el1 = TTBR(0x1000, 0x1234);
	cpu.regs.ttbr1_el1 = TTBR(0x2000, 0x5678);
	cpu.regs.tcr_el1 = TCR_4K_48 | TCR_AS;
	mmu_s1_params(&cpu, MMU_REGIME_EL10, ~0ull, &wp, &asid, &cva);
	assert_int_equal(asid, 0x1234);
	cpu.regs.tcr_el1 = TCR_4K_48 | TCR_AS | TCR_A1;
	mmu_s1_params(&cpu, MMU_REGIME_EL10, 0, &wp, &asid, &cva);
	assert_int_equal(asid, 0x5678);
	cpu.regs.tcr_el1 = TCR_4K_48; /* 8-bit ASIDs */
	mmu_s1_params(&cpu, MMU_REGIME_EL10, 0, &wp, &asid, &cva);
	assert_int_equal(asid, 0x34);
}

static void test_mmu_regime_base_is_aligned_and_checked_against_ips(void **state)
{
	(void)state;
	bool ok;
	cpu.regs.ttbr0_el1 = 0x12345ff1; /* CnP and misaligned low bits read as zero */
	struct mmu_walkparams wp = s1(TCR_4K_48, 0, &ok);
	assert_int_equal(wp.base, 0x12345000);
	assert_false(wp.base_oor);
	cpu.regs.ttbr0_el1 = 0x10000000000ull; /* bit 40 */
	assert_true(s1(TCR_T0SZ(16) | TCR_IPS(2), 0, &ok).base_oor);
	assert_false(s1(TCR_T0SZ(16) | TCR_IPS(3), 0, &ok).base_oor);
	/* A 32-bit VA range needs a 4-entry start table: 64-byte alignment. */
	cpu.regs.ttbr0_el1 = 0x12345fc0;
	assert_int_equal(s1(TCR_T0SZ(32), 0, &ok).base, 0x12345fc0);
}

static void test_mmu_regime_ips_cannot_exceed_the_implemented_pa_size(void **state)
{
	(void)state;
	assert_int_equal(mmu_ps_bits(0, 48), 32);
	assert_int_equal(mmu_ps_bits(2, 48), 40);
	assert_int_equal(mmu_ps_bits(5, 48), 48);
	assert_int_equal(mmu_ps_bits(6, 48), 48); /* 52-bit needs FEAT_LPA */
	assert_int_equal(mmu_ps_bits(5, 40), 40);
}

static bool s2(uint64_t vtcr, struct mmu_walkparams *wp)
{
	cpu.regs.vtcr_el2 = vtcr;
	return mmu_s2_params(&cpu, wp);
}

static void test_mmu_regime_stage2_sl0_and_t0sz_choose_concatenated_start_tables(void **state)
{
	(void)state;
	struct mmu_walkparams wp;
	assert_true(s2(VTCR_T0SZ(24) | VTCR_SL0(1), &wp)); /* 40-bit: 2 tables at level 1 */
	assert_int_equal(wp.start, 1);
	assert_true(s2(VTCR_T0SZ(22) | VTCR_SL0(1), &wp)); /* 42-bit: 8 tables at level 1 */
	assert_int_equal(wp.start, 1);
	assert_false(s2(VTCR_T0SZ(20) | VTCR_SL0(1), &wp)); /* 44-bit at level 1 would need 32 */
	assert_true(s2(VTCR_T0SZ(20) | VTCR_SL0(2), &wp));  /* 44-bit: 32 entries at level 0 */
	assert_int_equal(wp.start, 0);
	assert_true(s2(VTCR_T0SZ(16) | VTCR_SL0(2), &wp)); /* 48-bit */
	assert_true(s2(VTCR_T0SZ(34) | VTCR_SL0(0), &wp)); /* 30-bit at level 2 */
	assert_int_equal(wp.start, 2);
	assert_false(s2(VTCR_T0SZ(25) | VTCR_SL0(0), &wp)); /* 39-bit would need 256 level-2 tables */
	assert_false(s2(VTCR_T0SZ(16) | VTCR_SL0(3), &wp)); /* reserved without FEAT_TTST */
	assert_false(s2(VTCR_T0SZ(32) | VTCR_SL0(2), &wp)); /* level 0 must resolve at least 2 entries */
}

static void test_mmu_regime_stage2_level0_start_needs_a_44bit_pa(void **state)
{
	(void)state;
	struct mmu_walkparams wp;
	cpu.pa_bits = 40;
	assert_false(s2(VTCR_T0SZ(20) | VTCR_SL0(2) | VTCR_PS(5), &wp));
	cpu.pa_bits = 44;
	assert_true(s2(VTCR_T0SZ(20) | VTCR_SL0(2) | VTCR_PS(5), &wp));
}

static void test_mmu_regime_stage2_64k_and_16k_start_levels(void **state)
{
	(void)state;
	struct mmu_walkparams wp;
	assert_true(s2(VTCR_T0SZ(24) | VTCR_SL0(1) | VTCR_TG0(1), &wp)); /* 64K 40-bit at level 2 */
	assert_int_equal(wp.start, 2);
	assert_int_equal(wp.gran, 16);
	assert_true(s2(VTCR_T0SZ(24) | VTCR_SL0(1) | VTCR_TG0(2), &wp)); /* 16K 40-bit at level 2 */
	assert_int_equal(wp.start, 2);
	assert_int_equal(wp.gran, 14);
	assert_false(s2(VTCR_T0SZ(16) | VTCR_SL0(3) | VTCR_TG0(1), &wp));
	/* A level-1 start needs a 42-bit (16K) or 44-bit (64K) PA range. */
	cpu.pa_bits = 40;
	assert_false(s2(VTCR_T0SZ(24) | VTCR_SL0(2) | VTCR_TG0(2), &wp));
	cpu.pa_bits = 42;
	assert_true(s2(VTCR_T0SZ(24) | VTCR_SL0(2) | VTCR_TG0(2), &wp));
	assert_false(s2(VTCR_T0SZ(24) | VTCR_SL0(2) | VTCR_TG0(1), &wp));
	cpu.pa_bits = 44;
	assert_true(s2(VTCR_T0SZ(20) | VTCR_SL0(2) | VTCR_TG0(1), &wp));
}

static void test_mmu_regime_vmid_is_8_or_16_bits(void **state)
{
	(void)state;
	struct mmu_regs r = { .vttbr_el2 = TTBR(0, 0xabcd) };
	assert_int_equal(mmu_vmid(&r), 0xcd);
	r.vtcr_el2 = VTCR_VS;
	assert_int_equal(mmu_vmid(&r), 0xabcd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mmu_regime_4k_start_level_follows_t0sz, setup),
		cmocka_unit_test_setup(test_mmu_regime_16k_and_64k_granules_start_where_the_bits_run_out, setup),
		cmocka_unit_test_setup(test_mmu_regime_out_of_range_txsz_is_clamped, setup),
		cmocka_unit_test_setup(test_mmu_regime_bit55_selects_ttbr_and_the_rest_must_match, setup),
		cmocka_unit_test_setup(test_mmu_regime_tbi_ignores_the_top_byte, setup),
		cmocka_unit_test_setup(test_mmu_regime_asid_comes_from_the_ttbr_a1_names, setup),
		cmocka_unit_test_setup(test_mmu_regime_base_is_aligned_and_checked_against_ips, setup),
		cmocka_unit_test_setup(test_mmu_regime_ips_cannot_exceed_the_implemented_pa_size, setup),
		cmocka_unit_test_setup(test_mmu_regime_stage2_sl0_and_t0sz_choose_concatenated_start_tables, setup),
		cmocka_unit_test_setup(test_mmu_regime_stage2_level0_start_needs_a_44bit_pa, setup),
		cmocka_unit_test_setup(test_mmu_regime_stage2_64k_and_16k_start_levels, setup),
		cmocka_unit_test_setup(test_mmu_regime_vmid_is_8_or_16_bits, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
