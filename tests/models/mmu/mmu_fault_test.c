/* mmu_fault: every fault kind at every level of both stages and of S1PTW walks, with the exact
 * ESR/FAR/HPFAR a real PE reports, the ISV instruction syndrome, and AT's PAR_EL1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mmu_testlib.h"

#define ESR(ec, iss) ((uint64_t)(ec) << 26 | 1ull << 25 | (uint64_t)(iss))
#define FSC_ASZ(l)   (0x00u | (l))
#define FSC_TRANS(l) (0x04u | (l))
#define FSC_AF(l)    (0x08u | (l))
#define FSC_PERM(l)  (0x0cu | (l))
#define FSC_SEA(l)   (0x14u | (l))
#define ISS_WNR      (1u << 6)
#define ISS_S1PTW    (1u << 7)
#define UNBACKED     0x20000000ull /* below RAM: reads abort */

static struct world w;

static int teardown(void **state)
{
	(void)state;
	world_free(&w);
	return 0;
}

static struct mmu_result run(struct mmu_access a)
{
	struct mmu_result res;
	assert_false(mmu_translate(&w.cpu, &a, &res));
	return res;
}

/* LDR X0, [Xn]: a 64-bit single-register load, as QEMU's syndrome describes it. */
static struct mmu_access ldr_x0(uint64_t va)
{
	struct mmu_access a = acc_load(va, 1);
	a.iss_valid = true;
	a.srt = 0;
	a.sf = true;
	return a;
}

static void test_mmu_stage2_unmapped_ipa_load_gives_qemus_esr(void **state)
{
	(void)state;
	/* A guest with its MMU off loads from an IPA stage 2 leaves unmapped (40-bit, start level 1). */
	world_init(&w, false, true);
	struct mmu_result r = run(ldr_x0(0x10000000));
	assert_int_equal(r.fault.esr, 0x93c08005);
	assert_int_equal(r.fault.target_el, 2);
	assert_int_equal(r.fault.far, 0x10000000);
	assert_true(r.fault.hpfar_valid);
	assert_int_equal(r.fault.hpfar, 0x10000000 >> 8); /* FIPA = IPA[47:12] at bits [39:4] */
}

/* A 48-bit stage 2 from level 0 for one stage-1-off guest, so every level can be reached. */
static struct tt s2_48(void)
{
	struct tt t;
	world_init(&w, false, true);
	tt_init(&t, &w.ram, 12, 48, 0);
	w.cpu.regs.vtcr_el2 = VTCR_T0SZ(16) | VTCR_SL0(2) | VTCR_PS(2); /* 40-bit PA */
	w.cpu.regs.vttbr_el2 = TTBR(t.root, 1);
	return t;
}

static void expect_s2(uint64_t ipa, unsigned fsc, bool hpfar_valid)
{
	struct mmu_result r = run(ldr_x0(ipa));
	bool sea = (fsc & 0x3c) == FSC_SEA(0); /* no instruction syndrome for external aborts */
	assert_int_equal(r.fault.esr, sea ? ESR(0x24, fsc) : (0x93c08000u | fsc));
	assert_int_equal(r.fault.stage, 2);
	assert_int_equal(r.fault.hpfar_valid, hpfar_valid);
	if (hpfar_valid)
		assert_int_equal(r.fault.hpfar, (ipa >> 12) << 4);
	world_free(&w);
}

static void test_mmu_stage2_each_fault_kind_at_each_level(void **state)
{
	(void)state;
	const uint64_t ipa = 0x123456789000ull;
	for (unsigned l = 0; l <= 3; l++) {
		struct tt t = s2_48();
		tt_slot(&t, ipa, l); /* tables down to level l, whose entry stays invalid */
		expect_s2(ipa, FSC_TRANS(l), true);
	}
	for (unsigned l = 1; l <= 3; l++) {
		struct tt t = s2_48();
		tt_map(&t, ipa, 0x40000000, l, S2_RW & ~D_AF);
		expect_s2(ipa, FSC_AF(l), true);
		t = s2_48();
		tt_map(&t, ipa, 0x40000000, l, S2_RW & ~S2_R);
		expect_s2(ipa, FSC_PERM(l), false); /* HPFAR is UNKNOWN for these */
		t = s2_48();
		tt_map(&t, ipa, 1ull << 41, l, S2_RW); /* output beyond the 40-bit PS */
		expect_s2(ipa, FSC_ASZ(l), true);
		t = s2_48();
		tram_write64(&w.ram, tt_slot(&t, ipa, l - 1), UNBACKED | 3);
		expect_s2(ipa, FSC_SEA(l), false);
	}
	/* Level 0: the VTTBR base itself beyond PS, and a root nothing backs. */
	s2_48();
	w.cpu.regs.vttbr_el2 |= 1ull << 41;
	expect_s2(ipa, FSC_ASZ(0), true);
	s2_48();
	w.cpu.regs.vttbr_el2 = UNBACKED;
	expect_s2(ipa, FSC_SEA(0), false);
	/* Reserved encodings: a block at level 0 and 0b01 at level 3 are translation faults. */
	struct tt t = s2_48();
	tt_map(&t, ipa, 0, 0, S2_RW);
	expect_s2(ipa, FSC_TRANS(0), true);
	t = s2_48();
	tram_write64(&w.ram, tt_slot(&t, ipa, 3), 0x40000000 | S2_RW | 1);
	expect_s2(ipa, FSC_TRANS(3), true);
	/* An IPA beyond VTCR_EL2.T0SZ: level 0. */
	world_init(&w, false, true);
	expect_s2(1ull << 40, FSC_TRANS(0), true);
}

/* A 48-bit stage 1 with stage 2 off; faults go to the guest's EL1. */
static void expect_s1(unsigned el, unsigned fsc)
{
	struct mmu_result r = run(acc_load(0x123456789000ull, el));
	assert_int_equal(r.fault.esr, ESR(el == 1 ? 0x25 : 0x24, fsc));
	assert_int_equal(r.fault.target_el, 1);
	assert_int_equal(r.fault.far, 0x123456789000ull);
	assert_false(r.fault.hpfar_valid);
	world_free(&w);
}

static void test_mmu_stage1_each_fault_kind_at_each_level_goes_to_el1(void **state)
{
	(void)state;
	const uint64_t va = 0x123456789000ull;
	for (unsigned el = 0; el <= 1; el++) {
		for (unsigned l = 0; l <= 3; l++) {
			world_init(&w, true, false);
			tt_slot(&w.s1, va, l);
			expect_s1(el, FSC_TRANS(l));
		}
		for (unsigned l = 1; l <= 3; l++) {
			world_init(&w, true, false);
			tt_map(&w.s1, va, 0x40000000, l, (S1_RW | D_AP_EL0) & ~D_AF);
			expect_s1(el, FSC_AF(l));
			world_init(&w, true, false);
			tt_map(&w.s1, va, 0x40000000, l, S1_RW); /* no EL0 access */
			if (el == 0) {
				expect_s1(el, FSC_PERM(l));
			} else {
				world_free(&w);
			}
			world_init(&w, true, false);
			w.cpu.regs.tcr_el1 = (TCR_4K_48 & ~TCR_IPS(7)) | TCR_IPS(2);
			tt_map(&w.s1, va, 1ull << 41, l, S1_RW | D_AP_EL0);
			expect_s1(el, FSC_ASZ(l));
			world_init(&w, true, false);
			tram_write64(&w.ram, tt_slot(&w.s1, va, l - 1), UNBACKED | 3);
			expect_s1(el, FSC_SEA(l));
		}
		world_init(&w, true, false);
		w.cpu.regs.tcr_el1 = (TCR_4K_48 & ~TCR_IPS(7)) | TCR_IPS(2);
		w.cpu.regs.ttbr0_el1 |= 1ull << 41;
		expect_s1(el, FSC_ASZ(0));
		world_init(&w, true, false);
		w.cpu.regs.ttbr0_el1 = UNBACKED;
		expect_s1(el, FSC_SEA(0));
		world_init(&w, true, false);
		w.cpu.regs.tcr_el1 |= TCR_EPD0;
		expect_s1(el, FSC_TRANS(0));
	}
}

static void test_mmu_stage1_permission_fault_on_store_to_read_only(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW | D_AP_RO);
	struct mmu_access a = acc_store(0x5008, 1);
	a.iss_valid = true; /* ignored: ISV is for stage-2 faults only */
	struct mmu_result r = run(a);
	assert_int_equal(r.fault.esr, ESR(0x25, ISS_WNR | FSC_PERM(3)));
	assert_int_equal(r.fault.target_el, 1);
	assert_int_equal(r.fault.far, 0x5008);
}

static void test_mmu_s1ptw_faults_report_the_stage2_level_and_the_descriptor_ipa(void **state)
{
	(void)state;
	/* Root at an IPA stage 2 leaves unmapped: translation fault at stage-2 level 1. */
	world_init(&w, true, true);
	w.cpu.regs.ttbr0_el1 = TTBR(0x10000000, 5);
	struct mmu_result r = run(acc_load(0x0000008000000000ull, 1)); /* level-0 index 1 */
	assert_int_equal(r.fault.esr, ESR(0x24, ISS_S1PTW | FSC_TRANS(1)));
	assert_int_equal(r.fault.target_el, 2);
	assert_true(r.fault.s1ptw);
	assert_true(r.fault.hpfar_valid);
	assert_int_equal(r.fault.hpfar, 0x10000000 >> 8);
	assert_int_equal(r.fault.ipa, 0x10000008);
	assert_int_equal(r.fault.far, 0x0000008000000000ull);
	world_free(&w);

	/* The 2 MiB stage-2 block holding the stage-1 tables: AF clear, then no read permission. */
	uint64_t slot;
	world_init(&w, true, true);
	slot = tt_slot(&w.s2, w.s1.root, 2);
	tram_write64(&w.ram, slot, tram_read64(&w.ram, slot) & ~D_AF);
	r = run(acc_store(0x1000, 1));
	assert_int_equal(r.fault.esr, ESR(0x24, ISS_S1PTW | ISS_WNR | FSC_AF(2)));
	assert_true(r.fault.hpfar_valid);
	assert_int_equal(r.fault.hpfar, (w.s1.root >> 12) << 4);
	world_free(&w);

	world_init(&w, true, true);
	slot = tt_slot(&w.s2, w.s1.root, 2);
	tram_write64(&w.ram, slot, tram_read64(&w.ram, slot) & ~S2_R);
	r = run(acc_fetch(0x1000, 1));
	assert_int_equal(r.fault.esr, ESR(0x20, ISS_S1PTW | FSC_PERM(2)));
	assert_true(r.fault.hpfar_valid); /* valid for permission faults on a walk */
	world_free(&w);

	/* HCR_EL2.PTW: tables in stage-2 Device memory are a permission fault. */
	world_init(&w, true, true);
	slot = tt_slot(&w.s2, w.s1.root, 2);
	tram_write64(&w.ram, slot, (tram_read64(&w.ram, slot) & ~S2_MEM(0xf)) | S2_MEM(1));
	r = run(acc_load(0x1000, 1)); /* walked fine: VA 0x1000 is simply unmapped at stage 1 */
	assert_int_equal(r.fault.esr, ESR(0x25, FSC_TRANS(0)));
	w.cpu.regs.hcr_el2 |= HCR_PTW;
	r = run(acc_load(0x1000, 1));
	assert_int_equal(r.fault.esr, ESR(0x24, ISS_S1PTW | FSC_PERM(2)));
	world_free(&w);

	/* Stage-2 output beyond its PS, and a stage-2 table nothing backs. */
	world_init(&w, true, true);
	slot = tt_slot(&w.s2, w.s1.root, 2);
	tram_write64(&w.ram, slot, (tram_read64(&w.ram, slot) & ~0xffffffe00000ull) | (1ull << 41));
	r = run(acc_load(0x1000, 1));
	assert_int_equal(r.fault.esr, ESR(0x24, ISS_S1PTW | FSC_ASZ(2)));
	world_free(&w);

	world_init(&w, true, true);
	slot = tt_slot(&w.s2, w.s1.root, 1);
	tram_write64(&w.ram, slot, UNBACKED | 3);
	r = run(acc_load(0x1000, 1));
	assert_int_equal(r.fault.esr, ESR(0x24, ISS_S1PTW | FSC_SEA(2)));
	assert_false(r.fault.hpfar_valid);
}

static void test_mmu_fetch_faults_are_instruction_aborts(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x7000, 0x80007000, 3, S1_RW | D_AP_EL0 | D_AP_RO);
	struct mmu_result r = run(acc_fetch(0x7000, 1)); /* stage 2 leaves 0x80007000 unmapped */
	assert_int_equal(r.fault.esr, ESR(0x20, FSC_TRANS(1)));
	tt_map(&w.s2, 0x80000000, 0x40000000, 2, S2_RW | S2_XN);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLS12E1, 0, 1);
	r = run(acc_fetch(0x7000, 0));
	assert_int_equal(r.fault.esr, ESR(0x20, FSC_PERM(2)));
	assert_false(r.fault.hpfar_valid);
	tt_map(&w.s1, 0x8000, 0x40008000, 3, S1_RW | D_UXN | D_AP_EL0);
	r = run(acc_fetch(0x8000, 0));
	assert_int_equal(r.fault.esr, ESR(0x20, FSC_PERM(3))); /* stage 1, from EL0 to EL1 */
	assert_int_equal(r.fault.target_el, 1);
	tt_map(&w.s1, 0x9000, 0x40009000, 3, S1_RW | D_PXN);
	r = run(acc_fetch(0x9000, 1));
	assert_int_equal(r.fault.esr, ESR(0x21, FSC_PERM(3))); /* same EL */
}

static void test_mmu_stage2_data_abort_carries_the_instruction_syndrome(void **state)
{
	(void)state;
	world_init(&w, false, true);
	/* LDRSH W5: halfword, sign-extended into a 32-bit register. */
	struct mmu_access a = acc_load(0x10000002, 1);
	a.size = 2;
	a.iss_valid = true;
	a.srt = 5;
	a.sse = true;
	struct mmu_result r = run(a);
	assert_int_equal(r.fault.esr, ESR(0x24, 1u << 24 | 1u << 22 | 1u << 21 | 5u << 16 | FSC_TRANS(1)));
	/* STLR X7: doubleword store-release. */
	a = acc_store(0x10000008, 1);
	a.iss_valid = true;
	a.srt = 7;
	a.sf = true;
	a.ar = true;
	r = run(a);
	assert_int_equal(r.fault.esr,
			 ESR(0x24, 1u << 24 | 3u << 22 | 7u << 16 | 1u << 15 | 1u << 14 | ISS_WNR | FSC_TRANS(1)));
	/* LDP: no syndrome. */
	a = acc_load(0x10000000, 1);
	r = run(a);
	assert_int_equal(r.fault.esr, ESR(0x24, FSC_TRANS(1)));
	/* From EL0 the EC is still "lower EL". */
	a = ldr_x0(0x10000000);
	a.el = 0;
	assert_int_equal(run(a).fault.esr, 0x93c08005);
}

static void test_mmu_no_syndrome_for_external_aborts_or_walks(void **state)
{
	(void)state;
	world_init(&w, false, true);
	tram_write64(&w.ram, tt_slot(&w.s2, 0x10000000, 1), UNBACKED | 3);
	struct mmu_result r = run(ldr_x0(0x10000000));
	assert_int_equal(r.fault.esr, ESR(0x24, FSC_SEA(2)));
	world_free(&w);
	world_init(&w, true, true);
	w.cpu.regs.ttbr0_el1 = TTBR(0x10000000, 5);
	r = run(ldr_x0(0x1000));
	assert_int_equal(r.fault.esr, ESR(0x24, ISS_S1PTW | FSC_TRANS(1)));
}

static void test_mmu_stage1_off_address_beyond_pa_size_is_an_address_size_fault(void **state)
{
	(void)state;
	world_init(&w, false, true);
	w.cpu.pa_bits = 40;
	struct mmu_result r = run(acc_load(1ull << 40, 1));
	assert_int_equal(r.fault.esr, ESR(0x25, FSC_ASZ(0)));
	assert_int_equal(r.fault.stage, 1);
	assert_int_equal(r.fault.target_el, 1);
}

static void test_mmu_el2_regime_faults_stay_at_el2(void **state)
{
	(void)state;
	world_init(&w, false, true);
	w.cpu.regs.tcr_el2 = TCR_T0SZ(25);
	w.cpu.regs.ttbr0_el2 = w.s1.root;
	w.cpu.regs.sctlr_el2 = SCTLR_M;
	struct mmu_result r = run(acc_load(0x1000, 2));
	assert_int_equal(r.fault.esr, ESR(0x25, FSC_TRANS(1)));
	assert_int_equal(r.fault.target_el, 2);
	assert_false(r.fault.hpfar_valid);
	r = run(acc_load(1ull << 39, 2));
	assert_int_equal(r.fault.esr, ESR(0x25, FSC_TRANS(0)));
}

static void test_mmu_at_reports_ipa_pa_and_faults_in_par(void **state)
{
	(void)state;
	uint64_t par = 0;
	struct mmu_fault exc;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x3000, 0x80003000, 3, S1_RW | D_IDX(1));
	tt_map(&w.s2, 0x80000000, 0x40200000, 2, S2_RW);
	assert_true(mmu_at(&w.cpu, MMU_AT_S1E1R, 0x3abc, &par, &exc));
	assert_int_equal(par, 0x04ull << 56 | 0x80003000 | 1u << 11 | MMU_SH_OUTER << 7); /* IPA, Device */
	assert_true(mmu_at(&w.cpu, MMU_AT_S12E1R, 0x3abc, &par, &exc));
	assert_int_equal(par, 0x04ull << 56 | 0x40203000 | 1u << 11 | MMU_SH_OUTER << 7);
	/* EL0 has no access: F=1, FST = permission level 3, stage 1. */
	assert_true(mmu_at(&w.cpu, MMU_AT_S12E0R, 0x3abc, &par, &exc));
	assert_int_equal(par, 1u << 11 | FSC_PERM(3) << 1 | 1);
	/* A stage-2 fault: S=1. */
	tt_map(&w.s1, 0x4000, 0xc0004000, 3, S1_RW);
	assert_true(mmu_at(&w.cpu, MMU_AT_S12E1W, 0x4000, &par, &exc));
	assert_int_equal(par, 1u << 11 | 1u << 9 | FSC_TRANS(1) << 1 | 1);
	/* ...which AT S1E1 does not see. */
	assert_true(mmu_at(&w.cpu, MMU_AT_S1E1W, 0x4000, &par, &exc));
	assert_int_equal(par & 1, 0);
	/* A stage-1 walk on an unmapped IPA: S=1, PTW=1. */
	w.cpu.regs.ttbr0_el1 = TTBR(0x10000000, 5);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLS12E1, 0, 1);
	assert_true(mmu_at(&w.cpu, MMU_AT_S1E1R, 0x4000, &par, &exc));
	assert_int_equal(par, 1u << 11 | 1u << 9 | 1u << 8 | FSC_TRANS(1) << 1 | 1);
	/* An external abort cannot go in PAR: the AT takes a Data Abort at EL2. */
	w.cpu.regs.ttbr0_el1 = UNBACKED;
	w.cpu.regs.hcr_el2 = 0;
	assert_false(mmu_at(&w.cpu, MMU_AT_S1E1R, 0x4000, &par, &exc));
	assert_int_equal(exc.esr, ESR(0x25, 1u << 8 | ISS_WNR | FSC_SEA(0)));
	assert_int_equal(exc.far, 0x4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mmu_stage2_unmapped_ipa_load_gives_qemus_esr, teardown),
		cmocka_unit_test(test_mmu_stage2_each_fault_kind_at_each_level),
		cmocka_unit_test(test_mmu_stage1_each_fault_kind_at_each_level_goes_to_el1),
		cmocka_unit_test_teardown(test_mmu_stage1_permission_fault_on_store_to_read_only, teardown),
		cmocka_unit_test_teardown(test_mmu_s1ptw_faults_report_the_stage2_level_and_the_descriptor_ipa,
					  teardown),
		cmocka_unit_test_teardown(test_mmu_fetch_faults_are_instruction_aborts, teardown),
		cmocka_unit_test_teardown(test_mmu_stage2_data_abort_carries_the_instruction_syndrome, teardown),
		cmocka_unit_test_teardown(test_mmu_no_syndrome_for_external_aborts_or_walks, teardown),
		cmocka_unit_test_teardown(test_mmu_stage1_off_address_beyond_pa_size_is_an_address_size_fault,
					  teardown),
		cmocka_unit_test_teardown(test_mmu_el2_regime_faults_stay_at_el2, teardown),
		cmocka_unit_test_teardown(test_mmu_at_reports_ipa_pa_and_faults_in_par, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
