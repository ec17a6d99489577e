/* Stage-2 tables decoded from the descriptor format alone (not hyp/mm's definitions). */
#include "s2_check.h"

#include <stdio.h>

#include "fake_hal.h"
#include "mm/frame.h"

#define D_VALID   1ull
#define D_TABLE   2ull
#define D_AF      (1ull << 10)
#define D_OA      0x0000fffffffff000ull
#define D_ATTRS   (0xfull << 2 | 3ull << 6 | 3ull << 8 | 1ull << 54) /* MemAttr, S2AP, SH, XN */
#define D_SW_TYPE (0xfull << 55)
/* Everything else in a leaf must be zero: nG (RES0 at stage 2), OA bits past the PA size, Contiguous, bit 53,
 * the upper software bits and the ignored/PBHA bits. */
#define D_MUST_BE_ZERO (~(D_VALID | D_TABLE | D_ATTRS | D_AF | D_OA | D_SW_TYPE))

uint64_t s2_expected_attrs(enum p2m_type type)
{
	const uint64_t wb = 0xfull << 2, dev = 0x1ull << 2, r = 1ull << 6, w = 1ull << 7, inner = 3ull << 8,
		       xn = 1ull << 54;
	switch (type) {
	case P2M_RAM_RW: return wb | r | w | inner;
	case P2M_RAM_RO: return wb | r | inner;
	case P2M_MMIO: return dev | r | w | xn;
	case P2M_GRANT_RW:
	case P2M_FOREIGN_RW: return wb | r | w | inner | xn;
	case P2M_GRANT_RO:
	case P2M_FOREIGN_RO: return wb | r | inner | xn;
	default: return ~0ull;
	}
}

static unsigned shift(unsigned level) { return 12 + 9 * (3 - level); }

struct walk {
	struct s2_census *c;
	unsigned pa_bits;
	char *why;
	size_t len;
};

static bool bad(struct walk *w, const char *what, uint64_t ipa, uint64_t d)
{
	snprintf(w->why, w->len, "%s: IPA 0x%llx descriptor 0x%016llx", what, (unsigned long long)ipa,
		 (unsigned long long)d);
	return false;
}

static bool leaf_ok(struct walk *w, uint64_t d, unsigned level, uint64_t ipa)
{
	enum p2m_type t = (enum p2m_type)((d >> 55) & 0xf);
	if (level == 0 || (level == 3) != ((d & D_TABLE) != 0))
		return bad(w, "block at a level that cannot hold one", ipa, d);
	if (!(d & D_AF))
		return bad(w, "access flag clear", ipa, d);
	if ((d & D_ATTRS) != s2_expected_attrs(t))
		return bad(w, "attributes do not match the type", ipa, d);
	if ((d & D_MUST_BE_ZERO) || (d & D_OA) >> w->pa_bits || (d & D_OA & ((1ull << shift(level)) - 1)))
		return bad(w, "reserved bits or misaligned output address", ipa, d);
	w->c->leaves[level]++;
	return true;
}

static bool walk_table(struct walk *w, uint64_t table, unsigned level, uint64_t ipa, unsigned entries);

/* The p2m's own count of a table's entries in use (kept in the frame table) against the entries. */
static bool count_ok(struct walk *w, uint64_t table, uint64_t ipa)
{
	const uint64_t *t = fake_ram(table);
	const uint32_t *kept = frame_owner_word(pa_init(table));
	unsigned used = 0;

	for (unsigned i = 0; i < 512; i++)
		used += t[i] != 0;
	if (!kept || *kept != used) {
		snprintf(w->why, w->len, "table at IPA 0x%llx: %u entries in use, the p2m counts %d",
			 (unsigned long long)ipa, used, kept ? (int)*kept : -1);
		return false;
	}
	return true;
}

static bool entry_ok(struct walk *w, uint64_t d, unsigned level, uint64_t ipa)
{
	if (!(d & D_VALID)) {
		if (d)
			return bad(w, "invalid descriptor with stray bits", ipa, d);
		return true;
	}
	if (level < 3 && (d & D_TABLE)) {
		if (d & ~(D_OA | D_VALID | D_TABLE))
			return bad(w, "table descriptor with attribute bits", ipa, d);
		return walk_table(w, d & D_OA, level + 1, ipa, 512) && count_ok(w, d & D_OA, ipa);
	}
	return leaf_ok(w, d, level, ipa);
}

static bool walk_table(struct walk *w, uint64_t table, unsigned level, uint64_t ipa, unsigned entries)
{
	const uint64_t *t = fake_ram(table);
	if (!t || !fake_ram(table + 8 * entries - 1))
		return bad(w, "table outside RAM", ipa, table);
	uint64_t first = t[0], step = 1ull << shift(level);
	bool empty = true, uniform = level > 1 && (first & D_VALID) && (level == 3) == ((first & D_TABLE) != 0) &&
				     !((first & D_OA) & ((step << 9) - 1));

	w->c->tables[level]++;
	for (unsigned i = 0; i < entries; i++) {
		uint64_t d = t[i];
		empty &= d == 0;
		uniform &= d == first + i * step;
		if (!entry_ok(w, d, level, ipa + i * step))
			return false;
	}
	if (entries == 512 && empty)
		return bad(w, "empty table left in the tree", ipa, 0);
	if (entries == 512 && uniform)
		return bad(w, "table one block could replace", ipa, first);
	return true;
}

bool s2_census(const struct p2m *p2m, struct s2_census *c, char *why, size_t whylen)
{
	struct walk w = { c, p2m->geo.pa_bits, why, whylen };

	*c = (struct s2_census){ 0 };
	/* The root pages hold 512 entries each, concatenated: walk them as one table. */
	unsigned n = 512 * p2m->geo.root_pages, used = 0;
	if (!walk_table(&w, pa_addr(p2m->root), p2m->geo.start_level, 0, n))
		return false;
	for (unsigned i = 0; i < n; i++)
		used += ((const uint64_t *)fake_ram(pa_addr(p2m->root)))[i] != 0;
	if (used != p2m->root_used) {
		snprintf(why, whylen, "root: %u entries in use, the p2m counts %u", used, p2m->root_used);
		return false;
	}
	return true;
}

bool s2_probe(unsigned cpu, uint64_t ipa, unsigned type, struct mmu_result *res)
{
	struct mmu_access acc = { .va = ipa, .type = (uint8_t)type, .el = 1, .size = 8 };
	return mmu_translate(&fake_mmu[cpu], &acc, res);
}

int s2_setup(void **state)
{
	struct p2m *p2m = *state;
	fake_frames(64 << 20);
	if (p2m_init(p2m, 1, 5))
		return -1;
	fake_mmu_stage2(p2m_vttbr(p2m), p2m->geo.vtcr);
	return 0;
}

int s2_teardown(void **state)
{
	p2m_destroy(*state);
	return frame_count(DOMID_XEN) ? -1 : 0;
}
