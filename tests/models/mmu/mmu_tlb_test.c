/* mmu_tlb: hits, staleness without TLBI (as on hardware), and that each TLBI removes what the
 * architecture says it must and nothing else. */
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

static struct mmu_result go(struct mmu_access a)
{
	struct mmu_result r;
	mmu_translate(&w.cpu, &a, &r);
	return r;
}

/* PA of a load at EL1, or ~0 on a fault. */
static uint64_t pa(uint64_t va)
{
	struct mmu_result r = go(acc_load(va, 1));
	return r.fault.kind == MMU_FAULT_NONE ? r.pa : ~0ull;
}

static uint64_t xt_va(uint64_t va, uint16_t asid) { return (va >> 12 & ((1ull << 44) - 1)) | (uint64_t)asid << 48; }

static void test_mmu_tlb_second_access_hits_without_walking(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x1000, 0x40001000, 3, S1_RW);
	assert_false(go(acc_load(0x1000, 1)).tlb_hit);
	uint64_t reads = w.cpu.stats.desc_reads;
	struct mmu_result r = go(acc_store(0x1ff8, 1));
	assert_true(r.tlb_hit);
	assert_int_equal(r.pa, 0x40001ff8);
	assert_int_equal(w.cpu.stats.desc_reads, reads);
}

static void test_mmu_tlb_one_entry_serves_a_whole_block(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x200000, 0x40200000, 2, S1_RW);
	for (uint64_t va = 0x200000; va < 0x400000; va += 0x1000)
		assert_int_equal(pa(va), va + 0x40000000);
	/* One stage-1 walk, one stage-2 walk for its tables' 2 MiB and one for the output's. */
	assert_int_equal(w.cpu.stats.walks, 3);
}

static void test_mmu_tlb_stale_stage1_entry_survives_until_tlbi_vae1(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW);
	assert_int_equal(pa(0x5000), 0x40005000);
	tt_map(&w.s1, 0x5000, 0x40006000, 3, S1_RW);
	assert_int_equal(pa(0x5000), 0x40005000); /* stale, as on hardware */
	mmu_tlbi(&w.cpu, MMU_TLBI_VAE1, xt_va(0x6000, 5), 1);
	assert_int_equal(pa(0x5000), 0x40005000); /* another page: no effect */
	mmu_tlbi(&w.cpu, MMU_TLBI_VAE1, xt_va(0x5000, 5), 1);
	assert_int_equal(pa(0x5000), 0x40006000);
}

static void test_mmu_tlb_stale_entry_survives_until_tlbi_ipas2_plus_vmalle1(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x80005000, 3, S1_RW);
	tt_map(&w.s2, 0x80005000, 0x40005000, 3, S2_RW);
	assert_int_equal(pa(0x5000), 0x40005000);
	tt_map(&w.s2, 0x80005000, 0x40007000, 3, S2_RW); /* the hypervisor remaps the IPA */
	assert_int_equal(pa(0x5000), 0x40005000);
	mmu_tlbi(&w.cpu, MMU_TLBI_IPAS2E1IS, 0x80005000 >> 12, 1);
	assert_int_equal(pa(0x5000), 0x40005000); /* the combined entry is not a stage-2 entry */
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLE1IS, 0, 1);
	assert_int_equal(pa(0x5000), 0x40007000);
}

static void test_mmu_tlb_ipas2e1_alone_suffices_when_the_guest_mmu_is_off(void **state)
{
	(void)state;
	world_init(&w, false, true);
	tt_map(&w.s2, 0x80005000, 0x40005000, 3, S2_RW);
	tt_map(&w.s2, 0x80006000, 0x40006000, 3, S2_RW);
	assert_int_equal(pa(0x80005000), 0x40005000);
	assert_int_equal(pa(0x80006000), 0x40006000);
	tt_map(&w.s2, 0x80005000, 0x40008000, 3, S2_RW);
	tt_map(&w.s2, 0x80006000, 0x40009000, 3, S2_RW);
	assert_true(go(acc_load(0x80005000, 1)).tlb_hit);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLE1, 0, 1); /* stage 1 only: stage-2 entries stay */
	assert_int_equal(pa(0x80005000), 0x40005000);
	mmu_tlbi(&w.cpu, MMU_TLBI_IPAS2LE1, 0x80005000 >> 12, 1);
	assert_int_equal(pa(0x80005000), 0x40008000);
	assert_int_equal(pa(0x80006000), 0x40006000); /* only that IPA */
}

static void test_mmu_tlb_stage1_walks_use_cached_stage2_translations(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW);
	assert_int_equal(pa(0x5000), 0x40005000);
	/* Unmap the stage-1 tables from stage 2; drop the combined entries only. */
	tram_write64(&w.ram, tt_slot(&w.s2, w.s1.root, 2), 0);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLE1, 0, 1);
	assert_int_equal(pa(0x5000), 0x40005000); /* walked through stale stage-2 entries */
	mmu_tlbi(&w.cpu, MMU_TLBI_IPAS2E1, w.s1.root >> 12, 1);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLE1, 0, 1);
	struct mmu_result r = go(acc_load(0x5000, 1));
	assert_true(r.fault.s1ptw);
	assert_int_equal(r.fault.kind, MMU_FAULT_TRANSLATION);
}

static void test_mmu_tlb_vmalls12e1_removes_only_the_current_vmid(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW);
	assert_int_equal(pa(0x5000), 0x40005000); /* VMID 1 */
	w.cpu.regs.vttbr_el2 = TTBR(w.s2.root, 2);
	assert_int_equal(pa(0x5000), 0x40005000); /* VMID 2, same tables */
	tt_map(&w.s1, 0x5000, 0x40006000, 3, S1_RW);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLS12E1, 0, 1);
	assert_int_equal(pa(0x5000), 0x40005000); /* VMID 2 still stale */
	w.cpu.regs.vttbr_el2 = TTBR(w.s2.root, 1);
	assert_int_equal(pa(0x5000), 0x40006000);
}

static void test_mmu_tlb_vae1_matches_its_asid_and_global_entries(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW | D_NG);
	tt_map(&w.s1, 0x6000, 0x40006000, 3, S1_RW);
	pa(0x5000);
	pa(0x6000);
	tt_map(&w.s1, 0x5000, 0x40007000, 3, S1_RW | D_NG);
	tt_map(&w.s1, 0x6000, 0x40008000, 3, S1_RW);
	mmu_tlbi(&w.cpu, MMU_TLBI_VALE1, xt_va(0x5000, 6), 1);
	mmu_tlbi(&w.cpu, MMU_TLBI_VALE1, xt_va(0x6000, 6), 1);
	assert_int_equal(pa(0x5000), 0x40005000); /* ASID 5's entry: other ASID, stays */
	assert_int_equal(pa(0x6000), 0x40008000); /* global: any ASID removes it */
	mmu_tlbi(&w.cpu, MMU_TLBI_VAE1, xt_va(0x5000, 5), 1);
	assert_int_equal(pa(0x5000), 0x40007000);
}

static void test_mmu_tlb_vaae1_removes_the_va_for_every_asid(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW | D_NG);
	pa(0x5000);
	w.cpu.regs.ttbr0_el1 = TTBR(w.s1.root, 9);
	pa(0x5000);
	tt_map(&w.s1, 0x5000, 0x40007000, 3, S1_RW | D_NG);
	mmu_tlbi(&w.cpu, MMU_TLBI_VAAE1, xt_va(0x5000, 0), 1);
	assert_int_equal(pa(0x5000), 0x40007000);
	w.cpu.regs.ttbr0_el1 = TTBR(w.s1.root, 5);
	assert_int_equal(pa(0x5000), 0x40007000);
}

static void test_mmu_tlb_aside1_keeps_global_entries(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW | D_NG);
	tt_map(&w.s1, 0x6000, 0x40006000, 3, S1_RW);
	pa(0x5000);
	pa(0x6000);
	tt_map(&w.s1, 0x5000, 0x40007000, 3, S1_RW | D_NG);
	tt_map(&w.s1, 0x6000, 0x40008000, 3, S1_RW);
	mmu_tlbi(&w.cpu, MMU_TLBI_ASIDE1, (uint64_t)5 << 48, 1);
	assert_int_equal(pa(0x5000), 0x40007000);
	assert_int_equal(pa(0x6000), 0x40006000);
}

static void test_mmu_tlb_asids_keep_address_spaces_apart_without_tlbi(void **state)
{
	(void)state;
	world_init(&w, true, true);
	struct tt other;
	tt_init(&other, &w.ram, 12, 48, 0);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW | D_NG);
	tt_map(&other, 0x5000, 0x40009000, 3, S1_RW | D_NG);
	assert_int_equal(pa(0x5000), 0x40005000);
	w.cpu.regs.ttbr0_el1 = TTBR(other.root, 6);
	assert_int_equal(pa(0x5000), 0x40009000);
	w.cpu.regs.ttbr0_el1 = TTBR(w.s1.root, 5);
	assert_true(go(acc_load(0x5000, 1)).tlb_hit);
	assert_int_equal(pa(0x5000), 0x40005000);
}

static void test_mmu_tlb_alle1_spares_el2_and_alle2_spares_el1(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW);
	w.cpu.regs.tcr_el2 = TCR_T0SZ(16) | (5ull << 16);
	w.cpu.regs.ttbr0_el2 = w.s1.root;
	w.cpu.regs.sctlr_el2 = SCTLR_M;
	assert_int_equal(go(acc_load(0x5000, 2)).pa, 0x40005000);
	assert_int_equal(pa(0x5000), 0x40005000);
	tt_map(&w.s1, 0x5000, 0x40006000, 3, S1_RW);
	mmu_tlbi(&w.cpu, MMU_TLBI_ALLE1IS, 0, 7); /* every VMID, whatever the issuer's */
	assert_int_equal(pa(0x5000), 0x40006000);
	assert_int_equal(go(acc_load(0x5000, 2)).pa, 0x40005000);
	mmu_tlbi(&w.cpu, MMU_TLBI_VAE2, xt_va(0x4000, 0), 0);
	assert_int_equal(go(acc_load(0x5000, 2)).pa, 0x40005000);
	mmu_tlbi(&w.cpu, MMU_TLBI_VAE2, xt_va(0x5000, 0), 0);
	assert_int_equal(go(acc_load(0x5000, 2)).pa, 0x40006000);
	tt_map(&w.s1, 0x5000, 0x40007000, 3, S1_RW);
	mmu_tlbi(&w.cpu, MMU_TLBI_ALLE2, 0, 0);
	assert_int_equal(pa(0x5000), 0x40006000);
	assert_int_equal(go(acc_load(0x5000, 2)).pa, 0x40007000);
}

static void test_mmu_tlb_cached_permissions_stay_until_invalidated(void **state)
{
	(void)state;
	world_init(&w, true, true);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW);
	assert_int_equal(go(acc_store(0x5000, 1)).fault.kind, MMU_FAULT_NONE);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW | D_AP_RO);
	assert_int_equal(go(acc_store(0x5000, 1)).fault.kind, MMU_FAULT_NONE);
	mmu_tlbi(&w.cpu, MMU_TLBI_VALE1IS, xt_va(0x5000, 5), 1);
	struct mmu_result r = go(acc_store(0x5000, 1));
	assert_int_equal(r.fault.kind, MMU_FAULT_PERMISSION);
	/* The read-only translation is cached: later stores fault from the TLB alone. */
	uint64_t reads = w.cpu.stats.desc_reads;
	r = go(acc_store(0x5000, 1));
	assert_true(r.tlb_hit);
	assert_int_equal(r.fault.esr, (0x25ull << 26) | (1u << 25) | (1u << 6) | 0x0f);
	assert_int_equal(w.cpu.stats.desc_reads, reads);
}

static void test_mmu_tlb_counts_a_block_fill_over_live_pages_as_an_overlap(void **state)
{
	(void)state;
	world_init(&w, false, true);
	tt_map(&w.s2, 0x80005000, 0x40005000, 3, S2_RW);
	pa(0x80005000);
	/* Replace the table with a 2 MiB block without break-before-make or TLBI. */
	tram_write64(&w.ram, tt_slot(&w.s2, 0x80005000, 2), 0x40200000 | S2_RW | 1);
	assert_int_equal(pa(0x80006000), 0x40206000);
	assert_int_equal(w.cpu.stats.tlb_overlaps, 1);
	assert_int_equal(pa(0x80005000), 0x40005000); /* the old page entry still answers */
}

static void test_mmu_tlb_fills_evict_round_robin_within_a_set(void **state)
{
	(void)state;
	world_init(&w, false, true);
	const uint64_t stride = (uint64_t)MMU_TLB_SETS << 12; /* same set every time */
	for (unsigned i = 0; i <= MMU_TLB_WAYS; i++)
		tt_map(&w.s2, 0x80000000 + i * stride, 0x40000000 + i * 0x1000, 3, S2_RW);
	for (unsigned i = 0; i <= MMU_TLB_WAYS; i++)
		pa(0x80000000 + i * stride);
	assert_int_equal(w.cpu.stats.tlb_evictions, 1);
	assert_false(go(acc_load(0x80000000, 1)).tlb_hit);
	assert_true(go(acc_load(0x80000000 + MMU_TLB_WAYS * stride, 1)).tlb_hit);
}

static void test_mmu_tlb_is_operations_are_broadcast_by_the_caller(void **state)
{
	(void)state;
	assert_true(mmu_tlbi_broadcast(MMU_TLBI_VMALLE1IS));
	assert_true(mmu_tlbi_broadcast(MMU_TLBI_IPAS2E1IS));
	assert_false(mmu_tlbi_broadcast(MMU_TLBI_VMALLE1));
	assert_false(mmu_tlbi_broadcast(MMU_TLBI_ALLE2));
	/* A local TLBI on one PE leaves another PE's TLB stale. */
	world_init(&w, true, true);
	static struct mmu_cpu other;
	other = w.cpu;
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW);
	struct mmu_access a = acc_load(0x5000, 1);
	struct mmu_result r;
	mmu_translate(&w.cpu, &a, &r);
	mmu_translate(&other, &a, &r);
	tt_map(&w.s1, 0x5000, 0x40006000, 3, S1_RW);
	mmu_tlbi(&w.cpu, MMU_TLBI_VMALLE1, 0, mmu_vmid(&w.cpu.regs));
	mmu_translate(&other, &a, &r);
	assert_int_equal(r.pa, 0x40005000);
	mmu_tlbi(&other, MMU_TLBI_VMALLE1IS, 0, mmu_vmid(&w.cpu.regs));
	mmu_translate(&other, &a, &r);
	assert_int_equal(r.pa, 0x40006000);
}

static void test_mmu_tlb_disabled_walks_every_time(void **state)
{
	(void)state;
	world_init(&w, true, false);
	tt_map(&w.s1, 0x5000, 0x40005000, 3, S1_RW);
	w.cpu.tlb.disabled = true;
	pa(0x5000);
	pa(0x5000);
	assert_int_equal(w.cpu.stats.walks, 2);
	assert_int_equal(w.cpu.stats.tlb_hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mmu_tlb_second_access_hits_without_walking, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_one_entry_serves_a_whole_block, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_stale_stage1_entry_survives_until_tlbi_vae1, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_stale_entry_survives_until_tlbi_ipas2_plus_vmalle1, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_ipas2e1_alone_suffices_when_the_guest_mmu_is_off, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_stage1_walks_use_cached_stage2_translations, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_vmalls12e1_removes_only_the_current_vmid, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_vae1_matches_its_asid_and_global_entries, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_vaae1_removes_the_va_for_every_asid, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_aside1_keeps_global_entries, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_asids_keep_address_spaces_apart_without_tlbi, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_alle1_spares_el2_and_alle2_spares_el1, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_cached_permissions_stay_until_invalidated, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_counts_a_block_fill_over_live_pages_as_an_overlap, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_fills_evict_round_robin_within_a_set, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_is_operations_are_broadcast_by_the_caller, teardown),
		cmocka_unit_test_teardown(test_mmu_tlb_disabled_walks_every_time, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
