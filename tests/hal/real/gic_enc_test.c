/* hal/real/gic_enc.c against the architecture's layouts: GICH_LR and GICH_VMCR (IHI 0048B 5.3),
 * ICC_SGI1R_EL1 and GICR_TYPER (IHI 0069). Expected values are built field by field from the
 * specification's bit positions, not from the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hal/gic.h"
#include "hal/real/gic_enc.h"

/* GICH_LR, IHI 0048B table 5-10. */
static uint32_t v2lr(uint32_t vid, uint32_t pid_or_cpuid, bool eoi, uint32_t prio5, uint32_t state, bool grp1, bool hw)
{
	return vid | pid_or_cpuid << 10 | (uint32_t)eoi << 19 | prio5 << 23 | state << 28 | (uint32_t)grp1 << 30 |
	       (uint32_t)hw << 31;
}

static uint64_t lr(uint64_t vintid, uint64_t prio, uint64_t state, bool grp1, bool hw, uint64_t pintid, bool eoi)
{
	return vintid | prio << HAL_LR_PRIO_SHIFT | state << HAL_LR_STATE_SHIFT | (grp1 ? HAL_LR_GROUP1 : 0) |
	       (hw ? HAL_LR_HW | pintid << HAL_LR_PINTID_SHIFT : 0) | (eoi ? HAL_LR_EOI : 0);
}

static void test_gic_lr_to_v2_places_a_software_interrupts_fields(void **state)
{
	(void)state;
	assert_int_equal(gic_lr_to_v2(lr(27, 0xa0, 1, true, false, 0, true)),
			 v2lr(27, 0, true, 0xa0 >> 3, 1, true, false));
	assert_int_equal(gic_lr_to_v2(lr(1019, 0xf8, 2, false, false, 0, false)),
			 v2lr(1019, 0, false, 0x1f, 2, false, false));
}

static void test_gic_lr_to_v2_hw_carries_the_physical_intid(void **state)
{
	(void)state;
	assert_int_equal(gic_lr_to_v2(lr(40, 0x80, 3, true, true, 72, false)),
			 v2lr(40, 72, false, 0x10, 3, true, true));
}

static void test_gic_lr_to_v2_keeps_an_sgis_source_cpu(void **state)
{
	(void)state;
	/* vINTID [12:10] is the source CPU, as GICC_IAR reports it (include/hal/gic.h). */
	assert_int_equal(gic_lr_to_v2(lr(5u << 10 | 3, 0xa0, 1, false, false, 0, false)),
			 v2lr(3, 5, false, 0x14, 1, false, false));
}

static void test_gic_lr_from_v2_inverts_every_field_gicv2_holds(void **state)
{
	(void)state;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < 100000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		bool hw = seed >> 63;
		uint64_t x = lr(hw ? (seed >> 1) & 0x3ff : (seed >> 1) & 0x1fff, (seed >> 14) & 0xf8, (seed >> 22) & 3,
				(seed >> 24) & 1, hw, (seed >> 25) & 0x3ff, !hw && ((seed >> 35) & 1));
		assert_int_equal(gic_lr_from_v2(gic_lr_to_v2(x)), x);
	}
}

static void test_gic_lr_to_v2_drops_the_low_priority_bits(void **state)
{
	(void)state;
	assert_int_equal(gic_lr_from_v2(gic_lr_to_v2(lr(30, 0xa7, 1, true, false, 0, false))),
			 lr(30, 0xa0, 1, true, false, 0, false));
}

static void test_gic_vmcr_to_v2_keeps_fields_and_top_five_vpmr_bits(void **state)
{
	(void)state;
	/* VENG0, VENG1, VEOIM, VBPR1 3, VBPR0 2, VPMR 0xff: GICH_VMCR has no VPMR bits [26:24]. */
	uint32_t vmcr = 1u | 2u | 1u << 9 | 3u << 18 | 2u << 21 | 0xffu << 24;
	assert_int_equal(gic_vmcr_to_v2(vmcr), 1u | 2u | 1u << 9 | 3u << 18 | 2u << 21 | 0x1fu << 27);
}

static void test_gic_sgi1r_encodes_affinity_range_and_intid(void **state)
{
	(void)state;
	/* Aff3 1, Aff2 2, Aff1 3, Aff0 0x11: TargetList bit 1 in range 1 (IHI 0069 ICC_SGI1R_EL1). */
	uint64_t v = gic_sgi1r(1ull << 32 | 2u << 16 | 3u << 8 | 0x11, 7);
	assert_int_equal(v & 0xffff, 1u << 1);
	assert_int_equal(v >> 16 & 0xff, 3);
	assert_int_equal(v >> 24 & 0xf, 7);
	assert_int_equal(v >> 32 & 0xff, 2);
	assert_int_equal(v >> 40 & 1, 0); /* IRM: the listed targets only */
	assert_int_equal(v >> 44 & 0xf, 1);
	assert_int_equal(v >> 48 & 0xff, 1);
	assert_int_equal(gic_sgi1r(0, 0), 1);
}

/* A fake redistributor region: frame i's GICR_TYPER. */
static uint64_t frames[8];
static uint64_t region = 0x080a0000;

static uint64_t fake_typer(uint64_t rd)
{
	uint64_t i = (rd - region) / 0x20000;
	assert_true(rd >= region && i < 8 && (rd - region) % 0x20000 == 0);
	return frames[i];
}

static void test_gic_find_rd_walks_frames_to_the_named_cpu(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 4; i++)
		frames[i] = (uint64_t)(i == 3 ? 0x100 : i) << 32 | (uint64_t)i << 8 | (i == 3 ? 1u << 4 : 0);
	assert_int_equal(gic_find_rd(region, 8 * 0x20000, 0, fake_typer), region);
	assert_int_equal(gic_find_rd(region, 8 * 0x20000, 2, fake_typer), region + 2 * 0x20000);
	/* MPIDR Aff1 1 is GICR_TYPER affinity 0x100. */
	assert_int_equal(gic_find_rd(region, 8 * 0x20000, 0x100, fake_typer), region + 3 * 0x20000);
}

static void test_gic_find_rd_stops_at_last_and_at_the_region_end(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 8; i++)
		frames[i] = (uint64_t)i << 32 | (i == 1 ? 1u << 4 : 0);
	assert_int_equal(gic_find_rd(region, 8 * 0x20000, 5, fake_typer), 0);
	frames[1] = 1ull << 32;
	assert_int_equal(gic_find_rd(region, 2 * 0x20000, 5, fake_typer), 0);
	assert_int_equal(gic_find_rd(region, 8 * 0x20000, 5, fake_typer), region + 5 * 0x20000);
}

static void test_gic_find_rd_steps_two_frames_with_vlpis(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 8; i++)
		frames[i] = (uint64_t)(i / 2) << 32 | 1u << 1;
	frames[1] = frames[3] = frames[5] = 0xdeadull << 32; /* VLPI frames: never read */
	assert_int_equal(gic_find_rd(region, 8 * 0x20000, 2, fake_typer), region + 4 * 0x20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gic_lr_to_v2_places_a_software_interrupts_fields),
		cmocka_unit_test(test_gic_lr_to_v2_hw_carries_the_physical_intid),
		cmocka_unit_test(test_gic_lr_to_v2_keeps_an_sgis_source_cpu),
		cmocka_unit_test(test_gic_lr_from_v2_inverts_every_field_gicv2_holds),
		cmocka_unit_test(test_gic_lr_to_v2_drops_the_low_priority_bits),
		cmocka_unit_test(test_gic_vmcr_to_v2_keeps_fields_and_top_five_vpmr_bits),
		cmocka_unit_test(test_gic_sgi1r_encodes_affinity_range_and_intid),
		cmocka_unit_test(test_gic_find_rd_walks_frames_to_the_named_cpu),
		cmocka_unit_test(test_gic_find_rd_stops_at_last_and_at_the_region_end),
		cmocka_unit_test(test_gic_find_rd_steps_two_frames_with_vlpis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
