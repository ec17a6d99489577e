/* p2m, case by case: blocks where alignment allows, split and merge, table frees, argument checks,
 * running out of frames, teardown, and the translations models/mmu's walker and TLB then give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_hal.h"
#include "mm/frame.h"
#include "mm/p2m.h"
#include "public/errno.h"
#include "s2_check.h"

#define K4  UINT64_C(0x1000)
#define M2  UINT64_C(0x200000)
#define G1  UINT64_C(0x40000000)
#define MIB (UINT64_C(1) << 20)

static struct p2m p2m;

/* The census, failing the test on any malformed or non-canonical table; table frames add up. */
static struct s2_census census(void)
{
	struct s2_census c;
	char why[200];

	if (!s2_census(&p2m, &c, why, sizeof(why)))
		fail_msg("%s", why);
	assert_int_equal(p2m.table_frames, p2m.geo.root_pages + c.tables[2] + c.tables[3]);
	assert_int_equal(frame_count(DOMID_XEN), p2m.table_frames);
	return c;
}

static void expect_pa(uint64_t ipa, uint64_t pa)
{
	struct mmu_result r;
	for (unsigned cpu = 0; cpu < FAKE_CPUS; cpu++) {
		if (!s2_probe(cpu, ipa, MMU_LOAD, &r))
			fail_msg("IPA 0x%llx: fault kind %u level %u", (unsigned long long)ipa, r.fault.kind,
				 r.fault.level);
		if (r.pa != pa)
			fail_msg("IPA 0x%llx -> 0x%llx, expected 0x%llx", (unsigned long long)ipa,
				 (unsigned long long)r.pa, (unsigned long long)pa);
	}
}

static void expect_hole(uint64_t ipa)
{
	struct mmu_result r;
	for (unsigned cpu = 0; cpu < FAKE_CPUS; cpu++) {
		if (s2_probe(cpu, ipa, MMU_LOAD, &r))
			fail_msg("IPA 0x%llx maps 0x%llx, expected a hole", (unsigned long long)ipa,
				 (unsigned long long)r.pa);
		assert_int_equal(r.fault.kind, MMU_FAULT_TRANSLATION);
		assert_int_equal(r.fault.stage, 2);
	}
	assert_int_equal(p2m_lookup(&p2m, ipa_init(ipa), NULL, NULL), P2M_INVALID);
}

static int map(uint64_t ipa, uint64_t pa, uint64_t size, enum p2m_type t)
{
	return p2m_map(&p2m, ipa_init(ipa), pa_init(pa), size, t);
}

static void test_p2m_init_gives_a_concatenated_root_owned_by_xen(void **state)
{
	(void)state;
	assert_int_equal(p2m.table_frames, 2);
	assert_int_equal(frame_count(DOMID_XEN), 2);
	assert_int_equal(pa_addr(p2m.root) & (2 * K4 - 1), 0);
	assert_int_equal(p2m_vttbr(&p2m), (UINT64_C(5) << 48) | pa_addr(p2m.root));
	assert_int_equal(p2m.owner, 1);
	expect_hole(0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[1] + c.leaves[2] + c.leaves[3], 0);
}

static void test_p2m_map_1gib_aligned_range_uses_one_block(void **state)
{
	(void)state;
	assert_int_equal(map(G1, 3 * G1, G1, P2M_RAM_RW), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[1], 1);
	assert_int_equal(c.leaves[2] + c.leaves[3], 0);
	expect_pa(G1, 3 * G1);
	expect_pa(G1 + 0x12345678, 3 * G1 + 0x12345678);
	expect_hole(G1 - K4);
	expect_hole(2 * G1);
}

static void test_p2m_map_2mib_aligned_range_uses_one_block(void **state)
{
	(void)state;
	assert_int_equal(map(G1 + 3 * M2, 7 * M2, M2, P2M_RAM_RW), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[2], 1);
	assert_int_equal(c.leaves[3], 0);
	assert_int_equal(c.tables[2], 1);
	expect_pa(G1 + 3 * M2 + 0x1234, 7 * M2 + 0x1234);
}

static void test_p2m_map_misaligned_pa_uses_pages(void **state)
{
	(void)state;
	assert_int_equal(map(G1, 0x80001000, M2, P2M_RAM_RW), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[3], 512);
	assert_int_equal(c.leaves[1] + c.leaves[2], 0);
	expect_pa(G1 + M2 - 8, 0x80001000 + M2 - 8);
}

static void test_p2m_map_unaligned_range_uses_the_largest_blocks_inside(void **state)
{
	(void)state;
	/* One page, a GiB, a 2 MiB block, one page: IPA and PA agree modulo 1 GiB. */
	assert_int_equal(map(G1 - K4, 5 * G1 - K4, K4 + G1 + M2 + K4, P2M_RAM_RW), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[1], 1);
	assert_int_equal(c.leaves[2], 1);
	assert_int_equal(c.leaves[3], 2);
	expect_pa(G1 - K4, 5 * G1 - K4);
	expect_pa(2 * G1 + M2 + 8, 6 * G1 + M2 + 8);
	expect_hole(2 * G1 + M2 + K4);
}

static void test_p2m_lookup_reports_type_pa_and_span(void **state)
{
	paddr_t pa;
	uint64_t span;
	(void)state;

	assert_int_equal(map(4 * M2, 8 * M2, M2, P2M_MMIO), 0);
	assert_int_equal(map(6 * M2, 0x10000000, K4, P2M_GRANT_RO), 0);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(4 * M2 + 0x10), &pa, &span), P2M_MMIO);
	assert_int_equal(pa_addr(pa), 8 * M2 + 0x10);
	assert_int_equal(span, M2 - 0x10);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(6 * M2 + 0xff8), &pa, &span), P2M_GRANT_RO);
	assert_int_equal(pa_addr(pa), 0x10000ff8);
	assert_int_equal(span, 8);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(UINT64_C(1) << 40), &pa, &span), P2M_INVALID);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(5 * M2), NULL, NULL), P2M_INVALID);
}

static void test_p2m_unmap_of_a_page_splits_a_gib_block_down_to_pages(void **state)
{
	(void)state;
	assert_int_equal(map(0, 0, G1, P2M_RAM_RW), 0);
	expect_pa(5 * M2 + 5 * K4, 5 * M2 + 5 * K4); /* cache the block in both TLBs */
	assert_int_equal(p2m_unmap(&p2m, ipa_init(5 * M2 + 5 * K4), K4), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[2], 511);
	assert_int_equal(c.leaves[3], 511);
	expect_hole(5 * M2 + 5 * K4);
	expect_pa(5 * M2 + 4 * K4, 5 * M2 + 4 * K4);
	expect_pa(5 * M2 + 6 * K4, 5 * M2 + 6 * K4);
	expect_pa(G1 - 8, G1 - 8);
}

static void test_p2m_mapping_the_hole_again_merges_back_into_one_block(void **state)
{
	(void)state;
	assert_int_equal(map(0, 0, G1, P2M_RAM_RW), 0);
	assert_int_equal(p2m_unmap(&p2m, ipa_init(5 * M2 + 5 * K4), K4), 0);
	expect_hole(5 * M2 + 5 * K4);
	assert_int_equal(map(5 * M2 + 5 * K4, 5 * M2 + 5 * K4, K4, P2M_RAM_RW), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[1], 1);
	assert_int_equal(c.leaves[2] + c.leaves[3], 0);
	assert_int_equal(p2m.table_frames, 2);
	expect_pa(5 * M2 + 5 * K4, 5 * M2 + 5 * K4);
	assert_int_equal(fake_mmu[0].stats.tlb_overlaps + fake_mmu[1].stats.tlb_overlaps, 0);
}

static void test_p2m_protect_splits_and_protecting_back_merges(void **state)
{
	struct mmu_result r;
	(void)state;

	assert_int_equal(map(G1, G1, G1, P2M_RAM_RW), 0);
	assert_true(s2_probe(0, G1 + 9 * M2, MMU_STORE, &r));
	assert_int_equal(p2m_protect(&p2m, ipa_init(G1 + 9 * M2), M2 + K4, P2M_RAM_RO), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[2], 511);
	assert_int_equal(c.leaves[3], 512);
	assert_false(s2_probe(0, G1 + 9 * M2, MMU_STORE, &r));
	assert_int_equal(r.fault.kind, MMU_FAULT_PERMISSION);
	assert_false(s2_probe(1, G1 + 10 * M2, MMU_STORE, &r));
	assert_true(s2_probe(0, G1 + 10 * M2 + K4, MMU_STORE, &r));
	assert_true(s2_probe(0, G1 + 9 * M2, MMU_LOAD, &r));
	assert_int_equal(p2m_lookup(&p2m, ipa_init(G1 + 9 * M2), NULL, NULL), P2M_RAM_RO);

	assert_int_equal(p2m_protect(&p2m, ipa_init(G1), G1, P2M_RAM_RW), 0);
	c = census();
	assert_int_equal(c.leaves[1], 1);
	assert_int_equal(p2m.table_frames, 2);
	assert_true(s2_probe(1, G1 + 9 * M2, MMU_STORE, &r));
}

static void test_p2m_protect_keeps_kinds_and_holes(void **state)
{
	(void)state;
	assert_int_equal(map(0, 0x10000000, K4, P2M_GRANT_RW), 0);
	assert_int_equal(map(K4, 0x20000000, K4, P2M_MMIO), 0);
	assert_int_equal(map(3 * K4, 0x30000000, K4, P2M_RAM_RW), 0);
	assert_int_equal(p2m_protect(&p2m, ipa_init(0), 4 * K4, P2M_RAM_RO), 0);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(0), NULL, NULL), P2M_GRANT_RO);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(K4), NULL, NULL), P2M_MMIO);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(2 * K4), NULL, NULL), P2M_INVALID);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(3 * K4), NULL, NULL), P2M_RAM_RO);
	census();
}

static void test_p2m_unmapping_everything_frees_every_table(void **state)
{
	(void)state;
	assert_int_equal(map(K4, 0x80001000, 3 * M2, P2M_RAM_RW), 0);
	assert_int_equal(map(600 * G1 + M2, M2, M2, P2M_RAM_RO), 0);
	assert_true(p2m.table_frames > 2);
	assert_int_equal(p2m_unmap(&p2m, ipa_init(0), UINT64_C(1) << 40), 0);
	struct s2_census c = census();
	assert_int_equal(p2m.table_frames, 2);
	assert_int_equal(c.leaves[3], 0);
	expect_hole(K4);
	/* Holes are fine to unmap. */
	assert_int_equal(p2m_unmap(&p2m, ipa_init(0), G1), 0);
}

static void test_p2m_changing_a_cached_mapping_never_leaves_it_stale(void **state)
{
	(void)state;
	/* Pages, then a block over them with another PA, then a different block: each change is seen
	 * by both PEs straight away, and no fill ever overlaps a live entry (break-before-make). */
	assert_int_equal(map(0, 0x80001000, M2, P2M_RAM_RW), 0);
	for (uint64_t a = 0; a < M2; a += 64 * K4)
		expect_pa(a, 0x80001000 + a);
	assert_int_equal(map(0, 4 * M2, M2, P2M_RAM_RW), 0);
	for (uint64_t a = 0; a < M2; a += 64 * K4)
		expect_pa(a, 4 * M2 + a);
	assert_int_equal(map(0, 6 * M2, M2, P2M_RAM_RW), 0);
	expect_pa(0x1000, 6 * M2 + 0x1000);
	assert_int_equal(p2m_unmap(&p2m, ipa_init(0), M2), 0);
	expect_hole(0x1000);
	assert_int_equal(fake_mmu[0].stats.tlb_overlaps + fake_mmu[1].stats.tlb_overlaps, 0);
	census();
}

static void test_p2m_without_tlb_maintenance_the_walker_sees_stale_entries(void **state)
{
	struct mmu_result r;
	(void)state;

	/* The test of the tests: a HAL that drops TLBIs must show up as a stale translation. */
	assert_int_equal(map(0, 4 * M2, M2, P2M_RAM_RW), 0);
	expect_pa(0, 4 * M2);
	fake_drop_flushes = true;
	assert_int_equal(map(0, 6 * M2, M2, P2M_RAM_RW), 0);
	assert_true(s2_probe(0, 0, MMU_LOAD, &r));
	assert_int_equal(r.pa, 4 * M2);
	fake_drop_flushes = false;
}

static void test_p2m_descriptors_carry_the_types_attributes(void **state)
{
	struct mmu_result r;
	(void)state;

	assert_int_equal(map(0, 0x40000000, K4, P2M_RAM_RW), 0);
	assert_int_equal(map(K4, 0x09000000, K4, P2M_MMIO), 0);
	assert_int_equal(map(2 * K4, 0x50000000, K4, P2M_GRANT_RW), 0);
	assert_int_equal(map(3 * K4, 0x50001000, K4, P2M_GRANT_RO), 0);
	census(); /* every descriptor decoded against its type */
	/* The model's own decode of what it cached: Normal WB inner shareable, Device-nGnRE. */
	struct {
		uint64_t ipa;
		uint8_t attr, sh, perm;
	} want[] = {
		{ 0, 0xff, MMU_SH_INNER, MMU_PERM_R | MMU_PERM_W | MMU_PERM_X },
		{ K4, 0x04, MMU_SH_NON, MMU_PERM_R | MMU_PERM_W },
		{ 2 * K4, 0xff, MMU_SH_INNER, MMU_PERM_R | MMU_PERM_W },
		{ 3 * K4, 0xff, MMU_SH_INNER, MMU_PERM_R },
	};
	for (unsigned i = 0; i < 4; i++) {
		assert_true(s2_probe(0, want[i].ipa, MMU_LOAD, &r));
		assert_int_equal(r.perm, want[i].perm);
		bool found = false;
		for (unsigned s = 0; s < MMU_TLB_SETS; s++)
			for (unsigned w = 0; w < MMU_TLB_WAYS; w++) {
				const struct mmu_tlb_entry *e = &fake_mmu[0].tlb.e[s][w];
				if (e->valid && e->kind == MMU_TLB_S2 && e->ipa == want[i].ipa) {
					found = true;
					assert_int_equal(e->s2_attr, want[i].attr);
					if (want[i].attr == 0xff)
						assert_int_equal(e->s2_sh, want[i].sh);
				}
			}
		assert_true(found);
	}
	assert_false(s2_probe(0, K4, MMU_FETCH, &r));
	assert_int_equal(r.fault.kind, MMU_FAULT_PERMISSION);
	assert_false(s2_probe(0, 2 * K4, MMU_FETCH, &r));
	assert_false(s2_probe(0, 3 * K4, MMU_STORE, &r));
	assert_true(s2_probe(0, 0, MMU_FETCH, &r));
}

static void test_p2m_high_ipas_use_the_second_root_page(void **state)
{
	(void)state;
	uint64_t top = (UINT64_C(1) << 40) - G1;
	assert_int_equal(map(top, 2 * G1, G1, P2M_RAM_RW), 0);
	assert_int_equal(map(top - M2, 0, M2, P2M_RAM_RW), 0);
	struct s2_census c = census();
	assert_int_equal(c.leaves[1], 1);
	assert_int_equal(c.leaves[2], 1);
	expect_pa(top + G1 - 8, 3 * G1 - 8);
	expect_pa(top - 8, M2 - 8);
	uint64_t root1 = fake_read64(pa_addr(p2m.root) + K4 + 8 * 511);
	assert_int_equal(root1 & ~UINT64_C(0xfff) & ((UINT64_C(1) << 48) - 1), 2 * G1);
}

static void test_p2m_rejects_bad_arguments(void **state)
{
	(void)state;
	uint64_t top = UINT64_C(1) << 40;
	assert_int_equal(map(1, 0, K4, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(0, 0x800, K4, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(0, 0, 0x800, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(0, 0, 0, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(top, 0, K4, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(top - K4, 0, 2 * K4, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(K4, 0, UINT64_MAX - PAGE_MASK, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(0, top, K4, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(0, top - K4, 2 * K4, P2M_RAM_RW), -XEN_EINVAL);
	assert_int_equal(map(0, 0, K4, P2M_INVALID), -XEN_EINVAL);
	assert_int_equal(map(0, 0, K4, (enum p2m_type)99), -XEN_EINVAL);
	assert_int_equal(p2m_unmap(&p2m, ipa_init(top - K4), 2 * K4), -XEN_EINVAL);
	assert_int_equal(p2m_unmap(&p2m, ipa_init(0x10), K4), -XEN_EINVAL);
	assert_int_equal(p2m_protect(&p2m, ipa_init(0), K4, P2M_MMIO), -XEN_EINVAL);
	assert_int_equal(p2m_protect(&p2m, ipa_init(0), K4, P2M_INVALID), -XEN_EINVAL);
	assert_int_equal(p2m_protect(&p2m, ipa_init(top), K4, P2M_RAM_RO), -XEN_EINVAL);
	assert_int_equal(p2m.table_frames, 2);
}

static void test_p2m_running_out_of_table_frames_leaves_a_consistent_map(void **state)
{
	paddr_t pa;
	(void)state;

	/* Leave 3 free frames: the 8 MiB of pages below need one L2 and four L3 tables. */
	while (frame_free_count() > 3)
		assert_int_equal(frame_alloc(9, 0, &pa), 0);
	assert_int_equal(map(0, 0x80001000, 4 * M2, P2M_RAM_RW), -XEN_ENOMEM);
	census();
	/* Mapped in IPA order up to the failure (an L2 and two L3 tables' worth), nothing after it. */
	assert_int_equal(p2m_lookup(&p2m, ipa_init(0), NULL, NULL), P2M_RAM_RW);
	expect_pa(2 * M2 - K4, 0x80001000 + 2 * M2 - K4);
	expect_hole(2 * M2);
	expect_hole(4 * M2 - K4);
	/* Splitting a block needs a table too: unmap reports it and changes nothing. */
	assert_int_equal(map(G1, G1, G1, P2M_RAM_RW), 0);
	assert_int_equal(p2m_unmap(&p2m, ipa_init(G1), K4), -XEN_ENOMEM);
	expect_pa(G1, G1);
	census();
	assert_int_equal(frame_release_all(9) > 0, 1);
}

static void test_p2m_map_new_maps_only_into_a_hole(void **state)
{
	(void)state;
	assert_int_equal(p2m_map_new(&p2m, ipa_init(M2), pa_init(0x10000000), 2 * K4, P2M_GRANT_RW), 0);
	expect_pa(M2 + K4, 0x10001000);
	assert_int_equal(p2m_map_new(&p2m, ipa_init(M2 + K4), pa_init(0x20000000), K4, P2M_RAM_RW), -XEN_EBUSY);
	/* Partly mapped: nothing changes, not even the part that was a hole. */
	assert_int_equal(p2m_map_new(&p2m, ipa_init(M2 - K4), pa_init(0x20000000), 2 * K4, P2M_RAM_RW), -XEN_EBUSY);
	expect_hole(M2 - K4);
	expect_pa(M2, 0x10000000);
	assert_int_equal(p2m_map_new(&p2m, ipa_init(0), pa_init(0x20000000), K4, (enum p2m_type)99), -XEN_EINVAL);
	census();
}

/* A foreign page's reference belongs to its mapping: protect leaves it alone, teardown puts it. */
static void test_p2m_destroy_puts_the_references_foreign_pages_hold(void **state)
{
	(void)state;
	paddr_t f;
	assert_int_equal(frame_alloc(2, 0, &f), 0);
	assert_int_equal(frame_get(f), 0);
	assert_int_equal(map(5 * K4, pa_addr(f), K4, P2M_FOREIGN_RW), 0);
	assert_int_equal(p2m_protect(&p2m, ipa_init(0), 8 * K4, P2M_RAM_RO), 0);
	assert_int_equal(p2m_lookup(&p2m, ipa_init(5 * K4), NULL, NULL), P2M_FOREIGN_RW);
	census();
	p2m_destroy(&p2m);
	assert_int_equal(frame_refs(f), 0);
	assert_int_equal(frame_free(2, f, 0), 0);
}

static void test_p2m_destroy_frees_all_tables_and_flushes_the_vmid(void **state)
{
	(void)state;
	assert_int_equal(map(K4, 0x80001000, 3 * M2, P2M_RAM_RW), 0);
	assert_int_equal(map(700 * G1, G1, G1 + M2, P2M_RAM_RW), 0);
	expect_pa(K4, 0x80001000);
	unsigned flushes = fake_flush_vmid_calls;
	p2m_destroy(&p2m);
	assert_int_equal(fake_flush_vmid_calls, flushes + 1);
	assert_int_equal(frame_count(DOMID_XEN), 0);
	assert_int_equal(p2m.table_frames, 0);
	for (unsigned cpu = 0; cpu < FAKE_CPUS; cpu++) /* nothing cached survives */
		for (unsigned s = 0; s < MMU_TLB_SETS; s++)
			for (unsigned w = 0; w < MMU_TLB_WAYS; w++)
				assert_false(fake_mmu[cpu].tlb.e[s][w].valid && fake_mmu[cpu].tlb.e[s][w].vmid == 5);
	p2m_destroy(&p2m); /* twice is harmless */
}

static void test_p2m_start_level_0_geometry_puts_blocks_below_the_root(void **state)
{
	(void)state;
	/* 48-bit IPA and PA, one root page at level 0 (VTCR: T0SZ 16, SL0 2, PS 48 bits, 16-bit VMIDs),
	 * where no block may sit. */
	p2m_destroy(&p2m);
	fake_geometry = (struct hal_s2_geometry){ 48, 48, 0, 1,
						  16 | 2u << 6 | 1u << 8 | 1u << 10 | 3u << 12 | 5u << 16 | 1u << 19 };
	for (unsigned cpu = 0; cpu < FAKE_CPUS; cpu++)
		fake_mmu[cpu].pa_bits = 48;
	assert_int_equal(p2m_init(&p2m, 1, 5), 0);
	fake_mmu_stage2(p2m_vttbr(&p2m), p2m.geo.vtcr);
	uint64_t high = UINT64_C(0xabc) << 36;
	assert_int_equal(map(high, UINT64_C(0x7f) << 40, G1 + K4, P2M_RAM_RW), 0);
	expect_pa(high + G1 - 8, (UINT64_C(0x7f) << 40) + G1 - 8);
	expect_pa(high + G1, (UINT64_C(0x7f) << 40) + G1);
	expect_hole(high + G1 + K4);
	struct s2_census c;
	char why[200];
	if (!s2_census(&p2m, &c, why, sizeof(why)))
		fail_msg("%s", why);
	assert_int_equal(c.tables[0], 1);
	assert_int_equal(c.tables[1], 1);
	assert_int_equal(c.leaves[1], 1);
	assert_int_equal(c.leaves[3], 1);
	assert_int_equal(p2m.table_frames, 1 + 1 + 1 + 1); /* root, L1, L2, L3 */
	assert_int_equal(p2m_unmap(&p2m, ipa_init(high), G1 + K4), 0);
	assert_int_equal(p2m.table_frames, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_prestate_setup_teardown(f, s2_setup, s2_teardown, &p2m)
	const struct CMUnitTest tests[] = {
		T(test_p2m_init_gives_a_concatenated_root_owned_by_xen),
		T(test_p2m_map_1gib_aligned_range_uses_one_block),
		T(test_p2m_map_2mib_aligned_range_uses_one_block),
		T(test_p2m_map_misaligned_pa_uses_pages),
		T(test_p2m_map_unaligned_range_uses_the_largest_blocks_inside),
		T(test_p2m_lookup_reports_type_pa_and_span),
		T(test_p2m_unmap_of_a_page_splits_a_gib_block_down_to_pages),
		T(test_p2m_mapping_the_hole_again_merges_back_into_one_block),
		T(test_p2m_protect_splits_and_protecting_back_merges),
		T(test_p2m_protect_keeps_kinds_and_holes),
		T(test_p2m_unmapping_everything_frees_every_table),
		T(test_p2m_changing_a_cached_mapping_never_leaves_it_stale),
		T(test_p2m_without_tlb_maintenance_the_walker_sees_stale_entries),
		T(test_p2m_descriptors_carry_the_types_attributes),
		T(test_p2m_high_ipas_use_the_second_root_page),
		T(test_p2m_rejects_bad_arguments),
		T(test_p2m_running_out_of_table_frames_leaves_a_consistent_map),
		T(test_p2m_map_new_maps_only_into_a_hole),
		T(test_p2m_destroy_puts_the_references_foreign_pages_hold),
		T(test_p2m_destroy_frees_all_tables_and_flushes_the_vmid),
		T(test_p2m_start_level_0_geometry_puts_blocks_below_the_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
