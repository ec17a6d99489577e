/* mmu_attr: memory types (MAIR, stage-2 MemAttr, their combination, shareability) and the
 * permission rules (AP, APTable, PXN/UXN, WXN, S2AP, stage-2 XN) seen through mmu_translate. */
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

/* Maps VA 0x10000 -> IPA 0x80010000 with @s1 attributes and IPA 0x80000000 (2 MiB) -> PA 0x40000000
 * with @s2 attributes, then translates one access of @type at @el. */
static struct mmu_result both(uint64_t s1, uint64_t s2, unsigned type, unsigned el)
{
	struct mmu_result res;
	tt_map(&w.s1, 0x10000, 0x80010000, 3, s1);
	tt_map(&w.s2, 0x80000000, 0x40000000, 2, s2);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLS12E1, 0, 1);
	struct mmu_access a = { .va = 0x10000, .type = (uint8_t)type, .el = (uint8_t)el, .size = 8 };
	mmu_translate(&w.cpu, &a, &res);
	return res;
}

static uint8_t attr_of(uint64_t s1, uint64_t s2)
{
	struct mmu_result r = both(s1, s2, MMU_LOAD, 1);
	assert_int_equal(r.fault.kind, MMU_FAULT_NONE);
	return r.attr;
}

static void test_mmu_attr_mair_index_picks_the_stage1_type(void **state)
{
	(void)state;
	world_init(&w, true, true);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(attr_of((S1_RW & ~D_IDX(7)) | D_IDX(i), S2_RW), (TEST_MAIR >> (8 * i)) & 0xff);
	w.cpu.regs.mair_el1 = 0x0c00000000000000ull; /* index 7: Device-GRE */
	assert_int_equal(attr_of(S1_RW | D_IDX(7), S2_RW), 0x0c);
}

static void test_mmu_attr_device_at_either_stage_wins_and_the_stronger_device_type(void **state)
{
	(void)state;
	world_init(&w, true, true);
	uint64_t s2_dev_gre = (S2_RW & ~S2_MEM(0xf)) | S2_MEM(3), s2_dev_ngnre = (S2_RW & ~S2_MEM(0xf)) | S2_MEM(1);
	assert_int_equal(attr_of(S1_RW, s2_dev_gre), 0x0c);       /* Normal + Device-GRE */
	assert_int_equal(attr_of(S1_RW | D_IDX(1), S2_RW), 0x04); /* Device-nGnRE + Normal */
	assert_int_equal(attr_of(S1_RW | D_IDX(1), s2_dev_gre), 0x04);
	w.cpu.regs.mair_el1 = 0x0c;
	assert_int_equal(attr_of(S1_RW, s2_dev_ngnre), 0x04);
}

static void test_mmu_attr_normal_takes_the_weaker_cacheability_and_stage1_hints(void **state)
{
	(void)state;
	world_init(&w, true, true);
	uint64_t s2_nc = (S2_RW & ~S2_MEM(0xf)) | S2_MEM(5), s2_wt = (S2_RW & ~S2_MEM(0xf)) | S2_MEM(0xa);
	uint64_t s2_owb_inc = (S2_RW & ~S2_MEM(0xf)) | S2_MEM(0xd);
	w.cpu.regs.mair_el1 = 0x77; /* WB transient, read+write allocate, both levels */
	assert_int_equal(attr_of(S1_RW, S2_RW), 0x77);
	assert_int_equal(attr_of(S1_RW, s2_wt), 0x33); /* WT transient, hints kept */
	assert_int_equal(attr_of(S1_RW, s2_nc), 0x44);
	assert_int_equal(attr_of(S1_RW, s2_owb_inc), 0x74); /* outer WB, inner NC */
	w.cpu.regs.mair_el1 = 0xaa;                         /* WT RA */
	assert_int_equal(attr_of(S1_RW, S2_RW), 0xaa);
	w.cpu.regs.mair_el1 = 0xf0; /* inner 0b0000 is reserved: read as Non-cacheable */
	assert_int_equal(attr_of(S1_RW, S2_RW), 0xf4);
}

static void test_mmu_attr_shareability_combines_and_noncacheable_is_outer(void **state)
{
	(void)state;
	world_init(&w, true, true);
	uint64_t s1_nsh = S1_RW & ~D_SH(3), s2_nsh = S2_RW & ~D_SH(3);
	assert_int_equal(both(s1_nsh, s2_nsh, MMU_LOAD, 1).sh, MMU_SH_NON);
	assert_int_equal(both(s1_nsh, S2_RW, MMU_LOAD, 1).sh, MMU_SH_INNER);
	assert_int_equal(both(S1_RW, s2_nsh | D_SH(2), MMU_LOAD, 1).sh, MMU_SH_OUTER);
	assert_int_equal(both(s1_nsh | D_IDX(2), s2_nsh, MMU_LOAD, 1).sh, MMU_SH_OUTER); /* NC */
	assert_int_equal(both(s1_nsh | D_IDX(1), s2_nsh, MMU_LOAD, 1).sh, MMU_SH_OUTER); /* Device */
}

static void test_mmu_attr_fetches_never_see_device_memory(void **state)
{
	(void)state;
	world_init(&w, true, true);
	struct mmu_result r = both(S1_RW | D_IDX(1), S2_RW, MMU_FETCH, 1);
	assert_int_equal(r.fault.kind, MMU_FAULT_NONE);
	assert_int_equal(r.attr, 0x44);
	r = both(S1_RW, (S2_RW & ~S2_MEM(0xf)) | S2_MEM(0), MMU_FETCH, 1);
	assert_int_equal(r.attr, 0x44);
}

static void test_mmu_attr_caches_off_make_normal_noncacheable(void **state)
{
	(void)state;
	world_init(&w, true, true);
	w.cpu.regs.sctlr_el1 = SCTLR_M | SCTLR_I; /* C=0: data */
	assert_int_equal(both(S1_RW, S2_RW, MMU_LOAD, 1).attr, 0x44);
	assert_int_equal(both(S1_RW, S2_RW, MMU_FETCH, 1).attr, 0xff);
	w.cpu.regs.sctlr_el1 = SCTLR_M | SCTLR_C; /* I=0: fetches */
	assert_int_equal(both(S1_RW, S2_RW, MMU_FETCH, 1).attr, 0x44);
	w.cpu.regs.sctlr_el1 = SCTLR_M | SCTLR_C | SCTLR_I;
	w.cpu.regs.hcr_el2 |= 1ull << 32; /* HCR_EL2.CD */
	assert_int_equal(both(S1_RW, S2_RW, MMU_LOAD, 1).attr, 0x44);
}

static void test_mmu_attr_stage1_off_data_is_device_and_fetch_is_write_through(void **state)
{
	(void)state;
	world_init(&w, false, true);
	struct mmu_result r;
	struct mmu_access a = acc_load(0x40001000, 1);
	assert_true(mmu_translate(&w.cpu, &a, &r));
	assert_int_equal(r.attr, 0x00);
	assert_int_equal(r.sh, MMU_SH_OUTER);
	a = acc_fetch(0x40001000, 1);
	assert_true(mmu_translate(&w.cpu, &a, &r));
	assert_int_equal(r.attr, 0x44); /* SCTLR_EL1.I is 0 too */
	w.cpu.regs.sctlr_el1 = SCTLR_I;
	assert_true(mmu_translate(&w.cpu, &a, &r));
	assert_int_equal(r.attr, 0xaa);
}

/* Rights at EL0 and EL1 for one stage-1 leaf, as an "rwx/rwx" string. */
static const char *rights(uint64_t s1)
{
	static char buf[8];
	const char *rwx = "rwx";
	for (unsigned el = 0; el < 2; el++)
		for (unsigned t = 0; t < 3; t++) {
			struct mmu_result r = both(s1, S2_RW, t == 0 ? MMU_LOAD : t == 1 ? MMU_STORE : MMU_FETCH, el);
			buf[el * 4 + t] = r.fault.kind == MMU_FAULT_NONE ? rwx[t] : '-';
		}
	buf[3] = '/';
	buf[7] = 0;
	return buf;
}

static void test_mmu_perm_ap_and_execute_never_matrix(void **state)
{
	(void)state;
	world_init(&w, true, true);
	assert_string_equal(rights(S1_RW), "--x/rwx");
	assert_string_equal(rights(S1_RW | D_AP_EL0), "rwx/rw-"); /* EL1 never runs EL0-writable code */
	assert_string_equal(rights(S1_RW | D_AP_RO), "--x/r-x");
	assert_string_equal(rights(S1_RW | D_AP_RO | D_AP_EL0), "r-x/r-x");
	assert_string_equal(rights(S1_RW | D_AP_RO | D_AP_EL0 | D_UXN), "r--/r-x");
	assert_string_equal(rights(S1_RW | D_AP_RO | D_AP_EL0 | D_PXN), "r-x/r--");
	w.cpu.regs.sctlr_el1 |= SCTLR_WXN;
	assert_string_equal(rights(S1_RW), "--x/rw-");
	assert_string_equal(rights(S1_RW | D_AP_RO), "--x/r-x");
}

static void test_mmu_perm_table_limits_apply_below_unless_hpd(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x10000, 0x80010000, 3, S1_RW);
	uint64_t l2 = tt_slot(&w.s1, 0x10000, 2);
	uint64_t table = tram_read64(&w.ram, l2);
	tram_write64(&w.ram, l2, table | T_AP_RO | T_UXN);
	assert_string_equal(rights(S1_RW | D_AP_EL0), "r--/r-x"); /* read-only below; EL0 may not execute */
	tram_write64(&w.ram, l2, table | T_AP_NOEL0 | T_PXN);
	assert_string_equal(rights(S1_RW | D_AP_EL0), "--x/rw-");
	w.cpu.regs.tcr_el1 |= TCR_HPD0;
	assert_string_equal(rights(S1_RW | D_AP_EL0), "rwx/rw-");
}

static void test_mmu_perm_stage2_s2ap_and_xn(void **state)
{
	(void)state;
	world_init(&w, true, true);
	const uint64_t s1 = S1_RW | D_AP_EL0 | D_PXN; /* stage 1 grants EL0 everything */
	const unsigned types[] = { MMU_LOAD, MMU_STORE, MMU_FETCH };
	const uint64_t s2[] = { S2_RW & ~S2_W, S2_RW & ~S2_R, S2_RW | S2_XN, S2_RW & ~(S2_R | S2_W) };
	const char *want[] = { "r-x", "-wx", "rw-", "--x" };
	for (unsigned i = 0; i < 4; i++) {
		char got[4] = "---";
		for (unsigned t = 0; t < 3; t++) {
			struct mmu_result r = both(s1, s2[i], types[t], 0);
			if (r.fault.kind == MMU_FAULT_NONE)
				got[t] = "rwx"[t];
			else
				assert_int_equal(r.fault.stage, 2);
		}
		assert_string_equal(got, want[i]);
	}
	struct mmu_result r = both(s1, S2_RW & ~S2_W, MMU_LOAD, 0);
	assert_int_equal(r.perm, MMU_PERM_R | MMU_PERM_X);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mmu_attr_mair_index_picks_the_stage1_type, teardown),
		cmocka_unit_test_teardown(test_mmu_attr_device_at_either_stage_wins_and_the_stronger_device_type,
					  teardown),
		cmocka_unit_test_teardown(test_mmu_attr_normal_takes_the_weaker_cacheability_and_stage1_hints,
					  teardown),
		cmocka_unit_test_teardown(test_mmu_attr_shareability_combines_and_noncacheable_is_outer, teardown),
		cmocka_unit_test_teardown(test_mmu_attr_fetches_never_see_device_memory, teardown),
		cmocka_unit_test_teardown(test_mmu_attr_caches_off_make_normal_noncacheable, teardown),
		cmocka_unit_test_teardown(test_mmu_attr_stage1_off_data_is_device_and_fetch_is_write_through, teardown),
		cmocka_unit_test_teardown(test_mmu_perm_ap_and_execute_never_matrix, teardown),
		cmocka_unit_test_teardown(test_mmu_perm_table_limits_apply_below_unless_hpd, teardown),
		cmocka_unit_test_teardown(test_mmu_perm_stage2_s2ap_and_xn, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
