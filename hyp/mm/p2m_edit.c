/* Changing a p2m: walk the range level by level, write a block wherever IPA, PA and size allow,
 * split a block that only partly changes, merge a table whose entries become one block, free a
 * table that empties. Every valid entry changes by break-before-make. Called with the lock held. */
#include "p2m_desc.h"

#include "core/panic.h"
#include "mm/frame.h"

static uint64_t size_of(unsigned level) { return UINT64_C(1) << p2m_shift(level); }

static void flush_now(struct p2m_edit *ed, uint64_t ipa) { hal_s2_flush_ipa(ed->p2m->vmid, ipa_init(ipa)); }

/* Pays what the edit owes: invalidations, then the frees they protect. */
static void settle_flushes(struct p2m_edit *ed)
{
	if (ed->flush_all)
		hal_s2_flush_vmid(ed->p2m->vmid);
	else
		for (unsigned i = 0; i < ed->nflush; i++)
			flush_now(ed, ed->flush[i]);
	for (unsigned i = 0; i < ed->nfree; i++)
		p2m_table_free(ed->p2m, ed->free[i]);
	ed->nflush = ed->nfree = 0;
	ed->flush_all = false;
}

static void flush_later(struct p2m_edit *ed, uint64_t ipa)
{
	if (ed->nflush < P2M_FLUSH_BATCH)
		ed->flush[ed->nflush++] = ipa;
	else
		ed->flush_all = true; /* one VMID-wide flush beats many by-IPA broadcasts */
}

/* Every write to an entry of the table being edited comes here, so its count stays exact. */
static void entry_write(struct p2m_edit *ed, uint64_t *e, uint64_t d)
{
	*ed->count = *ed->count + (d != 0) - (*e != 0);
	pte_write(e, d);
}

/* Break: invalidate the entry for [eb, eb + size of @level) and wait until no TLB or walk cache
 * holds anything it led to. A table's leaves may be cached at any IPA under it: flush the VMID. */
static void break_entry(struct p2m_edit *ed, uint64_t *e, unsigned level, uint64_t eb)
{
	uint64_t old = *e;

	entry_write(ed, e, 0);
	if (pte_is_table(old, level)) {
		hal_s2_flush_vmid(ed->p2m->vmid);
		p2m_free_tree(ed->p2m, pa_init(pte_oa(old)), level + 1);
	} else {
		flush_now(ed, eb);
	}
}

static void set_entry(struct p2m_edit *ed, uint64_t *e, unsigned level, uint64_t eb, uint64_t d)
{
	if (*e == d)
		return;
	if (pte_valid(*e))
		break_entry(ed, e, level, eb);
	entry_write(ed, e, d);
}

/* The table under @e, made if need be: empty over a hole, a copy of a block's translation (split)
 * over a block. NULL with ed->rc set when no frame is left; the entry is then untouched. */
static uint64_t *descend(struct p2m_edit *ed, uint64_t *e, unsigned level, uint64_t eb)
{
	paddr_t pa;

	if (pte_is_table(*e, level))
		return p2m_table_va(pte_oa(*e));
	ed->rc = p2m_table_alloc(ed->p2m, &pa);
	if (ed->rc)
		return NULL;
	uint64_t *t = p2m_table_va(pa_addr(pa));
	if (pte_valid(*e)) {
		uint64_t first = *e | (level + 1 == 3 ? PTE_TABLE : 0), step = size_of(level + 1);
		for (unsigned i = 0; i < P2M_PTES; i++)
			t[i] = first + i * step;
		*p2m_table_count(ed->p2m, pa_addr(pa), level + 1) = P2M_PTES;
	}
	hal_s2_publish(); /* the new table's contents before the entry that links it */
	set_entry(ed, e, level, eb, pa_addr(pa) | PTE_TABLE | PTE_VALID);
	return t;
}

/* The block one table's entries amount to, if they are 512 leaves with the same attributes and
 * consecutive output addresses from a block-aligned start: 0 otherwise. A table with a hole
 * (@used < 512, the usual case for grants and ballooned pages) is told without reading it. */
static uint64_t as_block(uint64_t table, unsigned level, uint32_t used)
{
	if (used != P2M_PTES)
		return 0;
	const uint64_t *t = p2m_table_va(table);
	uint64_t first = t[0], step = size_of(level + 1);

	if (!pte_is_leaf(first, level + 1) || (pte_oa(first) & (size_of(level) - 1)))
		return 0;
	for (unsigned i = 1; i < P2M_PTES; i++)
		if (t[i] != first + i * step)
			return 0;
	return first & ~PTE_TABLE;
}

/* After editing the table under @e, @used of whose entries are in use: free it if empty, fold it into a block if it
 * became one. This keeps the tree canonical: no empty table, no table a block could replace. */
static void settle(struct p2m_edit *ed, uint64_t *e, unsigned level, uint64_t eb, uint32_t used)
{
	uint64_t table = pte_oa(*e), block;

	if (!used) {
		/* No leaf below is cached (each was flushed or is owed a flush); walk caches may
		 * still hold the table entry itself, which the owed by-IPA flush also removes. */
		entry_write(ed, e, 0);
		if (ed->nfree == P2M_FREE_BATCH)
			settle_flushes(ed);
		flush_later(ed, eb);
		ed->free[ed->nfree++] = pa_init(table);
		return;
	}
	if (level >= 1 && (block = as_block(table, level, used)))
		set_entry(ed, e, level, eb, block);
}

/* RW <-> RO within a kind: RAM stays RAM, a grant stays a grant, MMIO stays MMIO. */
static enum p2m_type protected_type(enum p2m_type t, enum p2m_type want)
{
	bool rw = want == P2M_RAM_RW || want == P2M_GRANT_RW, ram = t == P2M_RAM_RW || t == P2M_RAM_RO;

	if (t == P2M_MMIO || t == P2M_FOREIGN_RW || t == P2M_FOREIGN_RO)
		return t;
	return ram ? (rw ? P2M_RAM_RW : P2M_RAM_RO) : (rw ? P2M_GRANT_RW : P2M_GRANT_RO);
}

/* The leaf the edit puts at [eb, ...) in place of leaf @old (whose bits survive a deferred break). */
static uint64_t made(const struct p2m_edit *ed, uint64_t old, unsigned level, uint64_t eb)
{
	if (ed->kind == P2M_EDIT_MAP)
		return pte_leaf(level, ed->pa0 + (eb - ed->ipa0), ed->type);
	return pte_leaf(level, pte_oa(old), protected_type(pte_type(old), ed->type));
}

/* Replaces a whole leaf by another of the same level: break now, flush and make once per table,
 * so a range of changed pages costs one round of TLB maintenance, not one per page. The broken
 * entry keeps its other bits (the walker ignores them) for made() to read back. */
static void replace_leaf(struct p2m_edit *ed, uint64_t *e, unsigned level, uint64_t eb)
{
	if (made(ed, *e, level, eb) == *e)
		return;
	entry_write(ed, e, *e & ~PTE_VALID);
	flush_later(ed, eb);
	ed->deferred++;
}

static void edit_table(struct p2m_edit *ed, uint64_t *t, uint32_t *count, unsigned level, uint64_t ipa, uint64_t end,
		       uint64_t mask);

static void edit_entry(struct p2m_edit *ed, uint64_t *e, unsigned level, uint64_t ipa, uint64_t end)
{
	uint64_t size = size_of(level), eb = ipa & ~(size - 1);
	bool whole = ipa == eb && end - eb == size;
	uint64_t d = *e;

	if (ed->kind == P2M_EDIT_MAP) {
		uint64_t pa = ed->pa0 + (ipa - ed->ipa0);
		if (whole && (level == 3 || (level >= 1 && !(pa & (size - 1))))) {
			if (pte_is_leaf(d, level))
				replace_leaf(ed, e, level, eb);
			else
				set_entry(ed, e, level, eb, pte_leaf(level, pa, ed->type));
			return;
		}
		/* A block already giving this part the requested translation needs no split. */
		if (pte_is_leaf(d, level) && pte_type(d) == ed->type && pte_oa(d) + (ipa - eb) == pa)
			return;
		/* All of it changes but needs a finer table: build a fresh one rather than split the
		 * old translation only to replace every piece of it. */
		if (whole && pte_valid(d))
			break_entry(ed, e, level, eb);
	} else {
		if (!pte_valid(d))
			return;
		if (whole && ed->kind == P2M_EDIT_UNMAP) {
			if (pte_is_table(d, level)) {
				break_entry(ed, e, level, eb);
			} else {
				entry_write(ed, e, 0);
				flush_later(ed, eb);
			}
			return;
		}
		if (ed->kind == P2M_EDIT_PROTECT && pte_is_leaf(d, level)) {
			if (protected_type(pte_type(d), ed->type) == pte_type(d))
				return;
			if (whole) {
				replace_leaf(ed, e, level, eb);
				return;
			}
		}
	}
	uint64_t *t = descend(ed, e, level, eb);
	if (!t)
		return;
	uint32_t *used = p2m_table_count(ed->p2m, pte_oa(*e), level + 1);
	edit_table(ed, t, used, level + 1, ipa, end, P2M_PTES - 1);
	settle(ed, e, level, eb, *used);
}

/* Edits [ipa, end) within table @t (entry index: the IPA's bits at @level, masked by @mask), whose
 * entries in use are *@count. */
static void edit_table(struct p2m_edit *ed, uint64_t *t, uint32_t *count, unsigned level, uint64_t ipa, uint64_t end,
		       uint64_t mask)
{
	uint64_t size = size_of(level);
	unsigned outer = ed->deferred;
	uint32_t *outer_count = ed->count;

	ed->deferred = 0;
	ed->count = count;
	if (ed->kind == P2M_EDIT_MAP && level == 3) {
		/* The bulk of mapping with pages: no tables below, no alignment to weigh. */
		uint64_t d = pte_leaf(3, ed->pa0 + (ipa - ed->ipa0), ed->type);
		for (uint64_t a = ipa; a < end; a += PAGE_SIZE, d += PAGE_SIZE) {
			uint64_t *e = &t[(a >> PAGE_SHIFT) & mask];
			if (!*e)
				entry_write(ed, e, d);
			else if (*e != d)
				replace_leaf(ed, e, level, a);
		}
	} else {
		for (uint64_t a = ipa; a < end && !ed->rc;) {
			uint64_t next = (a & ~(size - 1)) + size, stop = next < end ? next : end;
			edit_entry(ed, &t[(a >> p2m_shift(level)) & mask], level, a, stop);
			a = stop;
		}
	}
	if (ed->deferred) {
		/* Every replaced leaf of this table is invalid: flush once, then make them all. */
		settle_flushes(ed);
		for (uint64_t a = ipa & ~(size - 1); a < end; a += size) {
			uint64_t *e = &t[(a >> p2m_shift(level)) & mask];
			if (*e && !pte_valid(*e))
				entry_write(ed, e, made(ed, *e, level, a));
		}
	}
	ed->deferred = outer;
	ed->count = outer_count;
}

void p2m_edit_range(struct p2m_edit *ed, uint64_t ipa, uint64_t end)
{
	struct p2m *p2m = ed->p2m;

	edit_table(ed, p2m_table_va(pa_addr(p2m->root)), &p2m->root_used, p2m->geo.start_level, ipa, end,
		   (uint64_t)P2M_PTES * p2m->geo.root_pages - 1);
	settle_flushes(ed);
	hal_s2_publish();
}
