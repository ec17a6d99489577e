/* The p2m's count of entries in use per table (kept in the frame table so that unmap and merge need
 * no scan): exact after map, unmap, protect and block splits, and a table freed exactly when its
 * last entry goes. s2_census checks every table's count against its entries too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fake_hal.h"
#include "mm/frame.h"
#include "mm/p2m.h"
#include "s2_check.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)

static struct p2m p2m;

static void census_ok(void)
{
	struct s2_census c;
	char why[200];
	if (!s2_census(&p2m, &c, why, sizeof(why)))
		fail_msg("%s", why);
}

/* The table holding @ipa's level-@level entries, by an independent descent from the root: its PA, or
 * 0 when the walk ends first. */
static uint64_t table_at(uint64_t ipa, unsigned level)
{
	unsigned l = p2m.geo.start_level;
	uint64_t table = pa_addr(p2m.root), idx = ipa >> (12 + 9 * (3 - l));

	while (l < level) {
		uint64_t d = ((const uint64_t *)fake_ram(table))[idx];
		if ((d & 3) != 3)
			return 0;
		table = d & UINT64_C(0x0000fffffffff000);
		l++;
		idx = (ipa >> (12 + 9 * (3 - l))) & 511;
	}
	return table;
}

static unsigned used(uint64_t table)
{
	const uint32_t *n = frame_owner_word(pa_init(table));
	assert_non_null(n);
	return *n;
}

static int map(uint64_t ipa, uint64_t pa, uint64_t size, enum p2m_type t)
{
	return p2m_map(&p2m, ipa_init(ipa), pa_init(pa), size, t);
}

static int unmap(uint64_t ipa, uint64_t size) { return p2m_unmap(&p2m, ipa_init(ipa), size); }

static void test_p2m_count_last_level_table_freed_exactly_when_its_last_page_goes(void **state)
{
	(void)state;
	uint64_t base = 3 * G1 + 7 * M2;
	/* One page elsewhere under the same level-2 table keeps that table alive throughout. */
	assert_int_equal(map(3 * G1, 0x1000000, K4, P2M_RAM_RW), 0);
	const unsigned idx[] = { 0, 200, 511 };
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(map(base + idx[i] * K4, 0x2000000 + i * K4, K4, P2M_GRANT_RW), 0);
	uint64_t l3 = table_at(base, 3), l2 = table_at(base, 2);
	assert_true(l3 && l2);
	assert_int_equal(used(l3), 3);
	assert_int_equal(used(l2), 2);
	uint64_t frames = p2m.table_frames;

	assert_int_equal(unmap(base + 511 * K4, K4), 0);
	assert_int_equal(used(l3), 2);
	assert_int_equal(p2m.table_frames, frames);
	assert_int_equal(unmap(base, K4), 0);
	assert_int_equal(used(l3), 1);
	assert_int_equal(p2m.table_frames, frames);
	assert_int_equal(table_at(base, 3), l3);
	/* A hole unmapped changes nothing. */
	assert_int_equal(unmap(base + K4, K4), 0);
	assert_int_equal(used(l3), 1);
	assert_int_equal(p2m.table_frames, frames);
	census_ok();

	assert_int_equal(unmap(base + 200 * K4, K4), 0);
	assert_int_equal(p2m.table_frames, frames - 1);
	assert_int_equal(table_at(base, 3), 0);
	assert_int_equal(used(l2), 1);
	assert_int_equal(frame_owner(pa_init(l3)), FRAME_OWNER_NONE);
	census_ok();
}

static void test_p2m_count_empty_tables_up_the_path_go_with_the_last_page(void **state)
{
	(void)state;
	uint64_t ipa = 2 * G1 + 5 * M2 + 9 * K4;
	uint64_t before = p2m.table_frames;
	assert_int_equal(map(ipa, 0x3000000, K4, P2M_GRANT_RO), 0);
	assert_int_equal(p2m.table_frames, before + 2);
	assert_int_equal(used(table_at(ipa, 3)), 1);
	assert_int_equal(used(table_at(ipa, 2)), 1);
	assert_int_equal(unmap(ipa, K4), 0);
	assert_int_equal(p2m.table_frames, before);
	assert_int_equal(table_at(ipa, 2), 0);
	census_ok();
}

static void test_p2m_count_split_block_counts_512_less_what_was_unmapped(void **state)
{
	(void)state;
	assert_int_equal(map(G1, G1, M2, P2M_RAM_RW), 0);
	uint64_t l2 = table_at(G1, 2);
	assert_int_equal(used(l2), 1);
	assert_int_equal(table_at(G1, 3), 0); /* a block, no table */

	assert_int_equal(unmap(G1 + 17 * K4, 2 * K4), 0);
	uint64_t l3 = table_at(G1, 3);
	assert_true(l3);
	assert_int_equal(used(l3), 510);
	assert_int_equal(used(l2), 1);
	census_ok();

	/* Protecting part of it splits nothing more and keeps the count. */
	assert_int_equal(p2m_protect(&p2m, ipa_init(G1), 4 * K4, P2M_RAM_RO), 0);
	assert_int_equal(used(l3), 510);
	/* Mapping the hole back fills the table: it folds into a block again, its frame freed. */
	uint64_t frames = p2m.table_frames;
	assert_int_equal(p2m_protect(&p2m, ipa_init(G1), 4 * K4, P2M_RAM_RW), 0);
	assert_int_equal(map(G1 + 17 * K4, G1 + 17 * K4, 2 * K4, P2M_RAM_RW), 0);
	assert_int_equal(p2m.table_frames, frames - 1);
	assert_int_equal(table_at(G1, 3), 0);
	assert_int_equal(used(l2), 1);
	census_ok();
}

static void test_p2m_count_split_gib_block_counts_every_level(void **state)
{
	(void)state;
	assert_int_equal(map(0, 0, G1, P2M_RAM_RW), 0);
	assert_int_equal(unmap(3 * M2 + 4 * K4, K4), 0);
	assert_int_equal(used(table_at(3 * M2, 2)), 512);
	assert_int_equal(used(table_at(3 * M2, 3)), 511);
	/* Unmapping the rest of that 2 MiB leaves the level-2 table one entry short, its table gone. */
	assert_int_equal(unmap(3 * M2, M2), 0);
	assert_int_equal(used(table_at(3 * M2, 2)), 511);
	assert_int_equal(table_at(3 * M2, 3), 0);
	census_ok();
	/* Everything goes: so do the tables. */
	assert_int_equal(unmap(0, G1), 0);
	assert_int_equal(table_at(0, 2), 0);
	assert_int_equal(p2m.table_frames, p2m.geo.root_pages);
}

static void test_p2m_count_replacing_mappings_keeps_the_count(void **state)
{
	(void)state;
	uint64_t ipa = 5 * G1 + 9 * M2;
	assert_int_equal(map(ipa, 0x1000000, 8 * K4, P2M_RAM_RW), 0);
	uint64_t l3 = table_at(ipa, 3);
	assert_int_equal(used(l3), 8);
	/* The same pages mapped elsewhere and as another type, overlapping by half: replaced in place. */
	assert_int_equal(map(ipa + 4 * K4, 0x2000000, 8 * K4, P2M_GRANT_RW), 0);
	assert_int_equal(used(l3), 12);
	assert_int_equal(map(ipa, 0x3000000, 12 * K4, P2M_FOREIGN_RO), 0);
	assert_int_equal(used(l3), 12);
	census_ok();
	assert_int_equal(unmap(ipa, 12 * K4), 0);
	assert_int_equal(table_at(ipa, 2), 0);
}

/* The root keeps one count over its concatenated pages, so teardown's walk ends at its last entry in
 * use: entries on the second root page count, and a foreign page there still has its reference put. */
static void test_p2m_count_root_counts_entries_on_every_root_page(void **state)
{
	(void)state;
	uint64_t hi = (UINT64_C(512) << 30) + 3 * G1; /* on root page 1 */
	paddr_t f;

	assert_int_equal(p2m.root_used, 0);
	assert_int_equal(map(0, 0x1000000, K4, P2M_RAM_RW), 0);
	assert_int_equal(map(hi, 2 * G1, G1, P2M_RAM_RW), 0); /* a block in the root itself */
	assert_int_equal(frame_alloc(2, 0, &f), 0);
	assert_int_equal(frame_get(f), 0);
	assert_int_equal(map(hi + 2 * G1 + 5 * K4, pa_addr(f), K4, P2M_FOREIGN_RW), 0);
	assert_int_equal(p2m.root_used, 3);
	census_ok();
	assert_int_equal(unmap(hi, G1), 0);
	assert_int_equal(p2m.root_used, 2);
	census_ok();
	/* The foreign page is behind the first entry in use, on the other root page. */
	p2m_destroy(&p2m);
	assert_int_equal(frame_refs(f), 0);
	assert_int_equal(frame_free(2, f, 0), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_prestate_setup_teardown(f, s2_setup, s2_teardown, &p2m)
	const struct CMUnitTest tests[] = {
		T(test_p2m_count_last_level_table_freed_exactly_when_its_last_page_goes),
		T(test_p2m_count_empty_tables_up_the_path_go_with_the_last_page),
		T(test_p2m_count_split_block_counts_512_less_what_was_unmapped),
		T(test_p2m_count_split_gib_block_counts_every_level),
		T(test_p2m_count_replacing_mappings_keeps_the_count),
		T(test_p2m_count_root_counts_entries_on_every_root_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
